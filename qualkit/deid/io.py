"""Reading transcripts as qualkit sees them."""

from __future__ import annotations

from pathlib import Path

from qualkit.importers import read_text


def read_source(path: str | Path) -> str:
    """The text of a transcript file as every qualkit offset counts it
    (:func:`qualkit.importers.read_text`, which understands .docx/.vtt/.srt/.md)."""
    return read_text(Path(path))


def file_key(path: str | Path) -> str:
    """The key a transcript has in detection files: its name without extension."""
    return Path(path).stem
