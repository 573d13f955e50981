"""Agreement over a whole project: gathers codings, texts and turns from a Store.

:mod:`qualkit.agreement` stays pure; this module only collects its inputs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from qualkit.agreement import ALL, AgreementReport, agreement_report
from qualkit.storage import Store

Scope = Literal["summary", "all"]


def project_agreement(
    store: Store,
    *,
    unit: str = "character",
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    min_overlap: float = 0.5,
    bootstrap: int = 1000,
    seed: int = 0,
) -> AgreementReport:
    """Agreement between the project's coders (the consensus layer is left out)."""
    from qualkit.storage import CONSENSUS_CODER

    codings = [c for c in store.codings(coder=coders) if c.coder != CONSENSUS_CODER]
    coded = {c.transcript for c in codings}
    transcripts = [t for t in store.transcripts(with_text=True) if t.tid in coded]
    return agreement_report(
        codings,
        {t.tid: t.text for t in transcripts},
        turns={t.tid: t.turns for t in transcripts},
        unit=unit,  # type: ignore[arg-type]
        coders=coders,
        codes=codes,
        min_overlap=min_overlap,
        bootstrap=bootstrap,
        seed=seed,
    )


def summary(report: AgreementReport) -> AgreementReport:
    """Only the rows a reader starts with: per code overall, per transcript overall, overall."""
    rows = tuple(r for r in report.rows if r.code == ALL or r.transcript == ALL)
    return replace(report, rows=rows)


def to_csv(report: AgreementReport) -> str:
    rows = report.to_rows()
    out = io.StringIO()
    if rows:
        fields = list(rows[0])
        w = csv.DictWriter(out, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: (";".join(map(str, v)) if isinstance(v, list) else v)
                        for k, v in r.items()})
    return out.getvalue()
