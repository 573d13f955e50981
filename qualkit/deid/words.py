"""Word lists the recognizers share, and a lexicon of ordinary English words.

The lists themselves are data (``data/words.yaml``, each with a note on what it is for).
The lexicon tells a name from an ordinary word when capitalisation cannot (lower-case
transcripts, names that are also words). It is built from the word index that the spaCy
English pipeline ships for its lemmatizer, plus spaCy's stop words and the lists.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from num2words import num2words
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lang.en.tokenizer_exceptions import TOKENIZER_EXCEPTIONS
from spacy.strings import get_string_id

from qualkit.deid.textutil import without_accents
from qualkit.safe_yaml import load_yaml


@cache
def _lists() -> dict[str, list[str]]:
    path = files("qualkit.deid").joinpath("data", "words.yaml")
    data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    return {str(k): [str(w) for w in v] for k, v in data.items()}


def _words(name: str) -> frozenset[str]:
    return frozenset(_lists()[name])


def _phrases(name: str) -> tuple[str, ...]:
    return tuple(_lists()[name])


TITLES: frozenset[str] = _words("titles")

WORDLIKE_TITLES: frozenset[str] = _words("wordlike_titles")

KINSHIP: tuple[str, ...] = _phrases("kinship") + _phrases("kinship_other_languages")
KINSHIP_MODIFIERS: tuple[str, ...] = _phrases("kinship_modifiers")
# What a person may be called that names no one: a kinship word, a title or a word said to a
# parent ("grandad", "Mr", "Ma").
KIN_AND_TITLES: frozenset[str] = frozenset(KINSHIP) | TITLES | _words("said_to_parents")

NICKNAME_PREFIXES: frozenset[str] = _words("nickname_prefixes")

NAME_WORDS: frozenset[str] = _words("name_words")

TRANSCRIPT_WORDS: frozenset[str] = _words("transcript_words")
DIALECT_WORDS: frozenset[str] = _words("dialect_words")
COURTESY_WORDS: frozenset[str] = _words("courtesy_other_languages")

STREET_SUFFIXES: tuple[str, ...] = _phrases("street_suffixes")
BUILDING_SUFFIXES: tuple[str, ...] = _phrases("building_suffixes")
ESTATE_WORDS: tuple[str, ...] = _phrases("estate_words")
LOWER_STREET_SUFFIXES: tuple[str, ...] = _phrases("lower_street_suffixes")
STREET_PREFIXES: tuple[str, ...] = _phrases("street_prefixes")

ORG_SUFFIXES: tuple[str, ...] = _phrases("org_suffixes")
LOWER_ORG_SUFFIXES: tuple[str, ...] = _phrases("lower_org_suffixes")
ARMY_UNIT_KINDS: tuple[str, ...] = _phrases("army_unit_kinds")
PHONETIC_ALPHABET: tuple[str, ...] = _phrases("phonetic_alphabet")
# What a capitalised name can be followed by in lower case ("Hollybrook campus").
ORG_KINDS_AFTER_NAMES: frozenset[str] = (
    frozenset(ORG_SUFFIXES) | frozenset(LOWER_ORG_SUFFIXES) | _words("lower_org_kinds")
) - _words("not_kinds_after_names")
# What a place or organisation written in lower case can be followed by ("rowan house").
ORG_KINDS_AFTER_LOWER_NAMES: frozenset[str] = ORG_KINDS_AFTER_NAMES | _words(
    "lower_org_kinds_after_lower_names"
)
PLACE_KINDS_AFTER_NAMES: frozenset[str] = _words("lower_place_kinds")
HOUSE_NAME_PLURALS: frozenset[str] = _words("house_name_plurals")
WARD_KINDS: frozenset[str] = _words("ward_kinds")
ORG_PREFIXES: tuple[str, ...] = _phrases("org_prefixes")
WELSH_ORG_KINDS: frozenset[str] = _words("welsh_org_kinds")
KINDS_FIRST: frozenset[str] = _words("kinds_first_other_languages")

NON_NAME_CAPS: frozenset[str] = _words("non_name_caps")

MONTHS: tuple[str, ...] = tuple(m.lower() for m in calendar.month_name[1:])
MONTH_ABBREVIATIONS: tuple[str, ...] = _phrases("month_abbreviations")

UNITS: tuple[str, ...] = _phrases("units")

POSTCODE_AREAS: tuple[str, ...] = _phrases("postcode_areas")

MEDICINE_NAMES_UK: frozenset[str] = _words("medicine_names_uk")


def number_words() -> dict[str, int]:
    """English number words from one to ninety-nine (``twenty-one``, ``twenty one``),
    spelt by the ``num2words`` package."""
    out: dict[str, int] = {}
    for i in range(1, 100):
        word = num2words(i, lang="en")
        out[word] = i
        out[word.replace("-", " ")] = i
    return out


NUMBER_WORDS: dict[str, int] = number_words()


#: How many of :meth:`Lexicon.is_known`'s answers are kept before they are forgotten.
_SEEN_MAX = 200_000


class Lexicon:
    """Knows which lower-case words are ordinary English.

    ``is_known`` says a word appears in any word index (nouns included, so many names
    appear too); ``is_common`` says a word is an ordinary word that should not be
    treated as a name unless capitalised (stop words, verbs, adjectives, adverbs,
    inflected forms, and :data:`NAME_WORDS`).
    """

    def __init__(
        self,
        nouns: Iterable[str] = (),
        others: Iterable[str] = (),
        extra: Iterable[str] = (),
        rules: Iterable[tuple[str, str]] = (),
    ) -> None:
        base = {w.lower() for w in STOP_WORDS} | set(NAME_WORDS) | set(TRANSCRIPT_WORDS)
        base |= DIALECT_WORDS | NON_NAME_CAPS
        base |= set(KINSHIP) | set(TITLES) | set(MONTHS) | set(NUMBER_WORDS)
        base |= {w.lower() for w in extra}
        self._common = frozenset(base | {w.lower() for w in others})
        self._nouns = frozenset(w.lower() for w in nouns)
        self._known = self._common | self._nouns
        self._seen: dict[str, bool] = {}  # is_known's answers, by word as asked
        default_rules = [
            ("s", ""),
            ("es", ""),
            ("ies", "y"),
            ("ed", ""),
            ("ed", "e"),
            ("ing", ""),
            ("ing", "e"),
            ("er", ""),
            ("est", ""),
            ("men", "man"),
        ]
        self._rules = tuple(sorted(set(default_rules) | set(rules), key=lambda r: -len(r[0])))

    @classmethod
    def from_spacy(cls, nlp: object) -> Lexicon:
        """Build from a loaded spaCy pipeline's lemmatizer tables (if it has them)."""
        nouns: set[str] = set()
        others: set[str] = set()
        rules: set[tuple[str, str]] = set()
        try:
            lemmatizer = nlp.get_pipe("lemmatizer")  # type: ignore[attr-defined]
            lookups = lemmatizer.lookups
        except (KeyError, AttributeError):
            return cls()
        noun_id = get_string_id("noun")
        if lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            for key, words in index.items():
                target = nouns if key in (noun_id, "noun") else others
                target.update(w for w in words if w.isalpha() or "-" in w or "'" in w)
        if lookups.has_table("lemma_exc"):
            exc = lookups.get_table("lemma_exc")
            for key, table in exc.items():
                target = nouns if key in (noun_id, "noun") else others
                for form, lemmas in table.items():
                    target.add(form)
                    target.update(lemmas)
        if lookups.has_table("lemma_rules"):
            for _key, pairs in lookups.get_table("lemma_rules").items():
                for pair in pairs:
                    if isinstance(pair, (list, tuple)) and len(pair) == 2:
                        rules.add((str(pair[0]), str(pair[1])))
        # Contractions typed without their apostrophe ("ive", "wasnt", "gonna"), from
        # spaCy's English tokenizer exceptions.
        others.update(k for k in TOKENIZER_EXCEPTIONS if k.isalpha() and k.islower())
        return cls(nouns=nouns, others=others, rules=rules)

    def is_common(self, word: str) -> bool:
        return _strip_possessive(word.lower()) in self._common

    def is_noun(self, word: str) -> bool:
        """Whether a word is in the noun index (whatever else it may also be)."""
        return _strip_possessive(word.lower()) in self._nouns

    def is_known(self, word: str) -> bool:
        known = self._seen.get(word)
        if known is None:
            if len(self._seen) > _SEEN_MAX:
                self._seen.clear()
            known = self._seen[word] = self._is_known(word)
        return known

    def _is_known(self, word: str) -> bool:
        w = _strip_possessive(word.lower())
        if w in self._known:
            return True
        if w.endswith(_ACCENTED_ENDINGS):
            plain = without_accents(w)  # "café", "fiancée", "clichés"; not "gdańsk"
            if len(plain) > 3 and plain.isascii() and plain in self._known:
                return True
        if "'" in w or "’" in w:
            if re.match(r"^o['’][a-z]{3,}$", w):
                return False  # Irish surnames: "o'hagan", "o'neill" ("o'clock" is known)
            # Contractions: "didn't", "you're", "they'd".
            base = re.split(r"['’]", w)[0]
            return base in self._known or (base.endswith("n") and base[:-1] in self._known)
        if "-" in w:
            return all(self.is_known(part) for part in w.split("-") if part)
        # Inflected forms of known words, by the lemmatizer's suffix rules.
        for suffix, repl in self._rules:
            if suffix and w.endswith(suffix) and len(w) > len(suffix) + 1:
                stem = w[: -len(suffix)]
                if stem + repl in self._known:
                    return True
                # Doubled final consonant: "chatting" -> "chat".
                if (
                    repl == ""
                    and len(stem) > 2
                    and stem[-1] == stem[-2]
                    and stem[:-1] in self._known
                ):
                    return True
        # A verb's "-ing" said and typed without its "g": "sittin", "lookin".
        return w.endswith("in") and len(w) > 5 and w + "g" in self._known


# The French endings of English words written with their accents.
_ACCENTED_ENDINGS = ("é", "ée", "és", "ées")


def _strip_possessive(word: str) -> str:
    for tail in ("'s", "’s", "s'", "s’"):
        if word.endswith(tail) and len(word) > len(tail):
            return word[: -len(tail)] + ("s" if tail.startswith("s") else "")
    return word
