"""Agreement over a project or REFI-QDA files: gathers codings, texts and turns.

The rest of :mod:`qualkit.agreement` is pure; this module only collects its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualkit.agreement.report import AgreementReport, agreement_report
from qualkit.model import Coding, Transcript
from qualkit.storage import CONSENSUS_CODER, Store


def coded_agreement(
    codings: Sequence[Coding],
    transcripts: Sequence[Transcript],
    *,
    unit: str = "character",
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    min_overlap: float = 0.5,
    bootstrap: int = 1000,
    seed: int = 0,
) -> AgreementReport:
    """Agreement between coders (the consensus layer is left out) on coded transcripts."""
    codings = [
        c for c in codings if c.coder != CONSENSUS_CODER and (coders is None or c.coder in coders)
    ]
    coded = {c.transcript for c in codings}
    texts = [t for t in transcripts if t.tid in coded]
    return agreement_report(
        codings,
        {t.tid: t.text for t in texts},
        turns={t.tid: t.turns for t in texts},
        unit=unit,  # type: ignore[arg-type]
        coders=coders,
        codes=codes,
        min_overlap=min_overlap,
        bootstrap=bootstrap,
        seed=seed,
    )


def project_agreement(store: Store, **options: Any) -> AgreementReport:
    """:func:`coded_agreement` over a project database."""
    return coded_agreement(store.codings(), store.transcripts(with_text=True), **options)


def qdpx_agreement(path: Path | Sequence[Path], **options: Any) -> AgreementReport:
    """:func:`coded_agreement` over REFI-QDA ``.qdpx`` files (no database involved).

    Several files (one per coder) are merged as ``qualkit import`` merges them: the same
    source text is one transcript, and each file's coders keep their layers.
    """
    from qualkit.refiqda.into import contents_for_agreement

    paths = [path] if isinstance(path, Path) else list(path)
    codings, transcripts = contents_for_agreement(paths)
    return coded_agreement(codings, transcripts, **options)
