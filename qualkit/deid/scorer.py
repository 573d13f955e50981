"""The token scorer: a small trained model that says how likely each word is to be part of
a person's name, an organisation, a place or an age.

Rules catch names in the places rules expect them; speech puts them anywhere ("without
Sterling I'd be dead", "sue and phil came to the meeting"). The scorer looks at what carries
over to unseen speech: the word's shape and case, the dependency parse (subject of which
verb, apposition, object of which preposition), its neighbours, whether it is an ordinary
English word, how common it is as a first name or surname worldwide and whether it names a
place (:mod:`gazetteer`), and how the same word is written elsewhere in the transcript. It
is a multinomial logistic regression (scikit-learn) trained on the development transcripts;
the weights ship as ``data/token_scorer.json`` and scoring needs only a dictionary look-up
per feature.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_ALPHA, IS_SPACE, LOWER, ORTH, POS, SENT_START
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from qualkit.deid.gazetteer import Gazetteer, NameStats
from qualkit.deid.numwords import number_value
from qualkit.deid.spans import AGE, LOCATION, ORGANIZATION, PERSON
from qualkit.deid.words import Lexicon

OUTSIDE = "O"
LABELS: tuple[str, ...] = (OUTSIDE, PERSON, ORGANIZATION, LOCATION, AGE)
WEIGHTS_FILE = "token_scorer.json"
SCORER_NAME = "TokenScorer"
# Below the rules and spaCy's NER when detections overlap (lower rank wins).
SCORER_RANK = 40


def _bucket(rank: int, edges: Sequence[int] = (50, 300, 1500, 5000)) -> str:
    if not rank:
        return "none"
    for edge in edges:
        if rank <= edge:
            return f"le{edge}"
    return "more"


def _place_size(population: int) -> str:
    """A place's size in words, from its population."""
    if population >= 100_000:
        return "city"
    return "town" if population >= 10_000 else "village"


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "upper"
    if word[:1].isupper():
        return "title"
    if word.islower():
        return "lower"
    return "other"


def _number_value(low: str) -> int | None:
    """The value of a small number written in digits or words ("21", "twenty-one")."""
    if low.isdigit():
        return int(low) if len(low) <= 3 else None
    return number_value(low)


# Punctuation after which a word starts afresh, like a sentence.
_BREAKS = frozenset({":", '"', "“", "(", "[", "-", "–"})
# Dependents whose words are features of their head.
_CHILD_DEPS = frozenset({"appos", "compound", "amod", "det", "poss", "case", "prep"})


