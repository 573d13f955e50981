"""The command line, run in-process with CliRunner against tmp-path databases."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qualkit.cli import cli
from qualkit.storage import Store
from tests.conftest import CODEBOOK, ROOT

TRANSCRIPT = """Interview ID: X-01
Mode: Telephone

Interviewer: How long did you wait for a worker?
Participant: Months. Nobody rang me back, I kept phoning the office.
Interviewer: And when you did get someone?
Participant: She listened. First time anyone listened properly.
"""


def run(*args: str, input: str | None = None, ok: bool = True) -> click.testing.Result:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def all_commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if isinstance(cmd, click.Group):
            out.extend(all_commands(cmd, full + " "))
        else:
            out.append(full)
    return out


def test_every_command_has_help_and_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in all_commands(cli):
        result = run(*name.split(), "--help")
        assert "Usage:" in result.output
        cmd: click.Command = cli
        for part in name.split():
            assert isinstance(cmd, click.Group)
            cmd = cmd.commands[part]
        assert cmd.help, f"`qualkit {name}` has no help text"
        assert f"qualkit {name}" in readme, f"`qualkit {name}` is not in README.md"


def test_init_import_list_show(project_path: str, tmp_path: Path) -> None:
    f = tmp_path / "x01.txt"
    f.write_text(TRANSCRIPT, encoding="utf-8")
    run("import", project_path, str(f), "--not-identifiable")
    out = run("transcripts", "list", project_path).output
    assert re.search(r"x01\s+-\s+4\s+2", out), out
    shown = run("transcripts", "show", project_path, "x01").output
    assert "Participant (participant):\nMonths." in shown
    with Store.open(project_path) as s:
        [event] = s.events(action="transcripts.import")
    assert event.payload["gate"] == "not-identifiable"


def test_import_refuses_files_not_released_by_deidentification(
    project_path: str, tmp_path: Path
) -> None:
    f = tmp_path / "x01.txt"
    f.write_text(TRANSCRIPT, encoding="utf-8")
    result = run("import", project_path, str(f), ok=False)
    assert result.exit_code != 0
    assert "de-identification" in result.output
    with Store.open(project_path) as s:
        assert s.transcripts() == []


BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 4,
    "junk.docx": b"PK\x03\x04" + b"\x00plantedword" * 50,
    "latin1.txt": "Interviewer: Caf\xe9?\nParticipant: Oui, tr\xe8s bien.\n".encode("latin-1"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_gives_one_line_error_and_leaves_database_unchanged(
    project_path: str, tmp_path: Path, name: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(TRANSCRIPT, encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(BAD_FILES[name])
    result = run("import", project_path, str(good), str(bad), "--not-identifiable", ok=False)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith("Error")]
    assert len(lines) == 1 and name in lines[0], result.output
    assert "Caf" not in result.output and "plantedword" not in result.output
    with Store.open(project_path) as s:
        assert s.transcripts() == []
        assert s.events(action="transcripts.import") == []


def test_oversized_file_is_refused(project_path: str, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    line = "Participant: " + "words and more words " * 50 + "\n"
    with big.open("w", encoding="utf-8") as f:
        while f.tell() < 50 * 1024 * 1024:
            f.write(line)
    result = run("import", project_path, str(big), "--not-identifiable", ok=False)
    assert result.exit_code == 1 and "big.txt" in result.output
    with Store.open(project_path) as s:
        assert s.transcripts() == []


def test_codebook_validate_import_export_history(project_path: str, tmp_path: Path) -> None:
    out = run("codebook", "validate", str(CODEBOOK)).output
    assert "ok" in out
    run("codebook", "import", project_path, str(CODEBOOK), "--as", "alice")
    qdc = tmp_path / "cb.qdc"
    run("codebook", "export", project_path, "--out", str(qdc))
    yml = tmp_path / "cb.yaml"
    run("codebook", "export", project_path, "--out", str(yml))
    from qualkit.codebook import load_codebook
    from qualkit.refiqda.qdc import import_qdc

    with Store.open(project_path) as s:
        stored = s.codebook()
    assert import_qdc(qdc).codes == stored.codes
    assert load_codebook(yml).codes == stored.codes
    assert "alice" in run("codebook", "history", project_path).output


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            "name: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n  - id: a\n    name: B\n"
            "    definition: d\n",
            "duplicate",
        ),
        (
            "name: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    parent: b\n"
            "  - id: b\n    name: B\n    definition: d\n    parent: a\n",
            "cycle",
        ),
    ],
)
def test_bad_codebook_names_file_and_line(
    tmp_path: Path, body: str, needle: str, project_path: str
) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(body, encoding="utf-8")
    result = run("codebook", "validate", str(f), ok=False)
    assert result.exit_code == 1
    assert re.search(r"bad\.yaml:\d+", result.output), result.output
    assert needle in result.output.lower()
    result = run("codebook", "import", project_path, str(f), ok=False)
    with Store.open(project_path) as s:
        assert s.codebook().codes == []


def test_users_add_list_reset(project_path: str) -> None:
    run(
        "users",
        "add",
        project_path,
        "amara",
        "--role",
        "coder",
        "--password-stdin",
        input="correct horse battery\n",
    )
    assert re.search(r"amara\s+coder", run("users", "list", project_path).output)
    run("users", "reset", project_path, "amara", "--password-stdin", input="another long one\n")
    from qualkit.auth import verify_password

    with Store.open(project_path) as s:
        assert verify_password(s.password_hash("amara"), "another long one")
        assert not verify_password(s.password_hash("amara"), "correct horse battery")
        events = s.events()
    assert "correct horse" not in str([e.payload for e in events])
    result = run(
        "users", "add", project_path, "amara", "--password-stdin", input="whatever12345\n", ok=False
    )
    assert "already exists" in result.output


def test_db_upgrade_on_current_database(project_path: str) -> None:
    assert "up to date" in run("db", "upgrade", project_path).output


def project_with_codings_file(project_path: str, folder: Path, codings: str) -> Path:
    """The codebook and transcript x01 imported into the project, and a codings file for
    x01 listing ``codings`` (YAML list items) written beside it; returns the file."""
    run("codebook", "import", project_path, str(CODEBOOK))
    f = folder / "x01.txt"
    f.write_text(TRANSCRIPT, encoding="utf-8")
    run("import", project_path, str(f), "--not-identifiable")
    path = folder / "x01.yaml"
    path.write_text(f"transcript: x01\ncodings:\n{codings}", encoding="utf-8")
    return path


def test_codings_import_from_quote_files(project_path: str, tmp_path: Path) -> None:
    codings = project_with_codings_file(
        project_path,
        tmp_path,
        "  - {coder: coder_a, code: access.waiting, quote: 'Nobody rang me back'}\n"
        "  - {coder: coder_b, code: access.waiting, quote: 'not in the text'}\n",
    )
    out = run("codings", "import", project_path, str(codings)).output
    assert "Added 1 coding" in out and "1 quote(s) not found" in out
    listed = run("codings", "list", project_path).output
    start = TRANSCRIPT.index("Nobody")
    assert f"{start}-{start + 19}" in listed.replace(" ", "")


def test_unknown_project_is_a_clear_error(tmp_path: Path) -> None:
    result = run("transcripts", "list", str(tmp_path / "missing.db"), ok=False)
    assert result.exit_code == 1 and "missing.db" in result.output


def test_agreement_table_and_json(project_path: str, tmp_path: Path) -> None:
    import json

    codings = project_with_codings_file(
        project_path,
        tmp_path,
        "  - {coder: coder_a, code: access.waiting, quote: 'Months. Nobody rang me back'}\n"
        "  - {coder: coder_b, code: access.waiting, quote: 'Nobody rang me back'}\n"
        "  - {coder: coder_a, code: personled.peer, quote: 'She listened.'}\n",
    )
    run("codings", "import", project_path, str(codings))
    out = tmp_path / "agreement.json"
    table = run("agreement", project_path, "--bootstrap", "50", "--out", str(out)).output
    assert "access.waiting" in table and "coder_a+coder_b" in table
    report = json.loads(out.read_text(encoding="utf-8"))
    row = next(
        r for r in report["rows"] if r["code"] == "access.waiting" and r["transcript"] == "x01"
    )
    assert row["n_units"] > 0
    # coder_a coded 27 characters, coder_b 19 of them: NVivo agreement counts uncoded text.
    assert abs(row["percent_agreement"] - 100 * (1 - 8 / row["n_units"])) < 1e-9
    qdpx = tmp_path / "project.qdpx"
    run("export", "qdpx", project_path, "--out", str(qdpx))
    from_file = tmp_path / "from_qdpx.json"
    run("agreement", str(qdpx), "--bootstrap", "50", "--out", str(from_file))
    assert json.loads(from_file.read_text(encoding="utf-8"))["rows"] == report["rows"]
    csv_out = tmp_path / "agreement.csv"
    run("agreement", project_path, "--bootstrap", "0", "--out", str(csv_out))
    assert csv_out.read_text(encoding="utf-8").startswith("code,transcript,coders")


# -- one error path and exit status for every command ---------------------------------------


def test_every_group_shares_the_one_error_path() -> None:
    from qualkit.cli.common import QualkitGroup

    def groups(group: click.Group) -> list[click.Group]:
        inner = [c for c in group.commands.values() if isinstance(c, click.Group)]
        return [group, *(g for c in inner for g in groups(c))]

    found = groups(cli)
    assert {g.name for g in found} >= {"deid", "export", "suggest", "analyse", "users", "db"}
    for group in found:
        assert isinstance(group, QualkitGroup), group.name


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["deid", "lists-template", "{tmp}/lists.yaml"], "qualkit.deid.lists.save_lists"),
        (["codebook", "validate", str(CODEBOOK)], "qualkit.project.load_codebook_file"),
    ],
)
def test_an_unexpected_error_is_named_by_its_type_only(
    args: list[str], target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_a: object, **_k: object) -> None:
        raise ValueError("Participant: Ondine Farrow rang the office")

    monkeypatch.setattr(target, fail)
    monkeypatch.delenv("QUALKIT_DEBUG", raising=False)
    argv = [a.format(tmp=tmp_path) for a in args]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1
    assert result.output == (
        "Error: unexpected ValueError; rerun with QUALKIT_DEBUG=1 for details\n"
    )
    monkeypatch.setenv("QUALKIT_DEBUG", "1")
    with pytest.raises(ValueError, match="Ondine"):
        CliRunner().invoke(cli, argv, catch_exceptions=False)


def test_deid_errors_look_like_every_other_command(tmp_path: Path) -> None:
    target = tmp_path / "lists.yaml"
    target.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["deid", "lists-template", str(target)])
    assert (result.exit_code, result.output) == (1, f"Error: {target}: already exists\n")
    usage = CliRunner().invoke(cli, ["deid", "run"])
    assert usage.exit_code == 2 and "Usage:" in usage.output
