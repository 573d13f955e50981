"""The report's rows: one per code (and "*") in each transcript (and "*") for each pair of
coders, plus a group row for all coders unless there are exactly two.

Each transcript, and then all transcripts together, is a :class:`_Scope`: arrays of
statistics over pairs and codes. Four kinds of row are read off a scope (pair and code,
group and code, pair and mean over codes, group and mean over codes); see
:func:`_scope_rows`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qualkit.agreement.corpus import Corpus
from qualkit.agreement.counts import TranscriptStats
from qualkit.agreement.measures import (
    NAN,
    FloatArray,
    IntArray,
    alpha_binary,
    brennan_prediger_kappa,
    kappa_of,
    nanmean,
    pair_values,
    percentile_intervals,
    segment_percent,
)

ALL = "*"


@dataclass(frozen=True)
class AgreementRow:
    """Agreement for one code (or "*") in one transcript (or "*") between some coders."""

    code: str
    transcript: str
    coders: tuple[str, ...]
    n_units: int
    percent_agreement: float
    kappa: float
    kappa_ci: tuple[float, float] | None
    alpha: float
    alpha_ci: tuple[float, float] | None
    segment_agreement: float
    percent_agreement_coded: float
    kappa_coded: float
    kappa_pooled: float
    n_segments: int
    segment_matches: int
    segment_kappa: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; NaN becomes None."""
        return {
            "code": self.code,
            "transcript": self.transcript,
            "coders": list(self.coders),
            "n_units": self.n_units,
            "percent_agreement": _clean(self.percent_agreement),
            "percent_agreement_coded": _clean(self.percent_agreement_coded),
            "kappa": _clean(self.kappa),
            "kappa_ci": _clean_ci(self.kappa_ci),
            "kappa_coded": _clean(self.kappa_coded),
            "kappa_pooled": _clean(self.kappa_pooled),
            "alpha": _clean(self.alpha),
            "alpha_ci": _clean_ci(self.alpha_ci),
            "n_segments": self.n_segments,
            "segment_matches": self.segment_matches,
            "segment_agreement": _clean(self.segment_agreement),
            "segment_kappa": None if self.segment_kappa is None else _clean(self.segment_kappa),
        }


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _clean_ci(ci: tuple[float, float] | None) -> list[float | None] | None:
    return None if ci is None else [_clean(ci[0]), _clean(ci[1])]


@dataclass(frozen=True)
class _Scope:
    """Statistics of one transcript, or of all (``transcript == ALL``), per pair and code.

    Arrays are indexed ``[pair, code]``; kappa and alpha have a leading axis with the point
    estimate first and then the bootstrap resamples. The ``*_used`` arrays are NaN for codes
    neither coder of the pair applied, so code means leave those codes out.
    """

    transcript: str
    pair_units: IntArray  # (P,)
    group_units: int
    active: IntArray  # pairs whose two coders both coded the scope
    percent: FloatArray
    percent_used: FloatArray
    percent_coded: FloatArray
    kappa: FloatArray  # (1 + B, P, C)
    kappa_used: FloatArray
    kappa_coded: FloatArray
    kappa_pooled: FloatArray
    kappa_pooled_used: FloatArray
    alpha: FloatArray  # (1 + B, P, C)
    group_alpha: FloatArray  # (1 + B, C): all coders at once
    seg: IntArray  # (P, C, 2): matching segments, all segments
    segment_kappa_codes: int | None = None  # codes for Brennan & Prediger, overall only


def _pair_code(s: _Scope, p: int, c: int) -> dict[str, Any]:
    return {
        "n_units": s.pair_units[p],
        "percent": s.percent[p, c],
        "percent_coded": s.percent_coded[p, c],
        "kappa": s.kappa[:, p, c],
        "kappa_coded": s.kappa_coded[p, c],
        "kappa_pooled": s.kappa_pooled[p, c],
        "alpha": s.alpha[:, p, c],
        "seg": s.seg[p, c],
    }


def _group_code(s: _Scope, c: int) -> dict[str, Any]:
    """Means over the active pairs (Light's kappa); alpha over all coders."""
    a = s.active
    return {
        "n_units": s.group_units,
        "percent": nanmean(s.percent[a, c], 0),
        "percent_coded": nanmean(s.percent_coded[a, c], 0),
        "kappa": nanmean(s.kappa[:, a, c], 1),
        "kappa_coded": nanmean(s.kappa_coded[a, c], 0),
        "kappa_pooled": nanmean(s.kappa_pooled[a, c], 0),
        "alpha": s.group_alpha[:, c],
        "seg": s.seg[a, c].sum(axis=0),
    }


