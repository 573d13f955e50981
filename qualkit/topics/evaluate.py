"""Measure suggestions against the team's own coding.

- Code suggestions, per coded passage: the passages are the 40–120-word windows that
  suggestions work on (:mod:`qualkit.topics.passages`); a passage's gold codes are those of
  the team's codings (consensus layer if there is one, else all coders') that lie mostly
  inside it or cover most of it. Top-1 / top-3 accuracy is the share of coded passages
  whose first / first three suggestions include a gold code.
- The same per coded span, the exact stretch a coder selected: its gold codes are the
  codes applied to text covering the whole span (its own, and those of any larger coded
  stretch around it); also counting only codes applied to exactly that span.
- Suggestions learn from coded passages leave-one-transcript-out: a passage never learns
  from itself or anything else in its transcript.
- Themes: each coded span is placed in the discovered theme of the passage that overlaps
  it most; its gold theme is the top-level parent of its code. Reported: NMI and ARI over
  coded spans that got a theme, and the share of passages (all, and coded) left unassigned.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualkit.errors import QualkitError
from qualkit.model import Codebook, Coding
from qualkit.topics.embed import Embedder
from qualkit.topics.passages import project_passages
from qualkit.topics.project_suggest import project_suggester, team_codings
from qualkit.topics.suggest import CodeSuggester, Query, calibrate, span_query
from qualkit.topics.suggest_csv import read_passages_csv

if TYPE_CHECKING:
    from qualkit.storage import Store


@dataclass
class SuggestionScores:
    """``top1``/``top3`` per coded passage; ``span_*`` per coded span."""

    passages: int
    top1: float
    top3: float
    source: str
    transcripts: int
    spans: int = 0
    span_top1: float = math.nan
    span_top3: float = math.nan
    span_top1_exact: float = math.nan
    span_top3_exact: float = math.nan
    per_code: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class ThemeScores:
    themes: int
    coded_passages: int
    nmi: float
    ari: float
    unassigned: float
    unassigned_coded: float
    passages: int


@dataclass
class Evaluation:
    suggestions: SuggestionScores | None
    themes: ThemeScores | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def report(self) -> str:
        lines = []
        s = self.suggestions
        if s is not None:
            lines += [
                f"Code suggestions ({s.passages} coded passages in {s.transcripts} transcripts, "
                f"{s.source}; leave-one-transcript-out):",
                f"  top-1 accuracy {s.top1:.3f}",
                f"  top-3 accuracy {s.top3:.3f}",
                f"  per coded span ({s.spans} spans): top-1 {s.span_top1:.3f}, "
                f"top-3 {s.span_top3:.3f}; counting only codes applied to exactly the span: "
                f"top-1 {s.span_top1_exact:.3f}, top-3 {s.span_top3_exact:.3f}",
            ]
        t = self.themes
        if t is not None:
            lines += [
                f"Themes ({t.themes} themes, {t.passages} passages; {t.coded_passages} coded spans "
                "compared with their codes' top-level themes):",
                f"  NMI {t.nmi:.3f}   ARI {t.ari:.3f}",
                f"  unassigned: {t.unassigned:.1%} of passages, {t.unassigned_coded:.1%} of "
                "coded passages",
            ]
        lines += self.notes
        return "\n".join(lines)


def _spans(codings: list[Coding]) -> dict[tuple[str, int, int], set[str]]:
    spans: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    for c in codings:
        spans[(c.transcript, c.start, c.end)].add(c.code)
    return spans


def _covering(
    spans: dict[tuple[str, int, int], set[str]],
) -> dict[tuple[str, int, int], set[str]]:
    """Each span's codes plus the codes of every coded span that contains it."""
    by_tid: dict[str, list[tuple[int, int, set[str]]]] = defaultdict(list)
    for (tid, a, b), codes in spans.items():
        by_tid[tid].append((a, b, codes))
    out: dict[tuple[str, int, int], set[str]] = {}
    for (tid, a, b), codes in spans.items():
        gold = set(codes)
        for a2, b2, other in by_tid[tid]:
            if a2 <= a and b <= b2:
                gold |= other
        out[(tid, a, b)] = gold
    return out


def _accuracy(ranked: list[list[tuple[str, float]]], gold: list[set[str]]) -> tuple[float, float]:
    hits1 = [bool(r) and r[0][0] in g for r, g in zip(ranked, gold, strict=True)]
    hits3 = [any(c in g for c, _ in r[:3]) for r, g in zip(ranked, gold, strict=True)]
    return float(np.mean(hits1)), float(np.mean(hits3))


