"""Candidate themes of the suggestions and the decisions on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualkit import limits
from qualkit.errors import NotFoundError, QualkitError
from qualkit.events import EventKind
from qualkit.storage.base import StoreBase, aware, jsonable
from qualkit.storage.schema import ThemeRow, utcnow

THEME_CANDIDATE = "candidate"
THEME_STATUSES = ("candidate", "accepted", "rejected", "merged")

#: What :meth:`ThemeRepo.decide_theme` may change.
_DECIDABLE = frozenset(
    {
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
)


@dataclass
class ThemeRecord:
    """A stored candidate theme (see :mod:`qualkit.topics.themes`).

    ``quotes`` are dicts with transcript, start, end and text; ``passages`` are passage keys
    (``tid:start-end``); ``centroid`` is the mean passage embedding (float32 bytes).
    ``merged_into`` names another theme; ``code`` the codebook code it was accepted as or
    merged into. In :meth:`ThemeRepo.save_theme_run` a negative ``merged_into`` of -n means
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
        quotes=jsonable(list(t.quotes)),
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


#: The fields a theme's row and record hold alike.
_THEME_COPIED = (
    "label",
    "size",
    "seed",
    "status",
    "code",
    "merged_into",
    "decided_by",
    "inherited_from",
    "note",
    "run",
    "current",
    "id",
)


def _theme_record(r: ThemeRow) -> ThemeRecord:
    return ThemeRecord(
        keywords=list(r.keywords or []),
        quotes=list(r.quotes or []),
        transcripts=dict(r.transcripts or {}),
        roles=dict(r.roles or {}),
        passages=list(r.passages or []),
        centroid=bytes(r.centroid) if r.centroid is not None else None,
        created=aware(r.created),
        changed=aware(r.changed),
        **{f: getattr(r, f) for f in _THEME_COPIED},
    )


def _theme_row_by_id(s: Session, theme_id: int) -> ThemeRow:
    row = s.get(ThemeRow, theme_id)
    if row is None:
        raise NotFoundError(f"no theme with id {theme_id}")
    return row


class ThemeRepo(StoreBase):
    """Candidate themes of the suggestions and the decisions on them."""

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
                EventKind.THEMES_RUN,
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
            return _theme_record(_theme_row_by_id(s, theme_id))

    def decide_theme(self, theme_id: int, actor: str, action: str, **changes: Any) -> ThemeRecord:
        """Record a decision on a theme (``action`` e.g. accept, reject, merge, rename).

        ``changes`` may set status, label, code, merged_into, note, keywords, quotes, size,
        transcripts, roles and passages. The event log records the action and the changed
        ids, statuses, codes and labels, never quotes.
        """
        unknown = set(changes) - _DECIDABLE
        if unknown:
            raise QualkitError(f"unknown theme fields: {', '.join(sorted(unknown))}")
        if "status" in changes and changes["status"] not in THEME_STATUSES:
            raise QualkitError(f"unknown theme status {changes['status']!r}")
        try:
            kind = EventKind.named("theme", action)
        except ValueError:
            raise QualkitError(f"unknown theme decision {action!r}") from None
        with self.write() as s:
            row = _theme_row_by_id(s, theme_id)
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
            self._log(s, actor, kind, theme=theme_id, before=before, **logged)
            return _theme_record(row)
