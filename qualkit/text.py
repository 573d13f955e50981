"""Text normalisation, hashing and sentence splitting shared by every part of qualkit.

Every offset in qualkit counts Unicode code points over text produced by
:func:`normalise`. :func:`split_sentences` is the one sentence splitter: the coding app's
sentence choices, agreement's sentence units, passages and quote trimming all use it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from qualkit.model import Span


def normalise(text: str) -> str:
    """NFC, no byte-order mark, ``\\n`` line ends."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return text


INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
"""Characters that take no space on screen: soft hyphen, zero-width space, non-joiner and
joiner, direction marks, word joiner, byte-order mark (zero-width no-break space)."""


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only whitespace and :data:`INVISIBLE` characters."""
    return all(c.isspace() or c in INVISIBLE for c in text)


def text_hash(text: str) -> str:
    """SHA-256 of the UTF-8 encoding, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- sentences ------------------------------------------------------------------------------

#: Words that end in a full stop without ending a sentence.
# fmt: off
ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "rev", "no", "vs", "etc", "e.g", "i.e",
    "approx", "dept", "govt", "apt", "ave", "rd",
})
# fmt: on

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)")
_CLOSERS = "\"'”’)]"


def _is_abbreviation(text: str, dot: int, lo: int) -> bool:
    """True when the full stop at ``dot`` ends a known abbreviation or a single initial."""
    j = dot
    while j > lo and not text[j - 1].isspace():
        j -= 1
    word = text[j:dot].strip("(\"'“‘")
    if word.lower() in ABBREVIATIONS:
        return True
    # A single capital initial ("J. Smith"), but not the pronoun "I".
    return len(word) == 1 and word.isalpha() and word.isupper() and word != "I"


def _next_is_lower(text: str, pos: int, end: int) -> bool:
    while pos < end and text[pos] in " \t":
        pos += 1
    return pos < end and text[pos].islower()


def _sentence_cuts(text: str, start: int, end: int) -> list[int]:
    """Sorted positions in ``text[start:end]`` where one sentence ends and the next may begin."""
    cuts: set[int] = set()
    for m in _SENTENCE_END.finditer(text, start, end):
        mark = m.group().rstrip(_CLOSERS)
        if mark == "." and _is_abbreviation(text, m.start(), start):
            continue
        if ("…" in mark or ".." in mark) and _next_is_lower(text, m.end(), end):
            continue  # "It was… fine." trails off inside one sentence
        cuts.add(m.end())
    position = text.find("\n", start, end)
    while position != -1:
        cuts.add(position)
        position = text.find("\n", position + 1, end)
    return sorted(cuts)


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of ``text[start:end]`` as absolute spans without surrounding white space.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets)
    followed by white space or the end, and at every line break, so each speaker turn line
    is split on its own. A full stop after an abbreviation ("Dr.", "e.g.") or a capital
    initial ("J. Smith") ends no sentence, nor does a decimal point ("3.5") or an ellipsis
    followed by a lower-case word ("It was… fine."). Blank stretches yield no span.
    """
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    out: list[Span] = []
    position = start
    for cut in (*_sentence_cuts(text, start, end), end):
        if cut <= position:
            continue
        span = _trimmed(text, position, cut)
        if span is not None:
            out.append(span)
        position = cut
    return out
