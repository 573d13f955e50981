"""Repository functions over a project database. They return domain objects, never rows.

Every change is written in one short transaction together with its event-log entry, so
the log and the data cannot disagree. When one user action needs several repository calls,
``with store.transaction(actor):`` makes them one unit of work: one transaction holding
all their rows and events, committed together or not at all.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, event, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from qualkit import limits
from qualkit.errors import (
    ConflictError,
    NotAProject,
    NotFoundError,
    ProjectBusy,
    QualkitError,
    UnstorableValue,
)
from qualkit.limits import too_long
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Event,
    Memo,
    Participant,
    Project,
    Provenance,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
    User,
)
from qualkit.storage import db
from qualkit.storage.locks import lock_for
from qualkit.storage.schema import (
    AssignmentRow,
    CodebookVersionRow,
    CodeRow,
    CodingRow,
    EmbeddingRow,
    EventRow,
    FrameworkSummaryRow,
    MemoRow,
    ParticipantRow,
    ProjectRow,
    ThemeRow,
    TranscriptRow,
    TurnRow,
    UserRow,
    WebSessionRow,
    utcnow,
)

CONSENSUS_CODER = "consensus"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if dt is not None and dt.tzinfo is None:
        from datetime import UTC

        return dt.replace(tzinfo=UTC)
    return dt


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
    """The session of :meth:`Store.write`: refuses a value longer than its column allows,
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


class UnitOfWork:
    """What :meth:`Store.transaction` yields: the acting user, and :meth:`log` to record an
    event by them in the unit's transaction."""

    def __init__(self, store: Store, actor: str, session: Session) -> None:
        self.store = store
        self.actor = actor
        self._session = session

    def log(self, action: str, **payload: Any) -> None:
        self.store._log(self._session, self.actor, action, **payload)


