"""UK identifiers: phone numbers, postcodes, National Insurance and NHS numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import (
    NhsRecognizer,
    UkNinoRecognizer,
    UkPostcodeRecognizer,
)

from qualkit.deid.recognizers.base import Hit, QualkitRecognizer, RecognizerContext
from qualkit.deid.spans import PHONE_NUMBER

_SEP = r"[ \u00a0\-.]?"
_PHONE = re.compile(
    r"""
    (?<![\w+/])
    (?:
        (?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?\(?\d\)?(?:SEP\d){8,9}     # +44 7700 900123
      | \(0\d{2,4}\)[ ]?\d(?:SEP\d){5,7}                           # (020) 7946 0018
      | 0\d(?:SEP\d){8,9}                                          # 07700 900123, 0800 ...
    )
    (?![\w])
    """.replace("SEP", _SEP),
    re.VERBOSE,
)


class UkPhoneRecognizer(QualkitRecognizer):
    """UK phone numbers in their usual written forms (07…, +44 …, (020) …, 020 …, 0800 …).

    A match must hold the right number of digits for a UK number, so dates and other
    figures do not match.
    """

    ENTITIES: ClassVar[tuple[str, ...]] = (PHONE_NUMBER,)
    RANK: ClassVar[int] = 10
    SCORE: ClassVar[float] = 0.9

    def find(self, text: str) -> Iterator[Hit]:
        for m in _PHONE.finditer(text):
            raw = m.group(0)
            digits = re.sub(r"\D", "", raw)
            if raw.startswith(("+", "00")):
                national = digits[2:] if raw.startswith("+") else digits[4:]
                if national.startswith("0"):
                    national = national[1:]
                ok = len(national) in (9, 10) and national[0] in "1237589"
            else:
                ok = len(digits) in (10, 11) and digits[1] in "1235789"
            if ok:
                yield Hit(m.start(), m.end(), PHONE_NUMBER, self.SCORE)


_POSTCODE_PATTERNS = (
    Pattern("UK postcode", UkPostcodeRecognizer.PATTERNS[0].regex, 0.85),
    Pattern(
        "London postal district",
        r"(?-i:\b(?:EC|WC|SE|SW|NW|E|N|W)[1-9][0-9]?[A-Z]?\b)(?![ ]?[0-9][A-Za-z]{2})",
        0.6,
    ),
)


class QualkitUkPostcodeRecognizer(UkPostcodeRecognizer):
    """Presidio's postcode pattern, trusted without a context word, plus London districts.

    A full postcode has a fixed shape that ordinary words do not; an outward code on its
    own ("SE5") is matched only in capitals.
    """

    def __init__(self, context: RecognizerContext | None = None) -> None:
        super().__init__(patterns=list(_POSTCODE_PATTERNS), name=type(self).__name__)


_NINO_PATTERNS = (
    Pattern(
        "NINO",
        r"\b(?!bg|gb|nk|kn|nt|tn|zz|BG|GB|NK|KN|NT|TN|ZZ)"
        r"([a-ceghj-pr-tw-zA-CEGHJ-PR-TW-Z][a-ceghj-npr-tw-zA-CEGHJ-NPR-TW-Z])"
        r"[ \-]?([0-9]{2})[ \-]?([0-9]{2})[ \-]?([0-9]{2})[ \-]?([a-dA-D])\b",
        0.85,
    ),
)


class QualkitUkNinoRecognizer(UkNinoRecognizer):
    """National Insurance numbers with or without spaces (AB 12 34 56 C, AB123456C)."""

    def __init__(self, context: RecognizerContext | None = None) -> None:
        super().__init__(patterns=list(_NINO_PATTERNS), name=type(self).__name__)


_NHS_PATTERNS = (
    Pattern("NHS number", r"(?<![\d+])\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b(?![ \-]?\d)", 0.5),
)


class QualkitNhsRecognizer(NhsRecognizer):
    """NHS numbers (3-3-4 digits) that pass the modulus-11 check."""

    def __init__(self, context: RecognizerContext | None = None) -> None:
        super().__init__(patterns=list(_NHS_PATTERNS), name=type(self).__name__)

    def validate_result(self, pattern_text: str) -> bool:
        digits = [int(c) for c in pattern_text if c.isdigit()]
        if len(digits) != 10 or len(set(digits)) == 1:
            return False
        total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        return check != 10 and check == digits[9]
