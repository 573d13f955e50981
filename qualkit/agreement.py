"""Inter-coder agreement for codings: how far coders agree on where each code applies.

Pure functions over :class:`qualkit.model.Coding` lists and the transcript texts
(``dict[transcript_id, str]``); offsets are code points, end exclusive. Nothing here
reads or writes a database, and no transcript text is ever copied into a result.

Statistics
==========

Units
    ``unit="character"`` (every character of a transcript is a unit, as in NVivo),
    ``"sentence"`` (spans from :func:`split_sentences`) or ``"turn"`` (``Turn.start`` to
    ``Turn.end`` of the turns passed in; speaker labels and header lines are not units).
    A coder *applied a code to a unit* when one of their codings with that code covers the
    character (character units) or overlaps the unit by at least one character ("any
    overlap", for sentence and turn units).

Which coders coded a transcript
    A coder counts as having coded a transcript when they made at least one coding in it
    (any code) or when ``assignments`` lists them for it. For other transcripts the coder's
    values are *missing*: pairs are compared only on transcripts both coders coded (a pair
    row for any other transcript has ``n_units == 0`` and undefined values), and
    Krippendorff's alpha treats the values as missing data.

Percentage agreement and Cohen's kappa (NVivo's coding comparison)
    Per code, per transcript, per pair of coders A and B, with N units::

        agree = coded by both + coded by neither
        percent_agreement = 100 * agree / N
        pe = (a_coded/N)(b_coded/N) + (a_uncoded/N)(b_uncoded/N)
        kappa = (agree/N - pe) / (1 - pe)

    With character units this is NVivo's coding comparison query (QSR documents
    the example of a 1,000-character source with 50 characters coded by both and 800 by
    neither: 85 % agreement). Edge cases: ``pe == 1`` happens only when both coders coded
    every unit or both coded none; they then agree perfectly and kappa is 1 (NVivo shows 1
    too). With no units at all (empty text) every value is NaN.

    ``percent_agreement_coded`` and ``kappa_coded`` are the same two formulas restricted to
    the units at least one of the two coders coded (units coded by neither are left out).
    The percentage is then the Jaccard overlap. Note that this kappa is never above 0
    unless agreement is perfect: with no "coded by neither" cell, the 2x2 table's
    determinant is ``-(a_only * b_only)``. It is reported because users ask for it; read
    the percentage, not the kappa.

    Across transcripts (``transcript == "*"``), percentages and kappas are averages of the
    per-transcript values weighted by the transcript's units (characters, for character
    units; for the ``_coded`` variants, by the units either coder coded), which is the
    average NVivo's documentation describes; for percentages this equals the pooled
    percentage. Weighted-average kappa counts transcripts in which
    neither coder used the code as kappa 1, which flatters it, so ``kappa_pooled`` also
    gives Cohen's kappa of the 2x2 table summed over transcripts.

Krippendorff's alpha (nominal)
    Computed from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability"): for each code every unit gets value 1 or 0 per coder, or missing.
    Units with fewer than two values are not pairable and drop out. ``alpha = 1 -
    (n - 1) * sum(o[c,k], c != k) / sum(n_c * n_k, c != k)``. When the pairable values
    show no variation (nobody applied the code, or everybody applied it everywhere) alpha is
    undefined and reported as NaN, as Krippendorff does. Pair rows give alpha for that pair,
    group rows for all coders at once; ``transcript == "*"`` pools the units of every
    transcript; ``code == "*"`` is the mean over codes whose alpha is defined.
    :func:`krippendorff_alpha_nominal` takes any coders-by-units matrix with NaN for missing
    values and matches the ``krippendorff`` package.

Segment matching (MAXQDA-style)
    For one code, each coded segment of each coder is checked against the other coder's
    segments with the same code (overlapping segments of one coder and code are merged
    first). With ``overlap_basis="union"`` a segment matches when some segment of the other
    coder overlaps it by at least ``min_overlap`` of the two segments' union (intersection
    over union); with ``"segment"`` when at least ``min_overlap`` of the segment itself is
    covered by the other coder's segments. ``segment_agreement = 100 * matching segments /
    all segments`` of both coders. On the overall row (code and transcript "*")
    ``segment_kappa`` is the Brennan & Prediger (1981) coefficient MAXQDA reports,
    ``(p - 1/k) / (1 - 1/k)`` with ``k`` the number of codes compared (NaN when k < 2). No
    segments at all gives NaN. A segment may match several of the other coder's segments;
    matching is not one-to-one. Both overlap bases are offered because tools differ: say
    which one was used when reporting.

Mean rows
    Rows with code "*" average the per-code percentages, kappas and alphas and sum the
    segment counts. The averages leave out undefined values and codes that neither of the
    coders compared applied in that scope (in each bootstrap resample too): such a code
    has 100 % agreement and kappa 1 by convention but says nothing about agreement, and
    counting it would inflate the mean.

Bootstrap confidence intervals
    Percentile intervals (default 95 %) from ``bootstrap`` resamples. Sentence and turn units
    are resampled directly; for character units whole sentences are resampled with their
    characters, because neighbouring characters are not independent and resampling single
    characters gives intervals that are far too narrow. Resampling is stratified by
    transcript and the same resamples are used for every code and pair, so mean rows (code
    "*") and group rows have intervals too. A transcript's resamples depend only on ``seed``
    and the transcript id, so results are reproducible. Intervals ignore resamples in which
    the statistic is undefined, and need not contain the point estimate in very small or
    degenerate data. For a code applied to only a few units, resamples that miss those
    units score kappa 1 (NVivo's convention), so its kappa interval reaches up towards 1;
    read it together with ``n_segments``.

Group rows
    With three or more coders every (code, transcript) also has a row for all coders: alpha
    over all coders, and the mean over pairs of the pairwise values (for kappa this is
    Light's kappa). With fewer than two coders only group rows exist and every statistic
    is NaN.

Unitizing alpha
    :func:`unitized_alpha` implements Krippendorff's (2004, section 12.4) alpha for
    unitizing, for exactly two coders who set their own boundaries, and reproduces the
    worked example of Krippendorff (2004, p. 254). It is not part of the report.

JSON schema (``AgreementReport.to_json``)
=========================================

::

    {
      "schema": "qualkit.agreement/1",
      "unit": "character" | "sentence" | "turn",
      "coders": [str, ...],
      "codes": [str, ...],
      "transcripts": [str, ...],
      "settings": {"min_overlap": float, "overlap_basis": "union" | "segment",
                   "bootstrap": int, "seed": int, "confidence": float},
      "rows": [
        {
          "code": str,                      # code id, or "*" = mean over codes
          "transcript": str,                # transcript id, or "*" = all transcripts
          "coders": [str, ...],             # two coders (pair row) or all coders (group row)
          "n_units": int,                   # units compared (pairable units for group rows)
          "percent_agreement": float|null,  # 0-100, units coded by neither count as agreement
          "percent_agreement_coded": float|null,  # 0-100, only units someone coded
          "kappa": float|null,              # Cohen's kappa, NVivo's formula
          "kappa_ci": [float|null, float|null] | null,   # bootstrap interval; null if off
          "kappa_coded": float|null,        # kappa over units someone coded
          "kappa_pooled": float|null,       # kappa of the 2x2 table pooled over transcripts
          "alpha": float|null,              # Krippendorff's alpha, nominal
          "alpha_ci": [float|null, float|null] | null,
          "n_segments": int,                # coded segments of the coders compared
          "segment_matches": int,           # segments that match the other coder's
          "segment_agreement": float|null,  # 0-100
          "segment_kappa": float|null       # Brennan & Prediger; code and transcript "*" only
        }
      ]
    }

``null`` stands for an undefined value (NaN in Python).
"""

