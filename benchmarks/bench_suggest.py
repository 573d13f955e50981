"""Benchmark: how good code suggestions are, against a plain baseline in the same run.

1. The sample corpus (the demo project: de-identified sample transcripts with the sample
   coders' codings): ``qualkit suggest evaluate`` figures, leave-one-transcript-out, per
   coded passage and per coded span.
2. Three held-out studies in ``benchmarks/heldout/`` (codebooks and passages written
   separately and never used for tuning), through the ``suggest codes`` CSV mode: from a
   codebook alone, no coded examples.

Baseline for both: cosine similarity between the passage and each code's name and
definition with the same MiniLM model (what the issue calls plain cosine similarity).

Writes ``benchmarks/results/suggest.json`` and ``suggest.md``.

Run: ``.venv/bin/python benchmarks/bench_suggest.py``
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
try:
    import qualkit  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without an installed package
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from qualkit.model import Codebook  # noqa: E402
from qualkit.topics.embed import Embedder, shared_embedder  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
HELDOUT = ROOT / "benchmarks" / "heldout"


def accuracy(ranked: list[list[str]], gold: list[set[str]]) -> tuple[float, float]:
    top1 = float(np.mean([bool(r) and r[0] in g for r, g in zip(ranked, gold, strict=True)]))
    top3 = float(np.mean([bool(set(r[:3]) & g) for r, g in zip(ranked, gold, strict=True)]))
    return round(top1, 3), round(top3, 3)


def cosine_baseline(codebook: Codebook, texts: list[str], embedder: Embedder) -> list[list[str]]:
    codes = [c for c in codebook.codes if c.codable]
    proto = embedder.encode([f"{c.name}. {c.definition}" for c in codes])
    sims = embedder.encode(texts) @ proto.T
    return [[codes[j].cid for j in np.argsort(-row, kind="stable")[:3]] for row in sims]


def heldout(embedder: Embedder) -> dict[str, Any]:
    from qualkit.project import load_codebook_file
    from qualkit.topics.suggest import read_passages_csv, suggest_codes_file

    out: dict[str, Any] = {}
    for d in sorted(p for p in HELDOUT.iterdir() if (p / "gold.csv").exists()):
        codebook = load_codebook_file(d / "codebook.yaml")
        rows = read_passages_csv(d / "passages.csv")
        truth: dict[str, set[str]] = defaultdict(set)
        with (d / "gold.csv").open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                truth[r["id"]].add(r["code"])
        gold = [truth[pid] for pid, _ in rows]
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "out.csv"
            t0 = time.perf_counter()
            suggest_codes_file(d / "codebook.yaml", d / "passages.csv", target, embedder=embedder)
            seconds = time.perf_counter() - t0
            ranked: dict[str, list[str]] = defaultdict(list)
            with target.open(encoding="utf-8", newline="") as f:
                for r in csv.DictReader(f):
                    ranked[r["id"]].append(r["code"])
        ours = accuracy([ranked[pid] for pid, _ in rows], gold)
        base = accuracy(cosine_baseline(codebook, [t for _, t in rows], embedder), gold)
        out[d.name] = {
            "codes": sum(c.codable for c in codebook.codes),
            "passages": len(rows),
            "qualkit": ours,
            "baseline": base,
            "seconds": round(seconds, 1),
        }
        print(d.name, out[d.name], flush=True)
    return out


def sample(embedder: Embedder) -> dict[str, Any]:
    from qualkit.demo import build_demo
    from qualkit.storage import Store
    from qualkit.topics.evaluate import evaluate_suggestions
    from qualkit.topics.passages import project_passages
    from qualkit.topics.suggest import team_codings

    with tempfile.TemporaryDirectory() as tmp:
        demo = build_demo(Path(tmp), progress=False)
        with Store.open(demo.project) as store:
            s = evaluate_suggestions(store, embedder=embedder)
            codings = team_codings(store)
            codebook = store.codebook()
            texts, gold = [], []
            for p in project_passages(store):
                codes = {
                    c.code
                    for c in codings
                    if c.transcript == p.transcript
                    and 2 * p.overlap(c.start, c.end) >= min(c.end - c.start, p.end - p.start)
                }
                if codes:
                    texts.append(p.text)
                    gold.append(codes)
            base = accuracy(cosine_baseline(codebook, texts, embedder), gold)
    out = {
        "passages": s.passages,
        "qualkit": (round(s.top1, 3), round(s.top3, 3)),
        "baseline": base,
        "spans": s.spans,
        "spans_qualkit": (round(s.span_top1, 3), round(s.span_top3, 3)),
        "spans_exact": (round(s.span_top1_exact, 3), round(s.span_top3_exact, 3)),
    }
    print("sample", out, flush=True)
    return out


def main() -> int:
    embedder = shared_embedder()
    result = {"sample": sample(embedder), "heldout": heldout(embedder)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "suggest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    s = result["sample"]
    lines = [
        "# Code suggestion accuracy",
        "",
        "top-1 / top-3 accuracy; baseline: cosine similarity to each code's name and "
        "definition (same MiniLM model, same run).",
        "",
        "| material | passages | codes | qualkit | baseline |",
        "| --- | ---: | ---: | --- | --- |",
        f"| sample corpus, per coded passage (leave-one-transcript-out) | {s['passages']} | 24 "
        f"| {s['qualkit'][0]:.3f} / {s['qualkit'][1]:.3f} "
        f"| {s['baseline'][0]:.3f} / {s['baseline'][1]:.3f} |",
        f"| sample corpus, per coded span | {s['spans']} | 24 "
        f"| {s['spans_qualkit'][0]:.3f} / {s['spans_qualkit'][1]:.3f} | |",
    ]
    for name, h in result["heldout"].items():
        lines.append(
            f"| held-out `{name}` (codebook only) | {h['passages']} | {h['codes']} "
            f"| {h['qualkit'][0]:.3f} / {h['qualkit'][1]:.3f} "
            f"| {h['baseline'][0]:.3f} / {h['baseline'][1]:.3f} |"
        )
    (RESULTS / "suggest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
