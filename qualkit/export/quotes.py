"""Quote banks: the coded passages a report writer quotes, selected, merged and tidied.

:func:`build_quote_bank` reads a project (its de-identified text only) and returns a
:class:`QuoteBank`; :func:`qualkit.export.formats.write_quotes` writes one as CSV, XLSX,
DOCX or Markdown.

Selection (:class:`QuoteFilters`)
    ``codes``         code or theme ids; each one includes every code below it
                      (:meth:`Codebook.descendants`). Empty: every code.
    ``coders``        coder names; ``"consensus"`` is the consensus layer. Empty: every
                      coder and the consensus layer.
    ``roles``         participant roles (case-insensitive), e.g. "Person accessing support".
    ``where``         ``(attribute, value)`` pairs matched case-insensitively against the
                      participant's attributes (``role`` and ``participant`` also work).
                      Values for the same attribute are alternatives; different attributes
                      must all match.
    ``transcripts``   transcript ids.
    ``min_agreement`` keep quotes whose agreement (below) is at least this share (0-1).
    ``participant_turns_only``  drop quotes that lie wholly in interviewer or other turns.
    ``tidy``          trim to sentences and tidy transcription marks (default on).

Merging
    Codings with the same code in the same transcript whose spans overlap by at least one
    character (directly or through a chain of overlaps) become one quote. Its span is the
    union of theirs, it lists every coder who applied them, and it carries their memos.

Agreement
    For a quote with code C in transcript T: the number of coders who applied C to a span
    overlapping the quote's span, divided by the number of coders who made at least one
    coding (any code) in T. The consensus layer is not a coder and counts in neither
    number, and coder filters do not change it. It is ``None`` when nobody but the
    consensus layer coded T; such quotes fail any ``min_agreement``.

Attribution
    A quote is attributed to the participant's role, or to the label the project setting
    ``attribution_labels`` (a mapping role → label) gives for that role, followed by the
    pseudonymous participant id: "Person accessing support, P04". Quotes from an
    interviewer turn are attributed to "Interviewer" (also relabelled through
    ``attribution_labels``) without a participant id.

Trimming and tidying (:func:`quote_text`, :func:`tidy_marks`)
    A span that crosses speaker turns is quoted from the turns of its main speaker (the
    one whose turn holds most of the span), turn by turn with " … " between the parts;
    speaker labels and the other speakers' words are left out. Within a turn, a span that
    starts or ends within the first or last word of a sentence, or next to it with only
    punctuation in between, is widened to the whole sentence. Partial sentences at either
    end are then dropped as long as one whole sentence remains; a quote made of whole
    sentences needs no ellipsis. A span inside a single sentence is kept as a phrase,
    widened to whole words, with "…" where it is cut from its sentence.
    Line breaks become spaces. Transcription marks in square or round brackets:

    - timestamps are removed: ``[00:12:01]`` disappears, ``[inaudible 00:12:01]`` becomes
      ``[inaudible]``;
    - gaps in what was heard are kept, spelled ``[inaudible]`` (from inaudible,
      indistinct, unintelligible, unclear, in either kind of bracket);
    - sounds and overlaps are removed: ``[crosstalk]``, ``(laughs)``, ``(laughter)``,
      ``[pause]``, ``(sighs)``, ``(coughs)``, ``[background noise]`` and the like;
    - anything else in brackets stays, including de-identification placeholders such as
      ``[PERSON 1]`` and words a transcriber added, e.g. ``[the council]``.

    Offsets (``start``, ``end``) always give the merged coded span in the stored text, not
    the trimmed text.

API for other parts of qualkit (the app's report page calls the same two functions)::

    from qualkit.export import QuoteFilters, build_quote_bank, write_quotes

    bank = build_quote_bank(store, QuoteFilters(codes=("access",), min_agreement=0.5))
    with open("quotes.docx", "wb") as f:
        write_quotes(bank, "docx", f)          # or "csv", "xlsx", "md"
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from qualkit.errors import NotFoundError, QualkitError
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Memo,
    Participant,
    Span,
    SpeakerKind,
    Transcript,
    Turn,
    theme_of,
)
from qualkit.storage import Store
from qualkit.text import split_sentences

CONSENSUS = "consensus"
INTERVIEWER_LABEL = "Interviewer"
ELLIPSIS = "…"

# -- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteFilters:
    """Which quotes go into a bank (see the module docstring)."""

    codes: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    transcripts: tuple[str, ...] = ()
    min_agreement: float | None = None
    participant_turns_only: bool = False
    tidy: bool = True

    def __post_init__(self) -> None:
        if self.min_agreement is not None and not 0.0 <= self.min_agreement <= 1.0:
            raise QualkitError("minimum agreement must be between 0 and 1 (e.g. 0.5 or 50%)")

    def describe(self, names: Mapping[str, str] | None = None) -> list[str]:
        """One readable line per filter that is set; ``names`` (code id → name) names the
        codes and themes as a report reader knows them."""
        out = []
        if self.codes:
            out.append(
                "Codes and themes: " + ", ".join((names or {}).get(c, c) for c in self.codes)
            )
        if self.coders:
            out.append("Coders: " + ", ".join(self.coders))
        if self.roles:
            out.append("Roles: " + ", ".join(self.roles))
        for key, values in _group_where(self.where).items():
            out.append(f"{key}: " + " or ".join(values))
        if self.transcripts:
            out.append("Transcripts: " + ", ".join(self.transcripts))
        if self.min_agreement is not None:
            out.append(f"Minimum agreement: {self.min_agreement:.0%}")
        if self.participant_turns_only:
            out.append("Participant turns only")
        if not self.tidy:
            out.append("Untrimmed, untidied text")
        return out


def parse_where(item: str) -> tuple[str, str]:
    """``"borough=Lambeth"`` → ``("borough", "Lambeth")``."""
    key, sep, value = item.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise QualkitError(f"expected ATTRIBUTE=VALUE, got {item!r}")
    return key.strip(), value.strip()


def parse_agreement(value: str) -> float:
    """``"0.6"`` or ``"60%"`` → 0.6."""
    text = value.strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise QualkitError(f"minimum agreement {value!r} is not a number") from None
    if not 0.0 <= share <= 1.0:
        raise QualkitError("minimum agreement must be between 0 and 1 (e.g. 0.5 or 50%)")
    return share


def _group_where(where: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in where:
        grouped.setdefault(key.casefold(), []).append(value)
    return grouped


# -- the bank -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """One quotable passage: one code, one transcript, one or more coders."""

    theme: str
    theme_name: str
    code: str
    code_name: str
    text: str
    attribution: str
    participant: str | None
    role: str | None
    transcript: str
    turn: int | None
    speaker: str | None
    start: int
    end: int
    coders: tuple[str, ...]
    agreement: float | None
    memo: str = ""
    coding_ids: tuple[int, ...] = ()

    @property
    def citation(self) -> str:
        """How a report prints the source: ``"Person accessing support, P04"``."""
        return f"{self.attribution}, {self.participant}" if self.participant else self.attribution


@dataclass(frozen=True)
class CodeGroup:
    code: str
    name: str
    quotes: list[Quote]

    @property
    def participants(self) -> int:
        return len({q.participant for q in self.quotes if q.participant})


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    name: str
    codes: list[CodeGroup]

    @property
    def quotes(self) -> list[Quote]:
        return [q for c in self.codes for q in c.quotes]


@dataclass(frozen=True)
class CodeCount:
    theme: str
    theme_name: str
    code: str
    code_name: str
    quotes: int
    participants: int
    transcripts: int


@dataclass
class QuoteBank:
    """Quotes in codebook order (theme, code), then by transcript and position."""

    project: str
    filters: QuoteFilters
    quotes: list[Quote]
    codes: list[Code]
    """The selected codes, in codebook order (including codes with no quotes)."""
    themes: dict[str, str]
    """Theme id → theme name for every selected code's theme."""
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    def groups(self) -> list[ThemeGroup]:
        """Themes with at least one quote, each with its codes that have quotes."""
        by_code: dict[str, list[Quote]] = defaultdict(list)
        for q in self.quotes:
            by_code[q.code].append(q)
        themes: dict[str, list[CodeGroup]] = {}
        for code in self.codes:
            quotes = by_code.get(code.cid)
            if quotes:
                theme = quotes[0].theme
                themes.setdefault(theme, []).append(CodeGroup(code.cid, code.name, quotes))
        return [ThemeGroup(t, self.themes.get(t, t), groups) for t, groups in themes.items()]

    def counts(self) -> list[CodeCount]:
        """Quotes, participants and transcripts per selected code, in codebook order."""
        by_code: dict[str, list[Quote]] = defaultdict(list)
        for q in self.quotes:
            by_code[q.code].append(q)
        parents = {c.cid: c.parent for c in self.codes}
        out = []
        for code in self.codes:
            quotes = by_code.get(code.cid, [])
            theme = theme_of(code.cid, parents)
            out.append(
                CodeCount(
                    theme=theme,
                    theme_name=self.themes.get(theme, theme),
                    code=code.cid,
                    code_name=code.name,
                    quotes=len(quotes),
                    participants=len({q.participant for q in quotes if q.participant}),
                    transcripts=len({q.transcript for q in quotes}),
                )
            )
        return out

    @property
    def participants(self) -> int:
        return len({q.participant for q in self.quotes if q.participant})

    def summary(self) -> str:
        n = len(self.quotes)
        return (
            f"{n} quote{'s' if n != 1 else ''} from {self.participants} participant"
            f"{'s' if self.participants != 1 else ''}"
        )


