"""Backups of a project database, taken while people code, and restores of them.

SQLite: SQLite's online backup API copies the file in one step from a consistent read
snapshot; in WAL mode writers carry on meanwhile. PostgreSQL: ``pg_dump`` in its custom
format (one consistent snapshot, writers not blocked), restored with ``pg_restore`` in a
single transaction. A backup never overwrites a file; a restore never overwrites a project
holding data unless told to (``force``), and refuses a backup from a newer qualkit.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from qualkit.errors import ConflictError, NotFoundError, QualkitError
from qualkit.storage import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(QualkitError):
    """A backup or restore could not be made; nothing was written."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds: its kind (``sqlite`` or ``postgresql``) and the schema
    revision it was taken at (None when it has none)."""

    kind: str
    revision: str | None


# -- backup ------------------------------------------------------------------------------


def backup(project: str | Path, out: Path) -> BackupInfo:
    """Write a consistent copy of ``project`` to ``out``, which must not exist yet.

    The copy is written to a temporary file beside ``out`` and linked into place only when
    complete, so a failed or interrupted backup leaves no ``out``.
    """
    out = Path(out).expanduser()
    if out.exists() or out.is_symlink():
        raise ConflictError(f"{out}: already exists; give a new file name for the backup")
    if not out.parent.is_dir():
        raise NotFoundError(f"{out.parent}: no such folder for the backup")
    url = db.to_url(project)
    path = db.sqlite_path(url)
    if path is not None and not path.is_file():
        raise NotFoundError(f"{project}: no such project database")
    if path is None and not url.startswith("postgresql"):
        raise BackupError(f"{project}: backups are for SQLite and PostgreSQL projects")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if path is not None:
            _sqlite_backup(path, tmp)
        else:
            _pg_dump(url, tmp)
        info = inspect_backup(tmp)
        try:
            os.link(tmp, out)  # fails if someone created ``out`` meanwhile: never overwrite
        except FileExistsError:
            raise ConflictError(f"{out}: already exists; give a new file name") from None
        return info
    finally:
        tmp.unlink(missing_ok=True)


def _sqlite_backup(path: Path, tmp: Path) -> None:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    with closing(source), closing(sqlite3.connect(tmp)) as target:
        source.backup(target)  # all pages in one step: one consistent snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools "
            "(e.g. `apt-get install postgresql-client`) to back up or restore PostgreSQL"
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` and the environment carrying its password
    (kept off the command line, where other users of the machine could see it)."""
    u: URL = make_url(url)
    env = {**os.environ}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_tool(command: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{what} failed: {reason}")
    return done.stdout


def _pg_dump(url: str, tmp: Path) -> None:
    conninfo, env = _libpq(url)
    _run_tool(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), conninfo],
        env,
        "pg_dump",
    )


# -- what a backup holds -------------------------------------------------------------------


def inspect_backup(file: Path) -> BackupInfo:
    """The kind and schema revision of a backup file; one-line error if it is not one."""
    file = Path(file)
    try:
        with file.open("rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        raise NotFoundError(f"{file}: no such backup file") from None
    if head.startswith(SQLITE_MAGIC):
        try:
            with closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)) as c:
                tables = {n for (n,) in c.execute("SELECT name FROM sqlite_master")}
                if "project" not in tables:
                    raise BackupError(f"{file}: not a qualkit backup (no project in it)")
                rows = (
                    c.execute("SELECT version_num FROM alembic_version").fetchall()
                    if "alembic_version" in tables
                    else []
                )
        except sqlite3.DatabaseError:
            raise BackupError(f"{file}: not a readable SQLite backup") from None
        return BackupInfo("sqlite", str(rows[0][0]) if rows else None)
    if head.startswith(PG_DUMP_MAGIC):
        listing = _run_tool(
            [
                _pg_tool("pg_restore"),
                "--data-only",
                "--table=alembic_version",
                "-f",
                "-",
                str(file),
            ],
            dict(os.environ),
            "pg_restore",
        )
        found = re.search(r"COPY \S*alembic_version \(version_num\) FROM stdin;\n(\S+)\n", listing)
        return BackupInfo("postgresql", found.group(1) if found else None)
    raise BackupError(f"{file}: not a qualkit backup (neither SQLite nor pg_dump's format)")


def _check_revision(file: Path, info: BackupInfo) -> None:
    if info.revision is None:
        raise BackupError(f"{file}: the backup holds no schema version; not a qualkit backup")
    if info.revision != db.head_revision() and not db._known_revision(info.revision):
        raise BackupError(
            f"{file}: the backup's schema ({info.revision}) is newer than this qualkit knows "
            f"({db.head_revision()}); restore it with a newer qualkit"
        )


# -- restore -------------------------------------------------------------------------------


def restore(file: Path, project: str | Path, *, force: bool = False) -> BackupInfo:
    """Restore the backup ``file`` into ``project``.

    A project that already holds data is refused unless ``force``; so is a backup from a
    newer schema, and a backup of the other kind of database (SQLite into PostgreSQL or
    back). The restore is all or nothing.
    """
    file = Path(file).expanduser()
    info = inspect_backup(file)
    _check_revision(file, info)
    url = db.to_url(project)
    path = db.sqlite_path(url)
    kind = "sqlite" if path is not None else "postgresql"
    if kind != info.kind:
        raise BackupError(
            f"{file} is a {info.kind} backup and {project} a {kind} project: restore it into "
            f"a {info.kind} project"
        )
    if path is not None:
        _sqlite_restore(file, path, project, force)
    else:
        _pg_restore(file, url, project, force)
    return info


def _holds_data(url: str) -> bool:
    engine = db.make_engine(url)
    try:
        return not db.is_empty(engine)
    except Exception as e:
        raise BackupError(f"{db_label(url)}: cannot connect to the database") from e
    finally:
        engine.dispose()


def db_label(url: str) -> str:
    path = db.sqlite_path(url)
    return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)


def _refuse_data(project: str | Path) -> None:
    raise ConflictError(
        f"{project}: already holds a project; add --force to replace it with the backup"
    )


def _sqlite_restore(file: Path, path: Path, project: str | Path, force: bool) -> None:
    if path.exists() and path.stat().st_size > 0:
        if db.sqlite_file_is_foreign(path):
            raise ConflictError(f"{project}: is not a qualkit project; not replacing it")
        if not force and _holds_data(db.to_url(path)):
            _refuse_data(project)
    if not path.parent.is_dir():
        raise NotFoundError(f"{path.parent}: no such folder for the project")
    source = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    with closing(source), closing(sqlite3.connect(path, timeout=30)) as target:
        target.execute("PRAGMA journal_mode=WAL")
        # The backup API replaces the whole database in one transaction of the target.
        source.backup(target)


def _pg_restore(file: Path, url: str, project: str | Path, force: bool) -> None:
    holds = _holds_data(url)
    if holds and not force:
        _refuse_data(project)
    conninfo, env = _libpq(url)
    command = [
        _pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        conninfo,
    ]
    if holds:
        command += ["--clean", "--if-exists"]
    _run_tool([*command, str(file)], env, "pg_restore")


__all__ = ["BackupError", "BackupInfo", "backup", "inspect_backup", "restore"]
