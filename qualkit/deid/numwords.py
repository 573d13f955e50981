"""Numbers said in words, read with the ``text2num`` parser.

``number_value`` reads one cardinal or ordinal ("seventeen", "twenty-three", "eighteenth");
``spoken_digits`` reads out a number as people dictate it ("oh seven seven double oh,
nine hundred"), which the parser does not cover: "oh" for zero, "double" and "triple",
and "hundred" or "thousand" closing a group of digits; and the digits of languages an
interview may switch into ("cero siete siete"), spelt by the ``num2words`` package.
"""

from __future__ import annotations

from functools import cache, lru_cache

import regex as re
from num2words import num2words
from text_to_num import alpha2digit, text2num

from qualkit.deid.textutil import without_accents

ZERO_WORDS = frozenset({"oh", "o", "zero", "nought", "nil"})
REPEAT_WORDS = {"double": 2, "triple": 3, "treble": 3}
# Digits as Scots speakers say them and transcribers type them ("four six wan", "four yin
# three", "nine double oh, fower five two", "wan-seven-three, fower-twa-sax", "fower one
# echt").
DIALECT_DIGITS = {
    "wan": "1", "yin": "1", "twa": "2", "thrie": "3", "fower": "4", "sax": "6", "seeven": "7",
    "echt": "8", "aucht": "8",
}  # fmt: skip
GROUP_WORDS = {"hundred": "00", "hunner": "00", "thousand": "000"}  # "hunner": Scots
# Languages whose digits a number read out through an interpreter may be said in, written
# in the Latin alphabet. Their digit words of one or two letters ("un", "du") and those that
# are English words ("due", "hat", "pet") are left out.
DIGIT_LANGUAGES = (
    "es", "pt", "fr", "it", "de", "nl", "pl", "ro", "lt", "lv", "cs", "sk", "tr", "hu", "sl", "sr"
)  # fmt: skip
_ENGLISH_DIGIT_LOOKALIKES = frozenset(
    {"due", "hat", "pet", "pat", "het", "bes", "tri", "een", "opt", "sept", "null", "ena", "dos"}
)


@cache
def _all_language_digits() -> tuple[tuple[str, str], ...]:
    """Every digit word of :data:`DIGIT_LANGUAGES`, with and without accents, and its digit,
    first language first."""
    out: list[tuple[str, str]] = []
    for lang in DIGIT_LANGUAGES:
        for digit in range(10):
            word = num2words(digit, lang=lang).casefold()
            out.extend((form, str(digit)) for form in (word, without_accents(word)))
    return tuple(out)


@cache
def other_language_digits() -> dict[str, str]:
    """Digit words of :data:`DIGIT_LANGUAGES`, with and without accents: "siete" -> "7"."""
    out: dict[str, str] = {}
    for form, digit in _all_language_digits():
        if len(form) > 2 and form.isalpha() and form not in _ENGLISH_DIGIT_LOOKALIKES:
            out.setdefault(form, digit)
    return out


@cache
def lookalike_digits() -> dict[str, str]:
    """Digit words of :data:`DIGIT_LANGUAGES` left out of :func:`other_language_digits`
    because they are short or English words ("um", "dos", "sept"): see
    :func:`digit_between`."""
    out: dict[str, str] = {}
    for form, digit in _all_language_digits():
        if form.isalpha() and form not in other_language_digits():
            out.setdefault(form, digit)
    return out


@cache
def other_language_numbers(langs: tuple[str, ...], top: int = 99) -> dict[str, int]:
    """Numbers from 1 to ``top`` in words in each of ``langs`` (``num2words`` codes), with
    and without accents, lower case: "trinta e um" -> 31, "mười lăm" -> 15; in Spanish, a
    one before a noun too ("cuarenta y un años", "veintiún")."""
    out: dict[str, int] = {}
    for lang in langs:
        for value in range(1, top + 1):
            word = num2words(value, lang=lang).casefold()
            forms = [word]
            if lang == "es" and word.endswith("uno"):
                forms.append(word[:-1] if " " in word or word == "uno" else word[:-3] + "ún")
            if lang == "cy":
                forms += _welsh_forms(value, word)
            for form in (*forms, *(without_accents(f) for f in forms)):
                out.setdefault(form, value)
                out.setdefault(form.replace("-", " "), value)
    return out


# Welsh: units, the decimal tens ("pum deg pump", beside the older "hanner cant a
# phump"), the feminine forms ("pedair ar bymtheg") and the soft mutation of the first
# word after "yn" ("dw i'n bum deg pump", "o'n i'n ddeuddeg").
_WELSH_UNITS = ("", "un", "dau", "tri", "pedwar", "pump", "chwech", "saith", "wyth", "naw")
_WELSH_TENS = ("", "deg", "dau ddeg", "tri deg", "pedwar deg", "pum deg", "chwe deg",
               "saith deg", "wyth deg", "naw deg")  # fmt: skip
_WELSH_FEMININE = {"dau": "dwy", "tri": "tair", "pedwar": "pedair"}
_WELSH_SOFT = (("ll", "l"), ("rh", "r"), ("p", "b"), ("t", "d"), ("c", "g"), ("b", "f"),
               ("d", "dd"), ("m", "f"))  # fmt: skip