# -- building -----------------------------------------------------------------------------


def build_quote_bank(store: Store, filters: QuoteFilters | None = None) -> QuoteBank:
    """Select, merge and tidy the project's coded passages into a :class:`QuoteBank`.

    Only stored (de-identified) text is read. Raises :class:`NotFoundError` for a code,
    coder or transcript in ``filters`` that the project does not have.
    """
    filters = filters or QuoteFilters()
    project = store.project()
    settings = store.settings()
    codebook = store.codebook(include_inactive=True)
    active = {c.cid for c in store.codebook().codes}
    transcripts = {t.tid: t for t in store.transcripts(with_text=True)}
    participants = {p.pid: p for p in store.participants()}
    codings = store.codings()
    memos = store.memos()
    return assemble_quote_bank(
        project.name,
        filters,
        codebook=codebook,
        active_codes=active,
        transcripts=transcripts,
        participants=participants,
        codings=codings,
        memos=memos,
        labels=attribution_labels(settings),
    )


def attribution_labels(settings: Mapping[str, object]) -> dict[str, str]:
    """The ``attribution_labels`` project setting, checked."""
    raw = settings.get("attribution_labels") or {}
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise QualkitError("project setting attribution_labels must map each role to a label")
    return dict(raw)


def assemble_quote_bank(
    project: str,
    filters: QuoteFilters,
    *,
    codebook: Codebook,
    active_codes: set[str],
    transcripts: Mapping[str, Transcript],
    participants: Mapping[str, Participant],
    codings: Sequence[Coding],
    memos: Sequence[Memo] = (),
    labels: Mapping[str, str] | None = None,
) -> QuoteBank:
    """:func:`build_quote_bank` over data already read from a store."""
    labels = labels or {}
    by_id = codebook.by_id()
    parents = {c.cid: c.parent for c in codebook.codes}

    used = {c.code for c in codings}
    selected = _selected_codes(codebook, filters.codes)
    if not filters.codes:
        selected &= active_codes | used
    _check_filters(filters, codings, transcripts)
    wanted_tids = _wanted_transcripts(filters, transcripts, participants)
    coder_set = set(filters.coders)
    memo_by_coding = _memos_by_coding(memos)

    all_by_tid: dict[str, list[Coding]] = defaultdict(list)
    for c in codings:
        all_by_tid[c.transcript].append(c)

    quotes: list[Quote] = []
    code_pos = {c.cid: i for i, c in enumerate(codebook.codes)}
    for tid in sorted(wanted_tids):
        t = transcripts[tid]
        tcodings = all_by_tid.get(tid, [])
        human = {c.coder for c in tcodings if c.coder != CONSENSUS}
        turns = TurnIndex(t.turns)
        participant = participants.get(t.participant) if t.participant else None
        chosen = [
            c for c in tcodings if c.code in selected and (not coder_set or c.coder in coder_set)
        ]
        for group in _merge(chosen):
            start = min(c.start for c in group)
            end = max(c.end for c in group)
            code = group[0].code
            agreeing = {
                c.coder
                for c in tcodings
                if c.code == code and c.coder != CONSENSUS and c.start < end and start < c.end
            }
            agreement = len(agreeing) / len(human) if human else None
            turn = turns.main(start, end)
            if not _passes(filters, t, turn, agreement):
                continue
            quotes.append(
                _quote(
                    t,
                    turns,
                    group,
                    start,
                    end,
                    turn,
                    participant,
                    agreement,
                    memo_by_coding,
                    labels,
                    by_id,
                    parents,
                    filters.tidy,
                )
            )
    quotes.sort(
        key=lambda q: (code_pos.get(q.theme, 0), code_pos.get(q.code, 0), q.transcript, q.start)
    )
    codes = [k for k in codebook.codes if k.cid in selected]
    themes = _themes(codes, parents, by_id)
    return QuoteBank(project=project, filters=filters, quotes=quotes, codes=codes, themes=themes)


