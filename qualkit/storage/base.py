"""What every part of :class:`~qualkit.storage.store.Store` shares: opening a project, the
read and write sessions, the unit of work, and writing and reading the event log.

Every change is written in one short transaction together with its event-log entry, so
the log and the data cannot disagree. When one user action needs several repository calls,
``with store.transaction(actor):`` makes them one unit of work: one transaction holding
all their rows and events, committed together or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, overload

from sqlalchemy import Engine, event, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from qualkit.errors import (
    ConflictError,
    NotAProject,
    NotFoundError,
    ProjectBusy,
    QualkitError,
    UnstorableValue,
)
from qualkit.events import EventKind
from qualkit.limits import too_long
from qualkit.model import Event
from qualkit.storage import db
from qualkit.storage.locks import lock_for
from qualkit.storage.schema import EventRow


@overload
def aware(dt: datetime) -> datetime: ...
@overload
def aware(dt: None) -> None: ...
def aware(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt


def jsonable(value: Any) -> Any:
    """``value`` as JSON can hold it (enums as their values, times as ISO strings)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value
    return value


#: How a length error names each limited column (see :mod:`qualkit.limits`).
_COLUMN_WHAT = {
    ("project", "name"): "the project name",
    ("users", "name"): "a user name",
    ("users", "display_name"): "a display name",
    ("participants", "pid"): "a participant id",
    ("participants", "role"): "a participant's role",
    ("transcripts", "tid"): "a transcript id",
    ("transcripts", "title"): "a transcript title",
    ("transcripts", "source_name"): "a transcript's file name",
    ("transcripts", "text"): "a transcript's text",
    ("codings", "quote"): "a coding's quote",
    ("turns", "speaker"): "a speaker label",
    ("turns", "timestamp"): "a timestamp",
    ("codes", "cid"): "a code id",
    ("codes", "name"): "a code name",
    ("codes", "parent_cid"): "a parent code id",
    ("codes", "definition"): "a code definition",
    ("codes", "include"): "a code's include note",
    ("codes", "exclude"): "a code's exclude note",
    ("codebook_versions", "actor"): "the name recorded in the event log",
    ("codebook_versions", "name"): "a code or codebook name",
    ("codings", "memo"): "a coding memo",
    ("memos", "text"): "a memo",
    ("framework_summaries", "text"): "a Framework summary",
    ("framework_summaries", "case_id"): "a participant or transcript id",
    ("events", "actor"): "the name recorded in the event log",
    ("suggested_themes", "label"): "a theme label",
    ("suggested_themes", "code"): "a code id",
    ("suggested_themes", "decided_by"): "the name recorded in the event log",
    ("suggested_themes", "note"): "a note on a theme",
}


class _WriteSession(Session):
    """The session of :meth:`StoreBase.write`: refuses a value longer than its column allows,
    or holding a NUL character."""


@event.listens_for(_WriteSession, "before_flush")
def _check_lengths(session: Session, _context: Any, _instances: Any) -> None:
    """Raise :class:`UnstorableValue` before a too-long value, or text with a NUL character,
    reaches the database.

    The same check on SQLite (which would store either) and PostgreSQL (which would fail with
    a ``DataError``). Input validators name the file or argument first; this is the
    backstop. Unchanged values of existing rows are not checked.
    """
    new = list(session.new)
    fresh = {id(obj) for obj in new}
    for obj in (*new, *session.dirty):
        state = sa_inspect(obj)
        for attr in state.mapper.column_attrs:
            column = attr.columns[0]
            limit = column.info.get("max_length") or getattr(column.type, "length", None)
            if id(obj) not in fresh and not state.attrs[attr.key].history.has_changes():
                continue
            value = state.dict.get(attr.key)  # never loads anything
            if not isinstance(value, str):
                continue
            table = str(getattr(column, "table", ""))
            what = _COLUMN_WHAT.get((table, column.name), f"{table}.{column.name}")
            if limit and len(value) > limit:
                raise UnstorableValue(str(too_long(value, limit, what)))
            if "\x00" in value:
                raise UnstorableValue(f"{what} holds a NUL character, which cannot be stored")


