"""Propagation: once a value is an identifier somewhere, mask every other mention of it.

Mentions match in any case, with a possessive, and (for people) by surname, first name
or a shortened first name ("Fran" for "Francesca"). A value that is also an ordinary
English word ("Hope", "Will") matches only when capitalised and not at the start of a
sentence, so "I live in hope" stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex as re
from spacy.lang.en.stop_words import STOP_WORDS

from qualkit.deid.anonymize import canonical
from qualkit.deid.recognizers.names import labels_a_letter
from qualkit.deid.spans import (
    LOCATION,
    ORGANIZATION,
    PERSON,
    TYPE_PRECEDENCE,
    Detection,
)
from qualkit.deid.textutil import (
    INITIALS_SHAPE,
    at_sentence_start,
    drops_apostrophes,
    function_word_follows,
    phrase_alternation,
    possessive_end,
    strip_possessive,
    typed_with_capitals,
)
from qualkit.deid.words import (
    ARMY_UNIT_KINDS,
    BUILDING_SUFFIXES,
    ESTATE_WORDS,
    KINSHIP,
    NAME_WORDS,
    NICKNAME_PREFIXES,
    NON_NAME_CAPS,
    ORG_PREFIXES,
    ORG_SUFFIXES,
    STREET_SUFFIXES,
    TITLES,
    WARD_KINDS,
    Lexicon,
)

PROPAGATION_RECOGNIZER = "Propagation"
_LETTER = re.compile(r"\p{Lu}\.?")
# Two or three capitals said as a person's initials ("DC", "KM").
_CAPITALS = re.compile(r"\p{Lu}{2,3}")
# Rules that find one letter standing for a person, and letters that are words.
_LETTER_SEEDS = frozenset({"InitialsRecognizer"})
_LETTER_WORDS = frozenset({"A", "I", "O"})
# A letter that is no one's initial where it stands: a speaker's label ("P:"), part of a
# name or code ("B&B", "T-shirt", "A/B").
_LETTER_NOT_ALONE = re.compile(r"[&\-/:]")
# The detector's name for a capitalised word after "the" ("at the Lantern").
THE_NAMED = "TheCapitalised"
# In a text typed in lower case, names are detected with less certainty; a detection with
# this share of the usual least score is spread to the other mentions.
LOWER_CASE_SCORE_SHARE = 0.5
# In a transcript with capitals, a value written in lower case this often and never with a
# capital inside a sentence is a word of the speaker's, and is not spread to those mentions.
LOWER_WORD_USES = 5
_GENERIC = (
    {w for s in (STREET_SUFFIXES, BUILDING_SUFFIXES, ESTATE_WORDS, ORG_SUFFIXES) for w in s}
    | set(ORG_PREFIXES)
    | {"hmp", "hmyoi", "yoi", "st", "st.", "saint", "the", "of", "and", "&"}
)
# Words that say what kind of ward or service a name is, which its short form leaves out
# ("rowan" of "rowan ward", "Lantern" of "Lantern Women's Project").
_KIND_WORDS = set(WARD_KINDS) | {"ward", "unit"}
_NEVER_TERMS = (
    frozenset(KINSHIP)
    | TITLES
    | frozenset(
        w.lower() for w in ("mum", "dad", "nan", "mam", "ma", "pa", "sir", "madam", "love", "babe")
    )
)
# Detections from these are not trusted to make an ordinary word a name everywhere ("the
# Deaf" after "School for" is no service wherever "Deaf" is written).
_WEAK_SEEDS = frozenset(
    [
        "SpacyRecognizer",
        PROPAGATION_RECOGNIZER,
        "UnknownCapitalisedRecognizer",
        THE_NAMED,
        "",
    ]
)
_TOKEN = re.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’\-.&]*")
_APOSTROPHE = re.compile(r"['’]\p{L}")
_SPELT_NAME = re.compile(r"\p{L}(?:-\p{L}){2,}")
_DOUBLE_NAME = re.compile(r"\p{Lu}\p{Ll}{2,}-\p{Lu}\p{Ll}+")
_HYPHENATED = re.compile(r"(?<![\p{L}\p{N}'’\-])\p{L}+(?:-\p{L}+)+(?![\p{L}\p{N}\-])")
_WORD = re.compile(r"\p{L}+(?:['’\-]\p{L}+)*")
_CAP_WORD = re.compile(r"(?<![\p{L}\p{N}'’\-])\p{Lu}\p{Ll}{3,}(?![\p{L}\p{N}\-])")
_SHORT_WORD = re.compile(r"(?<![\p{L}\p{N}'’\-])\p{L}\p{Ll}{2,}(?![\p{L}\p{N}\-])")


@dataclass(frozen=True)
class Term:
    """A value to look for: ``text`` in ``type``; ``exact_case`` for word-like values."""

    type: str
    text: str
    exact_case: bool
    prefix_of: str | None = None


class Propagator:
    """Finds every mention of known identifier values in a text."""

    def __init__(
        self,
        lexicon: Lexicon,
        allow: Iterable[str] = (),
        min_score: float = 0.0,
        first_name: Callable[[str], bool] | None = None,
        min_person_score: float | None = None,
    ):
        """``first_name(word)`` tells whether a word is a first name common in some country:
        short forms of such names are looked for in more places (:meth:`_shortened`).
        A detection is spread with at least ``min_score``, or ``min_person_score`` (if
        given) for a person's name."""
        self.lexicon = lexicon
        self.allow = {" ".join(a.split()).casefold() for a in allow}
        self.min_score = min_score
        self.min_person_score = min_score if min_person_score is None else min_person_score
        self.first_name = first_name

    def _wide_first_name(self, name: str) -> bool:
        return self.first_name is not None and self.first_name(name)

    def terms_from(
        self, text: str, detections: Iterable[Detection], lower_case_names: bool = False
    ) -> set[Term]:
        """The values (and their name parts) that the detections in ``text`` stand for.

        ``lower_case_names``: the text is typed without capitals, so a person's name that
        is also an ordinary word ("sue") is a term too, matched in lower case only
        (:func:`local_only` tells such terms apart: they belong to their own text), and a
        detection needs less of a score to be spread (:data:`LOWER_CASE_SCORE_SHARE`).
        """
        terms: set[Term] = set()
        share = LOWER_CASE_SCORE_SHARE if lower_case_names else 1.0
        least = {t: self.min_score * share for t in (LOCATION, ORGANIZATION)}
        least[PERSON] = self.min_person_score * share
        for det in detections:
            if det.type not in least or det.score < least[det.type]:
                continue

            end = strip_possessive(text, det.start, det.end)
            surface = " ".join(text[det.start : end].split())
            initials, term = _as_initials(text, det, surface, end)
            if initials:
                if term is not None:
                    terms.add(term)
                continue
            if len(surface) < 2 or "\n" in surface:
                continue
            tokens = [t.rstrip(".") for t in _TOKEN.findall(surface)]
            low = [t.lower().rstrip("'’s") for t in tokens]
            if det.type != PERSON and all(t in _GENERIC or t in STOP_WORDS for t in low):
                continue
            if (
                det.recognizer in _WEAK_SEEDS
                and len(tokens) == 1
                and (self.lexicon.is_common(low[0]) or low[0] in STOP_WORDS)
                and low[0] not in NAME_WORDS
            ):
                continue
            if det.type == PERSON:
                while tokens and tokens[0].lower() in TITLES:
                    tokens = tokens[1:]
                if tokens:
                    self._add(terms, det.type, " ".join(tokens))
                if lower_case_names:
                    self._add_lower_case_names(terms, det, tokens)
            else:
                self._add(terms, det.type, surface)
            if det.type == PERSON:
                self._add_name_parts(terms, tokens)
            else:
                core = [t for t in tokens if t.lower() not in _GENERIC]
                while len(core) > 1 and core[-1].lower() in _KIND_WORDS:
                    core = core[:-1]
                # "Royal Welch Fusiliers" is "the Royal Welch"; "Scots Guards" is not "Scots".
                if len(core) > 2 and core[-1].lower() in ARMY_UNIT_KINDS:
                    core = core[:-1]
                if core and len(core) < len(tokens):
                    phrase = " ".join(core)
                    # One English word is no short form of a lower-case copy of a name
                    # ("night" of "night shelter", spread from "Night Shelter").
                    copied = det.recognizer == PROPAGATION_RECOGNIZER and core[0].islower()
                    word = len(core) == 1 and self.lexicon.is_known(core[0])
                    if (len(core) > 1 or not self.lexicon.is_common(core[0])) and not (
                        word and copied
                    ):
                        self._add(terms, det.type, phrase)
        return terms

    def _add_name_parts(self, terms: set[Term], tokens: list[str]) -> None:
        """Each word of a person's name as a term, and the forms it is said or written in."""
        names = [
            t
            for t in tokens
            if t.lower() not in TITLES
            and t.lower() not in NICKNAME_PREFIXES
            and t.lower() not in STOP_WORDS
        ]
        for tok in names:
            self._add(terms, PERSON, tok)
            if _SPELT_NAME.fullmatch(tok):
                # Spelt out ("W-I-L-D-I-N-G"): the name as it is written.
                self._add(terms, PERSON, tok.replace("-", "").capitalize())
            elif _DOUBLE_NAME.fullmatch(tok):
                # A double first name is said short ("Lola-Mae", then "Lola"), even where
                # the short form is also a word for kin ("lola": grandmother).
                first = tok.split("-")[0]
                if first.lower() in KINSHIP and self._wide_first_name(first.lower()):
                    terms.add(Term(PERSON, first, exact_case=True))
                else:
                    self._add(terms, PERSON, first)
        if names and len(names[0]) >= 5 and names[0].isalpha():
            terms.add(Term(PERSON, names[0], True, prefix_of=names[0].lower()))

    def _add(self, terms: set[Term], etype: str, surface: str) -> None:
        key = surface.casefold()
        if key in self.allow or key in NON_NAME_CAPS or len(key) < 2:
            return
        if key in _NEVER_TERMS:
            return
        if INITIALS_SHAPE.fullmatch(surface):
            terms.add(Term(etype, surface, exact_case=True))  # "A.M.", never "a.m."
            return
        if key in STOP_WORDS:
            # Names that are also function words ("Will", "May") only when capitalised.
            if etype == PERSON and surface[0].isupper():
                terms.add(Term(etype, surface, exact_case=True))
            return
        if not any(ch.isalpha() for ch in surface):
            return
        words = surface.split()
        common = all(self.lexicon.is_common(w) for w in words)
        if common and not surface[0].isupper():
            return
        if len(words) == 1 and len(surface) < 3 and not surface.isupper():
            # Two-letter names ("Mo") only from a capitalised mention of a person.
            if etype == PERSON and surface.isalpha() and surface[0].isupper():
                terms.add(Term(etype, surface, exact_case=self.lexicon.is_common(surface)))
            return
        # A capitalised value that is also an English word ("Door" of "Rainbow Door") is
        # matched only as written: "door" in lower case is the word.
        word_like = len(words) == 1 and surface[0].isupper() and self.lexicon.is_known(key)
        terms.add(Term(etype, surface, exact_case=common or word_like))

    def _add_lower_case_names(self, terms: set[Term], det: Detection, tokens: list[str]) -> None:
        """A lower-case name that is also a word, from a trusted detection, as a term; not
        a word before the last that is no first name, which describes the person ("donkey"
        of "donkey dave", "old" of "old mr kapoor")."""
        if det.recognizer in _WEAK_SEEDS:
            return
        for i, tok in enumerate(tokens):
            low = tok.lower()
            if (
                i < len(tokens) - 1
                and self.lexicon.is_common(low)
                and not self._wide_first_name(low)
            ):
                continue
            if (
                tok == low
                and len(low) >= 3
                and low.isalpha()
                and low not in STOP_WORDS
                and low not in _NEVER_TERMS
                and low not in self.allow
                and low not in NON_NAME_CAPS
            ):
                terms.add(Term(PERSON, low, exact_case=True))

    def mentions(
        self, text: str, terms: Iterable[Term], from_lower_case: Collection[str] = ()
    ) -> list[Detection]:
        """Every mention of ``terms`` in ``text``, as detections. ``from_lower_case``: the
        values (case-folded) found only in other transcripts typed in lower case."""
        out: list[Detection] = []
        plain = [t for t in terms if t.prefix_of is None]
        prefixes = [t for t in terms if t.prefix_of is not None]
        insensitive: dict[str, str] = {}
        sensitive: dict[str, str] = {}
        # A fixed order (longest first, then by text and type precedence), so that a value
        # held under two types is always given the same one, whatever the set order.
        for term in sorted(plain, key=_term_order):
            target = sensitive if term.exact_case else insensitive
            key = term.text if term.exact_case else term.text.casefold()
            target.setdefault(key, term.type)
        with_capitals = bool(insensitive) and typed_with_capitals(text)
        for table, flags in ((insensitive, re.IGNORECASE), (sensitive, 0)):
            if not table:
                continue
            found: list[tuple[Any, str, str]] = []
            named: set[str] = set()
            body = phrase_alternation(
                sorted(table, key=len, reverse=True), r"[ \t]+", ignore_case=flags != 0
            )
            pattern = re.compile(
                rf"(?<![\p{{L}}\p{{N}}@])(?:{body})(?![\p{{L}}\p{{N}}]|[.@][\p{{L}}])", flags
            )
            for m in pattern.finditer(text):
                key = " ".join(m.group(0).split())
                etype = table.get(key if flags == 0 else key.casefold())
                if etype is None:
                    continue
                if not key.islower() and not at_sentence_start(text, m.start()):
                    named.add(key.casefold())
                found.append((m, key, etype))
            lower_uses = Counter(key for _, key, _ in found if key.islower())
            for m, key, etype in found:
                low = key.casefold()
                # A speaker's word is skipped in lower case and where a sentence opens
                # with it ("Mi did tell dem").
                if (
                    flags
                    and with_capitals
                    and low not in named
                    and (key.islower() or at_sentence_start(text, m.start()))
                    and _speakers_word(low, lower_uses[low], from_lower_case)
                ):
                    continue
                if (
                    flags == 0
                    and at_sentence_start(text, m.start())
                    and function_word_follows(text, m.end())
                ):
                    continue
                if (
                    flags == 0
                    and key.islower()
                    and _ORDINARY_BEFORE.search(text, max(0, m.start() - 8), m.start())
                ):
                    continue  # "had a chance", "i hope so": the word, not the name
                if len(key) == 1 and (
                    _LETTER_NOT_ALONE.match(text, m.end()) or labels_a_letter(text, m.start())
                ):
                    continue  # "B&B", "P:", "Plan B"
                end = possessive_end(text, m.end())
                if key.endswith(".") and _LETTER.fullmatch(key):
                    end = m.start() + 1  # the letter, not its full stop
                out.append(Detection(m.start(), end, etype, 0.7, PROPAGATION_RECOGNIZER, 36))
        if prefixes:
            out.extend(self._shortened(text, prefixes))
        out.extend(_bare_possessives(text, plain))
        out.extend(_respelt(text, plain))
        out.extend(self._misspelt(text, plain))
        return out

    def _misspelt(self, text: str, terms: Iterable[Term]) -> list[Detection]:
        """A person's name spelt another way by the transcriber ("Olla" of "Ola", "Kasha"
        of "Kasia"): a capitalised word of four letters or more that is no common English
        word, with one letter added, dropped or changed from the name and the same first
        letter."""
        by_initial: dict[str, set[str]] = {}
        for t in terms:
            if t.type == PERSON and len(t.text) >= 3 and t.text.isalpha():
                low = t.text.casefold()
                by_initial.setdefault(low[0], set()).add(low)
        out: list[Detection] = []
        if not by_initial:
            return out
        for m in _CAP_WORD.finditer(text):
            low = m.group(0).casefold()
            names = by_initial.get(low[0])
            if (
                not names
                or low in names
                or low in STOP_WORDS
                or low in NON_NAME_CAPS
                or low in self.allow
                or self.lexicon.is_common(low)
            ):
                continue
            if any(one_edit_apart(low, name) for name in names):
                end = possessive_end(text, m.end())
                out.append(Detection(m.start(), end, PERSON, 0.6, PROPAGATION_RECOGNIZER, 37))
        return out

    def _shortened(self, text: str, prefixes: list[Term]) -> list[Detection]:
        """Short forms of a person's first name ("Marce" of "Marcella"): a capitalised
        word that is no common English word. Of a first name that is common somewhere
        (:attr:`first_name`), also a lower-case word of four letters or more that is no
        common English word ("crys" of "Crystal"), and a common word capitalised inside a
        sentence ("Thanks, Ham." of "Hamid")."""
        shorts: dict[str, set[str]] = {}
        for term in prefixes:
            full = term.prefix_of or ""
            for n in range(3, len(full)):
                shorts.setdefault(full[:n], set()).add(full)
        out: list[Detection] = []
        for m in _SHORT_WORD.finditer(text):
            word = m.group(0).lower()
            fulls = shorts.get(word)
            if not fulls or word in STOP_WORDS or word in NON_NAME_CAPS:
                continue
            start_of_sentence = at_sentence_start(text, m.start())
            common = self.lexicon.is_common(word)
            if m.group(0).islower() or common:
                if not any(self._wide_first_name(f) for f in fulls):
                    continue
                if m.group(0).islower() and (len(word) < 4 or common):
                    continue
                if (common and start_of_sentence) or _APOSTROPHE.match(text, m.end()):
                    continue
            elif start_of_sentence and self.lexicon.is_known(word):
                if function_word_follows(text, m.end()):
                    continue
                if not any(self._wide_first_name(f) for f in fulls):
                    continue
            end = possessive_end(text, m.end())
            out.append(Detection(m.start(), end, PERSON, 0.6, PROPAGATION_RECOGNIZER, 37))
        return out


