"""Memos on a transcript or a coding."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qualkit.events import EventKind
from qualkit.model import Memo
from qualkit.storage.base import StoreBase, aware
from qualkit.storage.repo.transcripts import transcript_row
from qualkit.storage.repo.users import user_row
from qualkit.storage.schema import MemoRow, TranscriptRow


class MemoRepo(StoreBase):
    """Memos on a transcript or a coding."""

    def add_memo(self, memo: Memo) -> int:
        with self.write() as s:
            u = user_row(s, memo.author)
            tid = transcript_row(s, memo.transcript).id if memo.transcript else None
            row = MemoRow(
                author_id=u.id, transcript_id=tid, coding_id=memo.coding_id, text=memo.text
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                memo.author,
                EventKind.MEMO_ADD,
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
                    created=aware(r.created),
                    id=r.id,
                )
                for r in s.scalars(q)
            ]