class Store:
    """A connection to one project database.

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
    ) -> Store:
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

    def __enter__(self) -> Store:
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
    def _log(s: Session, actor: str, action: str, **payload: Any) -> None:
        s.add(EventRow(actor=actor, action=action, payload=_jsonable(payload)))

    def log(self, actor: str, action: str, **payload: Any) -> None:
        with self.write() as s:
            self._log(s, actor, action, **payload)

    def events(
        self, action: str | None = None, limit: int | None = None, *, newest: bool = False
    ) -> list[Event]:
        """Logged events, oldest first; ``newest`` gives the latest ``limit`` ones first."""
        with self.read() as s:
            q = select(EventRow).order_by(EventRow.id.desc() if newest else EventRow.id)
            if action:
                q = q.where(EventRow.action == action)
            if limit:
                q = q.limit(limit)
            return [
                Event(actor=r.actor, action=r.action, payload=r.payload, at=_aware(r.at), id=r.id)
                for r in s.scalars(q)
            ]

    # -- project -------------------------------------------------------------------

    def init_project(self, name: str, description: str, actor: str) -> Project:
        with self.write() as s:
            row = s.scalar(select(ProjectRow))
            if row is None:
                row = ProjectRow(name=name, description=description)
                s.add(row)
                self._log(s, actor, "project.create", name=name)
            s.flush()
            return Project(name=row.name, description=row.description, id=row.id)

    def project(self) -> Project:
        with self.read() as s:
            row = s.scalar(select(ProjectRow))
            if row is None:
                raise NotFoundError("this database holds no project: run `qualkit init` first")
            return Project(row.name, row.description, row.id, _aware(row.created))

    def settings(self) -> dict[str, Any]:
        with self.read() as s:
            row = s.scalar(select(ProjectRow))
            return dict(row.settings or {}) if row else {}

    def update_settings(self, actor: str, **values: Any) -> None:
        with self.write() as s:
            row = s.scalar(select(ProjectRow))
            if row is None:
                raise NotFoundError("this database holds no project")
            row.settings = {**(row.settings or {}), **values}
            self._log(s, actor, "project.settings", keys=sorted(values))

    def update_project(self, actor: str, *, name: str, description: str) -> None:
        """Rename the project and set its description (a ``.qdpx`` import keeps both)."""
        with self.write() as s:
            row = s.scalar(select(ProjectRow))
            if row is None:
                raise NotFoundError("this database holds no project")
            row.name, row.description = name, description
            self._log(s, actor, "project.update", name=name)

    # -- users ---------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        role: Role,
        actor: str,
        password_hash: str | None = None,
        display_name: str = "",
    ) -> User:
        with self.write() as s:
            if s.scalar(select(UserRow).where(UserRow.name == name)) is not None:
                raise ConflictError(f"a user called {name!r} already exists")
            row = UserRow(
                name=name,
                role=Role(role).value,
                password_hash=password_hash,
                display_name=display_name or name,
            )
            s.add(row)
            self._log(s, actor, "user.add", user=name, role=Role(role).value)
            s.flush()
            return _user(row)

    def get_user(self, name: str) -> User:
        with self.read() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFoundError(f"no user called {name!r}")
            return _user(row)

    def password_hash(self, name: str) -> str | None:
        with self.read() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name, UserRow.active))
            return row.password_hash if row else None

    def set_password_hash(self, name: str, password_hash: str, actor: str) -> None:
        with self.write() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFoundError(f"no user called {name!r}")
            row.password_hash = password_hash
            # A new password ends every browser sign-in of the account.
            s.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
            self._log(s, actor, "user.password_reset", user=name)

    # -- browser sign-ins ----------------------------------------------------------------

    def start_web_session(self, name: str) -> str:
        """A new random token for ``name``'s browser; only its SHA-256 hash is stored."""
        token = secrets.token_urlsafe(32)
        with self.write() as s:
            user = self._user_row(s, name)
            s.add(WebSessionRow(token_hash=_token_hash(token), user_id=user.id))
        return token

    def resume_web_session(self, token: str, idle_seconds: float) -> User | None:
        """The active account a browser token belongs to, when it was used in the last
        ``idle_seconds``; it counts as used now. None when unknown, idle or ended."""
        now = utcnow()
        with self.write() as s:
            row = s.scalar(
                select(WebSessionRow).where(WebSessionRow.token_hash == _token_hash(token))
            )
            if row is None:
                return None
            user = s.get(UserRow, row.user_id)
            idle = (now - _aware(row.last_seen)).total_seconds()  # type: ignore[operator]
            if user is None or not user.active or not user.password_hash or idle >= idle_seconds:
                s.delete(row)
                return None
            row.last_seen = now
            return _user(user)

    def end_web_session(self, token: str) -> None:
        with self.write() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _token_hash(token)))

    def users(self) -> list[User]:
        with self.read() as s:
            return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]

    def _user_row(self, s: Session, name: str, *, create_as: Role | None = None) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            if create_as is None:
                raise NotFoundError(f"no user called {name!r}")
            row = UserRow(name=name, role=create_as.value, display_name=name)
            s.add(row)
            s.flush()
        return row

    # -- participants and transcripts ---------------------------------------------

    def _participant_row(self, s: Session, p: Participant) -> ParticipantRow:
        row = s.scalar(select(ParticipantRow).where(ParticipantRow.pid == p.pid))
        if row is None:
            row = ParticipantRow(pid=p.pid, role=p.role, attributes=dict(p.attributes))
            s.add(row)
        else:
            row.role = p.role
            row.attributes = {**(row.attributes or {}), **p.attributes}
        return row

    def participants(self) -> list[Participant]:
        with self.read() as s:
            rows = s.scalars(select(ParticipantRow).order_by(ParticipantRow.pid))
            return [Participant(r.pid, r.role, dict(r.attributes or {}), r.id) for r in rows]

    def add_transcripts(
        self,
        items: Sequence[tuple[Transcript, Participant | None]],
        actor: str,
        *,
        replace: bool = False,
        event_payload: dict[str, Any] | None = None,
    ) -> list[str]:
        """Store transcripts (and their participants) in one transaction.

        An id that already exists is an error unless ``replace`` is true; then its text,
        turns and metadata are replaced only when the text is unchanged or it has no codings.
        """
        with self.write() as s:
            done = []
            for t, p in items:
                existing = s.scalar(select(TranscriptRow).where(TranscriptRow.tid == t.tid))
                if existing is not None:
                    if not replace:
                        raise ConflictError(
                            f"{t.source_name}: a transcript with id {t.tid!r} is already in "
                            "the project"
                        )
                    n = s.scalar(
                        select(func.count(CodingRow.id)).where(
                            CodingRow.transcript_id == existing.id
                        )
                    )
                    if n and existing.text_hash != t.text_hash:
                        raise ConflictError(
                            f"{t.source_name}: transcript {t.tid!r} has codings and its text "
                            "changed; it cannot be replaced"
                        )
                    s.delete(existing)
                    s.flush()
                prow = self._participant_row(s, p) if p is not None else None
                row = TranscriptRow(
                    tid=t.tid,
                    title=t.title,
                    source_name=t.source_name,
                    text=t.text,
                    text_hash=t.text_hash,
                    meta=dict(t.metadata),
                    content_notes=list(t.content_notes),
                    participant=prow,
                )
                row.turns = [
                    TurnRow(
                        idx=u.index,
                        speaker=u.speaker,
                        kind=u.kind.value,
                        start=u.start,
                        end=u.end,
                        label_start=u.label_start,
                        timestamp=u.timestamp,
                    )
                    for u in t.turns
                ]
                s.add(row)
                done.append(t.tid)
            self._log(s, actor, "transcripts.import", transcripts=done, **(event_payload or {}))
            return done

    def transcript(self, tid: str) -> Transcript:
        with self.read() as s:
            row = s.scalar(
                select(TranscriptRow)
                .where(TranscriptRow.tid == tid)
                .options(selectinload(TranscriptRow.turns), selectinload(TranscriptRow.participant))
            )
            if row is None:
                raise NotFoundError(f"no transcript with id {tid!r}")
            return _transcript(row)

    def transcripts(self, *, with_text: bool = False) -> list[Transcript]:
        """All transcripts, ordered by id. Without ``with_text``, text and turns are empty."""
        with self.read() as s:
            q = select(TranscriptRow).order_by(TranscriptRow.tid)
            q = q.options(selectinload(TranscriptRow.participant))
            if with_text:
                q = q.options(selectinload(TranscriptRow.turns))
            return [_transcript(r, with_text=with_text) for r in s.scalars(q)]

    def turn_counts(self) -> dict[str, tuple[int, int]]:
        """Per transcript: (number of turns, number of distinct speakers)."""
        with self.read() as s:
            q = (
                select(
                    TranscriptRow.tid,
                    func.count(TurnRow.id),
                    func.count(func.distinct(TurnRow.speaker)),
                )
                .join(TurnRow, TurnRow.transcript_id == TranscriptRow.id, isouter=True)
                .group_by(TranscriptRow.tid)
            )
            return {tid: (n, k) for tid, n, k in s.execute(q)}

    def set_content_notes(self, tid: str, notes: list[str], actor: str) -> None:
        with self.write() as s:
            row = self._transcript_row(s, tid)
            before = list(row.content_notes or [])
            row.content_notes = list(notes)
            self._log(
                s,
                actor,
                "transcript.content_notes",
                transcript=tid,
                before=before,
                after=list(notes),
            )

    @staticmethod
    def _transcript_row(s: Session, tid: str) -> TranscriptRow:
        row = s.scalar(select(TranscriptRow).where(TranscriptRow.tid == tid))
        if row is None:
            raise NotFoundError(f"no transcript with id {tid!r}")
        return row

    # -- assignments ---------------------------------------------------------------

    def assign(self, tid: str, user: str, actor: str) -> None:
        with self.write() as s:
            t = self._transcript_row(s, tid)
            u = self._user_row(s, user)
            row = s.scalar(
                select(AssignmentRow).where(
                    AssignmentRow.transcript_id == t.id, AssignmentRow.user_id == u.id
                )
            )
            if row is None:
                s.add(AssignmentRow(transcript_id=t.id, user_id=u.id, status="assigned"))
            self._log(s, actor, "assignment.add", transcript=tid, user=user)

    def set_assignment_status(self, tid: str, user: str, status: str, actor: str) -> None:
        if status not in {"assigned", "declined", "done"}:
            raise QualkitError(f"unknown assignment status {status!r}")
        with self.write() as s:
            t = self._transcript_row(s, tid)
            u = self._user_row(s, user)
            row = s.scalar(
                select(AssignmentRow).where(
                    AssignmentRow.transcript_id == t.id, AssignmentRow.user_id == u.id
                )
            )
            if row is None:
                raise NotFoundError(f"transcript {tid!r} is not assigned to {user!r}")
            row.status = status
            row.changed = utcnow()
            self._log(s, actor, f"assignment.{status}", transcript=tid, user=user)

    def assignments(self, user: str | None = None) -> list[tuple[str, str, str]]:
        """(transcript id, user name, status) rows."""
        with self.read() as s:
            q = (
                select(TranscriptRow.tid, UserRow.name, AssignmentRow.status)
                .join(TranscriptRow, TranscriptRow.id == AssignmentRow.transcript_id)
                .join(UserRow, UserRow.id == AssignmentRow.user_id)
                .order_by(TranscriptRow.tid, UserRow.name)
            )
            if user is not None:
                q = q.where(UserRow.name == user)
            return [(a, b, c) for a, b, c in s.execute(q)]

    # -- codebook ------------------------------------------------------------------

    def codebook(self, *, include_inactive: bool = False) -> Codebook:
        with self.read() as s:
            proj = s.scalar(select(ProjectRow))
            q = select(CodeRow).order_by(CodeRow.position, CodeRow.id)
            if not include_inactive:
                q = q.where(CodeRow.active)
            codes = [_code(r) for r in s.scalars(q)]
            settings = (proj.settings or {}) if proj else {}
            n_versions = s.scalar(select(func.count(CodebookVersionRow.id))) or 0
            return Codebook(
                name=settings.get("codebook_name", "Codebook"),
                codes=codes,
                description=settings.get("codebook_description", ""),
                version=max(1, n_versions),
            )

    def code_versions(self) -> dict[str, int]:
        """Current row version of each code, for optimistic concurrency in editors."""
        with self.read() as s:
            return {cid: v for cid, v in s.execute(select(CodeRow.cid, CodeRow.version))}

    def set_codebook(self, cb: Codebook, actor: str) -> list[dict[str, Any]]:
        """Make the project's codebook equal to ``cb``, recording what changed.

        Codes missing from ``cb`` are deactivated, not deleted, so codings keep their code.
        """
        with self.write() as s:
            rows = {r.cid: r for r in s.scalars(select(CodeRow))}
            changes: list[dict[str, Any]] = []
            for pos, code in enumerate(cb.codes):
                row = rows.get(code.cid)
                if row is None:
                    row = CodeRow(cid=code.cid)
                    s.add(row)
                    changes.append({"code": code.cid, "change": "added", "name": code.name})
                else:
                    changes.extend(_field_changes(row, code))
                    if not row.active:
                        changes.append({"code": code.cid, "change": "restored"})
                _fill_code(row, code, pos)
            keep = {c.cid for c in cb.codes}
            for cid, row in rows.items():
                if cid not in keep and row.active:
                    row.active = False
                    changes.append({"code": cid, "change": "removed", "name": row.name})
            proj = s.scalar(select(ProjectRow))
            if proj is not None:
                proj.settings = {
                    **(proj.settings or {}),
                    "codebook_name": cb.name,
                    "codebook_description": cb.description,
                }
            if changes:
                s.add(CodebookVersionRow(actor=actor, name=cb.name, changes=changes))
                self._log(s, actor, "codebook.set", changes=changes)
            return changes

    def update_code(self, code: Code, expected_version: int, actor: str) -> int:
        """Save one code unless someone changed it since ``expected_version``.

        Returns the new version.
        """
        try:
            with self.write() as s:
                row = s.scalar(select(CodeRow).where(CodeRow.cid == code.cid))
                if row is None:
                    raise NotFoundError(f"no code with id {code.cid!r}")
                if row.version != expected_version:
                    raise ConflictError(
                        f"code {row.name!r} was changed by someone else while you were "
                        "editing it; reload to see their version, then make your change again"
                    )
                changes = _field_changes(row, code)
                _fill_code(row, code, row.position)
                s.flush()
                if changes:
                    s.add(CodebookVersionRow(actor=actor, name=row.name, changes=changes))
                    self._log(s, actor, "code.update", code=code.cid, changes=changes)
                return row.version
        except StaleDataError as e:
            raise ConflictError(
                f"code {code.name!r} was changed by someone else while you were editing it; "
                "reload to see their version, then make your change again"
            ) from e

    def add_code(self, code: Code, actor: str) -> None:
        with self.write() as s:
            if s.scalar(select(CodeRow).where(CodeRow.cid == code.cid)) is not None:
                raise ConflictError(f"a code with id {code.cid!r} already exists")
            pos = (s.scalar(select(func.max(CodeRow.position))) or 0) + 1
            row = CodeRow(cid=code.cid)
            _fill_code(row, code, pos)
            s.add(row)
            change = {"code": code.cid, "change": "added", "name": code.name}
            s.add(CodebookVersionRow(actor=actor, name=code.name, changes=[change]))
            self._log(
                s,
                actor,
                "code.add",
                code=code.cid,
                name=code.name,
                provenance=code.provenance.value,
            )

    def codebook_history(self) -> list[tuple[datetime, str, list[dict[str, Any]]]]:
        with self.read() as s:
            rows = s.scalars(select(CodebookVersionRow).order_by(CodebookVersionRow.id))
            return [(_aware(r.at) or r.at, r.actor, list(r.changes)) for r in rows]

    # -- codings -------------------------------------------------------------------

    def add_coding(self, c: Coding, actor: str | None = None) -> int:
        """Store one coding; the coder is created as a coder account if it is unknown only
        for the consensus layer and imports."""
        with self.write() as s:
            cid = self._insert_coding(s, c)
            self._log(s, actor or c.coder, "coding.add", id=cid, **_coding_payload(c))
            return cid

    def add_codings(self, codings: Iterable[Coding], actor: str) -> list[int]:
        with self.write() as s:
            cache: dict[tuple[str, str], Any] = {}
            rows = [self._coding_row(s, c, cache) for c in codings]
            s.add_all(rows)
            s.flush()  # one batched INSERT for the lot
            ids = [row.id for row in rows]
            self._log(s, actor, "codings.add", ids=ids, n=len(ids))
            return ids

    def _insert_coding(
        self, s: Session, c: Coding, cache: dict[tuple[str, str], Any] | None = None
    ) -> int:
        """Insert one coding; ``cache`` keeps looked-up rows across a batch."""
        row = self._coding_row(s, c, cache)
        s.add(row)
        s.flush()
        return row.id

    def _coding_row(
        self, s: Session, c: Coding, cache: dict[tuple[str, str], Any] | None = None
    ) -> CodingRow:
        """A new coding's row, checked against its transcript, coder and code."""
        cache = {} if cache is None else cache
        t = cache.get(("t", c.transcript))
        if t is None:
            t = cache[("t", c.transcript)] = self._transcript_row(s, c.transcript)
        if not (0 <= c.start < c.end <= len(t.text)):
            raise QualkitError(
                f"coding {c.start}-{c.end} is outside transcript {c.transcript!r} (0-{len(t.text)})"
            )
        u = cache.get(("u", c.coder))
        if u is None:
            imported = c.provenance in (Provenance.CONSENSUS, Provenance.IMPORTED)
            u = cache[("u", c.coder)] = self._user_row(
                s, c.coder, create_as=Role.CODER if imported else None
            )
        code = cache.get(("c", c.code))
        if code is None:
            code = s.scalar(select(CodeRow).where(CodeRow.cid == c.code))
            if code is None:
                raise NotFoundError(f"no code with id {c.code!r}")
            cache[("c", c.code)] = code
        now = utcnow()
        row = CodingRow(
            transcript_id=t.id,
            coder_id=u.id,
            code_id=code.id,
            start=c.start,
            end=c.end,
            quote=t.text[c.start : c.end],
            provenance=Provenance(c.provenance).value,
            memo=c.memo,
            created=c.created or now,
            changed=c.changed or now,
        )
        return row

    def update_coding(
        self,
        coding_id: int,
        actor: str,
        *,
        start: int | None = None,
        end: int | None = None,
        code: str | None = None,
        memo: str | None = None,
    ) -> Coding:
        with self.write() as s:
            row = s.get(CodingRow, coding_id)
            if row is None:
                raise NotFoundError(f"no coding with id {coding_id}")
            before = _coding_payload(_coding(row))
            if start is not None or end is not None:
                new_start = row.start if start is None else start
                new_end = row.end if end is None else end
                if not (0 <= new_start < new_end <= len(row.transcript.text)):
                    raise QualkitError(f"span {new_start}-{new_end} is outside the transcript")
                row.start, row.end = new_start, new_end
                row.quote = row.transcript.text[new_start:new_end]
            if code is not None:
                crow = s.scalar(select(CodeRow).where(CodeRow.cid == code))
                if crow is None:
                    raise NotFoundError(f"no code with id {code!r}")
                row.code = crow
            if memo is not None:
                row.memo = memo
            row.changed = utcnow()
            s.flush()
            after = _coding(row)
            self._log(
                s, actor, "coding.update", id=coding_id, before=before, after=_coding_payload(after)
            )
            return after

    def delete_coding(self, coding_id: int, actor: str) -> Coding:
        with self.write() as s:
            row = s.get(CodingRow, coding_id)
            if row is None:
                raise NotFoundError(f"no coding with id {coding_id}")
            gone = _coding(row)
            s.execute(delete(MemoRow).where(MemoRow.coding_id == coding_id))
            s.delete(row)
            self._log(s, actor, "coding.delete", id=coding_id, before=_coding_payload(gone))
            return gone

    def codings(
        self,
        transcript: str | None = None,
        coder: str | Sequence[str] | None = None,
        code: str | None = None,
    ) -> list[Coding]:
        with self.read() as s:
            q = (
                select(CodingRow)
                .join(TranscriptRow, CodingRow.transcript_id == TranscriptRow.id)
                .join(UserRow, CodingRow.coder_id == UserRow.id)
                .join(CodeRow, CodingRow.code_id == CodeRow.id)
                .options(
                    selectinload(CodingRow.transcript).load_only(TranscriptRow.tid),
                    selectinload(CodingRow.coder),
                    selectinload(CodingRow.code),
                )
                .order_by(TranscriptRow.tid, CodingRow.start, CodingRow.end, CodingRow.id)
            )
            if transcript is not None:
                q = q.where(TranscriptRow.tid == transcript)
            if isinstance(coder, str):
                q = q.where(UserRow.name == coder)
            elif coder is not None:
                q = q.where(UserRow.name.in_(list(coder)))
            if code is not None:
                q = q.where(CodeRow.cid == code)
            return [_coding(r) for r in s.scalars(q)]

    def coders(self) -> list[str]:
        """Names of everyone with at least one coding."""
        with self.read() as s:
            q = (
                select(UserRow.name)
                .join(CodingRow, CodingRow.coder_id == UserRow.id)
                .distinct()
                .order_by(UserRow.name)
            )
            return list(s.scalars(q))

    # -- memos ---------------------------------------------------------------------

    def add_memo(self, memo: Memo) -> int:
        with self.write() as s:
            u = self._user_row(s, memo.author)
            tid = self._transcript_row(s, memo.transcript).id if memo.transcript else None
            row = MemoRow(
                author_id=u.id, transcript_id=tid, coding_id=memo.coding_id, text=memo.text
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                memo.author,
                "memo.add",
                id=row.id,
                transcript=memo.transcript,
                coding=memo.coding_id,
            )
            return row.id

    def memos(self, transcript: str | None = None) -> list[Memo]:
        with self.read() as s:
            q = (
                select(MemoRow)
                .options(selectinload(MemoRow.author), selectinload(MemoRow.transcript))
                .order_by(MemoRow.id)
            )
            if transcript is not None:
                q = q.join(TranscriptRow, MemoRow.transcript_id == TranscriptRow.id).where(
                    TranscriptRow.tid == transcript
                )
            return [
                Memo(
                    author=r.author.name,
                    text=r.text,
                    transcript=r.transcript.tid if r.transcript else None,
                    coding_id=r.coding_id,
                    created=_aware(r.created),
                    id=r.id,
                )
                for r in s.scalars(q)
            ]

    # -- analysis ------------------------------------------------------------------
    # Plain rows for qualkit.analysis (fast to turn into tables), and the researchers'
    # Framework-matrix summaries (every version kept; the event log says who and when).

    def coding_table(self) -> list[tuple[Any, ...]]:
        """Every coding as a plain row: (id, transcript id, coder, code id, start, end,
        coded text, provenance, memo, created, changed), ordered by transcript and start."""
        with self.read() as s:
            q = (
                select(
                    CodingRow.id,
                    TranscriptRow.tid,
                    UserRow.name,
                    CodeRow.cid,
                    CodingRow.start,
                    CodingRow.end,
                    CodingRow.quote,
                    CodingRow.provenance,
                    CodingRow.memo,
                    CodingRow.created,
                    CodingRow.changed,
                )
                .join(TranscriptRow, CodingRow.transcript_id == TranscriptRow.id)
                .join(UserRow, CodingRow.coder_id == UserRow.id)
                .join(CodeRow, CodingRow.code_id == CodeRow.id)
                .order_by(TranscriptRow.tid, CodingRow.start, CodingRow.end, CodingRow.id)
            )
            return [tuple(r) for r in s.execute(q)]

    def turn_table(self) -> list[tuple[Any, ...]]:
        """Every turn as a plain row: (transcript id, index, speaker, kind, start, end,
        label start, timestamp), in transcript and turn order."""
        with self.read() as s:
            q = (
                select(
                    TranscriptRow.tid,
                    TurnRow.idx,
                    TurnRow.speaker,
                    TurnRow.kind,
                    TurnRow.start,
                    TurnRow.end,
                    TurnRow.label_start,
                    TurnRow.timestamp,
                )
                .join(TranscriptRow, TurnRow.transcript_id == TranscriptRow.id)
                .order_by(TranscriptRow.tid, TurnRow.idx)
            )
            return [tuple(r) for r in s.execute(q)]

    def framework_summaries(self) -> dict[tuple[str, str], FrameworkSummary]:
        """The newest summary of every Framework cell that has one: (case, code) → summary."""
        with self.read() as s:
            rows = s.scalars(select(FrameworkSummaryRow).order_by(FrameworkSummaryRow.version))
            return {(r.case_id, r.code): _summary(r) for r in rows}

    def framework_summary_history(self, case: str, code: str) -> list[FrameworkSummary]:
        """Every saved version of one cell's summary, oldest first."""
        with self.read() as s:
            q = (
                select(FrameworkSummaryRow)
                .where(FrameworkSummaryRow.case_id == case, FrameworkSummaryRow.code == code)
                .order_by(FrameworkSummaryRow.version)
            )
            return [_summary(r) for r in s.scalars(q)]

    def save_framework_summary(
        self, case: str, code: str, text: str, actor: str, *, expected_version: int | None = None
    ) -> FrameworkSummary:
        """Save a new version of a cell's summary. With ``expected_version`` (the version
        the writer started from, 0 for none), a newer save by someone else is a conflict."""
        with self.write() as s:
            if s.scalar(select(CodeRow.id).where(CodeRow.cid == code)) is None:
                raise NotFoundError(f"no code or theme with id {code!r}")
            current = s.scalar(
                select(func.max(FrameworkSummaryRow.version)).where(
                    FrameworkSummaryRow.case_id == case, FrameworkSummaryRow.code == code
                )
            )
            current = int(current or 0)
            if expected_version is not None and expected_version != current:
                raise ConflictError(
                    f"someone else saved the summary for {case} and {code!r} first; "
                    "reload to see it"
                )
            row = FrameworkSummaryRow(
                case_id=case, code=code, version=current + 1, text=text, author=actor
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                actor,
                "framework.summary",
                case=case,
                code=code,
                version=row.version,
                characters=len(text),
            )
            return _summary(row)

    # -- suggestions ---------------------------------------------------------------
    # Embedding cache and candidate themes (qualkit.topics). Embeddings are derived from
    # de-identified text only and live in the project so they share its access rules.

    def last_event_id(self) -> int:
        """Id of the newest event (0 when none): changes whenever the project changes."""
        with self.read() as s:
            return int(s.scalar(select(func.max(EventRow.id))) or 0)

    def cached_embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, bytes]:
        """Stored vectors (float32 bytes) for those ``hashes`` that are cached for ``model``."""
        out: dict[str, bytes] = {}
        wanted = list(dict.fromkeys(hashes))
        with self.read() as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                q = select(EmbeddingRow.text_hash, EmbeddingRow.vector).where(
                    EmbeddingRow.model == model, EmbeddingRow.text_hash.in_(chunk)
                )
                out.update({h: bytes(v) for h, v in s.execute(q)})
        return out

    def cache_embeddings(self, model: str, vectors: dict[str, bytes], dim: int) -> int:
        """Add vectors to the cache, skipping hashes already there; returns how many were added.

        Not logged: the cache holds no decisions and can be rebuilt at any time.
        """
        added = 0
        items = list(vectors.items())
        for i in range(0, len(items), 500):
            chunk = dict(items[i : i + 500])
            with self.write() as s:
                have = set(
                    s.scalars(
                        select(EmbeddingRow.text_hash).where(
                            EmbeddingRow.model == model, EmbeddingRow.text_hash.in_(list(chunk))
                        )
                    )
                )
                rows = [
                    EmbeddingRow(model=model, text_hash=h, dim=dim, vector=v)
                    for h, v in chunk.items()
                    if h not in have
                ]
                s.add_all(rows)
                added += len(rows)
        return added

    def clear_embedding_cache(self, model: str | None = None) -> int:
        with self.write() as s:
            q = delete(EmbeddingRow)
            if model is not None:
                q = q.where(EmbeddingRow.model == model)
            res: Any = s.execute(q)
            return int(res.rowcount or 0)

    def save_theme_run(
        self, themes: Sequence[ThemeRecord], actor: str, **payload: Any
    ) -> list[ThemeRecord]:
        """Store the themes of a new discovery run as the current themes.

        Themes of earlier runs stop being current; those nobody decided on (or renamed) are
        deleted, the others are kept so that later runs can honour the decisions.
        """
        with self.write() as s:
            run = (s.scalar(select(func.max(ThemeRow.run))) or 0) + 1
            for old in s.scalars(select(ThemeRow).where(ThemeRow.current)):
                old.current = False
            keep = set(
                s.scalars(select(ThemeRow.merged_into).where(ThemeRow.merged_into.is_not(None)))
            )
            undecided = select(ThemeRow).where(
                ThemeRow.status == THEME_CANDIDATE, ThemeRow.decided_by.is_(None)
            )
            for old in s.scalars(undecided):
                if old.id not in keep:
                    s.delete(old)
            s.flush()
            rows = [_theme_row(t, run) for t in themes]
            s.add_all(rows)
            s.flush()
            # Merges between themes of this run are given as run-local indexes.
            for t, row in zip(themes, rows, strict=True):
                if t.merged_into is not None and t.merged_into < 0:
                    row.merged_into = rows[-t.merged_into - 1].id
            s.flush()
            out = [_theme_record(r) for r in rows]
            statuses: dict[str, int] = {}
            for r in rows:
                statuses[r.status] = statuses.get(r.status, 0) + 1
            self._log(
                s,
                actor,
                "themes.run",
                run=run,
                themes=len(rows),
                statuses=statuses,
                inherited=[[r.id, r.inherited_from] for r in rows if r.inherited_from],
                **payload,
            )
            return out

    def themes(
        self, *, current: bool | None = True, status: str | None = None
    ) -> list[ThemeRecord]:
        """Candidate themes, largest first: those of the latest run by default, all when
        ``current`` is None."""
        with self.read() as s:
            q = select(ThemeRow).order_by(ThemeRow.run.desc(), ThemeRow.size.desc(), ThemeRow.id)
            if current is not None:
                q = q.where(ThemeRow.current == current)
            if status is not None:
                q = q.where(ThemeRow.status == status)
            return [_theme_record(r) for r in s.scalars(q)]

    def theme(self, theme_id: int) -> ThemeRecord:
        with self.read() as s:
            row = s.get(ThemeRow, theme_id)
            if row is None:
                raise NotFoundError(f"no theme with id {theme_id}")
            return _theme_record(row)

    def decide_theme(self, theme_id: int, actor: str, action: str, **changes: Any) -> ThemeRecord:
        """Record a decision on a theme (``action`` e.g. accept, reject, merge, rename).

        ``changes`` may set status, label, code, merged_into, note, keywords, quotes, size,
        transcripts, roles and passages. The event log records the action and the changed
        ids, statuses, codes and labels, never quotes.
        """
        allowed = {
            "status",
            "label",
            "code",
            "merged_into",
            "note",
            "keywords",
            "quotes",
            "size",
            "transcripts",
            "roles",
            "passages",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise QualkitError(f"unknown theme fields: {', '.join(sorted(unknown))}")
        if "status" in changes and changes["status"] not in THEME_STATUSES:
            raise QualkitError(f"unknown theme status {changes['status']!r}")
        with self.write() as s:
            row = s.get(ThemeRow, theme_id)
            if row is None:
                raise NotFoundError(f"no theme with id {theme_id}")
            before = {"status": row.status, "label": row.label, "code": row.code}
            for k, v in changes.items():
                setattr(row, k, v)
            row.decided_by = actor
            row.changed = utcnow()
            s.flush()
            logged = {
                k: changes[k]
                for k in ("status", "label", "code", "merged_into", "note")
                if k in changes
            }
            self._log(s, actor, f"theme.{action}", theme=theme_id, before=before, **logged)
            return _theme_record(row)


# -- row → domain -------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value
    return value


def _user(r: UserRow) -> User:
    return User(name=r.name, role=Role(r.role), display_name=r.display_name, id=r.id)


def _transcript(r: TranscriptRow, *, with_text: bool = True) -> Transcript:
    turns = (
        [
            Turn(
                index=u.idx,
                speaker=u.speaker,
                kind=SpeakerKind(u.kind),
                start=u.start,
                end=u.end,
                label_start=u.label_start,
                timestamp=u.timestamp,
            )
            for u in r.turns
        ]
        if with_text
        else []
    )
    return Transcript(
        tid=r.tid,
        title=r.title,
        text=r.text if with_text else "",
        source_name=r.source_name,
        text_hash=r.text_hash,
        turns=turns,
        metadata=dict(r.meta or {}),
        participant=r.participant.pid if r.participant else None,
        content_notes=list(r.content_notes or []),
        id=r.id,
    )


def _code(r: CodeRow) -> Code:
    return Code(
        cid=r.cid,
        name=r.name,
        definition=r.definition,
        parent=r.parent_cid,
        include=r.include,
        exclude=r.exclude,
        examples=list(r.examples or []),
        colour=r.colour,
        codable=r.codable,
        provenance=Provenance(r.provenance),
    )


_CODE_FIELDS = (
    "name",
    "definition",
    "parent",
    "include",
    "exclude",
    "examples",
    "colour",
    "codable",
)


def _row_value(row: CodeRow, field: str) -> Any:
    if field == "parent":
        return row.parent_cid
    if field == "examples":
        return list(row.examples or [])
    return getattr(row, field)


def _field_changes(row: CodeRow, code: Code) -> list[dict[str, Any]]:
    out = []
    for f in _CODE_FIELDS:
        before, after = _row_value(row, f), getattr(code, f)
        if f == "examples":
            after = list(after)
        if before != after:
            out.append(
                {"code": code.cid, "change": "field", "field": f, "before": before, "after": after}
            )
    return out


def _fill_code(row: CodeRow, code: Code, position: int) -> None:
    row.name = code.name
    row.definition = code.definition
    row.parent_cid = code.parent
    row.include = code.include
    row.exclude = code.exclude
    row.examples = list(code.examples)
    row.colour = code.colour
    row.codable = code.codable
    row.provenance = Provenance(code.provenance).value
    row.position = position
    row.active = True


def _coding(r: CodingRow) -> Coding:
    return Coding(
        coder=r.coder.name,
        transcript=r.transcript.tid,
        start=r.start,
        end=r.end,
        code=r.code.cid,
        quote=r.quote,
        provenance=Provenance(r.provenance),
        memo=r.memo,
        created=_aware(r.created),
        changed=_aware(r.changed),
        id=r.id,
    )


def _coding_payload(c: Coding) -> dict[str, Any]:
    """What the event log records of a coding: positions and code, not the quoted text."""
    d = asdict(c)
    return {
        k: _jsonable(d[k]) for k in ("coder", "transcript", "start", "end", "code", "provenance")
    }


@dataclass(frozen=True)
class FrameworkSummary:
    """One version of a researcher's summary for a Framework-matrix cell."""

    case: str
    code: str
    text: str
    version: int
    author: str
    at: datetime | None


def _summary(r: FrameworkSummaryRow) -> FrameworkSummary:
    return FrameworkSummary(r.case_id, r.code, r.text, r.version, r.author, _aware(r.at))


# -- suggestions --------------------------------------------------------------------

THEME_CANDIDATE = "candidate"
THEME_STATUSES = ("candidate", "accepted", "rejected", "merged")


@dataclass
class ThemeRecord:
    """A stored candidate theme (see :mod:`qualkit.topics.themes`).

    ``quotes`` are dicts with transcript, start, end and text; ``passages`` are passage keys
    (``tid:start-end``); ``centroid`` is the mean passage embedding (float32 bytes).
    ``merged_into`` names another theme; ``code`` the codebook code it was accepted as or
    merged into. In :meth:`Store.save_theme_run` a negative ``merged_into`` of -n means
    the n-th theme of the same run.
    """

    label: str
    keywords: list[str] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    size: int = 0
    transcripts: dict[str, int] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)
    passages: list[str] = field(default_factory=list)
    centroid: bytes | None = None
    seed: str | None = None
    status: str = THEME_CANDIDATE
    code: str | None = None
    merged_into: int | None = None
    decided_by: str | None = None
    inherited_from: int | None = None
    note: str = ""
    run: int = 0
    current: bool = True
    created: datetime | None = None
    changed: datetime | None = None
    id: int | None = None


