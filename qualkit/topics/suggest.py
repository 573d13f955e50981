"""Code suggestions: rank a codebook's codes for a passage, with a score.

Evidence is combined from several weak, complementary signals, each standardised per code
against a reference pool of passages (z-scores), then summed:

- ``desc``: semantic similarity of the passage to each code's own words: its name,
  definition, each definition sentence, each include clause and each example (mean of the
  3 best matches; MiniLM embeddings).
- ``lex``: TF-IDF word overlap of the passage with the code's name, definition, include
  note and examples (English stop words and interview filler removed). A passage that
  shares no word with any code has no ``lex`` evidence (neutral), rather than evidence
  against the codes whose words are common in the corpus.
- ``desc_ctx`` / ``lex_ctx``: the same for the passage's surrounding turn, and ``desc_q``
  for the interviewer's preceding question, when the passage comes from a transcript.
- ``knn``: similarity to passages the team already coded with the code (mean of the 3 most
  similar), so suggestions learn from confirmed coding.
- ``clf``: a ridge classifier over embeddings of the passage blended with its context,
  trained on the coded passages (with theirs) and the codebook texts, once at least
  :data:`MIN_LABELLED` coded passages exist; plus a log prior of how often the team uses
  each code.
- ``self``: self-training on the corpus, from no one's coding: the reference passages are
  labelled with their best code by ``desc`` + ``lex``, the most clear-cut half is kept, and
  a ridge classifier learns from them how each code is talked about in this corpus. It
  works from a codebook alone (the ``suggest codes`` CSV mode) once there are enough
  passages (:data:`SELF_MIN_POOL`, :data:`SELF_PER_CODE`).

Exclude notes are not evidence: they describe a neighbouring code's ground and lowered
accuracy in every form tried (against the code, for the code they name, or as a rule).

Coded passages from the transcript a passage belongs to are never used for it (its
``group``), so evaluation is leave-one-transcript-out and a passage never learns from
itself. Only codable codes are suggested.

Scores shown to people are calibrated: :meth:`CodeSuggester.confidences` turns each code's
lead over the best other code into the probability that the code is one a careful coder
would apply (Platt scaling, fitted on the development evaluation sets by
``benchmarks/bench_suggest.py``), capped at :data:`MAX_CONFIDENCE`;
:func:`confidence_words` says it in plain words. :meth:`CodeSuggester.probabilities` keeps
the uncalibrated softmax over codes.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qualkit.errors import QualkitError
from qualkit.model import Code, Codebook, Coding, SpeakerKind, Transcript
from qualkit.topics.embed import Embedder, EmbeddingCache, MemoryCache, shared_embedder
from qualkit.topics.textutil import STOP_WORDS, TOKEN_PATTERN, clean

#: Weight of each standardised signal in the sum.
WEIGHTS: dict[str, float] = {
    "desc": 1.0,
    "lex": 1.0,
    "desc_ctx": 1.0,
    "lex_ctx": 1.0,
    "desc_q": 1.0,
    "knn": 1.0,
    "clf": 1.5,
    "self": 1.0,
}
PRIOR_WEIGHT = 2.0
#: Softmax temperature per square root of the total weight of the signals used: turns
#: summed z-scores into probabilities that roughly match how often the top code is right.
TEMPERATURE = 0.8
TOP_K = 3
#: Platt scaling of a code's lead (its summed evidence minus the best other code's, over the
#: softmax temperature) into the probability that a coder would apply it. Fitted on the
#: development evaluation sets (``benchmarks/bench_suggest.py --fit`` refits and prints it).
CALIBRATION_SLOPE = 0.298
CALIBRATION_INTERCEPT = -0.316
#: The same per embedding model (a model not listed uses the values above).
CALIBRATION: dict[str, tuple[float, float]] = {
    "all-MiniLM-L6-v2": (CALIBRATION_SLOPE, CALIBRATION_INTERCEPT),
    "all-mpnet-base-v2": (0.311, -0.221),
}
#: No suggestion is shown as surer than this: on no evaluation set were the surest
#: suggestions right every time.
MAX_CONFIDENCE = 0.95
#: Calibrated probabilities at or above these are "likely" / "possible"; below, "unlikely".
LIKELY = 0.7
POSSIBLE = 0.4
#: Coded passages needed before the classifier and the prior are used.
MIN_LABELLED = 20
#: Weight of the context in the classifier's features, and the classifier's ridge penalty.
CONTEXT_BLEND = 0.5
RIDGE_ALPHA = 3.0
#: Self-training: the pool must hold at least this many passages, and this many per code;
#: the most clear-cut share of them is kept as training labels.
SELF_MIN_POOL = 40
SELF_PER_CODE = 3
SELF_FRACTION = 0.5
SELF_RIDGE_ALPHA = 1.0
#: Largest reference pool used for standardisation (an even sample of the corpus).
MAX_POOL = 3000

_CODE_REF = re.compile(r"\(\s*[\w.-]+(?:\s*[,;/]\s*[\w.-]+)*\s*\)")
_CLAUSE = re.compile(r"(?<=[.;!?])\s+|;\s*")


@dataclass(frozen=True)
class Query:
    """A passage to suggest codes for. ``context`` is the surrounding turn, ``question``
    the interviewer's preceding turn, ``group`` the transcript it comes from."""

    text: str
    context: str | None = None
    question: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Example:
    """A passage the team coded with ``code``; ``context`` is its surrounding turn."""

    text: str
    code: str
    group: str | None = None
    context: str | None = None


