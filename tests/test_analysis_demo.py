"""Analysis over the demo project: the README's notebook example runs as written, and no
analysis export holds a raw identifier from the sample corpus."""

from __future__ import annotations

import csv
import doctest
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_export_safety import gold_needles

pytestmark = pytest.mark.slow


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Analysis\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1 and ">>> import qualkit" in blocks[0]
    return str(blocks[0])


def test_readme_analysis_example_runs_against_the_demo_project(demo: Any) -> None:
    example = readme_example().replace('"demo/project.db"', repr(str(demo.project)))
    test = doctest.DocTestParser().get_doctest(example, {}, "README", "README.md", 0)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 8
    assert result.failed == 0, out.getvalue()


def analysis_texts(project: Path, tmp: Path) -> dict[str, str]:
    """The readable text of every analysis export of ``project``."""
    from docx import Document
    from openpyxl import load_workbook

    from qualkit.analysis import Study
    from qualkit.analysis.export import write_framework, write_matrix

    out: dict[str, str] = {}
    with Study.open(project) as study:
        fw = study.framework("code")
        summary_case = fw.cases[0].case
        study.store.save_framework_summary(summary_case, fw.columns[0].code, "Summary.", "rita")
        fw = study.framework("code")
        assert sum(len(c.passages) for c in fw.cells.values()) > 100
        items: dict[str, tuple[Any, str]] = {
            "matrix.csv": (study.matrix("code", "participant"), "csv"),
            "matrix.xlsx": (study.matrix("code", "borough", count="participants"), "xlsx"),
            "cooccurrence.xlsx": (study.cooccurrence("overlap"), "xlsx"),
        }
        for name, (m, fmt) in items.items():
            buf = io.BytesIO()
            write_matrix(m, fmt, buf)
            items[name] = (buf.getvalue(), fmt)
        for fmt in ("xlsx", "docx"):
            buf = io.BytesIO()
            write_framework(fw, fmt, buf)
            items[f"framework.{fmt}"] = (buf.getvalue(), fmt)
        for kind in ("codes", "cooccurrence", "progress"):
            ch = study.chart(kind)
            items[f"{kind}.svg"] = (ch.to_svg().encode("utf-8"), "svg")
            out[f"{kind} alt text"] = ch.alt_text
    for name, (data, fmt) in items.items():
        if fmt == "csv":
            rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
            out[name] = "\n".join(c for r in rows for c in r)
        elif fmt == "xlsx":
            wb = load_workbook(io.BytesIO(data))
            out[name] = "\n".join(
                c
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
                for c in row
                if isinstance(c, str)
            )
        elif fmt == "docx":
            doc = Document(io.BytesIO(data))
            cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
            out[name] = "\n".join([p.text for p in doc.paragraphs] + cells)
        else:
            out[name] = re.sub(r"<[^>]+>", " ", data.decode("utf-8"))
    return out


def test_no_raw_identifier_appears_in_any_analysis_export(demo: Any, tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "copy.db"
    shutil.copy(demo.project, project)
    texts = analysis_texts(project, tmp_path)
    assert "Summary." in texts["framework.xlsx"]
    needles = gold_needles()
    leaks = {name: sorted(needles.found_in(text)) for name, text in texts.items()}
    assert {name: found for name, found in leaks.items() if found} == {}
    # Nothing of the re-identification key (names as they were written) leaves the
    # researcher's side either.
    from qualkit.deid.keyfile import load_key
    from qualkit.demo import demo_passphrase

    key = load_key(demo.researcher_dir / "reidentification.key", demo_passphrase())
    names = {
        entry["surface"]
        for kind, table in key.entries.items()
        if kind == "PERSON"
        for entry in table.values()
        if len(entry.get("surface", "")) >= 4
    }
    assert len(names) > 20
    found = {
        n
        for n in names
        for text in texts.values()
        if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)
    }
    assert found == set()


def test_small_cells_are_hidden_in_the_demo_exports(demo: Any) -> None:
    from qualkit.analysis import Study

    with Study.open(demo.project) as study:
        m = study.matrix("code", "borough", count="participants", suppress_below=3)
        shown = m.counts.stack().dropna()
        assert m.suppressed > 0 and (shown.eq(0) | shown.ge(3)).all()
        assert "<3" in m.table().to_string()
