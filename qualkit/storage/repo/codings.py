"""Codings: spans of a transcript tagged with a code by a coder."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any, TypeVar

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, selectinload

from qualkit.errors import NotFoundError, QualkitError
from qualkit.events import EventKind
from qualkit.model import Coding, Provenance, Role
from qualkit.storage.base import StoreBase, aware, jsonable
from qualkit.storage.repo.codebook import code_row
from qualkit.storage.repo.transcripts import transcript_row
from qualkit.storage.repo.users import user_row
from qualkit.storage.schema import CodeRow, CodingRow, MemoRow, TranscriptRow, UserRow, utcnow

#: A query over codings (whole rows, or some of their columns).
_Q = TypeVar("_Q", bound="Select[*tuple[Any, ...]]")


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
        created=aware(r.created),
        changed=aware(r.changed),
        id=r.id,
    )


def _coding_payload(c: Coding) -> dict[str, Any]:
    """What the event log records of a coding: positions and code, not the quoted text."""
    d = asdict(c)
    return {
        k: jsonable(d[k]) for k in ("coder", "transcript", "start", "end", "code", "provenance")
    }


def _new_coding_row(
    s: Session, c: Coding, cache: dict[tuple[str, str], Any] | None = None
) -> CodingRow:
    """A new coding's row, checked against its transcript, coder and code."""
    cache = {} if cache is None else cache
    t = cache.get(("t", c.transcript))
    if t is None:
        t = cache[("t", c.transcript)] = transcript_row(s, c.transcript)
    if not (0 <= c.start < c.end <= len(t.text)):
        raise QualkitError(
            f"coding {c.start}-{c.end} is outside transcript {c.transcript!r} (0-{len(t.text)})"
        )
    u = cache.get(("u", c.coder))
    if u is None:
        imported = c.provenance in (Provenance.CONSENSUS, Provenance.IMPORTED)
        u = cache[("u", c.coder)] = user_row(s, c.coder, create_as=Role.CODER if imported else None)
    code = cache.get(("c", c.code))
    if code is None:
        code = cache[("c", c.code)] = code_row(s, c.code)
    now = utcnow()
    return CodingRow(
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


def _existing(s: Session, coding_id: int) -> CodingRow:
    row = s.get(CodingRow, coding_id)
    if row is None:
        raise NotFoundError(f"no coding with id {coding_id}")
    return row


def _joined(q: _Q) -> _Q:
    """``q`` over codings joined to their transcript, coder and code, in transcript order."""
    return (
        q.join(TranscriptRow, CodingRow.transcript_id == TranscriptRow.id)
        .join(UserRow, CodingRow.coder_id == UserRow.id)
        .join(CodeRow, CodingRow.code_id == CodeRow.id)
        .order_by(TranscriptRow.tid, CodingRow.start, CodingRow.end, CodingRow.id)
    )


class CodingRepo(StoreBase):
    """Codings: spans of a transcript tagged with a code by a coder."""

    def add_coding(self, c: Coding, actor: str | None = None) -> int:
        """Store one coding; the coder is created as a coder account if it is unknown only
        for the consensus layer and imports."""
        with self.write() as s:
            row = _new_coding_row(s, c)
            s.add(row)
            s.flush()
            cid = row.id
            self._log(s, actor or c.coder, EventKind.CODING_ADD, id=cid, **_coding_payload(c))
            return cid

    def add_codings(self, codings: Iterable[Coding], actor: str) -> list[int]:
        with self.write() as s:
            cache: dict[tuple[str, str], Any] = {}
            rows = [_new_coding_row(s, c, cache) for c in codings]
            s.add_all(rows)
            s.flush()  # one batched INSERT for the lot
            ids = [row.id for row in rows]
            self._log(s, actor, EventKind.CODINGS_ADD, ids=ids, n=len(ids))
            return ids

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
            row = _existing(s, coding_id)
            before = _coding_payload(_coding(row))
            if start is not None or end is not None:
                new_start = row.start if start is None else start
                new_end = row.end if end is None else end
                if not (0 <= new_start < new_end <= len(row.transcript.text)):
                    raise QualkitError(f"span {new_start}-{new_end} is outside the transcript")
                row.start, row.end = new_start, new_end
                row.quote = row.transcript.text[new_start:new_end]
            if code is not None:
                row.code = code_row(s, code)
            if memo is not None:
                row.memo = memo
            row.changed = utcnow()
            s.flush()
            after = _coding(row)
            self._log(
                s,
                actor,
                EventKind.CODING_UPDATE,
                id=coding_id,
                before=before,
                after=_coding_payload(after),
            )
            return after

    def delete_coding(self, coding_id: int, actor: str) -> Coding:
        with self.write() as s:
            row = _existing(s, coding_id)
            gone = _coding(row)
            s.execute(delete(MemoRow).where(MemoRow.coding_id == coding_id))
            s.delete(row)
            self._log(s, actor, EventKind.CODING_DELETE, id=coding_id, before=_coding_payload(gone))
            return gone

    def codings(
        self,
        transcript: str | None = None,
        coder: str | Sequence[str] | None = None,
        code: str | None = None,
    ) -> list[Coding]:
        with self.read() as s:
            q = _joined(select(CodingRow)).options(
                selectinload(CodingRow.transcript).load_only(TranscriptRow.tid),
                selectinload(CodingRow.coder),
                selectinload(CodingRow.code),
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

    def codes_on(self, transcript: str, coder: str, start: int, end: int) -> set[str]:
        """The codes ``coder`` has on exactly ``text[start:end]`` of ``transcript`` (one
        query; what the coding view checks before each save)."""
        with self.read() as s:
            q = (
                select(CodeRow.cid)
                .join(CodingRow, CodingRow.code_id == CodeRow.id)
                .join(TranscriptRow, CodingRow.transcript_id == TranscriptRow.id)
                .join(UserRow, CodingRow.coder_id == UserRow.id)
                .where(
                    TranscriptRow.tid == transcript,
                    UserRow.name == coder,
                    CodingRow.start == start,
                    CodingRow.end == end,
                )
            )
            return set(s.scalars(q))

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

    def coding_table(self) -> list[tuple[Any, ...]]:
        """Every coding as a plain row: (id, transcript id, coder, code id, start, end,
        coded text, provenance, memo, created, changed), ordered by transcript and start."""
        with self.read() as s:
            q = _joined(
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
            )
            return [tuple(r) for r in s.execute(q)]
