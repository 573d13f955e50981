"""UK identifiers: phone numbers, postcodes, National Insurance and NHS numbers, Home
Office references and prison numbers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UkNinoRecognizer, UkPostcodeRecognizer

from qualkit.deid.numwords import (
    DIGIT_GAP,
    ZERO_WORDS,
    dictated_runs,
    digit_after,
    digit_between,
    is_spoken_digit_word,
    number_value,
    spoken_digits,
)
from qualkit.deid.recognizers.base import Hit, QualkitRecognizer, RecognizerContext, one_per_span
from qualkit.deid.recognizers.contact import TOLD_BACK_AFTER, told_back
from qualkit.deid.spans import CASE_REFERENCE, PHONE_NUMBER, UK_NHS, UK_NINO, UK_POSTCODE
from qualkit.deid.words import PHONETIC_ALPHABET, POSTCODE_AREAS

_SEP = r"(?:[ \u00a0\-.]|,[ ])?"
_PHONE = re.compile(
    r"""
    (?<![\w+/])
    (?:
        (?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?\(?\d\)?(?:SEP\d){8,9}     # +44 7700 900123
      | \(0\d{2,4}\)[ ]?\d(?:SEP\d){5,7}                           # (020) 7946 0018
      | 0(?:SEP\d){9,10}                                          # 07700 900123, 0 7 7 0 0 ...
      | (?i:oh)[ ]?[1-9](?:SEP\d){8,9}                             # Oh 7700 900 318
    )
    (?![\w])
    """.replace("SEP", _SEP),
    re.VERBOSE,
)
# An extension's digits: "she's on extension 2417", "ext. 3301".
# An extension's or a hospital bleep's digits: "extension 2214", "my bleep, 4471".
_EXTENSION = re.compile(
    r"\b(?i:extension|ext\.?|bleep|pager)[ ]?(?:(?i:number|no\.?)[ ])?(?:[ ]*,[ ]?)?(\d{3,6})\b"
)


_EXTENSION_GAP = re.compile(r"[ ]*,?[ ]*$")
# Digits given to be rung on ("or ring me, 4417"): an extension, however short.
_RING_ME_ON = re.compile(
    r"\b(?i:ring|call|phone|text)[ ]+(?i:me|us)(?:[ ]+(?i:on))?[ ]*,?[ ]+(\d{3,6})\b"
    r"(?![.:,]\d|[ ]*(?i:am|pm|o['’]?clock|ish|%|pounds|quid|times|minutes|hours)\b)"
)

# Three or four figures standing alone: the end of a number said again ("It's 07700 900
# 462. Yeah. 462."), looked for soon after the number.
_DIGIT_GROUP = re.compile(
    r"(?<![\p{L}\p{N}.,£$€]|[\p{N}][ ,.\-])\d{3,4}(?![\p{L}\p{N}]|[ ,.\-]\d)"
    r"(?![ ]*(?i:am|pm|o['’]?clock|ish|%|pounds|quid|quids|p|k|times|minutes|hours|mg|ml)\b)"
)
READ_BACK_REACH = 200
# Its last six or seven figures in two groups, said before or after it ("07700 900 263.
# wait no. 900 236. 07700 900236").
_TAIL_GROUPS = re.compile(
    r"(?<![\p{L}\p{N}.,£$€]|[\p{N}][ ,.\-])\d{3}[ ]\d{3,4}(?![\p{L}\p{N}]|[ ,.\-]\d)"
)


class UkPhoneRecognizer(QualkitRecognizer):
    """UK phone numbers in their usual written forms (07…, +44 …, (020) …, 020 …, 0800 …),
    an extension's digits (with the word, right after the number: "0113 496 0347,
    extension 2214"; or given to be rung on: "ring me, 4417"), and the number's last three
    or four figures said again soon after it ("07700 900 462. Yeah. 462."), or its last six
    or seven near it ("900 236. 07700 900236").

    A match must hold the right number of digits for a UK number, so dates and other
    figures do not match.
    """

    ENTITIES: ClassVar[tuple[str, ...]] = (PHONE_NUMBER,)
    RANK: ClassVar[int] = 10
    SCORE: ClassVar[float] = 0.9

    def find(self, text: str) -> Iterator[Hit]:
        ends: set[int] = set()
        found: list[tuple[int, int, str]] = []
        for m in _PHONE.finditer(text):
            raw = m.group(0)
            digits = re.sub(r"\D", "", raw)
            if raw[0] in "oO":
                digits = "0" + digits  # the leading zero said "oh"
            if raw.startswith(("+", "00")):
                national = digits[2:] if raw.startswith("+") else digits[4:]
                if national.startswith("0"):
                    national = national[1:]
                ok = len(national) in (9, 10) and national[0] in "1237589"
            else:
                ok = len(digits) in (10, 11) and digits[1] in "1235789"
            if ok:
                ends.add(m.end())
                found.append((m.start(), m.end(), digits))
                yield Hit(m.start(), m.end(), PHONE_NUMBER, self.SCORE)
        for start, end, digits in found:
            # The last figures of the number said again just after it.
            for g in _DIGIT_GROUP.finditer(text, end, min(len(text), end + READ_BACK_REACH)):
                if digits.endswith(g.group(0)) and not any(s <= g.start() < e for s, e, _ in found):
                    yield Hit(g.start(), g.end(), PHONE_NUMBER, self.SCORE)
            reach = (max(0, start - READ_BACK_REACH), min(len(text), end + READ_BACK_REACH))
            for g in _TAIL_GROUPS.finditer(text, *reach):
                tail = g.group(0).replace(" ", "")
                if digits.endswith(tail) and not any(s <= g.start() < e for s, e, _ in found):
                    yield Hit(g.start(), g.end(), PHONE_NUMBER, self.SCORE)
        for m in _EXTENSION.finditer(text):
            # Right after the number it extends, "extension" is part of the number.
            gap = _EXTENSION_GAP.search(text, max(0, m.start() - 4), m.start())
            start = m.start() if gap is not None and gap.start() in ends else m.start(1)
            yield Hit(start, m.end(1), PHONE_NUMBER, self.SCORE)
        for m in _RING_ME_ON.finditer(text):
            if m.end(1) not in ends:
                yield Hit(m.start(1), m.end(1), PHONE_NUMBER, self.SCORE)


def _uk_phone_digits(digits: str) -> bool:
    """Whether a string of digits has the length and prefix of a UK phone number."""
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return len(digits) in (10, 11) and digits[0] == "0" and digits[1] in "1235789"


_WORD = re.compile(r"[\p{L}\p{N}]+")
# What may stand between the words of a dictated number ("double oh. nine double oh.",
# "double oh... nine double oh...").
_PAUSE_MARK = re.compile(r"[(\[](?i:pause|long[ ]pause|pauses)[)\]]")
_DICTATION_GAP = re.compile(
    r"[ \t,\-]*(?:\.[ \t]+|(?:\.{3}|…)[ \t]*)?(?:[(\[](?i:pause|long[ ]pause|pauses)[)\]][ \t]*)?"
)
# An extension read out after a number read out: ", extension four one two".
_SPOKEN_EXTENSION = re.compile(
    r"[ ]*,?[ ]*(?i:extension|ext\.?)[ ]+(?:\d{3,6}\b"
    r"|(?i:oh|zero|one|two|three|four|five|six|seven|eight|nine|double|treble)"
    r"(?:[ ,\-]+(?i:oh|zero|one|two|three|four|five|six|seven|eight|nine|double|treble)){2,7}\b)"
)
# Sounds of hesitation a number read out may hold between its digits.
HESITATIONS = frozenset({"um", "umm", "erm", "er", "uh", "uhm", "ah", "eh", "hmm"})


class SpokenPhoneRecognizer(QualkitRecognizer):
    """Phone numbers read out in words: "oh seven seven double oh, nine hundred, four one
    two" (see :func:`qualkit.deid.numwords.spoken_digits`), with an extension read out
    after it, or with pauses marked between its digits; and pieces of one: three or
    more digits read back from a number given in the same text ("three eight one"), or the
    start of a UK number ("oh seven seven...")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PHONE_NUMBER,)
    RANK: ClassVar[int] = 11
    SCORE: ClassVar[float] = 0.85
    PIECE_SCORE: ClassVar[float] = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        numbers = [m.group(0) for m in _PHONE.finditer(text)]
        pieces: list[tuple[list[re.Match[str]], str]] = []
        for whole in _digit_runs(text):
            for run, digits in self._numbers_in(text, whole):
                if len(run) >= 5 and _uk_phone_digits(digits):
                    numbers.append(digits)
                    ext = _SPOKEN_EXTENSION.match(text, run[-1].end())
                    end = ext.end() if ext else run[-1].end()
                    yield Hit(run[0].start(), end, PHONE_NUMBER, self.SCORE)
                else:
                    pieces.append((run, digits))
        given = [re.sub(r"\D", "", n) for n in numbers]
        for run, digits in pieces:
            one_by_one = len(run) >= 3 and len(digits) == len(run)  # "trei, unu, opt"
            if sum(_is_digit_word(m.group(0)) for m in run) < 3 and not one_by_one:
                continue
            read_back = any(digits in number for number in given)
            if read_back or _PHONE_START.match(digits):
                yield Hit(run[0].start(), run[-1].end(), PHONE_NUMBER, self.PIECE_SCORE)

    def _numbers_in(
        self, text: str, run: list[re.Match[str]]
    ) -> Iterator[tuple[list[re.Match[str]], str]]:
        """The run with its digits; or, if it is no phone number but full stops split it,
        the longest stretch of its sentences that is one, and the rest as pieces ("oh eight
        oh eight, one five seven, oh four nine two. Twenty-four hours."); or, without full
        stops, the number without a word or two at its ends ("just this one, oh seven seven
        double oh, ...")."""
        digits = self._digits(run)
        if digits is None:
            return
        if len(run) >= 5 and _uk_phone_digits(digits):
            yield run, digits
            return
        parts = _split_at_stops(text, run)
        if len(parts) == 1:
            for sub in _without_ends(run):
                sub_digits = self._digits(sub)
                if sub_digits and _uk_phone_digits(sub_digits):
                    yield sub, sub_digits
                    return
            yield run, digits
            return
        for size in range(len(parts) - 1, 0, -1):
            for i in range(len(parts) - size + 1):
                sub = [m for part in parts[i : i + size] for m in part]
                sub_digits = self._digits(sub)
                if sub_digits and len(sub) >= 5 and _uk_phone_digits(sub_digits):
                    for rest in (parts[:i], parts[i + size :]):
                        flat = [m for part in rest for m in part]
                        rest_digits = self._digits(flat) if flat else None
                        if rest_digits:
                            yield flat, rest_digits
                    yield sub, sub_digits
                    return
        yield run, digits
        for part in parts:  # each sentence may be read back on its own
            part_digits = self._digits(part)
            if part_digits:
                yield part, part_digits

    @staticmethod
    def _digits(run: list[re.Match[str]]) -> str | None:
        if all(m.group(0).isdigit() for m in run):
            return None
        return spoken_digits([m.group(0) for m in run])


