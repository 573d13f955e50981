"""E-mail and web addresses in any domain (Presidio's recognizers accept only the top-level
domains on their list, which lacks ".scot", ".cymru" and ".example"), and e-mail addresses
and domains read out."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import ClassVar

import regex as re
from num2words import num2words
from spacy.lang.en.stop_words import STOP_WORDS

from qualkit.deid.numwords import ZERO_WORDS, number_value
from qualkit.deid.recognizers.base import Hit, QualkitRecognizer
from qualkit.deid.spans import EMAIL_ADDRESS, URL

_EMAIL = re.compile(
    r"(?<![\w.+\-@])[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+(?<![.\-])"
)


class AnyDomainEmailRecognizer(QualkitRecognizer):
    """name@host.anything, whatever the top-level domain."""

    ENTITIES: ClassVar[tuple[str, ...]] = (EMAIL_ADDRESS,)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for m in _EMAIL.finditer(text):
            yield Hit(m.start(), m.end(), EMAIL_ADDRESS, self.SCORE)


# "www.cymorth.cymru", "https://help.example/form": a web address that says it is one, by
# "www." or a scheme, whatever its top-level domain; a full stop or comma after it ends it.
_WEB = re.compile(
    r"(?i)(?<![\w.\-@/])(?:https?://(?:www\d{0,3}\.)?|www\d{0,3}\.)"
    r"[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,24}(?![\p{L}\p{N}\-])"
    r"(?:[/?#][^\s<>()\[\]{}\"']*)?(?<![.,;:!?])"
)


class AnyDomainUrlRecognizer(QualkitRecognizer):
    """www.host.anything and http(s)://host.anything, whatever the top-level domain."""

    ENTITIES: ClassVar[tuple[str, ...]] = (URL,)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for m in _WEB.finditer(text):
            yield Hit(m.start(), m.end(), URL, self.SCORE)


# "flori dot pop one nine eight eight at mail dot com": the domain part of a dictated
# address, ending in a top-level domain said as a word; a part may end in letters spelt
# out ("at harbour h f dot org dot uk"), or in words joined by a hyphen ("at fellside
# hyphen outreach dot org"), or in words said apart ("at leven womens aid dot org dot uk").
# "all one word" said between a dictated address's parts ("at safer homes, all one word,
# dot org").
_ONE_WORD = r",?[ ]+all[ ]+(?:one|1)[ ]+word,?"
# A label after "dot", said or spelt ("dot com", "dot L-T").
_SAID_LABEL = r"(?:\p{L}(?:-\p{L})+|\p{L}+)(?![\p{L}\p{N}])"
_ONE_WORD_ASIDE = re.compile(r"(?i)" + _ONE_WORD)
_SPOKEN_DOMAIN = re.compile(
    r"(?i)(?<![\p{L}\p{N}])at[ ,]+[\p{L}\p{N}]+(?:[ ,]+(?:hyphen|dash)[ ,]+[\p{L}\p{N}]+)*"
    r"(?:[ ]\p{L}(?![\p{L}\p{N}])){0,4}"
    r"(?:[ ]+\p{L}{2,}){0,2}?"
    r"(?:[ ]\p{L}(?![\p{L}\p{N}])){0,4}"
    rf"(?:{_ONE_WORD})?"
    rf"(?:[ ,\-]+dot[ ,\-]+{_SAID_LABEL})+"
)
_DOT_LABEL = re.compile(rf"(?i)[ ,\-]+dot[ ,\-]+(?P<label>{_SAID_LABEL})")


@cache
def top_level_domains() -> frozenset[str]:
    """Top-level domains ("com", "uk", "wales"), from ``tldextract``'s bundled list of
    public suffixes (read from the package, never fetched)."""
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    return frozenset(s for s in extract.tlds if "." not in s)


def _domain_of_words(found: str) -> bool:
    """Whether a domain said in words apart is an ordinary phrase ("at the shop dot com")."""
    found = _ONE_WORD_ASIDE.sub(" ", found)
    words = re.split(r"(?i)[ ,\-]+dot[ ,\-]+", found, maxsplit=1)[0].split()[1:]
    return len(words) > 1 and any(w.lower() in STOP_WORDS for w in words)


def _domain_end(text: str, m: re.Match[str], tlds: frozenset[str] | None = None) -> int | None:
    """Where a dictated domain ends: after its last label that is a top-level domain (of
    ``tlds`` if given)."""
    tlds = top_level_domains() if tlds is None else tlds
    end = None
    for label in _DOT_LABEL.finditer(text, m.start(), m.end()):
        if label.group("label").replace("-", "").lower() in tlds:
            end = label.end()
    return end