def code_texts(code: Code) -> list[str]:
    """The short texts that describe a code: name, definition and its sentences, include
    clauses and examples. References to other code ids are dropped."""
    parts: list[str] = [code.name]
    definition = _CODE_REF.sub("", code.definition).strip()
    if definition:
        parts.append(definition)
        parts.extend(s for s in _CLAUSE.split(definition) if len(s.split()) >= 3)
    include = _CODE_REF.sub("", code.include)
    parts.extend(s.strip(" .;") for s in _CLAUSE.split(include) if len(s.split()) >= 2)
    parts.extend(e for e in code.examples if e.strip())
    seen: set[str] = set()
    out = []
    for p in parts:
        p = " ".join(p.split())
        if p and p.lower() not in seen:
            seen.add(p.lower())
            out.append(p)
    return out


def code_document(code: Code) -> str:
    """One text per code for word matching."""
    return " ".join([code.name, code.definition, _CODE_REF.sub("", code.include), *code.examples])


def _zstats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread per column, ignoring missing values (a column with none is NaN)."""
    mu = np.full(x.shape[1:], np.nan)
    sd = np.ones(x.shape[1:])
    seen = ~np.isnan(x).all(0)
    if seen.any():
        mu[seen] = np.nanmean(x[:, seen], 0)
        sd[seen] = np.nanstd(x[:, seen], 0)
    sd = np.where(sd < 1e-6, 1.0, sd)
    return mu, sd


def _topk_mean(sims: np.ndarray, k: int) -> np.ndarray:
    if sims.shape[1] == 0:
        return np.zeros(sims.shape[0])
    k = min(k, sims.shape[1])
    part = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
    return np.asarray(part.mean(1))


def even_sample(n: int, m: int) -> np.ndarray:
    """Indices of at most ``m`` of ``n`` items, evenly spread."""
    if n <= m:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, m).round().astype(int))


class CodeSuggester:
    """Ranks a codebook's codable codes for passages.

    ``pool`` are passages of the corpus used as the reference for standardising scores
    (the queries themselves are a fine pool when there are enough of them);
    ``question_pool`` are interviewer turns; ``examples`` are the team's coded passages.
    """

    def __init__(
        self,
        codebook: Codebook,
        *,
        examples: Sequence[Example] = (),
        pool: Sequence[Query] = (),
        question_pool: Sequence[str] = (),
        embedder: Embedder | None = None,
        cache: EmbeddingCache | None = None,
    ) -> None:
        self.codes: list[Code] = [c for c in codebook.codes if c.codable]
        if not self.codes:
            raise QualkitError("the codebook has no codable codes to suggest")
        self.cids = [c.cid for c in self.codes]
        #: Weight of each signal for this suggester (a copy of :data:`WEIGHTS`).
        self.weights: dict[str, float] = dict(WEIGHTS)
        self._index = {c: i for i, c in enumerate(self.cids)}
        self.embedder = embedder or shared_embedder()
        self.cache = cache if cache is not None else MemoryCache()
        #: Where embeddings of passages being ranked are kept (the same cache by default).
        self.query_cache: EmbeddingCache = self.cache
        self._lock = threading.Lock()

        # Code descriptions.
        texts: list[str] = []
        owner: list[int] = []
        for i, c in enumerate(self.codes):
            for t in code_texts(c):
                texts.append(t)
                owner.append(i)
        self._proto_texts = texts
        self._proto = self.embed(texts)
        self._proto_owner = np.array(owner)

        # Coded passages.
        self.examples = [e for e in examples if e.code in self._index and e.text.strip()]
        self._ex_emb = self.embed([e.text for e in self.examples])
        self._ex_feat = self._blend(
            self._ex_emb, self.embed([e.context or e.text for e in self.examples])
        )
        self._ex_code = np.array([self._index[e.code] for e in self.examples], dtype=int)
        self._ex_group = np.array([e.group or "" for e in self.examples], dtype=object)
        # (Classifiers need two codes or more to tell apart.)
        self._labelled = len(self.examples) >= MIN_LABELLED and len(self.codes) > 1
        self._clf: dict[str, Any] = {}

        # Words.
        pool = list(pool)
        sample = [pool[i] for i in even_sample(len(pool), MAX_POOL)]
        self._fit_words(sample)

        # Reference statistics for standardisation.
        if not sample:
            sample = [Query(t) for t in texts]
        ref = self._fit_stats(sample, question_pool)

        # A classifier taught by the codebook's own words on the corpus itself.
        if len(self.codes) > 1 and len(pool) >= max(SELF_MIN_POOL, SELF_PER_CODE * len(self.codes)):
            self._train_self(sample, ref)

    def _fit_words(self, sample: Sequence[Query]) -> None:
        """TF-IDF over the codes' documents, the reference passages and the examples."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [code_document(c) for c in self.codes]
        self._vec = TfidfVectorizer(
            preprocessor=clean,
            token_pattern=TOKEN_PATTERN,
            stop_words=sorted(STOP_WORDS),
            sublinear_tf=True,
        )
        self._vec.fit(docs + [q.text for q in sample] + [e.text for e in self.examples])
        self._docs = self._vec.transform(docs)

    def _fit_stats(
        self, sample: Sequence[Query], question_pool: Sequence[str]
    ) -> dict[str, np.ndarray]:
        """Each signal's mean and spread per code over the reference passages (and the
        interviewer's questions); returns the raw reference scores."""
        self._stats: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._self_clf: Any = None
        ref = self._raw(sample, with_context=False, with_question=False, clf_by_group=False)
        for name, x in ref.items():
            self._stats[name] = _zstats(x)
        self._stats["desc_ctx"] = self._stats["desc"]
        self._stats["lex_ctx"] = self._stats["lex"]
        qs = [q for q in question_pool if q.strip()]
        if qs:
            qsample = [qs[i] for i in even_sample(len(qs), MAX_POOL)]
            self._stats["desc_q"] = _zstats(self._desc(self.embed(qsample)))
        else:
            self._stats["desc_q"] = self._stats["desc"]
        return ref

    def _train_self(self, sample: Sequence[Query], ref: dict[str, np.ndarray]) -> None:
        """Self-training: label the reference passages with their best code by the
        codebook-text evidence (``desc`` + ``lex``), keep the most clear-cut share, and fit
        a ridge classifier on them and the code descriptions. It learns how each code is
        talked about in this corpus, beyond the codebook's own words."""
        from sklearn.linear_model import RidgeClassifier

        evidence = sum(
            np.nan_to_num((ref[name] - self._stats[name][0]) / self._stats[name][1])
            for name in ("desc", "lex")
        )
        top2 = np.sort(evidence, axis=1)[:, -2:]
        margin = top2[:, 1] - top2[:, 0]
        keep = margin >= np.quantile(margin, 1.0 - SELF_FRACTION)
        feats = self._blend(
            self.embed([q.text for q in sample], query=True),
            self.embed([q.context or q.text for q in sample], query=True),
        )
        x = np.vstack([feats[keep], self._proto])
        y = np.concatenate([np.argmax(evidence, axis=1)[keep], self._proto_owner])
        clf = RidgeClassifier(alpha=SELF_RIDGE_ALPHA)
        clf.fit(x, y)
        self._self_clf = clf
        self._stats["self"] = _zstats(self._self_scores(feats))

    def _self_scores(self, feats: np.ndarray) -> np.ndarray:
        clf = self._self_clf
        out = np.full((len(feats), len(self.codes)), np.nan)
        out[:, clf.classes_] = np.asarray(clf.decision_function(feats)).reshape(len(feats), -1)
        return out

    # -- pieces --------------------------------------------------------------------

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        cache = self.query_cache if query else self.cache
        return self.embedder.embed(list(texts), cache)

    def _desc(self, emb: np.ndarray) -> np.ndarray:
        sims = emb @ self._proto.T
        out = np.zeros((len(emb), len(self.codes)))
        for j in range(len(self.codes)):
            out[:, j] = _topk_mean(sims[:, self._proto_owner == j], TOP_K)
        return out

    def _lex(self, texts: Sequence[str]) -> np.ndarray:
        """Word overlap with each code; NaN for a text sharing no word with any code."""
        x = self._vec.transform(list(texts))
        out = np.asarray((x @ self._docs.T).toarray())
        out[out.max(1, initial=0.0) <= 0.0] = np.nan
        return out

    def _knn(self, emb: np.ndarray, groups: Sequence[str | None]) -> np.ndarray:
        sims = emb @ self._ex_emb.T
        for i, g in enumerate(groups):
            if g:
                sims[i, self._ex_group == g] = -np.inf
        out = np.full((len(emb), len(self.codes)), np.nan)
        for j in range(len(self.codes)):
            cols = sims[:, self._ex_code == j]
            if cols.shape[1] == 0:
                continue
            best = -np.sort(-cols, axis=1)[:, :TOP_K]
            ok = np.isfinite(best)
            n = ok.sum(1)
            total = np.where(ok, best, 0.0).sum(1)
            # A code whose only examples are in the passage's own transcript stays NaN
            # (neutral once standardised).
            out[:, j] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        return out

    @staticmethod
    def _blend(text_emb: np.ndarray, ctx_emb: np.ndarray) -> np.ndarray:
        x = text_emb + CONTEXT_BLEND * ctx_emb
        return np.asarray(x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9))

    def _classifier(self, group: str) -> Any:
        """Ridge classifier trained without ``group``'s coded passages."""
        with self._lock:
            if group in self._clf:
                return self._clf[group]
            from sklearn.linear_model import RidgeClassifier

            keep = self._ex_group != group if group else np.ones(len(self.examples), bool)
            x = np.vstack([self._ex_feat[keep], self._proto])
            y = np.concatenate([self._ex_code[keep], self._proto_owner])
            clf = RidgeClassifier(alpha=RIDGE_ALPHA)
            clf.fit(x, y)
            self._clf[group] = clf
            return clf

    def _clf_scores(self, feats: np.ndarray, groups: Sequence[str | None]) -> np.ndarray:
        out = np.full((len(feats), len(self.codes)), np.nan)
        known = set(self._ex_group.tolist())
        keys = [g if g and g in known else "" for g in groups]
        for key in sorted(set(keys)):
            rows = [i for i, k in enumerate(keys) if k == key]
            clf = self._classifier(key)
            dec = np.asarray(clf.decision_function(feats[rows]))
            block = np.full((len(rows), len(self.codes)), np.nan)
            block[:, clf.classes_] = dec.reshape(len(rows), -1)
            out[rows] = block
        return out

    def _prior(self, groups: Sequence[str | None]) -> np.ndarray:
        out = np.zeros((len(groups), len(self.codes)))
        total = np.bincount(self._ex_code, minlength=len(self.codes)).astype(float)
        for i, g in enumerate(groups):
            counts = total
            if g:
                mine = self._ex_code[self._ex_group == g]
                counts = total - np.bincount(mine, minlength=len(self.codes))
            out[i] = np.log((counts + 1.0) / (counts.sum() + len(self.codes)))
        return out

    def _raw(
        self,
        queries: Sequence[Query],
        *,
        with_context: bool,
        with_question: bool,
        clf_by_group: bool = True,
    ) -> dict[str, np.ndarray]:
        emb = self.embed([q.text for q in queries], query=True)
        groups = [q.group for q in queries]
        out = {"desc": self._desc(emb), "lex": self._lex([q.text for q in queries])}
        ctx_emb = emb
        if with_context:
            ctx = [q.context or q.text for q in queries]
            ctx_emb = self.embed(ctx, query=True)
            out["desc_ctx"] = self._desc(ctx_emb)
            out["lex_ctx"] = self._lex(ctx)
        if with_question:
            has = [i for i, q in enumerate(queries) if q.question]
            dq = np.full((len(queries), len(self.codes)), np.nan)
            if has:
                qemb = self.embed([queries[i].question or "" for i in has], query=True)
                dq[has] = self._desc(qemb)
            out["desc_q"] = dq
        if len(self.examples):
            out["knn"] = self._knn(emb, groups)
        feats = self._blend(emb, ctx_emb)
        if self._labelled:
            out["clf"] = self._clf_scores(feats, groups if clf_by_group else [None] * len(groups))
        if self._self_clf is not None:
            out["self"] = self._self_scores(feats)
        return out

    # -- public --------------------------------------------------------------------

    def components(self, queries: Sequence[Query]) -> dict[str, np.ndarray]:
        """Standardised signals (queries × codes); missing values are 0 (neutral)."""
        if not queries:
            return {}
        raw = self._raw(
            queries,
            with_context=any(q.context for q in queries),
            with_question=any(q.question for q in queries),
        )
        out = {}
        for name, x in raw.items():
            mu, sd = self._stats[name]
            z = (x - mu) / sd
            out[name] = np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)
        if self._labelled:
            out["prior"] = self._prior([q.group for q in queries])
        return out

    def _weighted(self, queries: Sequence[Query]) -> tuple[np.ndarray, float]:
        comps = self.components(queries)
        total = np.zeros((len(queries), len(self.codes)))
        weight = 0.0
        for name, z in comps.items():
            w = PRIOR_WEIGHT if name == "prior" else self.weights.get(name, 1.0)
            if w == 0:
                continue
            total += w * z
            weight += w
        return total, TEMPERATURE * math.sqrt(max(weight, 1.0))

    def scores(self, queries: Sequence[Query]) -> np.ndarray:
        """Summed evidence (queries × codes); higher is better."""
        return self._weighted(queries)[0]

    def probabilities(self, queries: Sequence[Query]) -> np.ndarray:
        """Softmax of the summed evidence over codes (rows sum to 1)."""
        total, temperature = self._weighted(queries)
        s = total / temperature
        s -= s.max(1, keepdims=True)
        e = np.exp(s)
        return np.asarray(e / e.sum(1, keepdims=True))

    def confidences(self, queries: Sequence[Query]) -> np.ndarray:
        """Calibrated probability that each code applies (queries × codes; see
        :data:`CALIBRATION_SLOPE`). Ordered like :meth:`scores`; rows need not sum to 1."""
        total, temperature = self._weighted(queries)
        return calibrate(total / temperature, model=getattr(self.embedder, "model", None))

    def rank(self, queries: Sequence[Query], top: int = 3) -> list[list[tuple[str, float]]]:
        """The ``top`` codes for each query, best first, with calibrated probabilities."""
        if not queries:
            return []
        p = self.confidences(queries)
        order = np.argsort(-p, axis=1, kind="stable")[:, :top]
        return [[(self.cids[j], float(p[i, j])) for j in order[i]] for i in range(len(p))]


