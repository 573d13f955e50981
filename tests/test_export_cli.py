"""``qualkit export quotes`` and ``qualkit export qdpx``, run in-process with CliRunner."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import click
from click.testing import CliRunner, Result

from qualkit.cli.export import group
from qualkit.storage import Store
from tests.test_export_quotes import make_project


def run(*args: str, ok: bool = True) -> Result:
    result = CliRunner().invoke(group, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_group_is_named_export_with_two_commands() -> None:
    assert isinstance(group, click.Group) and group.name == "export"
    assert sorted(group.commands) == ["qdpx", "quotes"]
    for name in group.commands:
        assert "Usage:" in run(name, "--help").output


def test_quotes_in_every_format_with_filters(project_path: str, tmp_path: Path) -> None:
    with Store.open(project_path) as s:
        make_project(s)
    for suffix in ("csv", "xlsx", "docx", "md"):
        out = tmp_path / f"q.{suffix}"
        result = run("quotes", project_path, "--out", str(out))
        assert out.stat().st_size > 0 and "quotes from" in result.output

    out = tmp_path / "filtered.csv"
    run(
        "quotes",
        project_path,
        "--out",
        str(out),
        "--theme",
        "access",
        "--role",
        "Person accessing support",
        "--where",
        "borough=Lambeth",
        "--min-agreement",
        "60%",
        "--participant-turns-only",
    )
    got = rows(out)
    assert got and {r["transcript"] for r in got} == {"t01"}
    assert all(r["theme"] == "access" and float(r["agreement"]) >= 0.6 for r in got)
    assert all(r["speaker"] == "Participant" for r in got)

    run("quotes", project_path, "--out", str(out), "--consensus")
    assert {r["coders"] for r in rows(out)} == {"consensus"}
    run("quotes", project_path, "--out", str(tmp_path / "x.txt"), "--format", "md")
    assert (tmp_path / "x.txt").read_text(encoding="utf-8").startswith("# Quote bank")


def test_bad_options_give_one_line_errors(project_path: str, tmp_path: Path) -> None:
    with Store.open(project_path) as s:
        make_project(s, memos=False)
    cases = [
        (["--out", str(tmp_path / "q.pdf")], "cannot tell the format"),
        (["--out", str(tmp_path / "q.csv"), "--code", "nope"], "nope"),
        (["--out", str(tmp_path / "q.csv"), "--where", "borough"], "ATTRIBUTE=VALUE"),
        (["--out", str(tmp_path / "q.csv"), "--min-agreement", "2"], "between 0 and 1"),
    ]
    for extra, message in cases:
        result = run("quotes", project_path, *extra, ok=False)
        assert result.exit_code != 0 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "q.csv").exists()


def test_qdpx_export(project_path: str, tmp_path: Path) -> None:
    with Store.open(project_path) as s:
        make_project(s)
        n = len(s.codings())
        # A memo on a coding is an annotation, its text inside the note; others are files.
        memos = sum(m.coding_id is None for m in s.memos())
    out = tmp_path / "project.qdpx"
    result = run("qdpx", project_path, "--out", str(out))
    assert f"{n} coding(s)" in result.output
    with zipfile.ZipFile(out) as z:
        assert "project.qde" in z.namelist()
        # Three transcripts, and one text file per memo that is not on a coding.
        assert sum(name.startswith("sources/") for name in z.namelist()) == 3 + memos
    bad = run("qdpx", project_path, "--out", str(tmp_path / "p.zip"), ok=False)
    assert bad.exit_code != 0 and ".qdpx" in bad.output