def _label(url: str) -> str:
    """How messages name a project: the SQLite path, or the URL without its password."""
    path = db.sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the project database"


def _is_locked(e: OperationalError) -> bool:
    """SQLite's busy timeout ran out, or PostgreSQL gave up waiting for a lock."""
    if getattr(e.orig, "sqlstate", None) in {"55P03", "40P01"}:
        return True
    return "database is locked" in str(e.orig) or "database is busy" in str(e.orig)


def _busy(label: str) -> ProjectBusy:
    seconds = db.BUSY_TIMEOUT_MS / 1000
    return ProjectBusy(
        f"{label}: the project is busy (another process held it for more than "
        f"{seconds:g} seconds); try again"
    )


def _has_revision(engine: Any) -> bool:
    """Whether a database is stamped with a qualkit schema revision (read safely)."""
    try:
        return db.current_revision(engine) is not None
    except Exception:
        return False


class UnitOfWork:
    """What :meth:`StoreBase.transaction` yields: the acting user, and :meth:`log` to record an
    event by them in the unit's transaction."""

    def __init__(self, store: StoreBase, actor: str, session: Session) -> None:
        self.store = store
        self.actor = actor
        self._session = session

    def log(self, action: EventKind, **payload: Any) -> None:
        self.store._log(self._session, self.actor, action, **payload)


