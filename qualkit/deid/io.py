"""Reading transcripts as qualkit sees them, and writing files without half-states."""

from __future__ import annotations

import contextlib
import importlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from qualkit.errors import InputError
from qualkit.text import normalise


def _importer_reader() -> Callable[[str | Path], str] | None:
    try:
        module = importlib.import_module("qualkit.importers")
    except ImportError:
        return None
    reader = getattr(module, "read_text", None)
    return reader if callable(reader) else None


def read_source(path: str | Path) -> str:
    """The text of a transcript file as every qualkit offset counts it.

    Uses ``qualkit.importers.read_text`` (which understands .docx/.vtt/.srt/.md);
    without it, reads UTF-8 text and normalises it.
    """
    reader = _importer_reader()
    if reader is not None:
        return reader(Path(path))
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror or 'error'})") from None
    try:
        return normalise(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(p, f"not UTF-8 text (byte {exc.start})") from None


def file_key(path: str | Path) -> str:
    """The key a transcript has in detection files: its name without extension."""
    return Path(path).stem


def atomic_write_bytes(path: str | Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)
