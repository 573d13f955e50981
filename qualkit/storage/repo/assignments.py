"""Which coder codes which transcript, and how far they are."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualkit.errors import NotFoundError, QualkitError
from qualkit.events import EventKind
from qualkit.storage.base import StoreBase
from qualkit.storage.repo.transcripts import transcript_row
from qualkit.storage.repo.users import user_row
from qualkit.storage.schema import AssignmentRow, TranscriptRow, UserRow, utcnow

#: An assignment's statuses, each logged as the event kind ``assignment.<status>``.
ASSIGNMENT_STATUSES = ("assigned", "declined", "done")


def _assignment(s: Session, tid: str, user: str) -> tuple[int, int, AssignmentRow | None]:
    """Ids of transcript ``tid`` and user ``user``, and the assignment between them if any."""
    t = transcript_row(s, tid)
    u = user_row(s, user)
    row = s.scalar(
        select(AssignmentRow).where(
            AssignmentRow.transcript_id == t.id, AssignmentRow.user_id == u.id
        )
    )
    return t.id, u.id, row


class AssignmentRepo(StoreBase):
    """Which coder codes which transcript, and how far they are."""

    def assign(self, tid: str, user: str, actor: str) -> None:
        with self.write() as s:
            transcript_id, user_id, row = _assignment(s, tid, user)
            if row is None:
                s.add(
                    AssignmentRow(transcript_id=transcript_id, user_id=user_id, status="assigned")
                )
            self._log(s, actor, EventKind.ASSIGNMENT_ADD, transcript=tid, user=user)

    def set_assignment_status(self, tid: str, user: str, status: str, actor: str) -> None:
        if status not in ASSIGNMENT_STATUSES:
            raise QualkitError(f"unknown assignment status {status!r}")
        kind = EventKind.named("assignment", status)
        with self.write() as s:
            _, _, row = _assignment(s, tid, user)
            if row is None:
                raise NotFoundError(f"transcript {tid!r} is not assigned to {user!r}")
            row.status = status
            row.changed = utcnow()
            self._log(s, actor, kind, transcript=tid, user=user)

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
