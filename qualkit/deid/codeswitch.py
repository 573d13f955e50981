"""Words of another language in an English transcript: speakers of Welsh, Irish and
Scottish Gaelic switch into them mid-conversation ("Mae o'n gofyn os dach chi'n ei
glywed"), and those words are no names.

Other languages reach a transcript too, when a transcriber keeps what an interpreter's
client said ("Maintenant j'habite dans une maison partagée").

A clause (text between punctuation marks or line breaks) is taken to be in another
language when several of its words that are no English stop words are that language's
stop words (spaCy's lists; opening a dictionary costs seconds, a stop-word list nothing),
or, for Welsh, Irish and Gaelic, when most of its words are not English and that
language's dictionary (``simplemma``, bundled, no download) knows most of them. Inside
such a clause, the words the dictionary knows (or, told by stop words, all words) that
are written in lower case, or open the clause, are that language's ordinary words. A
capitalised word inside the clause is left alone: the dictionaries list names too
("Sioned", "Dafydd").
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import cache

from qualkit.deid.textutil import at_sentence_start, typed_in_lower_case

#: Languages of the UK and Ireland that speakers switch into inside an English transcript
#: (ISO 639-1), told by their dictionaries.
DICTIONARY_LANGUAGES: frozenset[str] = frozenset({"cy", "ga", "gd"})
#: Languages an interpreter's client may speak in a UK study, in the Latin alphabet,
#: told by their stop words.
INTERPRETED_LANGUAGES: tuple[str, ...] = (
    *("fr", "pt", "es", "it", "de", "nl", "pl", "ro", "lt", "lv", "cs", "sk"),
    *("hu", "sl", "hr", "sq", "tr", "tl", "yo", "lg", "vi"),
)
CODE_SWITCH_LANGUAGES: tuple[str, ...] = ("cy", "ga", "gd", *INTERPRETED_LANGUAGES)

#: A clause is in a language told by its dictionary when at least this share of its
#: words are not English and the dictionary knows at least this share of them.
OTHER_SHARE = 0.5
MIN_WORDS = 3
#: ...and at least this many of its words that are not English in lower case, so a
#: clause of names never opens a dictionary.
MIN_LOWER = 2
#: A language told by stop words needs at least this many of the clause's words among
#: its stop words, and this share of all its words.
MIN_STOP_WORDS = 2
STOP_SHARE = 0.3

_CLAUSE = re.compile(r"[^.,;:!?()\[\]<>\n\"“”]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PARTS = re.compile(r"['’]")
_SENTENCE_AFTER = re.compile(r"[ ]*(?:[.!?]|$)", re.MULTILINE)


@cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of ``lang`` (single words only; none when spaCy has no list)."""
    try:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(w.lower() for w in getattr(module, "STOP_WORDS", ()) if " " not in w)


def _is_stop_word(lang: str, word: str) -> bool:
    """Whether ``word`` or one of its parts ("c'est", "j'habite") is a stop word."""
    low = word.lower()
    words = stop_words(lang)
    return low in words or any(p in words for p in _PARTS.split(low) if len(p) >= 2)


@cache
def _knows(lang: str, word: str) -> bool:
    """``simplemma``'s answer from its memory-frugal backend, which reads the bundled
    dictionary without building it in memory: a third of the CPU time to open and far
    less memory, for look-ups that are few."""
    from simplemma import is_known

    return bool(is_known(word, lang, low_memory=True))


@cache
def has_dictionary(lang: str) -> bool:
    """Whether ``simplemma`` bundles a dictionary of ``lang`` (none for "vi", "yo")."""
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return lang in SUPPORTED_LANGUAGES


def open_dictionaries(languages: Collection[str]) -> None:
    """Open now the dictionaries of ``languages`` that are told by their dictionaries
    (:data:`DICTIONARY_LANGUAGES`), rather than at their first look-up; each takes a
    fraction of a second."""
    for lang in sorted(DICTIONARY_LANGUAGES.intersection(languages)):
        if has_dictionary(lang):
            _knows(lang, "a")


def _known_in(lang: str, word: str) -> bool:
    """Whether ``lang``'s dictionary knows ``word`` (each part of "hynny'n", "i'r")."""
    parts = [p for p in _PARTS.split(word.lower()) if p]
    return bool(parts) and all(len(p) < 2 or _knows(lang, p) for p in parts)


