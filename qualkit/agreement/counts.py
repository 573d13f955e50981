"""Per-transcript counts: the 2x2 tables of every pair of coders and code, the
coincidences of all coders, and segment matches, for the point estimate and every
bootstrap resample."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qualkit.agreement.corpus import Corpus, coder_code_spans
from qualkit.agreement.measures import BoolArray, FloatArray, IntArray, resample_weights
from qualkit.agreement.segments import OverlapBasis, intersect, match_segments
from qualkit.agreement.units import covered_before, sentence_bounds, unit_values
from qualkit.model import Turn


@dataclass
class TranscriptStats:
    """Per-transcript totals: point values (index 0 of the leading axis) then resamples."""

    pair: FloatArray  # (1 + B, pairs, codes, 4): n, both, a, b
    group: FloatArray  # (1 + B, codes, 3): o00, o01, o11 over all coders
    pair_present: BoolArray  # (pairs,)
    n_units: int
    n_group_units: int


def _cluster_counts(
    corpus: Corpus,
    tid: str,
    text: str,
    unit: str,
    turns: Mapping[str, Sequence[Turn]] | None,
    pairs: Sequence[tuple[int, int]],
    pair_present: BoolArray,
) -> tuple[FloatArray, FloatArray, FloatArray, int]:
    """Per resampling cluster: units (clusters,), units each coder coded with each code
    (clusters, coders * codes) and units both coders of each pair coded (clusters,
    pairs * codes); and the number of units."""
    k, c, n = len(corpus.coders), len(corpus.codes), len(text)
    rows = coder_code_spans(corpus, tid)
    both = np.zeros((len(pairs) * c, 0))
    if unit == "character":
        bounds = sentence_bounds(text)
        sizes = np.diff(bounds).astype(np.float64)
        coded = np.diff(covered_before(rows, bounds, n + 1), axis=1)
        shared = [
            intersect(rows[i * c + code], rows[j * c + code]) if pair_present[p] else []
            for p, (i, j) in enumerate(pairs)
            for code in range(c)
        ]
        both = np.diff(covered_before(shared, bounds, n + 1), axis=1)
        n_units = n
    else:
        table = unit_values(corpus, tid, text, unit, turns)
        values = table.reshape(k * c, table.shape[2])
        sizes = np.ones(values.shape[1], dtype=np.float64)
        coded = values.astype(np.float64)
        if pairs:
            first = np.array([i for i, _ in pairs for _ in range(c)]) * c + np.tile(
                np.arange(c), len(pairs)
            )
            second = np.array([j for _, j in pairs for _ in range(c)]) * c + np.tile(
                np.arange(c), len(pairs)
            )
            both = coded[first] * coded[second]
            both[np.repeat(~pair_present, c)] = 0.0
        else:
            both = np.zeros((0, values.shape[1]))
        n_units = values.shape[1]
    return sizes, coded.T, both.T, n_units


def _group_totals(
    pair: FloatArray, pairs: Sequence[tuple[int, int]], present: BoolArray
) -> FloatArray:
    """(1 + B, codes, 3) coincidences o00, o01, o11 among all coders who coded the transcript.

    With ``k`` of the ``m`` coders applying a code to a unit, the unit adds
    ``(m-k)(m-k-1)``, ``k(m-k)`` and ``k(k-1)`` (each over ``m - 1``) to o00, o01 and o11.
    Summed over units these need only ``sum k`` (what each coder coded) and ``sum k**2``
    (that plus twice what each pair both coded), which the pair totals already hold.
    """
    reps, _, n_codes, _ = pair.shape
    out = np.zeros((reps, n_codes, 3), dtype=np.float64)
    m = int(present.sum())
    if m < 2:
        return out
    units = np.zeros((reps, n_codes))
    sum_k = np.zeros((reps, n_codes))
    shared = np.zeros((reps, n_codes))
    seen: set[int] = set()
    for p, (i, j) in enumerate(pairs):
        if not (present[i] and present[j]):
            continue
        units = pair[:, p, :, 0]
        shared = shared + pair[:, p, :, 1]
        for coder, column in ((i, 2), (j, 3)):
            if coder not in seen:
                seen.add(coder)
                sum_k = sum_k + pair[:, p, :, column]
    sum_k2 = sum_k + 2.0 * shared
    scale = 1.0 / (m - 1)
    out[..., 0] = (units * (m * m - m) - (2 * m - 1) * sum_k + sum_k2) * scale
    out[..., 1] = (m * sum_k - sum_k2) * scale
    out[..., 2] = (sum_k2 - sum_k) * scale
    return out


def transcript_stats(
    corpus: Corpus,
    tid: str,
    text: str,
    unit: str,
    turns: Mapping[str, Sequence[Turn]] | None,
    pairs: Sequence[tuple[int, int]],
    bootstrap: int,
    seed: int,
) -> TranscriptStats:
    present = corpus.present[tid]
    pair_present = np.array([present[i] and present[j] for i, j in pairs], dtype=np.bool_)
    sizes, coded, both, n_units = _cluster_counts(
        corpus, tid, text, unit, turns, pairs, pair_present
    )
    clusters = len(sizes)
    k, c = len(corpus.coders), len(corpus.codes)
    columns = np.concatenate([sizes[:, None], coded, both], axis=1)
    totals = resample_weights(clusters, bootstrap, seed, tid) @ columns
    reps = 1 + bootstrap
    coded_t = totals[:, 1 : 1 + k * c].reshape(reps, k, c)
    both_t = totals[:, 1 + k * c :].reshape(reps, len(pairs), c)
    pair = np.zeros((reps, len(pairs), c, 4), dtype=np.float64)
    for p, (i, j) in enumerate(pairs):
        if pair_present[p]:
            pair[:, p, :, 0] = totals[:, :1]
            pair[:, p, :, 1] = both_t[:, p]
            pair[:, p, :, 2] = coded_t[:, i]
            pair[:, p, :, 3] = coded_t[:, j]
    group = _group_totals(pair, pairs, present)
    n_group = n_units if int(present.sum()) >= 2 else 0
    return TranscriptStats(pair, group, pair_present, n_units, n_group)


def segment_counts(
    corpus: Corpus,
    tid: str,
    pairs: Sequence[tuple[int, int]],
    min_overlap: float,
    basis: OverlapBasis,
) -> IntArray:
    """(pairs, codes, 2): matching segments and all segments of both coders."""
    counts = np.zeros((len(pairs), len(corpus.codes), 2), dtype=np.int64)
    present = corpus.present[tid]
    for p, (i, j) in enumerate(pairs):
        if not (present[i] and present[j]):
            continue
        for code in range(len(corpus.codes)):
            seg_a = corpus.spans.get((tid, code, i), [])
            seg_b = corpus.spans.get((tid, code, j), [])
            if not seg_a and not seg_b:
                continue
            ok_a, ok_b = match_segments(seg_a, seg_b, min_overlap, basis)
            counts[p, code, 0] = int(ok_a.sum() + ok_b.sum())
            counts[p, code, 1] = len(seg_a) + len(seg_b)
    return counts