def _without_ends(run: list[re.Match[str]]) -> Iterator[list[re.Match[str]]]:
    """The run without one, then two, of its words at either end, keeping five or more."""
    for dropped in (1, 2):
        for lead in range(dropped + 1):
            sub = run[lead : len(run) - (dropped - lead)]
            if len(sub) >= 5:
                yield sub


def _split_at_stops(text: str, run: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """A run of dictated words cut where a full stop stands between two of them."""
    parts: list[list[re.Match[str]]] = [[run[0]]]
    for prev, m in itertools.pairwise(run):
        if "." in text[prev.end() : m.start()]:
            parts.append([])
        parts[-1].append(m)
    return parts


def _is_digit_word(word: str) -> bool:
    """One spoken digit: "oh", "zero" or a number word under ten."""
    low = word.lower()
    if low in ZERO_WORDS:
        return True
    value = number_value(low)
    return value is not None and value < 10 and not low.isdigit()


# The start of a UK mobile or geographic number, said aloud ("oh seven seven").
_PHONE_START = re.compile(r"0[1237]\d")


@lru_cache(maxsize=2)
def _digit_runs(text: str) -> tuple[list[re.Match[str]], ...]:
    """Runs of words that can be part of a dictated number (found once per text: phone
    numbers and NHS numbers read out both look in them)."""
    return tuple(_find_digit_runs(text))


def _find_digit_runs(text: str) -> Iterator[list[re.Match[str]]]:
    """Runs of words that can be part of a dictated number, joined only by spaces, commas
    or hyphens, and by a hesitation between two of them ("four one, um, two")."""
    run: list[re.Match[str]] = []
    last_end = -1
    marks = [(m.start(), m.end()) for m in _PAUSE_MARK.finditer(text)]
    words = [w for w in _WORD.finditer(text) if not any(s < w.start() < e for s, e in marks)]
    for i, m in enumerate(words):
        joined = bool(run) and _DICTATION_GAP.fullmatch(text, last_end, m.start())
        if run and not joined:
            yield run
            run = []
        word = m.group(0)
        if is_spoken_digit_word(word):
            run.append(m)
            last_end = m.end()
            continue
        # Inside a run: the next word, when nothing but a dictation gap stands between.
        following = ""
        after = words[i + 1] if run and i + 1 < len(words) else None
        if after is not None and _DICTATION_GAP.fullmatch(text, m.end(), after.start()):
            following = after.group(0)
        if following and digit_between(word, run[-1].group(0), following):
            run.append(m)
            last_end = m.end()
        elif joined and digit_after(word, [w.group(0) for w in run[-2:]]):
            run.append(m)  # the run's last word: "... três cinco um."
            last_end = m.end()
        elif following and word.lower() in HESITATIONS and is_spoken_digit_word(following):
            last_end = m.end()
        elif run:
            yield run
            run = []
    if run:
        yield run


# A postcode district said on its own, in capitals, with a word that says it is one
# before or after it: "the BT35 area", "my postcode is CF47".
_AREAS = "|".join(a.upper() for a in POSTCODE_AREAS)
_DISTRICT = rf"(?-i:(?:{_AREAS})[1-9][0-9]?[A-Z]?)"
_DISTRICT_BEFORE = (
    r"(?:postcodes?|post[ ]code|district)[ ](?:is[ ]|was[ ]|of[ ]|starts[ ]|starting[ ])?"
)
_DISTRICT_AFTER = r"[ ](?:area|district|postcode|post[ ]code|side|end|bit|way)\b"
_POSTCODE_PATTERNS = (
    Pattern("UK postcode", UkPostcodeRecognizer.PATTERNS[0].regex, 0.85),
    Pattern(
        "London postal district",
        r"(?-i:\b(?:EC|WC|SE|SW|NW|E|N|W)[1-9][0-9]?[A-Z]?\b)(?![ ]?[0-9][A-Za-z]{2})",
        0.6,
    ),
    Pattern(
        "postcode district",
        rf"(?:(?<=\b{_DISTRICT_BEFORE})\b{_DISTRICT}\b|\b{_DISTRICT}\b(?={_DISTRICT_AFTER}))"
        r"(?![ ]?[0-9][A-Za-z]{2})",
        0.6,
    ),
)


class QualkitUkPostcodeRecognizer(UkPostcodeRecognizer):
    """Presidio's postcode pattern, trusted without a context word, plus districts.

    A full postcode has a fixed shape that ordinary words do not; an outward code on its
    own is matched only in capitals: a London one ("SE5") anywhere, another ("BT35") with a
    word that says it is a district ("the BT35 area").
    """

    def __init__(self, context: RecognizerContext | None = None) -> None:
        super().__init__(patterns=list(_POSTCODE_PATTERNS), name=type(self).__name__)


_NINO_PATTERNS = (
    Pattern(
        "NINO",
        r"\b([a-zA-Z]{2})[ \-]?([0-9]{2})[ \-]?([0-9]{2})[ \-]?([0-9]{2})[ \-]?([a-dA-D])\b",
        0.85,
    ),
)


# One piece of a postcode read out: a letter ("l", "Z"), a number in digits or in words.
_SAID_PIECE = re.compile(r"(?<![\w'’])(?:\p{L}|\d{1,2}|\p{L}{2,9})(?![\w'’])")
_PIECE_GAP = re.compile(r"[ ,]{1,3}")
# A letter made plain with a word that starts with it: "Z for zebra", "Q as in Quebec".
_LETTER_FOR_WORD = re.compile(r"(?i)[ ]+(?:for|as[ ]+in|like)[ ]+(?P<word>\p{L}{2,})\b")
_POSTCODE_SHAPE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}")
_NINO_SHAPE = re.compile(r"[A-Z]{2}\d{6}[A-D]")