# Before a lower-case name typed as a word, these make it the word: a determiner, a
# subject pronoun, "to" or a modal verb.
_ORDINARY_BEFORE = re.compile(
    r"(?i)(?<![\p{L}'’])(?:a|an|the|my|your|his|our|their|its|this|some|any|no|every|i|"
    r"you|we|they|he|she|to|will|would|can|could|should|might|must|there['’]s)[ ]+$"
)


def _speakers_word(key: str, lower_uses: int, from_lower_case: Collection[str]) -> bool:
    """Whether a value written ``key`` in a transcript with capitals, and never capitalised
    inside a sentence there, is a word of the speaker's rather than the name: found only
    in transcripts typed in lower case ("oan", "aff", "vallies" in Scots speech), or
    written in lower case again and again ("da" in Shetland speech, "mi" in patois)."""
    if not key.islower():
        return False
    if key in from_lower_case and _WORD.fullmatch(key):
        return True
    return lower_uses >= LOWER_WORD_USES


def _respelt(text: str, terms: Iterable[Term]) -> list[Detection]:
    """A person's name written with hyphens to show how it is said or spelt ("Ok-SAN-a" of
    "Oksana", "M-I-C-K" of "Mick")."""
    names = {
        t.text.casefold()
        for t in terms
        if t.type == PERSON and len(t.text) >= 3 and t.text.isalpha()
    }
    out: list[Detection] = []
    if not names:
        return out
    for m in _HYPHENATED.finditer(text):
        if m.group(0).replace("-", "").casefold() in names:
            end = possessive_end(text, m.end())
            out.append(Detection(m.start(), end, PERSON, 0.6, PROPAGATION_RECOGNIZER, 37))
    return out


