"""Find speaker turns, header metadata and the interviewer in transcript text.

Layouts recognised (the name is reported in :attr:`ParsedTranscript.layout`):

``labels``      ``Interviewer: text`` / ``Participant: text`` / ``Name: text`` lines
``int-p``       the same with abbreviated roles: ``INT:`` / ``P1:`` / ``R:``
``qa``          ``Q:`` / ``A:``
``markdown``    ``**Interviewer:** text`` (bold labels)
``bracket-ts``  a ``[00:03:12]`` line, a ``Speaker 1`` line, then the text
``rev``         ``Speaker 1 (00:00:01):`` with the text on the same or following lines
``otter``       ``Name Surname  0:02`` then the text on the following lines
``cues``        ``[00:00:01] Name: text`` lines, as rendered from .vtt/.srt files
``paragraphs``  no speakers found: each paragraph is a turn by "Participant"

Lines after a turn's first line, up to the next turn, belong to that turn. A title line
(``# Title``) and a header block at the top (``Interview ID: LB-07``, ``Date: ...``) become
metadata, not turns; text between the header and the first turn belongs to no turn.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from qualkit.importers.labels import (
    CLOCK,
    LABEL,
    clean_label,
    is_int_p_label,
    is_interviewer_label,
    is_known_role,
    is_other_label,
    is_participant_label,
    is_placeholder,
    plausible_label,
    word_set,
)
from qualkit.model import SpeakerKind, Turn

PARAGRAPH_SPEAKER = "Participant"
"""Speaker given to every paragraph of a transcript with no speaker labels."""
UNKNOWN_SPEAKER = "Unknown"
"""Speaker of a timestamped turn with no name (kind OTHER)."""

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_BOLD = r"(?:\*\*|__|\*)"
_TITLE_RE = re.compile(r"^\s{0,3}#{1,6}[ \t]+(\S.*?)\s*#*\s*$")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}[ \t]+\S")
_TS_ONLY_RE = re.compile(rf"^\s*[\[(]({_TS})[\])]\s*$")
_TS_INLINE_RE = re.compile(rf"^\s*\[({_TS})\][ \t]+(?=\S)")
_REV_RE = re.compile(
    rf"^\s*{_BOLD}?({LABEL}){_BOLD}?[ \t]+[\[(]({_TS})[\])]{_BOLD}?[ \t]*(?::[ \t]*|$)"
)
_OTTER_RE = re.compile(rf"^\s*({LABEL})[ \t]+({CLOCK})\s*$")
_LABEL_RE = re.compile(rf"^[ \t]{{0,3}}({_BOLD})?({LABEL})({_BOLD})?[ \t]*:{_BOLD}?(?:[ \t]+|$)")
_SPEAKER_LINE_RE = re.compile(rf"^\s*{_BOLD}?({LABEL}){_BOLD}?\s*:?\s*$")
_HEADER_RE = re.compile(
    r"^\s*(?:\*\*|__)?([^\W\d_][\w '’./()-]{0,39}?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(.*?)\s*$"
)

# Keys that mark a block of lines at the top as a header.
HEADER_KEYS = word_set(
    """
    id|interview id|interview|interview no|interview number|interview ref|transcript
    |transcript id|participant id|date|interview date|time|mode|method|format|location|venue
    |place|setting|duration|length|transcriber|transcribed by|title|borough|area|site
    |language|recorded|recording|consent|project|study|file|reference|ref|session|wave
    """,
    "|",
)
# Keys that may appear in a header but are also common speaker labels.
_SPEAKERISH_KEYS = word_set(
    "interviewer|interviewers|participant|interviewee|respondent|researcher|peer researcher"
    "|facilitator|note taker|notetaker",
    "|",
)


@dataclass
class ParsedTranscript:
    """Turns, header metadata and layout found in one transcript text."""

    turns: list[Turn]
    metadata: dict[str, str]
    layout: str
    interviewer: str | None = None
    speakers: list[str] = field(default_factory=list)


@dataclass
class _Start:
    """Where a turn begins: its label line, speaker, timestamp and where its text may start."""

    line: int
    label_start: int
    speaker: str | None
    timestamp: str | None
    text_from: int


def _line_offsets(lines: list[str]) -> list[int]:
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    return offsets


def metadata_key(key: str) -> str:
    """``"Interview ID"`` -> ``"interview_id"``."""
    return re.sub(r"[^0-9a-z]+", "_", key.casefold()).strip("_")


def _metadata_like(value: str) -> bool:
    return (
        0 < len(value) <= 80
        and len(value.split()) <= 10
        and not value.rstrip("*_ ").endswith((".", "?", "!", "…", ","))
    )


def _parse_header(lines: list[str]) -> tuple[dict[str, str], int]:
    """Metadata from a title line and header block at the top; index of the first body line."""
    meta: dict[str, str] = {}
    i = 0
    n = len(lines)
    while i < n and not lines[i].strip():
        i += 1
    if i < n and (m := _TITLE_RE.match(lines[i])):
        meta["title"] = m.group(1).strip("*_ ").strip()
        i += 1
        while i < n and not lines[i].strip():
            i += 1
    label_counts = Counter(
        clean_label(lm.group(2)).casefold()
        for line in lines
        if (lm := _LABEL_RE.match(line)) is not None
    )
    block: dict[str, str] = {}
    strong = False
    j = i
    while j < n and lines[j].strip():
        m = _HEADER_RE.match(lines[j])
        if not m:
            break
        raw_key, value = clean_label(m.group(1)), m.group(2).strip("*_ ").strip()
        key = raw_key.casefold()
        if not value or metadata_key(key) in block or len(raw_key.split()) > 4:
            break
        if key in HEADER_KEYS:
            ok = len(value) <= 120
        elif key in _SPEAKERISH_KEYS:
            ok = _metadata_like(value)
        else:
            ok = _metadata_like(value) and label_counts[key] <= 1
        if not ok:
            break
        strong = strong or key in HEADER_KEYS
        block[metadata_key(key)] = value
        j += 1
    if strong:
        meta.update(block)
        i = j
    return meta, i


def _label_starts(lines: list[str], offsets: list[int], first: int) -> list[_Start]:
    """``Label: text`` turn starts whose label recurs or is a generic role name."""
    cands: list[tuple[int, str, int]] = []
    for k in range(first, len(lines)):
        m = _LABEL_RE.match(lines[k])
        if m and plausible_label(m.group(2)):
            cands.append((k, clean_label(m.group(2)), offsets[k] + m.end()))
    counts = Counter(c[1].casefold() for c in cands)
    accepted = {lab for lab, n in counts.items() if n >= 2 or is_known_role(lab)}
    return [
        _Start(k, offsets[k], lab, None, text_from)
        for k, lab, text_from in cands
        if lab.casefold() in accepted
    ]


def _capitalised(label: str) -> bool:
    if is_placeholder(label):
        return True
    return all(w[0].isupper() or w.isdigit() for w in label.split())


def _timed_starts(lines: list[str], offsets: list[int], first: int) -> dict[str, list[_Start]]:
    """Turn starts of the timestamped layouts (rev, otter, bracket-ts, cues)."""
    found: dict[str, list[_Start]] = {"rev": [], "bracket-ts": [], "otter": [], "cues": []}
    k = first
    n = len(lines)
    while k < n:
        line, off = lines[k], offsets[k]
        if m := _TS_INLINE_RE.match(line):
            rest_from = m.end()
            speaker = None
            lm = _LABEL_RE.match(line[rest_from:])
            if lm and plausible_label(lm.group(2)):
                speaker = clean_label(lm.group(2))
                rest_from += lm.end()
            found["cues"].append(_Start(k, off, speaker, m.group(1), off + rest_from))
        elif m := _TS_ONLY_RE.match(line):
            j = k + 1
            while j < n and not lines[j].strip():
                j += 1
            speaker, text_from = None, off + len(line) + 1
            if j < n:
                sm = _SPEAKER_LINE_RE.match(lines[j])
                lm = _LABEL_RE.match(lines[j])
                if sm and plausible_label(sm.group(1)):
                    speaker, text_from = clean_label(sm.group(1)), offsets[j] + len(lines[j]) + 1
                elif lm and plausible_label(lm.group(2)):
                    speaker, text_from = clean_label(lm.group(2)), offsets[j] + lm.end()
            found["bracket-ts"].append(_Start(k, off, speaker, m.group(1), text_from))
            if speaker is not None:
                k = j
        elif (m := _REV_RE.match(line)) and plausible_label(m.group(1)):
            found["rev"].append(_Start(k, off, clean_label(m.group(1)), m.group(2), off + m.end()))
        elif (
            (m := _OTTER_RE.match(line))
            and plausible_label(m.group(1))
            and _capitalised(m.group(1))
        ):
            found["otter"].append(
                _Start(k, off, clean_label(m.group(1)), m.group(2), off + len(line) + 1)
            )
        k += 1
    return found


def _span(text: str, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]`` without surrounding whitespace, as (start, end)."""
    a = min(max(a, 0), len(text))
    b = max(min(b, len(text)), a)
    chunk = text[a:b]
    stripped = chunk.lstrip()
    start = a + (len(chunk) - len(stripped))
    end = start + len(stripped.rstrip())
    return start, end


