"""Theme discovery with BERTopic, seeded by the codebook, and the team's decisions on it.

How themes are found (:func:`discover_themes`):

1. Every passage is scored against the codebook's codes with the code-suggestion model
   (:class:`~qualkit.topics.suggest.CodeSuggester`; coded passages are only ever used for
   passages of *other* transcripts). Codes are grouped under their top-level theme.
2. Passages that clearly belong to one codebook theme are *seeded* into it (BERTopic's
   zero-shot idea, with a stronger matcher than a single cosine threshold). In a large
   corpus, a big seeded theme is split by its codes into sub-themes.
3. The remaining passages are clustered to discover themes the codebook does not have:
   PCA then agglomerative clustering (small corpora) or k-means (large ones), with the
   number of clusters set by corpus size. No UMAP, so no slow first-call compilation, and
   everything is deterministic (fixed seeds: the same input gives the same themes).
4. Clusters that are too small become outliers; BERTopic's ``reduce_outliers`` (embedding
   strategy) gives them the nearest theme when it is similar enough.
5. BERTopic (manual mode: our labels, its c-TF-IDF) describes each theme: keywords with
   English stop words and interview filler removed, refined with KeyBERTInspired and
   MaximalMarginalRelevance; plus 3–5 representative quotes from different transcripts,
   size, transcripts and participant roles.

Decisions (accept as a new code, merge into a code, merge two themes, rename, reject) are
stored with the theme and logged; a re-run matches new themes to decided ones by centroid
similarity and passage overlap and carries the decisions over.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualkit.errors import ConflictError, NotFoundError, QualkitError
from qualkit.model import Code, Codebook, Provenance
from qualkit.topics.embed import (
    Embedder,
    EmbeddingCache,
    MemoryCache,
    StoreCache,
    shared_embedder,
)
from qualkit.topics.passages import Passage, project_passages
from qualkit.topics.project_suggest import project_suggester
from qualkit.topics.suggest import CodeSuggester, Query
from qualkit.topics.textutil import PLACEHOLDER, STOP_WORDS, TOKEN_PATTERN

if TYPE_CHECKING:
    from qualkit.storage import Store
    from qualkit.storage.store import ThemeRecord

OUTLIER = -1


@dataclass
class ThemeParams:
    """Settings for one discovery run; :func:`choose_params` picks them by corpus size."""

    passages: int
    seed_threshold: float = 0.4
    clusters: int = 6
    min_size: int = 5
    pca_dims: int = 20
    max_seeded_size: int = 400
    outlier_similarity: float = 0.25
    keywords: int = 10
    quotes: int = 5
    random_state: int = 42
    algorithm: str = "agglomerative"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def choose_params(n_passages: int) -> ThemeParams:
    """Parameters for a corpus of ``n_passages`` passages.

    Residual clusters grow with the corpus (about one per 40 unseeded passages at first,
    flattening out, at most 40); the smallest theme is ~1% of passages (3 to 60).
    """
    n = max(1, n_passages)
    min_size = int(min(60, max(3, round(0.01 * n))))
    return ThemeParams(
        passages=n,
        clusters=int(min(40, max(2, round(math.sqrt(n) / 3)))),
        min_size=min_size,
        max_seeded_size=int(max(400, 0.06 * n)),
        algorithm="agglomerative" if n <= 5000 else "kmeans",
    )


@dataclass
class DiscoveredTheme:
    """One theme of a run, before it is stored."""

    topic: int
    label: str
    keywords: list[str]
    members: list[int]
    centroid: np.ndarray
    seed: str | None = None
    quotes: list[int] = field(default_factory=list)


@dataclass
class ThemeRun:
    """Result of :func:`discover_themes`: themes and each passage's theme (-1 = none)."""

    themes: list[DiscoveredTheme]
    assignment: np.ndarray
    params: ThemeParams

    @property
    def unassigned(self) -> float:
        return float((self.assignment < 0).mean()) if len(self.assignment) else 0.0


# -- discovery ------------------------------------------------------------------------


