"""Passages: the units that theme discovery and code suggestions work on.

A passage is a stretch of one transcript's participant speech of about 40–120 words.
Long turns are split at sentence boundaries into balanced windows (inside a sentence only
when no split at sentence boundaries keeps every window within bounds); very short turns are
joined with the following (or, at the end, the preceding) turns of the same transcript.
Interviewer turns are left out unless asked for. A passage that joins several turns keeps
one segment per turn, so its offsets never cover the interviewer's words in between.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualkit.model import Span, SpeakerKind, Transcript
from qualkit.text import split_sentences, text_hash

if TYPE_CHECKING:
    from qualkit.storage import Store

MIN_WORDS = 40
MAX_WORDS = 120
#: A window may run to this multiple of the maximum when sentence boundaries leave no
#: better cut; single sentences longer than ``MAX_WORDS - MIN_WORDS`` words are split at
#: clause breaks first.
LONGEST = 1.25

_WORD = re.compile(r"\S+")
# Clause breaks used when a single "sentence" is longer than the window (run-on speech).
_CLAUSE_END = re.compile(r"[,;:–—-](?=\s)")


@dataclass
class Passage:
    """A window of one transcript's text made of one or more segments (one per turn)."""

    transcript: str
    segments: list[Span]
    text: str
    participant: str | None = None
    role: str | None = None
    speaker_kinds: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.segments[0].start

    @property
    def end(self) -> int:
        return self.segments[-1].end

    @property
    def key(self) -> str:
        """Stable id: transcript and offsets."""
        return f"{self.transcript}:{self.start}-{self.end}"

    @property
    def hash(self) -> str:
        return text_hash(self.text)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def overlap(self, start: int, end: int) -> int:
        """Number of characters of ``[start, end)`` this passage covers."""
        return sum(max(0, min(end, s.end) - max(start, s.start)) for s in self.segments)


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    words: int
    turn: int