def _welsh_forms(value: int, word: str) -> list[str]:
    """Other ways of saying ``value`` in Welsh than ``num2words``' ``word``."""
    forms = [word]
    tens, units = divmod(value, 10)
    if tens:
        forms.append(" ".join(w for w in (_WELSH_TENS[tens], _WELSH_UNITS[units]) if w))
    for form in list(forms):
        first, _, rest = form.partition(" ")
        if first in _WELSH_FEMININE:
            forms.append(" ".join(w for w in (_WELSH_FEMININE[first], rest) if w))
    for form in list(forms):
        for plain, soft in _WELSH_SOFT:
            if form.startswith(plain) and not form.startswith("ch"):
                forms.append(soft + form[len(plain) :])
                break
    return forms


def digit_between(word: str, before: str, after: str) -> str | None:
    """The digit ``word`` stands for when it is a short or English-looking digit word of
    another language said between two digit words of other languages ("seis um quatro"),
    or None. Alone it is a word ("um", "dos", "pet")."""
    other = other_language_digits()
    if before.lower() in other and after.lower() in other:
        return lookalike_digits().get(word.lower())
    return None


def digit_after(word: str, before: list[str]) -> str | None:
    """The digit ``word`` stands for when it is a short or English-looking digit word of
    another language said after two digit words of other languages ("três cinco um",
    "trei, unu, opt"), or None."""
    other = other_language_digits()
    if len(before) >= 2 and all(b.lower() in other for b in before[-2:]):
        return lookalike_digits().get(word.lower())
    return None


@lru_cache(maxsize=4096)
def number_value(word: str) -> int | None:
    """The value of one number word or hyphenated pair, cardinal or ordinal; None if the
    word is not a number."""
    low = word.lower().strip()
    if not low or not low.replace("-", "").isalpha():
        return int(low) if low.isdigit() and len(low) <= 4 else None
    try:
        return int(text2num(low.replace("-", " "), "en"))
    except ValueError:
        pass
    converted = alpha2digit(low.replace("-", " "), "en", threshold=0)
    digits = converted.rstrip("stndrh")
    if digits.isdigit() and converted != low:
        return int(digits)
    return None


def is_spoken_digit_word(word: str) -> bool:
    """Whether a word can be part of a dictated number."""
    low = word.lower()
    if low in ZERO_WORDS or low in REPEAT_WORDS or low in GROUP_WORDS or low.isdigit():
        return True
    if low in DIALECT_DIGITS:
        return True
    value = number_value(low)
    return (value is not None and value < 100) or low in other_language_digits()


def spoken_digits(words: list[str]) -> str | None:
    """The digits a run of dictated words stands for, or None if it is not one."""
    out: list[str] = []
    repeat = 1
    for i, word in enumerate(words):
        low = word.lower()
        if low in REPEAT_WORDS:
            repeat = REPEAT_WORDS[low]
            continue
        if low in GROUP_WORDS:
            if not out:
                return None
            out.append(GROUP_WORDS[low])
            continue
        if low in ZERO_WORDS:
            piece = "0"
        elif low in DIALECT_DIGITS:
            piece = DIALECT_DIGITS[low]
        elif low.isdigit():
            piece = low
        else:
            value = number_value(low)
            if value is not None and value < 100:
                piece = str(value)
            elif low in other_language_digits():
                piece = other_language_digits()[low]
            elif 0 < i < len(words) - 1 and (
                between := digit_between(low, words[i - 1], words[i + 1])
            ):
                piece = between
            elif after := digit_after(low, words[:i]):
                piece = after
            else:
                return None
        out.append(piece * repeat if len(piece) == 1 else piece)
        repeat = 1
    return "".join(out) or None


# A word of a number said digit by digit.
_DICTATED_WORD = re.compile(
    r"(?i)(?<!\p{L})(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine"
    r"|double|treble|triple)(?!\p{L})"
)
# What may stand between two digits or pieces of a number read out: a space, comma or
# hyphen, or a pause ("four, four... one").
DIGIT_GAP = re.compile(r"[ ,\-]{1,3}|[ ]?(?:\.{2,3}|…)[ ]?")
# Fewer digits said one by one are as often a count ("two, three, four") as a number.
MIN_DICTATED_DIGITS = 6


@lru_cache(maxsize=2)
def dictated_runs(text: str) -> tuple[tuple[int, int], ...]:
    """Where six digits or more are said one by one ("zero five six, two nine one"): a
    number read out, of whatever kind, and no age or count."""
    out: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for m in [*_DICTATED_WORD.finditer(text), None]:
        if m is not None and (not run or DIGIT_GAP.fullmatch(text, run[-1].end(), m.start())):
            run.append(m)
            continue
        digits = spoken_digits([w.group(0) for w in run]) if run else None
        if digits is not None and len(digits) >= MIN_DICTATED_DIGITS:
            out.append((run[0].start(), run[-1].end()))
        run = [m] if m is not None else []
    return tuple(out)


def in_dictated_run(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies inside a number said digit by digit."""
    return any(s <= start and end <= e for s, e in dictated_runs(text))
