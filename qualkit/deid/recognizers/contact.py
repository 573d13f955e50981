"""E-mail addresses in any domain (Presidio's recognizer accepts only known domains)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import regex as re

from qualkit.deid.recognizers.base import Hit, QualkitRecognizer
from qualkit.deid.spans import EMAIL_ADDRESS

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
