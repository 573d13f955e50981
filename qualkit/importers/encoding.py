"""Byte-level checks shared by every reader: size limit, binary files, UTF-8 decoding.

Error messages name the file, the line and the problem; they never quote the content.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from qualkit.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
"""Largest file any reader accepts (20 MB), unless the caller passes another limit."""

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF; export it as .docx or plain text"),
    (b"PK\x03\x04", "a zip archive, such as a Word document; give it the .docx extension"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (.doc); save it as .docx"),
    (b"{\\rtf", "an RTF document; save it as .docx or plain text"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def check_file(path: Path, max_bytes: int) -> int:
    """Raise unless ``path`` is an existing regular file no larger than ``max_bytes``."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except OSError as e:
        raise InputError(path, f"cannot read file ({e.strerror or type(e).__name__})") from None
    if path.is_dir():
        raise InputError(path, "is a folder, not a file")
    if st.st_size > max_bytes:
        raise InputError(
            path,
            f"file is {human_size(st.st_size)}, over the {human_size(max_bytes)} limit",
        )
    return st.st_size


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over ``max_bytes`` before reading them."""
    check_file(path, max_bytes)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise InputError(path, f"cannot read file ({e.strerror or type(e).__name__})") from None
    if len(data) > max_bytes:
        raise InputError(path, f"file is over the {human_size(max_bytes)} limit")
    return data


def _looks_windows_1252(data: bytes) -> bool:
    """Whether bytes that failed as UTF-8 read sensibly as Windows-1252 / Latin-1."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [c for c in text if ord(c) > 127]
    if not high:
        return False
    sensible = sum(1 for c in high if unicodedata.category(c)[0] in "LPS" or c in "\u00a0\u00ad")
    return sensible >= 0.9 * len(high)


def decode_text(path: Path, data: bytes) -> str:
    """Decode UTF-8 (a byte-order mark is allowed), rejecting binary and other encodings."""
    if data.startswith(_UTF16_BOMS):
        raise InputError(path, "file is UTF-16 text; re-save it as UTF-8")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(path, f"binary file ({what}), not plain text")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError(
            path, "binary file (contains NUL bytes); if it is text, re-save it as UTF-8", line
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        byte = data[e.start]
        if _looks_windows_1252(data):
            problem = (
                f"not UTF-8 (byte 0x{byte:02X}); it looks like Windows-1252/Latin-1 text, "
                "re-save it as UTF-8"
            )
        else:
            problem = f"not UTF-8 (byte 0x{byte:02X}); re-save it as UTF-8"
        raise InputError(path, problem, line) from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in _ALLOWED_CONTROLS)
    if controls > max(3, len(text) // 1000):
        raise InputError(path, "binary file (many control characters), not plain text")
    return text