def calibrate(
    scaled: np.ndarray,
    model: str | None = None,
    params: tuple[float, float] | None = None,
) -> np.ndarray:
    """Calibrated probabilities from evidence already divided by the softmax temperature
    (rows × codes): Platt scaling of each code's lead over the best other code, with the
    ``model``'s fitted (slope, intercept) or the given ``params``."""
    slope, intercept = params or CALIBRATION.get(
        model or "", (CALIBRATION_SLOPE, CALIBRATION_INTERCEPT)
    )
    scaled = np.asarray(scaled, dtype=float)
    if scaled.shape[1] == 1:
        lead = np.full_like(scaled, 10.0)
    else:
        srt = np.sort(scaled, axis=1)
        best, second = srt[:, -1:], srt[:, -2:-1]
        lead = scaled - np.where(scaled >= best, second, best)
    p = 1.0 / (1.0 + np.exp(-(slope * lead + intercept)))
    return np.asarray(np.minimum(p, MAX_CONFIDENCE))


def confidence_words(p: float) -> str:
    """A calibrated probability in plain words: "likely", "possible" or "unlikely"."""
    if p >= LIKELY:
        return "likely"
    if p >= POSSIBLE:
        return "possible"
    return "unlikely"


def confidence_label(p: float) -> str:
    """Words and number together, e.g. ``"likely (0.78)"``."""
    return f"{confidence_words(p)} ({p:.2f})"