def _theme_row(t: ThemeRecord, run: int) -> ThemeRow:
    return ThemeRow(
        run=run,
        current=True,
        label=t.label[: limits.THEME_LABEL],
        keywords=list(t.keywords),
        quotes=_jsonable(list(t.quotes)),
        size=t.size,
        transcripts=dict(t.transcripts),
        roles=dict(t.roles),
        passages=list(t.passages),
        centroid=t.centroid,
        seed=t.seed,
        status=t.status,
        code=t.code,
        merged_into=t.merged_into if (t.merged_into or 0) > 0 else None,
        decided_by=t.decided_by,
        inherited_from=t.inherited_from,
        note=t.note,
    )


def _theme_record(r: ThemeRow) -> ThemeRecord:
    return ThemeRecord(
        label=r.label,
        keywords=list(r.keywords or []),
        quotes=list(r.quotes or []),
        size=r.size,
        transcripts=dict(r.transcripts or {}),
        roles=dict(r.roles or {}),
        passages=list(r.passages or []),
        centroid=bytes(r.centroid) if r.centroid is not None else None,
        seed=r.seed,
        status=r.status,
        code=r.code,
        merged_into=r.merged_into,
        decided_by=r.decided_by,
        inherited_from=r.inherited_from,
        note=r.note,
        run=r.run,
        current=r.current,
        created=_aware(r.created),
        changed=_aware(r.changed),
        id=r.id,
    )


__all__ = ["CONSENSUS_CODER", "THEME_STATUSES", "Store", "ThemeRecord", "UnitOfWork"]


def _has_revision(engine: Any) -> bool:
    """Whether a database is stamped with a qualkit schema revision (read safely)."""
    try:
        return db.current_revision(engine) is not None
    except Exception:
        return False