def _bare_possessives(text: str, terms: Iterable[Term]) -> list[Detection]:
    """Names with a possessive typed without its apostrophe ("at sues", "Deans mum"), in a
    transcript typed without apostrophes; as written, the "s" included (the pseudonymiser
    gives "Deans" the pseudonym of "Dean")."""
    if not drops_apostrophes(text):
        return []
    people = [t for t in terms if t.type == PERSON and t.text[:1].isalpha()]
    names = sorted(
        {t.text for t in people if local_only(t) or t.text[0].isupper()}, key=len, reverse=True
    )
    if not names:
        return []
    body = "|".join(re.escape(n) for n in names)
    pattern = re.compile(rf"(?<![\p{{L}}\p{{N}}@'’])(?:{body})s(?![\p{{L}}\p{{N}}'’])")
    return [
        Detection(m.start(), m.end(), PERSON, 0.7, PROPAGATION_RECOGNIZER, 36)
        for m in pattern.finditer(text)
    ]


def _as_initials(text: str, det: Detection, surface: str, end: int) -> tuple[bool, Term | None]:
    """Whether a person's detection is one letter or capitals found as initials, and if so
    the term it gives (:func:`_letter_term`). Two or three capitals found by a rule for
    initials, even those of a title or an abbreviation ("I'll call him DC, initials"), are
    that person as written, in their own transcript."""
    if det.type != PERSON:
        return False, None
    if _LETTER.fullmatch(surface):
        return True, _letter_term(text, det, surface, end)
    if det.recognizer in _LETTER_SEEDS and _CAPITALS.fullmatch(surface):
        return True, Term(PERSON, surface, exact_case=True)
    return False, None


