"""The codebook, code by code, with its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qualkit.errors import ConflictError, NotFoundError
from qualkit.events import EventKind
from qualkit.model import Code, Codebook, Provenance
from qualkit.storage.base import StoreBase, aware
from qualkit.storage.schema import CodebookVersionRow, CodeRow, ProjectRow

#: The fields of a code an edit can change (and the codebook history records).
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
    """The row's value of one of :data:`_CODE_FIELDS`, as :class:`Code` holds it."""
    if field == "parent":
        return row.parent_cid
    if field == "examples":
        return list(row.examples or [])
    return getattr(row, field)


def code_row(s: Session, cid: str) -> CodeRow:
    """The row of code ``cid``; NotFoundError when there is none."""
    row = s.scalar(select(CodeRow).where(CodeRow.cid == cid))
    if row is None:
        raise NotFoundError(f"no code with id {cid!r}")
    return row


def _code(r: CodeRow) -> Code:
    fields = {f: _row_value(r, f) for f in _CODE_FIELDS}
    return Code(cid=r.cid, provenance=Provenance(r.provenance), **fields)


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


class CodebookRepo(StoreBase):
    """The codebook, code by code, with its history."""

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
                self._log(s, actor, EventKind.CODEBOOK_SET, changes=changes)
            return changes

    def update_code(self, code: Code, expected_version: int, actor: str) -> int:
        """Save one code unless someone changed it since ``expected_version``.

        Returns the new version.
        """
        try:
            with self.write() as s:
                row = code_row(s, code.cid)
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
                    self._log(s, actor, EventKind.CODE_UPDATE, code=code.cid, changes=changes)
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
                EventKind.CODE_ADD,
                code=code.cid,
                name=code.name,
                provenance=code.provenance.value,
            )

    def codebook_history(self) -> list[tuple[datetime, str, list[dict[str, Any]]]]:
        with self.read() as s:
            rows = s.scalars(select(CodebookVersionRow).order_by(CodebookVersionRow.id))
            return [(aware(r.at) or r.at, r.actor, list(r.changes)) for r in rows]
