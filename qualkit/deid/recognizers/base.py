"""Shared machinery for qualkit's recognizers (Presidio ``LocalRecognizer`` subclasses)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import regex as re
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

from qualkit.deid.gazetteer import Gazetteer
from qualkit.deid.lists import DeidLists
from qualkit.deid.textutil import at_sentence_start, strip_possessive
from qualkit.deid.words import Lexicon

# A capitalised name word: "Okafor", "O'Neill", "MacLeish", "Bo-Bo", "Zoë", "John's".
CAP = r"(?:\p{Lu}\p{Ll}{0,2}['’]?)?\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*(?:['’]s?)?"
# A lower-case word.
LOWER = r"\p{Ll}[\p{Ll}'’\-]*\p{Ll}"
# A greeting said right before a name ("ey up Tel,", "cheers Del", "morning Sue").
GREETING = r"(?:hiya|hello|hi|hey|[ae][hy][ ]+up|now[ ]+then|cheers|thanks|ta|alright|morning)"
# A pronoun with its verb run on ("Ah'm", "they're", "it's"), which begins no name.
PRONOUN_AND_VERB = re.compile(
    r"(?i)(?:ah|a|i|ye|you|yow|we|they|he|she|it|that|there)['’](?:m|d|ll|ve|re|s)"
)
# The end of a clause, after optional spaces.
CLAUSE_END = re.compile(r"[ ]*(?:[,.;:!?]|$)", re.MULTILINE)
# Articles of Welsh, Irish and Scottish Gaelic inside a place's or an organisation's name
# ("Maes y Dderwen", "Cnoc na Mara", "Ceann a Deas Centre"): part of it only between words.
NAME_ARTICLES = ("y", "yr", "na", "nan", "an", "a")


@dataclass
class RecognizerContext:
    """What recognizers may consult besides the text."""

    lexicon: Lexicon = field(default_factory=Lexicon)
    lists: DeidLists = field(default_factory=DeidLists)
    # Names and places (:mod:`qualkit.deid.gazetteer`); empty unless the detector has one.
    gazetteer: Gazetteer = field(default_factory=Gazetteer)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    entity: str
    score: float


class QualkitRecognizer(LocalRecognizer):
    """Base class: subclasses implement :meth:`find` and set ``ENTITIES`` and ``RANK``.

    ``RANK`` orders recognizers by reliability when their detections overlap (lower is
    more reliable); ``SCORE`` is the default confidence.
    """

    ENTITIES: ClassVar[tuple[str, ...]] = ()
    RANK: ClassVar[int] = 50
    SCORE: ClassVar[float] = 0.8

    def __init__(self, context: RecognizerContext | None = None) -> None:
        self.ctx = context or RecognizerContext()
        super().__init__(
            supported_entities=list(self.ENTITIES),
            supported_language="en",
            name=type(self).__name__,
        )

    def load(self) -> None:
        """Patterns are compiled at import; nothing to load."""

    def find(self, text: str) -> Iterator[Hit]:
        raise NotImplementedError

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(self.ENTITIES)
        name = type(self).__name__
        results: list[RecognizerResult] = []
        for hit in self.find(text):
            if hit.entity not in wanted or hit.end <= hit.start:
                continue
            results.append(
                RecognizerResult(
                    entity_type=hit.entity,
                    start=hit.start,
                    end=hit.end,
                    score=hit.score,
                    analysis_explanation=AnalysisExplanation(
                        recognizer=name,
                        original_score=hit.score,
                        textual_explanation=f"{name} rule",
                    ),
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results


def one_per_span(hits: Iterable[Hit]) -> Iterator[Hit]:
    """Each span once: the first hit on it, whichever rule found it, in the order found."""
    seen: set[tuple[int, int]] = set()
    for hit in hits:
        if (hit.start, hit.end) not in seen:
            seen.add((hit.start, hit.end))
            yield hit


def compile_words(words: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    """An alternation of phrases, longest first, with flexible inner spaces."""
    parts = sorted({w for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(p).replace(r"\ ", r"[ ]+") for p in parts) + ")"


__all__ = [
    "CAP",
    "LOWER",
    "Hit",
    "QualkitRecognizer",
    "RecognizerContext",
    "at_sentence_start",
    "compile_words",
    "strip_possessive",
]
