"""Exact ages, calendar dates and social-media handles."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.metadata import version
from typing import ClassVar

import regex as re
from spacy.lang.en.stop_words import STOP_WORDS
from text_to_num import alpha2digit

from qualkit.deid.gazetteer import cached_lines
from qualkit.deid.numwords import in_dictated_run, number_value, other_language_numbers
from qualkit.deid.recognizers.base import Hit, QualkitRecognizer, compile_words, one_per_span
from qualkit.deid.recognizers.contact import (
    SPELT_ITEM,
    SPELT_SEPARATOR,
    TOLD_BACK_AFTER,
    read_back_pattern,
    told_back,
)
from qualkit.deid.spans import AGE, DATE_TIME, PERSON, SOCIAL_HANDLE
from qualkit.deid.textutil import at_sentence_start, without_accents
from qualkit.deid.words import MONTH_ABBREVIATIONS, MONTHS, NUMBER_WORDS, UNITS

_NUM_WORDS = compile_words(tuple(k for k in NUMBER_WORDS if " " not in k))
_NUM = (
    rf"(?:(?<![\d,.£$])\d{{1,2}}(?![\d,.:/]\d)"
    rf"|{_NUM_WORDS}(?!\p{{L}})(?:[ ]+{_NUM_WORDS}(?!\p{{L}}))?)"
)
_UNIT_AFTER = (
    r"(?!-(?!years?-(?:old|auld))\p{L})"
    r"(?![ ]*(?:-[ ]*)?(?:(?:or|to|-)[ ]*(?:\d+|"
    + _NUM_WORDS
    + r")[ ]+)?(?:"
    + "|".join(re.escape(u) for u in UNITS if u not in ("year", "years"))
    + r"|years?[ ]+(?!old\b|of[ ]+age\b|auld\b)\w+|(?:or|to|-)[ ]+\d+[ ]+(?!years?[ ]+old)\w"
    + r"|\.\d|:\d|/\d|%)\b)"
)
# What a number is, said before one of these: an amount, a length of time or a count, not
# an age ("nineteen year", "twenty-five cases", "sixty-five pounds", "forty-eight hours").
# "years" is a length of time unless "old" or "of age" follows.
_AMOUNT_UNIT = re.compile(
    r"(?i)[ ]*(?:-[ ]*)?(?:"
    + "|".join(re.escape(u) for u in UNITS if u not in ("year", "years", "of"))
    + r"|cases|milligrams?|mg|pitches|percent|years?(?![ \-]+(?:old|of[ ]+age)\b)"
    + r"|of[ ]+(?:us|them|you|those|these)|"
    + compile_words(MONTHS + MONTH_ABBREVIATIONS)
    + r")(?![\p{L}])"
)
_NUMBER_REST = re.compile(r"[ \-]+(?P<word>[\p{L}]+)")
# A number up to twelve after one of these, or before "to" and another number, is a time of
# day as often as an age ("at four, half four", "past ten", "nine to five").
_CLOCK_BEFORE = re.compile(
    r"(?i)\b(?:at|past|till|until|til|half|gone|from|by|around|about)[ ]+(?:like[ ]+)?$"
)
_CLOCK_AFTER = re.compile(r"(?i)[ ]+(?:to|till|until|-)[ ]+\w")


def not_an_age(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, taken for an age, is no number, or a number said as an
    amount, a length of time, a count or a day: before a unit ("fifteen milligrams",
    "forty-five minutes", "nineteen year") or a month ("14 May"), or after a currency sign
    ("£49")."""
    words = re.findall(r"[\p{L}\p{N}]+", text[start:end])
    if not words or not all(w.isdigit() or number_value(w) is not None for w in words):
        return True
    if start and text[start - 1] in "£$€":
        return True
    if in_dictated_run(text, start, end):
        return True  # a digit of a number read out ("zero five six, two nine one")
    rest = _NUMBER_REST.match(text, end)  # the rest of the number: "forty" + "-eight"
    if rest is not None and number_value(rest.group("word")) is not None:
        end = rest.end()
    return _AMOUNT_UNIT.match(text, end) is not None


def maybe_a_time(text: str, start: int, end: int) -> bool:
    """Whether the number ``text[start:end]`` is up to twelve and said where a clock's time
    can be ("at four, half four", "past ten", "nine to five")."""
    words = re.findall(r"[\p{L}\p{N}]+", text[start:end])
    value = sum(int(w) if w.isdigit() else number_value(w) or 0 for w in words)
    return 1 <= value <= 12 and bool(
        _CLOCK_BEFORE.search(text, max(0, start - 20), start) or _CLOCK_AFTER.match(text, end)
    )


_NOT_SUBJECTS = frozenset(
    [
        "it",
        "that",
        "this",
        "there",
        "what",
        "which",
        "here",
        "time",
        "rent",
        "price",
        "bill",
        "score",
        "number",
        "total",
        "cost",
        "bus",
        "train",
        "flat",
        "room",
        "wait",
        "queue",
        "list",
        "debt",
        "fine",
        "sentence",
        "dose",
        "script",
        "count",
        "rate",
        "temperature",
        "heating",
        "kids",
        "children",
        "boys",
        "girls",
        "twins",
        "they",
        "we",
        "there's",
    ]
)
_PERSON_SUBJECTS = frozenset(
    [
        "i",
        "he",
        "she",
        "you",
        "who",
        "son",
        "daughter",
        "boy",
        "girl",
        "kid",
        "baby",
        "brother",
        "sister",
        "mum",
        "dad",
        "mother",
        "father",
        "nan",
        "gran",
        "grandad",
        "grandma",
        "wife",
        "husband",
        "partner",
        "cousin",
        "niece",
        "nephew",
        "friend",
        "mate",
        "eldest",
        "youngest",
        "oldest",
        "man",
        "woman",
        "lad",
    ]
)


def _person_subject(word: str) -> bool:
    """Whether the word before "was"/"'s" can be a person whose age is given."""
    low = word.lower()
    if low in _NOT_SUBJECTS:
        return False
    return low in _PERSON_SUBJECTS or (
        word[0].isupper() and low not in ("it", "that", "this", "there")
    )


_ONE_EXCLUDED = re.compile(r"^(?:one|a|an)$", re.IGNORECASE)

# "I was 34", "she's sixteen now", "when he turned 18", "aged 12", "at the age of 15", and
# "was" as Scots and some transcribers write it ("he wis nine", "i woz 15").
_AGE_TRIGGERED = re.compile(
    r"(?i)\b(?:(?P<subj>[\p{L}]+)(?:[ ]+(?:was|were|is|am|are|wis|woz|wus)|['’](?:s|m|re))"
    r"|(?:im|shes|hes|youre)"
    r"|turn(?:ed|ing|s)?|aged?|age[ ]+of|reached|hit"
    r"|(?:will|['’]ll|would|['’]d|gonna|going[ ]+to)[ ]+be"
    r"|(?:would|['’]d|must|might|could)[ ]+(?:have|of|['’]ve)[ ]+been)"
    r"(?:[ ]+(?:only|just|about|nearly|almost|like|barely|around|roughly|maybe)){0,2}[ ]+"
    rf"(?P<num>{_NUM}){_UNIT_AFTER}"
)
# "34 years old", "a 34-year-old", "sixteen year old", the Scots "a fifty-nine-year-auld",
# "eighty years of age".
_AGE_YEARS_OLD = re.compile(
    rf"(?i)\b(?P<num>{_NUM})(?:[ ]+|-)years?(?:[ ]+|-)(?:olds?|auld|of[ ]+age)\b"
    rf"|\b(?P<num2>{_NUM})(?:-|[ ]+)yo\b"
)
# "since I was 12" and "at 16" after a life-event verb.
_AGE_AT = re.compile(
    r"(?i)\b(?:left|leaving|started|starting|moved|kicked[ ]+out|thrown[ ]+out|taken|"
    r"went|got|had|lost|married|pregnant|arrested|sentenced|locked[ ]+up|homeless|"
    r"care|school|home|drinking|using|smoking|born)\b[^.\n?!]{0,30}?\b(?:at|from)[ ]+"
    rf"(?:the[ ]+age[ ]+of[ ]+)?(?P<num>{_NUM}){_UNIT_AFTER}(?![ ]*(?:o['’]clock|am|pm|p\.m|a\.m))"
)
_OF_AGE_AT = re.compile(rf"(?i)\bat[ ]+the[ ]+age[ ]+of[ ]+(?P<num>{_NUM})\b")
_NOT_CLOCK = (
    r"(?![ ]*(?:o['’]clock|am\b|pm\b|a\.m|p\.m|past\b|hundred\b|thirty\b|fifteen\b|"
    r"forty-five\b|in[ ]+the[ ]+(?:morning|afternoon|evening)|at[ ]+night|tonight|tomorrow|"
    r"(?:to|till|until)[ ]+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve)\b))"
)
# "at fifteen", "by, like, sixteen I was using": an age on its own after "at" or "by"
# (only teenage and adult ages, which a clock does not use, and never before a unit).
_AGE_BARE_AT = re.compile(
    r"(?i)\b(?:at|by)[ ]*(?:,[ ]*)?(?:(?:like|about|around|only|just)[ ]*(?:,[ ]*)?)?"
    rf"(?P<num>{_NUM}){_UNIT_AFTER}{_NOT_CLOCK}"
)
# "one man, older, maybe thirty", "a man of sixty": an age given beside a person.
_PERSON_NOUNS = r"(?:man|woman|lad|girl|fella|fellow|bloke|guy|boy|kid|lady|gentleman|chap)"
_AGE_BESIDE_PERSON = re.compile(
    rf"(?i)\b{_PERSON_NOUNS}\b(?:[ ]+of[ ]+|(?:[^.?!\n]|\n(?![ \t]*\n)){{0,40}}?,[ \t]*\n?[ \t]*"
    r"(?:(?:maybe|about|around|probably|nearly|only|like|roughly)\s+)?)"
    rf"(?P<num>{_NUM}){_UNIT_AFTER}"
)
# "he was a bit older, like sixteen", "younger than me, like twelve when he started".
_AGE_COMPARED = re.compile(
    r"(?i)\b(?:older|younger)(?:[ ]+than[ ]+[\p{L}]+)?[ ]*,?[ ]*"
    r"(?:(?:like|about|around|maybe|only|just)[ ]*,?[ ]*)?"
    rf"(?P<num>{_NUM}){_UNIT_AFTER}{_NOT_CLOCK}(?![ ]*years?\b(?![ \-]+old))"
)
# "in her sixties", "in my early twenties", "in his late 50s", "fifty-something", "50
# something", "thirty-odd years of age".
_UNIT_WORDS = "|".join(re.escape(u) for u in UNITS)
_DECADES = (
    r"(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|[2-9]0['’]?s)"
)
_DECADE_AGE = rf"(?:(?:early|mid|late)[ \-]+)?{_DECADES}\b"
_AGE_DECADE = re.compile(
    rf"(?i)\b(?:in|till|until|into|by|since)[ ]+(?P<whose>his|her|their|my|your|our)[ ]+"
    rf"(?P<num>{_DECADE_AGE})"
    r"|\b(?P<num2>(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|[2-9]0)[ \-]"
    r"(?:something\b(?![ ]+(?!years?[ ]+(?:old|of[ ]+age)\b)"
    rf"(?:{_UNIT_WORDS})\b)|odd(?=[ ]+(?:years?[ ]+(?:of[ ]+age|old)))))"
    # "a young man, early twenties", "Typically, male, thirties and forties"
    r"|\b(?:man|woman|lad|lass|lassie|girl|boy|guy|bloke|fella|fellow|lady|gentleman|male|"
    r"female|person)[ ]*,[ ]+"
    rf"(?:(?:maybe|about|around|probably|like)[ ,]+)?(?P<num3>{_DECADE_AGE})"
)
# "thirties and forties", "late teens or early twenties": a second decade after the first
# (for one person: "their sixties and seventies" are a group's).
_AND_DECADE = re.compile(rf"(?i)[ ]+(?:and|or|to|into)[ ]+(?P<num>{_DECADE_AGE})")