def evaluate_suggestions(store: Store, *, embedder: Embedder | None = None) -> SuggestionScores:
    """Top-1 / top-3 accuracy of code suggestions on the team's coded passages and spans."""
    from qualkit.storage.store import CONSENSUS_CODER

    codings = team_codings(store)
    codable = {c.cid for c in store.codebook().codes if c.codable}
    codings = [c for c in codings if c.code in codable]
    if not codings:
        raise QualkitError("the project has no coded passages to evaluate against")
    source = "consensus layer" if codings[0].coder == CONSENSUS_CODER else "all coders"
    transcripts = {t.tid: t for t in store.transcripts(with_text=True)}
    sug = project_suggester(store, embedder=embedder, codings=codings)

    by_tid: dict[str, list[Coding]] = defaultdict(list)
    for c in codings:
        by_tid[c.transcript].append(c)
    windows: list[Query] = []
    window_gold: list[set[str]] = []
    for p in project_passages(store):
        codes = {
            c.code
            for c in by_tid.get(p.transcript, [])
            if 2 * p.overlap(c.start, c.end) >= min(c.end - c.start, p.end - p.start)
        }
        if codes:
            q = span_query(transcripts[p.transcript], p.start, p.end)
            windows.append(Query(p.text, q.context, q.question, q.group))
            window_gold.append(codes)
    if not windows:
        raise QualkitError("no coded passages: the codings are all outside participant speech")
    ranked = sug.rank(windows, top=3)
    top1, top3 = _accuracy(ranked, window_gold)

    exact = _spans(codings)
    spans = _covering(exact)
    keys = sorted(spans)
    span_ranked = sug.rank([span_query(transcripts[k[0]], k[1], k[2]) for k in keys], top=3)
    span_top1, span_top3 = _accuracy(span_ranked, [spans[k] for k in keys])
    exact_top1, exact_top3 = _accuracy(span_ranked, [exact[k] for k in keys])

    per: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for r, g in zip(ranked, window_gold, strict=True):
        h1, h3 = r[0][0] in g, any(c in g for c, _ in r)
        for code in g:
            per[code].append((h1, h3))
    per_code = {
        code: {
            "passages": float(len(v)),
            "top1": float(np.mean([a for a, _ in v])),
            "top3": float(np.mean([b for _, b in v])),
        }
        for code, v in sorted(per.items())
    }
    return SuggestionScores(
        passages=len(windows),
        top1=top1,
        top3=top3,
        source=source,
        transcripts=len({q.group for q in windows}),
        spans=len(keys),
        span_top1=span_top1,
        span_top3=span_top3,
        span_top1_exact=exact_top1,
        span_top3_exact=exact_top3,
        per_code=per_code,
    )