from __future__ import annotations

import json
import math
import re
import warnings
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from qualkit.errors import AgreementError
from qualkit.model import Coding, Turn

__all__ = [
    "ALL",
    "SCHEMA",
    "AgreementReport",
    "AgreementRow",
    "Disagreement",
    "OverlapBasis",
    "Unit",
    "UnitizedAlpha",
    "agreement_report",
    "brennan_prediger_kappa",
    "disagreements",
    "format_table",
    "krippendorff_alpha_nominal",
    "match_segments",
    "nvivo_kappa",
    "percent_agreement",
    "reliability_data",
    "split_sentences",
    "unitized_alpha",
    "unitized_alpha_for_transcript",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

Unit = Literal["character", "sentence", "turn"]
OverlapBasis = Literal["union", "segment"]

ALL = "*"
SCHEMA = "qualkit.agreement/1"
_UNITS = ("character", "sentence", "turn")
_BASES = ("union", "segment")
_NAN = float("nan")
# Tolerance for comparing an overlap with ``min_overlap * size``.
_EPS = 1e-9

Interval = tuple[int, int]
# A number, or a 0-d array from a numpy reduction.
Num = float | FloatArray


# --------------------------------------------------------------------------- sentences

_SENTENCE_BOUNDARY = re.compile(r"[.!?…]+[\"'’”)\]]*(?=\s)|\n")


def split_sentences(text: str) -> list[Interval]:
    """Split ``text`` into sentence spans ``(start, end)``, end exclusive.

    A sentence ends after a run of ``.``, ``!``, ``?`` or ``…`` (plus any closing quotes or
    brackets) that is followed by whitespace, and at every line break, so each speaker turn
    line is split on its own. Leading and trailing whitespace is not part of a span; blank
    stretches yield no span. Abbreviations such as "Mr." also end a sentence; decimals
    ("3.5") and ellipses inside a word do not.
    """
    spans: list[Interval] = []
    start = 0
    for match in _SENTENCE_BOUNDARY.finditer(text):
        _append_stripped(text, start, match.end(), spans)
        start = match.end()
    _append_stripped(text, start, len(text), spans)
    return spans


def _append_stripped(text: str, start: int, end: int, spans: list[Interval]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        begin = start + len(piece) - len(piece.lstrip())
        spans.append((begin, begin + len(stripped)))


# --------------------------------------------------------------------------- formulas


def _kappa(n: Any, both: Any, a: Any, b: Any) -> Any:
    """NVivo/Cohen kappa, vectorised; 1 when ``pe == 1``, NaN when ``n == 0``."""
    n, both, a, b = (np.asarray(x, dtype=np.float64) for x in (n, both, a, b))
    agree = n - a - b + 2.0 * both
    chance = a * b + (n - a) * (n - b)  # pe * n**2
    square = n * n
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (n * agree - chance) / (square - chance)
    kappa = np.where(chance == square, 1.0, kappa)
    return np.where(n > 0, kappa, np.nan)


def _percent(n: Any, both: Any, a: Any, b: Any) -> Any:
    n, both, a, b = (np.asarray(x, dtype=np.float64) for x in (n, both, a, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, 100.0 * (n - a - b + 2.0 * both) / n, np.nan)


def _alpha_binary(o00: Any, o01: Any, o11: Any) -> Any:
    """Nominal alpha from a 2x2 coincidence matrix given as its three distinct cells."""
    o00, o01, o11 = (np.asarray(x, dtype=np.float64) for x in (o00, o01, o11))
    n0 = o00 + o01
    n1 = o11 + o01
    denom = n0 * n1
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n0 + n1 - 1.0) * o01 / denom
    return np.where(denom > 0, alpha, np.nan)


def _pair_alpha(n: Any, both: Any, a: Any, b: Any) -> Any:
    """Two-coder alpha from the pair's counts (both coders valued every unit)."""
    n, both, a, b = (np.asarray(x, dtype=np.float64) for x in (n, both, a, b))
    return _alpha_binary(2.0 * (n - a - b + both), a + b - 2.0 * both, 2.0 * both)


def nvivo_kappa(n_units: int, both: int, a_coded: int, b_coded: int) -> float:
    """Cohen's kappa as NVivo's coding comparison computes it.

    ``n_units`` units, of which ``a_coded`` were coded by coder A, ``b_coded`` by coder B and
    ``both`` by both. Returns 1 when both coders coded everything or nothing (``pe == 1``)
    and NaN when there are no units.
    """
    _check_counts(n_units, both, a_coded, b_coded)
    return float(_kappa(n_units, both, a_coded, b_coded))


def percent_agreement(n_units: int, both: int, a_coded: int, b_coded: int) -> float:
    """Percentage (0-100) of units where both coders coded or neither did; NaN if no units."""
    _check_counts(n_units, both, a_coded, b_coded)
    return float(_percent(n_units, both, a_coded, b_coded))


def _check_counts(n_units: int, both: int, a_coded: int, b_coded: int) -> None:
    if not (0 <= both <= min(a_coded, b_coded) and max(a_coded, b_coded) <= n_units):
        raise AgreementError("counts must satisfy 0 <= both <= a_coded, b_coded <= n_units")
    if a_coded + b_coded - both > n_units:
        raise AgreementError("a_coded + b_coded - both cannot exceed n_units")


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
        return _NAN
    # counts[u, v]: how many coders gave unit u value v
    index = np.searchsorted(values, np.where(present, data, values[0]))
    counts = np.zeros((data.shape[1], values.size), dtype=np.float64)
    for coder in range(data.shape[0]):
        mask = present[coder]
        np.add.at(counts, (np.flatnonzero(mask), index[coder, mask]), 1.0)
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return _NAN
    counts = counts[pairable]
    scaled = counts / (m[pairable] - 1.0)[:, None]
    coincidence = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    disagreement = n * n - np.square(n_c).sum()  # sum of n_c * n_k over c != k
    if disagreement <= 0:
        return _NAN
    observed = coincidence.sum() - np.trace(coincidence)
    return float(1.0 - (n - 1.0) * observed / disagreement)


def brennan_prediger_kappa(p_observed: float, n_categories: int) -> float:
    """Brennan & Prediger's kappa: ``(p - 1/k) / (1 - 1/k)``; NaN when ``k < 2`` or p is NaN."""
    if n_categories < 2 or math.isnan(p_observed):
        return _NAN
    chance = 1.0 / n_categories
    return (p_observed - chance) / (1.0 - chance)


# --------------------------------------------------------------------------- segments


def _merge(spans: Iterable[Interval]) -> list[Interval]:
    """Sort and merge overlapping spans; touching spans stay separate; empty spans drop."""
    merged: list[Interval] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _as_array(spans: Sequence[Interval]) -> IntArray:
    return np.asarray(spans, dtype=np.int64).reshape(-1, 2)


def match_segments(
    segments_a: Sequence[Interval],
    segments_b: Sequence[Interval],
    min_overlap: float = 0.5,
    overlap_basis: OverlapBasis = "union",
) -> tuple[BoolArray, BoolArray]:
    """Whether each segment of A, and each of B, matches a segment of the other coder.

    ``"union"``: some segment of the other coder overlaps it by at least ``min_overlap`` of
    the two segments' union. ``"segment"``: at least ``min_overlap`` of the segment is
    covered by the other coder's segments. A segment never matches without overlap.
    Returns two boolean arrays in the order of the inputs.
    """
    _check_overlap(min_overlap, overlap_basis)
    a = _as_array(segments_a)
    b = _as_array(segments_b)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(len(a), dtype=np.bool_), np.zeros(len(b), dtype=np.bool_)
    if overlap_basis == "segment":
        merged_a = _as_array(_merge((int(s), int(e)) for s, e in a.tolist()))
        merged_b = _as_array(_merge((int(s), int(e)) for s, e in b.tolist()))
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


def _check_overlap(min_overlap: float, overlap_basis: str) -> None:
    if not (0.0 < min_overlap <= 1.0):
        raise AgreementError(f"min_overlap must be in (0, 1], got {min_overlap}")
    if overlap_basis not in _BASES:
        raise AgreementError(
            f"overlap_basis must be one of {', '.join(_BASES)}, got {overlap_basis!r}"
        )


# --------------------------------------------------------------------------- corpus


@dataclass
class _Corpus:
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    transcripts: tuple[str, ...]
    lengths: dict[str, int]
    present: dict[str, BoolArray]  # transcript -> (coders,) coded it
    spans: dict[tuple[str, int, int], list[Interval]]  # (transcript, code, coder) -> merged


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _describe(coding: Coding) -> str:
    if coding.id is not None:
        return f"coding {coding.id}"
    return f"coding by {coding.coder!r} with code {coding.code!r}"


def _prepare(
    codings: Iterable[Coding],
    texts: Mapping[str, str],
    coders: Sequence[str] | None,
    codes: Sequence[str] | None,
    assignments: Mapping[str, Iterable[str]] | None,
) -> _Corpus:
    items = list(codings)
    lengths = {tid: len(text) for tid, text in texts.items()}
    for coding in items:
        if coding.transcript not in lengths:
            raise AgreementError(
                f"{_describe(coding)} refers to transcript {coding.transcript!r}, "
                "which is not among the texts"
            )
        size = lengths[coding.transcript]
        if not (0 <= coding.start <= coding.end <= size):
            raise AgreementError(
                f"{_describe(coding)} in transcript {coding.transcript!r} has offsets "
                f"{coding.start}..{coding.end}, outside 0..{size}"
            )
    if coders is not None:
        coder_list = _unique(coders)
    else:
        named = {c.coder for c in items}
        for names in (assignments or {}).values():
            named.update(names)
        coder_list = tuple(sorted(named))
    coder_index = {name: i for i, name in enumerate(coder_list)}
    relevant = [c for c in items if c.coder in coder_index]
    code_list = _unique(codes) if codes is not None else tuple(sorted({c.code for c in relevant}))
    code_index = {name: i for i, name in enumerate(code_list)}
    transcripts = tuple(sorted(lengths))
    present = {tid: np.zeros(len(coder_list), dtype=np.bool_) for tid in transcripts}
    for coding in relevant:
        present[coding.transcript][coder_index[coding.coder]] = True
    for tid, names in (assignments or {}).items():
        if tid not in present:
            raise AgreementError(
                f"assignments name transcript {tid!r}, which is not among the texts"
            )
        for name in names:
            if name in coder_index:
                present[tid][coder_index[name]] = True
    raw: dict[tuple[str, int, int], list[Interval]] = {}
    for coding in relevant:
        if coding.code in code_index and coding.end > coding.start:
            key = (coding.transcript, code_index[coding.code], coder_index[coding.coder])
            raw.setdefault(key, []).append((coding.start, coding.end))
    spans = {key: _merge(value) for key, value in raw.items()}
    return _Corpus(coder_list, code_list, transcripts, lengths, present, spans)


def _intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Intersection of two sorted lists of disjoint spans."""
    out: list[Interval] = []
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


def _subtract(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The parts of the spans in ``a`` not covered by ``b`` (both sorted and disjoint)."""
    out: list[Interval] = []
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


def _covered_before(rows: Sequence[Sequence[Interval]], points: IntArray, width: int) -> FloatArray:
    """(rows, points): characters of each row's spans that lie before each point.

    Each row holds sorted, disjoint spans inside ``[0, width)``; rows are laid end to end
    (row ``r`` shifted by ``r * width``) so one ``searchsorted`` serves them all.
    """
    n_rows, n_points = len(rows), len(points)
    counts = np.array([len(spans) for spans in rows], dtype=np.int64)
    if n_points == 0 or counts.sum() == 0:
        return np.zeros((n_rows, n_points), dtype=np.float64)
    flat = np.array([span for spans in rows for span in spans], dtype=np.int64)
    shift = np.repeat(np.arange(n_rows, dtype=np.int64) * width, counts)
    starts, ends = flat[:, 0] + shift, flat[:, 1] + shift
    before = np.concatenate(([0], np.cumsum(ends - starts)))
    base = before[np.concatenate(([0], np.cumsum(counts)[:-1]))]  # spans of earlier rows
    x = (points[None, :] + (np.arange(n_rows, dtype=np.int64) * width)[:, None]).ravel()
    k = np.searchsorted(ends, x, side="right")  # spans ending at or before x
    nxt = np.minimum(k, len(starts) - 1)
    partial = np.where(k < len(starts), np.clip(x - starts[nxt], 0, None), 0)
    covered = (before[k] + partial).reshape(n_rows, n_points) - base[:, None]
    return covered.astype(np.float64)


def _sentence_bounds(text: str) -> IntArray:
    """Boundaries that cut the text into sentences with the whitespace after them."""
    if not text:
        return np.zeros(1, dtype=np.int64)
    starts = {start for start, _ in split_sentences(text) if start > 0}
    return np.array(sorted(starts | {0, len(text)}), dtype=np.int64)


def _unit_spans(
    unit: str, tid: str, text: str, turns: Mapping[str, Sequence[Turn]] | None
) -> IntArray:
    if unit == "sentence":
        return _as_array(split_sentences(text))
    if turns is None or tid not in turns:
        raise AgreementError(f"unit='turn' needs the turns of transcript {tid!r}")
    spans: list[Interval] = []
    for turn in turns[tid]:
        if not (0 <= turn.start <= turn.end <= len(text)):
            raise AgreementError(
                f"turn {turn.index} of transcript {tid!r} has offsets {turn.start}..{turn.end}, "
                f"outside 0..{len(text)}"
            )
        if turn.end > turn.start:
            spans.append((turn.start, turn.end))
    return _as_array(spans)


def _rows(corpus: _Corpus, tid: str) -> list[list[Interval]]:
    """Merged spans per (coder, code), coder-major."""
    return [
        corpus.spans.get((tid, code, coder), [])
        for coder in range(len(corpus.coders))
        for code in range(len(corpus.codes))
    ]


def _unit_values(
    corpus: _Corpus, tid: str, text: str, unit: str, turns: Mapping[str, Sequence[Turn]] | None
) -> BoolArray:
    """(coders, codes, units): whether each coder applied each code to each unit."""
    k, c, n = len(corpus.coders), len(corpus.codes), len(text)
    rows = _rows(corpus, tid)
    if unit == "character":
        values = np.zeros((k * c, n), dtype=np.bool_)
        for row, spans in enumerate(rows):
            for start, end in spans:
                values[row, start:end] = True
        return values.reshape(k, c, n)
    units = _unit_spans(unit, tid, text, turns)
    cumulative = _covered_before(rows, np.concatenate([units[:, 0], units[:, 1]]), n + 1)
    u = len(units)
    return ((cumulative[:, u:] - cumulative[:, :u]) > 0).reshape(k, c, u)


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
    _check_unit(unit)
    corpus = _prepare(codings, texts, coders, [code], assignments)
    blocks: list[FloatArray] = []
    for tid in corpus.transcripts:
        block = _unit_values(corpus, tid, texts[tid], unit, turns)[:, 0, :].astype(np.float64)
        block[~corpus.present[tid]] = np.nan
        blocks.append(block)
    if not blocks:
        return np.zeros((len(corpus.coders), 0), dtype=np.float64), corpus.coders
    return np.concatenate(blocks, axis=1), corpus.coders


# --------------------------------------------------------------------------- report


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
        """One dict per row (see the module docstring for the fields)."""
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
        """The report as JSON (schema ``qualkit.agreement/1``, see the module docstring)."""
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


@dataclass
class _TranscriptStats:
    """Per-transcript totals: point values (index 0 of the leading axis) then resamples."""

    pair: FloatArray  # (1 + B, pairs, codes, 4): n, both, a, b
    group: FloatArray  # (1 + B, codes, 3): o00, o01, o11 over all coders
    pair_present: BoolArray  # (pairs,)
    n_units: int
    n_group_units: int


def _resample_weights(n_clusters: int, bootstrap: int, seed: int, tid: str) -> FloatArray:
    """(1 + B, clusters): a row of ones, then B bootstrap resample counts."""
    weights = np.ones((1 + bootstrap, n_clusters), dtype=np.float64)
    if bootstrap and n_clusters:
        rng = np.random.default_rng([seed, zlib.crc32(tid.encode("utf-8"))])
        picks = rng.integers(0, n_clusters, size=(bootstrap, n_clusters))
        flat = (np.arange(bootstrap)[:, None] * n_clusters + picks).ravel()
        counts = np.bincount(flat, minlength=bootstrap * n_clusters)
        weights[1:] = counts.reshape(bootstrap, n_clusters)
    return weights


def _cluster_counts(
    corpus: _Corpus,
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
    rows = _rows(corpus, tid)
    both = np.zeros((len(pairs) * c, 0))
    if unit == "character":
        bounds = _sentence_bounds(text)
        sizes = np.diff(bounds).astype(np.float64)
        coded = np.diff(_covered_before(rows, bounds, n + 1), axis=1)
        shared = [
            _intersect(rows[i * c + code], rows[j * c + code]) if pair_present[p] else []
            for p, (i, j) in enumerate(pairs)
            for code in range(c)
        ]
        both = np.diff(_covered_before(shared, bounds, n + 1), axis=1)
        n_units = n
    else:
        table = _unit_values(corpus, tid, text, unit, turns)
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


def _transcript_stats(
    corpus: _Corpus,
    tid: str,
    text: str,
    unit: str,
    turns: Mapping[str, Sequence[Turn]] | None,
    pairs: Sequence[tuple[int, int]],
    bootstrap: int,
    seed: int,
) -> _TranscriptStats:
    present = corpus.present[tid]
    pair_present = np.array([present[i] and present[j] for i, j in pairs], dtype=np.bool_)
    sizes, coded, both, n_units = _cluster_counts(
        corpus, tid, text, unit, turns, pairs, pair_present
    )
    clusters = len(sizes)
    k, c = len(corpus.coders), len(corpus.codes)
    columns = np.concatenate([sizes[:, None], coded, both], axis=1)
    totals = _resample_weights(clusters, bootstrap, seed, tid) @ columns
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
    return _TranscriptStats(pair, group, pair_present, n_units, n_group)


def _segment_counts(
    corpus: _Corpus,
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


def _nanmean(values: FloatArray, axis: int) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(values, axis=axis), dtype=np.float64)


def _intervals(reps: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
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


def _seg_percent(counts: IntArray) -> FloatArray:
    matches = counts[..., 0].astype(np.float64)
    total = counts[..., 1].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, 100.0 * matches / total, np.nan)


def _pair_values(totals: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """From (1 + B, ..., 4) totals: kappa and alpha (point and resamples), percent (point and
    resamples), and the point percent and kappa over coded units stacked on a new axis 0."""
    n, both, a, b = np.moveaxis(totals, -1, 0)
    kappa = _kappa(n, both, a, b)
    alpha = _pair_alpha(n, both, a, b)
    _, both0, a0, b0 = np.moveaxis(totals[0], -1, 0)
    union = a0 + b0 - both0
    coded = np.stack([_percent(union, both0, a0, b0), _kappa(union, both0, a0, b0)])
    return kappa, alpha, _percent(n, both, a, b), coded


def _build_rows(
    corpus: _Corpus,
    transcripts: Iterable[tuple[str, _TranscriptStats, IntArray]],
    pairs: Sequence[tuple[int, int]],
    bootstrap: int,
    confidence: float,
) -> list[AgreementRow]:
    """Rows from per-transcript statistics, consumed one transcript at a time."""
    coders, codes = corpus.coders, corpus.codes
    n_pairs, n_codes = len(pairs), len(codes)
    pair_names = [(coders[i], coders[j]) for i, j in pairs]
    group_wanted = len(coders) != 2
    reps = 1 + bootstrap
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    pending: list[tuple[dict[str, Any], FloatArray, FloatArray]] = []  # rows awaiting CIs

    def flush() -> None:
        """Bootstrap intervals for the rows added since the last flush, in one pass."""
        if bootstrap and pending:
            lower, upper = _intervals(
                np.stack([r for _, k, a in pending for r in (k, a)], axis=1), confidence
            )
            for i, (fields, _, _) in enumerate(pending):
                fields["kappa_ci"] = (float(lower[2 * i]), float(upper[2 * i]))
                fields["alpha_ci"] = (float(lower[2 * i + 1]), float(upper[2 * i + 1]))
        pending.clear()

    def add(
        code: str,
        tid: str,
        names: tuple[str, ...],
        n_units: int | np.integer[Any],
        percent: Num,
        percent_coded: Num,
        kappa: FloatArray,
        kappa_coded: Num,
        kappa_pooled: Num,
        alpha: FloatArray,
        seg: IntArray,
        seg_kappa: float | None = None,
    ) -> None:
        """kappa and alpha: (1 + B,) point then resamples."""
        fields: dict[str, Any] = {
            "code": code,
            "transcript": tid,
            "coders": names,
            "n_units": int(n_units),
            "percent_agreement": float(percent),
            "kappa": float(kappa[0]),
            "alpha": float(alpha[0]),
            "segment_agreement": 100.0 * int(seg[0]) / int(seg[1]) if seg[1] else _NAN,
            "percent_agreement_coded": float(percent_coded),
            "kappa_coded": float(kappa_coded),
            "kappa_pooled": float(kappa_pooled),
            "n_segments": int(seg[1]),
            "segment_matches": int(seg[0]),
            "segment_kappa": seg_kappa,
            "kappa_ci": None,
            "alpha_ci": None,
        }
        rows.setdefault((code, tid), []).append(fields)
        pending.append((fields, kappa[1:], alpha[1:]))

    # accumulators over transcripts
    pooled = np.zeros((reps, n_pairs, n_codes, 4))
    kappa_sum = np.zeros((reps, n_pairs, n_codes))
    kappa_weight = np.zeros((reps, n_pairs, n_codes))
    coded_sum = np.zeros((n_pairs, n_codes))
    coded_weight = np.zeros((n_pairs, n_codes))
    group_pooled = np.zeros((reps, n_codes, 3))
    seg_total = np.zeros((n_pairs, n_codes, 2), dtype=np.int64)
    units = np.zeros(n_pairs, dtype=np.int64)
    group_units = 0

    for tid, st, seg in transcripts:
        kappa, alpha, percent, coded = _pair_values(st.pair)  # (reps, P, C)
        group_alpha = _alpha_binary(*np.moveaxis(st.group, -1, 0))  # (reps, C)
        n = st.pair[..., 0]
        weight = np.where(np.isnan(kappa), 0.0, n)
        kappa_sum += np.where(weight > 0, kappa, 0.0) * weight
        kappa_weight += weight
        union = st.pair[0, ..., 2] + st.pair[0, ..., 3] - st.pair[0, ..., 1]
        coded_ok = ~np.isnan(coded[1])
        coded_sum += np.where(coded_ok, coded[1] * union, 0.0)
        coded_weight += np.where(coded_ok, union, 0.0)
        pooled += st.pair
        group_pooled += st.group
        seg_total += seg
        group_units += st.n_group_units
        present_pairs = np.flatnonzero(st.pair_present)
        pair_units = np.where(st.pair_present, st.n_units, 0)
        # code means leave out codes neither coder of a pair applied (in each resample)
        used = (st.pair[..., 2] + st.pair[..., 3]) > 0
        kappa_m = np.where(used, kappa, np.nan)
        percent_m = np.where(used[0], percent[0], np.nan)
        units += pair_units
        for c, code in enumerate(codes):
            for p in range(n_pairs):
                add(
                    code,
                    tid,
                    pair_names[p],
                    pair_units[p],
                    percent[0, p, c],
                    coded[0, p, c],
                    kappa[:, p, c],
                    coded[1, p, c],
                    kappa[0, p, c],
                    alpha[:, p, c],
                    seg[p, c],
                )
            if group_wanted:
                sel = present_pairs
                add(
                    code,
                    tid,
                    coders,
                    st.n_group_units,
                    _nanmean(percent[0, sel, c], 0),
                    _nanmean(coded[0, sel, c], 0),
                    _nanmean(kappa[:, sel, c], 1),
                    _nanmean(coded[1, sel, c], 0),
                    _nanmean(kappa[0, sel, c], 0),
                    group_alpha[:, c],
                    seg[sel, c].sum(axis=0),
                )
        # mean over codes within this transcript
        for p in range(n_pairs):
            add(
                ALL,
                tid,
                pair_names[p],
                pair_units[p],
                _nanmean(percent_m[p], 0),
                _nanmean(coded[0, p], 0),
                _nanmean(kappa_m[:, p], 1),
                _nanmean(coded[1, p], 0),
                _nanmean(kappa_m[0, p], 0),
                _nanmean(alpha[:, p], 1),
                seg[p].sum(axis=0),
            )
        if group_wanted:
            sel = present_pairs
            add(
                ALL,
                tid,
                coders,
                st.n_group_units,
                _nanmean(percent_m[sel].ravel(), 0),
                _nanmean(coded[0, sel].ravel(), 0),
                _nanmean(_nanmean(kappa_m[:, sel], 2), 1),
                _nanmean(coded[1, sel].ravel(), 0),
                _nanmean(kappa_m[0, sel].ravel(), 0),
                _nanmean(group_alpha, 1),
                seg[sel].sum(axis=(0, 1)),
            )
        flush()

    # all transcripts: per code, then overall
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa_avg = np.where(kappa_weight > 0, kappa_sum / kappa_weight, np.nan)  # (reps, P, C)
        kappa_coded_avg = np.where(coded_weight > 0, coded_sum / coded_weight, np.nan)
    _, alpha_all, percent_all, coded_all = _pair_values(pooled)
    kappa_pooled = _kappa(*np.moveaxis(pooled[0], -1, 0))  # (P, C)
    group_alpha_all = _alpha_binary(*np.moveaxis(group_pooled, -1, 0))  # (reps, C)
    active = np.flatnonzero(units > 0)
    used_all = (pooled[..., 2] + pooled[..., 3]) > 0
    kappa_avg_m = np.where(used_all, kappa_avg, np.nan)
    percent_all_m = np.where(used_all[0], percent_all[0], np.nan)
    kappa_pooled_m = np.where(used_all[0], kappa_pooled, np.nan)
    for c, code in enumerate(codes):
        for p in range(n_pairs):
            add(
                code,
                ALL,
                pair_names[p],
                units[p],
                percent_all[0, p, c],
                coded_all[0, p, c],
                kappa_avg[:, p, c],
                kappa_coded_avg[p, c],
                kappa_pooled[p, c],
                alpha_all[:, p, c],
                seg_total[p, c],
            )
        if group_wanted:
            add(
                code,
                ALL,
                coders,
                group_units,
                _nanmean(percent_all[0, active, c], 0),
                _nanmean(coded_all[0, active, c], 0),
                _nanmean(kappa_avg[:, active, c], 1),
                _nanmean(kappa_coded_avg[active, c], 0),
                _nanmean(kappa_pooled[active, c], 0),
                group_alpha_all[:, c],
                seg_total[active, c].sum(axis=0),
            )
    for p in range(n_pairs):
        seg = seg_total[p].sum(axis=0)
        add(
            ALL,
            ALL,
            pair_names[p],
            units[p],
            _nanmean(percent_all_m[p], 0),
            _nanmean(coded_all[0, p], 0),
            _nanmean(kappa_avg_m[:, p], 1),
            _nanmean(kappa_coded_avg[p], 0),
            _nanmean(kappa_pooled_m[p], 0),
            _nanmean(alpha_all[:, p], 1),
            seg,
            brennan_prediger_kappa(float(_seg_percent(seg)) / 100.0, n_codes),
        )
    if group_wanted:
        seg = seg_total[active].sum(axis=(0, 1))
        add(
            ALL,
            ALL,
            coders,
            group_units,
            _nanmean(percent_all_m[active].ravel(), 0),
            _nanmean(coded_all[0, active].ravel(), 0),
            _nanmean(_nanmean(kappa_avg_m[:, active], 2), 1),
            _nanmean(kappa_coded_avg[active].ravel(), 0),
            _nanmean(kappa_pooled_m[active].ravel(), 0),
            _nanmean(group_alpha_all, 1),
            seg,
            brennan_prediger_kappa(float(_seg_percent(seg)) / 100.0, n_codes),
        )

    flush()
    ordered: list[AgreementRow] = []
    for code in (*codes, ALL):
        for tid in (*corpus.transcripts, ALL):
            ordered.extend(AgreementRow(**fields) for fields in rows.get((code, tid), []))
    return ordered


def _check_unit(unit: str) -> None:
    if unit not in _UNITS:
        raise AgreementError(f"unit must be one of {', '.join(_UNITS)}, got {unit!r}")


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
    off) with ``seed``. See the module docstring for every statistic and edge case.
    """
    _check_unit(unit)
    _check_overlap(min_overlap, overlap_basis)
    if bootstrap < 0:
        raise AgreementError(f"bootstrap must be 0 or more, got {bootstrap}")
    if seed < 0:
        raise AgreementError(f"seed must be 0 or more, got {seed}")
    if not (0.0 < confidence < 1.0):
        raise AgreementError(f"confidence must be between 0 and 1, got {confidence}")
    corpus = _prepare(codings, texts, coders, codes, assignments)
    pairs = list(combinations(range(len(corpus.coders)), 2))
    per_transcript = (
        (
            tid,
            _transcript_stats(corpus, tid, texts[tid], unit, turns, pairs, bootstrap, seed),
            _segment_counts(corpus, tid, pairs, min_overlap, overlap_basis),
        )
        for tid in corpus.transcripts
    )
    rows = _build_rows(corpus, per_transcript, pairs, bootstrap, confidence)
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


# --------------------------------------------------------------------------- table


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


# --------------------------------------------------------------------------- disagreements


@dataclass(frozen=True)
class Disagreement:
    """A stretch of text one coder coded with ``code`` and the other did not.

    ``coders`` names who applied the code. ``kind`` is ``"boundary"`` when the other coder
    coded part of the same passage (they differ on where it starts or ends) and
    ``"unmatched"`` when the other coder did not code that passage with this code at all.
    """

    transcript: str
    start: int
    end: int
    code: str
    coders: tuple[str, ...]
    kind: str


def disagreements(
    codings: Iterable[Coding],
    texts: Mapping[str, str],
    coder_a: str,
    coder_b: str,
    code: str | None = None,
) -> list[Disagreement]:
    """Every stretch where exactly one of two coders applied a code, for reconciliation.

    Only transcripts both coders coded are compared (a transcript one coder never opened is
    not a disagreement about codes). Sorted by transcript, start, code.
    """
    if coder_a == coder_b:
        raise AgreementError("disagreements needs two different coders")
    corpus = _prepare(codings, texts, [coder_a, coder_b], None if code is None else [code], None)
    found: list[Disagreement] = []
    for tid in corpus.transcripts:
        if not corpus.present[tid].all():
            continue
        for c, name in enumerate(corpus.codes):
            spans = (corpus.spans.get((tid, c, 0), []), corpus.spans.get((tid, c, 1), []))
            for who in (0, 1):
                own, other = spans[who], spans[1 - who]
                for span in own:
                    alone = _subtract([span], other)
                    if not alone:
                        continue
                    kind = "boundary" if _intersect([span], other) else "unmatched"
                    found.extend(
                        Disagreement(tid, start, end, name, (corpus.coders[who],), kind)
                        for start, end in alone
                    )
    found.sort(key=lambda d: (d.transcript, d.start, d.end, d.code, d.coders))
    return found


# --------------------------------------------------------------------------- unitizing


@dataclass(frozen=True)
class UnitizedAlpha:
    """Observed and expected disagreement and the resulting alpha for unitizing."""

    observed: float
    expected: float
    alpha: float


def _partition(units: list[Interval], begin: int, end: int) -> list[tuple[int, int, bool]]:
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
    by_coder: Sequence[list[Interval]], begin: int, end: int
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
    alpha = 1.0 - observed / expected if expected > 0 else _NAN
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
            _merge((s, e) for s, e, cat in items if cat == category) for items in units.values()
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
    corpus = _prepare(codings, {transcript: texts[transcript]}, [coder_a, coder_b], codes, None)
    units: dict[str, list[tuple[int, int, str]]] = {coder_a: [], coder_b: []}
    for (_, code, coder), spans in corpus.spans.items():
        units[corpus.coders[coder]].extend((s, e, corpus.codes[code]) for s, e in spans)
    return unitized_alpha(units, 0, max(len(texts[transcript]), 1))
