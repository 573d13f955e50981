"""Words of another language in an English transcript: speakers of Welsh, Irish and
Scottish Gaelic switch into them mid-conversation ("Mae o'n gofyn os dach chi'n ei
glywed"), and those words are no names.

A clause (text between punctuation marks or line breaks) is taken to be in another
language when most of its words are not English and that language's dictionary
(``simplemma``, bundled, no download) knows most of them. Inside such a clause, the words
the dictionary knows that are written in lower case, or open the clause, are that
language's ordinary words. A capitalised word inside the clause is left alone: the
dictionaries list names too ("Sioned", "Dafydd").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from qualkit.deid.textutil import typed_in_lower_case

#: Languages of the UK and Ireland that speakers switch into inside an English transcript
#: (ISO 639-1). Other languages reach a transcript through an interpreter, in English.
CODE_SWITCH_LANGUAGES: tuple[str, ...] = ("cy", "ga", "gd")

#: A clause is in another language when at least this share of its words are not
#: English and the language knows at least this share of them.
OTHER_SHARE = 0.5
MIN_WORDS = 3
#: ...and at least this many of its words that are not English in lower case, so a
#: clause of names never opens a dictionary.
MIN_LOWER = 2

_CLAUSE = re.compile(r"[^.,;:!?()\[\]\n\"“”]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PARTS = re.compile(r"['’]")


@cache
def _knows(lang: str, word: str) -> bool:
    """``simplemma``'s answer from its memory-frugal backend, which reads the bundled
    dictionary without building it in memory: a third of the CPU time to open and far
    less memory, for look-ups that are few."""
    from simplemma import is_known

    return bool(is_known(word, lang, low_memory=True))


def _known_in(lang: str, word: str) -> bool:
    """Whether ``lang``'s dictionary knows ``word`` (each part of "hynny'n", "i'r")."""
    parts = [p for p in _PARTS.split(word.lower()) if p]
    return bool(parts) and all(len(p) < 2 or _knows(lang, p) for p in parts)


def other_language_words(
    text: str,
    is_english: Callable[[str], bool],
    languages: Sequence[str] = CODE_SWITCH_LANGUAGES,
) -> list[tuple[int, int]]:
    """Spans of ``text`` that are ordinary words of another language.

    ``is_english(word)`` says a lower-case word is English. A clause needs three words or
    more ("Dafydd" alone, after a comma, is someone spoken to). A text typed all in lower
    case gets none: there the capital that tells "Bryn Eithin" from "bryn" is missing.
    Clauses that are mostly English cost one look-up per word and no dictionary.
    """
    out: list[tuple[int, int]] = []
    if not languages or typed_in_lower_case(text):
        return out
    lower_words: set[str] | None = None
    for clause in _CLAUSE.finditer(text):
        words = list(_WORD.finditer(text, clause.start(), clause.end()))
        if len(words) < MIN_WORDS:
            continue
        foreign = [m for m in words if not is_english(m.group().lower())]
        if len(foreign) < OTHER_SHARE * len(words):
            continue
        if sum(m.group().islower() for m in foreign) < MIN_LOWER:
            continue  # names and places in an English clause ("Nain and Taid")
        lang = _best_language(languages, [m.group() for m in foreign])
        if lang is None:
            continue
        for i, m in enumerate(words):
            word = m.group()
            if not _known_in(lang, word):
                continue
            if not word.islower():
                # A capitalised opening word ("Mae o'n ...") is the language's word when
                # the text also has it in lower case; a name never is.
                if i > 0:
                    continue
                if lower_words is None:
                    lower_words = {w.group() for w in _WORD.finditer(text) if w.group().islower()}
                if word.lower() not in lower_words:
                    continue
            out.append((m.start(), m.end()))
    return out


def _best_language(languages: Sequence[str], words: list[str]) -> str | None:
    """The language that knows most of ``words``, when it knows at least half of them."""
    best, most = None, 0
    for lang in languages:
        known = sum(_known_in(lang, w) for w in words)
        if known > most:
            best, most = lang, known
    return best if most >= max(1, OTHER_SHARE * len(words)) else None


def covered(start: int, end: int, spans: Sequence[tuple[int, int]], text: str) -> bool:
    """Whether every word of ``text[start:end]`` lies in one of ``spans``."""
    inside = list(_WORD.finditer(text, start, end))
    return bool(inside) and all(
        any(s <= m.start() and m.end() <= e for s, e in spans) for m in inside
    )
