"""Reference statistics the agreement tests check qualkit against: Krippendorff's alpha
from a coders-by-units matrix (as the ``krippendorff`` package lays it out), that matrix
for a report, and Krippendorff's (2004) alpha for unitizing.

Not part of qualkit: the library computes alpha from coincidence counts directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from qualkit.agreement.corpus import prepare
from qualkit.agreement.measures import NAN, FloatArray
from qualkit.agreement.segments import Bounds, merge
from qualkit.agreement.units import Unit, check_unit, unit_values
from qualkit.errors import AgreementError
from qualkit.model import Coding, Turn


def krippendorff_alpha_nominal(reliability_data: npt.ArrayLike) -> float:
    """Krippendorff's alpha for nominal data.

    ``reliability_data`` is a coders-by-units array of numbers with NaN for missing values
    (the layout of the ``krippendorff`` package). Returns NaN when no unit has two values or
    the pairable values show no variation.
    """
    data = np.asarray(reliability_data, dtype=np.float64)
    if data.ndim != 2:
        raise AgreementError("reliability_data must be a 2-D array: coders by units")
    present = ~np.isnan(data)
    values = np.unique(data[present])
    if values.size < 2:
        return NAN
    # counts[u, v]: how many coders gave unit u value v
    index = np.searchsorted(values, np.where(present, data, values[0]))
    counts = np.zeros((data.shape[1], values.size), dtype=np.float64)
    for coder in range(data.shape[0]):
        mask = present[coder]
        np.add.at(counts, (np.flatnonzero(mask), index[coder, mask]), 1.0)
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return NAN
    counts = counts[pairable]
    scaled = counts / (m[pairable] - 1.0)[:, None]
    coincidence = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    disagreement = n * n - np.square(n_c).sum()  # sum of n_c * n_k over c != k
    if disagreement <= 0:
        return NAN
    observed = coincidence.sum() - np.trace(coincidence)
    return float(1.0 - (n - 1.0) * observed / disagreement)


def reliability_data(
    codings: Iterable[Coding],
    texts: Mapping[str, str],
    code: str,
    unit: Unit = "character",
    turns: Mapping[str, Sequence[Turn]] | None = None,
    coders: Sequence[str] | None = None,
    assignments: Mapping[str, Iterable[str]] | None = None,
) -> tuple[FloatArray, tuple[str, ...]]:
    """The coders-by-units matrix alpha is computed from, for one code.

    Values are 1 (coder applied ``code`` to the unit), 0 (did not) or NaN (coder did not
    code that transcript). Units run over the transcripts in sorted id order. Returns the
    matrix and the coders in row order.
    """
    check_unit(unit)
    corpus = prepare(codings, texts, coders, [code], assignments)
    blocks: list[FloatArray] = []
    for tid in corpus.transcripts:
        block = unit_values(corpus, tid, texts[tid], unit, turns)[:, 0, :].astype(np.float64)
        block[~corpus.present[tid]] = np.nan
        blocks.append(block)
    if not blocks:
        return np.zeros((len(corpus.coders), 0), dtype=np.float64), corpus.coders
    return np.concatenate(blocks, axis=1), corpus.coders


@dataclass(frozen=True)
class UnitizedAlpha:
    """Observed and expected disagreement and the resulting alpha for unitizing."""

    observed: float
    expected: float
    alpha: float


def _partition(units: list[Bounds], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """The continuum as consecutive (start, end, is_unit) sections: units and the gaps."""
    sections: list[tuple[int, int, bool]] = []
    position = begin
    for start, stop in units:
        if start > position:
            sections.append((position, start, False))
        sections.append((start, stop, True))
        position = stop
    if end > position:
        sections.append((position, end, False))
    return sections


def _sweep(
    first: list[tuple[int, int, bool]], second: list[tuple[int, int, bool]]
) -> Iterator[tuple[tuple[int, int, bool], ...]]:
    """Every pair of overlapping sections of two partitions of the same continuum."""
    i = j = 0
    while i < len(first) and j < len(second):
        yield first[i], second[j]
        if first[i][1] < second[j][1]:
            i += 1
        elif first[i][1] > second[j][1]:
            j += 1
        else:
            i += 1
            j += 1


def _distance(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    """Krippendorff's squared difference between two overlapping sections."""
    (bg, eg, unit_g), (bh, eh, unit_h) = g, h
    if unit_g and unit_h:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if unit_g and not unit_h and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if unit_h and not unit_g and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _unitized_category(
    by_coder: Sequence[list[Bounds]], begin: int, end: int
) -> tuple[float, float]:
    length = end - begin
    m = len(by_coder)
    parts = [_partition(units, begin, end) for units in by_coder]
    observed = 0
    for x, y in combinations(range(m), 2):
        observed += 2 * sum(_distance(g, h) for g, h in _sweep(parts[x], parts[y]))
    d_observed = observed / (m * (m - 1) * length * length)
    unit_lengths = [e - s for units in by_coder for s, e in units]
    gap_lengths = sorted(e - s for part in parts for s, e, is_unit in part if not is_unit)
    n_units = len(unit_lengths)
    suffix = [0] * (len(gap_lengths) + 1)
    for k in range(len(gap_lengths) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + gap_lengths[k]
    numerator = 0
    for size in unit_lengths:
        first = int(np.searchsorted(gap_lengths, size, side="left"))
        fits = len(gap_lengths) - first
        placements = suffix[first] - fits * (size - 1)  # sum of (gap - size + 1) over gaps >= size
        numerator += (n_units - 1) * (2 * size**3 - 3 * size**2 + size) // 3
        numerator += size * size * placements
    denominator = m * length * (m * length - 1) - sum(s * (s - 1) for s in unit_lengths)
    d_expected = 2.0 * numerator / (length * denominator) if denominator > 0 else 0.0
    return d_observed, d_expected


def _unitized(observed: float, expected: float) -> UnitizedAlpha:
    alpha = 1.0 - observed / expected if expected > 0 else NAN
    return UnitizedAlpha(observed, expected, alpha)


def unitized_alpha(
    units: Mapping[str, Sequence[tuple[int, int, str]]],
    begin: int,
    end: int,
) -> tuple[dict[str, UnitizedAlpha], UnitizedAlpha]:
    """Krippendorff's (2004) alpha for unitizing a continuum ``[begin, end)``.

    ``units`` maps each of exactly two coders to their units ``(start, end, category)``;
    overlapping units of one coder and category are merged. Returns alpha per category
    (units of that category against everything else) and overall ``1 - sum(D_o) /
    sum(D_e)``. Alpha is NaN when expected disagreement is 0. Restricted to two coders
    because this definition misbehaves with more (Krippendorff et al. 2016).
    """
    if len(units) != 2:
        raise AgreementError("unitized_alpha takes exactly two coders")
    if end <= begin:
        raise AgreementError("the continuum must not be empty")
    categories: set[str] = set()
    for name, items in units.items():
        for start, stop, category in items:
            if not (begin <= start < stop <= end):
                raise AgreementError(
                    f"a unit of {name!r} at {start}..{stop} is empty or outside {begin}..{end}"
                )
            categories.add(category)
    per_category: dict[str, UnitizedAlpha] = {}
    observed_sum = expected_sum = 0.0
    for category in sorted(categories):
        by_coder = [
            merge((s, e) for s, e, cat in items if cat == category) for items in units.values()
        ]
        d_o, d_e = _unitized_category(by_coder, begin, end)
        per_category[category] = _unitized(d_o, d_e)
        observed_sum += d_o
        expected_sum += d_e
    return per_category, _unitized(observed_sum, expected_sum)


def unitized_alpha_for_transcript(
    codings: Iterable[Coding],
    texts: Mapping[str, str],
    transcript: str,
    coder_a: str,
    coder_b: str,
    codes: Sequence[str] | None = None,
) -> tuple[dict[str, UnitizedAlpha], UnitizedAlpha]:
    """:func:`unitized_alpha` of two coders' codings of one transcript, codes as categories."""
    if transcript not in texts:
        raise AgreementError(f"transcript {transcript!r} is not among the texts")
    if coder_a == coder_b:
        raise AgreementError("unitized alpha needs two different coders")
    corpus = prepare(codings, {transcript: texts[transcript]}, [coder_a, coder_b], codes, None)
    units: dict[str, list[tuple[int, int, str]]] = {coder_a: [], coder_b: []}
    for (_, code, coder), spans in corpus.spans.items():
        units[corpus.coders[coder]].extend((s, e, corpus.codes[code]) for s, e in spans)
    return unitized_alpha(units, 0, max(len(texts[transcript]), 1))