def _split_long(text: str, a: int, b: int, max_words: int) -> list[tuple[int, int]]:
    """Split one over-long sentence at clause breaks, else between words."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, a, b)]
    n = len(words)
    if n <= max_words:
        return [(a, b)]
    k = math.ceil(n / max_words)
    target = n / k
    out: list[tuple[int, int]] = []
    first = 0
    while first < n:
        remaining = n - first
        if remaining <= max_words:
            out.append((words[first][0], words[-1][1]))
            break
        ideal = first + round(target)
        # Prefer a clause break within a few words of the ideal cut.
        cut = ideal
        for delta in range(0, max(3, int(target * 0.25))):
            for c in (ideal + delta, ideal - delta):
                if first < c < n and c - first <= max_words:
                    prev_end = words[c - 1][1]
                    if _CLAUSE_END.match(text, prev_end - 1, prev_end + 1):
                        cut = c
                        break
            else:
                continue
            break
        cut = min(max(cut, first + 1), first + max_words)
        out.append((words[first][0], words[cut - 1][1]))
        first = cut
    return out


def _balanced_windows(
    sents: Sequence[_Sentence], max_words: int, min_words: int
) -> list[list[_Sentence]]:
    """Cut a run of sentences into windows of even length near ``max_words`` or below.

    Dynamic programming over sentence boundaries: each window costs its squared relative
    distance from the balanced length, plus a small cost per window; windows shorter than
    ``min_words`` or longer than ``max_words`` cost much more, and none may exceed
    ``LONGEST`` × ``max_words``. So windows stay within bounds whenever sentence
    boundaries allow, and otherwise run a little long rather than end up tiny.
    """
    n = len(sents)
    total = sum(s.words for s in sents)
    if total <= max_words:
        return [list(sents)]
    target = total / math.ceil(total / max_words)
    hard_max = int(max_words * LONGEST)
    prefix = [0]
    for s in sents:
        prefix.append(prefix[-1] + s.words)

    def cost(w: int) -> float:
        c = ((w - target) / target) ** 2 + 0.25
        if w < min_words:
            c += 10.0 + 50.0 * (min_words - w) / min_words
        if w > max_words:
            c += 5.0 * (w - max_words) / max_words
        return c

    inf = float("inf")
    best = [inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for i in range(1, n + 1):
        for h in range(i - 1, -1, -1):
            w = prefix[i] - prefix[h]
            if w > hard_max and i - h > 1:
                break
            c = best[h] + cost(w)
            if c < best[i]:
                best[i], back[i] = c, h
    cuts = [n]
    while cuts[-1] > 0:
        cuts.append(back[cuts[-1]])
    cuts.reverse()
    return [list(sents[cuts[j] : cuts[j + 1]]) for j in range(len(cuts) - 1)]


def transcript_passages(
    t: Transcript,
    *,
    include_interviewer: bool = False,
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
    role: str | None = None,
) -> list[Passage]:
    """Passages of one transcript (which must be loaded with its text and turns)."""
    text = t.text
    turns = [u for u in t.turns if include_interviewer or u.kind != SpeakerKind.INTERVIEWER]
    spans: list[tuple[int, int, str]]
    if t.turns:
        spans = [(u.start, u.end, u.kind.value) for u in turns]
    else:
        spans = [(0, len(text), SpeakerKind.PARTICIPANT.value)]
    kinds = [k for _, _, k in spans]
    # Sentences of every included turn, over-long sentences split further.
    per_turn: list[list[_Sentence]] = []
    for ti, (a, b, _k) in enumerate(spans):
        sents: list[_Sentence] = []
        for sentence in split_sentences(text, a, b):
            longest = max(min_words, max_words - min_words)
            for pa, pb in _split_long(text, sentence.start, sentence.end, longest):
                n = len(text[pa:pb].split())
                if n:
                    sents.append(_Sentence(pa, pb, n, ti))
        if sents:
            per_turn.append(sents)
    # Units: consecutive turns joined until they reach min_words; a short tail joins
    # the unit before it.
    units: list[list[_Sentence]] = []
    cur: list[_Sentence] = []
    for sents in per_turn:
        cur.extend(sents)
        if sum(s.words for s in cur) >= min_words:
            units.append(cur)
            cur = []
    if cur:
        if units:
            units[-1].extend(cur)
        else:
            units.append(cur)
    out: list[Passage] = []
    for unit in units:
        windows = _balanced_windows(unit, max_words, min_words)
        if len(windows) > 1 and min(sum(s.words for s in w) for w in windows) < min_words:
            # Sentence boundaries leave no way to keep every window in bounds: cut the
            # unit's sentences into pieces of at most ``min_words`` words and try again.
            pieces = [
                _Sentence(pa, pb, len(text[pa:pb].split()), s.turn)
                for s in unit
                for pa, pb in _split_long(text, s.start, s.end, min_words)
            ]
            windows = _balanced_windows(pieces, max_words, min_words)
        for window in windows:
            segs: list[Span] = []
            turn_ids: list[int] = []
            for s in window:
                if segs and turn_ids[-1] == s.turn:
                    segs[-1] = Span(segs[-1].start, s.end)
                else:
                    segs.append(Span(s.start, s.end))
                    turn_ids.append(s.turn)
            body = " ".join(" ".join(text[g.start : g.end].split()) for g in segs)
            out.append(
                Passage(
                    transcript=t.tid,
                    segments=segs,
                    text=body,
                    participant=t.participant,
                    role=role,
                    speaker_kinds=sorted({kinds[i] for i in turn_ids}),
                )
            )
    return out


def build_passages(
    transcripts: Iterable[Transcript],
    *,
    roles: dict[str, str] | None = None,
    include_interviewer: bool = False,
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
) -> list[Passage]:
    """Passages of many transcripts, in transcript order. ``roles`` maps participant
    id to role label."""
    roles = roles or {}
    out: list[Passage] = []
    for t in transcripts:
        out.extend(
            transcript_passages(
                t,
                include_interviewer=include_interviewer,
                min_words=min_words,
                max_words=max_words,
                role=roles.get(t.participant or ""),
            )
        )
    return out


def project_passages(store: Store, *, include_interviewer: bool = False) -> list[Passage]:
    """Passages of every transcript in a project."""
    roles = {p.pid: p.role for p in store.participants()}
    return build_passages(
        store.transcripts(with_text=True), roles=roles, include_interviewer=include_interviewer
    )


__all__ = [
    "LONGEST",
    "MAX_WORDS",
    "MIN_WORDS",
    "Passage",
    "build_passages",
    "project_passages",
    "transcript_passages",
]