class TokenTable:
    """A parsed document's token attributes as plain lists, read from the ``Doc`` in one
    go: the scorer asks for each of them several times per token."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        table = doc.to_array([ORTH, LOWER, POS, DEP, ENT_TYPE, IS_ALPHA, IS_SPACE])
        names = doc.vocab.strings
        seen: dict[int, str] = {}

        def strings(column: int) -> list[str]:
            out = []
            for h in table[:, column].tolist():
                name = seen.get(h)
                if name is None:
                    name = seen[h] = names[h]
                out.append(name)
            return out

        self.text = strings(0)
        self.lower = strings(1)
        self.pos = strings(2)
        self.dep = strings(3)
        self.ent_type = strings(4)
        self.is_alpha = [bool(v) for v in table[:, 5].tolist()]
        self.is_space = [bool(v) for v in table[:, 6].tolist()]
        links = doc.to_array([HEAD, SENT_START]).astype(np.int64)
        self.head = [i + rel for i, rel in enumerate(links[:, 0].tolist())]
        self.sent_start = [v > 0 for v in links[:, 1].tolist()]
        # Each token's dependents, in order (tokens without any are left out).
        self.children: dict[int, list[int]] = {}
        for i, head in enumerate(self.head):
            if head != i:
                self.children.setdefault(head, []).append(i)
        # Whether a token starts a line, a turn or follows a colon or quotation mark.
        self.after_break: list[bool] = [True] if self.text else []
        self.after_break += ["\n" in prev or prev in _BREAKS for prev in self.text[:-1]]
        self.shape = [_shape(t) for t in self.text]
        # How a token reads as a neighbour of another: its lower case, or a line break.
        self.neighbour = [
            "<nl>" if space or "\n" in text else low
            for text, low, space in zip(self.text, self.lower, self.is_space, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.text)

    def stats(self) -> DocStats:
        """How each word is written when not starting a sentence."""
        cap: Counter[str] = Counter()
        low: Counter[str] = Counter()
        for i, text in enumerate(self.text):
            if not self.is_alpha[i] or self.sent_start[i] or self.after_break[i]:
                continue
            if text[:1].isupper():
                cap[self.lower[i]] += 1
            else:
                low[self.lower[i]] += 1
        return DocStats(cap, low)

    def is_candidate(self, i: int) -> bool:
        """Whether the scorer looks at token ``i``: an alphabetic word or a small number."""
        return self.is_alpha[i] or _number_value(self.lower[i]) is not None

    def candidates(self) -> list[int]:
        """The tokens the scorer looks at."""
        return [i for i in range(len(self.text)) if self.is_candidate(i)]

    def features(
        self, i: int, stats: DocStats, lexicon: Lexicon, gazetteer: Gazetteer
    ) -> list[str]:
        """Binary features of candidate token ``i``."""
        low = self.lower[i]
        shape = self.shape[i]
        dep = self.dep[i]
        pos = self.pos
        lower = self.lower
        feats = ["bias", f"shape={shape}", f"pos={pos[i]}", f"dep={dep}"]
        if self.sent_start[i] or self.after_break[i]:
            feats.append("sent_start")
            feats.append(f"sent_start&shape={shape}")
        head = self.head[i]
        feats.append(f"head_pos={pos[head]}")
        feats.append(f"dep={dep}&head={lower[head]}")
        if head != i and pos[head] in ("NOUN", "PROPN"):
            feats.append(f"head_noun={lower[head]}")
        for child in self.children.get(i, ()):
            child_dep = self.dep[child]
            if child_dep in _CHILD_DEPS:
                feats.append(f"child_{child_dep}={lower[child]}")
        if self.ent_type[i]:
            feats.append(f"ent={self.ent_type[i]}")
        n = len(self.text)
        near = self.neighbour
        before2 = near[i - 2] if i >= 2 else "<edge>"
        before = near[i - 1] if i >= 1 else "<edge>"
        after = near[i + 1] if i + 1 < n else "<edge>"
        after2 = near[i + 2] if i + 2 < n else "<edge>"
        feats.append(f"w-2={before2}")
        feats.append(f"w-1={before}")
        feats.append(f"w+1={after}")
        feats.append(f"w+2={after2}")
        feats.append(f"w-1&w+1={before}|{after}")
        if i >= 1:
            feats.append(f"pos-1={pos[i - 1]}")
            if self.is_alpha[i - 1]:
                feats.append(f"shape-1={self.shape[i - 1]}")
        if i + 1 < n:
            feats.append(f"pos+1={pos[i + 1]}")
            if self.is_alpha[i + 1]:
                feats.append(f"shape+1={self.shape[i + 1]}")
        feats.append(f"suffix={low[-3:]}")
        if len(low) <= 3:
            feats.append("short")
        value = _number_value(low)
        if value is not None:
            feats.append("number")
            feats.append("number_word" if self.is_alpha[i] else "number_digits")
            if 10 <= value <= 99:
                feats.append("number_2digit")
            elif value < 10:
                feats.append("number_1digit")
            return feats
        feats.extend(_word_features(low, lexicon, gazetteer))
        if stats.capitalised_mid[low]:
            feats.append("doc_cap_mid")
            if not stats.lower_mid[low]:
                feats.append("doc_always_cap")
        if stats.lower_mid[low]:
            feats.append("doc_lower_mid")
        return feats

    def feature_rows(
        self,
        candidates: Iterable[int],
        stats: DocStats,
        lexicon: Lexicon,
        gazetteer: Gazetteer,
        index: FeatureIndex,
    ) -> Iterator[list[int]]:
        """For each candidate token in turn, the weight rows of its :meth:`features` that
        have weights, in the same order (so the scores add up in the same order too)."""
        rows = index.rows
        one = {name: rows.get(name) for name in _PLAIN_FEATURES}
        shape_of, pos_of, dep_of = (index.get(t) for t in ("shape", "pos", "dep"))
        sent_shape_of = index.get("sent_start&shape")
        head_pos_of = index.get("head_pos")
        head_noun_of = index.get("head_noun")
        child_of = {dep: index.get(f"child_{dep}") for dep in _CHILD_DEPS}
        ent_of = index.get("ent")
        w_2, w_1, w1, w2 = (index.get(t) for t in ("w-2", "w-1", "w+1", "w+2"))
        around = index.get("w-1&w+1")
        pos_1, pos1 = index.get("pos-1"), index.get("pos+1")
        shape_1, shape1 = index.get("shape-1"), index.get("shape+1")
        suffix_of = index.get("suffix")
        word_rows: dict[str, list[int | None]] = {}
        pos, dep, lower, shape, near = self.pos, self.dep, self.lower, self.shape, self.neighbour
        n = len(self.text)
        for i in candidates:
            low = lower[i]
            head = self.head[i]
            before = near[i - 1] if i >= 1 else "<edge>"
            after = near[i + 1] if i + 1 < n else "<edge>"
            found: list[int | None] = [
                one["bias"],
                shape_of.get(shape[i]),
                pos_of.get(pos[i]),
                dep_of.get(dep[i]),
            ]
            if self.sent_start[i] or self.after_break[i]:
                found += [one["sent_start"], sent_shape_of.get(shape[i])]
            found += [head_pos_of.get(pos[head]), dep_of.get(f"{dep[i]}&head={lower[head]}")]
            if head != i and pos[head] in ("NOUN", "PROPN"):
                found.append(head_noun_of.get(lower[head]))
            for child in self.children.get(i, ()):
                child_dep = dep[child]
                if child_dep in _CHILD_DEPS:
                    found.append(child_of[child_dep].get(lower[child]))
            if self.ent_type[i]:
                found.append(ent_of.get(self.ent_type[i]))
            found += [
                w_2.get(near[i - 2] if i >= 2 else "<edge>"),
                w_1.get(before),
                w1.get(after),
                w2.get(near[i + 2] if i + 2 < n else "<edge>"),
                around.get(f"{before}|{after}"),
            ]
            if i >= 1:
                found.append(pos_1.get(pos[i - 1]))
                if self.is_alpha[i - 1]:
                    found.append(shape_1.get(shape[i - 1]))
            if i + 1 < n:
                found.append(pos1.get(pos[i + 1]))
                if self.is_alpha[i + 1]:
                    found.append(shape1.get(shape[i + 1]))
            found.append(suffix_of.get(low[-3:]))
            if len(low) <= 3:
                found.append(one["short"])
            value = _number_value(low)
            if value is not None:
                found += self._number_rows(i, value, one)
            else:
                words = word_rows.get(low)
                if words is None:
                    words = word_rows[low] = [
                        rows.get(f) for f in _word_features(low, lexicon, gazetteer)
                    ]
                found += words
                found += _doc_rows(low, stats, one)
            yield [row for row in found if row is not None]

    def _number_rows(self, i: int, value: int, one: dict[str, int | None]) -> list[int | None]:
        """The rows of a number's features, as :meth:`features` lists them."""
        out = [one["number"], one["number_word" if self.is_alpha[i] else "number_digits"]]
        if 10 <= value <= 99:
            out.append(one["number_2digit"])
        elif value < 10:
            out.append(one["number_1digit"])
        return out