def _paragraph_turns(text: str, lines: list[str], offsets: list[int], first: int) -> list[Turn]:
    turns: list[Turn] = []
    k = first
    n = len(lines)
    while k < n:
        if not lines[k].strip() or _HEADING_RE.match(lines[k]):
            k += 1
            continue
        j = k
        while j < n and lines[j].strip() and not _HEADING_RE.match(lines[j]):
            j += 1
        start, end = _span(text, offsets[k], offsets[j - 1] + len(lines[j - 1]))
        turns.append(
            Turn(len(turns), PARAGRAPH_SPEAKER, SpeakerKind.PARTICIPANT, start, end, start)
        )
        k = j
    return turns


def _label_layout(starts: list[_Start], lines: list[str]) -> str:
    speakers = {s.speaker for s in starts if s.speaker}
    if speakers and all(sp.casefold() in {"q", "a"} for sp in speakers):
        return "qa"
    if speakers and all(is_int_p_label(sp) for sp in speakers):
        return "int-p"
    bold = sum(1 for s in starts if lines[s.line].lstrip().startswith(("**", "__", "*")))
    return "markdown" if bold * 2 > len(starts) else "labels"


def parse_turns(text: str, interviewer: str | None = None) -> ParsedTranscript:
    """Split normalised transcript text into speaker turns.

    ``interviewer`` names the interviewer's speaker label (case-insensitive) instead of
    inferring it; a :class:`ValueError` is raised when no speaker has that label.
    """
    lines = text.split("\n")
    offsets = _line_offsets(lines)
    metadata, first = _parse_header(lines)

    candidates = _timed_starts(lines, offsets, first)
    candidates["labels"] = _label_starts(lines, offsets, first)
    layout, starts = max(candidates.items(), key=lambda kv: len(kv[1]))

    if not starts:
        paragraphs = _paragraph_turns(text, lines, offsets, first)
        parsed = ParsedTranscript(paragraphs, metadata, "paragraphs")
        parsed.speakers = [PARAGRAPH_SPEAKER] if paragraphs else []
        if interviewer is not None:
            raise ValueError("the interviewer override matches no speaker label (no labels found)")
        return parsed
    if layout == "labels":
        layout = _label_layout(starts, lines)

    # Where each turn's text must stop: the next turn's label line or a Markdown heading.
    stops = sorted(
        {s.label_start for s in starts}
        | {offsets[k] for k in range(first, len(lines)) if _HEADING_RE.match(lines[k])}
        | {len(text)}
    )
    canonical: dict[str, str] = {}
    turns: list[Turn] = []
    previous: str | None = None
    for s in starts:
        name = s.speaker if s.speaker is not None else (previous or UNKNOWN_SPEAKER)
        name = canonical.setdefault(name.casefold(), name)
        stop = stops[bisect.bisect_right(stops, s.label_start)]
        start, end = _span(text, s.text_from, stop)
        previous = name
        if end <= start:
            continue
        turns.append(
            Turn(len(turns), name, SpeakerKind.PARTICIPANT, start, end, s.label_start, s.timestamp)
        )
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    parsed = ParsedTranscript(turns, metadata, layout, speakers=speakers)
    assign_kinds(parsed, text, interviewer)
    return parsed