class SpokenPostcodeRecognizer(QualkitRecognizer):
    """A postcode read out letter by letter, numbers in words or digits: "l l thirteen
    nine z q" (LL13 9ZQ). Only a run that spells a whole postcode's shape counts."""

    ENTITIES: ClassVar[tuple[str, ...]] = (UK_POSTCODE,)
    RANK: ClassVar[int] = 10
    SCORE: ClassVar[float] = 0.8
    #: The shape the spelt letters and digits must make, and the most words it may take.
    SHAPE: ClassVar[re.Pattern[str]] = _POSTCODE_SHAPE
    MAX_PIECES: ClassVar[int] = 9

    def find(self, text: str) -> Iterator[Hit]:
        for run in _said_pieces(text):
            yield from self._spelt(text, run)

    def _spelt(self, text: str, run: Sequence[tuple[int, int, str]]) -> Iterator[Hit]:
        i = 0
        while i < len(run):
            best = None
            for j in range(min(len(run), i + self.MAX_PIECES), i + 3, -1):
                if self.SHAPE.fullmatch("".join(p for _, _, p in run[i:j])):
                    best = j
                    break
            if best is None:
                i += 1
                continue
            yield Hit(run[i][0], run[best - 1][1], self.ENTITIES[0], self.SCORE)
            i = best


@lru_cache(maxsize=2)
def _said_pieces(text: str) -> tuple[tuple[tuple[int, int, str], ...], ...]:
    """Runs of letters and numbers said one after another (each piece's start, end and
    what it adds), found once per text: postcodes, National Insurance numbers and case
    references read out all look in them."""
    runs: list[tuple[tuple[int, int, str], ...]] = []
    run: list[tuple[int, int, str]] = []
    last_end = -1
    for m in _SAID_PIECE.finditer(text):
        if m.start() < last_end:
            continue  # the word of a letter spelt "Z for zebra"
        piece = _postcode_piece(m.group(0))
        joined = bool(run) and _PIECE_GAP.fullmatch(text, last_end, m.start())
        if run and (piece is None or not joined):
            runs.append(tuple(run))
            run = []
        if piece is not None:
            end = m.end()
            spelt = _LETTER_FOR_WORD.match(text, end) if piece.isalpha() else None
            if spelt and spelt.group("word")[0].upper() == piece:
                end = spelt.end()
            run.append((m.start(), end, piece))
            last_end = end
    runs.append(tuple(run))
    return tuple(runs)


class SpokenNinoRecognizer(SpokenPostcodeRecognizer):
    """A National Insurance number read out: "Q Q four six two nine one eight C"."""

    ENTITIES: ClassVar[tuple[str, ...]] = (UK_NINO,)
    SHAPE: ClassVar[re.Pattern[str]] = _NINO_SHAPE


# A Home Office reference (a letter and seven digits, "B1234567", sometimes with "/1"; or
# "GWF" and nine digits from an online application, or the start of one), a prison number
# (a letter, four digits and two letters, "A1234BC") or a vehicle's registration, British
# or European ("YF09 KXR", "SV 27 BXT"), older ("B614 TJV"), or typed in lower case
# ("cx08 wdk").
_CASE_REFERENCE = re.compile(
    r"(?<![\w/])(?:\p{L}\d{7}(?:/\d{1,2})?|(?-i:\p{Lu})[ ]\d{7}|\p{L}\d{4}\p{L}{2}|GWF[ ]?\d{3,9}"
    r"|(?-i:\p{Lu}{1,2}\d{6,9}\p{Lu})|(?-i:\p{Lu}{2}\d{2}[ ]?\p{Lu}{3})"
    r"|(?-i:\p{Ll}{2}\d{2}[ ]\p{Ll}{3})"
    r"|(?-i:\p{Lu}{1,2}[ ]\d{2,3}[ ]\p{Lu}{3})"
    # registrations before 2001: a letter for the year first ("B614 TJV") or last ("TJV 614B")
    r"|(?-i:\p{Lu}\d{1,3}[ ]\p{Lu}{3}|\p{Lu}{3}[ ]\d{1,3}\p{Lu})"
    # a Police National Computer number: year, "/", serial and check letter ("21/0193847Q")
    r"|(?-i:(?:19|20)?\d{2}/\d{4,7}\p{Lu}))(?![\w/])",
    re.IGNORECASE,
)
_CASE_REFERENCE_SHAPE = re.compile(r"[A-Z]\d{7}|[A-Z]\d{4}[A-Z]{2}|GWF\d{9}")
# Words said before a case number read out.
_CASE_CONTEXT = re.compile(
    r"(?i)\b(?:home[ ]office|reference|ref|prison(?:er)?|case|number|crn|collar)\b"
)
# A soldier gives rank, then number: "Halloran, Private, two four nine ...".
_RANK_BEFORE = re.compile(
    r"(?i)\b(?:private|lance[ ]corporal|corporal|sergeant|gunner|sapper|trooper|rifleman|"
    r"guardsman|fusilier|marine|airman|signaller|craftsman|kingsman)[ ]*,?[ ]*$"
)
# Read out one by one: words, not figures ("two four nine ...").
MIN_SPOKEN_DIGIT_WORDS = 5
MIN_READ_BACK_WORDS = 3
# Digits read out alone are a reference from seven of them, or from five when the same
# number is written in figures in the text ("My number was 41926 ... Four one nine two six").
MIN_ALONE_DIGITS = 7
# Twelve digits or more read out are a number of someone's with or without a word before
# them ("four four zero zero, one two three four, five six seven eight, ...").
MIN_UNINTRODUCED_DIGITS = 12
# Digits that begin with "00" and are too few for a number dialled abroad: someone's own
# number read out ("my payroll number off my payslip, oh oh four four one seven").
_NOT_A_PHONE = re.compile(r"00\d{2,6}")
MIN_READ_BACK = 5
# Letters and as few as three digits, when written in the text too ("GWF071 ... G, W, F,
# zero seven one").
MIN_READ_BACK_WITH_LETTERS = 3
CASE_CONTEXT_CHARS = 150
SPLIT_CONTEXT_CHARS = 400
# A reference written with its parts apart by "/" after a word that introduces it:
# "case ref PT/24/0417", "reference HR23/440719".
# Typed in lower case, with six figures or more ("lp-2024-0317").
_WRITTEN_REFERENCE = re.compile(r"(?<![\w/])\p{L}{1,4}[/\-]?\d{2,}(?:[/\-]\d{2,})+(?![\w/])")
WRITTEN_CONTEXT_CHARS = 30
# "a crime reference, I've got it here. NFRC23 0418 7726", "the case number's PREV 23 0418":
# capitals and figures, then groups of figures, after a word that introduces a reference.
_SPACED_REFERENCE = re.compile(r"(?<![\w/])\p{Lu}{2,6}[ ]?\d{1,4}(?:[ ]\d{3,5}){1,3}(?![\w/])")
SPACED_CONTEXT_CHARS = 60
# "My interpreter number is 40372", "my interpreter ID is 70215", "Her real number, 999
# 042 7716", "Ma prison number wis 172403": figures given as someone's number (not a
# phone's, which starts with 0), whole or in groups of three, three and four, or after a
# letter typed in lower case ("my student number is b00874213").
_NUMBER_IS = re.compile(
    r"(?:\b(?i:number)|\bID)(?i:(?:[ ]+is|[ ]+was|[ ]+wis|[ ]+were|['’]s|:|,)?[ ]+)"
    r"(?P<n>[1-9]\d{4,11}|\p{Ll}\d{7,11}|[1-9]\d{2}[ ]\d{3}[ ]\d{4}(?![ ]\d)"
    # ...or four figures, as someone's own ("me clock number were 4417")
    r"|(?<=\b(?i:my|me|his|her|your|their)[ ]+(?:\p{L}+[ ]+){0,2}(?i:number)\P{N}{0,6})"
    r"[1-9]\d{3})\b(?![.,:/]\d)"
)
# A code of capitals and four figures or more, a capital after a figure ("93Y0618E", a
# registration), or capitals then eight figures or more.
_MIXED_CODE = re.compile(
    r"(?=[A-Z\d])(?<![\w/\-])(?:(?=(?:[A-Z]*\d){4})(?=[A-Z\d]*\d[A-Z])[A-Z\d]{7,12}"
    # ...or capitals, then eight figures or more ("F1120478913"), or two or three and
    # seven (a residence permit's number, "ZR4417829"; a hospital number, "RWE4418926")
    r"|[A-Z]{1,3}\d{8,12}|[A-Z]{2,3}\d{7})(?![\w/\-])"
)
# Capitals and figures in three parts or more apart by "/", with four figures or more
# ("CR/UE/2023/0917"; capitals and then only figures, "PT/24/0417", are a written reference).
_SLASHED_CODE = re.compile(
    r"(?=[A-Z])(?<![\w/\-])(?=(?:[A-Z/]*\d){4})[A-Z][A-Z\d]{0,5}(?:/[A-Z\d]{1,6}){2,5}"
    r"(?![\w/\-])"
)
# The words of consonants only ("hmm"), which start no reference.
_CONSONANT_WORDS = r"(?i:hmm|mmm|shh|tsk|nth)"
# One to three consonants typed apart before a reference's figures are its letters ("its hs
# 2 3 0 4 4 1 7", "nrm 2023 0 4 4 8 1 7"): few English words are all consonants.
_LETTERS_BEFORE = re.compile(
    rf"(?<![\p{{L}}\p{{N}}'’\-])(?!{_CONSONANT_WORDS}[ ])(?i:[b-df-hj-np-tv-xz]{{1,3}})[ ]$"
)


