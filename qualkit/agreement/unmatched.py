"""Stretches of text that one of two coders coded and the other did not."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from qualkit.agreement.corpus import prepare
from qualkit.agreement.segments import intersect, subtract
from qualkit.errors import AgreementError
from qualkit.model import Coding, Span


@dataclass(frozen=True)
class UnmatchedSegment:
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

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def unmatched_segments(
    codings: Iterable[Coding],
    texts: Mapping[str, str],
    coder_a: str,
    coder_b: str,
    code: str | None = None,
) -> list[UnmatchedSegment]:
    """Every stretch where exactly one of two coders applied a code, for reconciliation.

    Only transcripts both coders coded are compared (a transcript one coder never opened is
    not a disagreement about codes). Sorted by transcript, start, code.
    """
    if coder_a == coder_b:
        raise AgreementError("unmatched_segments needs two different coders")
    corpus = prepare(codings, texts, [coder_a, coder_b], None if code is None else [code], None)
    found: list[UnmatchedSegment] = []
    for tid in corpus.transcripts:
        if not corpus.present[tid].all():
            continue
        for c, name in enumerate(corpus.codes):
            spans = (corpus.spans.get((tid, c, 0), []), corpus.spans.get((tid, c, 1), []))
            for who in (0, 1):
                own, other = spans[who], spans[1 - who]
                for span in own:
                    alone = subtract([span], other)
                    if not alone:
                        continue
                    kind = "boundary" if intersect([span], other) else "unmatched"
                    found.extend(
                        UnmatchedSegment(tid, start, end, name, (corpus.coders[who],), kind)
                        for start, end in alone
                    )
    found.sort(key=lambda d: (d.transcript, d.start, d.end, d.code, d.coders))
    return found