# A word of the local part: any word, or the spoken separators.
# A word of a local part read out, and what joins it to the next: a space, comma or hyphen
# said, or a dot or underscore written ("outreach.west at ...").
_LOCAL_WORD = re.compile(r"[\p{L}\p{N}]+(?:[._]|[ ,\-]*)$")
_LOCAL_MAX_WORDS = 8
# Letters spelt one by one ("c, a, l, l, u, m, dot, h, o, l, t") count as no words.
_LOCAL_MAX_ITEMS = 40


def _spelt_item(word: str) -> bool:
    """A single letter or digit, a spoken separator, or a word of "all one word", as in a
    local part spelt out."""
    return len(word) == 1 or word.lower() in (
        *("dot", "underscore", "dash", "hyphen"),
        *("all", "one", "word"),
    )


_NOT_LOCAL = frozenset(
    [
        *("is", "it's", "its", "email", "e-mail", "address", "me", "my", "it", "was", "the"),
        *("on", "so", "yeah", "yes", "right", "okay", "ok", "um", "erm"),
    ]
)


# "example dot n h s dot net": a domain read out on its own, in two dots or more, ending
# in a top-level domain.
_SPOKEN_DOMAIN_ALONE = re.compile(
    r"(?i)(?<![\p{L}\p{N}])[\p{L}\p{N}]+(?:[ ]\p{L}(?![\p{L}\p{N}])){0,4}"
    r"(?:[ ,\-]+dot[ ,\-]+[\p{L}]+(?:[ ]\p{L}(?![\p{L}\p{N}])){0,4}){2,}"
)
# Without "at" before it, a domain must end in one of these ("dot care" is a top-level
# domain too, but "rudo dot m dot care" is no domain).
_COMMON_TLDS = frozenset(
    ["com", "net", "org", "uk", "gov", "info", "io", "ie", "eu", "scot", "wales", "cymru"]
)
_AT_BEFORE = re.compile(r"(?i)(?<![\p{L}\p{N}])at[ ,]+$")
# A web page's path read out after its domain: "forward slash refer", "slash get dash help".
_SPOKEN_PATH = re.compile(
    r"(?i)[ ,]+(?:forward[ ]+)?slash[ ]+[\p{L}\p{N}]+"
    r"(?:(?:[ ]+(?:dash|hyphen|underscore)[ ]+|[ ]+(?:forward[ ]+)?slash[ ]+)[\p{L}\p{N}]+)*"
)
_SEPARATOR_WORDS = {".": "dot", "_": "underscore", "-": "(?:dash|hyphen)"}
_DIGIT_WORDS = (
    "(?:oh|zero|nought)",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)


def _said_number(digits: str) -> str:
    """A pattern for the ways a number is read out: "44", "four four", "forty-four"."""
    ways = [digits, "[ ,]+".join(_DIGIT_WORDS[int(d)] for d in digits)]
    if len(digits) <= 4 and not digits.startswith("0"):
        words = num2words(int(digits), lang="en").replace(",", "")
        ways.append(re.sub(r"[ \-]+", r"[ \-]+", words))
    return "(?:" + "|".join(ways) + ")"


def _said_letters(word: str) -> str:
    """A pattern for ``word`` as it is said or spelt out, whole or in part: "marlz",
    "M-A-R-L-Z", "m a r l z", "mar, l z"."""
    return r"[ ,\-]{0,2}".join(re.escape(c) for c in word)


def read_back_pattern(written: str) -> re.Pattern[str] | None:
    """A pattern for ``written`` (an e-mail address's local part, or a handle) as it is read
    back: "rudo.m.care44" as "Rudo dot M dot care four four", "kaimarlz.beats" as "kai,
    m-a-r-l-z, dot beats", or written again without its "@"; None for one plain word."""
    pieces = re.findall(r"\p{L}+|\d+|[._\-]", written)
    if sum(1 for p in pieces if p not in _SEPARATOR_WORDS) < 2:
        return None
    parts = [
        f"(?:{_SEPARATOR_WORDS[p]}|{re.escape(p)})"
        if p in _SEPARATOR_WORDS
        else _said_number(p)
        if p.isdigit()
        else _said_letters(p)
        for p in pieces
    ]
    return re.compile(
        r"(?i)(?<![\p{L}\p{N}@.])" + "[ ,]*".join(parts) + r"(?![\p{L}\p{N}@]|\.[\p{L}\p{N}])"
    )


