"""Quote bank writers: one small class per format, registered by format name.

Every writer writes a whole :class:`~qualkit.export.quotes.QuoteBank` to a binary file
object, so the command line (through :func:`qualkit.files.write_atomically`) and the
app (through an in-memory buffer for a download button) share one code path::

    buffer = io.BytesIO()
    write_quotes(bank, "xlsx", buffer)
    WRITERS["xlsx"].media_type, WRITERS["xlsx"].suffix   # for the download

Formats
    ``csv``   one row per quote, UTF-8 with a byte-order mark (so Excel reads it as
              UTF-8). A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
              carriage return gets a leading ``'`` so spreadsheets do not run it as a
              formula.
    ``xlsx``  an "Overview" sheet (quotes, participants and transcripts per code, then the
              filters used), then one sheet per theme that has quotes. Header row frozen,
              autofilter on, long text wrapped. Sheet names are cut to 31 characters,
              stripped of ``[]:*?/\\`` and made unique.
    ``docx``  report-ready: a heading per theme (level 1) and code (level 2), a count
              line under each code, then each quote as an indented italic paragraph in the
              "Quote" style followed by its attribution on its own line
              ("— Person accessing support, P04"). Coders, offsets and memos are left out.
    ``md``    the same layout as the Word document, with a details line (transcript,
              turn, offsets, coders, agreement) and any memo under each quote.

Add a format by subclassing :class:`QuoteWriter` and decorating it with
:func:`register_writer`.
"""

from __future__ import annotations

import csv
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, ClassVar

from qualkit.errors import QualkitError
from qualkit.export.quotes import Quote, QuoteBank

WRITERS: dict[str, type[QuoteWriter]] = {}


class QuoteWriter(ABC):
    """Writes a quote bank in one format."""

    fmt: ClassVar[str]
    suffix: ClassVar[str]
    media_type: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def write(self, bank: QuoteBank, fileobj: IO[bytes]) -> None:
        """Write ``bank`` to the binary file object ``fileobj``."""


def register_writer(cls: type[QuoteWriter]) -> type[QuoteWriter]:
    """Class decorator: make ``cls`` available under ``cls.fmt``."""
    WRITERS[cls.fmt] = cls
    return cls


def quote_formats() -> list[str]:
    return sorted(WRITERS)


def format_for_path(path: str | Path) -> str:
    """The format a file name asks for (``.xlsx`` → ``"xlsx"``, ``.markdown`` → ``"md"``)."""
    suffix = Path(path).suffix.lower()
    for fmt, cls in WRITERS.items():
        if suffix == cls.suffix or (fmt == "md" and suffix == ".markdown"):
            return fmt
    raise QualkitError(
        f"{Path(path).name}: cannot tell the format from the file name; use one of "
        + ", ".join(WRITERS[f].suffix for f in quote_formats())
    )


def write_quotes(bank: QuoteBank, fmt: str, fileobj: IO[bytes]) -> None:
    """Write ``bank`` in format ``fmt`` (``csv``, ``xlsx``, ``docx`` or ``md``)."""
    try:
        cls = WRITERS[fmt.lower()]
    except KeyError:
        raise QualkitError(
            f"unknown quote format {fmt!r}; choose from {', '.join(quote_formats())}"
        ) from None
    cls().write(bank, fileobj)


# -- shared columns -----------------------------------------------------------------------


def _agreement(q: Quote) -> float | None:
    return None if q.agreement is None else round(q.agreement, 4)


COLUMNS: list[tuple[str, str, Callable[[Quote], Any]]] = [
    ("quote", "Quote", lambda q: q.text),
    ("citation", "Citation", lambda q: q.citation),
    ("attribution", "Attribution", lambda q: q.attribution),
    ("participant", "Participant", lambda q: q.participant or ""),
    ("role", "Role", lambda q: q.role or ""),
    ("theme", "Theme id", lambda q: q.theme),
    ("theme_name", "Theme", lambda q: q.theme_name),
    ("code", "Code id", lambda q: q.code),
    ("code_name", "Code", lambda q: q.code_name),
    ("transcript", "Transcript", lambda q: q.transcript),
    ("turn", "Turn", lambda q: q.turn),
    ("speaker", "Speaker", lambda q: q.speaker or ""),
    ("start", "Start", lambda q: q.start),
    ("end", "End", lambda q: q.end),
    ("coders", "Coders", lambda q: ", ".join(q.coders)),
    ("agreement", "Agreement", _agreement),
    ("memo", "Memo", lambda q: q.memo),
]
"""(CSV header, spreadsheet header, value) for every column, in order."""


def _filters_lines(bank: QuoteBank) -> list[str]:
    names = {**bank.themes, **{c.cid: c.name for c in bank.codes}}
    lines = bank.filters.describe(names)
    return lines or ["No filters: every code, coder and transcript."]