def _doc_rows(low: str, stats: DocStats, one: dict[str, int | None]) -> list[int | None]:
    """The rows of how the transcript writes the word elsewhere, as ``features`` lists
    them."""
    out: list[int | None] = []
    lower_mid = stats.lower_mid.get(low)
    if stats.capitalised_mid.get(low):
        out.append(one["doc_cap_mid"])
        if not lower_mid:
            out.append(one["doc_always_cap"])
    if lower_mid:
        out.append(one["doc_lower_mid"])
    return out


# Features that are a name alone, with no value ("bias", "short").
_PLAIN_FEATURES = (
    "bias",
    "sent_start",
    "short",
    "number",
    "number_word",
    "number_digits",
    "number_2digit",
    "number_1digit",
    "doc_cap_mid",
    "doc_always_cap",
    "doc_lower_mid",
)


class FeatureIndex:
    """The weight rows of the scorer's features, by template and value (``w-1`` ->
    ``{"the": 17}``): the scorer finds the rows of a token's features without writing
    the features out. ``index.get(t)[v]`` is the row of feature ``f"{t}={v}"``."""

    def __init__(self, rows: dict[str, int]) -> None:
        self.rows = rows
        self._templates: dict[str, dict[str, int]] = {}
        for feature, row in rows.items():
            template, sep, value = feature.partition("=")
            if sep:
                self._templates.setdefault(template, {})[value] = row

    def get(self, template: str) -> dict[str, int]:
        """The rows of ``template``'s features, by value (empty if it has none)."""
        return self._templates.get(template, {})


