"""Readers: one class per file format, found by suffix in :data:`READERS`.

:func:`read_text` gives "the file's text as read": a single normalised string
(:func:`qualkit.text.normalise`) that every qualkit offset counts into.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, ClassVar

from qualkit.errors import InputError
from qualkit.importers.cues import parse_srt, parse_vtt, render_cues
from qualkit.importers.encoding import MAX_BYTES, check_file, decode_text, human_size, read_bytes
from qualkit.text import is_blank, normalise

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_ONE_CHARACTER = frozenset(_W + t for t in ("p", "tab", "ptab", "br", "cr", "noBreakHyphen"))


class Reader:
    """Turns one kind of file into text. Subclasses set ``suffixes`` and implement ``read``."""

    suffixes: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path, max_bytes: int) -> str:
        """The file's text (not yet normalised). Raise :class:`InputError` on bad input."""
        raise NotImplementedError


class PlainTextReader(Reader):
    """UTF-8 plain text and Markdown, read as they are."""

    suffixes = (".txt", ".text", ".md", ".markdown")

    def read(self, path: Path, max_bytes: int) -> str:
        return decode_text(path, read_bytes(path, max_bytes))


class DocxReader(Reader):
    """Word documents: body paragraphs one per line; table rows one per line, cells joined by
    a space. Headers, footers, footnotes and comments are not read."""

    suffixes = (".docx",)

    def read(self, path: Path, max_bytes: int) -> str:
        check_file(path, max_bytes)
        with path.open("rb") as fh:
            magic = fh.read(8)
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError(
                path,
                "not a valid .docx (an old .doc or a password-protected document); "
                "save it as .docx without a password",
            )
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                unpacked = sum(i.file_size for i in zf.infolist())
        except (zipfile.BadZipFile, OSError, EOFError):
            raise InputError(path, "not a valid .docx (not a readable zip archive)") from None
        if "word/document.xml" not in names:
            raise InputError(path, "not a valid .docx (no word/document.xml inside)")
        if unpacked > 10 * max_bytes:
            raise InputError(path, "not a valid .docx (far too large when unpacked)")
        too_long = InputError(
            path, f"the document's text is over the {human_size(max_bytes)} limit"
        )
        try:
            # Measure the text first, streaming, so a small file that unpacks to a huge
            # one is refused before python-docx builds its whole tree in memory.
            with zipfile.ZipFile(path) as zf, zf.open("word/document.xml") as xml:
                if _docx_text_size(xml, max_bytes) > max_bytes:
                    raise too_long

            import docx
            from docx.table import Table
            from docx.text.paragraph import Paragraph

            document = docx.Document(str(path))
            lines: list[str] = []
            size = 0
            for block in document.iter_inner_content():
                if isinstance(block, Paragraph):
                    new = [block.text]
                elif isinstance(block, Table):
                    new = list(_table_rows(block))
                else:
                    continue
                size += sum(len(line.encode("utf-8")) + 1 for line in new)
                if size > max_bytes:
                    raise too_long
                lines.extend(new)
        except InputError:
            raise
        except Exception as e:  # python-docx raises many kinds on damaged files
            raise InputError(path, f"not a valid .docx ({type(e).__name__})") from None
        return "\n".join(lines)


def _docx_text_size(xml: IO[bytes], limit: int) -> int:
    """UTF-8 size of the body text in a ``word/document.xml`` stream (each paragraph, tab
    and line break counting one byte), read as a stream with finished elements discarded;
    stops as soon as it passes ``limit``."""
    from lxml import etree

    size = 0
    for _event, el in etree.iterparse(
        xml, events=("end",), resolve_entities=False, no_network=True, load_dtd=False
    ):
        if el.tag == _W + "t":
            size += len((el.text or "").encode("utf-8"))
        elif el.tag in _W_ONE_CHARACTER:
            size += 1
        if size > limit:
            break
        el.clear()
        parent = el.getparent()
        while parent is not None and el.getprevious() is not None:
            del parent[0]
    return size


def _table_rows(table: object) -> Iterable[str]:
    from docx.table import Table

    assert isinstance(table, Table)
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per grid column
                continue
            seen.add(id(cell._tc))
            text = " ".join(p.text for p in cell.paragraphs if p.text.strip())
            if text.strip():
                cells.append(text.strip())
        yield " ".join(cells)


class VttReader(Reader):
    """WebVTT captions, one line per speaker turn (see :mod:`qualkit.importers.cues`)."""

    suffixes = (".vtt",)

    def read(self, path: Path, max_bytes: int) -> str:
        text = normalise(decode_text(path, read_bytes(path, max_bytes)))
        if is_blank(text):
            raise InputError(path, "file has no text")
        cues, header = parse_vtt(text, path)
        if not cues:
            raise InputError(path, "no cues with text found")
        return render_cues(cues, header)


class SrtReader(Reader):
    """SubRip subtitles, one line per speaker turn (see :mod:`qualkit.importers.cues`)."""

    suffixes = (".srt",)

    def read(self, path: Path, max_bytes: int) -> str:
        text = normalise(decode_text(path, read_bytes(path, max_bytes)))
        if is_blank(text):
            raise InputError(path, "file has no text")
        cues = parse_srt(text, path)
        if not cues:
            raise InputError(path, "no cues with text found")
        return render_cues(cues)


READERS: dict[str, Reader] = {}
"""Reader for each lower-case file suffix (with the dot)."""


def register_reader(reader: Reader) -> None:
    """Make ``reader`` handle each of its suffixes, replacing any earlier reader."""
    for suffix in reader.suffixes:
        READERS[suffix.lower()] = reader


for _reader in (PlainTextReader(), DocxReader(), VttReader(), SrtReader()):
    register_reader(_reader)


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text as read: one normalised string, whatever the format.

    Raises :class:`InputError` (naming the file, never quoting it) for unknown formats,
    files over ``max_bytes``, binary or non-UTF-8 files, damaged documents and empty files.
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        kind = f"'{path.suffix}'" if path.suffix else "no extension"
        raise InputError(
            path, f"unsupported file type ({kind}); supported: {', '.join(supported_suffixes())}"
        )
    text = normalise(reader.read(path, max_bytes))
    if is_blank(text):
        raise InputError(path, "file has no text")
    return text