def _with_letters_before(text: str, hit: Hit) -> Hit:
    """``hit`` with the letters typed apart before its first figure, if there are any."""
    if not text[hit.start].isdigit():
        return hit
    m = _LETTERS_BEFORE.search(text, max(0, hit.start - 4), hit.start)
    return Hit(m.start(), hit.end, hit.entity, hit.score) if m else hit


# Capitals and four to seven figures after a word for a reference ("CRN X381526", "The
# reference was WEB40217", "employee number PL-20817", "referral number DTR 5521 MD"),
# with any group of figures after them ("M1209 4471").
_SHORT_CODE = re.compile(
    r"(?<![\w/\-])(?-i:\p{Lu}{1,3})[/\- ]?\d{4,7}(?:[ ]\d{3,5}(?![.,:]\d))?"
    r"(?:[ ](?-i:\p{Lu}{1,3}))?(?![\w/\-])"
)
# Figures in groups apart by "/" that no date makes ("47/312/8005", "22/41177/24"), or four
# groups of four ("3318-9907-4452-1160").
_GROUPED_FIGURES = re.compile(
    r"(?=\d)(?<![\w/\-])(?:\d{2,4}/\d{3,}/\d{3,}|\d{1,4}/\d{4,}/\d{1,4}"
    r"|[1-9]\d{3}([ \-])\d{4}\1\d{4}\1\d{4})"
    r"(?![\w/\-]|[.,:]\d)"
)
# Figures in three groups or more apart by spaces, the first perhaps after capitals, eight
# figures or more in all and one group of three or more ("4471 0923 8", "log number 24 000
# 318 77", "NFRC2310 0448 712"); not a phone number, a date or a run of years.
_SPACED_GROUPS = re.compile(
    r"(?=[A-Z\d])(?<![\w/\-.,:£$])[A-Z]{0,5}\d{1,8}(?:[ ]\d{1,4}){2,5}(?![\w/\-'’]|[.,:]\d)"
)
MIN_GROUPED_DIGITS = 8
_YEAR_GROUP = re.compile(r"(?:19|20)\d\d")
# What may stand for a phone number's 0 before its other figures ("+44 20 7946 0018",
# "(0)20 ...", "Oh 7700 900 318").
_AFTER_COUNTRY_CODE = re.compile(r"(?:\+?44|\(0\)|\b(?i:oh|o|zero|nought))[ ]?$")
# A capital and six figures standing alone ("K447193. I could say it in my sleep").
_LETTER_SIX_FIGURES = re.compile(r"(?<![\w/\-£$])[A-Z]\d{6}(?![\w/\-]|[.,:]\d)")
# Capitals, a space, then six figures or more, perhaps with a check letter ("GPS
# 4077193B").
_LETTERS_SPACE_FIGURES = re.compile(r"(?<![\w/\-])[A-Z]{2,4}[ ]\d{6,9}[A-Z]?(?![\w/\-])")
# A date with spaces for its separators ("14 03 1980").
_SPACED_DATE = re.compile(r"(?:0?[1-9]|[12]\d|3[01])[ ](?:0?[1-9]|1[0-2])[ ](?:19|20)\d\d")
# Capitals and figures read out one by one with spaces between, four figures or more, the
# first perhaps against the letter ("H 7 3 4 1 9, that's my number", "M1 0 9 4 5 7 3").
_SPACED_CHARACTERS = re.compile(
    r"(?=[A-Z])(?<![\w/\-])[A-Z](?:[ ][A-Z]){0,2}[ ]?\d(?:[ ]\d){3,9}(?:[ ][A-Z]){0,3}"
    r"(?![\w/\-'’])"
)
# Figures alone read out one by one, six or more ("2 3 7 1 9 4 0 6, I can say it in my
# sleep"): an account's or a passport's number.
_SPACED_FIGURES = re.compile(r"(?=\d)(?<![\w/\-.,:£$])\d(?:[ ]\d){5,14}(?![\w/\-'’]|[.,:]\d)")
# A code in three groups or more, each of capitals and figures ("C4G 7K29 1HX"); a
# postcode has two.
_GROUPED_CODE = re.compile(
    r"(?=[A-Z\d])(?<![\w/\-])(?:(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z\d]{2,5}[ ]){2,4}"
    r"(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z\d]{2,5}(?![\w/\-])"
)
# Written with its parts apart, six figures or more in all need no word before them
# ("CU-23-0447182"; not an interview's "TV-45-01").
MIN_DASHED_DIGITS = 6
# A court's or a tribunal's number for a case, "BR 341 of 2019"; capitals, a dash, then
# figures with letters among them, "LEB-16C04417" (a refugee agency's case number), or
# figures, a dash, then figures with a capital among them, "245-18C04471".
_COURT_NUMBER = re.compile(r"(?<![\w/])\p{Lu}{2,4}[ ]?\d{1,6}[ ]of[ ](?:19|20)\d\d(?!\d)")
_DASHED_CODE = re.compile(
    r"(?<![\w/\-])(?:\p{Lu}{2,4}|\d{2,4}(?=-\d*\d\p{Lu}\d))-(?=(?:[A-Z]*\d){4})[A-Z\d]{5,12}"
    r"(?![\w/\-])"
)
# A boat's or vehicle's registration after a word for one: "Her number was WY 117", "she's
# registered CA 917".
_REGISTERED = re.compile(
    r"(?<=\b(?i:number|registered|registration|reg)(?:[ ]+(?i:is|was))?[ ]+)"
    r"(?-i:\p{Lu}{2,3})[ ]\d{2,4}(?![\w/]|[.,:]\d|[ ]\d)"
)
# Letters said in the phonetic alphabet, with figures, starting with a letter: a
# registration or a reference read out ("Yankee X-ray zero nine Kilo Lima Delta").
_PHONETIC_LETTER = "|".join(PHONETIC_ALPHABET)
_PHONETIC_WORD = rf"(?:{_PHONETIC_LETTER}|zero|oh|one|two|three|four|five|six|seven|eight"
_PHONETIC_WORD += r"|nine|niner|\d)"
_PHONETIC_RUN = re.compile(
    rf"(?i)(?<![\p{{L}}\p{{N}}\-])(?:{_PHONETIC_LETTER})"
    rf"(?:[ ,\-]+{_PHONETIC_WORD}){{3,}}(?![\p{{L}}\p{{N}}\-])"
)
MIN_PHONETIC_PIECES = 2  # letters, and figures
# Seven figures or more standing alone, no amount, time or phone number ("24397716"); nine
# or more when they start with 0 ("001739244518", a certificate's number), five or more
# after "00" ("00417", a payroll number).
_FIGURES_ALONE = re.compile(
    r"(?<![\w/.,:£$€\-])(?:[1-9]\d{6,11}|0\d{8,11}|00\d{3,7})(?![\w/]|[.,:]\d)"
)
# Figures and single letters apart by spaces after a word for someone's number, four
# figures or more, as typed in lower case ("my pin is 19 j 07 12 c").
_SPACED_CODE_GIVEN = re.compile(
    r"\b(?i:number|pin|ref|reference|id)(?i:[ ]+is|[ ]+was|[ ]+wis|['’]s|:)[ ]+"
    r"(?P<n>(?:\d{1,4}|(?![aAiI]\b)\p{L})(?:[ ](?:\d{1,4}|(?![aAiI]\b)\p{L})){2,9})"
    r"(?![\w/\-]|[ ]\w)"
)
MIN_SPACED_CODE_DIGITS = 4
# Consonants typed in lower case, then groups of figures, five or more, a little after a
# word for a reference ("my case ref ... its on all my letters, hsg 24 0613").
_LOWER_CODE = re.compile(
    rf"(?<![\w/\-])(?!{_CONSONANT_WORDS}\b)[b-df-hj-np-tv-xz]{{2,3}}[ ]?\d{{2,7}}"
    r"(?:[ ]\d{2,7}){0,3}(?![\w/\-]|[.,:]\d)"
)
MIN_LOWER_CODE_DIGITS = 5
ROUND_FIGURES = 3
# Four figures or more (no year) as a sentence of their own, a little after a word for a
# reference ("My prisoner number's on it. 143287. She wrote that down", "my clock number on
# the top like a parcel. 4471.").
_FIGURES_SENTENCE = re.compile(
    r"(?:(?<=[.:!?][ ]{1,2})|^)(?P<n>(?!(?:19|20)\d\d\b)[1-9]\d{3,11})(?=[ ]*(?:[.!?;]|$))",
    re.MULTILINE,
)
SENTENCE_CONTEXT_CHARS = 60
# Two groups of three or four figures a little after a word for a reference or a charity
# ("We're a registered charity in our own right. 1179 046").
_TWO_GROUPS = re.compile(r"(?<![\w/.,:£$€\-]|\d[ ])[1-9]\d{2,3}[ ]\d{3,4}(?![\w/]|[ ]\d|[.,:]\d)")
_CHARITY_OR_CASE = re.compile(r"(?i)\b(?:charity|registered|reference|ref|case|number)\b")
# Capitals and then figures, a little after a word for a code ("my staff code for the
# portal, that's SCWA 0419").
_CAPITALS_THEN_FIGURES = re.compile(
    r"(?<![\w/\-])\p{Lu}{2,4}[ ]\d{3,8}(?![\w/\-]|[ ]\d|[.,:]\d|[ ]of[ ]\d)"
)
_CODE_WORD = re.compile(r"(?i)\b(?:code|number|reference|ref)\b")
# Capitals and three digits or more read out, as a sentence of their own: a boat's or a
# car's registration, a collar number ("The Silver Dawn. KY three seven one. She was...").
_SAID_CODE_SENTENCE = re.compile(
    r"(?:(?<=[.!?][ ]{1,2})|^)(?!(?:OK|A|I)\b)\p{Lu}{1,3}"
    r"(?P<digits>(?:[ ,\-]+(?i:oh|zero|one|two|three|four|five|six|seven|eight|nine|double)){3,8})"
    r"(?=[ ]*(?:[.!?]|$))",
    re.MULTILINE,
)
# Capitals and figures as a sentence of their own a little after a word for a number
# ("hospital number up the top, D H four four seven one nine two. DH447192.").
_CODE_SENTENCE = re.compile(
    r"(?:(?<=[.:!?][ ]{1,2})|^)\p{Lu}{1,3}\d{4,8}(?=[ ]*(?:[.!?;]|$))", re.MULTILINE
)
# Five figures or more given back as "mine" or "his" after a word for a number, ending the
# clause ("you're known by your number in there. mine was 118824, i'll never forget it").
_FIGURES_GIVEN = re.compile(
    r"\b(?i:mine|his|hers|theirs)(?:[ ]+(?i:is|was)|['’]s)[ ]+(?P<n>[1-9]\d{4,11})"
    r"(?=[ ]*(?:[.,!?;]|$))",
    re.MULTILINE,
)
# A police officer's collar number after the rank ("PCSO 4417", "PC 2231"), the rank and
# name ("PC Grieve, 5512") or "collar" ("collar number 1147").
_COLLAR_NUMBER = re.compile(
    r"(?:(?<![\w])(?-i:PCSO|PC|WPC|DC|DS|Sgt)(?:[ ]+\p{Lu}\p{Ll}+[ ]*,)?"
    r"|\b(?i:collar|shoulder)(?:[ ]+(?i:number|no\.?))?)"
    r"[ ]+(?P<n>\d{2,6})\b(?![.,:/]\d)"
)
# Digits said one by one and joined by hyphens, perhaps after a letter and with "double"
# ("mine was seven-one-four", "A-double-four-seven-one").
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_HYPHENED_DIGITS = re.compile(
    r"(?i)(?<![\w\-])(?:(?-i:[A-Z])-(?:(?:double|treble)-)?"
    + _DIGIT_WORD
    + r"|(?:(?:double|treble)-)?(?:one|two|three|four|five|six|seven|eight|nine))"
    r"(?:-(?:(?:double|treble)-)?" + _DIGIT_WORD + r"){2,}(?![\w\-])"
)