def _themes(
    codes: Sequence[Code], parents: Mapping[str, str | None], by_id: Mapping[str, Code]
) -> dict[str, str]:
    """Id to name of the top-level code (theme) above each code."""
    themes: dict[str, str] = {}
    for k in codes:
        root = theme_of(k.cid, parents)
        themes[root] = by_id[root].name if root in by_id else root
    return themes


def _check_filters(
    filters: QuoteFilters, codings: Sequence[Coding], transcripts: Mapping[str, Transcript]
) -> None:
    """Raise :class:`NotFoundError` for a coder or transcript the filters name but the
    project does not have."""
    coders_known = {c.coder for c in codings} | {CONSENSUS}
    for name in filters.coders:
        if name not in coders_known:
            raise NotFoundError(f"no codings by a coder called {name!r}")
    for tid in filters.transcripts:
        if tid not in transcripts:
            raise NotFoundError(f"no transcript with id {tid!r}")


def _memos_by_coding(memos: Sequence[Memo]) -> dict[int, list[str]]:
    """The non-blank memo texts attached to each coding id."""
    out: dict[int, list[str]] = defaultdict(list)
    for m in memos:
        if m.coding_id is not None and m.text.strip():
            out[m.coding_id].append(m.text.strip())
    return out


def _passes(
    filters: QuoteFilters, t: Transcript, turn: Turn | None, agreement: float | None
) -> bool:
    """Whether a quote meets the minimum agreement and participant-turns filters."""
    if filters.min_agreement is not None and (
        agreement is None or agreement + 1e-9 < filters.min_agreement
    ):
        return False
    return not (
        filters.participant_turns_only
        and bool(t.turns)
        and (turn is None or turn.kind is not SpeakerKind.PARTICIPANT)
    )