def _segment_kappa(s: _Scope, seg: IntArray) -> float | None:
    if s.segment_kappa_codes is None:
        return None
    return brennan_prediger_kappa(float(segment_percent(seg)) / 100.0, s.segment_kappa_codes)


def _pair_mean(s: _Scope, p: int) -> dict[str, Any]:
    """Means over the codes the pair used; segment counts summed."""
    seg = s.seg[p].sum(axis=0)
    return {
        "n_units": s.pair_units[p],
        "percent": nanmean(s.percent_used[p], 0),
        "percent_coded": nanmean(s.percent_coded[p], 0),
        "kappa": nanmean(s.kappa_used[:, p], 1),
        "kappa_coded": nanmean(s.kappa_coded[p], 0),
        "kappa_pooled": nanmean(s.kappa_pooled_used[p], 0),
        "alpha": nanmean(s.alpha[:, p], 1),
        "seg": seg,
        "segment_kappa": _segment_kappa(s, seg),
    }


def _group_mean(s: _Scope) -> dict[str, Any]:
    """Means over active pairs and used codes (kappa: over codes, then pairs)."""
    a = s.active
    seg = s.seg[a].sum(axis=(0, 1))
    return {
        "n_units": s.group_units,
        "percent": nanmean(s.percent_used[a].ravel(), 0),
        "percent_coded": nanmean(s.percent_coded[a].ravel(), 0),
        "kappa": nanmean(nanmean(s.kappa_used[:, a], 2), 1),
        "kappa_coded": nanmean(s.kappa_coded[a].ravel(), 0),
        "kappa_pooled": nanmean(s.kappa_pooled_used[a].ravel(), 0),
        "alpha": nanmean(s.group_alpha, 1),
        "seg": seg,
        "segment_kappa": _segment_kappa(s, seg),
    }


