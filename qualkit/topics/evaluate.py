"""Measure suggestions against the team's own coding.

- Code suggestions: every distinct coded span (consensus layer if there is one, else all
  coders' codings) is a passage; its gold codes are the codes applied to exactly that span.
  Top-1 / top-3 accuracy is the share of passages whose first / first three suggestions
  include a gold code. Suggestions learn from coded passages leave-one-transcript-out: a
  passage never learns from itself or anything else in its transcript.
- Themes: each coded span is placed in the discovered theme of the passage that overlaps
  it most; its gold theme is the top-level parent of its code. Reported: NMI and ARI over
  coded spans that got a theme, and the share of passages (all, and coded) left unassigned.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualkit.errors import QualkitError
from qualkit.model import Codebook, Coding
from qualkit.topics.embed import Embedder

if TYPE_CHECKING:
    from qualkit.storage import Store


@dataclass
class SuggestionScores:
    passages: int
    top1: float
    top3: float
    source: str
    transcripts: int
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
            ]
        t = self.themes
        if t is not None:
            lines += [
                f"Themes ({t.themes} themes, {t.passages} passages; {t.coded_passages} coded "
                "passages compared with their codes' top-level themes):",
                f"  NMI {t.nmi:.3f}   ARI {t.ari:.3f}",
                f"  unassigned: {t.unassigned:.1%} of passages, {t.unassigned_coded:.1%} of "
                "coded passages",
            ]
        lines += self.notes
        return "\n".join(lines)


def top_level(codebook: Codebook, cid: str) -> str:
    """The top-level ancestor of a code (itself when it has no parent)."""
    by_id = codebook.by_id()
    seen = set()
    cur = cid
    while cur in by_id and by_id[cur].parent and cur not in seen:
        seen.add(cur)
        cur = by_id[cur].parent or cur
    return cur


def _spans(codings: list[Coding]) -> dict[tuple[str, int, int], set[str]]:
    spans: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    for c in codings:
        spans[(c.transcript, c.start, c.end)].add(c.code)
    return spans


def evaluate_suggestions(store: Store, *, embedder: Embedder | None = None) -> SuggestionScores:
    """Top-1 / top-3 accuracy of code suggestions on the team's coded passages."""
    from qualkit.storage.store import CONSENSUS_CODER
    from qualkit.topics.suggest import project_suggester, span_query, team_codings

    codings = team_codings(store)
    codable = {c.cid for c in store.codebook().codes if c.codable}
    codings = [c for c in codings if c.code in codable]
    if not codings:
        raise QualkitError("the project has no coded passages to evaluate against")
    source = "consensus layer" if codings and codings[0].coder == CONSENSUS_CODER else "all coders"
    spans = _spans(codings)
    keys = sorted(spans)
    transcripts = {t.tid: t for t in store.transcripts(with_text=True)}
    queries = [span_query(transcripts[k[0]], k[1], k[2]) for k in keys]
    sug = project_suggester(store, embedder=embedder, codings=codings)
    ranked = sug.rank(queries, top=3)
    hits1 = [r[0][0] in spans[k] for r, k in zip(ranked, keys, strict=True)]
    hits3 = [any(c in spans[k] for c, _ in r) for r, k in zip(ranked, keys, strict=True)]
    per: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for k, h1, h3 in zip(keys, hits1, hits3, strict=True):
        for code in spans[k]:
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
        passages=len(keys),
        top1=float(np.mean(hits1)),
        top3=float(np.mean(hits3)),
        source=source,
        transcripts=len({k[0] for k in keys}),
        per_code=per_code,
    )


def evaluate_themes(store: Store) -> ThemeScores:
    """Agreement of the current discovered themes with the coded themes."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from qualkit.topics.passages import project_passages
    from qualkit.topics.suggest import team_codings

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
        tops = Counter(top_level(codebook, c) for c in codes)
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
    "top_level",
]