def _selected_codes(codebook: Codebook, wanted: Sequence[str]) -> set[str]:
    by_id = codebook.by_id()
    if not wanted:
        return set(by_id)
    out: set[str] = set()
    for cid in wanted:
        if cid not in by_id:
            raise NotFoundError(f"no code or theme with id {cid!r}")
        out.add(cid)
        out.update(c.cid for c in codebook.descendants(cid))
    return out


def _wanted_transcripts(
    filters: QuoteFilters,
    transcripts: Mapping[str, Transcript],
    participants: Mapping[str, Participant],
) -> set[str]:
    tids = set(filters.transcripts) if filters.transcripts else set(transcripts)
    roles = {r.casefold() for r in filters.roles}
    where = {k: {v.casefold() for v in vs} for k, vs in _group_where(filters.where).items()}
    if not roles and not where:
        return tids
    out = set()
    for tid in tids:
        pid = transcripts[tid].participant
        p = participants.get(pid) if pid else None
        if p is None:
            continue
        if roles and p.role.casefold() not in roles:
            continue
        values = {k.casefold(): v for k, v in p.attributes.items()}
        values.setdefault("role", p.role)
        values.setdefault("participant", p.pid)
        if all(values.get(k, "").strip().casefold() in vs for k, vs in where.items()):
            out.add(tid)
    return out