def _ages_in_decades(text: str) -> Iterator[Hit]:
    for m in _AGE_DECADE.finditer(text):
        group = next(g for g in ("num", "num2", "num3") if m.group(g) is not None)
        yield Hit(m.start(group), m.end(group), AGE, 0.7)
        if (m.group("whose") or "").lower() in ("their", "our") or group == "num2":
            continue
        if (more := _AND_DECADE.match(text, m.end())) is not None:
            yield Hit(more.start("num"), more.end("num"), AGE, 0.7)


# "at sixty-odd", "he was like thirty-odd then", "Brian, sixty-odd, been clean", "a man of
# sixty-odd": a rough age after "at", "like", a verb, a comma or a person "of"; not
# "twenty-odd years" or "spent forty-odd".
_AGE_ODD = re.compile(
    r"(?i)(?:\b(?:at|like|aged|about|around|maybe|was|is|were|be|all|someone|somebody)|['’][sm]|,"
    rf"|\b{_PERSON_NOUNS}[ ]+of)[ ]+"
    r"(?P<num>(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|[2-9]0)[ \-]odd)\b"
    r"(?![ ]*(?:years?|yrs?|of)\b(?![ \-]+old))"
)
# "Sixty-odd year auld", "forty-something years old": a rough age, then "old".
_AGE_ODD_OLD = re.compile(
    rf"(?i)\b(?P<num>{_NUM}-(?:odd|something))(?:[ ]+|-)years?(?:[ ]+|-)(?:olds?|auld|of[ ]+age)\b"
)
# "a nine-day-old baby", "the six-week-old": a baby's age as one word.
_AGE_DAYS_OLD = re.compile(
    rf"(?i)(?<![\p{{L}}\-])(?:{_NUM_WORDS}|\d{{1,2}})-(?:day|week|month)s?-old(?![\p{{L}}\-])"
)
# "the baby, she's fourteen month", "shes 14 months now", "she's thirteen weeks on
# Thursday", "she was like three weeks", "only eleven days old", "she is one and a half":
# a baby's age in months, weeks or days, or in years and a half, ending a clause (not
# "eight months pregnant", "six months in the hostel", "he's two weeks clean").
_AGE_MONTHS = re.compile(
    r"(?i)\b(?:(?P<subj>\p{L}+)(?:[ ]+(?:is|was|are)|['’](?:s|re))|shes|hes|youre)"
    r"(?:[ ]*,[ ]*(?:um|uh|er|erm)[ ]*,)?[ ]+"
    r"(?:only[ ]+|just[ ]+|about[ ]+|nearly[ ]+|almost[ ]+|like[ ]+)?"
    rf"(?P<num>{_NUM}[ ]+(?:(?:months?|weeks?)(?:[ ]+old)?|days?[ ]+old|and[ ]+a[ ]+half))"
    r"(?=[ ]*(?:$|[.,;:!?)\n]|now\b|and\b|then\b|when\b"
    r"|on[ ]+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b))"
)
# "a baby of 8 month", "my son of six weeks": a young child's age after "of".
_CHILD_OF_MONTHS = re.compile(
    r"(?i)\b(?:baby|babby|babbie|bairn|wean|infant|newborn|toddler|son|daughter|boy|girl)"
    rf"[ ]+of[ ]+(?P<num>{_NUM}[ ]+(?:months?|weeks?|days?))\b"
)
# "how old were you then?" and the answer's first words.
_HOW_OLD = re.compile(r"(?i)\bhow[ ]+old\b[^?\n]{0,80}\?")
_ANSWER_NUM = re.compile(
    rf"(?i)(?<![\p{{L}}\p{{N}}:.,/£$])(?P<num>{_NUM}){_UNIT_AFTER}(?![\p{{N}}:])"
)
_ANSWER_WORD = re.compile(r"(?<![\p{L}])\p{L}[\p{L}'’\-]*")
_LABEL_NUMBER = re.compile(r"(?i)(?:speaker|participant|interviewee|respondent|p)[ ]*$")
_ANSWER_WINDOW = 160
_ANSWER_WORDS = 12
_VERB_AFTER = re.compile(r"(?i)[ ]+(?:is|was|were|has|had)\b")
# "a woman of eighty-two sitting there": after "of", a number beside a person is an age.
_OF_BEFORE = re.compile(r"(?i)\bof[ ]+$")
# "with her from eleven to eighteen", "fae twelve tae sixteen", "between the ages of 11
# and 16": a stretch of a childhood or youth given by ages. Clock times ("from nine to
# five") run backwards or stay below ten, and units after the second number ("to eighteen
# quid") rule a match out.
_AGE_RANGE = re.compile(
    r"(?i)\b(?:(?:from|fae|frae)(?:[ ]+(?:the[ ]+)?age(?:[ ]+of)?)?"
    r"|between[ ]+the[ ]+ages[ ]+of)[ ]+"
    rf"(?P<a>{_NUM})[ ]+(?:to|tae|till|until|and)[ ]+"
    r"(?:(?:just[ ]+)?(?:gone|turned|about|nearly|over)[ ]+)?"
    rf"(?P<b>{_NUM})\b"
    r"(?![ ]*(?:o['’]clock|am\b|pm\b|a\.m|p\.m|minutes?|hours?|mins?|quid|pounds?|"
    r"grand|percent|%|miles?|times|people|of[ ]+us|weeks?|months?|days?))"
)

# "two kids, three and six", "the boys are nine and eleven": the ages of someone's children.
_AGE_CHILDREN = re.compile(
    r"(?i)\b(?:kids|children|boys|girls|sons|daughters|grandkids|grandchildren|twins)\b"
    r"(?:[ ]*[,:][ ]*|[ ]+(?:aged|are|who[ ]+are|who['’]re)[ ]+)"
    rf"(?P<a>{_NUM})(?:[ ]*,[ ]*(?P<b>{_NUM}))?[ ]+and[ ]+(?P<c>{_NUM})\b"
    r"(?![ \-]*(?:o['’]clock|am\b|pm\b|minutes?|hours?|quid|pounds?|percent|%|miles?|times"
    r"|weeks?|months?|days?|of[ ]+them))"
)

# "your eighteenth in a cell", "just after your twenty-second": a birthday by its ordinal.
_AGE_ORDINAL = re.compile(
    r"(?i)\b(?:my|your|his|her)[ ]+(?P<num>\p{L}+(?:-\p{L}+)?|\d\d(?:st|nd|rd|th))\b"
    r"(?=[ ]+(?:birthday|bday|party)\b|(?P<plain>))"
)
_ORDINAL_END = re.compile(r"(?i)(?:st|nd|rd|th)$")
# "my 18th is on 14/08", "her 21st was mad": a birthday said by its ordinal alone.
_ORDINAL_VERB_AFTER = re.compile(r"(?i)[ ]+(?:is|was|were|will|would)\b|['’]s\b")
# "he looks seventy", "being seventy-three and tired": how old someone is or looks.
_AGE_LOOKS = re.compile(
    r"(?i)\b(?:looks?|looked|looking|being)[ ]+(?:(?:about|like|maybe|nearly|over)[ ]+)?"
    rf"(?P<num>{_NUM}){_UNIT_AFTER}"
)
# "men between about fifty-five and seventy-five": the ages of the people someone works with.
_AGE_PEOPLE_BETWEEN = re.compile(
    r"(?i)\b(?:men|women|people|lads|girls|boys|kids|adults|folk|clients|residents|guests)\b"
    r"[^.?!\n]{0,25}?\bbetween[ ]+(?:(?:about|roughly|around)[ ]+)?"
    rf"(?P<a>{_NUM})[ ]+and[ ]+(?P<b>{_NUM})\b"
    r"(?![ ]*(?:o['’]clock|am\b|pm\b|minutes?|hours?|quid|pounds?|grand|percent|%|miles?"
    r"|times|weeks?|months?|days?|years?\b(?![ \-]+old)))"
)


