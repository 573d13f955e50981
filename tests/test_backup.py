"""Backups taken while people code, restores, and ``qualkit db check``.

The database tests run on SQLite, and on PostgreSQL too when ``QUALKIT_TEST_DB`` is set
(``pg_dump``/``pg_restore`` then do the work).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qualkit.cli import cli
from qualkit.model import Coding, Role
from qualkit.storage import Store, head_revision
from qualkit.storage.backup import backup, inspect_backup, restore
from qualkit.storage.check import check
from qualkit.testing.sample_project import build_sample_project
from tests.conftest import PG_URL

CODERS = 20


def error_line(result: Any) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code != 0, result.output
    assert len(lines) == 1, result.output
    return str(lines[0])


@pytest.fixture
def second_db(tmp_path: Path) -> Iterator[str]:
    """An empty second database of the same kind as ``db_url``, to restore into."""
    if not PG_URL:
        yield str(tmp_path / "restored.db")
        return
    name = f"{make_url(PG_URL).database}_restore"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.slow
def test_backup_under_load_keeps_every_acknowledged_coding(
    db_url: str, second_db: str, tmp_path: Path
) -> None:
    build_sample_project(db_url, tmp_path / "src")
    store = Store.open(db_url)
    try:
        for i in range(CODERS):
            store.add_user(f"coder{i:02d}", Role.CODER, "admin")
        t = store.transcript("t01")
        codes = [c.cid for c in store.codebook().codes][:5]
        acked: list[tuple[int, float]] = []
        lock = threading.Lock()
        stop = threading.Event()
        failures: list[BaseException] = []

        def coder(i: int) -> None:
            n = 0
            try:
                while not stop.is_set():
                    start = (i * 37 + n * 11) % (len(t.text) - 20)
                    c = Coding(f"coder{i:02d}", "t01", start, start + 12, codes[n % len(codes)])
                    cid = store.add_coding(c)
                    done = time.monotonic()
                    with lock:
                        acked.append((cid, done))
                    n += 1
            except BaseException as e:  # reported below, not lost in a thread
                failures.append(e)

        threads = [threading.Thread(target=coder, args=(i,)) for i in range(CODERS)]
        for th in threads:
            th.start()
        time.sleep(1.5)
        started = time.monotonic()
        out = tmp_path / "nightly.qkbackup"
        info = backup(db_url, out)
        finished = time.monotonic()
        time.sleep(0.5)  # coders carry on after the backup
        stop.set()
        for th in threads:
            th.join()
        assert not failures, failures
        written_after = [cid for cid, at in acked if at > finished]
        assert written_after, "the coders did not write while the backup ran"
    finally:
        store.close()

    assert info.revision == head_revision()
    before = {cid for cid, at in acked if at < started}
    assert len(before) >= CODERS
    restore(out, second_db)
    with Store.open(second_db, create=False) as restored:
        present = {c.id for c in restored.codings(transcript="t01")}
    assert before <= present, f"{len(before - present)} acknowledged codings lost"
    # Nothing appears that was never written: every restored coding was acknowledged.
    assert present <= {cid for cid, _ in acked}
    report = check(second_db)
    assert report.ok, report.lines()


def test_backup_and_restore_refuse_to_overwrite(
    project_path: str, second_db: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "b.backup"
    result = runner.invoke(cli, ["backup", project_path, "--out", str(out)])
    assert result.exit_code == 0, result.output
    stamp = out.stat().st_mtime_ns
    line = error_line(runner.invoke(cli, ["backup", project_path, "--out", str(out)]))
    assert line == f"Error: {out}: already exists; give a new file name for the backup"
    assert out.stat().st_mtime_ns == stamp
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

    assert runner.invoke(cli, ["restore", str(out), second_db]).exit_code == 0
    with Store.open(second_db, create=False) as s:
        s.add_user("newcomer", Role.CODER, "admin")
    line = error_line(runner.invoke(cli, ["restore", str(out), second_db]))
    assert line.endswith("already holds a project; add --force to replace it with the backup")
    result = runner.invoke(cli, ["restore", str(out), second_db, "--force"])
    assert result.exit_code == 0, result.output
    with Store.open(second_db, create=False) as s:
        assert "newcomer" not in {u.name for u in s.users()}


def _make_newer(project: str) -> None:
    engine = create_engine(Store.open(project, create=False).url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()


def test_a_backup_from_a_newer_schema_is_refused(
    project_path: str, second_db: str, tmp_path: Path
) -> None:
    _make_newer(project_path)
    out = tmp_path / "future.backup"
    backup(project_path, out)
    assert inspect_backup(out).revision == "9999_from_the_future"
    line = error_line(CliRunner().invoke(cli, ["restore", str(out), second_db]))
    assert line == (
        f"Error: {out}: the backup's schema (9999_from_the_future) is newer than this "
        f"qualkit knows ({head_revision()}); restore it with a newer qualkit"
    )
    if not PG_URL:
        assert not Path(second_db).exists()


def test_db_check_passes_a_sound_project_and_names_what_is_wrong(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    build_sample_project(project, tmp_path / "src")
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "check", str(project)])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        "ok   integrity",
        "ok   foreign keys",
        "ok   schema",
        "ok   event log",
    ]
    with closing(sqlite3.connect(project)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM events WHERE id = 3")
        conn.execute("UPDATE turns SET transcript_id = 99999 WHERE id = 1")
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
        conn.commit()
    result = runner.invoke(cli, ["db", "check", str(project)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("ok   integrity")
    assert lines[1] == "FAIL foreign keys: turns.transcript_id → transcripts: 1 missing"
    assert lines[2].startswith("FAIL schema: at 0001, this qualkit's newest is ")
    assert lines[3] == "FAIL event log: events 3 to 3 are missing"


def test_db_check_and_restore_name_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "gone.db"
    assert error_line(runner.invoke(cli, ["db", "check", str(missing)])) == (
        f"Error: {missing}: no such project database"
    )
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"hello")
    assert error_line(runner.invoke(cli, ["restore", str(junk), str(tmp_path / "x.db")])) == (
        f"Error: {junk}: not a qualkit backup (neither SQLite nor pg_dump's format)"
    )
    assert error_line(runner.invoke(cli, ["restore", str(missing), str(tmp_path / "x.db")])) == (
        f"Error: {missing}: no such backup file"
    )
    assert not (tmp_path / "x.db").exists()


def test_pg_dump_missing_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL client tools on it
    out = tmp_path / "b.dump"
    result = CliRunner().invoke(
        cli, ["backup", "postgresql://qualkit@127.0.0.1:1/qualkit", "--out", str(out)]
    )
    assert error_line(result).startswith("Error: pg_dump not found: install the PostgreSQL")
    assert not out.exists()