class CaseReferenceRecognizer(SpokenPostcodeRecognizer):
    """A Home Office reference ("B1234567", "GWF012345678"), a prison number ("A1234BC"), a service
    number ("D193472K"), a Police National Computer number ("21/0193847Q"), any code of
    capitals and four figures or more ("93Y0618E"), seven figures or more standing alone
    ("24397716") or in groups ("47/312/8005", "CU-23-0447182"), a letter and figures after a
    word for a reference ("CRN X381526"), a police officer's collar number ("PCSO 4417") or
    a vehicle's or boat's registration ("YF09 KXR", "registered CA 917") as written, or in
    the phonetic alphabet with figures ("Yankee X-ray zero nine Kilo Lima Delta"), or read
    out after a word that introduces one ("my Home Office number, B, seven seven four zero
    two one nine", "A four four seven one D K"); any reference written with its parts apart
    by "/" or spaces after such a word ("case ref PT/24/0417", "crime reference ... NFRC23
    0418 7726") or digits said one by one and joined by hyphens ("check number, mine was
    seven-one-four"); and figures given as someone's number ("interpreter number is 40372",
    "interpreter ID is 70215") or as a sentence of their own after such a word ("My
    prisoner number's on it. 143287.") or given back as "mine" ("your number ... mine was
    118824, ...").

    Read out, the letter must begin the run of letters and numbers and the numbers must end
    it, so a letter before a phone number read out is no reference.
    """

    ENTITIES: ClassVar[tuple[str, ...]] = (CASE_REFERENCE,)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.85
    SHAPE: ClassVar[re.Pattern[str]] = _CASE_REFERENCE_SHAPE

    def find(self, text: str) -> Iterator[Hit]:
        hits = list(one_per_span(_with_letters_before(text, hit) for hit in self._references(text)))
        return one_per_span([*hits, *_codes_told_back(text, hits)])

    def _references(self, text: str) -> Iterator[Hit]:
        shaped = {m.span() for m in _CASE_REFERENCE.finditer(text)}
        for start, end in sorted(shaped):
            yield Hit(start, end, CASE_REFERENCE, self.SCORE)
        for m in _WRITTEN_REFERENCE.finditer(text):
            long = sum(c.isdigit() for c in m.group(0)) >= MIN_DASHED_DIGITS
            start = max(0, m.start() - WRITTEN_CONTEXT_CHARS)
            if long or (m.group(0)[0].isupper() and _CASE_CONTEXT.search(text, start, m.start())):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _SPACED_REFERENCE.finditer(text):
            if _CASE_CONTEXT.search(text, max(0, m.start() - SPACED_CONTEXT_CHARS), m.start()):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for pattern in (_NUMBER_IS, _COLLAR_NUMBER):
            for m in pattern.finditer(text):
                yield Hit(m.start("n"), m.end("n"), CASE_REFERENCE, self.SCORE)
        for m in _SPACED_CODE_GIVEN.finditer(text):
            pieces = m.group("n").split()
            figures = [p for p in pieces if p.isdigit()]
            if (
                len(figures) > 1
                and len(figures) < len(pieces)
                and sum(map(len, figures)) >= MIN_SPACED_CODE_DIGITS
            ):
                yield Hit(m.start("n"), m.end("n"), CASE_REFERENCE, self.SCORE)
        yield from self._shaped_codes(text)
        yield from self._phonetic(text)
        for m in _SHORT_CODE.finditer(text):
            # Or a little further after someone's own number ("my staff number's on all
            # our internal stuff, AH4471"); capitals, two groups of figures and capitals
            # need no word before them ("CA 4471 9082 LN").
            if (
                _FRAMED_CODE.fullmatch(m.group(0))
                or _CASE_CONTEXT.search(text, max(0, m.start() - WRITTEN_CONTEXT_CHARS), m.start())
                or _OWN_NUMBER.search(text, max(0, m.start() - NUMBER_WORD_CHARS), m.start())
            ):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _LOWER_CODE.finditer(text):
            enough = sum(c.isdigit() for c in m.group(0)) >= MIN_LOWER_CODE_DIGITS
            start = max(0, m.start() - SPACED_CONTEXT_CHARS)
            if enough and _CASE_CONTEXT.search(text, start, m.start()):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _MIXED_CODE.finditer(text):
            if m.span() not in shaped:
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _FIGURES_ALONE.finditer(text):
            if any(s <= m.start() and m.end() <= e for s, e in shaped):
                continue
            if len(m.group(0).rstrip("0")) > ROUND_FIGURES and not _uk_phone_digits(m.group(0)):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        yield from self._after_a_word_for_a_number(text)
        yield from super().find(text)

    def _after_a_word_for_a_number(self, text: str) -> Iterator[Hit]:
        """Figures that are a reference only a little after a word for one: digits joined
        by hyphens, two groups of figures, capitals and then figures, figures or capitals
        and figures as a sentence of their own, figures given back as "mine"; and capitals
        and digits read out as a sentence of their own, with no word before them."""
        for m in _HYPHENED_DIGITS.finditer(text):
            if _CASE_CONTEXT.search(text, max(0, m.start() - CASE_CONTEXT_CHARS), m.start()):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _TWO_GROUPS.finditer(text):
            years = all(_YEAR_GROUP.fullmatch(g) for g in m.group(0).split())
            before = max(0, m.start() - SENTENCE_CONTEXT_CHARS)
            if not years and _CHARITY_OR_CASE.search(text, before, m.start()):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _CAPITALS_THEN_FIGURES.finditer(text):
            figures = m.group(0).split()[1]
            before = max(0, m.start() - SENTENCE_CONTEXT_CHARS)
            if not _YEAR_GROUP.fullmatch(figures) and _CODE_WORD.search(text, before, m.start()):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _SAID_CODE_SENTENCE.finditer(text):
            digits = spoken_digits(m.group("digits").replace(",", " ").replace("-", " ").split())
            if digits is not None and len(digits) >= 3:
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _CODE_SENTENCE.finditer(text):
            start = max(0, m.start() - SENTENCE_CONTEXT_CHARS)
            if _NUMBER_WORD.search(text, start, m.start()):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for pattern, chars in (
            (_FIGURES_SENTENCE, SENTENCE_CONTEXT_CHARS),
            (_FIGURES_GIVEN, CASE_CONTEXT_CHARS),
        ):
            for m in pattern.finditer(text):
                figures = m.group("n")
                if len(figures.rstrip("0")) <= ROUND_FIGURES:
                    continue
                if _CASE_CONTEXT.search(text, max(0, m.start() - chars), m.start()):
                    yield Hit(m.start("n"), m.end("n"), CASE_REFERENCE, self.SCORE)

    def _shaped_codes(self, text: str) -> Iterator[Hit]:
        """Codes whose shape alone makes them a reference: figures in groups, characters
        read out one by one, groups of capitals and figures, capitals and figures apart by
        "/", a registration after "registered"."""
        for pattern in (
            _GROUPED_FIGURES,
            _SPACED_CHARACTERS,
            _GROUPED_CODE,
            _REGISTERED,
            _LETTERS_SPACE_FIGURES,
            _LETTER_SIX_FIGURES,
            _COURT_NUMBER,
            _DASHED_CODE,
        ):
            for m in pattern.finditer(text):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _SPACED_FIGURES.finditer(text):
            if not _uk_phone_digits(m.group(0).replace(" ", "")):  # the phone recognizer's
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _SPACED_GROUPS.finditer(text):
            groups = m.group(0).lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").split()
            digits = "".join(groups)
            dialled = _AFTER_COUNTRY_CODE.search(text, max(0, m.start() - 6), m.start())
            if (
                len(digits) >= MIN_GROUPED_DIGITS
                and max(map(len, groups)) >= 3
                and not _uk_phone_digits(digits)
                and not (dialled and _uk_phone_digits("0" + digits))
                and not all(_YEAR_GROUP.fullmatch(g) for g in groups)
                and not _SPACED_DATE.fullmatch(m.group(0))
            ):
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)
        for m in _SLASHED_CODE.finditer(text):
            if not _WRITTEN_REFERENCE.fullmatch(m.group(0)):  # that shape needs context
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)

    def _phonetic(self, text: str) -> Iterator[Hit]:
        """Letters in the phonetic alphabet and figures, two of each or more."""
        for m in _PHONETIC_RUN.finditer(text):
            words = re.findall(r"[\p{L}\p{N}]+(?:-ray)?", m.group(0).lower())
            letters = sum(w in PHONETIC_ALPHABET for w in words)
            if letters >= MIN_PHONETIC_PIECES and len(words) - letters >= MIN_PHONETIC_PIECES:
                yield Hit(m.start(), m.end(), CASE_REFERENCE, self.SCORE)

    def _spelt(self, text: str, run: Sequence[tuple[int, int, str]]) -> Iterator[Hit]:
        pieces = "".join(p for _, _, p in run)
        if len(run) < 5 or not self.SHAPE.fullmatch(pieces) or run[0][1] - run[0][0] != 1:
            return
        start, end = run[0][0], run[-1][1]
        if (
            text[start] in "aAiI"
            and not text.startswith(",", run[0][1])
            and not (text[start] == "A" and pieces[-1].isalpha())
        ):
            return  # "a" or "I" is a word unless set apart by a comma or letters end it
        if _CASE_CONTEXT.search(text, max(0, start - CASE_CONTEXT_CHARS), start):
            yield Hit(start, end, CASE_REFERENCE, self.SCORE)