def _letter_term(text: str, det: Detection, surface: str, end: int) -> Term | None:
    """A person written as one letter with a full stop ("I'll call her M."): "M." is that
    person wherever it stands; one letter found as a person by a rule for initials ("D
    went in", "pregnant with J") is, wherever it stands as a word in that transcript."""
    if surface.endswith(".") or text.startswith(".", end):
        return Term(PERSON, surface[0] + ".", exact_case=True)
    if det.recognizer in _LETTER_SEEDS and surface not in _LETTER_WORDS:
        return Term(PERSON, surface, exact_case=True)
    return None


def local_only(term: Term) -> bool:
    """Whether a term stays in the transcript it was found in: a lower-case word matched in
    its own case (found in a transcript typed without capitals, it is not spread to
    transcripts where the word is a word), or one letter ("J", "M.") or a person's two or
    three capitals ("DC"), which in another transcript are someone else's initials."""
    return term.exact_case and (
        term.text.islower()
        or len(term.text.rstrip(".")) == 1
        or (term.type == PERSON and _CAPITALS.fullmatch(term.text) is not None)
    )


def _term_order(term: Term) -> tuple[int, str, int, bool]:
    rank = TYPE_PRECEDENCE.index(term.type) if term.type in TYPE_PRECEDENCE else 99
    return (-len(term.text), term.text, rank, term.exact_case)


