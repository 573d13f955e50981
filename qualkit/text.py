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


def text_hash(text: str) -> str:
    """SHA-256 of the UTF-8 encoding, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
