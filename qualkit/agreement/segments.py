"""Spans as ``(start, end)`` pairs: merging, intersecting, subtracting, and MAXQDA-style
segment matching.

Coded spans are held as plain int pairs here (not :class:`qualkit.model.Span`) because
they are turned into numpy arrays in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np

from qualkit.agreement.measures import BoolArray, FloatArray, IntArray
from qualkit.errors import AgreementError

OverlapBasis = Literal["union", "segment"]

#: ``(start, end)``, code points, end exclusive.
Bounds = tuple[int, int]

_BASES = ("union", "segment")
# Tolerance for comparing an overlap with ``min_overlap * size``.
_EPS = 1e-9


def merge(spans: Iterable[Bounds]) -> list[Bounds]:
    """Sort and merge overlapping spans; touching spans stay separate; empty spans drop."""
    merged: list[Bounds] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def as_array(spans: Sequence[Bounds]) -> IntArray:
    return np.asarray(spans, dtype=np.int64).reshape(-1, 2)


def match_segments(
    segments_a: Sequence[Bounds],
    segments_b: Sequence[Bounds],
    min_overlap: float = 0.5,
    overlap_basis: OverlapBasis = "union",
) -> tuple[BoolArray, BoolArray]:
    """Whether each segment of A, and each of B, matches a segment of the other coder.

    ``"union"``: some segment of the other coder overlaps it by at least ``min_overlap`` of
    the two segments' union. ``"segment"``: at least ``min_overlap`` of the segment is
    covered by the other coder's segments. A segment never matches without overlap.
    Returns two boolean arrays in the order of the inputs.
    """
    check_overlap(min_overlap, overlap_basis)
    a = as_array(segments_a)
    b = as_array(segments_b)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(len(a), dtype=np.bool_), np.zeros(len(b), dtype=np.bool_)
    if overlap_basis == "segment":
        merged_a = as_array(merge((int(s), int(e)) for s, e in a.tolist()))
        merged_b = as_array(merge((int(s), int(e)) for s, e in b.tolist()))
        return _covered(a, merged_b, min_overlap), _covered(b, merged_a, min_overlap)
    inter = _intersections(a, b)
    len_a = (a[:, 1] - a[:, 0]).astype(np.float64)
    len_b = (b[:, 1] - b[:, 0]).astype(np.float64)
    union = len_a[:, None] + len_b[None, :] - inter
    ok = (inter > 0) & (inter >= min_overlap * union - _EPS)
    return np.asarray(ok.any(axis=1)), np.asarray(ok.any(axis=0))


def _intersections(a: IntArray, b: IntArray) -> FloatArray:
    lo = np.maximum(a[:, None, 0], b[None, :, 0])
    hi = np.minimum(a[:, None, 1], b[None, :, 1])
    return np.clip(hi - lo, 0, None).astype(np.float64)


def _covered(segments: IntArray, other_merged: IntArray, min_overlap: float) -> BoolArray:
    if len(other_merged) == 0:
        return np.zeros(len(segments), dtype=np.bool_)
    covered = _intersections(segments, other_merged).sum(axis=1)
    length = (segments[:, 1] - segments[:, 0]).astype(np.float64)
    return (covered > 0) & (covered >= min_overlap * length - _EPS)


def check_overlap(min_overlap: float, overlap_basis: str) -> None:
    if not (0.0 < min_overlap <= 1.0):
        raise AgreementError(f"min_overlap must be in (0, 1], got {min_overlap}")
    if overlap_basis not in _BASES:
        raise AgreementError(
            f"overlap_basis must be one of {', '.join(_BASES)}, got {overlap_basis!r}"
        )


def intersect(a: Sequence[Bounds], b: Sequence[Bounds]) -> list[Bounds]:
    """Intersection of two sorted lists of disjoint spans."""
    out: list[Bounds] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Sequence[Bounds], b: Sequence[Bounds]) -> list[Bounds]:
    """The parts of the spans in ``a`` not covered by ``b`` (both sorted and disjoint)."""
    out: list[Bounds] = []
    j = 0
    for start, end in a:
        while j < len(b) and b[j][1] <= start:
            j += 1
        position = start
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > position:
                out.append((position, b[k][0]))
            position = max(position, b[k][1])
            k += 1
        if position < end:
            out.append((position, end))
    return out
