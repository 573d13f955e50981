"""Street addresses, street names, estates and named blocks of flats."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import regex as re
from spacy.lang.en.stop_words import STOP_WORDS

from qualkit.deid.recognizers.base import (
    CAP,
    CLAUSE_END,
    NAME_ARTICLES,
    Hit,
    QualkitRecognizer,
    at_sentence_start,
    compile_words,
)
from qualkit.deid.spans import LOCATION, STREET_ADDRESS
from qualkit.deid.words import (
    BUILDING_SUFFIXES,
    ESTATE_WORDS,
    LOWER_STREET_SUFFIXES,
    NON_NAME_CAPS,
    NUMBER_WORDS,
    STREET_PREFIXES,
    STREET_SUFFIXES,
    TRANSCRIPT_WORDS,
    UNITS,
)

# Words that make a capitalised phrase generic rather than a name ("Crown Court").
GENERIC_PLACE_WORDS: frozenset[str] = frozenset(
    [
        "crown",
        "county",
        "family",
        "magistrates",
        "magistrate",
        "town",
        "city",
        "youth",
        "high",
        "main",
        "royal",
        "civic",
        "community",
        "council",
        "housing",
        "local",
        "new",
        "old",
        "north",
        "south",
        "east",
        "west",
        "central",
        "the",
        "a",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "same",
        "other",
        "next",
        "big",
        "little",
        "whole",
    ]
)

_STREET_SUFFIX = compile_words(STREET_SUFFIXES)
_BUILDING_SUFFIX = compile_words(BUILDING_SUFFIXES)
_ESTATE = compile_words(ESTATE_WORDS)
_NAME_RUN = rf"(?:(?:St\.?|Saint)[ ]+)?{CAP}(?:[ ]+(?:{CAP}|&|and|of|de|la|le))*?"
_LOWER_NAME = r"\p{Ll}[\p{Ll}'’\-]{2,}"
# A flat's number may give its floor and door, as in Scotland: "flat 2/1", "2 stroke 1",
# "flat 2F1" (Edinburgh: second floor, flat 1), or stand alone before the house number
# ("2/1, 17 Braehead Gardens").
_FLAT_NUMBER = r"(?:\d{1,2}F\d{1,2}|\d{1,4}[A-Za-z]?)(?:[ ]*(?:/|(?i:stroke|slash))[ ]*\d{1,2})?"
_NUMBER = (
    rf"(?:(?:(?i:flat|unit|apartment|apt|room|pitch|plot|no\.?|number)[ ]+{_FLAT_NUMBER},?[ ]+"
    r"|\d{1,2}/\d{1,2},[ ]+)?"
    r"\d{1,4}[A-Za-z]?(?:[ ]?[-/][ ]?\d{1,4}|[ ]+(?i:to)[ ]+\d{1,4}[A-Za-z]?)?,?"
    rf"|(?i:flat|unit|apartment|apt|number|no\.?)[ ]+{_FLAT_NUMBER},?)"
)
# What an address or a capitalised name can start with: a digit, a capital letter or the
# first letter of "flat", "unit", "apartment", "room", "no", "number" (a look-ahead that
# changes no match, but lets the search skip every other position at once).
_PLACE_START = r"(?=[\p{Lu}\dfuarn])"

_STREET_CAP = re.compile(
    rf"{_PLACE_START}(?P<num>{_NUMBER}[ ]+)?(?P<name>{_NAME_RUN})[ ]+"
    rf"(?P<suffix>(?i:{_STREET_SUFFIX}))\b\.?(?!['’]?\w)"
)
_STREET_LOWER = re.compile(
    rf"\b(?P<name>{_LOWER_NAME})[ ]+(?P<suffix>{_STREET_SUFFIX}|{_BUILDING_SUFFIX})\b(?!['’]?\w)"
)
_LOWER_UNAMBIGUOUS = frozenset(LOWER_STREET_SUFFIXES)
# An object after a street's kind in lower case, which makes it a verb ("drive the bus").
_OBJECT_AFTER = re.compile(r"(?i)[ ]+(?:the|a|an|my|your|his|her|our|their|me|him|us|them|it)\b")
_PLACE_PREPOSITION = re.compile(r"(?i)\b(?:on|off|along|down|up|in|at|near|by|from)[ ]+$")
_NOT_STREET_NAMES = frozenset(
    [
        "main",
        "high",
        "back",
        "side",
        "same",
        "next",
        "other",
        "busy",
        "quiet",
        "long",
        "new",
        "old",
        "wrong",
        "right",
        "whole",
        "little",
        "big",
        "one",
        "first",
        "last",
        "private",
    ]
)
_WORD_BEFORE = re.compile(rf"(?P<word>{_LOWER_NAME})[ ]+$")
_NUMBER_BEFORE = re.compile(rf"(?i:{_NUMBER})[ ]+$")
_HOUSE_NUMBER_BEFORE = re.compile(r"(?<![\d.,:£$])\b\d{1,4}[a-z]?[ ]+$")
_FIRST_WORD = re.compile(r"\p{L}+")
_NOT_A_STREET_AFTER = re.compile(r"(?i)[ ]+(?:tax|trip|rage|works|safety|test|sign|signs)\b")
# A postcode after a street, with a town of up to three words between: "14 kingfisher
# close, bideford, ex39 3qf".
_POSTCODE_AFTER = re.compile(
    r",?[ ]+(?:[\p{L}\-]+,?[ ]+){0,3}?"
    r"[A-Za-z]{1,2}\d[A-Za-z\d]?[ ]?\d[A-Za-z]{2}(?![\p{L}\p{N}])"
)
# A house or flat number said in words, as a transcriber may write it: "nineteen Morvah
# Terrace", "flat three, nineteen ...", "number eleven, Wheal Tamsyn Close", "four B
# Quarrybank Road".
_NUMBER_WORD = "|".join(
    [*sorted((w for w in NUMBER_WORDS if w.isalpha()), key=len, reverse=True), "hundred"]
)
_SAID_NUMBER = rf"(?:{_NUMBER_WORD})(?:(?:[ -]|[ ]and[ ])(?:{_NUMBER_WORD})){{0,3}}"
_SAID_NUMBER_BEFORE = re.compile(
    rf"\b(?i:(?:(?:flat|unit|apartment|room|number|no\.?)[ ]+{_SAID_NUMBER},?[ ]+)?"
    rf"(?<!\b(?:at|about|around|till|until|past|after|before)[ ]){_SAID_NUMBER}"
    rf"|(?:flat|unit|apartment|number|no\.?)[ ]+{_SAID_NUMBER})(?:[ ](?-i:[A-H]))?,?[ ]+$"
)

# "Number 23 whin fell close", "flat 4 19 cran leigh road", "number nine ferry a close": a
# house or flat number, then a street of up to three words in any case (a misheard one
# may hold "a"), then its suffix.
_NUMBERED_STREET = re.compile(
    rf"\b(?i:(?:number|no\.?|flat)[ ]+(?:\d{{1,4}}[a-z]?|{_SAID_NUMBER}),?"
    rf"(?:[ ]+(?:\d{{1,4}}[a-z]?|{_SAID_NUMBER}),?)?)"
    r"(?P<words>(?:[ ]+(?:[\p{L}][\p{L}'’\-]+|a)){1,3}?)"
    rf"[ ]+(?i:{_STREET_SUFFIX})\b(?!['’]?\w)"
)
_IN_A_STREET_NAME = frozenset(["a", "y", "yr"])

# A street word of Welsh, Irish or Gaelic before the street's name, with its article:
# "27 Heol Sirhowy", "43 heol y glyn", "Bóthar na Trá".
_PREFIXED_STREET = re.compile(
    rf"\b(?P<prefix>(?i:{compile_words(STREET_PREFIXES)}))[ ]+"
    rf"(?P<name>(?:(?i:y|yr|an|na|'r)[ ]+)?(?:{CAP}|{_LOWER_NAME})(?:[ ]+{CAP})?)\b"
)
# A unit's number before the name of the place it is in: "pitch 14, nant y fedw",
# "Caravan 14, Moorside Park", "room 12, the wyke foyer", "Flat 9, Ashgrove", "flat
# sixty-two, Cranmer Tower", "flat 6, 31 Rowan Bank", "flat number 9, Beechfield Court".
_UNIT_IN_PLACE = re.compile(
    r"\b(?:(?i:flat|unit|apartment|apt|room|pitch|plot|berth|caravan|chalet)[ ]+"
    rf"(?:(?i:number|no\.?)[ ]+)?{_FLAT_NUMBER}"
    rf"|(?i:flat|apartment)[ ]+(?:(?i:number|no\.?)[ ]+)?(?i:{_SAID_NUMBER})),[ ]+"
    r"(?P<house>\d{1,4}[A-Za-z]?[ ]+)?"
    rf"(?:(?i:the)[ ]+)?(?P<name>(?:{CAP}|{_LOWER_NAME})(?:[ ]+(?:{CAP}|{_LOWER_NAME}"
    rf"|{'|'.join(NAME_ARTICLES)}|['’]r|of|on)){{0,4}})"
)
_NAME_ARTICLES = frozenset([*NAME_ARTICLES, "'r", "’r"])
# A flat's number on its own, after a preposition or a comma or as "Flat": "Gaz, flat a
# hundred and one, he's", "in flat 4", "It's flat 4.", "And flat 12.", "Put it through flat
# twelve."; not a length of time or a count ("a flat two years ago", "flat 3 bed"). (The
# look-ahead for its first letter spares the look-behind at every other place in the text.)
_FLAT_ALONE = re.compile(
    r"(?=[fFaA])"
    r"(?:(?<=(?:^|[,;:.(]|\b(?i:in|at|to|from|of|into|outside|opposite|through|past|behind|above"
    r"|below|it['’]?s|and)|\n)[ ]*)"
    r"(?i:flat|apartment)"
    r"|(?<![\p{L}'’])Flat)"
    rf"[ ]+(?P<num>\d{{1,4}}[A-Za-z]?|(?i:(?:a[ ]+)?{_SAID_NUMBER}))(?![\p{{L}}\p{{N}}\-])"
    # ...the whole address when a house number or a name follows ("flat 3, 27 Heol ...")
    rf"(?![ ]*,?[ ]*(?:\d|\p{{Lu}}|(?i:{_SAID_NUMBER})\b)|[ ]*(?:/|(?i:stroke|slash)\b))"
    r"(?![ ]*(?:-[ ]*)?(?i:years?|weeks?|months?|days?|bed|beds|bedroom|bedrooms|rooms?|floors?"
    r"|doors?|of|people|quid|pounds|grand|times|minutes|hours|miles|storey|stories)\b)"
)
# A room, bed or pitch by its number in a hostel, a ward or on a site: "he was in room 11",
# "bed 7 on Ward 4", "side room 3", "bed six on Heron"; not a meeting room or a count
# ("room 3 beds").
_ROOM_NUMBER = re.compile(
    r"(?<![\p{L}'’\-])(?<!\b(?i:meeting|interview|waiting|consulting|consultation|training"
    r"|function|board|class|dining|living|treatment|visits|visiting|therapy|staff|quiet"
    r"|family|counselling|group|ensuite|en-suite|spare|box|store)[ ]+)"
    r"(?i:(?:side[ ]+)?room|bed|bay|pitch|plot|cell)[ ]+(?:(?P<num>\d{1,3}[A-Za-z]?)"
    r"(?![\p{L}\p{N}\-/]|[.,:]\d)"
    r"(?![ ]*(?:-[ ]*)?(?i:years?|weeks?|months?|days?|nights?|beds?|bedrooms?|rooms?|floors?"
    r"|doors?|people|quid|pounds|times|minutes|hours|miles|am|pm)\b)"
    # ...or in words, ending the phrase or before a word that says where or when ("bed six
    # on Heron", "room nine, top floor", "pitch twenty-two,"; not "room two doors down", "a
    # room one family", "reading the room twenty-four seven").
    rf"|(?!(?i:twenty[ \-]four[ \-]seven))(?P<word>(?i:{_SAID_NUMBER}))(?![\p{{L}}\-])"
    r"(?=[ ]*[,.;:!?)]|[ ]+(?i:on|in|at|upstairs|downstairs|when|was|is|had|has|who|with)\b))"
)
# A road by its number after "the" ("a lay-by on the A6", "on the m62", "where we are, the
# M11", "a lay-by on the B1105") or before a word for a road ("the A56 road"); not a size of
# paper or a form ("the A4 paper", "the A1 form").
_ROAD_NUMBER = re.compile(
    r"(?<=\b(?i:the)[ ]+)(?:(?:[AM]|[am](?=\d+\b))\d{1,4}|[Bb]\d{3,4})(?:\(M\))?\b(?![.,:/]\d)"
    r"(?![ ]+(?i:paper|sheet|sheets|size|envelope|leaflet|leaflets|poster|page|pages|form"
    r"|forms|grade|grades|level|levels)\b)"
    r"|(?<![\p{L}\p{N}])(?:[AM]\d{1,4}|B\d{3,4})(?:\(M\))?"
    r"(?=[ ]+(?i:road|motorway|junction|slip[ ]+road)\b)"
)
# An airport's terminal, where someone sleeps: "Terminal 4", "terminal two".
_TERMINAL = re.compile(
    r"\b(?:Terminal|terminal)[ ]+(?:[1-9]|one|two|three|four|five)(?![\p{L}\p{N}])"
)
# A house number after the street: "Samphire Close, number nine".
_NUMBER_AFTER = re.compile(
    rf",?[ ]+(?i:number|no\.?)[ ]+(?:\d{{1,4}}[A-Za-z]?\b|(?i:{_SAID_NUMBER})\b)"
)

# ...and before the number: "number 9, Lowen Terrace".
_NUMBER_WORD_BEFORE = re.compile(r"\b(?i:number|no\.?)[ ]+$")


def _with_number_word(text: str, start: int) -> int:
    """Where an address that starts with its house number starts, with "number" before."""
    m = _NUMBER_WORD_BEFORE.search(text, max(0, start - 10), start)
    return m.start() if m else start


_ESTATE_CAP = re.compile(rf"(?P<name>{_NAME_RUN})[ ]+(?P<suffix>(?i:{_ESTATE}))\b")
_ESTATE_LOWER = re.compile(rf"\b(?P<name>{_LOWER_NAME})[ ]+(?P<suffix>{_ESTATE})\b")
_BUILDING_CAP = re.compile(
    rf"{_PLACE_START}(?P<num>{_NUMBER}[ ]+)?(?P<name>{_NAME_RUN})[ ]+"
    rf"(?P<suffix>(?i:{_BUILDING_SUFFIX}))\b(?!['’]?\w)"
)


class _PlaceBase(QualkitRecognizer):
    """Shared test: is the name part of a place phrase a real name?"""

    def name_start(self, text: str, start: int, end: int) -> int | None:
        """Where the name really begins (leading stop words dropped), or None."""
        words = list(re.finditer(r"[^ ]+", text[start:end]))
        i = 0
        while i < len(words):
            w = words[i].group(0).lower().rstrip(".")
            if (w in STOP_WORDS or w in NON_NAME_CAPS) and not self._number_opens_name(
                text, start + words[i].start(), i + 1 < len(words)
            ):
                i += 1
                continue
            break
        if i >= len(words):
            return None
        kept = words[i:]
        new_start = start + kept[0].start()
        # "The Zephyrholt Project" inside a sentence: the capital "The" is part of the name.
        the = words[i - 1] if i > 0 else None
        with_the = None
        if (
            the is not None
            and the.group(0) == "The"
            and not at_sentence_start(text, start + the.start())
        ):
            with_the = start + the.start()
        tokens = [w.group(0).rstrip("'’s").lower() for w in kept]
        if all(t in GENERIC_PLACE_WORDS for t in tokens):
            return None
        evidence = any(not self.ctx.lexicon.is_common(t) for t in tokens)
        if not evidence and at_sentence_start(text, new_start):
            return None
        return with_the if with_the is not None else new_start

    @staticmethod
    def _number_opens_name(text: str, start: int, more: bool) -> bool:
        """Whether a number word in capitals begins a name: inside a sentence and before
        more of the name ("the Six Mile Water Centre")."""
        word = _FIRST_WORD.match(text, start)
        return (
            more
            and word is not None
            and word.group(0)[0].isupper()
            and word.group(0).lower() in NUMBER_WORDS
            and not at_sentence_start(text, start)
        )

    def lower_name_start(self, text: str, start: int, word: str) -> int | None:
        """For a lower-case place name: its start, if its words are not English words."""
        if self.ctx.lexicon.is_known(word):
            return None
        before = _WORD_BEFORE.search(text, max(0, start - 30), start)
        if before and not self.ctx.lexicon.is_known(before.group("word")):
            return before.start()
        return start


# An address given with the house's name before its number: "the address is the old forge, 3
# mill terrace", "address: Bryn Awel, 12 Heol y Nant".
_HOUSE_NAME_BEFORE = re.compile(
    r"(?i)\baddress(?:[ ]+(?:is|was)|['’]s|:)?,?[ ]+"
    r"(?P<house>\p{L}[\p{L}'’\-]*(?:[ ]+\p{L}[\p{L}'’\-]*){0,3}),[ ]*$"
)
HOUSE_NAME_CHARS = 60


def _with_house_name(text: str, hit: Hit) -> Hit:
    """``hit`` (a street address) with the house's name given before it, if any."""
    m = _HOUSE_NAME_BEFORE.search(text, max(0, hit.start - HOUSE_NAME_CHARS), hit.start)
    if m is None:
        return hit
    words = m.group("house").lower().split()
    if all(w in STOP_WORDS or w in TRANSCRIPT_WORDS for w in words):
        return hit  # "the address is, um, 3 Mill Terrace"
    if (words[0] in STOP_WORDS and words[0] != "the") or "address" in words:
        return hit  # "my address, my old address, flat 3, ...", "as his gran's, 41 ..."
    return Hit(m.start("house"), hit.end, hit.entity, hit.score)