# -- spans of transcripts -----------------------------------------------------------


def squash(text: str) -> str:
    """``text`` with each run of white space as one space."""
    return " ".join(text.split())


def span_query(t: Transcript, start: int, end: int) -> Query:
    """A coded or selected span of a transcript, with its turn and the preceding question."""
    text = squash(t.text[start:end])
    turns = [u for u in t.turns if u.end > start and u.start < end]
    context = squash(" ".join(t.text[u.start : u.end] for u in turns)) if turns else text
    question = None
    first = turns[0].index if turns else None
    before = [
        u
        for u in t.turns
        if u.kind == SpeakerKind.INTERVIEWER
        and (u.index < first if first is not None else u.end <= start)
    ]
    if before:
        q = before[-1]
        question = squash(t.text[q.start : q.end])
    return Query(text=text, context=context or text, question=question, group=t.tid)


def coded_examples(transcripts: dict[str, Transcript], codings: Iterable[Coding]) -> list[Example]:
    """The coded spans as examples, each with its surrounding turn."""
    out = []
    for c in codings:
        t = transcripts.get(c.transcript)
        if t is not None:
            q = span_query(t, c.start, c.end)
            out.append(Example(q.text, c.code, c.transcript, q.context))
    return out


__all__ = [
    "CALIBRATION",
    "CALIBRATION_INTERCEPT",
    "CALIBRATION_SLOPE",
    "MAX_CONFIDENCE",
    "MIN_LABELLED",
    "CodeSuggester",
    "Example",
    "Query",
    "calibrate",
    "code_document",
    "code_texts",
    "coded_examples",
    "confidence_label",
    "confidence_words",
    "even_sample",
    "span_query",
    "squash",
]