# The first of two ages said with one "year-old" ("a 16- or 17-year-old").
_AGE_PAIR_YEAR_OLD = re.compile(
    r"(?i)(?<![\p{L}\-])(?P<word>\d{1,2}|\p{L}+(?:-\p{L}+)?)-[ ]+(?:or|to|and)[ ]+"
    r"(?:\d{1,2}|\p{L}+(?:-\p{L}+)?)-year-olds?\b"
)


# The age a stretch of life began at, before the age it ended at ("from like six till I
# was thirteen", "fae 6 till i wis 18", "frae fifteen till I wis aboot twenty-eight").
_FROM_AGE_TILL_AGE = re.compile(
    r"(?i)(?<![\p{L}])(?:from|fae|frae)[ ]+(?:(?:like|about|aboot|age|aged)[ ]+)?"
    rf"(?P<word>{_NUM})[ ]+(?:till|until|til|['’]til|to|tae)[ ]+"
    r"(?:i|he|she|we|they|you|ye)[ ]+(?:was|were|wis|wur)[ ]+"
    r"(?:(?:like|about|aboot|nearly|almost)[ ]+)?"
    rf"(?P<end>{_NUM})(?![\p{{L}}\p{{N}}\-])"
)


# "when I was six, maybe seven", "she was 15 or 16": a second guess at the same age.
_HEDGED_AGE = re.compile(
    r"(?i)[ ]*,?[ ]+(?:or[ ]+(?:maybe[ ]+|so[ ]+)?|maybe[ ]+|perhaps[ ]+|probably[ ]+)"
    rf"(?P<num>{_NUM})(?![\p{{L}}\p{{N}}\-])"
)
MAX_HEDGE = 3


def _hedged_age(text: str, end: int, value: int) -> Iterator[Hit]:
    m = _HEDGED_AGE.match(text, end)
    if m is None:
        return
    second = _value(m.group("num"))
    if (
        second is not None
        and 0 < abs(second - value) <= MAX_HEDGE
        and age_like_after(text, m.end("num"))
    ):
        yield Hit(m.start("num"), m.end("num"), AGE, 0.6)


def _first_of_two_ages(text: str) -> Iterator[Hit]:
    for m in _AGE_PAIR_YEAR_OLD.finditer(text):
        value = _value(m.group("word"))
        if value is not None and 1 <= value <= 110:
            yield Hit(m.start("word"), m.end("word"), AGE, 0.6)
    for m in _FROM_AGE_TILL_AGE.finditer(text):
        first, last = _value(m.group("word")), _value(m.group("end"))
        if first is not None and last is not None and 0 < first < last <= 110:
            yield Hit(m.start("word"), m.end("word"), AGE, 0.6)


class AgeRecognizer(QualkitRecognizer):
    """Exact ages: marks only the number ("I was **34**", "she's **sixteen** now")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (AGE,)
    RANK: ClassVar[int] = 20
    SCORE: ClassVar[float] = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        return one_per_span(self._ages(text))

    def _ages(self, text: str) -> Iterator[Hit]:
        for pattern, score in (
            (_AGE_YEARS_OLD, 0.85),
            (_OF_AGE_AT, 0.85),
            (_AGE_TRIGGERED, self.SCORE),
            (_AGE_AT, 0.6),
            (_AGE_BARE_AT, 0.6),
            (_AGE_BESIDE_PERSON, 0.6),
            (_AGE_COMPARED, 0.6),
        ):
            for m in pattern.finditer(text):
                group = "num" if m.group("num") is not None else "num2"
                if pattern is _AGE_YEARS_OLD and m.group("num") is None:
                    group = "num2"
                num = m.group(group)
                if num is None or _ONE_EXCLUDED.match(num):
                    continue
                value = _value(num)
                if value is None or not 1 <= value <= 110:
                    continue
                if pattern in (_AGE_BARE_AT, _AGE_BESIDE_PERSON) and value < 13:
                    # A child's age after "of" ("a boy of twelve"), never "one".
                    of = _OF_BEFORE.search(text, m.start(), m.start(group)) is not None
                    if pattern is _AGE_BARE_AT or not of or value < 2:
                        continue
                if pattern is _AGE_COMPARED and value < 5:
                    continue
                if pattern in (_AGE_BARE_AT, _AGE_BESIDE_PERSON, _AGE_COMPARED) and not (
                    age_like_after(text, m.end(group))
                    or _OF_BEFORE.search(text, m.start(), m.start(group)) is not None
                    or _VERB_AFTER.match(text, m.end(group)) is not None
                ):
                    continue
                if pattern is _AGE_TRIGGERED:
                    subj = m.group("subj")
                    if subj is not None and not _person_subject(subj):
                        continue
                    if not age_like_after(text, m.end(group)):
                        continue
                yield Hit(m.start(group), m.end(group), AGE, score)
                yield from _hedged_age(text, m.end(group), value)
        yield from _ages_in_decades(text)
        yield from _ages_in_other_languages(text)
        yield from _rough_ages_and_babies(text)
        yield from _answers_to_how_old(text)
        yield from _ages_by_ordinal_look_or_range(text)
        yield from _first_of_two_ages(text)
        for m in _AGE_RANGE.finditer(text):
            a, b = _value(m.group("a")), _value(m.group("b"))
            if a is None or b is None or not (0 <= a < b - 1 and 10 <= b <= 25):
                continue
            yield Hit(m.start("a"), m.end("a"), AGE, 0.6)
            yield Hit(m.start("b"), m.end("b"), AGE, 0.6)


def _rough_ages_and_babies(text: str) -> Iterator[Hit]:
    """A rough age ("at sixty-odd", "Sixty-odd year auld") and a baby's age in months,
    weeks or days."""
    for m in _AGE_ODD.finditer(text):
        if age_like_after(text, m.end("num")):
            yield Hit(m.start("num"), m.end("num"), AGE, 0.6)
    for m in _AGE_ODD_OLD.finditer(text):
        yield Hit(m.start("num"), m.end("num"), AGE, 0.85)
    for m in _AGE_MONTHS.finditer(text):
        subj = m.group("subj")
        if subj is None or _person_subject(subj):
            yield Hit(m.start("num"), m.end("num"), AGE, 0.6)
    for m in _CHILD_OF_MONTHS.finditer(text):
        yield Hit(m.start("num"), m.end("num"), AGE, 0.6)
    for m in _AGE_DAYS_OLD.finditer(text):
        yield Hit(m.start(), m.end(), AGE, 0.6)


def _ages_by_ordinal_look_or_range(text: str) -> Iterator[Hit]:
    """A birthday by its ordinal (13th and up), an age someone is or looks, the ages of
    someone's children, and the ages at both ends of "men between fifty-five and
    seventy-five"."""
    for m in _AGE_ORDINAL.finditer(text):
        num = m.group("num")
        value = int(num[:2]) if num[:2].isdigit() else number_value(num)
        if value is None or not 13 <= value <= 110 or not _ORDINAL_END.search(num):
            continue
        if (
            m.group("plain") is None
            or age_like_after(text, m.end("num"))
            or _ORDINAL_VERB_AFTER.match(text, m.end("num"))
        ):
            yield Hit(m.start("num"), m.end("num"), AGE, 0.6)
    for m in _AGE_LOOKS.finditer(text):
        value = _value(m.group("num"))
        if value is not None and 10 <= value <= 110 and age_like_after(text, m.end("num")):
            yield Hit(m.start("num"), m.end("num"), AGE, 0.6)
    for m in _AGE_CHILDREN.finditer(text):
        groups = [g for g in ("a", "b", "c") if m.group(g) is not None]
        values = [_value(m.group(g)) for g in groups]
        if all(v is not None and 0 < v < 40 for v in values):
            for g in groups:
                yield Hit(m.start(g), m.end(g), AGE, 0.6)
    for m in _AGE_PEOPLE_BETWEEN.finditer(text):
        a, b = _value(m.group("a")), _value(m.group("b"))
        if a is not None and b is not None and 13 <= a < b <= 110:
            yield Hit(m.start("a"), m.end("a"), AGE, 0.6)
            yield Hit(m.start("b"), m.end("b"), AGE, 0.6)


def _answers_to_how_old(text: str) -> Iterator[Hit]:
    """The first number in the answer to "how old ...?" ("about twenty-eight?", "Now six"),
    if it comes within a few words; numbers on a line of their own (cue numbers) and in
    timestamps do not count."""
    for q in _HOW_OLD.finditer(text):
        window_end = min(len(text), q.end() + _ANSWER_WINDOW)
        for m in _ANSWER_NUM.finditer(text, q.end(), window_end):
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if line.strip() == m.group("num") or _LABEL_NUMBER.search(text, line_start, m.start()):
                continue
            value = _value(m.group("num"))
            words = len(_ANSWER_WORD.findall(text, q.end(), m.start()))
            if value is not None and 1 <= value <= 110 and words <= _ANSWER_WORDS:
                yield Hit(m.start("num"), m.end("num"), AGE, 0.6)
            break