# -- CSV ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


@register_writer
class CsvWriter(QuoteWriter):
    fmt = "csv"
    suffix = ".csv"
    media_type = "text/csv"
    label = "CSV (one row per quote)"

    def write(self, bank: QuoteBank, fileobj: IO[bytes]) -> None:
        text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="", write_through=True)
        try:
            w = csv.writer(text)
            w.writerow([name for name, _, _ in COLUMNS])
            for q in bank.quotes:
                w.writerow([_csv_cell(get(q)) for _, _, get in COLUMNS])
            text.flush()
        finally:
            text.detach()


# -- XLSX ---------------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_WIDTHS = {"quote": 80, "memo": 40, "citation": 34, "theme_name": 28, "code_name": 28}
_WRAP = {"quote", "memo", "citation"}


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique (case-insensitively) Excel sheet name for ``name``; adds to ``taken``."""
    base = " ".join(_SHEET_BAD.sub(" ", name).split()).strip("'") or "Sheet"
    if base.casefold() == "history":
        base = "History (theme)"
    candidate, n = base[:31].rstrip(), 1
    while candidate.casefold() in taken:
        n += 1
        tail = f" ({n})"
        candidate = base[: 31 - len(tail)].rstrip() + tail
    taken.add(candidate.casefold())
    return candidate


@register_writer
class XlsxWriter(QuoteWriter):
    fmt = "xlsx"
    suffix = ".xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    label = "Excel workbook (a sheet per theme)"

    def write(self, bank: QuoteBank, fileobj: IO[bytes]) -> None:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        bold = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        top = Alignment(vertical="top")

        def put(ws: Any, row: int, col: int, value: Any) -> Any:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            return cell

        def header(ws: Any, titles: list[str], widths: Sequence[float]) -> None:
            for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
                put(ws, 1, col, title).font = bold
                ws.column_dimensions[get_column_letter(col)].width = width
            ws.freeze_panes = "A2"

        def finish(ws: Any, n_cols: int, n_rows: int) -> None:
            ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{max(1, n_rows) + 1}"

        wb = Workbook()
        overview = wb.active
        taken: set[str] = set()
        overview.title = sheet_name("Overview", taken)

        groups = bank.groups()
        sheet_of = {g.theme: sheet_name(g.name, taken) for g in groups}
        titles = ["Theme", "Code", "Code id", "Quotes", "Participants", "Transcripts", "Sheet"]
        header(overview, titles, [34, 34, 26, 9, 13, 12, 30])
        counts = bank.counts()
        for r, c in enumerate(counts, start=2):
            values = [
                c.theme_name,
                c.code_name,
                c.code,
                c.quotes,
                c.participants,
                c.transcripts,
                sheet_of.get(c.theme, "") if c.quotes else "",
            ]
            for col, value in enumerate(values, start=1):
                put(overview, r, col, value)
        finish(overview, len(titles), len(counts))
        row = len(counts) + 3
        notes = [
            f"Quote bank: {bank.project}",
            f"{bank.summary()}; exported {bank.created:%Y-%m-%d %H:%M} UTC.",
            *_filters_lines(bank),
        ]
        for line in notes:
            put(overview, row, 1, line)
            row += 1

        names = [title for _, title, _ in COLUMNS]
        widths = [_WIDTHS.get(key, 14) for key, _, _ in COLUMNS]
        for g in groups:
            ws = wb.create_sheet(sheet_of[g.theme])
            header(ws, names, widths)
            quotes = g.quotes
            for r, q in enumerate(quotes, start=2):
                for col, (key, _, get) in enumerate(COLUMNS, start=1):
                    cell = put(ws, r, col, get(q))
                    cell.alignment = wrap if key in _WRAP else top
                    if key == "agreement":
                        cell.number_format = "0%"
            finish(ws, len(COLUMNS), len(quotes))
        wb.save(fileobj)


# -- DOCX ---------------------------------------------------------------------------------


def _count_line(n_quotes: int, n_participants: int) -> str:
    q = "quote" if n_quotes == 1 else "quotes"
    p = "participant" if n_participants == 1 else "participants"
    return f"{n_quotes} {q} from {n_participants} {p}"


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@register_writer
class DocxWriter(QuoteWriter):
    fmt = "docx"
    suffix = ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    label = "Word document (report-ready)"

    def write(self, bank: QuoteBank, fileobj: IO[bytes]) -> None:
        from docx import Document
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        doc = Document()
        styles = doc.styles
        try:
            quote_style = styles["Quote"]
        except KeyError:
            quote_style = styles.add_style("Quote", WD_STYLE_TYPE.PARAGRAPH)
            quote_style.base_style = styles["Normal"]
        quote_style.font.italic = True
        quote_style.paragraph_format.left_indent = Cm(1)
        quote_style.paragraph_format.right_indent = Cm(1)
        quote_style.paragraph_format.space_after = Pt(2)
        cite_style = styles.add_style("Quote Attribution", WD_STYLE_TYPE.PARAGRAPH)
        cite_style.base_style = styles["Normal"]
        cite_style.paragraph_format.left_indent = Cm(1)
        cite_style.paragraph_format.space_after = Pt(12)
        count_style = styles.add_style("Quote Count", WD_STYLE_TYPE.PARAGRAPH)
        count_style.base_style = styles["Normal"]
        count_style.font.size = Pt(9)

        doc.core_properties.title = _XML_BAD.sub("", f"Quote bank: {bank.project}")
        ids = {
            "title": styles["Title"].style_id,
            "h1": styles["Heading 1"].style_id,
            "h2": styles["Heading 2"].style_id,
            "normal": styles["Normal"].style_id,
            "quote": quote_style.style_id,
            "cite": cite_style.style_id,
            "count": count_style.style_id,
        }
        # Paragraphs are appended as XML: python-docx's add_paragraph looks the style up
        # and searches the body on every call, which is quadratic for long documents.
        body = doc.element.body
        sect_pr = body.sectPr
        if sect_pr is not None:
            body.remove(sect_pr)

        def para(text: str, style: str, *, italic: bool = False) -> None:
            p = OxmlElement("w:p")
            ppr = OxmlElement("w:pPr")
            pstyle = OxmlElement("w:pStyle")
            pstyle.set(qn("w:val"), ids[style])
            ppr.append(pstyle)
            p.append(ppr)
            run = OxmlElement("w:r")
            if italic:
                rpr = OxmlElement("w:rPr")
                rpr.append(OxmlElement("w:i"))
                run.append(rpr)
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = _XML_BAD.sub("", text)
            run.append(t)
            p.append(run)
            body.append(p)

        para(f"Quote bank: {bank.project}", "title")
        para(f"{bank.summary()}. Exported {bank.created:%d %B %Y}.", "normal")
        for line in _filters_lines(bank):
            para(line, "count")
        for theme in bank.groups():
            para(theme.name, "h1")
            for code in theme.codes:
                para(code.name, "h2")
                para(_count_line(len(code.quotes), code.participants), "count")
                for q in code.quotes:
                    para(q.text, "quote", italic=True)
                    para(f"— {q.citation}", "cite")
        if sect_pr is not None:
            body.append(sect_pr)
        doc.save(fileobj)


# -- Markdown -----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_<>\[\]()!])")
_MD_LINE_START = re.compile(r"^(#|[-+]\s|\d+[.)]\s)")


def md_escape(text: str) -> str:
    """Escape ``text`` so Markdown shows it literally (one line): no emphasis, code, HTML,
    headings, lists, links or images (``[``, ``]``, ``(``, ``)`` and ``!`` are escaped)."""
    out = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _MD_LINE_START.sub(r"\\\1", out)


@register_writer
class MarkdownWriter(QuoteWriter):
    fmt = "md"
    suffix = ".md"
    media_type = "text/markdown"
    label = "Markdown"

    def write(self, bank: QuoteBank, fileobj: IO[bytes]) -> None:
        lines = [f"# Quote bank: {md_escape(bank.project)}", ""]
        lines.append(f"{bank.summary()}. Exported {bank.created:%Y-%m-%d %H:%M} UTC.")
        lines.append("")
        lines.extend(f"- {md_escape(line)}" for line in _filters_lines(bank))
        for theme in bank.groups():
            lines += ["", f"## {md_escape(theme.name)}"]
            for code in theme.codes:
                lines += ["", f"### {md_escape(code.name)}", ""]
                lines.append(f"*{_count_line(len(code.quotes), code.participants)}*")
                for q in code.quotes:
                    lines += ["", f"> {md_escape(q.text)}", ">", f"> — {md_escape(q.citation)}"]
                    lines += ["", _details(q)]
                    if q.memo:
                        lines.append(f"Memo: {md_escape(q.memo)}")
        lines.append("")
        fileobj.write("\n".join(lines).encode("utf-8"))


def _details(q: Quote) -> str:
    turn = f"turn {q.turn}" + (f" ({q.speaker})" if q.speaker else "") if q.turn is not None else ""
    parts = [q.transcript, turn, f"{q.start}–{q.end}", "coded by " + ", ".join(q.coders)]
    if q.agreement is not None:
        parts.append(f"agreement {q.agreement:.0%}")
    return "<sub>" + md_escape(" · ".join(p for p in parts if p)) + "</sub>"


__all__ = [
    "COLUMNS",
    "WRITERS",
    "CsvWriter",
    "DocxWriter",
    "MarkdownWriter",
    "QuoteWriter",
    "XlsxWriter",
    "format_for_path",
    "quote_formats",
    "register_writer",
    "sheet_name",
    "write_quotes",
]