# One piece of a reference read out: a word, or digits with any "/" between them ("0412/77").
_REFERENCE_PIECE = re.compile(r"(?<![\w'’/])(?:\d+(?:/\d+)*|\p{L}+)(?![\w'’/])")
_REFERENCE_SPLITS = frozenset({"slash", "stroke", "oblique", "dash"})


# A word for someone's own number, a little before digits read out: then five digits ("me
# number, would ye believe that. four eight seven one three"), or two or three letters and
# four, are enough.
_NUMBER_WORD = re.compile(r"(?i)\b(?:number|pin|badge|payroll|staff[ ]+no)\b")
NUMBER_WORD_CHARS = 80
MIN_GIVEN_DIGITS = 4
_COUNTING = "0123456789"


_FRAMED_CODE = re.compile(r"\p{Lu}{1,3}[ ]\d{4,7}[ ]\d{3,5}[ ]\p{Lu}{1,3}")
# Someone's own number: "my staff number", "your Home Office number", "her pin".
_OWN_NUMBER = re.compile(
    r"(?i)\b(?:my|me|his|her|your|our|their)[ ]+(?:[\p{L}'’]+[ ]+){0,2}?"
    r"(?:number|no|pin|badge|id)\b"
)


def _number_word_near(text: str, start: int) -> bool:
    return bool(_NUMBER_WORD.search(text, max(0, start - NUMBER_WORD_CHARS), start))