def _seed_groups(codebook: Codebook, cids: Sequence[str]) -> dict[str, list[int]]:
    """Top-level theme id → indexes of its codable codes (a flat codebook: one per code)."""
    groups: dict[str, list[int]] = {}
    for j, cid in enumerate(cids):
        groups.setdefault(codebook.theme_of(cid), []).append(j)
    return groups


def _cluster(emb: np.ndarray, k: int, params: ThemeParams) -> np.ndarray:
    """Cluster rows of ``emb`` into ``k`` groups (deterministic)."""
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.decomposition import PCA

    n = len(emb)
    if n == 0:
        return np.zeros(0, dtype=int)
    k = max(1, min(k, n))
    if k == 1:
        return np.zeros(n, dtype=int)
    dims = min(params.pca_dims, n - 1, emb.shape[1])
    x = PCA(n_components=dims, random_state=params.random_state).fit_transform(emb)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    if params.algorithm == "agglomerative" and n <= 5000:
        return np.asarray(AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x))
    km = KMeans(n_clusters=k, n_init=4, random_state=params.random_state)
    return np.asarray(km.fit_predict(x))


def assign_passages(
    passages: Sequence[Passage],
    embeddings: np.ndarray,
    params: ThemeParams,
    *,
    affinity: np.ndarray | None = None,
    codebook: Codebook | None = None,
    cids: Sequence[str] = (),
) -> tuple[np.ndarray, dict[int, str]]:
    """Theme number per passage (-1 for outliers) and the seed of each seeded theme.

    ``affinity`` holds each passage's code probabilities (columns in ``cids`` order).
    """
    n = len(passages)
    labels = np.full(n, OUTLIER, dtype=int)
    seeds: dict[int, str] = {}
    next_topic = 0
    rest = np.arange(n)
    if affinity is not None and codebook is not None and len(cids):
        groups = _seed_groups(codebook, cids)
        names = sorted(groups)
        prob = affinity
        gprob = np.stack([prob[:, groups[g]].sum(1) for g in names], axis=1)
        best = gprob.argmax(1)
        seeded = gprob.max(1) >= params.seed_threshold
        for gi, g in enumerate(names):
            members = np.where(seeded & (best == gi))[0]
            if len(members) < params.min_size:
                continue
            codes = groups[g]
            if len(members) > params.max_seeded_size and len(codes) > 1:
                # Split a big seeded theme by its codes; small code groups join the
                # nearest sibling.
                code_idx = np.array(codes)
                sub = code_idx[prob[np.ix_(members, code_idx)].argmax(1)]
                counts = Counter(sub.tolist())
                big = [c for c, m in counts.items() if m >= params.min_size]
                if len(big) > 1:
                    cents = {c: embeddings[members[sub == c]].mean(0) for c in big}
                    for i, m in enumerate(members):
                        c = int(sub[i])
                        if c not in cents:
                            c = max(big, key=lambda b: float(embeddings[m] @ cents[b]))
                        sub[i] = c
                    for c in sorted(big):
                        labels[members[sub == c]] = next_topic
                        seeds[next_topic] = cids[c]
                        next_topic += 1
                    continue
            labels[members] = next_topic
            seeds[next_topic] = g
            next_topic += 1
        rest = np.where(labels == OUTLIER)[0]
    if len(rest):
        k = max(1, round(params.clusters * len(rest) / max(1, n)))
        if len(rest) >= 2 * params.min_size:
            k = max(k, 2)
        sub = _cluster(embeddings[rest], k, params)
        counts = Counter(sub.tolist())
        for c in sorted(counts, key=lambda c: (-counts[c], c)):
            if counts[c] >= params.min_size:
                labels[rest[sub == c]] = next_topic
                next_topic += 1
    return labels, seeds


def _keyword_label(words: Sequence[str], n: int = 3) -> str:
    picked: list[str] = []
    for w in words:
        if not any(w in p or p in w for p in picked):
            picked.append(w)
        if len(picked) == n:
            break
    text = ", ".join(picked) if picked else "miscellaneous"
    return text[:1].upper() + text[1:]


