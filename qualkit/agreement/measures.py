"""The agreement formulas: percentage agreement, Cohen's kappa (NVivo style), nominal alpha
from coincidences, Brennan & Prediger's kappa, and percentile bootstrap intervals.

Functions ending in ``_of`` and the other array helpers are vectorised over numpy arrays;
:func:`nvivo_kappa` and :func:`percent_agreement` take plain counts.
"""

from __future__ import annotations

import math
import warnings
import zlib
from typing import Any

import numpy as np
import numpy.typing as npt

from qualkit.errors import AgreementError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NAN = float("nan")


def kappa_of(n: Any, both: Any, a: Any, b: Any) -> Any:
    """NVivo/Cohen kappa, vectorised; 1 when ``pe == 1``, NaN when ``n == 0``."""
    n, both, a, b = (np.asarray(x, dtype=np.float64) for x in (n, both, a, b))
    agree = n - a - b + 2.0 * both
    chance = a * b + (n - a) * (n - b)  # pe * n**2
    square = n * n
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (n * agree - chance) / (square - chance)
    kappa = np.where(chance == square, 1.0, kappa)
    return np.where(n > 0, kappa, np.nan)


def percent_of(n: Any, both: Any, a: Any, b: Any) -> Any:
    n, both, a, b = (np.asarray(x, dtype=np.float64) for x in (n, both, a, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, 100.0 * (n - a - b + 2.0 * both) / n, np.nan)


def alpha_binary(o00: Any, o01: Any, o11: Any) -> Any:
    """Nominal alpha from a 2x2 coincidence matrix given as its three distinct cells."""
    o00, o01, o11 = (np.asarray(x, dtype=np.float64) for x in (o00, o01, o11))
    n0 = o00 + o01
    n1 = o11 + o01
    denom = n0 * n1
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n0 + n1 - 1.0) * o01 / denom
    return np.where(denom > 0, alpha, np.nan)


def pair_alpha(n: Any, both: Any, a: Any, b: Any) -> Any:
    """Two-coder alpha from the pair's counts (both coders valued every unit)."""
    n, both, a, b = (np.asarray(x, dtype=np.float64) for x in (n, both, a, b))
    return alpha_binary(2.0 * (n - a - b + both), a + b - 2.0 * both, 2.0 * both)


def nvivo_kappa(n_units: int, both: int, a_coded: int, b_coded: int) -> float:
    """Cohen's kappa as NVivo's coding comparison computes it.

    ``n_units`` units, of which ``a_coded`` were coded by coder A, ``b_coded`` by coder B and
    ``both`` by both. Returns 1 when both coders coded everything or nothing (``pe == 1``)
    and NaN when there are no units.
    """
    _check_counts(n_units, both, a_coded, b_coded)
    return float(kappa_of(n_units, both, a_coded, b_coded))


def percent_agreement(n_units: int, both: int, a_coded: int, b_coded: int) -> float:
    """Percentage (0-100) of units where both coders coded or neither did; NaN if no units."""
    _check_counts(n_units, both, a_coded, b_coded)
    return float(percent_of(n_units, both, a_coded, b_coded))


def _check_counts(n_units: int, both: int, a_coded: int, b_coded: int) -> None:
    if not (0 <= both <= min(a_coded, b_coded) and max(a_coded, b_coded) <= n_units):
        raise AgreementError("counts must satisfy 0 <= both <= a_coded, b_coded <= n_units")
    if a_coded + b_coded - both > n_units:
        raise AgreementError("a_coded + b_coded - both cannot exceed n_units")


def brennan_prediger_kappa(p_observed: float, n_categories: int) -> float:
    """Brennan & Prediger's kappa: ``(p - 1/k) / (1 - 1/k)``; NaN when ``k < 2`` or p is NaN."""
    if n_categories < 2 or math.isnan(p_observed):
        return NAN
    chance = 1.0 / n_categories
    return (p_observed - chance) / (1.0 - chance)


def nanmean(values: FloatArray, axis: int) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(values, axis=axis), dtype=np.float64)


def percentile_intervals(reps: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Percentile interval over axis 0, ignoring NaN resamples; NaN where none is defined.

    Uses the same linear interpolation between order statistics as ``numpy.percentile``,
    for every column at once.
    """
    ordered = np.sort(reps, axis=0)  # NaN sorts last
    valid = np.sum(~np.isnan(reps), axis=0)
    last = np.maximum(valid - 1, 0)
    tail = (1.0 - confidence) / 2.0
    bounds: list[FloatArray] = []
    for q in (tail, 1.0 - tail):
        position = q * last
        lower = np.floor(position).astype(np.int64)
        upper = np.minimum(lower + 1, last)
        a = np.take_along_axis(ordered, lower[None, ...], axis=0)[0]
        b = np.take_along_axis(ordered, upper[None, ...], axis=0)[0]
        with np.errstate(invalid="ignore"):
            value = a + (b - a) * (position - lower)
        bounds.append(np.where(valid > 0, value, np.nan))
    return bounds[0], bounds[1]


def resample_weights(n_clusters: int, bootstrap: int, seed: int, tid: str) -> FloatArray:
    """(1 + B, clusters): a row of ones, then B bootstrap resample counts."""
    weights = np.ones((1 + bootstrap, n_clusters), dtype=np.float64)
    if bootstrap and n_clusters:
        rng = np.random.default_rng([seed, zlib.crc32(tid.encode("utf-8"))])
        picks = rng.integers(0, n_clusters, size=(bootstrap, n_clusters))
        flat = (np.arange(bootstrap)[:, None] * n_clusters + picks).ravel()
        counts = np.bincount(flat, minlength=bootstrap * n_clusters)
        weights[1:] = counts.reshape(bootstrap, n_clusters)
    return weights


def segment_percent(counts: IntArray) -> FloatArray:
    matches = counts[..., 0].astype(np.float64)
    total = counts[..., 1].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, 100.0 * matches / total, np.nan)


def pair_values(totals: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """From (1 + B, ..., 4) totals: kappa and alpha (point and resamples), percent (point and
    resamples), and the point percent and kappa over coded units stacked on a new axis 0."""
    n, both, a, b = np.moveaxis(totals, -1, 0)
    kappa = kappa_of(n, both, a, b)
    alpha = pair_alpha(n, both, a, b)
    _, both0, a0, b0 = np.moveaxis(totals[0], -1, 0)
    union = a0 + b0 - both0
    coded = np.stack([percent_of(union, both0, a0, b0), kappa_of(union, both0, a0, b0)])
    return kappa, alpha, percent_of(n, both, a, b), coded
