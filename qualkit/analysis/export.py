"""Writing analyses to files: matrices as CSV or XLSX, the Framework matrix as XLSX (one
sheet per theme) or DOCX. Writers take a binary file object; callers pass them to
:func:`qualkit.files.write_atomically` so a failed write leaves nothing behind.

Only what the analysis shows is written: code names, counts (hidden cells as "<K"),
pseudonymous participant ids with their roles, and de-identified passages.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from qualkit.errors import QualkitError

if TYPE_CHECKING:
    from qualkit.analysis.charts import Chart
    from qualkit.analysis.framework import Framework
    from qualkit.analysis.matrices import Cooccurrence, Matrix

MATRIX_FORMATS = ("csv", "xlsx")
FRAMEWORK_FORMATS = ("xlsx", "docx")
#: Excel's limit on a sheet name, and characters it refuses in one.
_SHEET_NAME = 31
_SHEET_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})


def format_for(path: Path, allowed: tuple[str, ...]) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in allowed:
        raise QualkitError(f"{path}: --out must end in " + " or ".join(f".{a}" for a in allowed))
    return fmt


def _safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


def _sheet_title(name: str, used: set[str]) -> str:
    base = name.translate(_SHEET_BAD).strip() or "Sheet"
    title = base[:_SHEET_NAME]
    n = 2
    while title.casefold() in used:
        suffix = f" ({n})"
        title = base[: _SHEET_NAME - len(suffix)] + suffix
        n += 1
    used.add(title.casefold())
    return title


def _about_rows(title: str, notes: list[str], filters: list[str]) -> list[list[str]]:
    rows = [[title], [f"Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"], []]
    rows += [[line] for line in filters]
    if notes:
        rows += [[], *([n] for n in notes)]
    return rows


def _write_rows(ws: Any, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append([_safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_safe_cell(v) for v in r])
    ws.freeze_panes = "B2"
    for col in ws.columns:
        width = max((len(str(c.value or "")) for c in col), default=8)
        ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width + 2))
        for c in col[1:]:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def matrix_title(m: Matrix) -> str:
    what = {"codings": "Codings", "transcripts": "Transcripts", "participants": "Participants"}
    pct = {"row": ", with row percentages", "col": ", with column percentages"}
    return (
        f"{what[m.count]}: {m.rows}s by {m.cols}"
        + (pct.get(m.percent or "", ""))
        + (
            f"; cells from fewer than {m.suppress_below} participants hidden"
            if m.suppress_below
            else ""
        )
    )


def write_matrix(m: Matrix | Cooccurrence, fmt: str, f: BinaryIO) -> None:
    """A matrix (or co-occurrence) as CSV (the readable table) or XLSX (the table, and a
    sheet saying what was chosen)."""
    from qualkit.analysis.matrices import Matrix

    table = m.table()
    if isinstance(m, Matrix):
        title = matrix_title(m)
    else:
        title = f"Codes found together ({'same turn' if m.by == 'turn' else 'overlapping spans'})"
    if fmt == "csv":
        text = table.map(_safe_cell).to_csv(index=False)
        f.write(text.encode("utf-8-sig"))
        return
    if fmt != "xlsx":
        raise QualkitError(f"a matrix is written as csv or xlsx, not {fmt!r}")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Matrix"
    _write_rows(ws, [str(c) for c in table.columns], table.to_numpy().tolist())
    if not isinstance(m, Matrix):
        ws2 = wb.create_sheet("Jaccard")
        jt = m.table("jaccard")
        _write_rows(ws2, [str(c) for c in jt.columns], jt.to_numpy().tolist())
    about = wb.create_sheet("About")
    for row in _about_rows(title, m.notes, m.filters.describe()):
        about.append([_safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    f.write(buf.getvalue())


def _cell_text(fw: Framework, case: str, code: str) -> str:
    cell = fw.cell(case, code)
    parts = []
    if cell.summary_text:
        parts.append("Summary: " + cell.summary_text)
    for q in cell.passages:
        parts.append(
            f"“{q.text}” ({q.transcript}, turn {q.turn + 1 if q.turn is not None else '-'})"
        )
    return "\n\n".join(parts)


def write_framework(
    fw: Framework, fmt: str, f: BinaryIO, *, charts: list[Chart] | None = None
) -> None:
    """The Framework matrix: XLSX with one sheet per theme (rows participants, columns the
    theme's codes; each cell its summary and passages), or DOCX with a heading per theme
    and code and a two-column table per code (optionally after ``charts`` as pictures)."""
    if fmt == "xlsx":
        _framework_xlsx(fw, f)
    elif fmt == "docx":
        _framework_docx(fw, f, charts or [])
    else:
        raise QualkitError(f"a Framework matrix is written as xlsx or docx, not {fmt!r}")


def _framework_xlsx(fw: Framework, f: BinaryIO) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    about = wb.active
    about.title = "About"
    rows = _about_rows(f"Framework matrix: {fw.project}", fw.notes, fw.filters.describe())
    rows += [
        [],
        [
            "One sheet per theme: a row per participant, a column per code; each cell "
            "holds the researchers' summary, then the coded passages."
        ],
    ]
    for row in rows:
        about.append([_safe_cell(v) for v in row])
    used = {"about"}
    for _theme, name, cols in fw.themes():
        ws = wb.create_sheet(_sheet_title(name, used))
        header = ["Participant", "Role", *(c.name for c in cols)]
        rows = [
            [case.case, case.role, *(_cell_text(fw, case.case, c.code) for c in cols)]
            for case in fw.cases
        ]
        _write_rows(ws, header, rows)
        for col in ws.iter_cols(min_col=3):
            ws.column_dimensions[col[0].column_letter].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    f.write(buf.getvalue())


def _framework_docx(fw: Framework, f: BinaryIO, charts: list[Chart]) -> None:
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    doc.add_heading(f"Framework matrix: {fw.project}", level=0)
    for line in fw.filters.describe():
        doc.add_paragraph(line)
    for note in fw.notes:
        doc.add_paragraph(note)
    for ch in charts:
        doc.add_heading(ch.title, level=1)
        doc.add_picture(io.BytesIO(ch.to_png(scale=2.0)), width=Cm(16))
        doc.add_paragraph().add_run(ch.alt_text).italic = True
    for _theme, name, cols in fw.themes():
        doc.add_heading(name, level=1)
        for c in cols:
            if c.name != name or len(cols) > 1:
                doc.add_heading(c.name, level=2)
            table = doc.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            hdr = table.rows[0].cells
            hdr[0].text, hdr[1].text = "Participant", "Summary and coded passages"
            for case in fw.cases:
                text = _cell_text(fw, case.case, c.code)
                if not text:
                    continue
                row = table.add_row().cells
                row[0].text = case.label
                row[1].text = text
    buf = io.BytesIO()
    doc.save(buf)
    f.write(buf.getvalue())


__all__ = [
    "FRAMEWORK_FORMATS",
    "MATRIX_FORMATS",
    "format_for",
    "matrix_title",
    "write_framework",
    "write_matrix",
]