def _codes_told_back(text: str, hits: Sequence[Hit]) -> Iterator[Hit]:
    """A written code spelt back a little after it ("a4471dk ... a four four seven one d
    k"), as :func:`~qualkit.deid.recognizers.contact.told_back` finds a handle's."""
    for hit in hits:
        code = text[hit.start : hit.end]
        if " " in code or not (any(c.isdigit() for c in code) and any(c.isalpha() for c in code)):
            continue
        for start, _, _, end in told_back(text, code):
            if 0 <= start - hit.end <= TOLD_BACK_AFTER:
                yield Hit(start, end, CASE_REFERENCE, hit.score)


class SpokenReferenceRecognizer(QualkitRecognizer):
    """A reference of any other shape read out after a word that introduces one: one to
    three letters, then six to sixteen digits (five after two letters or three) in words or
    figures, perhaps split by
    "slash" or "stroke" ("the reference is CF 0412 stroke 77", "Number is P R F four four
    seven one nine two", "It's H, one one four seven, zero nine two six, slash, one").

    Letters of more than one are taken only in capitals, so an ordinary word ("is", "it")
    never starts one; a phone number, which starts with a digit, never does.
    """

    ENTITIES: ClassVar[tuple[str, ...]] = (CASE_REFERENCE,)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.8
    MIN_DIGITS: ClassVar[int] = 6
    # After two or three letters ("H L four four seven two one").
    MIN_DIGITS_AFTER_LETTERS: ClassVar[int] = 5
    MAX_DIGITS: ClassVar[int] = 16  # a bank card's number

    def find(self, text: str) -> Iterator[Hit]:
        found = [c for run in self._runs(text) for c in self._references(text, run)]
        # A reference read back needs no word before it ("He's saying H-four..."), with or
        # without the part after its "slash".
        given = {digits for _, digits, introduced in found if introduced}
        for hit, digits, introduced in found:
            if introduced or any(digits.startswith(g) or g.startswith(digits) for g in given):
                yield hit
        for run in _said_pieces(text):
            if _mixed_code(text, run):
                yield Hit(run[0][0], run[-1][1], CASE_REFERENCE, self.SCORE)

    @staticmethod
    def _runs(text: str) -> Iterator[list[re.Match[str]]]:
        run: list[re.Match[str]] = []
        for m in _REFERENCE_PIECE.finditer(text):
            kind = _reference_piece_kind(m.group(0))
            joined = bool(run) and DIGIT_GAP.fullmatch(text, run[-1].end(), m.start())
            if run and (kind is None or not joined):
                yield run
                run = []
            if kind is not None:
                run.append(m)
        if run:
            yield run

    def _references(self, text: str, run: list[re.Match[str]]) -> Iterator[tuple[Hit, str, bool]]:
        """Each reference in a run: its hit, its digits, and whether a word that introduces
        a reference comes before it."""
        kinds = [_reference_piece_kind(m.group(0)) for m in run]
        i = 0
        if kinds[0] == "digits":
            found = self._digits_alone(text, run, kinds)
            if found is not None:
                yield found
        while i < len(run):
            if kinds[i] != "letter":
                i += 1
                continue
            j, letters = i, 0
            while j < len(run) and kinds[j] == "letter" and letters < 3:
                letters += len(run[j].group(0))
                j += 1
            k = j
            while k < len(run) and kinds[k] in ("digits", "split"):
                k += 1
            while k > j and kinds[k - 1] == "split":
                k -= 1
            # A check letter after the digits ("NRM 0044172 B", "SMF stroke 0088 stroke K").
            tail = _check_letter_at(run, kinds, k)
            found = self._hit(text, run[i:j], run[j:k], letters, tail)
            if found is not None:
                yield found
                i = k
            else:
                i += 1

    def _digits_alone(
        self, text: str, run: list[re.Match[str]], kinds: list[str | None]
    ) -> tuple[Hit, str, bool] | None:
        """Seven or more digits read out one by one, no phone number, after a word that
        introduces a reference or a soldier's rank ("Halloran, Private, two four nine three
        seven one five eight"), or said in figures in the same text too ("24397716. Two
        four three nine ...", "08/412/0036 ... zero eight stroke four one two ..."), or
        twelve or more with no word before them."""
        k = 0
        while k < len(run) and kinds[k] in ("digits", "split"):
            k += 1
        while k and kinds[k - 1] == "split":
            k -= 1
        words = [m.group(0) for m in run[:k] if m.group(0).lower() not in _REFERENCE_SPLITS]
        said = sum(1 for w in words if not w.isdigit())
        if said < MIN_READ_BACK_WORDS:
            return None
        start = run[0].start()
        # Someone's own number may be four digits: "my works number every time, four four
        # seven one".
        own = _OWN_NUMBER.search(text, max(0, start - NUMBER_WORD_CHARS), start) is not None
        least = MIN_GIVEN_DIGITS if own else MIN_READ_BACK
        digits = spoken_digits(words)
        if digits is None or not least <= len(digits) <= self.MAX_DIGITS:
            return None
        written = _written(text, digits)
        if said < MIN_SPOKEN_DIGIT_WORDS and not (written or (own and said >= least)):
            return None  # in fewer words only read back: "EL-20317 ... Twenty, three, one, seven"
        if len(words) < k and not written:
            return None  # split by "stroke": only a reference read back from its figures
        if digits[0] == "0" and not written and not (own and _NOT_A_PHONE.fullmatch(digits)):
            return None  # a phone number, or the start of one, begins with 0
        rest = spoken_digits(words[1:])
        if words[0].lower() == "one" and rest is not None and rest.startswith("0") and not written:
            return None  # "this one, oh seven seven ...": a word before a phone number
        if digits in _COUNTING:
            return None  # "one two three four five": counting
        before = text[max(0, start - CASE_CONTEXT_CHARS) : start]
        if len(digits) < MIN_ALONE_DIGITS and not (written or _number_word_near(text, start)):
            return None
        # ...digit by digit: "one thousand four hundred" says no twelve digits
        one_by_one = len(digits) == sum(len(w) if w.isdigit() else 1 for w in words)
        long = one_by_one and len(digits) >= MIN_UNINTRODUCED_DIGITS
        if not (long or written or _CASE_CONTEXT.search(before) or _RANK_BEFORE.search(before)):
            return None
        tail = _check_letter_at(run, kinds, k)
        end = (tail or run[k - 1]).end()
        return Hit(start, end, CASE_REFERENCE, self.SCORE), digits, True

    def _hit(
        self,
        text: str,
        letters: list[re.Match[str]],
        numbers: list[re.Match[str]],
        n_letters: int,
        tail: re.Match[str] | None = None,
    ) -> tuple[Hit, str, bool] | None:
        if not numbers or n_letters > 3:
            return None
        first = letters[0]
        if first.group(0) in ("a", "A", "i", "I") and not text.startswith(",", first.end()):
            return None  # "a" or "I" is a word unless set apart by a comma
        digits = ""
        chunk: list[str] = []
        for m in [*numbers, None]:
            word = None if m is None else m.group(0)
            if word is not None and word.lower() not in _REFERENCE_SPLITS:
                chunk.append(word.replace("/", ""))
                continue
            said = spoken_digits(chunk) if chunk else ""
            if said is None:
                return None
            digits += said
            chunk = []
        letters_said = "".join(m.group(0) for m in letters).upper()
        written = _written(text, digits, letters_said)
        least = self.MIN_DIGITS if n_letters < 2 else self.MIN_DIGITS_AFTER_LETTERS
        if n_letters >= 2 and _number_word_near(text, first.start()):
            least = MIN_GIVEN_DIGITS  # "me badge number off by heart, PH nought four one seven"
        least = MIN_READ_BACK_WITH_LETTERS if written else least
        if not least <= len(digits) <= self.MAX_DIGITS:
            return None
        start, end = first.start(), (tail or numbers[-1]).end()
        # Split by "slash", a reference may come a turn after the word that asked for it.
        split = any(m.group(0).lower() in _REFERENCE_SPLITS for m in numbers)
        reach = SPLIT_CONTEXT_CHARS if split else CASE_CONTEXT_CHARS
        introduced = bool(_CASE_CONTEXT.search(text, max(0, start - reach), start))
        # Read back from the figures: "It is K 2097731. K, two, zero, nine, ..."
        introduced = introduced or written
        return Hit(start, end, CASE_REFERENCE, self.SCORE), digits, introduced


