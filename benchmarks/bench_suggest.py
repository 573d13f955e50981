"""Benchmark: how good code suggestions are, against a plain baseline in the same run.

1. The sample corpus (the demo project: de-identified sample transcripts with the sample
   coders' codings): ``qualkit suggest evaluate`` figures, leave-one-transcript-out, per
   coded passage and per coded span; and, for short coded spans (< 40 words), the effect of
   the context signals (surrounding turn, interviewer question) at weights 0, 1 and 2.
2. Every evaluation set in ``benchmarks/heldout/`` (three synthetic studies and two sets of
   real, published patient feedback), from a codebook alone as ``suggest codes`` makes
   them: top-1/top-3 overall, for short (< 40 words) and long passages, expected
   calibration error (10 bins) of the shown score against the uncalibrated softmax, and
   leave-one-set-out calibration error on the development sets (the set marked
   ``REPORTING_ONLY`` is never used to fit anything).
3. Each embedding model that is installed (``--models``): the same figures, passages/s
   and peak memory, and ``suggest codes`` on 1,000 passages end to end.

Baseline: cosine similarity between the passage and each code's name and definition with
the same model (what the issue calls plain cosine similarity).

``--fit`` prints the calibration refitted on the development sets (all but the
reporting-only set), to copy into :mod:`qualkit.topics.suggest`.

Writes ``benchmarks/results/suggest.json`` and ``suggest.md``.

Run: ``.venv/bin/python benchmarks/bench_suggest.py [--models all-MiniLM-L6-v2,all-mpnet-base-v2]
[--skip-sample] [--fit]``
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness
import numpy as np

from qualkit.model import Codebook
from qualkit.topics.embed import Embedder, shared_embedder

ROOT = harness.ROOT
RESULTS = harness.RESULTS
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
    """Figures for every evaluation set, with the baseline and leave-one-set-out ECE."""
    from dataclasses import asdict

    from qualkit.topics import suggest
    from qualkit.topics.evaluate import (
        expected_calibration_error,
        fit_calibration,
        load_eval_set,
        score_set,
    )

    out: dict[str, Any] = {}
    raw: dict[str, dict[str, Any]] = {}
    for d in sorted(p for p in HELDOUT.iterdir() if (p / "gold.csv").exists()):
        es = load_eval_set(d)
        t0 = time.perf_counter()
        scores, r = score_set(es, embedder)
        seconds = time.perf_counter() - t0
        raw[d.name] = r
        base = accuracy(cosine_baseline(es.codebook, es.texts, embedder), es.gold)
        out[d.name] = {**asdict(scores), "baseline": base, "seconds": round(seconds, 1)}
        print(d.name, {k: out[d.name][k] for k in ("top1", "top3", "ece")}, flush=True)
    dev = [n for n in raw if not out[n]["reporting_only"]]
    # Leave one development set out: fit on the others, measure on it.
    for name in dev:
        fitted = fit_calibration([raw[n] for n in dev if n != name])
        scaled, gold = raw[name]["scaled"], raw[name]["gold"]
        conf = suggest.calibrate(scaled, params=fitted)
        j = scaled.argmax(1)
        rows = np.arange(len(j))
        out[name]["ece_leave_one_set_out"] = expected_calibration_error(
            conf[rows, j], gold[rows, j]
        )
    out["_fit_on_dev"] = fit_calibration([raw[n] for n in dev])
    return out


def context_on_short_spans(embedder: Embedder) -> dict[str, Any]:
    """Top-1/top-3 on short coded spans (< 40 words) of the sample corpus with the context
    signals (turn, interviewer question) weighted 0, 1 and 2; leave-one-transcript-out."""
    from qualkit.demo import build_demo
    from qualkit.storage import Store
    from qualkit.topics.evaluate import _covering, _spans
    from qualkit.topics.project_suggest import project_suggester, team_codings
    from qualkit.topics.suggest import span_query

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        demo = build_demo(Path(tmp), progress=False)
        with Store.open(demo.project) as store:
            codable = {c.cid for c in store.codebook().codes if c.codable}
            codings = [c for c in team_codings(store) if c.code in codable]
            transcripts = {t.tid: t for t in store.transcripts(with_text=True)}
            sug = project_suggester(store, embedder=embedder, codings=codings)
            spans = _covering(_spans(codings))
            keys = [k for k in sorted(spans) if k[2] - k[1] > 0]
            queries = [span_query(transcripts[k[0]], k[1], k[2]) for k in keys]
            short = [i for i, q in enumerate(queries) if len(q.text.split()) < 40]
            long = [i for i, q in enumerate(queries) if len(q.text.split()) >= 40]
            for w in (0.0, 1.0, 2.0):
                for name in ("desc_ctx", "lex_ctx", "desc_q"):
                    sug.weights[name] = w
                res = {}
                for label, idx in (("short", short), ("long", long)):
                    ranked = sug.rank([queries[i] for i in idx], top=3)
                    res[label] = accuracy(
                        [[c for c, _ in r] for r in ranked], [spans[keys[i]] for i in idx]
                    )
                out[f"context_weight_{w:g}"] = res
                print("context weight", w, res, flush=True)
            out["short_spans"] = len(short)
            out["long_spans"] = len(long)
    return out


def thousand_passages(model: str) -> dict[str, Any]:
    """``suggest codes`` on 1,000 passages (the evaluation sets' passages repeated with a
    number added, so none is cached) in a fresh process: wall time, CPU time, peak memory."""
    import subprocess

    texts: list[str] = []
    for d in sorted(p for p in HELDOUT.iterdir() if (p / "gold.csv").exists()):
        with (d / "passages.csv").open(encoding="utf-8", newline="") as f:
            texts += [r["text"] for r in csv.DictReader(f)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "p.csv"
        with src.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "text"])
            for i in range(1000):
                w.writerow([f"p{i}", f"{texts[i % len(texts)]} ({i})"])
        code = (
            "import resource, time, sys; t0 = time.perf_counter(); "
            "from pathlib import Path; from qualkit.topics.suggest_csv import suggest_codes_file; "
            f"suggest_codes_file(Path({str(HELDOUT / 'crisis' / 'codebook.yaml')!r}), "
            f"Path({str(src)!r}), Path({str(Path(tmp) / 'out.csv')!r}), model={model!r}); "
            "ru = resource.getrusage(resource.RUSAGE_SELF); "
            "print(time.perf_counter() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024)"
        )
        t0 = time.perf_counter()
        res = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        wall = time.perf_counter() - t0
    inner, cpu, peak = (float(x) for x in res.stdout.split()[-3:])
    return {
        "process_seconds": round(wall, 1),
        "seconds_after_start": round(inner, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_mb": round(peak),
    }


def model_load(model: str) -> dict[str, Any]:
    """First load of the model in a fresh process (ONNX graph already exported)."""
    import subprocess

    code = (
        "import time; t0 = time.perf_counter(); "
        "from qualkit.topics.embed import Embedder; "
        f"e = Embedder(model={model!r}); e.encode(['hello']); t1 = time.perf_counter(); "
        "texts = [f'passage number {i} about waiting for a crisis team to ring back' "
        "for i in range(400)]; e.encode(texts); "
        "print(t1 - t0, 400 / (time.perf_counter() - t1))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    load, rate = (float(x) for x in res.stdout.split()[-2:])
    return {"first_load_seconds": round(load, 1), "passages_per_second": round(rate, 1)}


def sample(embedder: Embedder) -> dict[str, Any]:
    from qualkit.demo import build_demo
    from qualkit.storage import Store
    from qualkit.topics.evaluate import evaluate_suggestions
    from qualkit.topics.passages import project_passages
    from qualkit.topics.project_suggest import team_codings

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
    from qualkit.topics.embed import MODEL_NAME, MODELS, export_onnx, model_dir, onnx_available

    ap = harness.parser(__doc__)
    ap.add_argument("--models", default=MODEL_NAME, help="comma-separated model names")
    ap.add_argument("--skip-sample", action="store_true")
    ap.add_argument("--fit", action="store_true")
    args = ap.parse_args()
    result: dict[str, Any] = {"machine": harness.machine(load=harness.load_average())}
    for model in args.models.split(","):
        try:
            model_dir(model)
        except Exception as e:  # a model whose packages are not installed is skipped
            print(f"skipping {model}: {e}", flush=True)
            continue
        if onnx_available():
            export_onnx(name=model)
        embedder = shared_embedder(model=model)
        r: dict[str, Any] = {"licence": MODELS[model].licence, "dim": MODELS[model].dim}
        r.update(model_load(model))
        r["heldout"] = heldout(embedder)
        r["thousand"] = thousand_passages(model)
        if model == MODEL_NAME and not args.skip_sample:
            r["sample"] = sample(embedder)
            r["context"] = context_on_short_spans(embedder)
        result[model] = r
        print(model, r["thousand"], flush=True)
        if args.fit:
            a, b = r["heldout"]["_fit_on_dev"]
            print(f"CALIBRATION[{model!r}] = ({a:.3f}, {b:.3f})")
    md = markdown(result)
    harness.write_results(RESULTS / "suggest.json", result, md)
    print(md)
    return 0


def markdown(result: dict[str, Any]) -> str:
    lines = ["# Code suggestion accuracy and calibration", ""]
    for model, r in result.items():
        if model == "machine":
            continue
        lines += [
            f"## {model} ({r['licence']}, {r['dim']} dimensions)",
            "",
            f"First load {r['first_load_seconds']} s; {r['passages_per_second']} passages/s "
            f"(ONNX when available); `suggest codes` on 1,000 passages: "
            f"{r['thousand']['process_seconds']} s in a new process "
            f"({r['thousand']['cpu_seconds']} CPU s), peak {r['thousand']['peak_mb']} MB.",
            "",
            "From a codebook alone. top-1 / top-3; short = under 40 words; ECE = expected "
            "calibration error of the top suggestion's shown score (10 bins); LOSO = fitted "
            "without that set.",
            "",
            "| set | passages | codes | qualkit | baseline (cosine) | short (n) | long "
            "| ECE shown | ECE LOSO | ECE softmax | max shown | top-10% acc |",
            "| --- | ---: | ---: | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        sets = {k: v for k, v in r["heldout"].items() if not k.startswith("_")}
        for name, h in sets.items():
            tag = " (reporting only)" if h["reporting_only"] else ""
            lines.append(
                f"| `{name}`{tag} | {h['passages']} | {h['codes']} "
                f"| {h['top1']:.3f} / {h['top3']:.3f} "
                f"| {h['baseline'][0]:.3f} / {h['baseline'][1]:.3f} "
                f"| {h['short_top1']:.3f} / {h['short_top3']:.3f} ({h['short']}) "
                f"| {h['long_top1']:.3f} / {h['long_top3']:.3f} "
                f"| {h['ece']:.3f} | {h.get('ece_leave_one_set_out', float('nan')):.3f} "
                f"| {h['ece_softmax']:.3f} | {h['max_confidence']:.2f} "
                f"| {h['top_bin_accuracy']:.2f} |"
            )
        n = len(sets)
        lines += [
            f"| mean of {n} sets | | "
            f"| {sum(h['top1'] for h in sets.values()) / n:.3f} / "
            f"{sum(h['top3'] for h in sets.values()) / n:.3f} "
            f"| {sum(h['baseline'][0] for h in sets.values()) / n:.3f} / "
            f"{sum(h['baseline'][1] for h in sets.values()) / n:.3f} | | | | | | | |",
            "",
        ]
        if "sample" in r:
            s = r["sample"]
            lines += [
                f"Sample corpus, per coded passage (leave-one-transcript-out, {s['passages']}): "
                f"{s['qualkit'][0]:.3f} / {s['qualkit'][1]:.3f} (baseline "
                f"{s['baseline'][0]:.3f} / {s['baseline'][1]:.3f}); per coded span "
                f"({s['spans']}): {s['spans_qualkit'][0]:.3f} / {s['spans_qualkit'][1]:.3f}.",
                "",
            ]
        if "context" in r:
            c = r["context"]
            lines += [
                f"Context weight (turn and question) on the sample corpus's coded spans, "
                f"short ({c['short_spans']}) / long ({c['long_spans']}), top-1 / top-3:",
                "",
            ]
            for k, v in c.items():
                if k.startswith("context_weight"):
                    lines.append(
                        f"- weight {k.rsplit('_', 1)[1]}: short {v['short'][0]:.3f} / "
                        f"{v['short'][1]:.3f}, long {v['long'][0]:.3f} / {v['long'][1]:.3f}"
                    )
            lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
