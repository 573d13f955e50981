"""The codings to compare, checked and indexed: coders, codes, transcripts, who coded
which transcript, and each coder's merged spans per code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qualkit.agreement.measures import BoolArray
from qualkit.agreement.segments import Bounds, merge
from qualkit.errors import AgreementError
from qualkit.model import Coding


@dataclass
class Corpus:
    """Coders, codes and transcripts in report order; codes and coders are indexed by
    their position here."""

    coders: tuple[str, ...]
    codes: tuple[str, ...]
    transcripts: tuple[str, ...]
    lengths: dict[str, int]
    present: dict[str, BoolArray]  # transcript -> (coders,) coded it
    spans: dict[tuple[str, int, int], list[Bounds]]  # (transcript, code, coder) -> merged


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _describe(coding: Coding) -> str:
    if coding.id is not None:
        return f"coding {coding.id}"
    return f"coding by {coding.coder!r} with code {coding.code!r}"


def prepare(
    codings: Iterable[Coding],
    texts: Mapping[str, str],
    coders: Sequence[str] | None,
    codes: Sequence[str] | None,
    assignments: Mapping[str, Iterable[str]] | None,
) -> Corpus:
    """Check the codings against the texts (and ``assignments``) and index them.

    ``coders`` defaults to everyone who coded or is assigned, ``codes`` to every code the
    chosen coders applied. Raises :class:`AgreementError` for offsets outside a text or a
    transcript that is not among the texts.
    """
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
    raw: dict[tuple[str, int, int], list[Bounds]] = {}
    for coding in relevant:
        if coding.code in code_index and coding.end > coding.start:
            key = (coding.transcript, code_index[coding.code], coder_index[coding.coder])
            raw.setdefault(key, []).append((coding.start, coding.end))
    spans = {key: merge(value) for key, value in raw.items()}
    return Corpus(coder_list, code_list, transcripts, lengths, present, spans)


def coder_code_spans(corpus: Corpus, tid: str) -> list[list[Bounds]]:
    """Merged spans per (coder, code), coder-major."""
    return [
        corpus.spans.get((tid, code, coder), [])
        for coder in range(len(corpus.coders))
        for code in range(len(corpus.codes))
    ]