def _merge(codings: Iterable[Coding]) -> list[list[Coding]]:
    """Groups of same-code codings whose spans overlap, directly or through a chain."""
    by_code: dict[str, list[Coding]] = defaultdict(list)
    for c in codings:
        by_code[c.code].append(c)
    groups: list[list[Coding]] = []
    for items in by_code.values():
        items.sort(key=lambda c: (c.start, c.end))
        current: list[Coding] = []
        end = -1
        for c in items:
            if current and c.start < end:
                current.append(c)
                end = max(end, c.end)
            else:
                if current:
                    groups.append(current)
                current, end = [c], c.end
        if current:
            groups.append(current)
    return groups


class TurnIndex:
    """A transcript's turns, sorted, for finding the turns a span overlaps quickly."""

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = sorted(turns, key=lambda t: (t.start, t.end))
        self.starts = [t.start for t in self.turns]

    def __bool__(self) -> bool:
        return bool(self.turns)

    def overlapping(self, start: int, end: int) -> list[Turn]:
        """Turns sharing at least one character with ``[start, end)``, in text order."""
        # Turns do not overlap one another, so the only turn starting before ``start``
        # that can reach into the span is the last one.
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        out = []
        for t in self.turns[i:]:
            if t.start >= end:
                break
            if start < t.end:
                out.append(t)
        return out

    def main(self, start: int, end: int) -> Turn | None:
        """The turn holding most of ``[start, end)``."""
        best: Turn | None = None
        best_overlap = 0
        for t in self.overlapping(start, end):
            overlap = min(end, t.end) - max(start, t.start)
            if overlap > best_overlap:
                best, best_overlap = t, overlap
        return best


def _quote(
    t: Transcript,
    turns: TurnIndex,
    group: list[Coding],
    start: int,
    end: int,
    turn: Turn | None,
    participant: Participant | None,
    agreement: float | None,
    memo_by_coding: Mapping[int, list[str]],
    labels: Mapping[str, str],
    by_id: Mapping[str, Code],
    parents: Mapping[str, str | None],
    tidy: bool,
) -> Quote:
    code = group[0].code
    theme = theme_of(code, parents)
    interviewer = turn is not None and turn.kind is SpeakerKind.INTERVIEWER
    if interviewer:
        attribution, pid, role = labels.get(INTERVIEWER_LABEL, INTERVIEWER_LABEL), None, None
    elif participant is not None:
        role = participant.role
        attribution, pid = labels.get(role, role), participant.pid
    else:
        attribution, pid, role = labels.get("Participant", "Participant"), None, None
    memo_parts: list[str] = []
    for c in group:
        if c.memo.strip():
            memo_parts.append(c.memo.strip())
        if c.id is not None:
            memo_parts.extend(memo_by_coding.get(c.id, []))
    return Quote(
        theme=theme,
        theme_name=by_id[theme].name if theme in by_id else theme,
        code=code,
        code_name=by_id[code].name if code in by_id else code,
        text=quote_text(t.text, turns, start, end, tidy=tidy),
        attribution=attribution,
        participant=pid,
        role=role,
        transcript=t.tid,
        turn=turn.index if turn else None,
        speaker=turn.speaker if turn else None,
        start=start,
        end=end,
        coders=tuple(sorted({c.coder for c in group})),
        agreement=agreement,
        memo="\n".join(dict.fromkeys(memo_parts)),
        coding_ids=tuple(c.id for c in group if c.id is not None),
    )


# -- trimming and tidying -----------------------------------------------------------------

_WORD = re.compile(r"\w", re.UNICODE)


