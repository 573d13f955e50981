"""Detections: typed character spans, and the rules for combining them.

Offsets are Unicode code points into one normalised text, end exclusive (see
:mod:`qualkit.text`). Nothing here imports Presidio, so both the analyzer and the
anonymizer side (and the evaluation) share these types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

PERSON = "PERSON"
PHONE_NUMBER = "PHONE_NUMBER"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
UK_POSTCODE = "UK_POSTCODE"
UK_NHS = "UK_NHS"
UK_NINO = "UK_NINO"
# A Home Office reference or a prison number: a case number that names one person.
CASE_REFERENCE = "CASE_REFERENCE"
STREET_ADDRESS = "STREET_ADDRESS"
URL = "URL"
SOCIAL_HANDLE = "SOCIAL_HANDLE"
LOCATION = "LOCATION"
ORGANIZATION = "ORGANIZATION"
DATE_TIME = "DATE_TIME"
AGE = "AGE"

DIRECT_TYPES: frozenset[str] = frozenset(
    {
        PERSON,
        PHONE_NUMBER,
        EMAIL_ADDRESS,
        UK_POSTCODE,
        UK_NHS,
        UK_NINO,
        CASE_REFERENCE,
        STREET_ADDRESS,
        URL,
        SOCIAL_HANDLE,
        "IP_ADDRESS",
        "IBAN_CODE",
        "CREDIT_CARD",
    }
)
QUASI_TYPES: frozenset[str] = frozenset({LOCATION, ORGANIZATION, DATE_TIME, AGE})

# When two detections of different types overlap, the one whose type comes first wins.
# Validated formats beat free-text rules, and rules beat the statistical NER.
TYPE_PRECEDENCE: tuple[str, ...] = (
    EMAIL_ADDRESS,
    URL,
    UK_NHS,
    UK_NINO,
    CASE_REFERENCE,
    SOCIAL_HANDLE,
    PHONE_NUMBER,
    UK_POSTCODE,
    "IBAN_CODE",
    "CREDIT_CARD",
    "IP_ADDRESS",
    STREET_ADDRESS,
    AGE,
    DATE_TIME,
    ORGANIZATION,
    LOCATION,
    PERSON,
)

_ALNUM = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True, order=True)
class Detection:
    """One proposed identifier: ``text[start:end]`` of type ``type``.

    ``rank`` orders recognizers by reliability (lower wins an overlap of equal type
    precedence); ``recognizer`` names the rule that found it. Neither holds raw text.
    """

    start: int
    end: int
    type: str
    score: float = 0.85
    recognizer: str = ""
    rank: int = 50

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable form: offsets, type and score only."""
        return {
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "score": round(float(self.score), 4),
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Detection:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            type=str(data["type"]),
            score=float(data.get("score", 0.85)),
            recognizer=str(data.get("recognizer", "")),
        )


def identifier_class(entity_type: str) -> str:
    """``"direct"``, ``"quasi"`` or ``"other"`` for an entity type."""
    if entity_type in DIRECT_TYPES:
        return "direct"
    if entity_type in QUASI_TYPES:
        return "quasi"
    return "other"


_NAME_LIKE = frozenset({ORGANIZATION, LOCATION, PERSON})


def _precedence(entity_type: str) -> int:
    """Structured types in their fixed order; names of people, places and organisations
    share one tier, where the more reliable recognizer wins."""
    if entity_type in _NAME_LIKE:
        return TYPE_PRECEDENCE.index(ORGANIZATION)
    try:
        return TYPE_PRECEDENCE.index(entity_type)
    except ValueError:
        return len(TYPE_PRECEDENCE)


def _type_order(entity_type: str) -> tuple[int, str]:
    try:
        return TYPE_PRECEDENCE.index(entity_type), entity_type
    except ValueError:
        return len(TYPE_PRECEDENCE), entity_type


def _has_alnum(text: str) -> bool:
    return _ALNUM.search(text) is not None


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it starts and ends on a letter or digit."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def resolve_overlaps(text: str, detections: Iterable[Detection]) -> list[Detection]:
    """Non-overlapping detections covering everything the input covered, sorted.

    Overlapping detections of the same type merge into their union. Otherwise the
    stronger one (type precedence, then rank, then score, then length) keeps its span and
    the weaker one is cut back to whatever it covered outside; a remainder with no letter
    or digit is dropped.
    """
    cands = sorted(
        (d for d in detections if d.end > d.start),
        # A total order, so the result never depends on the order detections arrive in.
        key=lambda d: (
            _precedence(d.type),
            d.rank,
            -d.score,
            -(d.end - d.start),
            d.start,
            _type_order(d.type),
            d.recognizer,
        ),
    )
    accepted: list[Detection] = []
    for cand in cands:
        pieces = [cand]
        for acc in list(accepted):
            next_pieces: list[Detection] = []
            for piece in pieces:
                if piece.end <= acc.start or piece.start >= acc.end:
                    next_pieces.append(piece)
                    continue
                if piece.type == acc.type:
                    merged = replace(
                        acc,
                        start=min(acc.start, piece.start),
                        end=max(acc.end, piece.end),
                        score=max(acc.score, piece.score),
                    )
                    accepted.remove(acc)
                    accepted.append(merged)
                    acc = merged
                    continue
                if piece.start < acc.start:
                    s, e = trim_span(text, piece.start, acc.start)
                    if e > s and _has_alnum(text[s:e]):
                        next_pieces.append(replace(piece, start=s, end=e))
                if piece.end > acc.end:
                    s, e = trim_span(text, acc.end, piece.end)
                    if e > s and _has_alnum(text[s:e]):
                        next_pieces.append(replace(piece, start=s, end=e))
            pieces = next_pieces
            if not pieces:
                break
        accepted.extend(pieces)
    # A merge may have made two accepted spans of the same type overlap; settle that.
    accepted.sort(key=lambda d: (d.start, d.end))
    out: list[Detection] = []
    for det in accepted:
        if out and det.start < out[-1].end:
            prev = out[-1]
            if det.type == prev.type:
                out[-1] = replace(
                    prev, end=max(prev.end, det.end), score=max(prev.score, det.score)
                )
                continue
            if det.end <= prev.end:
                continue
            s, e = trim_span(text, prev.end, det.end)
            if e > s and _has_alnum(text[s:e]):
                out.append(replace(det, start=s, end=e))
            continue
        out.append(det)
    return out


def coverage_mask(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """A byte per code point: 1 where some span covers it."""
    mask = bytearray(length)
    for start, end in spans:
        s, e = max(0, start), min(length, end)
        if e > s:
            mask[s:e] = b"\x01" * (e - s)
    return mask


def fully_masked(text: str, mask: Sequence[int], start: int, end: int) -> bool:
    """Whether every letter and digit of ``text[start:end]`` is covered by ``mask``."""
    return all(mask[i] for i in range(start, end) if text[i].isalnum())


def any_masked(text: str, mask: Sequence[int], start: int, end: int) -> bool:
    """Whether some letter or digit of ``text[start:end]`` is covered by ``mask``."""
    return any(mask[i] for i in range(start, end) if text[i].isalnum())