class StoreBase:
    """A connection to one project database: sessions, units of work and the event log.

    Open with :meth:`open` (existing or new database) and close with :meth:`close`, or use
    it as a context manager.
    """

    def __init__(self, engine: Engine, url: str, *, queue_writes: bool = True) -> None:
        self.engine = engine
        self.url = url
        self._write_engine = engine.execution_options(qualkit_write=True)
        sqlite = engine.dialect.name == "sqlite"
        self._queue = lock_for(url) if sqlite and queue_writes else None
        # The unit of work open in each thread (see transaction()).
        self._local = threading.local()

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        target: str | Path,
        *,
        create: bool = True,
        auto_upgrade: bool | None = None,
        queue_writes: bool = True,
    ) -> Self:
        """Open the project at ``target`` (SQLite path or URL).

        A missing SQLite file is created only when ``create`` is true. ``queue_writes``
        orders this process's SQLite writers first come, first served
        (:mod:`qualkit.storage.locks`).
        """
        url = db.to_url(target)
        path = db.sqlite_path(url)
        label = str(target) if path is not None else _label(url)
        if path is not None and not path.exists():
            if not create:
                raise NotFoundError(f"{target}: no such project database")
            path.parent.mkdir(parents=True, exist_ok=True)
        elif path is not None and (
            db.sqlite_file_is_foreign(path)
            or (not create and path.is_file() and path.stat().st_size == 0)
        ):
            raise NotAProject(label)
        engine = db.make_engine(url)
        try:
            try:
                if db.is_foreign(engine):
                    raise NotAProject(label)
                db.ensure_schema(engine, url, auto_upgrade=auto_upgrade)
            except OperationalError as e:
                if _is_locked(e):
                    raise _busy(label) from None
                if path is None:
                    raise QualkitError(f"{label}: cannot connect to the database") from None
                raise NotAProject(label) from None
            except DatabaseError:
                if _has_revision(engine):
                    raise QualkitError(
                        f"{label}: could not be upgraded to this qualkit's schema"
                        + ("; the copy made before the upgrade is beside it" if path else "")
                    ) from None
                raise NotAProject(label) from None
        except Exception:
            engine.dispose()
            raise
        return cls(engine, url, queue_writes=queue_writes)

    @property
    def label(self) -> str:
        """How messages name this project: its SQLite path, or its URL without a password."""
        return _label(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _unit(self) -> UnitOfWork | None:
        unit: UnitOfWork | None = getattr(self._local, "unit", None)
        return unit

    @contextmanager
    def transaction(self, actor: str) -> Iterator[UnitOfWork]:
        """One unit of work: every repository call inside shares one write transaction.

        Rows and events of all calls are committed together when the outermost block ends,
        or none of them when an exception leaves it. A ``transaction`` inside another joins
        it. Each call (and each inner block) runs in a savepoint, so one that fails, and
        whose error is caught inside the block, leaves nothing of its own behind. Reads
        inside see the unit's own writes. Per thread: calls from other threads are not
        part of it (on SQLite they wait, as for any write).
        """
        unit = self._unit()
        if unit is not None:
            with self._translating_errors(), unit._session.begin_nested():
                yield UnitOfWork(self, actor, unit._session)
            return
        with self._write_session() as s:
            self._local.unit = UnitOfWork(self, actor, s)
            try:
                yield self._local.unit
            finally:
                self._local.unit = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        unit = self._unit()
        if unit is not None:
            yield unit._session
            return
        try:
            with Session(self.engine, expire_on_commit=False) as s, s.begin():
                yield s
        except OperationalError as e:
            if _is_locked(e):
                raise _busy(self.label) from None
            raise

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction (``BEGIN IMMEDIATE`` on SQLite, queued in arrival order).

        Inside :meth:`transaction`, a savepoint in the unit's transaction instead.
        Waiting longer than the busy timeout for another writer raises :class:`ProjectBusy`;
        a value longer than its column allows raises :class:`QualkitError` before any write.
        """
        unit = self._unit()
        if unit is None:
            with self._write_session() as s:
                yield s
            return
        with self._translating_errors(), unit._session.begin_nested():
            yield unit._session

    @contextmanager
    def _write_session(self) -> Iterator[Session]:
        with (
            self._translating_errors(),
            self._queue or nullcontext(),
            _WriteSession(self._write_engine, expire_on_commit=False) as s,
            s.begin(),
        ):
            yield s

    @contextmanager
    def _translating_errors(self) -> Iterator[None]:
        """Database errors a writer can meet, as one-line :class:`QualkitError` s."""
        try:
            yield
        except OperationalError as e:
            if _is_locked(e):
                raise _busy(self.label) from None
            raise
        except IntegrityError:
            # Checks run before each write; a clash here means someone else saved the same
            # thing (a user name, a transcript id) a moment earlier.
            raise ConflictError(
                f"{self.label}: someone else saved a conflicting change at the same moment; "
                "reload and try again"
            ) from None

    # -- events --------------------------------------------------------------------

    @staticmethod
    def _log(s: Session, actor: str, action: EventKind, **payload: Any) -> None:
        s.add(EventRow(actor=actor, action=str(action), payload=jsonable(payload)))

    def log(self, actor: str, action: EventKind, **payload: Any) -> None:
        with self.write() as s:
            self._log(s, actor, action, **payload)

    def events(
        self,
        action: EventKind | str | None = None,
        limit: int | None = None,
        *,
        newest: bool = False,
    ) -> list[Event]:
        """Logged events, oldest first; ``newest`` gives the latest ``limit`` ones first.
        ``action`` picks one kind (a catalogue member, or its stored string)."""
        with self.read() as s:
            q = select(EventRow).order_by(EventRow.id.desc() if newest else EventRow.id)
            if action:
                q = q.where(EventRow.action == str(action))
            if limit:
                q = q.limit(limit)
            return [
                Event(actor=r.actor, action=r.action, payload=r.payload, at=aware(r.at), id=r.id)
                for r in s.scalars(q)
            ]

    def last_event_id(self) -> int:
        """Id of the newest event (0 when none): changes whenever the project changes."""
        with self.read() as s:
            return int(s.scalar(select(func.max(EventRow.id))) or 0)


__all__ = ["StoreBase", "UnitOfWork", "aware", "jsonable"]