class StreetRecognizer(_PlaceBase):
    """Street names ("Coldharbour Lane") and, with a house number, street addresses."""

    ENTITIES: ClassVar[tuple[str, ...]] = (LOCATION, STREET_ADDRESS)
    RANK: ClassVar[int] = 15
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        seen: set[tuple[int, int, str]] = set()
        for hit in self._find(text):
            if hit.entity == STREET_ADDRESS:
                hit = _with_house_name(text, hit)
            key = (hit.start, hit.end, hit.entity)
            if key not in seen:
                seen.add(key)
                yield hit

    def _find(self, text: str) -> Iterator[Hit]:
        for m in _STREET_CAP.finditer(text):
            if m.group("suffix").islower() and _OBJECT_AFTER.match(text, m.end("suffix")):
                continue  # a verb with its object: "Mi drive the bus", "we walk it"
            name_start = self.name_start(text, m.start("name"), m.end("name"))
            if name_start is None:
                continue
            end = m.end("suffix")
            if m.group("num") and name_start == m.start("name"):
                yield Hit(_with_number_word(text, m.start("num")), end, STREET_ADDRESS, 0.85)
                continue
            said = _SAID_NUMBER_BEFORE.search(text, max(0, name_start - 60), name_start)
            after = _NUMBER_AFTER.match(text, end)
            if said:
                yield Hit(said.start(), end, STREET_ADDRESS, 0.8)
            elif after:
                yield Hit(name_start, after.end(), STREET_ADDRESS, 0.8)
            else:
                yield Hit(name_start, end, LOCATION, self.SCORE)
        for m in _NUMBERED_STREET.finditer(text):
            words = m.group("words").lower().split()
            if not any(w in STOP_WORDS and w not in _IN_A_STREET_NAME for w in words):
                yield Hit(m.start(), m.end(), STREET_ADDRESS, 0.8)
        yield from self._prefixed(text)
        yield from self._units(text)
        for pattern in (_ROAD_NUMBER, _TERMINAL):
            for m in pattern.finditer(text):
                yield Hit(m.start(), m.end(), LOCATION, 0.7)
        for m in _STREET_LOWER.finditer(text, overlapped=True):
            start = self.lower_name_start(text, m.start("name"), m.group("name"))
            if start is None:
                if not self._known_word_street(text, m):
                    continue
                start = m.start("name")
            num = _NUMBER_BEFORE.search(text, max(0, start - 30), start)
            said = None if num else _SAID_NUMBER_BEFORE.search(text, max(0, start - 60), start)
            if num:
                num_start = _with_number_word(text, num.start())
                yield Hit(num_start, m.end("suffix"), STREET_ADDRESS, 0.7)
            elif said:
                # "flat two, forty one ashcombe road"
                yield Hit(said.start(), m.end("suffix"), STREET_ADDRESS, 0.7)
            else:
                yield Hit(start, m.end("suffix"), LOCATION, 0.6)

    def _known_word_street(self, text: str, m: re.Match[str]) -> bool:
        """Whether a dictionary word before a street's kind in lower case names a street:
        right after a preposition ("it's on pardoner street"), after a house number in
        figures ("148 borough road"; with a kind that is also a word, a word that is not
        common, ending the clause: "12 ferryman close, its nice"), or with a house number
        before and a postcode after."""
        word = m.group("name").lower()
        if word in STOP_WORDS:
            return False
        suffix = m.group("suffix").lower()
        before = max(0, m.start() - 30)
        numbered = _HOUSE_NUMBER_BEFORE.search(text, before, m.start()) is not None
        if suffix in _LOWER_UNAMBIGUOUS and word not in _NOT_STREET_NAMES:
            if not self.ctx.lexicon.is_common(word) and _PLACE_PREPOSITION.search(
                text, max(0, m.start() - 8), m.start()
            ):
                return True
            if (
                numbered
                and word not in UNITS
                and not _NOT_A_STREET_AFTER.match(text, m.end("suffix"))
            ):
                return True
        if numbered and _POSTCODE_AFTER.match(text, m.end("suffix")):
            return True
        return (
            numbered
            and word not in UNITS
            and word not in _NOT_STREET_NAMES
            and not self.ctx.lexicon.is_common(word)
            and CLAUSE_END.match(text, m.end("suffix")) is not None
        )

    def _prefixed(self, text: str) -> Iterator[Hit]:
        """Streets named after a Welsh, Irish or Gaelic street word."""
        for m in _PREFIXED_STREET.finditer(text):
            last = m.group("name").split()[-1]
            if last.islower() and self.ctx.lexicon.is_common(last):
                continue
            num = _NUMBER_BEFORE.search(text, max(0, m.start() - 30), m.start())
            if num is None:  # "Flat two, eleven Heol y Bryniau"
                num = _SAID_NUMBER_BEFORE.search(text, max(0, m.start() - 60), m.start())
            if num:
                yield Hit(num.start(), m.end("name"), STREET_ADDRESS, 0.85)
            else:
                yield Hit(m.start("prefix"), m.end("name"), LOCATION, 0.75)

    def _units(self, text: str) -> Iterator[Hit]:
        """A flat's, room's or pitch's number with the name of the place it is in, up to
        the first ordinary word ("room 12, the wyke foyer", not "room 12, Dave said"); a
        flat's number alone ("in flat 4"); a room's, bed's or pitch's ("bed 7")."""
        placed: list[tuple[int, int]] = []
        for m in _UNIT_IN_PLACE.finditer(text):
            words = list(re.finditer(r"\S+", m.group("name")))
            first = words[0].group(0)
            # After a house number as well ("flat 6, 31 Rowan Bank"), a capitalised word
            # is a name even if it is also a common one.
            housed = m.group("house") is not None and first[0].isupper()
            if not housed and (
                self.ctx.lexicon.is_common(first)
                or (first.islower() and self.ctx.lexicon.is_known(first))
            ):
                continue
            end = m.start("name") + words[0].end()
            article = False
            for w in words[1:]:
                word = w.group(0)
                if word in _NAME_ARTICLES:
                    article = True
                    continue
                # A capitalised word goes on with the name ("Cranmer Tower"); after an
                # article, only a capitalised word or one that is no English word ("nant y
                # fedw", not "Ashgrove a bit").
                named = word[0].isupper() and word.lower() not in STOP_WORDS
                if not named and (
                    self.ctx.lexicon.is_common(word)
                    or (article and self.ctx.lexicon.is_known(word))
                ):
                    break
                article = False
                end = m.start("name") + w.end()
            placed.append((m.start(), end))
            yield Hit(m.start(), end, STREET_ADDRESS, 0.8)
        for m in _FLAT_ALONE.finditer(text):
            if m.group("num").lower() != "one":
                yield Hit(m.start(), m.end(), STREET_ADDRESS, 0.7)
        for m in _ROOM_NUMBER.finditer(text):
            if not any(s <= m.start() < e for s, e in placed):
                yield Hit(m.start(), m.end(), STREET_ADDRESS, 0.7)


