"""The English pipeline's attribute ruler, matched with array comparisons.

spaCy's ``AttributeRuler`` runs a general token ``Matcher`` over every token for each of
its ~180 patterns, which costs about a tenth of the pipeline's time. Its patterns are all
fixed-length sequences of simple tests (equality, ``IN``, ``NOT_IN``, ``REGEX``) on a few
token attributes, so the same matches are found by comparing columns of ``Doc.to_array``.
The matches are then applied in spaCy's order (by rule, then position), so every token
ends up with the same attributes. A ruler with patterns of any other form keeps spaCy's
matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.tokens._retokenize import set_token_attrs

# The token attributes patterns may test: their names, and their columns in the array.
_NAMES = ("TAG", "LOWER", "DEP", "IS_SPACE")
_ATTR_IDS = [TAG, LOWER, DEP, IS_SPACE]
_STRING_NAMES = frozenset({"TAG", "LOWER", "DEP"})

# One test on one token: (column, operator, value); the value is a hash, a frozenset of
# hashes or a compiled regular expression.
Test = tuple[int, str, Any]
# What ``AttributeRuler.match`` returns for each match.
Match = tuple[int, int, int, int]


@dataclass(frozen=True)
class TokenSequence:
    """One token sequence of a pattern: its length and each position's tests."""

    length: int
    tests: tuple[tuple[int, Test], ...]


@dataclass(frozen=True)
class Rule:
    """One of the ruler's rules: its number (spaCy's precedence), the match id it
    reports, and its alternative token sequences."""

    number: int
    match_id: int
    alternatives: tuple[TokenSequence, ...]


class ArrayRuler:
    """An attribute ruler's patterns, compiled to column tests (see the module doc)."""

    def __init__(self, ruler: AttributeRuler, rules: list[Rule]) -> None:
        self.ruler = ruler
        self.rules = rules

    @classmethod
    def compile(cls, ruler: AttributeRuler) -> ArrayRuler | None:
        """The compiled ruler, or None when a pattern uses anything else."""
        rules: list[Rule] = []
        entries: list[dict[str, Any]] = list(ruler.patterns)
        for number, entry in enumerate(entries):
            alternatives: list[TokenSequence] = []
            for pattern in entry["patterns"]:
                seq = [_compile_token(spec) for spec in pattern]
                if not seq or any(tests is None for tests in seq):
                    return None
                positioned = tuple((pos, t) for pos, tests in enumerate(seq) for t in tests or [])
                alternatives.append(TokenSequence(len(seq), positioned))
            match_id = ruler.vocab.strings[str(number)]
            rules.append(Rule(number, match_id, tuple(alternatives)))
        return cls(ruler, rules)

    def install(self) -> None:
        """Make the ruler find and apply its matches this way."""
        self.ruler.match = self.match  # type: ignore[method-assign]
        self.ruler.set_annotations = self.set_annotations  # type: ignore[method-assign]

    def match(self, doc: Doc) -> list[Match]:
        """What ``AttributeRuler.match`` returns: ``(rule, match id, start, end)``,
        sorted."""
        n = len(doc)
        if n == 0:
            return []
        table = doc.to_array(_ATTR_IDS)
        present = [set(table[:, c].tolist()) for c in range(len(_NAMES))]
        masks: dict[Test, np.ndarray] = {}
        out: list[Match] = []
        for rule in self.rules:
            for seq in rule.alternatives:
                if seq.length > n or not _possible(seq, present):
                    continue
                last = n - seq.length + 1
                hits = np.ones(last, dtype=bool)
                for pos, test in seq.tests:
                    found = masks.get(test)
                    if found is None:
                        found = masks[test] = _evaluate(test, table[:, test[0]], doc)
                    hits &= found[pos : last + pos]
                out.extend(
                    (rule.number, rule.match_id, s, s + seq.length)
                    for s in np.flatnonzero(hits).tolist()
                )
        out.sort()
        return out

    def set_annotations(self, doc: Doc, matches: Sequence[Match]) -> None:
        """Set each match's attributes on its target token, in order."""
        indices = self.ruler.indices
        attrs = self.ruler.attrs
        for number, match_id, start, end in matches:
            index = indices[number]
            if 0 <= index < end - start:
                token = doc[start + index]
            elif -(end - start) <= index < 0:
                token = doc[end + index]
            else:
                token = Span(doc, start, end, label=match_id)[index]  # raises as spaCy does
            set_token_attrs(token, attrs[number])


def speed_up(ruler: AttributeRuler) -> bool:
    """Match ``ruler``'s patterns with array comparisons when they allow it."""
    compiled = ArrayRuler.compile(ruler)
    if compiled is None:
        return False
    compiled.install()
    return True


def _compile_token(spec: Any) -> list[Test] | None:
    """The tests of one token's pattern, or None when it uses anything unsupported."""
    if not isinstance(spec, dict):
        return None
    tests: list[Test] = []
    for name, value in spec.items():
        if name not in _NAMES:
            return None
        column = _NAMES.index(name)
        if isinstance(value, bool):
            if name != "IS_SPACE":
                return None
            tests.append((column, "eq", int(value)))
        elif isinstance(value, str) and name in _STRING_NAMES:
            tests.append((column, "eq", get_string_id(value)))
        elif isinstance(value, dict) and len(value) == 1 and name in _STRING_NAMES:
            ((op, arg),) = value.items()
            if op in ("IN", "NOT_IN") and isinstance(arg, list):
                if not all(isinstance(v, str) for v in arg):
                    return None
                tests.append((column, op, frozenset(get_string_id(v) for v in arg)))
            elif op == "REGEX" and isinstance(arg, str):
                tests.append((column, op, re.compile(arg)))
            else:
                return None
        else:
            return None
    return tests


def _possible(seq: TokenSequence, present: list[set[int]]) -> bool:
    """Whether every equality test of ``seq`` names a value the document has."""
    return all(op != "eq" or value in present[col] for _, (col, op, value) in seq.tests)


def _evaluate(test: Test, column: np.ndarray, doc: Doc) -> np.ndarray:
    """Which tokens pass ``test``, as a boolean array."""
    _, op, value = test
    if op == "eq":
        return np.asarray(column == np.uint64(value))
    if op == "IN":
        return np.isin(column, _hashes(value))
    if op == "NOT_IN":
        return ~np.isin(column, _hashes(value))
    strings = doc.vocab.strings
    return np.isin(column, _hashes(h for h in set(column.tolist()) if value.search(strings[h])))


def _hashes(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.uint64)
