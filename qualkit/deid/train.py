"""Training the token scorer on gold-annotated transcripts (development data only)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from qualkit.deid.evaluate import GoldDoc
from qualkit.deid.gazetteer import load_gazetteer
from qualkit.deid.nlp import UNNEEDED_PIPES, load_spacy, one_blas_thread
from qualkit.deid.scorer import (
    LABELS,
    OUTSIDE,
    DocStats,
    TokenScorer,
    is_candidate,
    token_features,
)
from qualkit.deid.words import Lexicon
from qualkit.text import text_hash


def examples(
    docs: Sequence[GoldDoc], model: str | None = None
) -> tuple[list[list[str]], list[str], list[str]]:
    """Features, labels and document keys for every candidate token of the gold docs.

    A token inside a gold span of a scored type gets that type; inside a span of another
    type (phone numbers, addresses, dates) it is left out; anywhere else it is ``O``.
    """
    from qualkit.deid.nlp import DEFAULT_MODEL

    nlp = load_spacy(model or DEFAULT_MODEL, UNNEEDED_PIPES)
    lexicon = Lexicon.from_spacy(nlp)
    gazetteer = load_gazetteer()
    xs: list[list[str]] = []
    ys: list[str] = []
    keys: list[str] = []
    with one_blas_thread():
        parsed = nlp.pipe([g.text for g in docs], batch_size=4)
        for gold, doc in zip(docs, parsed, strict=True):
            owner = [""] * len(gold.text)
            for span in gold.spans:
                for i in range(span.start, span.end):
                    owner[i] = span.type
            stats = DocStats.of(doc)
            for tok in doc:
                if not is_candidate(tok):
                    continue
                types = {owner[i] for i in range(tok.idx, tok.idx + len(tok.text))} - {""}
                if types and not types & set(LABELS):
                    continue
                label = next((t for t in LABELS if t in types), OUTSIDE)
                xs.append(token_features(tok, stats, lexicon, gazetteer))
                ys.append(label)
                keys.append(gold.key)
    return xs, ys, keys


def fit(
    xs: Sequence[list[str]], ys: Sequence[str], c: float = 0.5, min_count: int = 2
) -> TokenScorer:
    """A multinomial logistic regression over binary features seen ``min_count`` times."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for feats in xs for f in set(feats))
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols = [], []
    for r, feats in enumerate(xs):
        for f in set(feats):
            j = index.get(f)
            if j is not None:
                rows.append(r)
                cols.append(j)
    matrix = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(xs), len(vocab)))
    labels = [lab for lab in LABELS if lab in set(ys)]
    model = LogisticRegression(C=c, max_iter=2000, class_weight=None)
    model.fit(matrix, [labels.index(y) for y in ys])
    coef = model.coef_
    weights: dict[str, list[float]] = {}
    for f, j in index.items():
        column = [float(coef[k][j]) for k in range(len(labels))]
        if max(abs(x) for x in column) >= 1e-3:
            weights[f] = column
    return TokenScorer(weights, [float(x) for x in model.intercept_], labels)


def train(
    docs: Sequence[GoldDoc], c: float = 0.5, thresholds: dict[str, float] | None = None
) -> TokenScorer:
    """Train on ``docs`` and record which transcripts (by hash) it was trained on."""
    xs, ys, _ = examples(docs)
    scorer = fit(xs, ys, c)
    scorer.thresholds = dict(thresholds or {})
    meta: dict[str, Any] = {
        "trained_on": sorted(f"{g.key}:{text_hash(g.text)[:16]}" for g in docs),
        "tokens": len(ys),
        "C": c,
    }
    scorer.meta = meta
    return scorer