# An age said in a language an interview switches into: the number, then the word for years
# of age where it means nothing else ("em mười lăm tuổi"), or after the verb that gives an
# age ("tenho trinta e um anos", "Grâce avait sept ans"; not "três anos" of a stay).
_AGE_WORDS_IN_LANGUAGES = {
    "vi": ("", r"tuổi|tuoi"),
    "tr": ("", r"yaşında\p{L}*|yasinda\p{L}*"),
    "de": ("", r"jahre[ ]+alt"),
    "nl": ("", r"jaar[ ]+oud"),
    "es": (
        r"tengo|tienes|tiene|tenemos|tienen|tenía|tenia|tenían|cumplí|cumplió|cumpli|cumplio",
        r"años|anos|anyos",
    ),
    "pt": (r"tenho|tens|tem|temos|têm|tinha|tinhas|tinham|fiz|fez|faz|faço", r"anos"),
    "fr": (r"(?:j['’])?ai|as|a|(?:j['’])?avais|avait|avaient|aura|(?:j['’])?aurai|avoir", r"ans"),
    "it": (r"ho|hai|ha|abbiamo|hanno|avevo|aveva|avevano|compiuto", r"anni"),
    "ro": (r"am|ai|are|aveam|avea|aveau|împlinit|implinit", r"(?:de[ ]+)?ani"),
    "pl": (
        r"mam|masz|ma|mamy|mają|maja|miałem|miałam|miał|miała|mialem|mialam|mial|miala",
        r"lat|lata",
    ),
    # Welsh: "dw i'n bum deg pump oed", "o'n i'n ddeuddeg", "roedd o'n bedwar ar bymtheg."
    "cy": (
        r"i['’]n|o['’]n|hi['’]n|e['’]n|fe['’]n|fo['’]n|ti['’]n|chi['’]n",
        r"(?:mis[ ]+|mlwydd[ ]+)?oed",
    ),
}  # fmt: skip


_NO_WORD_BEFORE = r"(?<![\p{L}'’\-])"
# Languages where the verb that gives an age gives it without the word for years too, when
# the number ends the phrase ("Valentina tiene dieciséis, y el niño ...").
_AGE_WITHOUT_YEARS = frozenset({"es", "pt", "cy"})
# In Welsh, a number up to ten after "yn" with no word for years is as often something
# else ("mae hi'n deg", it's fair; "mae hi'n naw", it's nine o'clock).
MIN_WELSH_BARE_AGE = 11
_WELSH_YEARS_AFTER = re.compile(r"[ ]+(?i:mis[ ]+|mlwydd[ ]+)?(?i:oed)\b")
_NAME_BEFORE_COMMA = re.compile(r"(?<![\p{L}'’\-])\p{Lu}[\p{L}'’\-]*$")


@cache
def _other_language_age() -> re.Pattern[str]:
    alternatives = []
    for lang, (verbs, years) in _AGE_WORDS_IN_LANGUAGES.items():
        numbers = compile_words(tuple(other_language_numbers((lang,))))
        after = rf"[ ]+(?:{years})(?![\p{{L}}])"
        if not verbs:
            alternatives.append(rf"{_NO_WORD_BEFORE}(?P<{lang}>{numbers}){after}")
            continue
        # The verb "to have", or a comma after the person ("Exaucé, onze ans"); after the
        # verb, where the language allows, an age may end the phrase alone.
        alone = r"|(?=[ ]*[,.;!?]|[ ]+[ye][ ])" if lang in _AGE_WITHOUT_YEARS else ""
        alternatives.append(
            rf"(?:{_NO_WORD_BEFORE}(?:{verbs})[ ]+(?P<{lang}>{numbers})(?:{after}{alone})"
            rf"|,[ ]*(?P<{lang}>{numbers}){after})"
        )
    return re.compile(r"(?i)(?:" + "|".join(alternatives) + ")")


# Any of those words for years (or verbs that give an age alone), to pass quickly over a
# text that has none.
_AGE_WORD_CHECK = re.compile(
    r"(?i)(?<![\p{L}])(?:"
    + "|".join(years for _, years in _AGE_WORDS_IN_LANGUAGES.values())
    + "|"
    + "|".join(_AGE_WORDS_IN_LANGUAGES[lang][0] for lang in sorted(_AGE_WITHOUT_YEARS))
    + r")(?![\p{L}])"
)


def _ages_in_other_languages(text: str) -> Iterator[Hit]:
    """Ages said in another language (:data:`_AGE_WORDS_IN_LANGUAGES`): the number."""
    if _AGE_WORD_CHECK.search(text) is None:
        return
    for m in _other_language_age().finditer(text):
        lang = next(k for k in _AGE_WORDS_IN_LANGUAGES if m.group(k) is not None)
        if text.startswith(",", m.start()):
            # After a comma only an age given beside a name ("Exaucé, onze ans"), not a
            # length of time ("Depuis, trois ans").
            name = _NAME_BEFORE_COMMA.search(text, max(0, m.start() - 30), m.start())
            if name is None or at_sentence_start(text, name.start()):
                continue
        value = other_language_numbers((lang,)).get(m.group(lang).casefold())
        if (
            lang == "cy"
            and value is not None
            and value < MIN_WELSH_BARE_AGE
            and not _WELSH_YEARS_AFTER.match(text, m.end(lang))
        ):
            continue
        if value is not None and value <= 110:
            yield Hit(m.start(lang), m.end(lang), AGE, 0.7)


def _value(num: str) -> int | None:
    num = " ".join(num.lower().split())
    if num.isdigit():
        return int(num)
    return NUMBER_WORDS.get(num)


_AFTER_OK = re.compile(
    r"(?i)^(?:[ ]*(?:$|[.,;:!?)\"”'’\-–—…]|\n|now\b|then\b|when\b|and\b|or\b|so\b|but\b|at\b"
    r"|years?\b|year-old|in\b|by\b|i\b|he\b|she\b|they\b|we\b|you\b|because\b|cos\b|im\b|ive\b|hes\b|shes\b|"
    r"['’]?cause\b|coz\b|cuz\b|noo\b|my\b|his\b|her\b|our\b|their\b|your\b|"
    r"too\b|already\b|yeah\b|like\b|or[ ]+so\b|going\b|with\b|on\b|this\b|that\b|"
    r"myself\b|herself\b|himself\b|mate\b|innit\b|if\b|only\b|just\b|though\b|still\b|"
    r"to\b|the\b|before\b|after\b|until\b|till\b|while\b|whilst\b|maybe\b|either\b|who\b|first\b"
    r"|lol\b|haha\b|[\[(](?i:laughs?|laughing|laughter|sighs?|coughs?|crying)[\])]"
    r"|\p{L}{1,12}\d?:[ ]"
    r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|\d\d)\b(?![ ]*(?:minutes?|mins?|hours?|quid|pounds?|"
    r"percent|%|miles?|times)\b)))"
)


def age_like_after(text: str, end: int) -> bool:
    """After "was 34", an age is followed by the end of a clause, a linking word, the
    next speaker's label ("Q: ") or another age ("twenty three twenty four")."""
    return _AFTER_OK.match(text[end : end + 20]) is not None


_MONTH = compile_words(tuple(m.capitalize() for m in MONTHS) + MONTHS)
_MONTH_CAPITAL = compile_words(tuple(m.capitalize() for m in MONTHS))
_MON_ABBR = compile_words(tuple(m.capitalize() for m in MONTH_ABBREVIATIONS))
_ANY_MONTH = rf"(?:{_MONTH}|{_MON_ABBR}\.?)"
# In lower case, an abbreviation is a month only before a year ("aug 2022").
_MON_ABBR_LOWER = compile_words(MONTH_ABBREVIATIONS)
_ORD_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
]
_COMPOUND_ORD = (
    r"(?:twenty|thirty)[ \-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
)
_ORD_WORD = "(?:" + "|".join([_COMPOUND_ORD, *_ORD_WORDS]) + ")"
_DAY = rf"(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|{_ORD_WORD})"
_YEAR = r"(?:(?:19|20)\d\d|['’]\d\d)"
_SEASON = r"(?:[Ss]ummer|[Ww]inter|[Ss]pring|[Aa]utumn)"