class EstateRecognizer(_PlaceBase):
    """Named estates: "the Aylesbury estate" -> "Aylesbury estate"."""

    ENTITIES: ClassVar[tuple[str, ...]] = (LOCATION,)
    RANK: ClassVar[int] = 15
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for m in _ESTATE_CAP.finditer(text):
            name_start = self.name_start(text, m.start("name"), m.end("name"))
            if name_start is not None:
                yield Hit(name_start, m.end("suffix"), LOCATION, self.SCORE)
        for m in _ESTATE_LOWER.finditer(text, overlapped=True):
            start = self.lower_name_start(text, m.start("name"), m.group("name"))
            if start is not None:
                yield Hit(start, m.end("suffix"), LOCATION, 0.65)


class BuildingRecognizer(_PlaceBase):
    """Named blocks and buildings: "Ada Brightwell House", "Grenfell Tower"."""

    ENTITIES: ClassVar[tuple[str, ...]] = (LOCATION, STREET_ADDRESS)
    RANK: ClassVar[int] = 16
    SCORE: ClassVar[float] = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        for m in _BUILDING_CAP.finditer(text):
            name_start = self.name_start(text, m.start("name"), m.end("name"))
            if name_start is None:
                continue
            if m.group("num") and name_start == m.start("name"):
                yield Hit(m.start("num"), m.end("suffix"), STREET_ADDRESS, 0.8)
            else:
                yield Hit(name_start, m.end("suffix"), LOCATION, self.SCORE)


