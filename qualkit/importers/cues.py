"""Subtitle files (WebVTT, SubRip) to transcript text.

Each cue yields a speaker (a WebVTT voice tag ``<v Name>`` or a ``Name: text`` prefix) and
its text. Consecutive cues by the same speaker merge into one turn, rendered as one line
``[HH:MM:SS] Name: text`` (start of the turn's first cue, whole seconds). A cue without a
speaker continues the previous speaker's turn, since subtitle files usually name the speaker
only when it changes; cues before any speaker is named become ``[HH:MM:SS] text`` lines.

WebVTT ``NOTE`` blocks before the first cue that hold only ``Key: value`` lines (for example
``Interview ID: LB-07``) become a header block at the top of the text, so the turn parser
reads them as metadata.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from qualkit.errors import InputError
from qualkit.importers.labels import LABEL, clean_label, is_known_role, plausible_label

_TIME = r"(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}"
_TIMING_RE = re.compile(rf"^\s*({_TIME})[ \t]+-->[ \t]+({_TIME})(?:[ \t].*)?$")
_LOOSE_TIMING_RE = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d+)?\s*\S*>")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_VTT_TAG_RE = re.compile(r"</?[^>\n]*>")
_SRT_TAG_RE = re.compile(r"</?(?:i|b|u|font|s)(?:\s[^>\n]*)?>|\{\\[^}\n]*\}", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);")
_PREFIX_RE = re.compile(rf"^\s*({LABEL})\s*:\s+(\S.*)$", re.DOTALL)
_HEADER_LINE_RE = re.compile(r"^[^\W\d_][\w '’./-]{0,39}:[ \t]+\S")


@dataclass
class Cue:
    """One subtitle cue: times in seconds, text without markup, speaker if named."""

    start: float
    end: float
    text: str
    speaker: str | None
    line: int
    from_prefix: bool = False


def _seconds(stamp: str, path: Path, line: int) -> float:
    parts = re.split(r"[:.,]", stamp)
    *hm, sec, frac = parts
    hours = int(hm[0]) if len(hm) == 2 else 0
    minutes = int(hm[-1])
    if minutes > 59 or int(sec) > 59:
        raise InputError(path, "malformed cue timing (minutes or seconds over 59)", line)
    return hours * 3600 + minutes * 60 + int(sec) + int(frac) / 10 ** len(frac)


def _timing(raw: str, path: Path, line: int) -> tuple[float, float]:
    m = _TIMING_RE.match(raw)
    if not m:
        raise InputError(path, "malformed cue timing (expected 'start --> end')", line)
    start, end = _seconds(m.group(1), path, line), _seconds(m.group(2), path, line)
    if end < start:
        raise InputError(path, "malformed cue timing (cue ends before it starts)", line)
    return start, end


def _timing_index(block: list[tuple[int, str]]) -> int | None:
    """Which of a block's first two lines is (or tries to be) its timing line."""
    for at in range(min(2, len(block))):
        if "-->" in block[at][1]:
            return at
    for at in range(min(2, len(block))):
        if _LOOSE_TIMING_RE.search(block[at][1]):
            return at
    return None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _unescape(text: str) -> str:
    return _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)


