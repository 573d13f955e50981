"""Researchers' Framework-matrix summaries (every version kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from qualkit.errors import ConflictError, NotFoundError
from qualkit.events import EventKind
from qualkit.storage.base import StoreBase, aware
from qualkit.storage.schema import CodeRow, FrameworkSummaryRow


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
    return FrameworkSummary(r.case_id, r.code, r.text, r.version, r.author, aware(r.at))


class SummaryRepo(StoreBase):
    """Researchers' Framework-matrix summaries (every version kept)."""

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
                EventKind.FRAMEWORK_SUMMARY,
                case=case,
                code=code,
                version=row.version,
                characters=len(text),
            )
            return _summary(row)