class _Backend:
    """Lets BERTopic embed words and documents with qualkit's embedder and cache."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache) -> None:
        from bertopic.backend import BaseEmbedder

        class _B(BaseEmbedder):
            def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
                return embedder.embed(list(documents), cache)

        self.model = _B()


def describe_themes(
    passages: Sequence[Passage],
    embeddings: np.ndarray,
    labels: np.ndarray,
    params: ThemeParams,
    *,
    embedder: Embedder,
    cache: EmbeddingCache,
    seeds: dict[int, str] | None = None,
    seed_names: dict[str, str] | None = None,
) -> tuple[list[DiscoveredTheme], np.ndarray]:
    """Fit BERTopic on the given labels for keywords, reduce outliers, pick quotes."""
    seeds = seeds or {}
    seed_names = seed_names or {}
    docs = [PLACEHOLDER.sub(" ", p.text) for p in passages]
    topics = sorted(set(labels.tolist()) - {OUTLIER})
    if not topics:
        return [], labels
    model = _fit_bertopic(docs, embeddings, labels, params, _Backend(embedder, cache))
    # BERTopic renumbers topics by size; map its numbers back to ours.
    fitted = np.array(model.topics_, dtype=int)
    ours = {}
    for t in sorted(set(fitted.tolist()) - {OUTLIER}):
        ours[t] = Counter(labels[fitted == t].tolist()).most_common(1)[0][0]
    assigned = _reduce_outliers(model, docs, fitted, embeddings, params)
    out: list[DiscoveredTheme] = []
    for topic in sorted(set(assigned.tolist()) - {OUTLIER}):
        members = np.where(assigned == topic)[0]
        words = [
            w
            for w, _ in (model.get_topic(topic) or [])
            if w and not w.isspace() and len(set(w.split())) == len(w.split())
        ]
        cent = embeddings[members].mean(0)
        cent = cent / max(float(np.linalg.norm(cent)), 1e-9)
        seed = seeds.get(ours.get(int(topic), -2))
        label = _keyword_label(words)
        if seed is not None:
            label = f"{seed_names.get(seed, seed)}: {_keyword_label(words, 2).lower()}"
        out.append(
            DiscoveredTheme(
                topic=int(topic),
                label=label,
                keywords=words[: params.keywords],
                members=members.tolist(),
                centroid=cent.astype(np.float32),
                seed=seed,
                quotes=_quotes(passages, embeddings, members, cent, params.quotes),
            )
        )
    return out, assigned


def _representation(params: ThemeParams) -> list[Any]:
    """How BERTopic words a theme: KeyBERT-style keywords, then diversified."""
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    return [
        KeyBERTInspired(top_n_words=params.keywords, nr_repr_docs=5, nr_candidate_words=30),
        MaximalMarginalRelevance(diversity=0.3, top_n_words=params.keywords),
    ]


def _fit_bertopic(
    docs: list[str],
    embeddings: np.ndarray,
    labels: np.ndarray,
    params: ThemeParams,
    backend: _Backend,
) -> Any:
    """BERTopic fitted on our own labels (no reduction or clustering of its own)."""
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    random.seed(params.random_state)
    np.random.seed(params.random_state)
    vectorizer = CountVectorizer(
        stop_words=sorted(STOP_WORDS),
        token_pattern=TOKEN_PATTERN,
        ngram_range=(1, 2),
        min_df=2 if len(docs) >= 50 else 1,
        lowercase=True,
    )
    model = BERTopic(
        embedding_model=backend.model,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=_representation(params),
        top_n_words=params.keywords,
        calculate_probabilities=False,
        verbose=False,
    )
    try:
        model.fit(docs, embeddings=embeddings, y=labels.copy())
    except ValueError as e:
        if "vocabulary" in str(e):
            raise QualkitError("too little text to describe themes; add transcripts") from None
        raise
    return model


def _reduce_outliers(
    model: Any, docs: list[str], fitted: np.ndarray, embeddings: np.ndarray, params: ThemeParams
) -> np.ndarray:
    """Each passage's theme, outliers moved to a theme they are close enough to (and the
    keywords worked out again when any moved)."""
    from bertopic.vectorizers import ClassTfidfTransformer

    if not (fitted == OUTLIER).any():
        return fitted
    reduced = np.array(
        model.reduce_outliers(
            docs,
            fitted.tolist(),
            strategy="embeddings",
            embeddings=embeddings,
            threshold=params.outlier_similarity,
        ),
        dtype=int,
    )
    if (reduced != fitted).any():
        model.update_topics(
            docs,
            topics=reduced.tolist(),
            vectorizer_model=model.vectorizer_model,
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            representation_model=_representation(params),
            top_n_words=params.keywords,
        )
    return reduced


def _quotes(
    passages: Sequence[Passage], emb: np.ndarray, members: np.ndarray, cent: np.ndarray, n: int
) -> list[int]:
    """Passages nearest the centroid, at most one per transcript while others remain."""
    order = members[np.argsort(-(emb[members] @ cent), kind="stable")]
    picked: list[int] = []
    used: set[str] = set()
    for i in order:
        if passages[i].transcript not in used:
            picked.append(int(i))
            used.add(passages[i].transcript)
        if len(picked) == n:
            return picked
    for i in order:
        if int(i) not in picked:
            picked.append(int(i))
        if len(picked) == n:
            break
    return picked


def discover_themes(
    passages: Sequence[Passage],
    embeddings: np.ndarray,
    *,
    suggester: CodeSuggester | None = None,
    codebook: Codebook | None = None,
    params: ThemeParams | None = None,
    embedder: Embedder | None = None,
    cache: EmbeddingCache | None = None,
) -> ThemeRun:
    """Find themes in ``passages`` (with their ``embeddings``); see the module docstring."""
    params = params or choose_params(len(passages))
    embedder = embedder or shared_embedder()
    cache = cache if cache is not None else MemoryCache()
    affinity = None
    cids: list[str] = []
    if suggester is not None and codebook is not None:
        affinity = suggester.probabilities([Query(p.text, group=p.transcript) for p in passages])
        cids = suggester.cids
    labels, seeds = assign_passages(
        passages, embeddings, params, affinity=affinity, codebook=codebook, cids=cids
    )
    names = {c.cid: c.name for c in codebook.codes} if codebook else {}
    themes, assigned = describe_themes(
        passages,
        embeddings,
        labels,
        params,
        embedder=embedder,
        cache=cache,
        seeds=seeds,
        seed_names=names,
    )
    return ThemeRun(themes=themes, assignment=assigned, params=params)


# -- a project's themes ----------------------------------------------------------------


def _record(t: DiscoveredTheme, passages: Sequence[Passage], quote_words: int = 80) -> ThemeRecord:
    from qualkit.storage.store import ThemeRecord

    members = [passages[i] for i in t.members]
    quotes = []
    for i in t.quotes:
        p = passages[i]
        words = p.text.split()
        text = " ".join(words[:quote_words]) + (" …" if len(words) > quote_words else "")
        quotes.append({"transcript": p.transcript, "start": p.start, "end": p.end, "text": text})
    return ThemeRecord(
        label=t.label,
        keywords=list(t.keywords),
        quotes=quotes,
        size=len(members),
        transcripts=dict(sorted(Counter(p.transcript for p in members).items())),
        roles=dict(sorted(Counter(p.role or "unknown" for p in members).items())),
        passages=[p.key for p in members],
        centroid=t.centroid.astype(np.float32).tobytes(),
        seed=t.seed,
    )


def _vec(b: bytes | None) -> np.ndarray | None:
    return None if b is None else np.frombuffer(b, dtype=np.float32)


def theme_similarity(a: ThemeRecord, b: ThemeRecord) -> float:
    """How alike two themes are: the larger of centroid cosine and passage overlap
    (Jaccard), with keyword overlap as a tie-breaker."""
    va, vb = _vec(a.centroid), _vec(b.centroid)
    cos = float(va @ vb) if va is not None and vb is not None else 0.0
    pa, pb = set(a.passages), set(b.passages)
    jac = len(pa & pb) / len(pa | pb) if pa | pb else 0.0
    ka, kb = set(a.keywords), set(b.keywords)
    kw = len(ka & kb) / len(ka | kb) if ka | kb else 0.0
    return max(jac, cos if cos >= 0.9 else cos * 0.9 + 0.1 * kw)


#: Themes at least this alike count as the same theme across runs.
MATCH_THRESHOLD = 0.9


def carry_decisions(new: list[ThemeRecord], old: Sequence[ThemeRecord]) -> list[ThemeRecord]:
    """Give new themes the decisions of the earlier themes they match."""
    decided = [o for o in old if o.decided_by or o.status != "candidate"]
    if not decided:
        return new
    match: dict[int, ThemeRecord] = {}
    for i, t in enumerate(new):
        scored = [(theme_similarity(t, o), -(o.id or 0), o) for o in decided]
        scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
        if scored and scored[0][0] >= MATCH_THRESHOLD:
            match[i] = scored[0][2]
    # Old theme id → index in the new run, for merges between themes.
    where = {o.id: i for i, o in match.items()}
    for i, o in match.items():
        t = new[i]
        t.inherited_from = o.id
        t.status = o.status
        t.code = o.code
        t.note = o.note
        t.decided_by = o.decided_by
        if o.label and o.decided_by:
            t.label = o.label
        if o.status == "merged" and o.merged_into is not None:
            target = where.get(o.merged_into)
            t.merged_into = -(target + 1) if target is not None and target != i else o.merged_into
    return new


def project_theme_inputs(
    store: Store, *, embedder: Embedder | None = None
) -> tuple[list[Passage], np.ndarray, CodeSuggester | None, Codebook]:
    """Passages, their embeddings (cached in the project), the suggester and codebook."""
    embedder = embedder or shared_embedder()
    passages = project_passages(store)
    if not passages:
        raise QualkitError("the project has no transcripts to find themes in")
    emb = embedder.embed([p.text for p in passages], StoreCache(store))
    codebook = store.codebook()
    suggester = (
        project_suggester(store, embedder=embedder)
        if any(c.codable for c in codebook.codes)
        else None
    )
    if suggester is not None:
        # Seeding leaves out the self-trained signal: it is learnt from these same passages'
        # codebook matches and would feed them back into the clustering.
        suggester.weights["self"] = 0.0
    return passages, emb, suggester, codebook


def run_themes(
    store: Store,
    actor: str,
    *,
    embedder: Embedder | None = None,
    params: ThemeParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[ThemeRecord]:
    """Discover themes in a project and store them as its current candidate themes,
    keeping earlier decisions. Returns the stored themes."""
    say = progress or (lambda _m: None)
    embedder = embedder or shared_embedder()
    say("Reading passages and embeddings")
    passages, emb, suggester, codebook = project_theme_inputs(store, embedder=embedder)
    params = params or choose_params(len(passages))
    say(f"Finding themes in {len(passages)} passages")
    result = discover_themes(
        passages,
        emb,
        suggester=suggester,
        codebook=codebook,
        params=params,
        embedder=embedder,
        cache=StoreCache(store),
    )
    records = [_record(t, passages) for t in result.themes]
    records = carry_decisions(records, store.themes(current=None))
    return store.save_theme_run(
        records,
        actor,
        passages=len(passages),
        unassigned=round(result.unassigned, 4),
        params=params.as_dict(),
        embedding_model=embedder.model_id,
    )


# -- decisions ---------------------------------------------------------------------------


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s[:40] or "theme"


def _theme(store: Store, theme_id: int) -> ThemeRecord:
    t = store.theme(theme_id)
    if not t.current:
        raise ConflictError(
            f"theme {theme_id} is from an earlier run; decide on the current themes"
        )
    return t


def _first_sentence(text: str, words: int = 30) -> str:
    body = PLACEHOLDER.sub("…", text.replace(" …", ""))
    m = re.match(r"(.+?[.!?])(\s|$)", body)
    s = m.group(1) if m else body
    w = s.split()
    return " ".join(w[:words]) + ("…" if len(w) > words else "")


def theme_examples(theme: ThemeRecord, n: int = 3) -> list[str]:
    """Example quotes for a code made from ``theme``: the first sentence of each of its
    first ``n`` quotes (de-identified text; placeholders are shortened to "…")."""
    return [_first_sentence(q["text"]) for q in theme.quotes[:n]]


def accept_theme(
    store: Store,
    theme_id: int,
    actor: str,
    *,
    name: str | None = None,
    definition: str | None = None,
    cid: str | None = None,
    parent: str | None = None,
    examples: Sequence[str] | None = None,
) -> Code:
    """Make a theme a new code (provenance "suggested") and mark the theme accepted.

    ``examples`` default to :func:`theme_examples`; pass ``[]`` for none."""
    t = _theme(store, theme_id)
    if t.status in ("accepted", "merged"):
        raise ConflictError(f"theme {theme_id} is already {t.status}")
    codebook = store.codebook(include_inactive=True)
    known = {c.cid for c in codebook.codes}
    if parent is not None and parent not in known:
        raise NotFoundError(f"no code with id {parent!r} to put the new code under")
    name = (name or t.label).strip()
    if not name:
        raise QualkitError("the new code needs a name")
    if cid is None:
        base = f"suggested.{_slug(name)}"
        cid, n = base, 2
        while cid in known:
            cid, n = f"{base}_{n}", n + 1
    elif cid in known:
        raise ConflictError(f"a code with id {cid!r} already exists")
    definition = (
        definition
        if definition is not None
        else "Suggested theme. Keywords: " + ", ".join(t.keywords[:8]) + "."
    )
    code = Code(
        cid=cid,
        name=name,
        definition=definition,
        parent=parent,
        examples=[
            " ".join(e.split())
            for e in (theme_examples(t) if examples is None else examples)
            if e.strip()
        ],
        provenance=Provenance.SUGGESTED,
    )
    with store.transaction(actor):
        store.add_code(code, actor)
        store.decide_theme(theme_id, actor, "accept", status="accepted", code=cid, label=name)
    return code


def merge_theme_into_code(store: Store, theme_id: int, code: str, actor: str) -> ThemeRecord:
    """Record that a theme is covered by an existing code."""
    _theme(store, theme_id)
    if code not in {c.cid for c in store.codebook().codes}:
        raise NotFoundError(f"no code with id {code!r}")
    return store.decide_theme(theme_id, actor, "merge_code", status="merged", code=code)


def merge_themes(store: Store, source_id: int, target_id: int, actor: str) -> ThemeRecord:
    """Fold theme ``source_id`` into ``target_id``; returns the enlarged target."""
    if source_id == target_id:
        raise QualkitError("a theme cannot be merged into itself")
    src = _theme(store, source_id)
    dst = _theme(store, target_id)
    if dst.status == "merged":
        raise ConflictError(f"theme {target_id} is itself merged; merge into its target")
    passages = list(dict.fromkeys(dst.passages + src.passages))
    transcripts = Counter(dst.transcripts) + Counter(src.transcripts)
    roles = Counter(dst.roles) + Counter(src.roles)
    with store.transaction(actor):
        store.decide_theme(source_id, actor, "merge", status="merged", merged_into=target_id)
        return store.decide_theme(
            target_id,
            actor,
            "absorb",
            passages=passages,
            size=len(passages),
            transcripts=dict(sorted(transcripts.items())),
            roles=dict(sorted(roles.items())),
            quotes=dst.quotes + [q for q in src.quotes if q not in dst.quotes][:2],
            keywords=list(dict.fromkeys(dst.keywords + src.keywords))[:15],
        )


def rename_theme(store: Store, theme_id: int, label: str, actor: str) -> ThemeRecord:
    label = " ".join(label.split())
    if not label:
        raise QualkitError("a theme needs a name")
    _theme(store, theme_id)
    return store.decide_theme(theme_id, actor, "rename", label=label)


def reject_theme(store: Store, theme_id: int, actor: str, reason: str = "") -> ThemeRecord:
    _theme(store, theme_id)
    return store.decide_theme(theme_id, actor, "reject", status="rejected", note=reason)


__all__ = [
    "DiscoveredTheme",
    "ThemeParams",
    "ThemeRun",
    "accept_theme",
    "assign_passages",
    "carry_decisions",
    "choose_params",
    "describe_themes",
    "discover_themes",
    "merge_theme_into_code",
    "merge_themes",
    "project_theme_inputs",
    "reject_theme",
    "rename_theme",
    "run_themes",
    "theme_examples",
    "theme_similarity",
]
