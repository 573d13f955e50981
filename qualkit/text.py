"""Text normalisation shared by import, de-identification and export.

Every offset in qualkit counts Unicode code points over text produced by
:func:`normalise`.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalise(text: str) -> str:
    """NFC, no byte-order mark, ``\\n`` line ends."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return text


INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
"""Characters that take no space on screen: soft hyphen, zero-width space, non-joiner and
joiner, direction marks, word joiner, byte-order mark (zero-width no-break space)."""


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only whitespace and :data:`INVISIBLE` characters."""
    return all(c.isspace() or c in INVISIBLE for c in text)


def text_hash(text: str) -> str:
    """SHA-256 of the UTF-8 encoding, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
