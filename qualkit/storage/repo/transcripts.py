"""Participants, transcripts and their turns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from qualkit.errors import ConflictError, NotFoundError
from qualkit.events import EventKind
from qualkit.model import Participant, SpeakerKind, Transcript, Turn
from qualkit.storage.base import StoreBase
from qualkit.storage.schema import CodingRow, ParticipantRow, TranscriptRow, TurnRow


def participant_row(s: Session, p: Participant) -> ParticipantRow:
    """The row of participant ``p``, added or updated with its role and attributes."""
    row = s.scalar(select(ParticipantRow).where(ParticipantRow.pid == p.pid))
    if row is None:
        row = ParticipantRow(pid=p.pid, role=p.role, attributes=dict(p.attributes))
        s.add(row)
    else:
        row.role = p.role
        row.attributes = {**(row.attributes or {}), **p.attributes}
    return row


def transcript_row(s: Session, tid: str) -> TranscriptRow:
    """The row of transcript ``tid``; NotFoundError when there is none."""
    row = s.scalar(select(TranscriptRow).where(TranscriptRow.tid == tid))
    if row is None:
        raise NotFoundError(f"no transcript with id {tid!r}")
    return row


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


class TranscriptRepo(StoreBase):
    """Participants, transcripts and their turns."""

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
                prow = participant_row(s, p) if p is not None else None
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
            self._log(
                s, actor, EventKind.TRANSCRIPTS_IMPORT, transcripts=done, **(event_payload or {})
            )
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

    def set_content_notes(self, tid: str, notes: list[str], actor: str) -> None:
        with self.write() as s:
            row = transcript_row(s, tid)
            before = list(row.content_notes or [])
            row.content_notes = list(notes)
            self._log(
                s,
                actor,
                EventKind.TRANSCRIPT_CONTENT_NOTES,
                transcript=tid,
                before=before,
                after=list(notes),
            )