def other_language_words(
    text: str,
    is_english: Callable[[str], bool],
    languages: Sequence[str] = CODE_SWITCH_LANGUAGES,
    is_name: Callable[[str], bool] | None = None,
) -> list[tuple[int, int]]:
    """Spans of ``text`` that are ordinary words of another language.

    ``is_english(word)`` says a lower-case word is English; ``is_name(word)``, a word that
    is a name (a first name, a month), which a dictionary alone ("agnieszka") does not make
    an ordinary word. A clause
    needs three words or more ("Dafydd" alone, after a comma, is someone spoken to). A
    text typed all in lower case gets none: there the capital that tells "Bryn Eithin"
    from "bryn" is missing. Clauses that are mostly English cost one look-up per word and
    no dictionary. Once a language told by stop words is found in the text, its stop
    words and the words of its clauses are its words in any clause too, and so are the
    words its dictionary knows in a clause mostly not English ("Oui. Merci.", "ici à
    Middlesbrough", "Ay, gracias."); so are the
    words of a clause told by its dictionary ("Diolch." after "Diolch yn fawr iawn").
    """
    out: list[tuple[int, int]] = []
    if not languages or typed_in_lower_case(text):
        return out
    lower_words: set[str] | None = None
    found: set[str] = set()
    vocabulary: set[str] = set()
    said_alone: set[str] = set()
    for clause in _CLAUSE.finditer(text):
        words = list(_WORD.finditer(text, clause.start(), clause.end()))
        if len(words) < MIN_WORDS:
            continue
        foreign = [m for m in words if not is_english(m.group().lower())]
        lang = _stop_word_language(
            [x for x in languages if x not in DICTIONARY_LANGUAGES],
            [m.group() for m in words],
            [m.group() for m in foreign],
        )
        by_stop_words = lang is not None
        if lang is None:
            if len(foreign) < OTHER_SHARE * len(words):
                continue
            if sum(m.group().islower() for m in foreign) < MIN_LOWER:
                continue  # names and places in an English clause ("Nain and Taid")
            lang = _best_language(
                [x for x in languages if x in DICTIONARY_LANGUAGES],
                [m.group() for m in foreign],
            )
        if lang is None:
            continue
        if by_stop_words:
            found.add(lang)
        for i, m in enumerate(words):
            word = m.group()
            if not by_stop_words and not _known_in(lang, word):
                continue
            if not word.islower():
                # A capitalised opening word ("Mae o'n ...") is the language's word when
                # the text also has it in lower case; a name never is.
                if i > 0:
                    continue
                if lower_words is None:
                    lower_words = {w.group() for w in _WORD.finditer(text) if w.group().islower()}
                if word.lower() not in lower_words and not (
                    by_stop_words and _is_stop_word(lang, word)
                ):
                    continue
            if by_stop_words and word.islower():
                vocabulary.add(word)
            elif not by_stop_words:
                said_alone.add(word.lower())
            out.append((m.start(), m.end()))
    if found or said_alone:
        others = _words_of(text, found, vocabulary, is_english, said_alone, is_name)
        out = sorted(set(out) | set(others))
    return out


def _words_of(
    text: str,
    langs: set[str],
    vocabulary: set[str],
    is_english: Callable[[str], bool],
    said_alone: Collection[str] = frozenset(),
    is_name: Callable[[str], bool] | None = None,
) -> Iterator[tuple[int, int]]:
    """Words outside the clauses found that are the found languages' own: their stop
    words, the lower-case words of their clauses, and the words their dictionaries know,
    in lower case or opening a clause (written in lower case elsewhere too).
    A capitalised word alone after a comma, or before words that are all English, is a
    name the language shares ("the little girl, Merveille, who is seven"). The words of
    clauses told by a dictionary (``said_alone``) count only as a sentence of their own
    ("Diolch."): elsewhere the capital may be a name's ("Rhes Bryn Eithin")."""
    lower_words: set[str] | None = None
    for clause in _CLAUSE.finditer(text):
        words = list(_WORD.finditer(text, clause.start(), clause.end()))
        if (
            len(words) == 1
            and words[0].group().lower() in said_alone
            and at_sentence_start(text, words[0].start())
            and _SENTENCE_AFTER.match(text, words[0].end())
        ):
            yield words[0].start(), words[0].end()
            continue
        for i, m in enumerate(words):
            word = m.group()
            if not word.islower() and (
                i > 0
                or (len(words) == 1 and not at_sentence_start(text, m.start()))
                or (len(words) > 1 and all(is_english(w.group().lower()) for w in words[1:]))
            ):
                continue
            low = word.lower()
            if is_english(low):
                continue
            if low in vocabulary or any(_is_stop_word(lang, word) for lang in langs):
                yield m.start(), m.end()
                continue
            if not word.islower():
                if lower_words is None:
                    lower_words = {w.group() for w in _WORD.finditer(text) if w.group().islower()}
                if low not in lower_words:
                    continue
            if is_name is not None and is_name(low):
                continue
            if sum(not is_english(w.group().lower()) for w in words) * 2 < len(words):
                continue  # a clause mostly English: "went back to gdańsk"
            if any(has_dictionary(lang) and _known_in(lang, low) for lang in langs):
                yield m.start(), m.end()  # "Ay, gracias.": a word of the language found


def _best_language(languages: Sequence[str], words: list[str]) -> str | None:
    """The language that knows most of ``words``, when it knows at least half of them."""
    best, most = None, 0
    for lang in languages:
        known = sum(_known_in(lang, w) for w in words)
        if known > most:
            best, most = lang, known
    return best if most >= max(1, OTHER_SHARE * len(words)) else None


def _stop_word_language(
    languages: Sequence[str], words: list[str], foreign: list[str]
) -> str | None:
    """The language with most stop words among a clause's ``words`` that are no English
    stop words, when they are enough (:data:`MIN_STOP_WORDS`, :data:`STOP_SHARE`) and one
    of them at least is no English word at all (among ``foreign``)."""
    english = stop_words("en")
    own = [w for w in words if w.lower() not in english]
    best, most = None, 0
    for lang in languages:
        if not any(_is_stop_word(lang, w) for w in foreign):
            continue
        hits = sum(_is_stop_word(lang, w) for w in own)
        if hits > most:
            best, most = lang, hits
    return best if most >= max(MIN_STOP_WORDS, STOP_SHARE * len(words)) else None


def covered(start: int, end: int, spans: Sequence[tuple[int, int]], text: str) -> bool:
    """Whether every word of ``text[start:end]`` lies in one of ``spans``."""
    inside = list(_WORD.finditer(text, start, end))
    return bool(inside) and all(
        any(s <= m.start() and m.end() <= e for s, e in spans) for m in inside
    )