# Two words after a word for being in or coming from a place, which a transcriber may have
# made of one place's name ("in roth well", "at red car", "from des borough").
_SPLIT_PLACE = re.compile(
    r"(?i)(?<![\p{L}'’])(?:in|into|from|fae|frae|at|near|outside|round|past)[ ]+"
    r"(?P<a>\p{L}{2,})[ ]+(?P<b>\p{L}{2,})(?![\p{L}\p{N}'’\-])"
)
SPLIT_PLACE_MIN_LETTERS = 6
# Small words that can still end a place's name ("roth well", "wood side").
_PLACE_END_WORDS = frozenset(["well", "side", "back", "top", "bottom", "front", "over", "down"])


class SplitPlaceRecognizer(QualkitRecognizer):
    """A place in the British Isles whose name a transcriber heard as two words, after a
    word for being in or coming from it: "in roth well" (Rothwell), "at red car" (Redcar).

    Neither word may be a small word ("in to go" is no Togo), and the two words together
    must be a place's name in the gazetteer that is not one of the study's allowed areas.
    """

    ENTITIES: ClassVar[tuple[str, ...]] = (LOCATION,)
    RANK: ClassVar[int] = 17
    SCORE: ClassVar[float] = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        allowed = {t.casefold().replace(" ", "") for t in self.ctx.lists.all_allow()}
        for m in _SPLIT_PLACE.finditer(text, overlapped=True):
            a, b = m.group("a").casefold(), m.group("b").casefold()
            if a in STOP_WORDS or (b in STOP_WORDS and b not in _PLACE_END_WORDS):
                continue
            joined = a + b
            if len(joined) < SPLIT_PLACE_MIN_LETTERS or joined in allowed:
                continue
            if self.ctx.gazetteer.get(joined).place:
                yield Hit(m.start("a"), m.end("b"), LOCATION, self.SCORE)


