"""Quote bank files: CSV, XLSX, DOCX and Markdown, read back and checked against the database."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from qualkit.errors import QualkitError
from qualkit.export import WRITERS, build_quote_bank, format_for_path, write_quotes
from qualkit.export.formats import md_escape, sheet_name
from qualkit.files import write_atomically
from qualkit.storage import Store
from tests.test_export_quotes import make_project


def _expected(store: Store) -> dict[str, object]:
    """What the files must show, derived from the database (not from the bank)."""
    cb = store.codebook()
    by_id = cb.by_id()
    roles = {p.pid: p.role for p in store.participants()}
    themes = {c.cid: c.name for c in cb.codes if c.parent is None}
    coded_codes = {c.code for c in store.codings()}

    def theme_of(cid: str) -> str:
        while by_id[cid].parent is not None:
            cid = str(by_id[cid].parent)
        return cid

    return {
        "themes": {themes[theme_of(c)] for c in coded_codes},
        "codes": {by_id[c].name for c in coded_codes},
        "roles": roles,
    }


def _write(bank: object, fmt: str, path: Path) -> Path:
    write_atomically(path, lambda f: write_quotes(bank, fmt, f))  # type: ignore[arg-type]
    return path


def test_all_four_formats_are_written_for_a_sample_project(store: Store, tmp_path: Path) -> None:
    make_project(store)
    bank = build_quote_bank(store)
    out = tmp_path / "out"
    for fmt in ("csv", "xlsx", "docx", "md"):
        path = _write(bank, fmt, out / f"quotes{WRITERS[fmt].suffix}")
        assert path.stat().st_size > 0
        assert format_for_path(path) == fmt
    # No temporary files are left behind.
    assert sorted(p.name for p in out.iterdir()) == [
        "quotes.csv",
        "quotes.docx",
        "quotes.md",
        "quotes.xlsx",
    ]


def test_xlsx_has_overview_and_a_sheet_per_theme(store: Store, tmp_path: Path) -> None:
    make_project(store)
    expected = _expected(store)
    bank = build_quote_bank(store)
    wb = load_workbook(_write(bank, "xlsx", tmp_path / "q.xlsx"))
    assert wb.sheetnames[0] == "Overview"
    assert set(wb.sheetnames[1:]) == expected["themes"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert len(ws.title) <= 31

    overview = wb["Overview"]
    header = [c.value for c in overview[1]]
    assert header[:4] == ["Theme", "Code", "Code id", "Quotes"]
    rows = {r[2]: r for r in overview.iter_rows(min_row=2, values_only=True) if r[2]}
    codings = store.codings()
    for cid in {c.code for c in codings}:
        # Counts per code: merged quotes, never more than the code's codings.
        n_codings = sum(1 for c in codings if c.code == cid)
        assert 1 <= rows[cid][3] <= n_codings
    assert sum(r[3] for r in rows.values()) == len(bank.quotes)

    roles = expected["roles"]
    assert isinstance(roles, dict)
    seen = 0
    for ws in wb.worksheets[1:]:
        head = [c.value for c in ws[1]]
        col = {name: i for i, name in enumerate(head)}
        for row in ws.iter_rows(min_row=2):
            values = [c.value for c in row]
            quote = values[col["Quote"]]
            assert row[col["Quote"]].alignment.wrap_text
            t = store.transcript(values[col["Transcript"]])
            start, end = values[col["Start"]], values[col["End"]]
            stored = " ".join(t.text[start:end].split())
            # Every word of the quote (bar tidied marks) comes from the stored span.
            for word in quote.replace("…", " ").split():
                assert word in stored or word == "[inaudible]"
            pid = values[col["Participant"]]
            if pid:
                assert pid == t.participant
                assert values[col["Citation"]] == f"{roles[pid]}, {pid}"
            seen += 1
    assert seen == len(bank.quotes)


def test_docx_has_headings_quotes_and_attributions(store: Store, tmp_path: Path) -> None:
    make_project(store)
    expected = _expected(store)
    bank = build_quote_bank(store)
    doc = Document(str(_write(bank, "docx", tmp_path / "q.docx")))
    paras = doc.paragraphs

    def style(p: Any) -> str:
        return str(p.style.name) if p.style is not None else ""

    h1 = {p.text for p in paras if style(p) == "Heading 1"}
    h2 = {p.text for p in paras if style(p) == "Heading 2"}
    assert h1 == expected["themes"]
    assert h2 == expected["codes"]

    quotes = [(i, p) for i, p in enumerate(paras) if style(p) == "Quote"]
    assert [p.text for _, p in quotes] == [q.text for q in bank.quotes]
    roles = expected["roles"]
    assert isinstance(roles, dict)
    for (i, p), q in zip(quotes, bank.quotes, strict=True):
        assert all(run.italic for run in p.runs)
        assert p.style is not None and p.style.paragraph_format.left_indent > 0
        attribution = paras[i + 1].text
        t = store.transcript(q.transcript)
        if q.speaker == "Interviewer":
            assert attribution == "— Interviewer"
        else:
            assert attribution == f"— {roles[t.participant]}, {t.participant}"
    # A count under each code heading.
    for i, p in enumerate(paras):
        if style(p) == "Heading 2":
            n = sum(1 for q in bank.quotes if q.code_name == p.text)
            assert paras[i + 1].text.startswith(f"{n} quote")
    # Report-ready: no coder names or memos.
    body = "\n".join(p.text for p in paras)
    assert "coder_a" not in body and "Strong quote" not in body


def test_csv_rows_match_the_bank_and_guard_against_formulas(store: Store, tmp_path: Path) -> None:
    make_project(store)
    bank = build_quote_bank(store)
    path = _write(bank, "csv", tmp_path / "q.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["quote"] for r in rows] == [q.text for q in bank.quotes]
    assert [r["citation"] for r in rows] == [q.citation for q in bank.quotes]
    assert [r["coders"] for r in rows] == [", ".join(q.coders) for q in bank.quotes]
    memo_row = next(r for r in rows if "Strong quote" in r["memo"])
    assert memo_row["code"] == "access.waiting"

    from dataclasses import replace

    risky = replace(bank, quotes=[replace(bank.quotes[0], text="=HYPERLINK(1)")])
    buf = io.BytesIO()
    write_quotes(risky, "csv", buf)
    assert "'=HYPERLINK(1)" in buf.getvalue().decode("utf-8-sig")
    xbuf = io.BytesIO()
    write_quotes(risky, "xlsx", xbuf)
    ws = load_workbook(xbuf).worksheets[1]
    assert ws.cell(2, 1).value == "=HYPERLINK(1)" and ws.cell(2, 1).data_type == "s"


def test_markdown_lists_quotes_with_attribution_and_details(store: Store, tmp_path: Path) -> None:
    make_project(store)
    bank = build_quote_bank(store)
    md = _write(bank, "md", tmp_path / "q.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    for q in bank.quotes:
        i = lines.index(f"> {md_escape(q.text)}")
        assert lines[i + 2] == f"> — {md_escape(q.citation)}"
        assert q.transcript in lines[i + 4] and f"{q.start}–{q.end}" in lines[i + 4]
    for theme in bank.groups():
        assert f"## {theme.name}" in lines


def test_filtered_bank_writes_only_the_selected_theme(store: Store, tmp_path: Path) -> None:
    from qualkit.export import QuoteFilters

    make_project(store)
    bank = build_quote_bank(store, QuoteFilters(codes=("personled",)))
    wb = load_workbook(_write(bank, "xlsx", tmp_path / "q.xlsx"))
    assert wb.sheetnames == ["Overview", "Person-led services"]
    notes = [r[0] for r in wb["Overview"].iter_rows(values_only=True) if r[0]]
    assert "Codes and themes: Person-led services" in notes
    # Report-ready DOCX: the theme is named, its id ("personled") appears nowhere.
    doc = Document(str(_write(bank, "docx", tmp_path / "q.docx")))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Codes and themes: Person-led services" in body
    assert "personled" not in body


def test_empty_bank_still_writes_valid_files(store: Store) -> None:
    make_project(store)
    from qualkit.export import QuoteFilters

    bank = build_quote_bank(store, QuoteFilters(where=(("borough", "Nowhere"),)))
    assert bank.quotes == []
    for fmt in WRITERS:
        buf = io.BytesIO()
        write_quotes(bank, fmt, buf)
        assert buf.getvalue()
    wb = load_workbook(io.BytesIO(_bytes(bank, "xlsx")))
    assert wb.sheetnames == ["Overview"]


def _bytes(bank: object, fmt: str) -> bytes:
    buf = io.BytesIO()
    write_quotes(bank, fmt, buf)  # type: ignore[arg-type]
    return buf.getvalue()


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = "Access and transitions between services: referrals [and] waiting?"
    a = sheet_name(long, taken)
    b = sheet_name(long, taken)
    c = sheet_name("history", taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set("[]:*?/\\") & set(a + b)
    assert c.casefold() != "history"
    assert sheet_name("OVERVIEW", {"overview"}) == "OVERVIEW (2)"


def test_unknown_format_and_suffix_are_refused() -> None:
    with pytest.raises(QualkitError, match="unknown quote format"):
        write_quotes(None, "pdf", io.BytesIO())  # type: ignore[arg-type]
    with pytest.raises(QualkitError, match="cannot tell the format"):
        format_for_path("quotes.pdf")
    assert format_for_path("Quotes.MARKDOWN") == "md"