def _written(text: str, digits: str, letters: str = "") -> bool:
    """Whether a reference read out is written in figures in the text too ("41926",
    "K 2097731", "08/412/0036")."""
    head = rf"{re.escape(letters)}[ ]?" if letters else ""
    joined = _BETWEEN_FIGURES.sub("", text)
    return re.search(rf"(?<![\w]){head}{digits}(?!\d)", joined) is not None


_BETWEEN_FIGURES = re.compile(r"(?<=\d)[/\-](?=\d)")


# A code read out whose letters and figures take turns three times or more ("W K 7, 3 P X,
# 9 R N", a share code): no postcode, National Insurance number or word spelt out.
MIN_MIXED_CODE = 8
MAX_MIXED_CODE = 16
MIN_MIXED_TURNS = 3


def _mixed_code(text: str, run: Sequence[tuple[int, int, str]]) -> bool:
    # "o" among figures is a zero ("o seven seven o o, nine o o")
    said = "".join("0" if piece == "O" else piece for _, _, piece in run)
    if not MIN_MIXED_CODE <= len(said) <= MAX_MIXED_CODE:
        return False
    letters = sum(c.isalpha() for c in said)
    if letters < 2 or len(said) - letters < 2:
        return False
    if any(text[start:end] in ("a", "i", "I") for start, end, _ in run):
        return False  # "a" or "I" is a word
    turns = sum(a.isalpha() != b.isalpha() for a, b in itertools.pairwise(said))
    return turns >= MIN_MIXED_TURNS


def _check_letter(word: str) -> bool:
    """Whether a word is one capital letter, as ends some references."""
    return len(word) == 1 and word.isupper() and word not in "AI"


def _check_letter_at(
    run: list[re.Match[str]], kinds: list[str | None], k: int
) -> re.Match[str] | None:
    """The check letter that ends a reference at ``run[k]``, perhaps after a "stroke"."""
    if k < len(run) and kinds[k] == "split":
        k += 1
    return run[k] if k < len(run) and _check_letter(run[k].group(0)) else None


def _reference_piece_kind(word: str) -> str | None:
    """What one word of a reference read out is: "letter" (one letter, or two or three
    capitals), "digits", "split" ("slash", "stroke"), or None."""
    if word.lower() in _REFERENCE_SPLITS:
        return "split"
    if word[0].isdigit() or is_spoken_digit_word(word):
        return "digits"
    if len(word) == 1 or (len(word) <= 3 and word.isupper()):
        return "letter"
    return None


def _postcode_piece(word: str) -> str | None:
    """What one spoken word adds to a postcode: a capital letter or digits; None if it
    cannot be part of one."""
    if len(word) == 1:
        return word.upper() if word.isalpha() else word
    if word.isdigit():
        return word
    if word.lower() in ZERO_WORDS:
        return "0"
    value = number_value(word)
    return str(value) if value is not None and value < 100 else None


class QualkitUkNinoRecognizer(UkNinoRecognizer):
    """National Insurance numbers with or without spaces (AB 12 34 56 C, AB123456C).

    Any two letters are accepted: a number misremembered or misheard with a prefix that is
    never issued still identifies its owner to anyone who has the real one.
    """

    def __init__(self, context: RecognizerContext | None = None) -> None:
        super().__init__(patterns=list(_NINO_PATTERNS), name=type(self).__name__)


_NHS = re.compile(r"(?<![\d+])\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b(?![ \-]?\d)")
# Words for a health service number: NHS, Northern Ireland's Health and Care number,
# Scotland's CHI number.
_NHS_CONTEXT = re.compile(
    r"(?i)\bnhs\b|\bhealth[ ]+number\b|\bhealth[ ]+(?:and|&)[ ]+care[ ]+number\b"
    r"|(?-i:\bH[ ]?&[ ]?C\b|\bCHI\b)"
)
NHS_CONTEXT_CHARS = 80


def nhs_checksum_ok(number: str) -> bool:
    """Whether ten digits pass the NHS modulus-11 check."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


class QualkitNhsRecognizer(QualkitRecognizer):
    """NHS numbers (3-3-4 digits): those that pass the modulus-11 check, and any such
    number said just after "NHS" (a misremembered number still identifies); and any ten
    digits read out in words that are no phone number ("four eight five, seven seven seven,
    three oh two nine")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (UK_NHS,)
    RANK: ClassVar[int] = 8

    def find(self, text: str) -> Iterator[Hit]:
        for run in _digit_runs(text):
            if not all(m.group(0).isdigit() for m in run):
                digits = spoken_digits([m.group(0) for m in run])
                # Ten digits read out that are no phone number are a number that
                # identifies someone, whether or not it passes the check.
                if digits is not None and len(digits) == 10 and not _uk_phone_digits(digits):
                    score = 1.0 if nhs_checksum_ok(digits) else 0.7
                    yield Hit(run[0].start(), run[-1].end(), UK_NHS, score)
        for m in _NHS.finditer(text):
            if nhs_checksum_ok(m.group(0)):
                yield Hit(m.start(), m.end(), UK_NHS, 1.0)
            elif _NHS_CONTEXT.search(text, max(0, m.start() - NHS_CONTEXT_CHARS), m.start()):
                yield Hit(m.start(), m.end(), UK_NHS, 0.8)


# Possible misses -----------------------------------------------------------------------

# Figures, perhaps with letters, "/" or "-", and single letters apart by spaces: a code
# someone gave ("19 j 07 12 c", "WX 4471 09"); no amount, time or decimal.
_LOOSE_CODE = re.compile(
    r"(?<![\w£$€:.,/\-])\p{L}{0,4}\d[\p{L}\d/\-]*"
    r"(?:[ ](?:(?![aAiI]\b)\p{L}|\p{L}{0,4}\d[\p{L}\d/\-]*)"
    r"(?![\w/\-]))*(?![\w:/\-]|[.,]\d)"
)
# Fewer figures are a count, an amount or a year as often as anyone's number.
MIN_POSSIBLE_FIGURES = 5


def possible_numbers(text: str) -> list[tuple[int, int]]:
    """Where figures or digits said one by one could still be someone's number: a code of
    five figures or more ("19 j 07 12 c", "40 3382 17"), not years alone, or six digits
    or more read out ("zero five six, two nine one"). For a reviewer's list: the
    recognizers mask what has the shape or the words around it of a number."""
    out = []
    for m in _LOOSE_CODE.finditer(text):
        groups = m.group(0).split()
        if sum(c.isdigit() for c in m.group(0)) < MIN_POSSIBLE_FIGURES:
            continue
        if all(_YEAR_GROUP.fullmatch(g) or g.isalpha() for g in groups):
            continue
        out.append(m.span())
    out.extend(dictated_runs(text))
    return out