# A full postcode, and one line of an address written before it: "Unit 4", "flat 3",
# "27 Carrington Walk", "Meadowbank Trading Estate".
_FULL_POSTCODE = re.compile(
    r"(?i)(?<![\p{L}\p{N}])[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}(?![\p{L}\p{N}])"
)
_CAP_RUN = r"\p{Lu}[\p{L}'’\-]+(?:[ ]+\p{Lu}[\p{L}'’\-]+){0,3}"
_ADDRESS_LINE = re.compile(
    r"(?<![\p{L}\p{N}])(?:(?i:flat|unit|room|apartment|apt|block|suite)[ ]+\d{1,4}[A-Za-z]?"
    rf"|\d{{1,4}}[A-Za-z]?[ ]+{_CAP_RUN}|{_CAP_RUN}),[ ]*$"
)
ADDRESS_LINES = 3


class AddressLinesRecognizer(QualkitRecognizer):
    """The lines of an address written before a postcode, each ended by a comma: "it's
    the office, **Unit 4, Meadowbank Trading Estate**, S60 9ZX"; an allowed town just
    before the postcode is left out ("**57 Malvern Street**, Blackburn, BB1 9ZX")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (STREET_ADDRESS,)
    RANK: ClassVar[int] = 15
    SCORE: ClassVar[float] = 0.7

    def find(self, text: str) -> Iterator[Hit]:
        allowed = {" ".join(a.casefold().split()) for a in self.ctx.lists.all_allow()}
        for pc in _FULL_POSTCODE.finditer(text):
            start = end = pc.start()
            for _ in range(ADDRESS_LINES):
                m = _ADDRESS_LINE.search(text, max(0, start - 60), start)
                if m is None or m.group(0).split()[0].lower() in STOP_WORDS:
                    break
                line = m.group(0).rstrip(", ")
                # The town next to the postcode stays if it is allowed (a study's own area).
                words = line.casefold().split()
                tail = {" ".join(words[i:]) for i in range(len(words))}
                if end == pc.start() and not tail & allowed:
                    end = m.start() + len(line)
                start = m.start()
            if start < end < pc.start():
                yield Hit(start, end, STREET_ADDRESS, self.SCORE)