# The day of the week written before a date, as in a header ("Tue, 21 May 2024"): part
# of the date, not a name followed by an age.
_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:\.|day)?,?[ ]+"
_DIGIT_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TENS_WORD = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_DAY_NUMBER_WORD = (
    r"(?:thirty[ \-]one|thirty|twenty(?:[ \-]" + _DIGIT_WORD + r")?|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|" + _DIGIT_WORD + r")"
)
WEEKDAY_AND_DAY = re.compile(
    r"(?=[MTWFSmtwfs])\b(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    rf"[ ]+the[ ]+(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)|(?i:{_ORD_WORD}))(?![\w])"
)
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    # 12 March 2024, 12th of March, the 3rd of May 1990, Tue, 21 May 2024, the 9th o May,
    # Thursday the 12th of December
    (
        re.compile(
            rf"\b(?:(?-i:{_WEEKDAY})(?:the[ ]+)?|the[ ]+)?{_DAY}(?:[ ]+o[f'’]?)?[ ]+{_ANY_MONTH}"
            rf"(?:,?[ ]+{_YEAR})?(?![\w])",
            re.IGNORECASE,
        ),
        0.85,
    ),
    # "the twelve of May", "the two of march 2020", "Twenty-eight November": a day by its
    # number in words, not its ordinal, as a speaker of English as an additional language
    # may say it (without "the", before a capitalised month, and not "one")
    (
        re.compile(
            rf"(?i)(?:\bthe[ ]+{_DAY_NUMBER_WORD}[ ]+of[ ]+{_ANY_MONTH}"
            rf"|(?<![\p{{L}}\-])(?!one\b){_DAY_NUMBER_WORD}[ ]+(?:of[ ]+)?(?-i:{_MONTH_CAPITAL}))"
            rf"(?:,?[ ]+{_YEAR})?(?![\w])"
        ),
        0.85,
    ),
    # March 12th 2019, March 12, 2019
    (re.compile(rf"\b{_ANY_MONTH}[ ]+{_DAY}(?:,?[ ]+{_YEAR})?\b(?![:.]\d)"), 0.85),
    # Tuesday the 19th, on Monday the tenth: a day of the week with a day of the month
    (WEEKDAY_AND_DAY, 0.85),
    # March 2019, aug 2022, summer 2019, summer of 2019, summer of 88
    (
        re.compile(rf"\b(?:{_ANY_MONTH}|{_MON_ABBR_LOWER}\.?|{_SEASON})(?:[ ]+of)?,?[ ]+{_YEAR}\b"),
        0.85,
    ),
    (
        re.compile(
            rf"\b{_SEASON}[ ]+of[ ]+\d\d(?=[ ]*(?:[.,;:!?)\n]|$|(?i:when|and|that|we|i)\b))"
        ),
        0.85,
    ),
    # 12/03/2024, 12.03.84, 12-3-1990 (the look-ahead for a figure makes it much faster)
    (
        re.compile(
            r"(?=\d)(?<![\d/.\-])(?:0?[1-9]|[12]\d|3[01])([/.\-])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d"
            r"(?![\d/.\-]\d)"
        ),
        0.85,
    ),
    # 2024-03-12
    (re.compile(r"(?<![\d\-])(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"), 0.85),
    # "19/03", "05/11": a day and month without a year, one of them with its leading zero
    # (not "24/7", "10/10")
    (
        re.compile(
            r"(?<![\d/.\-£$])(?:(?:0[1-9]|[12]\d|3[01])/0[1-9]|0[1-9]/1[0-2])"
            r"(?![\d/.\-]?\d)"
        ),
        0.85,
    ),
    # "the 3rd of the 9th, 1950", "14th of the 3rd, 69": a month by its number
    (
        re.compile(
            rf"(?i)\b(?:the[ ]+)?{_DAY}[ ]+of[ ]+the[ ]+(?:1[0-2]|[1-9])(?:st|nd|rd|th)"
            rf"(?:,?[ ]+(?:{_YEAR}|\d\d))?(?![\w])"
        ),
        0.85,
    ),
    # "12 03 76": day, month with its leading zero (or 10-12), year, parted by spaces
    (
        re.compile(
            r"(?=\d)(?<![\d:.,£$])(?:0?[1-9]|[12]\d|3[01])[ ](?:0[1-9]|1[0-2])[ ](?:19|20)?\d\d"
            r"(?![\d:])"
        ),
        0.85,
    ),
    # "twelve, zero three, seventy-six", "zero three, zero six, zero four": a date said as
    # numbers, its month with a spoken leading zero
    (
        re.compile(
            rf"(?i)\b(?:(?:zero|oh)[ \-]{_DIGIT_WORD}|{_DAY_NUMBER_WORD}),?[ ]+"
            rf"(?:zero|oh)[ \-]{_DIGIT_WORD},?[ ]+"
            rf"(?:(?:zero|oh)[ \-](?:zero|oh|{_DIGIT_WORD})|{_TENS_WORD}(?:[ \-]{_DIGIT_WORD})?)\b"
            r"(?![ \-,]+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double)\b)"
        ),
        0.85,
    ),
)
_YEAR_ALONE = re.compile(
    r"(?i)\b(?:in|since|from|until|till|til|around|about|by|of|back[ ]+in|before|after|"
    r"early|late|mid|during|born)[ ]+(?P<year>(?:19[2-9]\d|20[0-3]\d))\b"
    r"(?![ ]*(?:pounds|quid|people|%))"
)

_YEAR_ALONE_ANYWHERE = re.compile(
    r"(?<![\p{L}\p{N}£$.,:/\-])(?:19[2-9]\d|20[0-3]\d)(?![\p{L}\p{N}/\-]|[.:,]\d)"
)

# Years said in words: "nineteen seventy-four", "nineteen and fifty", "two thousand and
# eleven", "twenty twenty-one"; and a two-word year after a word that introduces a time
# ("in sixty-seven", "the spring of seventy-nine", "to ninety-six").
_UNITS_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TENS_WORD = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_TEENS_WORD = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TWO_DIGITS = rf"(?:{_TENS_WORD}(?:[ \-]{_UNITS_WORD})?|{_TEENS_WORD})"
_SPOKEN_YEAR = re.compile(
    rf"(?i)\b(?:nineteen[ \-](?:and[ ]+)?(?:{_TWO_DIGITS}|hundred(?:[ ]+and[ ]+{_TWO_DIGITS})?)"
    rf"|two[ ]+thousand(?:[ ]+and)?[ ]+(?:{_TWO_DIGITS}|{_UNITS_WORD})"
    rf"|twenty[ ](?:{_TEENS_WORD}|twenty(?:[ \-]{_UNITS_WORD})?)|twenty-twenty-{_UNITS_WORD})\b"
    rf"(?:[ ]+(?:to|till|until)[ ]+{_TENS_WORD}[ \-]{_UNITS_WORD}\b)?"
    r"(?![ \-]*(?:years?|pounds|quid|grand|people|times|odd|something|ish|%))"
)
_TWENTY_TEEN = re.compile(rf"(?i)twenty[ ]{_TEENS_WORD}\b")
# "I was twenty, twenty-one", "like twenty twenty-one": ages in a row, not a year.
_AGE_BEFORE_YEAR = re.compile(
    r"(?i)\b(?:was|were|is|am|['’]m|['’]s|aged|turned|turning|be|like|about|around|maybe)"
    r"[ ,]+$"
)
# "since about nineteen eighty-five": a word that introduces a time makes it a year again.
_YEAR_INTRO_BEFORE = re.compile(
    r"(?i)\b(?:since|in|from|until|till|before|after)[ ]+(?:about|around|like|maybe)[ ,]+$"
)
_SHORT_YEAR = re.compile(
    rf"(?i)\b(?:in|since|back[ ]+in|(?:spring|summer|autumn|winter|end|"
    rf"start|beginning|middle)[ ]+of)[ ]+(?P<year>{_TENS_WORD}[ \-]{_UNITS_WORD})\b"
    r"(?![ \-]*(?:years?|pounds|quid|grand|people|times|days|weeks|months|miles|minutes|"
    r"hours|per|percent|%|odd|something|ish))"
)

# A year cut short with an apostrophe: "the summer of '23", "back in '09", "since 'ninety".
_APOSTROPHE_YEAR = re.compile(
    r"(?i)\b(?:(?P<when>(?:(?:early|late|mid)[ \-]+)?(?:spring|summer|autumn|winter)(?:[ ]+of)?"
    r"|christmas|easter|(?:end|start|beginning|middle)[ ]+of)[ ]+"
    r"|(?:in|since|back[ ]+in|from|until|till|of|by)[ ]+)"
    rf"(?P<year>['’](?:\d\d|{_TENS_WORD}(?:[ \-]{_UNITS_WORD})?))(?![\p{{L}}\p{{N}}'’])"
)
# A month and a year said short: "June eighty-two", "March 97". The number cannot be a day
# of the month (above 31), and nothing stands between the two words.
_MONTH_SHORT_YEAR = re.compile(
    rf"(?<![\p{{L}}]){_MONTH}[ ]+(?P<year>{_TENS_WORD}(?:[ \-]{_UNITS_WORD})?|[3-9]\d)"
    r"(?![\p{L}\p{N}\-])"
    r"(?![ \-]*(?:years?|pounds|quid|grand|people|times|odd|something|ish|%))"
)
# A year said short again right after a year ("1994, ninety-five", "Nineteen ninety-one.
# Ninety-one. No, no, ninety-two."): within this many years of it.
_YEAR_AGAIN = re.compile(
    r"(?i)(?:[ ]*[,.][ ]*|[ ]+(?:or|to|and|till|until)[ ]+)(?:(?:no|sorry|wait|or)[ ,.]+)*"
    rf"(?P<year>{_TENS_WORD}(?:[ \-]{_UNITS_WORD})?)(?![\p{{L}}\p{{N}}\-])"
    r"(?![ \-]*(?:years?|pounds|quid|grand|people|times|odd|something|ish|%))"
)
YEAR_AGAIN_SPAN = 5
_LAST_TWO_DIGITS = re.compile(r"(\d\d)$")


def _two_digit_year(said: str) -> int | None:
    """The last two digits of a year as said ("1994", "nineteen ninety-one", "'99")."""
    said = said.strip()
    m = _LAST_TWO_DIGITS.search(said)
    if m:
        return int(m.group(1))
    words = re.split(r"[ ]+", said.lower())
    if len(words) < 2:
        return None
    value = number_value(words[-1]) if "-" in words[-1] else None
    if value is None:
        value = number_value(" ".join(words[-2:]))
    if value is None:
        value = number_value(words[-1])
    return value if value is not None and value < 100 else None


