"""Benchmark: embeddings and theme discovery, on the sample corpus and on 200 transcripts.

1. Embedding throughput (passages/s) of the sample corpus's passages: plain
   ``SentenceTransformer.encode`` against qualkit's embedder (ONNX Runtime with
   length-sorted batches when available), in the same run, with their agreement (cosine).
2. Themes end to end (passages → embeddings → BERTopic themes stored in the project) for
   the sample corpus (12 transcripts, with the sample codings): cold (a new process, empty
   embedding cache) and warm (a new process, cache filled), as CLI runs; and in-process.
   Goals: under 60 s cold, under 10 s warm.
3. The same for a synthetic corpus of 200 transcripts (~20,000 passages) made by
   resampling sentences of the sample corpus, with peak memory. Goal: under 20 minutes.

Timings are wall-clock for a whole ``python`` process (start-up, imports, model, work);
the theme evaluation afterwards is not timed. The sample project here is made from the
rendered sample transcripts directly (the sample data is synthetic), not through
de-identification, so that only topic work is timed.

Writes ``benchmarks/results/topics.json`` and ``topics.md``.

Run: ``.venv/bin/python benchmarks/bench_topics.py [--transcripts 200] [--skip-large]``
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness
import numpy as np

from qualkit.model import SpeakerKind, Transcript
from qualkit.storage import Store
from tests.builders import transcript_from_turns

ROOT = harness.ROOT
RESULTS = harness.RESULTS
SAMPLE = ROOT / "corpora" / "sample"
CODEBOOK = ROOT / "codebooks" / "multiple-disadvantage.yaml"

# Run in a child process: time one theme run and report peak memory.
CHILD = """
import json, sys, time
t0 = time.perf_counter()
from qualkit.storage import Store
from qualkit.topics.embed import Embedder
from qualkit.topics.themes import run_themes
t_import = time.perf_counter() - t0


def peak_mb():
    # VmHWM starts afresh at exec, unlike ru_maxrss, which a child inherits.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