def _asks(text: str) -> bool:
    return text.rstrip().rstrip("\"'”’)]").endswith("?")


def infer_interviewer(turns: list[Turn], text: str) -> str | None:
    """The interviewer's speaker name, or None when it cannot be told.

    A role name (Interviewer, INT, I, Q, Researcher, Peer researcher ...) wins. Otherwise,
    among speakers not named as participants, the one whose turns most often end with a
    question mark, preferring the one who says less; None if nobody asks questions.
    """
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    named = [s for s in speakers if is_interviewer_label(s)]
    if named:
        counts = Counter(t.speaker for t in turns)
        return max(named, key=lambda s: counts[s])
    candidates = [
        s
        for s in speakers
        if not is_participant_label(s) and not is_other_label(s) and s != UNKNOWN_SPEAKER
    ]
    if len(speakers) < 2 or not candidates:
        return None
    if len(candidates) == 1 and len(speakers) > 1:
        return candidates[0]
    stats: dict[str, list[int]] = {s: [0, 0, 0] for s in candidates}  # turns, questions, words
    for t in turns:
        if t.speaker in stats:
            said = text[t.start : t.end]
            st = stats[t.speaker]
            st[0] += 1
            st[1] += _asks(said)
            st[2] += len(said.split())
    best = max(candidates, key=lambda s: (stats[s][1] / stats[s][0], -stats[s][2]))
    return best if stats[best][1] > 0 else None


def assign_kinds(parsed: ParsedTranscript, text: str, interviewer: str | None = None) -> None:
    """Set ``parsed.interviewer`` and each turn's kind; ``interviewer`` overrides inference."""
    if interviewer is not None:
        wanted = clean_label(interviewer).casefold()
        match = [s for s in parsed.speakers if s.casefold() == wanted]
        if not match:
            raise ValueError(
                "the interviewer override matches no speaker label "
                f"({len(parsed.speakers)} speakers found)"
            )
        chosen: str | None = match[0]
        interviewers = {match[0]}
    else:
        chosen = infer_interviewer(parsed.turns, text)
        interviewers = {s for s in parsed.speakers if is_interviewer_label(s)}
        if chosen is not None:
            interviewers.add(chosen)
    parsed.interviewer = chosen
    for t in parsed.turns:
        if t.speaker in interviewers:
            t.kind = SpeakerKind.INTERVIEWER
        elif t.speaker == UNKNOWN_SPEAKER or is_other_label(t.speaker):
            t.kind = SpeakerKind.OTHER
        else:
            t.kind = SpeakerKind.PARTICIPANT
