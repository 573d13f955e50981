"""Exports carry only de-identified project text: every export of the demo project is
scanned for the raw identifiers listed in the sample corpus's gold files.

How identifiers are matched
    Direct identifiers (names, phone numbers, emails, ...) and named places and
    organisations are looked for by their surface form, as whole words, case-sensitively.
    Ages and dates are often ordinary words or numbers ("six", "March", "2019") that also
    occur harmlessly elsewhere, so they are looked for in the context they had in the raw
    transcript: the identifier with the word before and after it ("I'm 46,").
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from lxml import etree

from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow

CONTEXT_TYPES = {"AGE", "DATE_TIME"}
NUMERIC_COLUMNS = {"turn", "start", "end", "agreement"}
NUMERIC_ATTRIBUTES = {"startPosition", "endPosition", "creationDateTime", "modifiedDateTime"}


@dataclass(frozen=True)
class Needles:
    surface: frozenset[str]
    context: frozenset[str]

    def found_in(self, text: str) -> set[str]:
        squashed = " ".join(text.split())
        hits = {n for n in self.surface if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)}
        return hits | {n for n in self.context if n in squashed}


def gold_needles() -> Needles:
    from qualkit.importers import read_text

    surface: set[str] = set()
    context: set[str] = set()
    for g in sorted((SAMPLE / "gold").glob("*.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        raw = read_text(SAMPLE / gold["file"])
        for span in gold["spans"]:
            if span["identifier"] == "direct" or span["type"] not in CONTEXT_TYPES:
                surface.add(span["text"])
                continue
            left = re.search(r"\S+\s*$", raw[: span["start"]])
            right = re.match(r"\s*\S+", raw[span["end"] :])
            a = left.start() if left else span["start"]
            b = span["end"] + (right.end() if right else 0)
            context.add(" ".join(raw[a:b].split()))
    assert len(surface) > 100 and len(context) > 20
    return Needles(frozenset(surface), frozenset(context))


def _xml_strings(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    out: list[str] = []
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction):
            out.extend(_json_strings(json.loads(node.text or "{}")))
    for el in root.iter():
        if isinstance(el.tag, str):
            out.extend(v for k, v in el.attrib.items() if k not in NUMERIC_ATTRIBUTES)
        out.extend(t for t in (el.text, el.tail) if t)
    return out


def _json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *_json_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def export_texts(project: Any) -> dict[str, str]:
    """The readable text of every export format, numeric offset fields left out."""
    from docx import Document
    from openpyxl import load_workbook

    from qualkit.export import QuoteFilters, build_quote_bank, write_quotes
    from qualkit.refiqda import export_qdpx
    from qualkit.storage import Store

    out: dict[str, str] = {}
    with Store.open(project) as store:
        for tidy in (True, False):
            bank = build_quote_bank(store, QuoteFilters(tidy=tidy))
            assert len(bank.quotes) > 100
            files: dict[str, bytes] = {}
            for fmt in ("csv", "xlsx", "docx", "md"):
                buf = io.BytesIO()
                write_quotes(bank, fmt, buf)
                files[fmt] = buf.getvalue()
            rows = csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig"), newline=""))
            out[f"csv tidy={tidy}"] = "\n".join(
                v for r in rows for k, v in r.items() if k not in NUMERIC_COLUMNS
            )
            wb = load_workbook(io.BytesIO(files["xlsx"]))
            out[f"xlsx tidy={tidy}"] = "\n".join(
                c
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
                for c in row
                if isinstance(c, str)
            )
            doc = Document(io.BytesIO(files["docx"]))
            out[f"docx tidy={tidy}"] = "\n".join(p.text for p in doc.paragraphs)
            out[f"md tidy={tidy}"] = "\n".join(
                line
                for line in files["md"].decode("utf-8").splitlines()
                if not line.startswith("<sub>")
            )
        buf = io.BytesIO()
        export_qdpx(store, buf)
    parts = []
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        for name in z.namelist():
            data = z.read(name)
            parts.extend(_xml_strings(data) if name.endswith(".qde") else [data.decode("utf-8")])
    out["qdpx"] = "\n".join(parts)
    return out


@pytest.fixture(scope="module")
def exports(demo: Any) -> dict[str, str]:
    pytest.importorskip("qualkit.demo")
    return export_texts(demo.project)


def test_no_raw_identifier_appears_in_any_export(exports: dict[str, str]) -> None:
    needles = gold_needles()
    leaks = {fmt: sorted(needles.found_in(text)) for fmt, text in exports.items()}
    assert {fmt: found for fmt, found in leaks.items() if found} == {}


def test_exports_hold_no_identifier_the_project_text_does_not(
    demo: Any, exports: dict[str, str]
) -> None:
    """Whatever de-identification missed, an export never adds raw text of its own."""
    from qualkit.storage import Store

    with Store.open(demo.project) as store:
        stored = "\n".join(t.text for t in store.transcripts(with_text=True))
        memos = "\n".join(m.text for m in store.memos())
    needles = gold_needles()
    in_project = needles.found_in(stored + "\n" + memos)
    for fmt, text in exports.items():
        assert needles.found_in(text) <= in_project, fmt


def test_the_scan_finds_an_identifier_that_is_there() -> None:
    needles = gold_needles()
    name = sorted(n for n in needles.surface if n.istitle() and " " in n)[0]
    age = sorted(needles.context)[0]
    assert name in needles.found_in(f"We met {name} there.")
    assert age in needles.found_in(f"And then, {age} that was that.")
    assert needles.found_in("The waiting list was long, six weeks or more.") == set()