def _blocks(text: str, first_line: int = 1) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its 1-based number."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for n, line in enumerate(text.split("\n"), start=first_line):
        if line.strip():
            current.append((n, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _split_prefix(text: str) -> tuple[str | None, str]:
    m = _PREFIX_RE.match(text)
    if m and plausible_label(m.group(1)):
        return clean_label(m.group(1)), m.group(2)
    return None, text


def _vtt_segments(payload: str) -> list[tuple[str | None, str, bool]]:
    """(speaker, text, speaker came from a prefix) for each voice span in a cue payload."""
    pieces: list[tuple[str | None, str]] = []
    pos = 0
    speaker: str | None = None
    for m in _VOICE_RE.finditer(payload):
        pieces.append((speaker, payload[pos : m.start()]))
        speaker = clean_label(m.group(1) or "") or None
        pos = m.end()
    pieces.append((speaker, payload[pos:]))
    out: list[tuple[str | None, str, bool]] = []
    for who, raw in pieces:
        text = _squash(_unescape(_VTT_TAG_RE.sub("", raw)))
        if not text:
            continue
        if who is None:
            who, text = _split_prefix(text)
            out.append((who, text, who is not None))
        else:
            out.append((who, text, False))
    return out


def parse_vtt(text: str, path: Path) -> tuple[list[Cue], list[str]]:
    """Cues and header lines (from leading ``NOTE`` blocks) of a WebVTT document."""
    lines = text.split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0].lstrip("\ufeff")):
        raise InputError(path, "not a WebVTT file (the first line must be WEBVTT)", 1)
    cues: list[Cue] = []
    header: list[str] = []
    blocks = _blocks(text)
    for block in blocks[1:] if blocks and blocks[0][0][0] == 1 else blocks:
        first_no, first = block[0]
        if re.match(r"^NOTE(?:\s|$)", first):
            body = [first[4:].strip(), *(line.strip() for _, line in block[1:])]
            body = [b for b in body if b]
            if not cues and body and all(_HEADER_LINE_RE.match(b) for b in body):
                header.extend(body)
            continue
        if re.match(r"^(?:STYLE|REGION)\s*$", first):
            continue
        at = _timing_index(block)
        if at is None:
            raise InputError(path, "malformed cue (no 'start --> end' timing line)", first_no)
        timing_no, timing = block[at]
        payload = block[at + 1 :]
        start, end = _timing(timing, path, timing_no)
        joined = "\n".join(line for _, line in payload)
        for speaker, seg, from_prefix in _vtt_segments(joined):
            cues.append(Cue(start, end, seg, speaker, timing_no, from_prefix))
    return cues, header


def parse_srt(text: str, path: Path) -> list[Cue]:
    """Cues of a SubRip document."""
    cues: list[Cue] = []
    for block in _blocks(text):
        first_no, first = block[0]
        at = _timing_index(block)
        if at is not None and (at == 0 or re.match(r"^\s*\d+\s*$", first)):
            timing_no, timing = block[at]
            payload = block[at + 1 :]
        else:
            raise InputError(
                path, "malformed cue (expected a cue number and timing line)", first_no
            )
        start, end = _timing(timing, path, timing_no)
        raw = " ".join(line for _, line in payload)
        body = _squash(_SRT_TAG_RE.sub("", raw))
        if not body:
            continue
        speaker, body = _split_prefix(body)
        cues.append(Cue(start, end, body, speaker, timing_no, speaker is not None))
    return cues


def _resolve_speakers(cues: list[Cue]) -> None:
    """Drop one-off prefix "speakers" and let unnamed cues continue the previous speaker."""
    counts: dict[str, int] = {}
    for c in cues:
        if c.speaker is not None:
            counts[c.speaker.casefold()] = counts.get(c.speaker.casefold(), 0) + 1
    recurring = any(n >= 2 for n in counts.values())
    for c in cues:
        if (
            c.from_prefix
            and c.speaker is not None
            and recurring
            and counts[c.speaker.casefold()] == 1
            and not is_known_role(c.speaker)
        ):
            c.text = f"{c.speaker}: {c.text}"
            c.speaker = None
    current: str | None = None
    for c in cues:
        if c.speaker is None:
            c.speaker = current
        else:
            current = c.speaker


def format_time(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def render_cues(cues: list[Cue], header: list[str] | None = None) -> str:
    """Merge consecutive same-speaker cues and render one ``[HH:MM:SS] Name: text`` line each."""
    _resolve_speakers(cues)
    lines: list[str] = []
    run_speaker: str | None = None
    run_start = 0.0
    run_text: list[str] = []

    def flush() -> None:
        if run_text:
            label = f"{run_speaker}: " if run_speaker else ""
            lines.append(f"[{format_time(run_start)}] {label}{' '.join(run_text)}")

    for c in cues:
        same = (
            run_text
            and c.speaker is not None
            and run_speaker is not None
            and c.speaker.casefold() == run_speaker.casefold()
        )
        if same:
            run_text.append(c.text)
            continue
        flush()
        run_speaker, run_start, run_text = c.speaker, c.start, [c.text]
    flush()
    out = "\n".join(lines)
    if header:
        out = "\n".join(header) + "\n\n" + out
    return out
