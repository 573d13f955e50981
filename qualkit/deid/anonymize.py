"""Pseudonymisation: rewrite text so each identifier becomes a consistent pseudonym.

The same value gets the same pseudonym in every transcript (``[PERSON 3]``, or a readable
gender-neutral surrogate name). The mapping from original to pseudonym is the
re-identification key; :mod:`qualkit.deid.keyfile` stores it encrypted. This module
rewrites text with Presidio's anonymizer and never runs detection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult
from presidio_anonymizer.operators import Operator, OperatorType

from qualkit.deid.spans import EMAIL_ADDRESS, PERSON, PHONE_NUMBER, Detection
from qualkit.deid.words import NICKNAME_PREFIXES, TITLES

PLACEHOLDER = "placeholder"
SURROGATE = "surrogate"

# Readable replacement names: given to either gender, and unlikely to be mistaken for
# ordinary words.
SURROGATE_NAMES: tuple[str, ...] = (
    "Alex",
    "Sam",
    "Charlie",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Robin",
    "Frankie",
    "Avery",
    "Quinn",
    "Rowan",
    "Emerson",
    "Hayden",
    "Reese",
    "Dakota",
    "Finley",
    "Harley",
    "Jessie",
    "Kai",
    "Logan",
    "Parker",
    "Peyton",
    "Remy",
    "Sasha",
    "Skyler",
    "Tatum",
    "Toni",
    "Ellis",
    "Blair",
    "Cameron",
    "Drew",
    "Elliot",
    "Jules",
    "Kendall",
    "Lane",
    "Marley",
    "Nico",
    "Oakley",
    "Perry",
    "Sidney",
    "Spencer",
    "Sutton",
    "Devon",
    "Arden",
    "Bailey",
    "Carey",
    "Darcy",
)


class PlaceholderStyle:
    """Typed, numbered placeholders: ``[PERSON 3]``."""

    name = PLACEHOLDER

    def label(self, entity_type: str, n: int) -> str:
        return f"[{entity_type} {n}]"


class SurrogateStyle:
    """Readable gender-neutral names for people (``Jordan``); placeholders otherwise."""

    name = SURROGATE

    def label(self, entity_type: str, n: int) -> str:
        if entity_type != PERSON:
            return PlaceholderStyle().label(entity_type, n)
        name = SURROGATE_NAMES[(n - 1) % len(SURROGATE_NAMES)]
        cycle = (n - 1) // len(SURROGATE_NAMES)
        return name if cycle == 0 else f"{name} {cycle + 1}"


STYLE_REGISTRY: dict[str, type[PlaceholderStyle] | type[SurrogateStyle]] = {
    PLACEHOLDER: PlaceholderStyle,
    SURROGATE: SurrogateStyle,
}
STYLES = tuple(STYLE_REGISTRY)

_POSSESSIVE = re.compile(r"(['’]s?)$")
_SPACES = re.compile(r"\s+")
_STRIP_WORDS = TITLES | NICKNAME_PREFIXES | {"the"}


def canonical(entity_type: str, surface: str) -> str:
    """The key under which a value is remembered: case, spacing, possessive ignored."""
    text = _SPACES.sub(" ", surface).strip()
    text = _POSSESSIVE.sub("", text) if entity_type != EMAIL_ADDRESS else text
    text = text.casefold()
    if entity_type in (PHONE_NUMBER, "UK_NHS"):
        digits = re.sub(r"\D", "", text)
        if entity_type == PHONE_NUMBER and digits.startswith("44"):
            digits = "0" + digits[2:]
        return digits or text
    if entity_type in ("UK_NINO", "UK_POSTCODE", "CASE_REFERENCE"):
        return re.sub(r"[\s,\-]", "", text)
    if text.startswith("the "):
        text = text[4:]
    return text


def _name_tokens(key: str) -> list[str]:
    return [t.rstrip(".") for t in key.split() if t.rstrip(".") not in _STRIP_WORDS]


@dataclass
class PseudonymMap:
    """Original values and their pseudonyms, by entity type (the re-identification key)."""

    entries: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    style: str = PLACEHOLDER

    FORMAT: ClassVar[str] = "qualkit-pseudonym-map"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.FORMAT,
            "version": 1,
            "style": self.style,
            "counters": dict(self.counters),
            "entries": {t: dict(v) for t, v in self.entries.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PseudonymMap:
        if data.get("format") != cls.FORMAT:
            raise ValueError("not a pseudonym map")
        entries = {
            str(t): {str(k): {str(a): str(b) for a, b in v.items()} for k, v in table.items()}
            for t, table in dict(data.get("entries", {})).items()
        }
        counters = {str(k): int(v) for k, v in dict(data.get("counters", {})).items()}
        return cls(entries=entries, counters=counters, style=str(data.get("style", PLACEHOLDER)))

    def originals(self) -> list[tuple[str, str]]:
        """``(entity_type, surface as first seen)`` for every remembered value."""
        return [
            (etype, info.get("surface", key))
            for etype, table in self.entries.items()
            for key, info in table.items()
        ]

    def __len__(self) -> int:
        return sum(len(t) for t in self.entries.values())


class Pseudonymiser:
    """Gives each value a stable pseudonym and rewrites texts with them."""

    def __init__(self, mapping: PseudonymMap | None = None, style: str | None = None) -> None:
        self.mapping = mapping or PseudonymMap()
        if style is not None:
            if style not in STYLES:
                raise ValueError(f"unknown pseudonym style {style!r}; use one of {STYLES}")
            self.mapping.style = style
        self.engine = AnonymizerEngine()
        self.engine.add_anonymizer(PseudonymOperator)

    @property
    def style(self) -> str:
        return self.mapping.style

    def pseudonym(self, entity_type: str, surface: str) -> str:
        """The pseudonym for a value (assigning the next one if it is new)."""
        key = canonical(entity_type, surface)
        table = self.mapping.entries.setdefault(entity_type, {})
        found = table.get(key) or self._linked(entity_type, key)
        if found is None:
            n = self.mapping.counters.get(entity_type, 0) + 1
            self.mapping.counters[entity_type] = n
            found = {"label": self._label(entity_type, n), "surface": _clean_surface(surface)}
        if key not in table:
            table[key] = {"label": found["label"], "surface": _clean_surface(surface)}
        return found["label"]

    def _linked(self, entity_type: str, key: str) -> dict[str, str] | None:
        """A remembered person this value refers to (surname alone, short first name...)."""
        if entity_type != PERSON:
            return None
        tokens = _name_tokens(key)
        if not tokens:
            return None
        table = self.mapping.entries.get(PERSON, {})
        for other, info in table.items():
            other_tokens = _name_tokens(other)
            if not other_tokens:
                continue
            if tokens == other_tokens:
                return info
            if len(tokens) == 1 and tokens[0] in other_tokens:
                return info
            if len(other_tokens) == 1 and other_tokens[0] in tokens:
                return info
            if len(tokens) == 1 and len(tokens[0]) >= 3 and other_tokens[0].startswith(tokens[0]):
                return info
            if len(tokens) == 1 and tokens[0].endswith("s") and tokens[0][:-1] in other_tokens:
                return info  # "Deans mum", "the Whitmores": the name with an "s"
        return None

    def _label(self, entity_type: str, n: int) -> str:
        style = STYLE_REGISTRY.get(self.mapping.style, PlaceholderStyle)
        return style().label(entity_type, n)

    def replacement(self, entity_type: str, surface: str) -> str:
        """What ``surface`` becomes in the text (keeping a possessive 's)."""
        label = self.pseudonym(entity_type, surface)
        if entity_type in (PERSON, "LOCATION", "ORGANIZATION"):
            m = _POSSESSIVE.search(surface.strip())
            if m and len(surface.strip()) > len(m.group(1)):
                return label + ("’s" if "’" in m.group(1) else "'s")
        return label

    def anonymize(self, text: str, detections: Sequence[Detection]) -> str:
        """``text`` with every detection replaced by its pseudonym."""
        ordered = sorted(detections, key=lambda d: (d.start, d.end))
        for det in ordered:
            self.replacement(det.type, text[det.start : det.end])
        results = [RecognizerResult(d.type, d.start, d.end, d.score) for d in ordered]
        operators = {
            etype: OperatorConfig(
                PseudonymOperator.NAME, {"entity_type": etype, "pseudonymiser": self}
            )
            for etype in {d.type for d in ordered} | {"DEFAULT"}
        }
        result = self.engine.anonymize(
            text=text,
            analyzer_results=results,
            operators=operators,
            merge_entities_with_spaces=False,
        )
        return str(result.text)

    def replacements(self, text: str, detections: Iterable[Detection]) -> list[str]:
        return [self.replacement(d.type, text[d.start : d.end]) for d in detections]


def _clean_surface(surface: str) -> str:
    text = _SPACES.sub(" ", surface).strip()
    return _POSSESSIVE.sub("", text) or text


class PseudonymOperator(Operator):
    """Presidio operator that replaces a span by its consistent pseudonym."""

    NAME = "qualkit_pseudonym"

    def operate(self, text: str = "", params: dict[str, Any] | None = None) -> str:
        params = params or {}
        pseudonymiser: Pseudonymiser = params["pseudonymiser"]
        return pseudonymiser.replacement(str(params.get("entity_type", "DEFAULT")), text)

    def validate(self, params: dict[str, Any] | None = None) -> None:
        if not params or not isinstance(params.get("pseudonymiser"), Pseudonymiser):
            raise ValueError("the pseudonym operator needs a Pseudonymiser")

    def operator_name(self) -> str:
        return self.NAME

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
