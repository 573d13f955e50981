"""``qualkit db check``: is a project database sound?

Four checks, each reported in one line: the database's own integrity (SQLite's
``integrity_check``; PostgreSQL checks its pages itself), foreign keys (no row points at a
row that is not there), the schema at this qualkit's newest migration, and the event log's
continuity (it starts with the project's creation, ids rise, on SQLite without gaps, and
time never runs backwards by more than a clock's stumble).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import Engine, and_, func, select, text
from sqlalchemy.exc import OperationalError

from qualkit.errors import NotAProject, NotFoundError, QualkitError
from qualkit.events import EventKind
from qualkit.storage import db
from qualkit.storage.schema import Base, EventRow

#: How far an event's time may lie before the one logged just before it (concurrent
#: writers take their time a moment before their row gets its id).
CLOCK_SLACK = timedelta(seconds=60)


@dataclass
class CheckResult:
    """One check: its name, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def lines(self) -> list[str]:
        return [f"{'ok  ' if r.ok else 'FAIL'} {r.name}: {r.detail}" for r in self.results]


def check(project: str | Path) -> Report:
    """Run every check on ``project`` (opened without changing it)."""
    url = db.to_url(project)
    path = db.sqlite_path(url)
    if path is not None:
        if not path.is_file():
            raise NotFoundError(f"{project}: no such project database")
        if db.sqlite_file_is_foreign(path):
            raise NotAProject(str(project))
    engine = db.make_engine(url)
    try:
        try:
            if db.is_empty(engine) or db.is_foreign(engine):
                raise NotAProject(str(project))
        except OperationalError:
            raise QualkitError(f"{project}: cannot connect to the database") from None
        report = Report()
        report.results.append(_integrity(engine, path is not None))
        report.results.append(_foreign_keys(engine))
        report.results.append(_revision(engine))
        report.results.append(_events(engine, path is not None))
        return report
    finally:
        engine.dispose()


def _integrity(engine: Engine, sqlite: bool) -> CheckResult:
    if not sqlite:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM events"))
        return CheckResult("integrity", True, "PostgreSQL checks its own pages; tables readable")
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    ok = rows == ["ok"]
    return CheckResult("integrity", ok, "ok" if ok else "; ".join(rows[:5]))


def _foreign_keys(engine: Engine) -> CheckResult:
    """Rows whose foreign key points at no row, counted per key (both backends alike)."""
    problems: list[str] = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_key_constraints:
                parent = fk.referred_table
                pairs = list(zip(fk.columns, fk.elements, strict=True))
                child_cols = [c for c, _ in pairs]
                joined = and_(*(c == el.column for c, el in pairs))
                orphans = conn.scalar(
                    select(func.count())
                    .select_from(table.outerjoin(parent, joined))
                    .where(and_(*(c.isnot(None) for c in child_cols)))
                    .where(pairs[0][1].column.is_(None))
                )
                if orphans:
                    names = ",".join(c.name for c in child_cols)
                    problems.append(f"{table.name}.{names} → {parent.name}: {orphans} missing")
    if problems:
        return CheckResult("foreign keys", False, "; ".join(problems))
    return CheckResult("foreign keys", True, "every reference points at a row")


def _revision(engine: Engine) -> CheckResult:
    current, head = db.current_revision(engine), db.head_revision()
    if current == head:
        return CheckResult("schema", True, f"at the newest migration ({head})")
    return CheckResult(
        "schema", False, f"at {current or 'no version'}, this qualkit's newest is {head}"
    )


def _events(engine: Engine, sqlite: bool) -> CheckResult:
    with engine.connect() as conn:
        rows = conn.execute(select(EventRow.id, EventRow.at, EventRow.action).order_by(EventRow.id))
        problems: list[str] = []
        n = 0
        previous_id, previous_at = 0, cast(datetime | None, None)
        for event_id, at, action in rows:
            n += 1
            if n == 1 and action != EventKind.PROJECT_CREATE:
                problems.append(f"the log starts with {action}, not project.create")
            if sqlite and event_id != previous_id + 1:
                problems.append(f"events {previous_id + 1} to {event_id - 1} are missing")
            at = _utc(at)
            if previous_at is not None and at < previous_at - CLOCK_SLACK:
                problems.append(f"event {event_id} is older than event {previous_id}")
            previous_id, previous_at = event_id, at
            if len(problems) >= 5:
                break
    if n == 0:
        problems.append("the log is empty")
    if problems:
        return CheckResult("event log", False, "; ".join(problems))
    events = "1 event" if n == 1 else f"{n} events"
    return CheckResult("event log", True, f"{events}, in order")


def _utc(value: datetime) -> datetime:
    """Times as UTC without a zone (SQLite keeps them so; PostgreSQL with one)."""
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


__all__ = ["CheckResult", "Report", "check"]
