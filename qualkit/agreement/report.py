"""The agreement report: computing it, and showing it as JSON, CSV or a plain-text table."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

from qualkit.agreement.corpus import prepare
from qualkit.agreement.counts import segment_counts, transcript_stats
from qualkit.agreement.rows import ALL, AgreementRow, build_rows
from qualkit.agreement.segments import OverlapBasis, check_overlap
from qualkit.agreement.units import Unit, check_unit
from qualkit.errors import AgreementError
from qualkit.model import Coding, Turn

SCHEMA = "qualkit.agreement/1"


@dataclass(frozen=True)
class AgreementReport:
    """Rows per code and transcript, per code over all transcripts, and overall."""

    rows: tuple[AgreementRow, ...]
    unit: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    transcripts: tuple[str, ...]
    min_overlap: float
    overlap_basis: str
    bootstrap: int
    seed: int
    confidence: float

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per row (see :mod:`qualkit.agreement` for the fields)."""
        return [row.to_dict() for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "unit": self.unit,
            "coders": list(self.coders),
            "codes": list(self.codes),
            "transcripts": list(self.transcripts),
            "settings": {
                "min_overlap": self.min_overlap,
                "overlap_basis": self.overlap_basis,
                "bootstrap": self.bootstrap,
                "seed": self.seed,
                "confidence": self.confidence,
            },
            "rows": self.to_rows(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON (schema ``qualkit.agreement/1``, see :mod:`qualkit.agreement`)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    def row(
        self, code: str = ALL, transcript: str = ALL, coders: Sequence[str] | None = None
    ) -> AgreementRow:
        """The row for ``code`` and ``transcript`` between ``coders`` (default: all coders)."""
        wanted = frozenset(self.coders if coders is None else coders)
        for row in self.rows:
            if (
                row.code == code
                and row.transcript == transcript
                and frozenset(row.coders) == wanted
            ):
                return row
        raise KeyError(
            f"no row for code {code!r}, transcript {transcript!r}, coders {sorted(wanted)}"
        )


def agreement_report(
    codings: Iterable[Coding],
    texts: Mapping[str, str],
    turns: Mapping[str, Sequence[Turn]] | None = None,
    unit: Unit = "character",
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    min_overlap: float = 0.5,
    bootstrap: int = 1000,
    seed: int = 0,
    *,
    overlap_basis: OverlapBasis = "union",
    assignments: Mapping[str, Iterable[str]] | None = None,
    confidence: float = 0.95,
) -> AgreementReport:
    """Agreement between coders per code, per transcript and overall.

    ``texts`` maps transcript ids to their text; only these transcripts are compared.
    ``turns`` is needed for ``unit="turn"``. ``coders`` defaults to everyone in ``codings``
    and ``assignments``, ``codes`` to every code in ``codings``. ``assignments`` (transcript
    id -> coders) marks coders who coded a transcript even if they applied no code in it.
    There is a row for every code (and "*") in every transcript (and "*") for every pair,
    plus a group row unless there are exactly two coders. ``min_overlap`` and
    ``overlap_basis`` set the segment matching; ``bootstrap`` resamples (0 switches intervals
    off) with ``seed``. See :mod:`qualkit.agreement` for every statistic and edge case.
    """
    check_unit(unit)
    check_overlap(min_overlap, overlap_basis)
    if bootstrap < 0:
        raise AgreementError(f"bootstrap must be 0 or more, got {bootstrap}")
    if seed < 0:
        raise AgreementError(f"seed must be 0 or more, got {seed}")
    if not (0.0 < confidence < 1.0):
        raise AgreementError(f"confidence must be between 0 and 1, got {confidence}")
    corpus = prepare(codings, texts, coders, codes, assignments)
    pairs = list(combinations(range(len(corpus.coders)), 2))
    per_transcript = (
        (
            tid,
            transcript_stats(corpus, tid, texts[tid], unit, turns, pairs, bootstrap, seed),
            segment_counts(corpus, tid, pairs, min_overlap, overlap_basis),
        )
        for tid in corpus.transcripts
    )
    rows = build_rows(corpus, per_transcript, pairs, bootstrap, confidence)
    return AgreementReport(
        rows=tuple(rows),
        unit=unit,
        coders=corpus.coders,
        codes=corpus.codes,
        transcripts=corpus.transcripts,
        min_overlap=min_overlap,
        overlap_basis=overlap_basis,
        bootstrap=bootstrap,
        seed=seed,
        confidence=confidence,
    )


def _fmt(value: float, digits: int) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"


def _fmt_ci(ci: tuple[float, float] | None) -> str:
    if ci is None:
        return ""
    return f"[{_fmt(ci[0], 3)}, {_fmt(ci[1], 3)}]"


def format_table(report: AgreementReport) -> str:
    """The report as a plain-text table, one line per row."""
    pct = f"{round(report.confidence * 100)}%"
    header = (
        "Code",
        "Transcript",
        "Coders",
        "Units",
        "Agree%",
        "Kappa",
        f"Kappa {pct} CI",
        "Alpha",
        f"Alpha {pct} CI",
        "Seg%",
    )
    lines: list[tuple[str, ...]] = [header]
    for row in report.rows:
        lines.append(
            (
                row.code,
                row.transcript,
                "+".join(row.coders) if row.coders else "-",
                str(row.n_units),
                _fmt(row.percent_agreement, 1),
                _fmt(row.kappa, 3),
                _fmt_ci(row.kappa_ci),
                _fmt(row.alpha, 3),
                _fmt_ci(row.alpha_ci),
                _fmt(row.segment_agreement, 1),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {3, 4, 5, 7, 9}

    def render(line: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    title = (
        f"Inter-coder agreement by {report.unit}; segments match at "
        f"{report.min_overlap:.0%} of the {report.overlap_basis}"
    )
    return "\n".join([title, render(header), rule, *(render(line) for line in lines[1:])]) + "\n"


def summary(report: AgreementReport) -> AgreementReport:
    """Only the rows a reader starts with: per code overall, per transcript overall, overall."""
    rows = tuple(r for r in report.rows if r.code == ALL or r.transcript == ALL)
    return replace(report, rows=rows)


def to_csv(report: AgreementReport) -> str:
    """The rows as CSV; list fields (coders, intervals) joined with ``;``."""
    rows = report.to_rows()
    out = io.StringIO()
    if rows:
        fields = list(rows[0])
        w = csv.DictWriter(out, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow(
                {k: (";".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()}
            )
    return out.getvalue()
