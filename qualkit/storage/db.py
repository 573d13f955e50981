"""Engines, SQLite pragmas, and schema creation or migration.

A project database is named by a SQLAlchemy URL or by a path to a SQLite file. SQLite runs
in WAL mode with a busy timeout and foreign keys on; write transactions start with
``BEGIN IMMEDIATE`` so that concurrent writers queue instead of failing half way.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from qualkit.errors import QualkitError, UnstorableValue
from qualkit.storage.schema import Base

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


class MigrationNeeded(QualkitError):
    """The database schema is older than this version of qualkit."""


def to_url(target: str | Path) -> str:
    """Turn a path to a SQLite file, or a URL, into a SQLAlchemy URL."""
    s = str(target)
    if "://" in s:
        if s.startswith("postgresql://"):
            s = "postgresql+psycopg://" + s[len("postgresql://") :]
        return s
    return f"sqlite:///{Path(s).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with qualkit's connection settings."""
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            poolclass=NullPool if kwargs.pop("nullpool", False) else None,
            **kwargs,
        )
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _refuse_nul(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
) -> None:
    """A NUL character in a statement's parameters: refused alike on both backends
    (PostgreSQL cannot hold one in text; SQLite would). Values being written are checked
    earlier, with a message naming the value (``Store.write``)."""
    if _has_nul(parameters):
        raise UnstorableValue("a value holds a NUL character, which cannot be stored")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get("qualkit_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    script = ScriptDirectory.from_config(_alembic_config(None))  # type: ignore[arg-type]
    head = script.get_current_head()
    assert head is not None
    return head


def _known_revision(rev: str) -> bool:
    script = ScriptDirectory.from_config(_alembic_config(None))  # type: ignore[arg-type]
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    names = set(inspect(engine).get_table_names())
    return not (names - {"alembic_version"})


def is_foreign(engine: Engine) -> bool:
    """The database holds tables, but not qualkit's: some other application's database."""
    return _foreign_tables(set(inspect(engine).get_table_names()))


def sqlite_file_is_foreign(path: Path) -> bool:
    """``path`` is not an SQLite database, or holds another application's tables.

    Looked at read-only, before qualkit's connection settings (WAL) could change the file.
    """
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            names = {str(name) for (name,) in rows}
    except sqlite3.OperationalError as e:
        return "locked" not in str(e) and "busy" not in str(e)
    except sqlite3.DatabaseError:
        return True
    return _foreign_tables(names)


def _foreign_tables(names: set[str]) -> bool:
    names = names - {"alembic_version"}
    return bool(names) and "project" not in names


def create_schema(engine: Engine) -> None:
    """New database: create every table, then record it as being at the newest migration."""
    Base.metadata.create_all(engine)
    command.stamp(_alembic_config(engine), "head")


def upgrade(engine: Engine, url: str) -> Path | None:
    """Upgrade to the newest schema. SQLite files are copied first; returns the backup path."""
    backup = None
    path = sqlite_path(url)
    if path is not None and path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backup = path.with_name(f"{path.name}.{stamp}.bak")
        engine.dispose()
        shutil.copy2(path, backup)
    command.upgrade(_alembic_config(engine), "head")
    return backup


def ensure_schema(engine: Engine, url: str, *, auto_upgrade: bool | None = None) -> None:
    """Create a new database's schema, or upgrade an old one.

    SQLite databases upgrade automatically (after a backup). PostgreSQL ones are only
    upgraded by an explicit ``qualkit db upgrade``; opening an old one raises
    :class:`MigrationNeeded`.
    """
    if is_empty(engine):
        create_schema(engine)
        return
    rev = current_revision(engine)
    if rev == head_revision():
        return
    if rev is not None and not _known_revision(rev):
        raise MigrationNeeded(
            f"database schema is at {rev}, which this qualkit does not know (it needs "
            f"{head_revision()}): it was written by a newer qualkit; upgrade qualkit"
        )
    if auto_upgrade is None:
        auto_upgrade = is_sqlite(url)
    if not auto_upgrade:
        raise MigrationNeeded(
            f"database schema is at {rev or 'no version'}, this qualkit needs "
            f"{head_revision()}: run `qualkit db upgrade`"
        )
    upgrade(engine, url)
