"""The Framework matrix: participants (rows) × codes or themes (columns).

Each cell holds the participant's coded passages for that code (the quote bank's quotes,
merged across coders, trimmed and attributed by role) and a summary a researcher writes.
Summaries are saved in the project, every version kept, each save an event
(``framework.summary``) in the event log (:meth:`qualkit.storage.Store.save_framework_summary`).

Rows are cases: a participant, or a transcript without a participant (named by its id).
With ``columns="code"`` each code is a column, grouped under its theme (one sheet per theme
in XLSX, as Framework users expect); with ``columns="theme"`` each theme is one column and
holds the passages of every code under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualkit.analysis.matrices import (
    Filters,
    make_filters,
    selected_codes,
    selected_transcripts,
)
from qualkit.errors import QualkitError
from qualkit.model import theme_of

if TYPE_CHECKING:
    from qualkit.analysis.frames import Study
    from qualkit.export.quotes import Quote
    from qualkit.storage.store import FrameworkSummary

COLUMNS = ("code", "theme")


@dataclass(frozen=True)
class Case:
    """One row: a participant (or a transcript without one) and their role."""

    case: str
    role: str
    transcripts: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.case} ({self.role})" if self.role else self.case


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    theme: str
    theme_name: str


@dataclass
class Cell:
    passages: list[Quote] = field(default_factory=list)
    summary: FrameworkSummary | None = None

    @property
    def summary_text(self) -> str:
        return self.summary.text if self.summary else ""

    @property
    def version(self) -> int:
        return self.summary.version if self.summary else 0


@dataclass
class Framework:
    """Cases × columns; ``cell(case, code)`` gives passages and summary."""

    columns_by: str
    cases: list[Case]
    columns: list[Column]
    cells: dict[tuple[str, str], Cell]
    filters: Filters
    project: str = ""
    notes: list[str] = field(default_factory=list)

    def cell(self, case: str, code: str) -> Cell:
        return self.cells.get((case, code)) or Cell()

    def themes(self) -> list[tuple[str, str, list[Column]]]:
        """(theme id, theme name, its columns) in codebook order."""
        out: dict[str, tuple[str, list[Column]]] = {}
        for c in self.columns:
            out.setdefault(c.theme, (c.theme_name, []))[1].append(c)
        return [(t, name, cols) for t, (name, cols) in out.items()]

    def long(self) -> pd.DataFrame:
        """One row per case and column: role, code, counts of passages, the summary and
        the passages' text (" | " between them)."""
        records = []
        for case in self.cases:
            for col in self.columns:
                cell = self.cell(case.case, col.code)
                records.append(
                    {
                        "case": case.case,
                        "role": case.role,
                        "theme": col.theme,
                        "theme_name": col.theme_name,
                        "code": col.code,
                        "code_name": col.name,
                        "passages": len(cell.passages),
                        "summary": cell.summary_text,
                        "summary_version": cell.version,
                        "text": " | ".join(q.text for q in cell.passages),
                    }
                )
        frame = pd.DataFrame(
            records,
            columns=[
                "case",
                "role",
                "theme",
                "theme_name",
                "code",
                "code_name",
                "passages",
                "summary",
                "summary_version",
                "text",
            ],
        )
        for name in ("case", "role", "theme", "theme_name", "code", "code_name"):
            frame[name] = frame[name].astype("category")
        for name in ("passages", "summary_version"):
            frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
        return frame

    def frame(self, content: str = "summary") -> pd.DataFrame:
        """Wide: one row per case, one column per code; ``content`` is "summary",
        "passages" (their text) or "count" (how many passages)."""
        if content not in {"summary", "passages", "count"}:
            raise QualkitError("content must be summary, passages or count")
        data: dict[str, list[Any]] = {"Role": [c.role for c in self.cases]}
        for col in self.columns:
            values: list[Any] = []
            for case in self.cases:
                cell = self.cell(case.case, col.code)
                if content == "summary":
                    values.append(cell.summary_text)
                elif content == "count":
                    values.append(len(cell.passages))
                else:
                    values.append("\n".join(f"“{q.text}”" for q in cell.passages))
            data[col.name] = values
        return pd.DataFrame(data, index=pd.Index([c.case for c in self.cases], name="Case"))


def framework(
    study: Study,
    columns: str = "code",
    *,
    filters: Filters | None = None,
    **selection: Any,
) -> Framework:
    """The Framework matrix of a study. ``selection`` takes the matrix filters
    (``consensus=True``, ``codes=("access",)``, ``where=...``, ``transcripts=...``)."""
    if columns not in COLUMNS:
        raise QualkitError(f"columns must be code or theme, not {columns!r}")
    filters = make_filters(filters, **selection)
    study.check_coders(filters.layers)
    codes = selected_codes(study, filters)
    tids = selected_transcripts(study, filters)
    cb = study.codebook
    by_id = cb.by_id()
    parents = study._parents
    bank = study.quote_bank(filters.quote_filters())
    used = {q.code for q in bank.quotes}
    if columns == "code":
        keep = [c for c in codes if c in used or (by_id[c].codable and c in study._active)]
        cols = [
            Column(c, by_id[c].name, theme_of(c, parents), by_id[theme_of(c, parents)].name)
            for c in keep
        ]
    else:
        themes = list(dict.fromkeys(theme_of(c, parents) for c in codes))
        cols = [Column(t, by_id[t].name, t, by_id[t].name) for t in themes]

    case_of = study._case_of
    role_of: dict[str, str] = {}
    transcripts_of: dict[str, list[str]] = {}
    for tid in tids:
        case = case_of[tid]
        p = study.participants.get(case)
        role_of[case] = p.role if p else ""
        transcripts_of.setdefault(case, []).append(tid)
    cases = [Case(c, role_of[c], tuple(ts)) for c, ts in sorted(transcripts_of.items())]

    cells: dict[tuple[str, str], Cell] = {}
    for q in bank.quotes:
        key = q.code if columns == "code" else q.theme
        cells.setdefault((case_of[q.transcript], key), Cell()).passages.append(q)
    wanted = {c.code for c in cols}
    for (case, code), summary in study.store.framework_summaries().items():
        if code in wanted and case in transcripts_of:
            cells.setdefault((case, code), Cell()).summary = summary
    notes = []
    if not bank.quotes:
        notes.append("No coded passages match these choices.")
    return Framework(columns, cases, cols, cells, filters, project=study.name, notes=notes)


def save_summary(
    study: Study,
    case: str,
    code: str,
    text: str,
    actor: str,
    *,
    expected_version: int | None = None,
) -> FrameworkSummary:
    """Save a researcher's summary for one cell (a new version; logged)."""
    from qualkit import limits

    study.check_codes([code])
    known = set(study._case_of.values())
    if case not in known:
        raise QualkitError(f"no participant or transcript called {case!r}")
    if problem := limits.too_long(text, limits.MEMO, "the summary"):
        raise QualkitError(problem)
    return study.store.save_framework_summary(
        case, code, text, actor, expected_version=expected_version
    )


__all__ = ["COLUMNS", "Case", "Cell", "Column", "Framework", "framework", "save_summary"]