# Days that fall on one date: "Father's Day", "New Year's Eve 2021", "Christmas Day".
_HOLIDAY = re.compile(
    r"\b(?:(?:New[ ]+Year['’]?s?|Christmas|Boxing|Valentine['’]?s|Mother['’]?s|Father['’]?s|"
    r"Mothering|Remembrance|St\.?[ ]+Patrick['’]?s|Guy[ ]+Fawkes|Bonfire|Armistice|"
    r"Independence|Easter|May|Burns)[ ]+(?:Day|Eve|Night|Sunday|Monday)|Halloween|"
    rf"Hallowe['’]en)(?:,?[ ]+{_YEAR})?\b"
    rf"|\b(?:Christmas|Easter|Eid|Diwali|Ramadan|Hanukkah|Passover)(?:,?[ ]+(?:of[ ]+)?){_YEAR}\b"
)
# Month names on their own. Words that are also names or verbs ("May", "March") only
# after a word that introduces a time.
# A day of the month on its own after a preposition or a month, where it ends the phrase:
# "back in A&E on the 27th with pneumonia", "in January, the 14th,", "good luck on the
# 2nd", "ten month on the twentieth"; or a sentence of its own after a day of the week
# ("That were the Monday. The 1st."). Not "on the 2nd floor", "the 3rd time" or "on the
# fifth" (an ordinal below the eleventh in words is too often a floor or a place in line).
_DAY_ORD_WORD = "(?:" + "|".join([_COMPOUND_ORD, *_ORD_WORDS[10:]]) + ")"
_DAY_ALONE = re.compile(
    # The first letter of a preposition, a month or a day, looked for first: much faster.
    r"(?=[oObBuUtTfFsSaAjJmMnNdDwW])"
    rf"(?:\b(?i:on|by|until|till|from|since|before|after)|{_MONTH},?"
    r"|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day[.!?](?=[ ]+The\b))[ ]+(?i:the)[ ]+"
    rf"(?P<day>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)|(?i:{_DAY_ORD_WORD}))"
    r"(?=[ ]*(?:[,.;:!?)]|$)|[ ]+(?i:with|and|when|at|in|for|but|because|cos|so|then|i|he|she|"
    r"we|they|you|it|was|is)\b)",
    re.MULTILINE,
)
# The day said as the next sentence after a month and year: "November 2021. The ninth."
_DAY_AFTER_MONTH_YEAR = re.compile(
    rf"{_MONTH}[ ]+(?:19|20)\d\d[.!?][ ]+(?i:the)[ ]+"
    rf"(?P<day>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)|(?i:{_ORD_WORD}))(?=[ ]*[.,;:!?])"
)
# A day of the month in figures after "the", ending its phrase, with a month named near
# it: "in November, I think the 21st.", "june 2021. the 11th? no. the 14th.", "the 12th
# was the original date".
_DAY_NEAR_MONTH = re.compile(
    r"(?<![\p{L}\p{N}])(?i:the)[ ]+(?P<day>(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th))"
    r"(?=[ ]*(?:[,.;:!?)]|$)|[ ]+(?i:with|and|when|at|in|for|but|because|cos|so|then|i|he|she|"
    r"we|they|you|it|was|is|no|into|to|till|until|or)\b)",
    re.MULTILINE,
)
_MONTH_NAMED = re.compile(rf"(?<![\p{{L}}]){_MONTH}(?![\p{{L}}])")
MONTH_NEAR_CHARS = 100
_MONTH_FIRST = re.compile(_MONTH + r",?[ ]")
# A season or a holiday right before a year (see :meth:`CalendarDateRecognizer.find`).
_WHEN = (
    r"(?i:\b(?:(?:(?:early|late|mid)[ \-]+)?(?:spring|summer|autumn|winter)(?:[ ]+of)?"
    r"|christmas(?:[ ]+(?:eve|day))?|boxing[ ]+day|new[ ]+year['’]?s?(?:[ ]+(?:eve|day))?"
    r"|easter)(?:,?[ ]+it[ ]+was)?,?[ ]+)"
)
_WHEN_BEFORE = re.compile(_WHEN + "$")
_WHEN_YEAR = re.compile(_WHEN + r"(?:19|20)\d\d\b")
_PLAIN_MONTHS = re.compile(
    r"\b(?:January|February|July|September|October|November|December|Jan|Feb|Sept?|Oct|Nov|Dec)\b"
)
_AMBIGUOUS_MONTHS = re.compile(
    r"(?i:\b(?:in|since|until|till|til|by|from|last|next|this|every|early|late|mid|of|"
    r"around|before|after|through|during|end[ ]+of|start[ ]+of|beginning[ ]+of)[ ]+)"
    r"(?P<month>March|April|May|June|August)\b"
)
# The same months in lower case ("closing end of march", "seventeen in may, naw"), after a
# word that only introduces a time, where the month ends its phrase or a pronoun or a
# linking word follows ("in may i went"); never before a verb ("by may be", "this may
# be"). A march, the walk, after "in" is taken for the month.
_LOWER_AMBIGUOUS_MONTHS = re.compile(
    r"(?i:\b(?:in|since|until|till|til|by|from|last|next|early|late|mid|end[ ]+of|"
    r"start[ ]+of|beginning[ ]+of|middle[ ]+of)[ ]+)"
    r"(?P<month>march|april|may|june|august)"
    r"(?=[ ]*(?:[.,;:!?)\n]|$|[ ]+(?i:\d|i|he|she|we|they|it|and|or|but|so|then|when|last|"
    r"this|next|time|just|naw|no|yeah|because|cos)\b))"
)

# The same months right before a year, in figures or words ("march twenty twenty-two").
_MONTH_BEFORE_YEAR = re.compile(
    r"(?i)\b(?P<month>march|april|may|june|august)[ ]+"
    r"(?=(?:19|20)\d\d\b|nineteen[ \-]|twenty[ \-]twenty|two[ ]+thousand)"
)

# A year given as the answer to "when ...?" or "what year ...?", before any other word of
# the answer ("When did you come over? ... 2011. Me and Kamala."); a speaker's label or
# a timestamp may come between.
# A year said as a sentence of its own opening a turn: "<v Participant>1991. I was
# eighteen.", "A: 2008. Nineteen years.", "[00:06:42] Speaker 2 2014. i was nineteen".
_YEAR_OPENS_TURN = re.compile(
    r"(?:^|(?<=<v[ ][^>\n]{1,30}>)|(?<=^[\p{L}\p{N} ]{1,20}:[ ]{1,3})"
    r"|(?<=^\[\d{1,2}(?::\d\d){1,2}\][ ]+\p{L}+(?:[ ]\d{1,2})?[ ]+))"
    r"(?:19[3-9]\d|20[0-4]\d)(?=[.!?][ ]+\p{L}|[.!?]?[ ]*$)",
    re.MULTILINE,
)
_WHEN_QUESTION = re.compile(r"(?i)\b(?:when|what[ ]+year|which[ ]+year)\b[^?\n]{0,80}\?")
_WORD_BEFORE_ANSWER = re.compile(r"(?i)\b(?!speaker\b|participant\b|p\d|a\b)\p{L}{2,}")
YEAR_ANSWER_CHARS = 40
_SHORT_YEAR_ANSWER = re.compile(
    rf"(?i)(?<![\p{{L}}\-]){_TENS_WORD}[ \-]{_UNITS_WORD}(?=[ ]*[.!,;]|[ ]*$)", re.MULTILINE
)