def extend_possessives(text: str, detections: Iterable[Detection]) -> list[Detection]:
    """Let name-like detections take in a possessive that directly follows them."""
    out = []
    for det in detections:
        if det.type in (PERSON, LOCATION, ORGANIZATION):
            end = possessive_end(text, det.end)
            if end != det.end:
                det = Detection(det.start, end, det.type, det.score, det.recognizer, det.rank)
        out.append(det)
    return out


def resolve_types(
    texts: Mapping[str, str],
    detections: Mapping[str, Sequence[Detection]],
    known: Iterable[tuple[str, str]] = (),
) -> dict[str, list[Detection]]:
    """Give every mention of one value the same type across the corpus, so one person
    (or place, or organisation) gets one pseudonym.

    The type a value keeps is the one most of its detections have, weighted by score;
    ties go to the type that comes first in :data:`~qualkit.deid.spans.TYPE_PRECEDENCE`.
    A value already in the key from an earlier batch (``known``: ``(type, surface)``
    pairs) keeps the type it had. Only names of people, places and organisations are
    retyped.
    """
    name_types = (PERSON, LOCATION, ORGANIZATION)
    votes: dict[str, dict[str, float]] = {}
    for key, dets in detections.items():
        for d in dets:
            if d.type in name_types:
                value = canonical(PERSON, texts[key][d.start : d.end])
                tally = votes.setdefault(value, {})
                tally[d.type] = tally.get(d.type, 0.0) + d.score
    winner = {
        value: min(tally, key=lambda t: (-round(tally[t], 6), TYPE_PRECEDENCE.index(t)))
        for value, tally in votes.items()
    }
    for etype, surface in known:
        value = canonical(PERSON, surface)
        if etype in name_types and value in winner:
            winner[value] = etype
    out: dict[str, list[Detection]] = {}
    for key, dets in detections.items():
        fixed = []
        for d in dets:
            if d.type in name_types:
                etype = winner[canonical(PERSON, texts[key][d.start : d.end])]
                if etype != d.type:
                    d = Detection(d.start, d.end, etype, d.score, d.recognizer, d.rank)
            fixed.append(d)
        out[key] = fixed
    return out


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with exactly one letter added, dropped or changed."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