store = Store.open(sys.argv[1])
emb = Embedder()
t1 = time.perf_counter()
themes = run_themes(store, "bench", embedder=emb)
t2 = time.perf_counter()
print(json.dumps({
    "total_s": time.perf_counter() - t0, "import_s": t_import, "run_s": t2 - t1,
    "embedded": emb.computed, "themes": len(themes), "backend": emb.backend,
    "peak_rss_mb": peak_mb(),
}))
"""


def sample_project(path: Path) -> Path:
    from qualkit.codebook import load_codebook
    from qualkit.codings_io import import_coding_files
    from qualkit.project import NotIdentifiableGate, import_transcripts, init_project

    store = init_project(path, "bench", "bench")
    store.set_codebook(load_codebook(CODEBOOK), "bench")
    files = sorted(p for p in (SAMPLE / "transcripts").iterdir() if p.is_file())
    import_transcripts(
        store,
        files,
        "bench",
        NotIdentifiableGate(),
        participants_csv=SAMPLE / "participants.csv",
    )
    import_coding_files(store, sorted((SAMPLE / "codings").glob("*.yaml")), "bench")
    store.close()
    return path


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 3]


def synthetic_transcripts(store: Store, n: int, seed: int = 7) -> list[Transcript]:
    """``n`` transcripts of resampled sample sentences, ~100 passages each."""
    rng = random.Random(seed)
    answers: list[str] = []
    questions: list[str] = []
    for t in store.transcripts(with_text=True):
        for u in t.turns:
            body = t.text[u.start : u.end]
            if u.kind == SpeakerKind.INTERVIEWER:
                questions.append(" ".join(body.split()))
            else:
                answers.extend(_sentences(body))
    out = []
    for i in range(n):
        parts: list[tuple[SpeakerKind, str]] = []
        words = 0
        while words < 8200:
            parts.append((SpeakerKind.INTERVIEWER, rng.choice(questions)))
            answer = " ".join(rng.choice(answers) for _ in range(rng.randint(2, 14)))
            parts.append((SpeakerKind.PARTICIPANT, answer))
            words += len(answer.split())
        out.append(transcript_from_turns(parts, f"s{i:03d}", f"Synthetic {i}"))
    return out


def large_project(path: Path, n: int) -> Path:
    sample_project(path)
    with Store.open(path) as store:
        extra = synthetic_transcripts(store, n - len(store.transcripts()))
        for i in range(0, len(extra), 20):
            store.add_transcripts([(t, None) for t in extra[i : i + 20]], "bench")
    return path


def run_child(project: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(project)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    data["wall_s"] = time.perf_counter() - t0
    from qualkit.topics.evaluate import evaluate_themes

    with Store.open(project) as store:
        if store.codings():
            e = evaluate_themes(store)
            data["themes_eval"] = {"nmi": e.nmi, "ari": e.ari, "unassigned": e.unassigned}
    return data


def bench_embedding(texts: list[str]) -> dict[str, Any]:
    import numpy as np

    from qualkit.topics.embed import Embedder, load_sentence_transformer, onnx_available

    st = load_sentence_transformer()
    st.encode(texts[:32])
    fast = Embedder()
    fast.encode(texts[:32])
    rows: dict[str, Any] = {"passages": len(texts), "backend": fast.backend}
    # Alternate the two so that load from other processes hits both alike.
    st_t: list[float] = []
    fast_t: list[float] = []
    for _ in range(2):
        t = time.perf_counter()
        a = st.encode(texts, batch_size=32, normalize_embeddings=True)
        st_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = fast.encode(texts)
        fast_t.append(time.perf_counter() - t)
    rows["sentence_transformers_per_s"] = len(texts) / min(st_t)
    rows["qualkit_per_s"] = len(texts) / min(fast_t)
    rows["speedup"] = rows["qualkit_per_s"] / rows["sentence_transformers_per_s"]
    rows["min_cosine"] = float(np.min(np.sum(np.asarray(a) * b, axis=1)))
    rows["onnx_available"] = onnx_available()
    return rows


def real_sets() -> dict[str, Any]:
    """Theme discovery on each evaluation set in ``benchmarks/heldout/`` (each passage its
    own document): NMI/ARI of the themes with the human labels (the top-level theme of the
    passage's first gold code, and the gold code itself) over passages given a theme, and
    the share left unassigned; qualkit's ``suggest themes`` method against BERTopic with
    its defaults (UMAP + HDBSCAN) on the same embeddings, in the same run."""
    from bertopic import BERTopic
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from qualkit.model import Span
    from qualkit.topics.embed import shared_embedder
    from qualkit.topics.evaluate import load_eval_set
    from qualkit.topics.passages import Passage
    from qualkit.topics.suggest import CodeSuggester, Query
    from qualkit.topics.themes import discover_themes

    embedder = shared_embedder()
    out: dict[str, Any] = {}
    heldout = ROOT / "benchmarks" / "heldout"
    for d in sorted(p for p in heldout.iterdir() if (p / "gold.csv").exists()):
        es = load_eval_set(d)
        passages = [
            Passage(pid, [Span(0, len(t))], t) for pid, t in zip(es.ids, es.texts, strict=True)
        ]
        emb = embedder.encode(es.texts)
        firsts = [sorted(g)[0] for g in es.gold]
        gold_theme = np.array([es.codebook.theme_of(c) for c in firsts])
        gold_code = np.array(firsts)

        def score(
            assign: np.ndarray,
            seconds: float,
            gold_theme: np.ndarray = gold_theme,
            gold_code: np.ndarray = gold_code,
        ) -> dict[str, Any]:
            ok = assign >= 0
            if ok.sum() < 2:  # nothing (or one passage) given a theme: no agreement to measure
                nan = float("nan")
                return {
                    "themes": 0,
                    "nmi_theme": nan,
                    "ari_theme": nan,
                    "nmi_code": nan,
                    "unassigned": float(1 - ok.mean()),
                    "seconds": round(seconds, 1),
                }
            return {
                "themes": len(set(assign[ok].tolist())),
                "nmi_theme": float(normalized_mutual_info_score(gold_theme[ok], assign[ok])),
                "ari_theme": float(adjusted_rand_score(gold_theme[ok], assign[ok])),
                "nmi_code": float(normalized_mutual_info_score(gold_code[ok], assign[ok])),
                "unassigned": float(1 - ok.mean()),
                "seconds": round(seconds, 1),
            }

        t0 = time.perf_counter()
        sug = CodeSuggester(es.codebook, pool=[Query(t) for t in es.texts], embedder=embedder)
        run = discover_themes(passages, emb, suggester=sug, codebook=es.codebook)
        ours = score(np.asarray(run.assignment), time.perf_counter() - t0)
        t0 = time.perf_counter()
        topics, _ = BERTopic().fit_transform(es.texts, emb)
        base = score(np.asarray(topics), time.perf_counter() - t0)
        out[d.name] = {
            "passages": len(es.texts),
            "gold_themes": len(set(gold_theme.tolist())),
            "reporting_only": es.reporting_only,
            "qualkit": ours,
            "bertopic_defaults": base,
        }
        print(d.name, json.dumps(out[d.name]), flush=True)
    return out


def real_markdown(r: dict[str, Any]) -> str:
    lines = [
        "## Themes on the evaluation sets",
        "",
        "NMI / ARI with the human themes (top-level theme of each passage's first gold code) "
        "over passages given a theme; NMI with the gold code; share unassigned. BERTopic with "
        "its defaults on the same embeddings, same run.",
        "",
        "| set | passages | human themes | qualkit NMI / ARI / NMI code / unassigned "
        "| BERTopic defaults NMI / ARI / NMI code / unassigned |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for name, v in r.items():
        cells = []
        for k in ("qualkit", "bertopic_defaults"):
            x = v[k]
            cells.append(
                f"{x['nmi_theme']:.3f} / {x['ari_theme']:.3f} / {x['nmi_code']:.3f} / "
                f"{x['unassigned']:.0%} ({x['themes']} themes)"
            )
        tag = " (reporting only)" if v["reporting_only"] else ""
        lines.append(
            f"| `{name}`{tag} | {v['passages']} | {v['gold_themes']} | {cells[0]} | {cells[1]} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = harness.parser(__doc__)
    ap.add_argument("--transcripts", type=int, default=200)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument(
        "--real-sets-only",
        action="store_true",
        help="only theme discovery on the evaluation sets (writes topics_real.*)",
    )
    args = ap.parse_args()
    if args.real_sets_only:
        real = real_sets()
        md = real_markdown(real)
        harness.write_results(RESULTS / "topics_real.json", real, md)
        print(md)
        return 0
    results: dict[str, Any] = {"machine": harness.machine(load_average=harness.load_average())}
    with tempfile.TemporaryDirectory(prefix="qk-bench-topics-") as tmp:
        tmpd = Path(tmp)
        # The ONNX graph is exported once per machine; keep that out of the timings.
        from qualkit.topics.embed import export_onnx, onnx_available

        if onnx_available():
            export_onnx()
        proj = sample_project(tmpd / "sample.db")
        from qualkit.topics.passages import project_passages

        with Store.open(proj) as store:
            texts = [p.text for p in project_passages(store)]
        print(f"embedding {len(texts)} passages two ways...", flush=True)
        results["embedding"] = bench_embedding(texts)
        print(json.dumps(results["embedding"]), flush=True)

        print("sample corpus: cold and warm runs...", flush=True)
        cold = run_child(proj)
        warm = run_child(proj)
        results["sample"] = {"transcripts": 12, "passages": len(texts), "cold": cold, "warm": warm}

        from qualkit.topics.embed import Embedder
        from qualkit.topics.themes import run_themes

        with Store.open(proj) as store:
            emb = Embedder()
            t = time.perf_counter()
            run_themes(store, "bench", embedder=emb)
            first = time.perf_counter() - t
            t = time.perf_counter()
            run_themes(store, "bench", embedder=emb)
            second = time.perf_counter() - t
        results["sample"]["in_process"] = {"first_s": first, "again_s": second}
        print(json.dumps(results["sample"]), flush=True)

        if not args.skip_large:
            print(f"building {args.transcripts} transcripts...", flush=True)
            big = large_project(tmpd / "large.db", args.transcripts)
            with Store.open(big) as store:
                n_pass = len(project_passages(store))
            print(f"{n_pass} passages; themes cold...", flush=True)
            large_cold = run_child(big)
            print(json.dumps(large_cold), flush=True)
            large_warm = run_child(big)
            results["large"] = {
                "transcripts": args.transcripts,
                "passages": n_pass,
                "cold": large_cold,
                "warm": large_warm,
            }
    previous = RESULTS / "topics.json"
    if args.skip_large and previous.exists():
        # Keep the last large-corpus figures, marked with when they were measured.
        old = json.loads(previous.read_text(encoding="utf-8"))
        if "large" in old:
            results["large"] = {**old["large"], "from_earlier_run": True}
    md = markdown(results)
    harness.write_results(RESULTS / "topics.json", results, md)
    print(md)
    return 0


def markdown(r: dict[str, Any]) -> str:
    e = r["embedding"]
    s = r["sample"]
    lines = [
        "## Topics: embeddings and theme discovery",
        "",
        f"Machine: {r['machine']['cpus']} CPUs, load average at start "
        f"{', '.join(f'{x:.1f}' for x in r['machine']['load_average'])}.",
        "",
        "| measure | result | goal |",
        "| --- | --- | --- |",
        f"| embedding, SentenceTransformer.encode | {e['sentence_transformers_per_s']:.1f} "
        "passages/s | |",
        f"| embedding, qualkit ({e['backend']}) | {e['qualkit_per_s']:.1f} passages/s "
        f"(×{e['speedup']:.2f}; min cosine {e['min_cosine']:.6f}) | faster |",
        f"| sample themes, cold CLI run ({s['passages']} passages) | {s['cold']['wall_s']:.1f} s "
        f"(of which imports {s['cold']['import_s']:.1f} s) | < 60 s |",
        f"| sample themes, warm CLI run | {s['warm']['wall_s']:.1f} s (imports "
        f"{s['warm']['import_s']:.1f} s) | < 10 s |",
        f"| sample themes, in-process first / again | {s['in_process']['first_s']:.1f} s / "
        f"{s['in_process']['again_s']:.1f} s | |",
        f"| sample themes vs coded themes | NMI {s['warm']['themes_eval']['nmi']:.3f}, "
        f"unassigned {s['warm']['themes_eval']['unassigned']:.1%} | NMI ≥ 0.40, ≤ 10% |",
    ]
    if "large" in r:
        g = r["large"]
        when = " (earlier run)" if g.get("from_earlier_run") else ""
        lines += [
            f"| {g['transcripts']} transcripts ({g['passages']} passages), cold{when} | "
            f"{g['cold']['wall_s'] / 60:.1f} min, peak {g['cold']['peak_rss_mb']:.0f} MB | "
            "< 20 min |",
            f"| {g['transcripts']} transcripts, warm | {g['warm']['wall_s'] / 60:.1f} min, "
            f"peak {g['warm']['peak_rss_mb']:.0f} MB | |",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
