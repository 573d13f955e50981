"""The token scorer: a small trained model that says how likely each word is to be part of
a person's name, an organisation, a place or an age.

Rules catch names in the places rules expect them; speech puts them anywhere ("without
Sterling I'd be dead", "sue and phil came to the meeting"). The scorer looks at what carries
over to unseen speech: the word's shape and case, the dependency parse (subject of which
verb, apposition, object of which preposition), its neighbours, whether it is an ordinary
English word, how common it is as a first name or surname worldwide (:mod:`gazetteer`), and
how the same word is written elsewhere in the transcript. It is a multinomial logistic
regression (scikit-learn) trained on the development transcripts; the weights ship as
``data/token_scorer.json`` and scoring needs only a dictionary look-up per feature.
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


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "upper"
    if word[:1].isupper():
        return "title"
    if word.islower():
        return "lower"
    return "other"


def _number_value(token: Token) -> int | None:
    low = token.lower_
    if low.isdigit():
        return int(low) if len(low) <= 3 else None
    return number_value(low)


@dataclass
class DocStats:
    """Per-transcript facts: how each word is written when not starting a sentence."""

    capitalised_mid: Counter[str]
    lower_mid: Counter[str]

    @classmethod
    def of(cls, doc: Doc) -> DocStats:
        cap: Counter[str] = Counter()
        low: Counter[str] = Counter()
        for tok in doc:
            if not tok.is_alpha or tok.is_sent_start or _after_break(tok):
                continue
            if tok.text[:1].isupper():
                cap[tok.lower_] += 1
            else:
                low[tok.lower_] += 1
        return cls(cap, low)


def _after_break(tok: Token) -> bool:
    """Whether a token starts a line, a turn or follows a colon or quotation mark."""
    if tok.i == 0:
        return True
    prev = tok.doc[tok.i - 1]
    return "\n" in prev.text or prev.text in {":", '"', "“", "(", "[", "-", "–"}


def _neighbour(doc: Doc, i: int) -> str:
    if i < 0 or i >= len(doc):
        return "<edge>"
    tok = doc[i]
    if tok.is_space or "\n" in tok.text:
        return "<nl>"
    return tok.lower_


def is_candidate(tok: Token) -> bool:
    """Words the scorer looks at: alphabetic words and small numbers."""
    if tok.is_alpha:
        return True
    return _number_value(tok) is not None


def token_features(
    tok: Token, stats: DocStats, lexicon: Lexicon, gazetteer: Gazetteer
) -> list[str]:
    """Binary features of one candidate token."""
    doc = tok.doc
    low = tok.lower_
    feats = ["bias", f"shape={_shape(tok.text)}", f"pos={tok.pos_}", f"dep={tok.dep_}"]
    start = tok.is_sent_start or _after_break(tok)
    if start:
        feats.append("sent_start")
        feats.append(f"sent_start&shape={_shape(tok.text)}")
    head = tok.head
    feats.append(f"head_pos={head.pos_}")
    feats.append(f"dep={tok.dep_}&head={head.lower_}")
    if head.i != tok.i and head.pos_ in ("NOUN", "PROPN"):
        feats.append(f"head_noun={head.lower_}")
    for child in tok.children:
        if child.dep_ in ("appos", "compound", "amod", "det", "poss", "case", "prep"):
            feats.append(f"child_{child.dep_}={child.lower_}")
    if tok.ent_type_:
        feats.append(f"ent={tok.ent_type_}")
    for k in (-2, -1, 1, 2):
        feats.append(f"w{k:+d}={_neighbour(doc, tok.i + k)}")
    feats.append(f"w-1&w+1={_neighbour(doc, tok.i - 1)}|{_neighbour(doc, tok.i + 1)}")
    for k in (-1, 1):
        j = tok.i + k
        if 0 <= j < len(doc):
            other = doc[j]
            feats.append(f"pos{k:+d}={other.pos_}")
            if other.is_alpha:
                feats.append(f"shape{k:+d}={_shape(other.text)}")
    feats.append(f"suffix={low[-3:]}")
    if len(low) <= 3:
        feats.append("short")
    value = _number_value(tok)
    if value is not None:
        feats.append("number")
        feats.append("number_word" if tok.is_alpha else "number_digits")
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
        stats = DocStats.of(doc)
        tokens = [tok for tok in doc if is_candidate(tok)]
        if not tokens:
            return
        zero = len(self._rows)
        rows: list[int] = []
        starts: list[int] = []
        for tok in tokens:
            starts.append(len(rows))
            rows.append(zero)
            for f in token_features(tok, stats, lexicon, gazetteer):
                row = self._rows.get(f)
                if row is not None:
                    rows.append(row)
        z = np.add.reduceat(self._matrix[rows], starts, axis=0) + np.asarray(self.intercept)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        probs = z / z.sum(axis=1, keepdims=True)
        best = probs[:, 1:].argmax(axis=1) + 1
        for tok, p_outside, label in zip(tokens, probs[:, 0], best, strict=True):
            yield tok, self.labels[int(label)], float(1.0 - p_outside)


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