def _trim_piece(text: str, lo: int, hi: int, a: int, b: int) -> tuple[int, int, bool, bool]:
    """Trim ``[a, b)`` (inside the turn ``[lo, hi)``) to sentences; flags say where cut."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a >= b:
        return a, a, False, False
    sentences = split_sentences(text, lo, hi)
    # Widen a start in a sentence's first word (or its leading punctuation) to the
    # sentence start, and an end in its last word (or trailing punctuation) to its end.
    for sentence in sentences:
        s, e = sentence.start, sentence.end
        if s < a < e and not any(ch.isspace() for ch in text[s:a]):
            a = s
        if s < b < e and not any(ch.isspace() for ch in text[b:e]):
            b = e
    whole = [x for x in sentences if a <= x.start and x.end <= b]
    if whole:
        return whole[0].start, whole[-1].end, False, False
    # A phrase inside one sentence: widen to whole words and mark the cuts.
    while a > lo and _WORD.match(text[a - 1]) and _WORD.match(text[a]):
        a -= 1
    while b < hi and _WORD.match(text[b - 1]) and _WORD.match(text[b]):
        b += 1
    holder = next((x for x in sentences if x.start <= a < x.end), Span(a, b))
    return a, b, a > holder.start, b < holder.end


def quote_text(
    text: str, turns: Sequence[Turn] | TurnIndex, start: int, end: int, *, tidy: bool = True
) -> str:
    """The printable text of ``text[start:end]`` (see the module docstring)."""
    index = turns if isinstance(turns, TurnIndex) else TurnIndex(turns)
    main = index.main(start, end)
    regions = [
        (t.start, t.end)
        for t in index.overlapping(start, end)
        if main is not None and t.speaker == main.speaker
    ]
    if not regions:
        regions = [(0, len(text))]
    parts: list[str] = []
    for lo, hi in regions:
        a, b = max(start, lo), min(end, hi)
        if not tidy:
            piece = text[a:b].strip()
            if piece:
                parts.append(piece)
            continue
        a, b, cut_left, cut_right = _trim_piece(text, lo, hi, a, b)
        piece = " ".join(text[a:b].split())
        piece = tidy_marks(piece)
        if not piece:
            continue
        parts.append(f"{ELLIPSIS}{piece}" if cut_left else piece)
        if cut_right:
            parts[-1] += ELLIPSIS
    if not tidy:
        return " … ".join(parts)
    out = ""
    for part in parts:
        if not out:
            out = part
        elif out.endswith(ELLIPSIS) or part.startswith(ELLIPSIS):
            out = out.rstrip(ELLIPSIS) + f" {ELLIPSIS} " + part.lstrip(ELLIPSIS)
        else:
            out = f"{out} {ELLIPSIS} {part}"
    return out


_TIMESTAMP = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\b")
_BRACKETED = re.compile(r"\[([^\[\]\n]{0,80})\]|\(([^()\n]{0,80})\)")
_GAP = re.compile(
    r"(?:inaudible|indistinct|unintelligible|unclear)(?:\s+(?:word|words|speech|section))?",
    re.IGNORECASE,
)
_NOISE = re.compile(
    r"(?:cross[\s-]?talk|over[\s-]?talk(?:ing)?|overlapping(?:\s+(?:speech|talk|voices))?|"
    r"talking over each other|both talk(?:ing)?(?:\s+at once)?|"
    r"(?:both\s+)?laugh(?:s|ing|ter)?|chuckles?|giggles?|sighs?|coughs?|sniffs?|"
    r"clears throat|(?:long\s+|short\s+)?pause(?:s|d)?|silence|"
    r"(?:background\s+)?noise|phone rings|interruption|interrupted|"
    r"recording (?:paused|stopped|resumed))",
    re.IGNORECASE,
)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?…])")
_REPEATED_COMMA = re.compile(r",\s*,")


def _tidy_one(m: re.Match[str]) -> str:
    square = m.group(1) is not None
    inner = m.group(1) if square else m.group(2)
    stripped = _TIMESTAMP.sub("", inner)
    had_time = stripped != inner
    rest = stripped.strip(" \t,;-–—@")
    if not rest:
        return "" if had_time else m.group(0)
    if _GAP.fullmatch(rest):
        return "[inaudible]"
    if _NOISE.fullmatch(rest):
        return ""
    if had_time:
        return f"[{rest}]" if square else f"({rest})"
    return m.group(0)


def tidy_marks(text: str) -> str:
    """Tidy transcription marks in one line of quote text (see the module docstring)."""
    out = _BRACKETED.sub(_tidy_one, text)
    if out == text:
        return text.strip()
    out = " ".join(out.split())
    out = _SPACE_BEFORE_PUNCT.sub(r"\1", out)
    out = _REPEATED_COMMA.sub(",", out)
    return out.strip().lstrip(",;: ").strip()


__all__ = [
    "CONSENSUS",
    "CodeCount",
    "CodeGroup",
    "Quote",
    "QuoteBank",
    "QuoteFilters",
    "ThemeGroup",
    "assemble_quote_bank",
    "attribution_labels",
    "build_quote_bank",
    "parse_agreement",
    "parse_where",
    "quote_text",
    "tidy_marks",
]