def _scope_rows(
    s: _Scope,
    codes: Sequence[str],
    pair_names: Sequence[tuple[str, ...]],
    coders: tuple[str, ...],
) -> Iterator[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """``(code, coders, values)`` of every row of a scope: per code, then the mean row."""
    group = len(coders) != 2
    for c, code in enumerate(codes):
        for p, names in enumerate(pair_names):
            yield code, names, _pair_code(s, p, c)
        if group:
            yield code, coders, _group_code(s, c)
    for p, names in enumerate(pair_names):
        yield ALL, names, _pair_mean(s, p)
    if group:
        yield ALL, coders, _group_mean(s)


def _row_fields(
    code: str,
    transcript: str,
    coders: tuple[str, ...],
    *,
    n_units: int | np.integer[Any],
    percent: float | FloatArray,
    percent_coded: float | FloatArray,
    kappa: FloatArray,
    kappa_coded: float | FloatArray,
    kappa_pooled: float | FloatArray,
    alpha: FloatArray,
    seg: IntArray,
    segment_kappa: float | None = None,
) -> dict[str, Any]:
    """The fields of an :class:`AgreementRow` without intervals; kappa and alpha are
    ``(1 + B,)``: point estimate, then resamples."""
    return {
        "code": code,
        "transcript": transcript,
        "coders": coders,
        "n_units": int(n_units),
        "percent_agreement": float(percent),
        "kappa": float(kappa[0]),
        "alpha": float(alpha[0]),
        "segment_agreement": 100.0 * int(seg[0]) / int(seg[1]) if seg[1] else NAN,
        "percent_agreement_coded": float(percent_coded),
        "kappa_coded": float(kappa_coded),
        "kappa_pooled": float(kappa_pooled),
        "n_segments": int(seg[1]),
        "segment_matches": int(seg[0]),
        "segment_kappa": segment_kappa,
        "kappa_ci": None,
        "alpha_ci": None,
    }


class _Totals:
    """Sums over transcripts, for the rows of all transcripts together."""

    def __init__(self, reps: int, n_pairs: int, n_codes: int) -> None:
        self.pooled = np.zeros((reps, n_pairs, n_codes, 4))
        self.kappa_sum = np.zeros((reps, n_pairs, n_codes))
        self.kappa_weight = np.zeros((reps, n_pairs, n_codes))
        self.coded_sum = np.zeros((n_pairs, n_codes))
        self.coded_weight = np.zeros((n_pairs, n_codes))
        self.group_pooled = np.zeros((reps, n_codes, 3))
        self.seg = np.zeros((n_pairs, n_codes, 2), dtype=np.int64)
        self.units = np.zeros(n_pairs, dtype=np.int64)
        self.group_units = 0

    def add(self, tid: str, st: TranscriptStats, seg: IntArray) -> _Scope:
        """Add one transcript to the totals; return its own scope."""
        kappa, alpha, percent, coded = pair_values(st.pair)  # (reps, P, C)
        n = st.pair[..., 0]
        weight = np.where(np.isnan(kappa), 0.0, n)
        self.kappa_sum += np.where(weight > 0, kappa, 0.0) * weight
        self.kappa_weight += weight
        union = st.pair[0, ..., 2] + st.pair[0, ..., 3] - st.pair[0, ..., 1]
        coded_ok = ~np.isnan(coded[1])
        self.coded_sum += np.where(coded_ok, coded[1] * union, 0.0)
        self.coded_weight += np.where(coded_ok, union, 0.0)
        self.pooled += st.pair
        self.group_pooled += st.group
        self.seg += seg
        self.group_units += st.n_group_units
        pair_units = np.where(st.pair_present, st.n_units, 0)
        self.units += pair_units
        used = (st.pair[..., 2] + st.pair[..., 3]) > 0
        kappa_used = np.where(used, kappa, np.nan)
        return _Scope(
            transcript=tid,
            pair_units=pair_units,
            group_units=st.n_group_units,
            active=np.flatnonzero(st.pair_present),
            percent=percent[0],
            percent_used=np.where(used[0], percent[0], np.nan),
            percent_coded=coded[0],
            kappa=kappa,
            kappa_used=kappa_used,
            kappa_coded=coded[1],
            kappa_pooled=kappa[0],
            kappa_pooled_used=kappa_used[0],
            alpha=alpha,
            group_alpha=alpha_binary(*np.moveaxis(st.group, -1, 0)),
            seg=seg,
        )

    def overall(self) -> _Scope:
        """The scope of all transcripts: kappas weighted by units, and pooled tables."""
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa = np.where(self.kappa_weight > 0, self.kappa_sum / self.kappa_weight, np.nan)
            kappa_coded = np.where(
                self.coded_weight > 0, self.coded_sum / self.coded_weight, np.nan
            )
        _, alpha, percent, coded = pair_values(self.pooled)
        kappa_pooled = kappa_of(*np.moveaxis(self.pooled[0], -1, 0))  # (P, C)
        used = (self.pooled[..., 2] + self.pooled[..., 3]) > 0
        return _Scope(
            transcript=ALL,
            pair_units=self.units,
            group_units=self.group_units,
            active=np.flatnonzero(self.units > 0),
            percent=percent[0],
            percent_used=np.where(used[0], percent[0], np.nan),
            percent_coded=coded[0],
            kappa=kappa,
            kappa_used=np.where(used, kappa, np.nan),
            kappa_coded=kappa_coded,
            kappa_pooled=kappa_pooled,
            kappa_pooled_used=np.where(used[0], kappa_pooled, np.nan),
            alpha=alpha,
            group_alpha=alpha_binary(*np.moveaxis(self.group_pooled, -1, 0)),
            seg=self.seg,
            segment_kappa_codes=self.seg.shape[1],
        )


def _with_intervals(
    pending: Sequence[tuple[dict[str, Any], FloatArray, FloatArray]], confidence: float
) -> None:
    """Bootstrap intervals for rows given with their kappa and alpha resamples, in one pass."""
    if not pending:
        return
    lower, upper = percentile_intervals(
        np.stack([r for _, k, a in pending for r in (k, a)], axis=1), confidence
    )
    for i, (fields, _, _) in enumerate(pending):
        fields["kappa_ci"] = (float(lower[2 * i]), float(upper[2 * i]))
        fields["alpha_ci"] = (float(lower[2 * i + 1]), float(upper[2 * i + 1]))


def build_rows(
    corpus: Corpus,
    transcripts: Iterable[tuple[str, TranscriptStats, IntArray]],
    pairs: Sequence[tuple[int, int]],
    bootstrap: int,
    confidence: float,
) -> list[AgreementRow]:
    """Rows from per-transcript statistics, consumed one transcript at a time."""
    coders = corpus.coders
    pair_names = [(coders[i], coders[j]) for i, j in pairs]
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    totals = _Totals(1 + bootstrap, len(pairs), len(corpus.codes))

    def emit(scope: _Scope) -> None:
        pending: list[tuple[dict[str, Any], FloatArray, FloatArray]] = []
        for code, names, values in _scope_rows(scope, corpus.codes, pair_names, coders):
            fields = _row_fields(code, scope.transcript, names, **values)
            rows.setdefault((code, scope.transcript), []).append(fields)
            pending.append((fields, values["kappa"][1:], values["alpha"][1:]))
        if bootstrap:
            _with_intervals(pending, confidence)

    for tid, stats, seg in transcripts:
        emit(totals.add(tid, stats, seg))
    emit(totals.overall())
    ordered: list[AgreementRow] = []
    for code in (*corpus.codes, ALL):
        for tid in (*corpus.transcripts, ALL):
            ordered.extend(AgreementRow(**fields) for fields in rows.get((code, tid), []))
    return ordered
