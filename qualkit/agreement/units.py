"""Units of comparison: characters, sentences (:func:`qualkit.text.split_sentences`) or
turns, and which coder applied which code to each unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np

from qualkit.agreement.corpus import Corpus, coder_code_spans
from qualkit.agreement.measures import BoolArray, FloatArray, IntArray
from qualkit.agreement.segments import Bounds, as_array
from qualkit.errors import AgreementError
from qualkit.model import Turn
from qualkit.text import split_sentences

Unit = Literal["character", "sentence", "turn"]
UNITS = ("character", "sentence", "turn")


def check_unit(unit: str) -> None:
    """Raise :class:`AgreementError` unless ``unit`` is one of :data:`UNITS`."""
    if unit not in UNITS:
        raise AgreementError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")


def covered_before(rows: Sequence[Sequence[Bounds]], points: IntArray, width: int) -> FloatArray:
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


def sentence_bounds(text: str) -> IntArray:
    """Boundaries that cut the text into sentences with the whitespace after them."""
    if not text:
        return np.zeros(1, dtype=np.int64)
    starts = {span.start for span in split_sentences(text) if span.start > 0}
    return np.array(sorted(starts | {0, len(text)}), dtype=np.int64)


def unit_spans(
    unit: str, tid: str, text: str, turns: Mapping[str, Sequence[Turn]] | None
) -> IntArray:
    """(units, 2): start and end of each sentence or turn unit of a transcript.

    With the transcript's turns, its sentence units are the sentences of each turn, the
    ones the coding app offers (no speaker labels, no header lines); without them (a file
    with no turns), the sentences of the whole text."""
    if unit == "sentence":
        if turns is not None and turns.get(tid):
            return as_array(
                [
                    (span.start, span.end)
                    for turn in turns[tid]
                    for span in split_sentences(text, turn.start, turn.end)
                ]
            )
        return as_array([(span.start, span.end) for span in split_sentences(text)])
    if turns is None or tid not in turns:
        raise AgreementError(f"unit='turn' needs the turns of transcript {tid!r}")
    spans: list[Bounds] = []
    for turn in turns[tid]:
        if not (0 <= turn.start <= turn.end <= len(text)):
            raise AgreementError(
                f"turn {turn.index} of transcript {tid!r} has offsets {turn.start}..{turn.end}, "
                f"outside 0..{len(text)}"
            )
        if turn.end > turn.start:
            spans.append((turn.start, turn.end))
    return as_array(spans)


def unit_values(
    corpus: Corpus, tid: str, text: str, unit: str, turns: Mapping[str, Sequence[Turn]] | None
) -> BoolArray:
    """(coders, codes, units): whether each coder applied each code to each unit."""
    k, c, n = len(corpus.coders), len(corpus.codes), len(text)
    rows = coder_code_spans(corpus, tid)
    if unit == "character":
        values = np.zeros((k * c, n), dtype=np.bool_)
        for row, spans in enumerate(rows):
            for start, end in spans:
                values[row, start:end] = True
        return values.reshape(k, c, n)
    units = unit_spans(unit, tid, text, turns)
    cumulative = covered_before(rows, np.concatenate([units[:, 0], units[:, 1]]), n + 1)
    u = len(units)
    return ((cumulative[:, u:] - cumulative[:, :u]) > 0).reshape(k, c, u)