@dataclass
class DocStats:
    """Per-transcript facts: how each word is written when not starting a sentence."""

    capitalised_mid: Counter[str]
    lower_mid: Counter[str]

    @classmethod
    def of(cls, doc: Doc) -> DocStats:
        return TokenTable(doc).stats()


def is_candidate(tok: Token) -> bool:
    """Words the scorer looks at: alphabetic words and small numbers."""
    if tok.is_alpha:
        return True
    return _number_value(tok.lower_) is not None


# The table of the document asked about last (its tokens are asked about one by one).
_LAST_TABLE: list[TokenTable] = []


def token_features(
    tok: Token, stats: DocStats, lexicon: Lexicon, gazetteer: Gazetteer
) -> list[str]:
    """Binary features of one candidate token."""
    table = _LAST_TABLE[0] if _LAST_TABLE else None
    if table is None or table.doc is not tok.doc or len(table) != len(tok.doc):
        table = TokenTable(tok.doc)
        _LAST_TABLE[:] = [table]
    return table.features(tok.i, stats, lexicon, gazetteer)


_WORD_CACHE: dict[tuple[int, int, str], tuple[str, ...]] = {}


def _word_features(low: str, lexicon: Lexicon, gazetteer: Gazetteer) -> tuple[str, ...]:
    """Features of the word alone (its lexicon class and name ranks), kept per process:
    a transcript repeats most of its words."""
    key = (id(lexicon), id(gazetteer), low)
    cached = _WORD_CACHE.get(key)
    if cached is not None:
        return cached
    if low in STOP_WORDS:
        kind = "stop"
    elif lexicon.is_common(low):
        kind = "common"
    elif lexicon.is_known(low):
        kind = "known"
    else:
        kind = "unknown"
    name: NameStats = gazetteer.get(low)
    feats = [
        kind,
        f"first={_bucket(name.first_best)}",
        f"first_gb={_bucket(name.first_gb)}",
        f"last={_bucket(name.last_best)}",
        f"last_gb={_bucket(name.last_gb)}",
    ]
    if name.first_countries >= 8:
        feats.append("first_wide")
    if name.place:
        size = _place_size(name.place)
        feats.append(f"place={size}")
        feats.append(f"place={size}&{kind}")
    if len(_WORD_CACHE) > 200_000:
        _WORD_CACHE.clear()
    _WORD_CACHE[key] = out = tuple(feats)
    return out


@dataclass(frozen=True)
class TokenScore:
    start: int
    end: int
    label: str
    probability: float


