"""Hostile or broken input gives a one-line error and leaves nothing behind (issue 13).

Length limits (item 2) run on SQLite and PostgreSQL alike (the ``project_path`` and ``store``
fixtures); the messages must be the same on both. Then ``qualkit app`` and signals (item 6),
and the errors that used to surface as "unexpected X" (item 8).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qualkit import limits
from qualkit.agreement import agreement_report
from qualkit.cli import cli
from qualkit.cli.common import BROKEN_PIPE_STATUS
from qualkit.errors import AgreementError, InputError, QualkitError
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Memo,
    Participant,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
)
from qualkit.project import NotIdentifiableGate, import_transcripts
from qualkit.storage import Store
from qualkit.storage import db as storage_db
from tests.conftest import CODEBOOK, ROOT

TRANSCRIPT = """Interviewer: How long did you wait for a worker?
Participant: Months. Nobody rang me back, I kept phoning the office.
Interviewer: And when you did get someone?
Participant: She listened. First time anyone listened properly.
"""


def run(*args: str, input: str | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def error_line(result: click.testing.Result) -> str:
    """The one line a failed command printed (and check that it printed only one)."""
    assert result.exit_code == 1, result.output
    # "Reading" is the label of `qualkit import`'s progress bar.
    lines = [line for line in result.output.strip().splitlines() if line != "Reading"]
    assert len(lines) == 1, result.output
    assert "unexpected" not in lines[0]
    return lines[0]


def snapshot(target: str) -> tuple[int, list[str], list[str], list[str], int]:
    """What a failed command must leave unchanged: events, users, transcripts, codes, memos."""
    with Store.open(target, create=False) as s:
        return (
            len(s.events()),
            [u.name for u in s.users()],
            [t.tid for t in s.transcripts()],
            [c.cid for c in s.codebook(include_inactive=True).codes],
            len(s.memos()),
        )


def codebook_yaml(name: str = "Waiting", cid: str = "access.waiting") -> str:
    return (
        "name: Study codebook\n"
        "codes:\n"
        "  - id: access\n"
        "    name: Access\n"
        "    definition: Getting help.\n"
        f"  - id: {cid}\n"
        "    parent: access\n"
        f"    name: {name}\n"
        "    definition: Waiting for help.\n"
    )


# -- item 2: length limits, identical on SQLite and PostgreSQL ----------------------------


def test_schema_lengths_come_from_the_limits() -> None:
    from qualkit.storage.schema import CodeRow, ParticipantRow, UserRow

    def length(column: object) -> object:
        return getattr(getattr(column, "type", None), "length", None)

    assert length(UserRow.__table__.c.name) == limits.USER_NAME
    assert length(CodeRow.__table__.c.cid) == limits.CODE_ID
    assert length(CodeRow.__table__.c.name) == limits.CODE_NAME
    assert length(ParticipantRow.__table__.c.pid) == limits.PARTICIPANT_ID


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            codebook_yaml(name="W" * 400),
            ":8: the name of code 'access.waiting' is longer than 300 characters (400)",
        ),
        (
            codebook_yaml(cid="access." + "w" * 250),
            # A long id is shown by its start only.
            f":6: code id '{('access.' + 'w' * 250)[:59]}…' is longer than 200 characters (257)",
        ),
    ],
)
def test_codebook_import_refuses_long_names_and_ids(
    project_path: str, tmp_path: Path, yaml_text: str, expected: str
) -> None:
    f = tmp_path / "long.yaml"
    f.write_text(yaml_text, encoding="utf-8")
    before = snapshot(project_path)
    assert error_line(run("codebook", "import", project_path, str(f))) == f"Error: {f}{expected}"
    assert error_line(run("codebook", "validate", str(f))) == f"Error: {f}{expected}"
    assert snapshot(project_path) == before


def test_users_add_refuses_a_long_name_before_asking_for_a_password(project_path: str) -> None:
    before = snapshot(project_path)
    result = run("users", "add", project_path, "a" * 150)  # no password given: not asked for
    assert error_line(result) == "Error: NAME is longer than 100 characters (150)"
    result = run("users", "add", project_path, "amara", "--display-name", "A" * 201)
    assert error_line(result) == "Error: --display-name is longer than 200 characters (201)"
    result = run("users", "add", project_path, "amara", "--as", "x" * 101)
    assert (
        error_line(result) == "Error: --as (or $QUALKIT_USER) is longer than 100 characters (101)"
    )
    assert snapshot(project_path) == before


def test_participants_csv_with_a_long_participant_id_names_file_and_line(
    project_path: str, tmp_path: Path
) -> None:
    (tmp_path / "x01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    csv = tmp_path / "participants.csv"
    csv.write_text(
        "transcript,participant,role\nx00,P00,Peer researcher\nx01,"
        + "P" * 150
        + ",Person accessing support\n",
        encoding="utf-8",
    )
    before = snapshot(project_path)
    result = run(
        "import",
        project_path,
        str(tmp_path / "x01.txt"),
        "--not-identifiable",
        "--participants",
        str(csv),
    )
    assert error_line(result) == (
        f"Error: {csv}:3: the participant id is longer than 100 characters (150)"
    )
    assert snapshot(project_path) == before


def test_a_transcript_whose_file_name_is_too_long_for_an_id_is_refused(
    project_path: str, tmp_path: Path
) -> None:
    f = tmp_path / ("x" * 210 + ".txt")
    f.write_text(TRANSCRIPT, encoding="utf-8")
    before = snapshot(project_path)
    result = run("import", project_path, str(f), "--not-identifiable")
    assert error_line(result) == (
        f"Error: {f}: the transcript id is longer than 200 characters (210)"
    )
    assert snapshot(project_path) == before


def test_codings_file_with_a_long_coder_name(project_path: str, tmp_path: Path) -> None:
    f = tmp_path / "x01.txt"
    f.write_text(TRANSCRIPT, encoding="utf-8")
    assert run("import", project_path, str(f), "--not-identifiable").exit_code == 0
    codings = tmp_path / "codings.yaml"
    codings.write_text(
        f"transcript: x01\ncodings:\n  - coder: {'c' * 120}\n    code: a\n    quote: Months.\n",
        encoding="utf-8",
    )
    before = snapshot(project_path)
    result = run("codings", "import", project_path, str(codings))
    assert error_line(result) == (f"Error: {codings}:3: coder is longer than 100 characters (120)")
    assert snapshot(project_path) == before


def test_init_refuses_a_long_project_name(db_url: str) -> None:
    result = run("init", db_url, "--name", "N" * 201)
    assert error_line(result) == "Error: --name is longer than 200 characters (201)"


def _seed(store: Store) -> int:
    cb = Codebook("Study", [Code("a", "A", "Something.")])
    store.set_codebook(cb, "tester")
    store.add_user("coder_a", Role.CODER, "tester")
    t = _transcript("t01")
    store.add_transcripts([(t, None)], "tester")
    return store.add_coding(Coding("coder_a", "t01", 0, 5, "a"))


def _transcript(tid: str) -> Transcript:
    from qualkit.text import text_hash

    text = "Participant: Months and months."
    turn = Turn(0, "Participant", SpeakerKind.PARTICIPANT, 13, len(text), 0)
    return Transcript(tid, tid, text, f"{tid}.txt", text_hash(text), [turn])


def test_memos_are_limited_the_same_on_both_databases(store: Store) -> None:
    coding_id = _seed(store)
    n_events = len(store.events())
    long = "m" * (limits.MEMO + 1)
    expected = f"a memo is longer than 20,000 characters ({limits.MEMO + 1:,})"
    with pytest.raises(QualkitError) as err:
        store.add_memo(Memo("coder_a", long, transcript="t01"))
    assert str(err.value) == expected
    with pytest.raises(QualkitError) as err:
        store.update_coding(coding_id, "coder_a", memo=long)
    assert str(err.value) == "a coding memo is longer than 20,000 characters (20,001)"
    assert store.memos() == []
    assert store.codings()[0].memo == ""
    assert len(store.events()) == n_events
    # The limit itself is fine.
    store.add_memo(Memo("coder_a", "m" * limits.MEMO, transcript="t01"))


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda s: s.add_user("u" * 101, Role.CODER, "tester"),
            "a user name is longer than 100 characters (101)",
        ),
        (
            lambda s: s.add_code(Code("b", "B" * 301, "Something."), "tester"),
            "a code name is longer than 300 characters (301)",
        ),
        (
            lambda s: s.add_code(Code("b" * 201, "B", "Something."), "tester"),
            "a code id is longer than 200 characters (201)",
        ),
        (
            lambda s: s.add_transcripts([(_transcript("t02"), Participant("P" * 101))], "tester"),
            "a participant id is longer than 100 characters (101)",
        ),
        (
            lambda s: s.log("x" * 101, "something"),
            "the name recorded in the event log is longer than 100 characters (101)",
        ),
    ],
)
def test_the_store_refuses_values_longer_than_their_column(
    store: Store, call: object, expected: str
) -> None:
    """The backstop under every validator: a one-line QualkitError, nothing written, on
    PostgreSQL (which would raise DataError) as on SQLite (which would store it)."""
    _seed(store)
    before = snapshot(store.url)
    with pytest.raises(QualkitError) as err:
        call(store)  # type: ignore[operator]
    assert str(err.value) == expected
    assert snapshot(store.url) == before


def _qdpx(path: Path, *, user: str = "Ann", case: str = "P07", note: str = "A note.") -> Path:
    user_guid = "A0000000-0000-4000-8000-000000000001"
    source_guid = "B0000000-0000-4000-8000-000000000002"
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Foreign" origin="SomeTool">'
        f'<Users><User guid="{user_guid}" name="{user}"/></Users>'
        '<Cases><Case guid="C0000000-0000-4000-8000-000000000003" name="' + case + '">'
        f'<SourceRef targetGUID="{source_guid}"/></Case></Cases>'
        f'<Sources><TextSource guid="{source_guid}" name="Interview 7" '
        f'creatingUser="{user_guid}"><PlainTextContent>{TRANSCRIPT}</PlainTextContent>'
        '<NoteRef targetGUID="D0000000-0000-4000-8000-000000000004"/></TextSource></Sources>'
        '<Notes><Note guid="D0000000-0000-4000-8000-000000000004" name="memo" '
        f'creatingUser="{user_guid}"><PlainTextContent>{note}</PlainTextContent></Note></Notes>'
        "</Project>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("long", "expected"),
    [
        ({"user": "U" * 150}, ":1: a user name is longer than 100 characters (150)"),
        ({"case": "P" * 150}, ":1: case: the participant id is longer than 100 characters (150)"),
        (
            {"note": "n" * (limits.MEMO + 5)},
            ":5: a note is longer than 20,000 characters (20,005)",
        ),
    ],
)
def test_qdpx_import_checks_lengths_before_writing(
    project_path: str, tmp_path: Path, long: dict[str, str], expected: str
) -> None:
    good = _qdpx(tmp_path / "good.qdpx")
    bad = _qdpx(tmp_path / "bad.qdpx", **long)
    before = snapshot(project_path)
    result = run("import", project_path, str(bad), "--not-identifiable")
    assert error_line(result) == f"Error: {bad}{expected}"
    assert snapshot(project_path) == before
    # The same file with ordinary lengths imports.
    assert run("import", project_path, str(good), "--not-identifiable").exit_code == 0


# -- item 6: `qualkit app` checks the project, and passes signals on ----------------------


def test_app_checks_the_project_before_starting_streamlit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_streamlit(*_a: object, **_k: object) -> None:
        raise AssertionError("streamlit was started")

    monkeypatch.setattr(subprocess, "Popen", no_streamlit)
    missing = tmp_path / "missing.db"
    assert error_line(run("app", str(missing))) == f"Error: {missing}: no such project database"
    assert not missing.exists()
    assert error_line(run("app", str(CODEBOOK))) == f"Error: {CODEBOOK} is not a qualkit project"
    empty = tmp_path / "empty.db"
    Store.open(empty).close()  # a database, but no project in it
    assert error_line(run("app", str(empty))) == (
        f"Error: {empty} holds no project: run `qualkit init` first"
    )


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_app_passes_signals_to_streamlit_and_exits_with_its_status(
    tmp_path: Path, sig: signal.Signals
) -> None:
    from qualkit.testing.sample_project import build_sample_project
    from qualkit.ui.server import free_port

    project = tmp_path / "study.db"
    build_sample_project(project, tmp_path / "src", password="correct horse battery")
    port = free_port()
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "qualkit", "app", str(project), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}"):
            assert app.poll() is None, (tmp_path / "app.log").read_text()
            assert time.monotonic() < deadline, "the app did not answer"
            time.sleep(0.3)
        [child] = _children(app.pid)
        assert _alive(child)
        app.send_signal(sig)
        status = app.wait(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
        log.close()
    # Streamlit stops cleanly on SIGTERM and SIGINT; `qualkit app` reaps it and exits with
    # its status, leaving no server behind (it was re-parented to PID 1 before).
    assert status == 0, (tmp_path / "app.log").read_text()
    assert not _alive(child)
    assert not _answers(f"http://127.0.0.1:{port}")


def test_the_app_command_line_has_one_home() -> None:
    """`qualkit app` starts Streamlit through qualkit.ui.server, like the tests do."""
    import importlib
    import inspect
    import pkgutil

    import qualkit.cli
    import qualkit.cli.app

    for module in pkgutil.iter_modules(qualkit.cli.__path__, "qualkit.cli."):
        source = inspect.getsource(importlib.import_module(module.name))
        assert '"streamlit"' not in source, module.name
    assert "run_app" in inspect.getsource(qualkit.cli.app)


def test_forwarded_signal_ends_the_child_and_its_status_is_returned() -> None:
    """The forwarding itself, without Streamlit: a child killed by the forwarded SIGTERM
    is reported as 128 + 15, as a shell would."""
    from qualkit.ui.server import wait_forwarding_signals

    def start() -> subprocess.Popen[bytes]:
        child = subprocess.Popen(["sleep", "30"])
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while we wait: must be passed on
        return child

    before = signal.getsignal(signal.SIGTERM)
    assert wait_forwarding_signals(start) == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is before


# -- item 8: no more "unexpected X" -------------------------------------------------------


def test_a_locked_project_is_reported_as_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "study.db"
    assert run("init", str(project)).exit_code == 0
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(project, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("users", "add", str(project), "amara", "--password-stdin", input="x" * 12)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert error_line(result) == (
        f"Error: {project}: the project is busy (another process held it for more than "
        "0.2 seconds); try again"
    )


def _tamper(path: Path, change: dict[str, object]) -> None:
    envelope = json.loads(path.read_text())
    for where, value in change.items():
        section, _, key = where.rpartition(".")
        (envelope[section] if section else envelope)[key] = value
    path.write_text(json.dumps(envelope))


@pytest.mark.parametrize(
    "change",
    [
        {"kdf.n": 3},  # not a power of two: ValueError from scrypt
        {"kdf.n": 0},
        {"kdf.r": 0},
        {"kdf.n": 2**24},  # would take minutes and 16 GB
        {"kdf.p": 2**20},
        {"cipher.nonce": ""},  # ValueError from AES-GCM
        {"cipher.nonce": base64.b64encode(b"x" * 200).decode()},
        {"cipher.nonce": base64.b64encode(b"x" * 12).decode()},  # InvalidTag
    ],
)
def test_a_tampered_key_file_cannot_be_decrypted_quickly(
    tmp_path: Path, change: dict[str, object]
) -> None:
    from qualkit.deid.anonymize import PseudonymMap
    from qualkit.deid.keyfile import KeyFileError, load_key, save_key

    key = tmp_path / "study.key"
    save_key(key, PseudonymMap(), "a good passphrase")
    _tamper(key, change)
    started = time.monotonic()
    with pytest.raises(KeyFileError) as err:
        load_key(key, "a good passphrase")
    assert time.monotonic() - started < 5
    assert str(err.value) == f"{key}: cannot decrypt: wrong passphrase or damaged key file"


def _project_with_lots_of_output(tmp_path: Path) -> Path:
    project = tmp_path / "study.db"
    with Store.open(project) as s:
        s.init_project("Study", "", "tester")
        s.set_codebook(Codebook("Study", [Code("a", "A", "Something.")]), "tester")
        s.add_user("coder_a", Role.CODER, "tester")
        f = tmp_path / "t01.txt"
        f.write_text(
            "".join(f"Interviewer: Question {i}?\nParticipant: Answer {i}.\n" for i in range(3000)),
            encoding="utf-8",
        )
        import_transcripts(s, [f], "tester", NotIdentifiableGate())
        s.add_codings(
            (Coding("coder_a", "t01", i, i + 5, "a") for i in range(0, 20000, 4)), "tester"
        )
    return project


@pytest.mark.parametrize(
    "command", [["codings", "list"], ["transcripts", "show", "{project}", "t01"]]
)
def test_output_piped_into_head_ends_quietly(tmp_path: Path, command: list[str]) -> None:
    project = _project_with_lots_of_output(tmp_path)
    args = [a.format(project=project) for a in command]
    if "{project}" not in command:
        args.append(str(project))
    proc = subprocess.Popen(
        [sys.executable, "-m", "qualkit", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # like `| head -1`: read a line, then go away
    proc.stdout.close()
    status = proc.wait(timeout=60)
    assert proc.stderr.read() == b""
    assert status == BROKEN_PIPE_STATUS


@pytest.mark.parametrize("kind", ["yaml", "directory", "empty", "other-sqlite"])
def test_a_project_argument_that_is_not_a_qualkit_database(tmp_path: Path, kind: str) -> None:
    if kind == "yaml":
        target = CODEBOOK
    elif kind == "directory":
        target = tmp_path
    elif kind == "empty":
        target = tmp_path / "empty.db"
        target.touch()
    else:
        target = tmp_path / "other.db"
        with sqlite3.connect(target) as c:
            c.execute("CREATE TABLE notes (body TEXT)")
    before = target.read_bytes() if target.is_file() else None
    out = tmp_path / "cb.qdc"
    result = run("codebook", "export", str(target), "--out", str(out))
    assert error_line(result) == f"Error: {target} is not a qualkit project"
    assert not out.exists()
    if before is not None:
        assert target.read_bytes() == before  # not turned into (or upgraded to) a project


def test_agreement_errors_are_qualkit_errors(tmp_path: Path) -> None:
    with pytest.raises(AgreementError) as err:
        agreement_report([Coding("a", "t1", 0, 50, "x")], {"t1": "short"}, bootstrap=0)
    assert isinstance(err.value, QualkitError) and isinstance(err.value, ValueError)
    project = tmp_path / "study.db"
    assert run("init", str(project)).exit_code == 0
    result = run("agreement", str(project), "--min-overlap", "0")
    assert error_line(result) == "Error: min_overlap must be in (0, 1], got 0.0"


def test_an_unwritable_output_names_the_file(tmp_path: Path) -> None:
    project = tmp_path / "study.db"
    assert run("init", str(project), "--codebook", str(CODEBOOK)).exit_code == 0
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "cb.yaml"
    line = error_line(run("codebook", "export", str(project), "--out", str(out)))
    assert line.startswith(f"Error: {tmp_path / 'a-file'}")


def test_input_error_messages_do_not_quote_a_long_value() -> None:
    long_id = "x" * 5000
    with pytest.raises(InputError) as err:
        from qualkit.codebook.validation import validate_codebook

        validate_codebook(Codebook("C", [Code(long_id, "N", "D")]))
    assert len(str(err.value)) < 200


def test_a_database_from_a_newer_qualkit_is_named_not_upgraded(tmp_path: Path) -> None:
    project = tmp_path / "study.db"
    assert run("init", str(project)).exit_code == 0
    with sqlite3.connect(project) as c:
        c.execute("UPDATE alembic_version SET version_num = '9999_future'")
    c.close()
    line = error_line(run("users", "list", str(project)))
    assert line.startswith("Error: database schema is at 9999_future, which this qualkit does")
    assert not list(tmp_path.glob("*.bak"))  # no upgrade was attempted


def test_a_clash_with_a_simultaneous_write_is_a_conflict(store: Store) -> None:
    """Two people adding the same name at once: the loser gets a ConflictError, not
    "unexpected IntegrityError" (simulated by skipping the store's own check)."""
    from qualkit.errors import ConflictError
    from qualkit.storage.schema import UserRow

    store.add_user("amara", Role.CODER, "tester")
    with pytest.raises(ConflictError) as err, store.write() as s:
        s.add(UserRow(name="amara", role="coder", display_name="amara"))
    assert "someone else saved a conflicting change" in str(err.value)
    assert [u.name for u in store.users()] == ["amara"]