# Items of a handle or code spelt out ("R O R Y B, underscore, M L two"), and what may
# stand between them.
SPELT_ITEM = re.compile(r"[\p{L}\p{N}]+")
SPELT_SEPARATOR = re.compile(r"[ ,\-]+")
# Words that tell how a handle or a code is spelt without being part of it ("with two
# ys", "no E", "then a dot"), and the words for its marks.
_TELLING_WORDS = frozenset(
    {"with", "wi", "wiv", "without", "then", "a", "an", "and", "capital", "small", "all", "one"}
)
_NOT_IN_IT = frozenset({"no", "without"})
_MARK_WORDS = {"dot": ".", "underscore": "_", "dash": "-", "hyphen": "-"}
_LETTER_TIMES = re.compile(r"(?i)\p{L}['’]?s")
_COUNT_WORDS = frozenset({"two", "three", "double", "triple"})
_TENS = frozenset(range(20, 100, 10))
#: The fewest characters of a handle its telling must spell, the fewest items, and how
#: far after the handle (in characters) the telling may begin.
TOLD_BACK_CHARS = 3
TOLD_BACK_ITEMS = 2
TOLD_BACK_AFTER = 200


def told_back(text: str, handle: str) -> Iterator[tuple[int, int, int, int]]:
    """Where ``handle`` is spelt back with words between its parts: "kaceyy.x07" as "kacey
    with two ys, then a dot, then x, then zero seven", "wallin_wez99" as "wallin with no
    G, underscore, W E Z, nine nine", "roryb_ml2" as "M L two". Each run of items (parts
    of the handle, single letters, digits and number words, "dot" and "underscore", and
    words that tell the spelling) whose letters, digits and marks follow the handle's own
    in order, spelling :data:`TOLD_BACK_CHARS` of them or more in :data:`TOLD_BACK_ITEMS`
    items or more: two of them single letters or digits, or one and a word that tells the
    spelling ("dot beat" alone is not enough). A letter after an apostrophe ends a run
    (the "s" of "it's"). Each run's start, the end of any words of the handle said first
    ("kacey", "con kirkby"), where its spelling begins, and its end."""
    target = handle.lower()
    items = list(SPELT_ITEM.finditer(text))
    run: list[tuple[int, int, str]] = []  # start, end and what each item spells
    at = 0  # how far into the handle the run has spelt
    skip = 0  # items that tell the spelling ("two ys", "no G")
    for k, m in enumerate(items):
        low = m.group(0).lower()
        if run and SPELT_SEPARATOR.fullmatch(text, run[-1][1], m.start()) is None:
            yield from _told(run)
            run, at, skip = [], 0, 0
        if skip:
            skip -= 1
            run += [(m.start(), m.end(), "")] if run else []
            continue
        nxt = items[k + 1].group(0) if k + 1 < len(items) else ""
        # "a" and "i" are letters after a letter, or first when the handle begins with one.
        letters_before = (bool(run) and len(run[-1][2]) == 1 and run[-1][2].isalpha()) or (
            not run and target.startswith(low)
        )
        piece = ""
        if (low in _NOT_IN_IT and len(nxt) == 1) or (
            low in _COUNT_WORDS and _LETTER_TIMES.fullmatch(nxt)
        ):
            skip = 1  # "no G": a letter the handle lacks; "two ys"
        elif low in _TELLING_WORDS and not (letters_before and len(low) == 1):
            pass
        elif low in _MARK_WORDS:
            piece = _MARK_WORDS[low]
        else:
            ways = _spellings(low, target, letters_before, nxt)
            if m.start() and text[m.start() - 1] in "'’":
                ways = []  # the "s" of "it's"
            found = _first_in_order(target, ways, at)
            if found is None:
                yield from _told(run)
                run, at = [], 0
                found = _first_in_order(target, ways, 0)
                if found is None:
                    continue
            piece, at = ways[0], found
        if run or piece:
            run.append((m.start(), m.end(), piece))
    yield from _told(run)


def _told(run: list[tuple[int, int, str]]) -> Iterator[tuple[int, int, int, int]]:
    """The span of a run of items that spells enough of a handle (see :func:`told_back`),
    with where the words of the handle said first end and where its spelling begins."""
    spelt = [(start, end, piece) for start, end, piece in run if piece]
    k = next((k for k, (_, _, p) in enumerate(spelt) if len(p) < 3 or not p.isalpha()), 0)
    told = any(not piece for start, _, piece in run if spelt and start < spelt[-1][0])
    singles = sum(1 for _, _, piece in spelt if len(piece) == 1 or piece.isdigit())
    if (
        len(spelt) >= TOLD_BACK_ITEMS
        and len("".join(piece for _, _, piece in spelt)) >= TOLD_BACK_CHARS
        and (singles >= 2 or (told and singles >= 1))
    ):
        words_end = spelt[k - 1][1] if k else spelt[0][0]
        yield spelt[0][0], words_end, spelt[k][0], spelt[-1][1]