def evaluate_themes(store: Store) -> ThemeScores:
    """Agreement of the current discovered themes with the coded themes."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    themes = store.themes()
    if not themes:
        raise QualkitError("no themes yet: run `qualkit suggest themes` first")
    theme_of: dict[str, int] = {}
    for t in themes:
        target = t.merged_into if t.status == "merged" and t.merged_into else t.id
        for key in t.passages:
            theme_of[key] = int(target or 0)
    passages = project_passages(store)
    by_tid: dict[str, list[Any]] = defaultdict(list)
    for p in passages:
        by_tid[p.transcript].append(p)
    codebook = store.codebook(include_inactive=True)
    codable = {c.cid for c in codebook.codes if c.codable}
    spans = _spans([c for c in team_codings(store) if c.code in codable])
    gold: list[str] = []
    found: list[int] = []
    for (tid, a, b), codes in sorted(spans.items()):
        best, overlap = None, 0
        for p in by_tid.get(tid, []):
            o = p.overlap(a, b)
            if o > overlap:
                best, overlap = p, o
        tops = Counter(codebook.theme_of(c) for c in codes)
        gold.append(sorted(tops, key=lambda x: (-tops[x], x))[0])
        found.append(theme_of.get(best.key, -1) if best is not None else -1)
    g = np.array(gold)
    f = np.array(found)
    ok = f >= 0
    n_un = sum(1 for p in passages if theme_of.get(p.key, -1) < 0)
    nmi = float(normalized_mutual_info_score(g[ok], f[ok])) if ok.sum() > 1 else math.nan
    ari = float(adjusted_rand_score(g[ok], f[ok])) if ok.sum() > 1 else math.nan
    return ThemeScores(
        themes=len({t.merged_into if t.status == "merged" else t.id for t in themes}),
        coded_passages=len(gold),
        nmi=nmi,
        ari=ari,
        unassigned=n_un / max(1, len(passages)),
        unassigned_coded=float(1 - ok.mean()) if len(ok) else 0.0,
        passages=len(passages),
    )


def evaluate(store: Store, *, embedder: Embedder | None = None, themes: bool = True) -> Evaluation:
    """Both evaluations; a part that cannot run (no codings, no themes) is noted."""
    notes: list[str] = []
    sug: SuggestionScores | None = None
    th: ThemeScores | None = None
    try:
        sug = evaluate_suggestions(store, embedder=embedder)
    except QualkitError as e:
        notes.append(f"Code suggestions not evaluated: {e}")
    if themes:
        try:
            th = evaluate_themes(store)
        except QualkitError as e:
            notes.append(f"Themes not evaluated: {e}")
    return Evaluation(sug, th, notes)


__all__ = [
    "Evaluation",
    "SuggestionScores",
    "ThemeScores",
    "evaluate",
    "evaluate_suggestions",
    "evaluate_themes",
]


# -- evaluation sets: a codebook, passages and gold codes ------------------------------

#: Passages shorter than this many words count as short quotes.
SHORT_WORDS = 40


@dataclass
class EvalSet:
    """An evaluation set on disk: ``codebook.yaml``, ``passages.csv`` (id,text) and
    ``gold.csv`` (id,code, one row per gold code)."""

    name: str
    codebook: Codebook
    ids: list[str]
    texts: list[str]
    gold: list[set[str]]
    reporting_only: bool = False


def load_eval_set(folder: Any) -> EvalSet:
    """Read an evaluation set from ``folder`` (a ``REPORTING_ONLY`` file marks one kept
    for reporting, never for choosing methods or weights)."""
    import csv
    from pathlib import Path

    from qualkit.project import load_codebook_file

    d = Path(folder)
    codebook = load_codebook_file(d / "codebook.yaml")
    rows = read_passages_csv(d / "passages.csv")
    truth: dict[str, set[str]] = defaultdict(set)
    with (d / "gold.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            truth[r["id"]].add(r["code"])
    return EvalSet(
        d.name,
        codebook,
        [i for i, _ in rows],
        [t for _, t in rows],
        [truth[i] for i, _ in rows],
        (d / "REPORTING_ONLY").exists(),
    )


def expected_calibration_error(conf: Any, hit: Any, bins: int = 10) -> float:
    """ECE of confidences against hits: the mean, weighted by bin size, of the gap between
    mean confidence and accuracy in equal-width bins of confidence."""
    conf = np.asarray(conf, dtype=float)
    hit = np.asarray(hit, dtype=float)
    if not len(conf):
        return math.nan
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            total += float(m.mean()) * abs(float(conf[m].mean()) - float(hit[m].mean()))
    return total


@dataclass
class SetScores:
    """Figures of code suggestions on one evaluation set, from the codebook alone."""

    name: str
    passages: int
    codes: int
    top1: float
    top3: float
    short: int
    short_top1: float
    short_top3: float
    long_top1: float
    long_top3: float
    ece: float
    ece_softmax: float
    max_confidence: float
    top_bin_confidence: float
    top_bin_accuracy: float
    reporting_only: bool


def score_set(es: EvalSet, embedder: Embedder | None = None) -> tuple[SetScores, dict[str, Any]]:
    """Suggestions for an evaluation set from its codebook alone, as ``suggest codes``
    makes them, with accuracy, calibration and the raw arrays (for refitting)."""
    queries = [Query(t) for t in es.texts]
    sug = CodeSuggester(es.codebook, pool=queries, embedder=embedder)
    total, temperature = sug._weighted(queries)
    scaled = total / temperature
    order = np.argsort(-scaled, axis=1, kind="stable")
    gold = np.array([[c in g for c in sug.cids] for g in es.gold])
    rows = np.arange(len(queries))
    hit1 = np.asarray(gold[rows, order[:, 0]], dtype=bool)
    hit3 = np.asarray(gold[rows[:, None], order[:, :3]].any(1), dtype=bool)
    conf = calibrate(scaled, model=sug.embedder.model)[rows, order[:, 0]]
    soft = np.exp(scaled - scaled.max(1, keepdims=True))
    soft = soft / soft.sum(1, keepdims=True)
    short = np.array([len(t.split()) < SHORT_WORDS for t in es.texts])

    def mean(x: np.ndarray) -> float:
        return float(x.mean()) if len(x) else math.nan

    top = conf >= np.quantile(conf, 0.9)
    scores = SetScores(
        name=es.name,
        passages=len(queries),
        codes=len(sug.cids),
        top1=mean(hit1),
        top3=mean(hit3),
        short=int(short.sum()),
        short_top1=mean(hit1[short]),
        short_top3=mean(hit3[short]),
        long_top1=mean(hit1[~short]),
        long_top3=mean(hit3[~short]),
        ece=expected_calibration_error(conf, hit1),
        ece_softmax=expected_calibration_error(soft.max(1), hit1),
        max_confidence=float(conf.max()),
        top_bin_confidence=mean(conf[top]),
        top_bin_accuracy=mean(hit1[top]),
        reporting_only=es.reporting_only,
    )
    return scores, {"scaled": scaled, "gold": gold}


def fit_calibration(raw: Sequence[dict[str, Any]], top: int = 3) -> tuple[float, float]:
    """Platt scaling (slope, intercept) of a code's lead over the best other code, fitted
    on the top ``top`` codes of every passage of the given sets."""
    from sklearn.linear_model import LogisticRegression

    xs: list[float] = []
    ys: list[bool] = []
    for r in raw:
        scaled, gold = r["scaled"], r["gold"]
        srt = np.sort(scaled, axis=1)
        best, second = srt[:, -1:], srt[:, -2:-1]
        lead = scaled - np.where(scaled >= best, second, best)
        order = np.argsort(-scaled, axis=1)[:, :top]
        for i in range(len(scaled)):
            for j in order[i]:
                xs.append(float(lead[i, j]))
                ys.append(bool(gold[i, j]))
    m = LogisticRegression(C=10.0).fit(np.array(xs)[:, None], np.array(ys))
    return float(m.coef_[0, 0]), float(m.intercept_[0])
