"""Spans of transcript text in the coding app: whole turns, selections and word steps.

Sentences come from :func:`qualkit.text.split_sentences`, the same ones agreement counts as
sentence units.

Every offset is a Unicode code point into the transcript's normalised text, end exclusive,
as everywhere in qualkit. Browsers count in UTF-16 code units; :func:`utf16_to_codepoints`
and :func:`codepoints_to_utf16` convert between the two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qualkit.model import Span, Turn
from qualkit.ui.words import readable_placeholders

_WORD = re.compile(r"\S+")


def utf16_to_codepoints(text: str, utf16_offset: int) -> int:
    """Code-point offset of the UTF-16 offset ``utf16_offset`` into ``text``.

    An offset that falls between the two halves of a surrogate pair is rounded up to the
    end of that character.
    """
    if utf16_offset <= 0:
        return 0
    units = 0
    for i, ch in enumerate(text):
        if units >= utf16_offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def codepoints_to_utf16(text: str, cp_offset: int) -> int:
    """UTF-16 offset of the code-point offset ``cp_offset`` into ``text``."""
    head = text[: max(0, cp_offset)]
    return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)


def trim(text: str, start: int, end: int) -> Span:
    """The span without leading or trailing white space (empty spans stay where they are)."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, max(start, end))


def turn_span(turn: Turn) -> Span:
    """What was said in a turn (no speaker label or timestamp)."""
    return Span(turn.start, turn.end)


def turn_at(turns: Sequence[Turn], offset: int) -> Turn | None:
    """The turn holding ``offset`` (or the last turn starting before it)."""
    best: Turn | None = None
    for t in turns:
        if t.start <= offset < max(t.end, t.start + 1):
            return t
        if t.start <= offset:
            best = t
    return best


def _in_word(ch: str) -> bool:
    """Letters, digits and apostrophes inside a word ("don't", "Mick’s") hold it together."""
    return ch.isalnum() or ch in "'’"


def snap_to_words(text: str, start: int, end: int) -> Span:
    """``start``–``end`` widened to whole words: a start inside a word moves back to the
    word's first letter, an end inside a word moves on past its last letter.

    A drag that begins at "tly? The machines" becomes "exactly? The machines". Boundaries
    already between words (at white space or punctuation) stay where they are.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if start > end:
        start, end = end, start
    while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
        end += 1
    return Span(start, end)


def clamp_selection(text: str, start: int, end: int, *, whole_words: bool = False) -> Span | None:
    """A browser selection as a stored span: ordered, inside the text, trimmed (and, with
    ``whole_words``, widened to whole words); None if empty."""
    if start > end:
        start, end = end, start
    span = trim(text, max(0, start), min(len(text), end))
    if whole_words and len(span):
        span = snap_to_words(text, span.start, span.end)
    return span if len(span) else None


def step_word(text: str, pos: int, direction: int, *, edge: str) -> int:
    """Move a span edge one word left (``direction=-1``) or right (``+1``).

    ``edge`` is ``"start"`` (the result is the start of a word) or ``"end"`` (the end of one).
    """
    if edge not in ("start", "end"):
        raise ValueError("edge must be 'start' or 'end'")
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if not words:
        return pos
    points = [w[0] for w in words] if edge == "start" else [w[1] for w in words]
    if direction < 0:
        before = [p for p in points if p < pos]
        return before[-1] if before else pos
    after = [p for p in points if p > pos]
    return after[0] if after else pos


def excerpt(text: str, start: int, end: int, limit: int = 80) -> str:
    """``text[start:end]`` on one line, pseudonyms in people's words ("Person 26"),
    shortened in the middle to ``limit`` characters."""
    s = " ".join(readable_placeholders(text[start:end]).split())
    if len(s) <= limit:
        return s
    half = (limit - 3) // 2
    return s[:half].rstrip() + " … " + s[-half:].lstrip()