def _spellings(low: str, target: str, letters_before: bool, nxt: str) -> list[str]:
    """What one item of a handle told back may spell: a letter ("a" and "i" only after
    another letter), digits, a part of the handle of three letters or more that is no
    stop word ("o" may be the letter or a zero; "twenty" before "four" is a 2)."""
    ways = []
    letter = len(low) == 1 and (letters_before or low not in "ai")
    part = len(low) >= 3 and low in target and low not in STOP_WORDS
    if low.isalpha() and (letter or part):
        ways.append(low)
    if low.isdigit():
        ways.append(low)
    elif low in ZERO_WORDS:
        ways.append("0")
    elif len(low) > 1 and (value := number_value(low)) is not None:
        ways.append(str(value // 10) if value in _TENS and _units(nxt) else str(value))
    return ways


def _first_in_order(target: str, ways: list[str], at: int) -> int | None:
    """Where the first of ``ways`` found in order in ``target`` from ``at`` ends."""
    return next((f for w in ways if (f := _in_order(target, w, at)) is not None), None)


def _units(word: str) -> bool:
    """Whether ``word`` is a number from one to nine."""
    value = number_value(word) if word.isalpha() else None
    return value is not None and 1 <= value <= 9


def _in_order(target: str, piece: str, at: int) -> int | None:
    """Where in ``target`` the characters of ``piece`` end when looked for in order from
    ``at``, or None if they are not all there."""
    for char in piece:
        at = target.find(char, at)
        if at < 0:
            return None
        at += 1
    return at


class SpokenEmailRecognizer(QualkitRecognizer):
    """E-mail addresses read out ("jo dot marsh at example dot org"), a written address's
    local part read back ("rudo.m.care44@…": "Rudo dot M dot care four four"), with its
    domain or the domain's first part ("... at gmail"), and domains read out on their own
    ("example dot n h s dot net"), with a web page's path as a web address ("... dot org
    dot uk forward slash refer")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (EMAIL_ADDRESS, URL)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        found: list[tuple[int, int]] = []
        for m in _SPOKEN_DOMAIN.finditer(text):
            end = _domain_end(text, m)
            if end is None or _domain_of_words(m.group(0)):
                continue
            start = m.start()
            words = 0
            for _ in range(_LOCAL_MAX_ITEMS):
                word = _LOCAL_WORD.search(text, max(0, start - 40), start)
                if word is None or word.group(0).split()[0].rstrip(",-").lower() in _NOT_LOCAL:
                    break
                if word.start() and text[word.start() - 1] in "'’":
                    break  # the "s" of "it's"
                words += not _spelt_item(word.group(0).split()[0].rstrip(",-"))
                if words > _LOCAL_MAX_WORDS:
                    break
                start = word.start()
            if start < m.start():
                found.append((start, end))
                yield Hit(start, end, EMAIL_ADDRESS, self.SCORE)
        for m in _SPOKEN_DOMAIN_ALONE.finditer(text):
            end = _domain_end(text, m, _COMMON_TLDS)
            if any(s <= m.start() < e for s, e in found):
                continue
            if end is not None and not _AT_BEFORE.search(text, max(0, m.start() - 6), m.start()):
                path = _SPOKEN_PATH.match(text, end)
                if path:  # a web address: "harbourrecovery dot org dot uk forward slash refer"
                    yield Hit(m.start(), path.end(), URL, 0.6)
                else:
                    yield Hit(m.start(), end, EMAIL_ADDRESS, 0.6)
        for address in {m.group(0) for m in _EMAIL.finditer(text)}:
            local, _, domain = address.partition("@")
            pattern = read_back_pattern(local)
            if pattern is not None:
                # ...with its domain read back too, perhaps without the end ("at gmail")
                label = re.escape(domain.split(".")[0])
                rest = re.compile(rf"(?i)[ ,]+at[ ,]+{label}(?:[ ,\-]+dot[ ,\-]+{_SAID_LABEL})*\b")
                for m in pattern.finditer(text):
                    tail = rest.match(text, m.end())
                    yield Hit(m.start(), tail.end() if tail else m.end(), EMAIL_ADDRESS, self.SCORE)