class CalendarDateRecognizer(QualkitRecognizer):
    """Calendar dates and dates of birth; never relative ones ("last week")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (DATE_TIME,)
    RANK: ClassVar[int] = 20
    SCORE: ClassVar[float] = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        for hit in self._dates(text):
            yield hit
            # "spring twenty eighteen", "christmas eve, it was, 2022": the season or
            # holiday the year is given for is part of the date.
            when = _WHEN_BEFORE.search(text, max(0, hit.start - 40), hit.start)
            if when:
                yield Hit(when.start(), hit.end, DATE_TIME, 0.86)
        for m in _WHEN_YEAR.finditer(text):
            yield Hit(m.start(), m.end(), DATE_TIME, 0.86)
        for m in _MONTH_SHORT_YEAR.finditer(text):
            value = number_value(m.group("year"))
            if value is not None and 32 <= value <= 99:
                yield Hit(m.start(), m.end(), DATE_TIME, 0.86)
        yield from self._years_again(text)
        answers: set[int] = set()
        for q in _WHEN_QUESTION.finditer(text):
            m = _YEAR_ALONE_ANYWHERE.search(text, q.end(), q.end() + YEAR_ANSWER_CHARS)
            if m is not None and not _WORD_BEFORE_ANSWER.search(text, q.end(), m.start()):
                answers.add(m.start())
                yield Hit(m.start(), m.end(), DATE_TIME, 0.6)
            # "When did you come out? Ninety-seven.": a year said short, as the answer.
            m = _SHORT_YEAR_ANSWER.search(text, q.end(), q.end() + YEAR_ANSWER_CHARS)
            if m is not None and not _WORD_BEFORE_ANSWER.search(text, q.end(), m.start()):
                yield Hit(m.start(), m.end(), DATE_TIME, 0.6)
        for m in _YEAR_OPENS_TURN.finditer(text):
            if m.start() not in answers:
                yield Hit(m.start(), m.end(), DATE_TIME, 0.6)

    def _years_again(self, text: str) -> Iterator[Hit]:
        """A year said short after a year, within a few years of it ("1994, ninety-five")."""
        years = [
            (m.end(), _two_digit_year(m.group(0)))
            for pattern in (_YEAR_ALONE_ANYWHERE, _SPOKEN_YEAR)
            for m in pattern.finditer(text)
        ]
        for end, last in years:
            while last is not None:
                m = _YEAR_AGAIN.match(text, end)
                value = number_value(m.group("year")) if m else None
                if m is None or value is None or abs(value - last) > YEAR_AGAIN_SPAN:
                    break
                yield Hit(m.start("year"), m.end("year"), DATE_TIME, 0.86)
                end, last = m.end("year"), value

    def _dates(self, text: str) -> Iterator[Hit]:
        for pattern, score in _DATE_PATTERNS:
            for m in pattern.finditer(text):
                start = m.start()
                if text[start : start + 4].lower() == "the ":
                    start += 4
                yield Hit(start, m.end(), DATE_TIME, score)
        for m in _YEAR_ALONE.finditer(text):
            yield Hit(m.start("year"), m.end("year"), DATE_TIME, 0.6)
        # Scored above spaCy's 0.85: Presidio keeps the higher of two results on one span,
        # and spaCy's DATE on words alone is dropped later as a relative time.
        for m in _SPOKEN_YEAR.finditer(text):
            # Nobody is two thousand years old ("it were two thousand and sixteen"), and
            # ages said in a row go up ("twenty, twenty-one"), not down ("twenty sixteen").
            if (
                m.group(0).lower().startswith("two")
                or _TWENTY_TEEN.match(m.group(0)) is not None
                or not _AGE_BEFORE_YEAR.search(text, max(0, m.start() - 12), m.start())
                or _YEAR_INTRO_BEFORE.search(text, max(0, m.start() - 24), m.start())
            ):
                yield Hit(m.start(), m.end(), DATE_TIME, 0.86)
        for m in _SHORT_YEAR.finditer(text):
            yield Hit(m.start("year"), m.end("year"), DATE_TIME, 0.86)
        for m in _APOSTROPHE_YEAR.finditer(text):
            start = m.start("when") if m.group("when") else m.start("year")
            yield Hit(start, m.end("year"), DATE_TIME, 0.86)
        for m in _HOLIDAY.finditer(text):
            yield Hit(m.start(), m.end(), DATE_TIME, 0.7)
        for m in _PLAIN_MONTHS.finditer(text):
            yield Hit(m.start(), m.end(), DATE_TIME, 0.6)
        # Above spaCy's 0.85, as for years: spaCy's "the 27th" is dropped later.
        for m in _DAY_ALONE.finditer(text):
            # "January the twenty-fifth": the month is part of the date.
            start = m.start() if _MONTH_FIRST.match(m.group(0)) else m.start("day")
            yield Hit(start, m.end("day"), DATE_TIME, 0.86)
        for m in _DAY_AFTER_MONTH_YEAR.finditer(text):
            yield Hit(m.start("day"), m.end("day"), DATE_TIME, 0.86)
        for m in _DAY_NEAR_MONTH.finditer(text):
            start, end = max(0, m.start() - MONTH_NEAR_CHARS), m.end() + MONTH_NEAR_CHARS
            if _MONTH_NAMED.search(text, start, end):
                yield Hit(m.start("day"), m.end("day"), DATE_TIME, 0.86)
        for pattern in (_AMBIGUOUS_MONTHS, _LOWER_AMBIGUOUS_MONTHS, _MONTH_BEFORE_YEAR):
            for m in pattern.finditer(text):
                yield Hit(m.start("month"), m.end("month"), DATE_TIME, 0.6)


# Languages an interview may switch into whose month names (from ``babel``) make a date
# with a day or a year beside them ("le dix-sept mars deux mille dix-neuf", "noviembre del
# diecinueve", "3 maja 2019"). Days and years in words are read for the languages the
# ``text2num`` parser knows; the others need figures.
MONTH_LOCALES = (
    "es", "pt", "fr", "it", "de", "nl", "pl", "ro", "lt", "lv", "cs", "sk", "tr", "hu", "sl",
    "sr_Latn", "sq", "cy",
)  # fmt: skip
WORD_NUMBER_LANGUAGES = frozenset({"es", "pt", "fr", "it", "de", "nl"})
# Languages whose days of the month in words are read with ``num2words``'s numbers.
_DAY_WORDS = frozenset({"pl", "ro", "lt", "lv", "cs", "sk", "tr", "hu", "sl"})
_YEAR_LINKS = frozenset({"de", "del", "di", "do", "da", "du", "w", "roku", "im", "en", "in"})
_NEAR_WORD = re.compile(r"[ ]*,?[ ]*(?P<word>[\p{L}\p{N}][\p{L}\p{N}\-]*)")
_DAY_BEFORE = re.compile(
    r"(?<![\p{L}\p{N}\-])(?P<word>[\p{L}\p{N}][\p{L}\p{N}\-]*)(?:(?<=\d)\.)?[ ]+"
    r"(?:(?i:de|of)[ ]+)?$"
)
YEAR_WORDS = 5


@cache
def other_language_months() -> dict[str, str]:
    """Month names of :data:`MONTH_LOCALES` in lower case, with and without accents, each
    with its language; English month names are left to :class:`CalendarDateRecognizer`.
    The first use writes them to the cache folder (loading ``babel``'s locales takes about
    15 MB); later uses read that."""
    name = f"months-{version('babel')}-{len(MONTH_LOCALES)}-v1.txt"
    lines = cached_lines(name, lambda: (f"{w} {lang}" for w, lang in _months_from_babel().items()))
    return {word: lang for word, lang in (line.split(" ") for line in lines)}


def _months_from_babel() -> dict[str, str]:
    from babel.dates import get_month_names

    english = set(MONTHS)
    out: dict[str, str] = {}
    for locale in MONTH_LOCALES:
        lang = locale.split("_")[0]
        for name in get_month_names("wide", locale=locale).values():
            low = str(name).casefold()
            for form in (low, without_accents(low)):
                if " " not in form and form not in english:
                    out.setdefault(form, lang)
    return out


_MONTH_WORD = re.compile(r"(?<![\p{L}\p{N}\-])\p{L}{3,}(?![\p{L}\p{N}\-])")


class OtherLanguageDateRecognizer(QualkitRecognizer):
    """A date said in another language: a month's name with a day before it or a year after
    it, in figures or, for some languages, in words ("noviembre del diecinueve", "le
    dix-sept mars deux mille dix-neuf", "3 maja 2019"). A month's name alone is left: in
    another language, as in English, it is often a name or a word ("Mars", "Avril")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (DATE_TIME,)
    RANK: ClassVar[int] = 20
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        months = other_language_months()
        for m in _MONTH_WORD.finditer(text):
            lang = months.get(m.group(0).casefold())
            if lang is None:
                continue
            start = self._day_start(text, m.start(), lang)
            end = self._year_end(text, m.end(), lang)
            if start < m.start() or end > m.end():
                yield Hit(start, end, DATE_TIME, self.SCORE)

    @staticmethod
    def _value(words: str, lang: str) -> int | None:
        if words.isdigit():
            return int(words)
        if lang not in WORD_NUMBER_LANGUAGES:
            # A day in words of a language ``text2num`` does not parse ("cincisprezece
            # martie"), from ``num2words``.
            return other_language_numbers((lang,), 31).get(words) if lang in _DAY_WORDS else None
        said = alpha2digit(words.replace("-", " "), lang)
        return int(said) if said.isdigit() else None

    def _day_start(self, text: str, start: int, lang: str) -> int:
        """Where a day of the month said before the month starts ("17 de mayo", "dix-sept
        mars"), or ``start`` if there is none."""
        lo = max(0, start - 40)
        m = _DAY_BEFORE.search(text, lo, start)
        if m is None:
            return start
        value = self._value(m.group("word").casefold(), lang)
        return m.start("word") if value is not None and 1 <= value <= 31 else start

    def _year_end(self, text: str, end: int, lang: str) -> int:
        """Where a year said after the month ends ("de 2019", "del diecinueve", "deux mille
        vingt-deux"), or ``end`` if there is none."""
        pos, linked = end, False
        words: list[re.Match[str]] = []
        while len(words) < YEAR_WORDS:
            m = _NEAR_WORD.match(text, pos)
            if m is None:
                break
            if not words and not linked and m.group("word").casefold() in _YEAR_LINKS:
                linked, pos = True, m.end()
                continue
            words.append(m)
            pos = m.end()
        best = end
        for i in range(len(words), 0, -1):
            said = text[words[0].start("word") : words[i - 1].end("word")]
            value = self._value(said.casefold(), lang)
            if value is not None and (1900 <= value <= 2099 or (linked and 10 <= value <= 99)):
                best = words[i - 1].end("word")
                break
        return best


_HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")


# A handle given after the app's name: "my snap is blessings.mumz", "insta, it's jo dot k
# twenty", "my snap was like tee dot lil zero seven", "snap me, it's kay.xo", "my TikTok is
# at kay dot tudno". Written, it holds a dot, underscore or digit; said, "dot" or
# "underscore" (and "at" for "@").
_APP_HANDLE = re.compile(
    r"(?i)\b(?:snap(?:chat)?|insta(?:gram)?|ig|tik[ ]?tok|twitter|facebook|fb|threads)"
    r"(?:[ ]+(?:me|us))?(?:[ ]+(?:name|handle|username|account|page))?"
    r"[ ]*[,:]?[ ]*(?:is|was|it['’]?s|=)?[ ]*:?[ ]*"
    r"(?:like,?[ ]+)?"
    r"@?(?P<handle>[\p{L}\p{N}_]+(?:[._][\p{L}\p{N}_]+)+|(?=[\p{N}_]*\p{L})[\p{L}\p{N}_]*\d[\p{L}\p{N}_]*"
    r"|(?:at[ ]+)?[\p{L}\p{N}]+(?:[ ]+(?:dot|underscore)[ ]+[\p{L}\p{N}]+)+)"
)
_SPOKEN_TAIL = re.compile(r",?[ ]+(?P<word>[\p{L}]+(?:-[\p{L}]+)?)")

# A word shaped like a username (two letters or more, a dot or underscore, and a digit
# next to a letter, an underscore or two dots: not "covid.19"), read out anywhere in a
# transcript that names a social app ("add me on Snapchat, it's easier. jo.kdz06",
# "me old one was crocky_jay", "snap me. shan.dee.xo", "a fake account, ryan.mc.2001").
_HANDLE_SHAPE = re.compile(
    r"(?<![\p{L}\p{N}_.@/:])"
    r"(?=[\p{L}\p{N}_.]*(?:\p{L}\d|\d\p{L}|\p{L}_\p{L}|_[\p{L}\p{N}_.]*\d)"
    r"|(?!(?i:www)\.)"
    r"(?![\p{L}\p{N}_.]*\.(?i:com|org|net|uk|gov|ac|co|nhs|scot|cymru|wales|ie|io|info)\b)"
    r"[\p{L}\p{N}_]+\.[\p{L}\p{N}_]+\.[\p{L}\p{N}])"
    r"(?=[\p{L}\p{N}_.]*?\p{L}{2})"
    r"\p{L}[\p{L}\p{N}_]*(?:[._][\p{L}\p{N}_]+)+(?![\p{L}\p{N}_@/]|\.[\p{L}\p{N}])"
)
# Two lower-case words joined by a dot ("kayz.xo", "deeksy.k"), no web address or e-mail
# domain, in a transcript that names a social app.
_DOTTED_SHAPE = re.compile(
    r"(?<![\p{L}\p{N}_.@/:])(?!(?i:www)\.)\p{Ll}{2,}\."
    r"(?!(?:com|org|net|uk|gov|ac|co|nhs|scot|cymru|wales|ie|io|info)\b)\p{Ll}+"
    r"(?![\p{L}\p{N}_@/]|\.[\p{L}\p{N}])"
)
# A word written with a digit for a letter ("kr4kenz", "n1ghtowl"), with four letters or
# more, in a transcript that names a social app: a gamer's or user's name.
_LEET_SHAPE = re.compile(
    r"(?<![\p{L}\p{N}_.@/:])(?=(?:\p{N}*\p{L}){4})"
    r"\p{L}+(?:\p{N}+\p{L}+)+\p{N}*(?![\p{L}\p{N}_@/]|\.[\p{L}\p{N}])"
)
# A handle said with "underscore" where an app is named, its parts apart or read out one
# by one: "so jaydz underscore x zero nine?", "Kaydee, underscore, twenty-two, x".
_SAID_PART = r"[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*"
_SAID_MARK = r",?[ ]+(?i:{word}),?[ ]+"
_SAID_HANDLE = re.compile(
    r"(?<![\p{L}\p{N}])(?!(?i:the|a|an|my|your|and|or|is|it|its|that|this)[ ,])"
    rf"{_SAID_PART}(?:{_SAID_MARK.format(word='dot|underscore')}{_SAID_PART})*"
    rf"{_SAID_MARK.format(word='underscore')}{_SAID_PART}"
    rf"(?:{_SAID_MARK.format(word='dot|underscore')}{_SAID_PART})*"
)
# A handle spelt out letter by letter, with "underscore" or "dot" ("R O R Y B, underscore,
# M L two"): items apart, each a single letter, a number, or one of those two words.
SPELT_LETTERS = 3
_SPELT_MARK = re.compile(r"(?i)(?<![\p{L}])(?:underscore|dot)(?![\p{L}])")
_APP_NAMED = re.compile(
    r"(?i)\b(?:snap(?:chat)?|insta(?:gram)?|tik[ ]?tok|twitter|facebook|threads|discord|"
    r"telegram|whatsapp|grindr|tinder|hinge|bumble|sniffies|wechat|weixin|viber|skype|kik)\b"
)

# "my discord is mossandstatic": one word in lower case that is no English word, given as
# someone's name on an app (a capitalised one is more likely their own name).
_APP_WORD = re.compile(
    r"(?i)\b(?:my|his|her|their|your)[ ]+"
    + _APP_NAMED.pattern.removeprefix("(?i)")
    + r"(?:[ ]+(?:name|handle|username|account))?(?:[ ]+(?:is|was)|['’]s)[ ]+@?"
    r"(?P<handle>(?-i:\p{Ll})[\p{L}\p{N}_]{3,})(?![\p{L}\p{N}_.@])"
)
# "I'm on discord as kaimoth": the name someone goes by on an app.
_APP_AS_HANDLE = re.compile(
    r"(?i)\b(?:on|in)[ ]+(?:the[ ]+)?"
    + _APP_NAMED.pattern.removeprefix("(?i)")
    + r"[ ]+as[ ]+@?(?P<handle>[\p{L}\p{N}_.]*[\p{L}\p{N}_])"
)


class SocialHandleRecognizer(QualkitRecognizer):
    """Social-media handles such as @name_123, a handle given after the app's name, written
    or said ("my snap is jo.k20", "insta, it's jo dot k twenty"), a word shaped like a
    handle anywhere in a transcript that names an app, and each of those handles read back
    or spelt out ("@kaimarlz.beats": "kai, m-a-r-l-z, dot beats")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (SOCIAL_HANDLE, PERSON)
    RANK: ClassVar[int] = 10
    SCORE: ClassVar[float] = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        hits = list(self._handles(text))
        yield from hits
        said: set[tuple[int, int]] = set()
        for written in sorted({text[h.start : h.end].lstrip("@") for h in hits}):
            pattern = read_back_pattern(written) if re.search(r"[._\d]", written) else None
            if pattern is not None:
                for m in pattern.finditer(text):
                    if not any(h.start <= m.start() and m.end() <= h.end for h in hits):
                        said.add(m.span())
                        yield Hit(m.start(), m.end(), SOCIAL_HANDLE, 0.7)
            ends = [h.end for h in hits if text[h.start : h.end].lstrip("@") == written]
            told = told_back(text, written) if " " not in written else ()
            for start, words_end, spelt, end in told:
                if (start, end) in said or any(h.start <= start and end <= h.end for h in hits):
                    continue
                if any(0 <= start - e <= TOLD_BACK_AFTER for e in ends):
                    said.add((start, end))
                    # The words said first are a name, and mask that name elsewhere too.
                    if words_end > start:
                        yield Hit(start, words_end, PERSON, 0.7)
                    yield Hit(spelt, end, SOCIAL_HANDLE, 0.7)

    def _handles(self, text: str) -> Iterator[Hit]:
        for m in _HANDLE.finditer(text):
            yield Hit(m.start(), m.end(), SOCIAL_HANDLE, self.SCORE)
        given: set[tuple[int, int]] = set()
        for m in _APP_AS_HANDLE.finditer(text):
            if m.group("handle").lower() not in STOP_WORDS:
                given.add(m.span("handle"))
                yield Hit(m.start("handle"), m.end("handle"), SOCIAL_HANDLE, 0.7)
        for m in _APP_WORD.finditer(text):
            if not self.ctx.lexicon.is_known(m.group("handle").lower()):
                given.add(m.span("handle"))
                yield Hit(m.start("handle"), m.end("handle"), SOCIAL_HANDLE, 0.7)
        for m in _APP_HANDLE.finditer(text):
            end = m.end("handle")
            if " dot " in m.group("handle") or " underscore " in m.group("handle"):
                end = _with_number_words(text, end)
            given.add((m.start("handle"), end))
            yield Hit(m.start("handle"), end, SOCIAL_HANDLE, 0.75)
        if _APP_NAMED.search(text):
            for pattern in (_HANDLE_SHAPE, _LEET_SHAPE, _DOTTED_SHAPE):
                for m in pattern.finditer(text):
                    if m.span() not in given:
                        yield Hit(m.start(), m.end(), SOCIAL_HANDLE, 0.6)
            spelt = list(_spelt_handles(text)) if _SPELT_MARK.search(text) else []
            for m in _SAID_HANDLE.finditer(text):
                start = _with_letters_before(text, m.start())
                end = _with_number_words(text, m.end())
                if not any(h.start < end and start < h.end for h in spelt):
                    yield Hit(start, end, SOCIAL_HANDLE, 0.6)
            yield from spelt


# A letter said on its own before a handle said aloud ("t b underscore 98", "t. reese
# underscore 05"); not "a" or "I", which are words.
_LETTER_BEFORE = re.compile(r"(?<![\p{L}\p{N}])(?![aAiI][ ])\p{L}\.?[ ]+$")
_AT_BEFORE = re.compile(r"(?<![\p{L}\p{N}])(?i:at)[ ]+$")


def _with_letters_before(text: str, start: int) -> int:
    """The start of a handle said aloud, with the single letters said before its first
    part ("t b underscore 98") and "at" said for its "@" ("At sasha underscore zp")."""
    while m := _LETTER_BEFORE.search(text, max(0, start - 3), start):
        start = m.start()
    if m := _AT_BEFORE.search(text, max(0, start - 4), start):
        start = m.start()
    return start


def _with_number_words(text: str, end: int) -> int:
    """The end of a handle said aloud, with the number words ("oh" too) and single letters
    (not "a" or "I") said after its last part ("... ss fourteen", "... x zero nine", "...,
    x")."""
    while tail := _SPOKEN_TAIL.match(text, end):
        word = tail.group("word")
        letter = len(word) == 1 and word.lower() not in ("a", "i")
        if not letter and word.lower() != "oh" and number_value(word) is None:
            break
        end = tail.end()
    return end


def _spelt_handles(text: str) -> Iterator[Hit]:
    """Handles spelt out: runs of single letters, numbers ("double nine" too), "underscore"
    and "dot", with at least :data:`SPELT_LETTERS` letters and one of those two words."""
    run: list[tuple[int, int, str]] = []

    def close() -> Iterator[Hit]:
        while run and run[-1][2] in ("mark", "repeat"):
            run.pop()
        kinds = [kind for _, _, kind in run]
        if kinds.count("letter") >= SPELT_LETTERS and "mark" in kinds:
            yield Hit(run[0][0], run[-1][1], SOCIAL_HANDLE, 0.65)

    pos = 0
    for m in SPELT_ITEM.finditer(text):
        word = m.group(0)
        low = word.lower()
        if len(word) == 1 and word.isalpha():
            kind = "letter"
        elif low in ("underscore", "dot"):
            kind = "mark"
        elif low in ("double", "triple"):
            kind = "repeat"  # "double nine"
        elif word.isdigit() or number_value(low) is not None:
            kind = "number"
        else:
            kind = ""
        joined = bool(run) and SPELT_SEPARATOR.fullmatch(text, pos, m.start()) is not None
        if kind and (joined or not run):
            run.append((m.start(), m.end(), kind))
        else:
            yield from close()
            run = [(m.start(), m.end(), kind)] if kind else []
        pos = m.end()
    yield from close()


# A flat, room, house, caravan or pitch number, or "number" and one, in digits or words:
# part of an address that no street may follow ("Flat three.", "I'm room 4", "pitch
# eleven"). A reviewer tells these apart from "room three months" or "number one" as a
# priority.
_HOUSE_NUMBER = re.compile(
    r"(?i)\b(?:flat|room|number|no\.|pitch|house|unit|caravan|chalet)[ ]+"
    rf"(?P<n>(?>\d{{1,3}}[a-z]?|{_TWO_DIGITS}|{_UNITS_WORD}))\b(?![\-])"
    r"(?![ \-]*(?:months?|weeks?|years?|days?|nights?|hours?|minutes?|doors?|times?|of\b"
    r"|o['’]clock|in[ ]+the[ ]+queue|%|pounds|quid|grand|people))"
)


def house_numbers(text: str) -> list[tuple[int, int]]:
    """Where a flat, room, house or pitch number is said (with the word before it), except
    "number one", which is said of priorities more than of houses."""
    return [
        m.span()
        for m in _HOUSE_NUMBER.finditer(text)
        if not (m.group(0).lower().startswith("number") and m.group("n").lower() in ("one", "1"))
    ]