class TokenScorer:
    """Scores candidate tokens with trained weights (``{feature: [w per label]}``)."""

    def __init__(
        self,
        weights: dict[str, list[float]],
        intercept: Sequence[float],
        labels: Sequence[str] = LABELS,
        thresholds: dict[str, float] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.weights = weights
        self.intercept = list(intercept)
        self.labels = tuple(labels)
        self.thresholds = thresholds or {}
        self.meta = meta or {}
        # The weights as one matrix (a row per feature, and a last row of zeros), so a
        # document's tokens are scored in one pass.
        self._rows = {f: i for i, f in enumerate(weights)}
        self._index = FeatureIndex(self._rows)
        self._matrix = np.array(
            [*weights.values(), [0.0] * len(self.labels)], dtype=np.float64
        ).reshape(len(weights) + 1, len(self.labels))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenScorer:
        return cls(
            weights={k: [float(x) for x in v] for k, v in data["weights"].items()},
            intercept=[float(x) for x in data["intercept"]],
            labels=tuple(data["labels"]),
            thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
            meta=dict(data.get("meta", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "intercept": [round(x, 6) for x in self.intercept],
            "thresholds": self.thresholds,
            "meta": self.meta,
            "weights": {k: [round(x, 5) for x in v] for k, v in sorted(self.weights.items())},
        }

    def probabilities(self, feats: Iterable[str]) -> list[float]:
        z = list(self.intercept)
        for f in feats:
            w = self.weights.get(f)
            if w is not None:
                for j, x in enumerate(w):
                    z[j] += x
        top = max(z)
        exps = [math.exp(v - top) for v in z]
        total = sum(exps)
        return [e / total for e in exps]

    def score_doc(
        self, doc: Doc, lexicon: Lexicon, gazetteer: Gazetteer
    ) -> Iterator[tuple[Token, str, float]]:
        """Each candidate token with its most likely identifier label (not ``O``) and the
        probability that it is part of an identifier of any label."""
        table = TokenTable(doc)
        stats = table.stats()
        candidates = table.candidates()
        if not candidates:
            return
        zero = len(self._rows)
        rows: list[int] = []
        starts: list[int] = []
        for found in table.feature_rows(candidates, stats, lexicon, gazetteer, self._index):
            starts.append(len(rows))
            rows.append(zero)
            rows.extend(found)
        z = np.add.reduceat(self._matrix[rows], starts, axis=0) + np.asarray(self.intercept)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        probs = z / z.sum(axis=1, keepdims=True)
        best = probs[:, 1:].argmax(axis=1) + 1
        for i, p_outside, label in zip(candidates, probs[:, 0], best, strict=True):
            yield doc[i], self.labels[int(label)], float(1.0 - p_outside)


def merge_tokens(scored: Iterable[tuple[Token, str, float]], threshold: float) -> list[TokenScore]:
    """Spans of adjacent tokens with the same label at or above ``threshold`` (a hyphen may
    join them: "twenty-three")."""
    out: list[TokenScore] = []
    text = ""
    for tok, label, p in scored:
        if p < threshold:
            continue
        text = text or tok.doc.text  # Doc.text is rebuilt on every access
        start, end = tok.idx, tok.idx + len(tok.text)
        if out:
            prev = out[-1]
            gap = text[prev.end : start]
            if prev.label == label and gap in (" ", "-", "-", " - "):
                out[-1] = TokenScore(prev.start, end, label, min(prev.probability, p))
                continue
        out.append(TokenScore(start, end, label, p))
    return out


def _weights_text() -> str | None:
    try:
        return files("qualkit.deid").joinpath("data", WEIGHTS_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None


@lru_cache(maxsize=1)
def weights_fingerprint() -> str:
    """A short hash of the shipped weights (cached results depend on them)."""
    raw = _weights_text()
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16] if raw else "none"


@lru_cache(maxsize=1)
def load_scorer() -> TokenScorer | None:
    """The shipped scorer, or None if the package has no weights file."""
    raw = _weights_text()
    return TokenScorer.from_dict(json.loads(raw)) if raw else None
