"""Benchmark: analysis views on 200 transcripts × 3 coders × 30 codes.

A synthetic project (SQLite): 200 transcripts of 40 labelled turns (20 answers), 6 themes
of 5 codes, 200 participants with a role, borough and gender; each of 3 coders codes
every answer of every transcript with one code (agreeing with the first coder two times
in three, with shifted boundaries), and the consensus layer holds the first coder's
codings of half the transcripts: 14,000 codings.

Timed (median of 3 runs; wall and CPU seconds):

- baseline: a plain SQL ``GROUP BY`` count of codings per code and role (``sqlite3``),
  the least any matrix has to do;
- ``qualkit.open`` and the ``codings`` table, from cold;
- matrices (code × role, code × borough with participants and column percentages,
  theme × gender with small cells hidden, code × coder) and co-occurrence (by turn and by
  overlap) on an open study;
- the Framework matrix built and written as XLSX;
- chart specs (codes, co-occurrence, progress, agreement from worked-out figures), and
  the codes chart and the 30 × 30 co-occurrence heat map drawn as SVG and PNG (2×) by
  vl-convert, after a first drawing that starts it.

Targets: any matrix < 1 s, the Framework XLSX < 10 s, a chart < 1 s (spec; the drawing is
reported too), ``qualkit.open`` + codings < 2 s. Writes ``benchmarks/results/analysis.json``
and ``analysis.md``.

Run: ``.venv/bin/python benchmarks/bench_analysis.py``
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness

import qualkit
from qualkit.analysis.charts import agreement_chart
from qualkit.analysis.export import write_framework
from qualkit.files import write_atomically
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Participant,
    Provenance,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
)
from qualkit.storage import Store
from qualkit.text import text_hash

N_TRANSCRIPTS = 200
ANSWERS = 20
THEMES = 6
CODES_PER_THEME = 5
CODERS = ("coder_a", "coder_b", "coder_c")
REPEATS = 3
SEED = 20261202
LIMITS = {"matrix": 1.0, "framework": 10.0, "chart": 1.0, "open": 2.0}
RESULTS = harness.RESULTS / "analysis.json"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(harness.WORDS) for _ in range(rng.randint(6, 14))]
    return " ".join(words).capitalize() + "."


def make_transcript(tid: str, rng: random.Random) -> tuple[Transcript, list[tuple[int, int]]]:
    parts: list[str] = []
    turns: list[Turn] = []
    answers: list[tuple[int, int]] = []
    pos = 0
    for k in range(ANSWERS):
        for j, (speaker, kind, words) in enumerate(
            (
                ("Interviewer", SpeakerKind.INTERVIEWER, sentence(rng)),
                (
                    "Participant",
                    SpeakerKind.PARTICIPANT,
                    " ".join(sentence(rng) for _ in range(rng.randint(2, 4))),
                ),
            )
        ):
            line = f"{speaker}: {words}\n"
            start = pos + len(speaker) + 2
            turns.append(Turn(2 * k + j, speaker, kind, start, start + len(words), pos))
            if kind is SpeakerKind.PARTICIPANT:
                answers.append((start, start + len(words)))
            parts.append(line)
            pos += len(line)
    text = "".join(parts)
    return Transcript(tid, f"Interview {tid}", text, f"{tid}.txt", text_hash(text), turns), answers


def build_project(path: Path, rng: random.Random) -> int:
    store = Store.open(path)
    store.init_project("Analysis benchmark", "", "bench")
    codes: list[Code] = []
    for th in range(THEMES):
        codes.append(Code(f"theme{th}", f"Theme {th}", "A theme.", codable=False))
        codes += [
            Code(f"theme{th}.code{c}", f"Code {th}.{c}", "A code.", parent=f"theme{th}")
            for c in range(CODES_PER_THEME)
        ]
    store.set_codebook(Codebook("Bench", codes), "bench")
    leaves = [c.cid for c in codes if c.parent]
    for name in CODERS:
        store.add_user(name, Role.CODER, "bench")
    roles = ["Person accessing support", "Person working in the system"]
    boroughs = ["Lambeth", "Southwark", "Lewisham", "Hackney"]
    items = []
    answers: dict[str, list[tuple[int, int]]] = {}
    for i in range(N_TRANSCRIPTS):
        tid = f"t{i:03d}"
        t, spans = make_transcript(tid, rng)
        t.participant = f"P{i:03d}"
        attrs = {"borough": boroughs[i % 4], "gender": ["Woman", "Man", "Non-binary"][i % 3]}
        items.append((t, Participant(t.participant, roles[i % 2], attrs)))
        answers[tid] = spans
    store.add_transcripts(items, "bench")
    codings: list[Coding] = []
    for n, (tid, spans) in enumerate(answers.items()):
        for a, b in spans:
            first = rng.choice(leaves)
            codings.append(Coding("coder_a", tid, a, b, first))
            for coder in CODERS[1:]:
                code = first if rng.random() < 2 / 3 else rng.choice(leaves)
                codings.append(Coding(coder, tid, a + rng.randint(0, 5), b, code))
            if n % 2 == 0:
                codings.append(
                    Coding("consensus", tid, a, b, first, provenance=Provenance.CONSENSUS)
                )
    store.add_codings(codings, "bench")
    for tid in answers:
        for coder in CODERS:
            store.assign(tid, coder, "bench")
    store.close()
    return len(codings)


BASELINE_SQL = """
SELECT codes.cid, participants.role, count(*)
FROM codings
JOIN codes ON codes.id = codings.code_id
JOIN transcripts ON transcripts.id = codings.transcript_id
LEFT JOIN participants ON participants.id = transcripts.participant_id
GROUP BY codes.cid, participants.role
"""


def baseline(db: Path) -> list[Any]:
    with sqlite3.connect(db) as conn:
        return conn.execute(BASELINE_SQL).fetchall()


def open_and_load(db: Path) -> int:
    study = qualkit.open(db)
    try:
        return len(study.codings)
    finally:
        study.close()


def markdown(s: dict[str, Any]) -> str:
    p = s["project"]
    lines = [
        "## Analysis",
        "",
        f"Synthetic project: {p['transcripts']} transcripts, {p['coders']} coders and the "
        f"consensus layer, {p['codes']} codes in {p['themes']} themes, {p['codings']:,} "
        f"codings. Median of {s['repeats']} runs. Baseline: a plain SQL count of codings "
        "per code and role.",
        "",
        "| Step | Wall (s) | CPU (s) | × baseline | Limit (s) | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, r in s["seconds"].items():
        limit = f"{r['limit']:g}" if r.get("limit") else ""
        ok = "" if not r.get("limit") else ("ok" if r["wall"] < r["limit"] else "OVER")
        lines.append(
            f"| {name} | {r['wall']:.3f} | {r['cpu']:.3f} | {r['ratio']:,.0f} | {limit} | {ok} |"
        )
    verdict = harness.verdict_word(s["passed"])
    lines += ["", f"Targets: {verdict}.", ""]
    return "\n".join(lines)


def main() -> int:
    rng = random.Random(SEED)
    t: dict[str, dict[str, Any]] = {}

    def record(name: str, fn: Callable[[], Any], limit: float | None = None) -> Any:
        wall, cpu, result = harness.timed(fn, REPEATS)
        t[name] = {"wall": wall, "cpu": cpu, "limit": limit}
        print(f"  {name}: {wall:.3f} s", flush=True)
        return result

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        db = tmpdir / "bench.db"
        print("building the project ...", flush=True)
        n_codings = build_project(db, rng)
        record("baseline: SQL count per code and role", lambda: baseline(db))
        record("qualkit.open + codings table (cold)", lambda: open_and_load(db), LIMITS["open"])
        study = qualkit.open(db)
        try:
            _ = study.codings, study.transcripts
            record(
                "matrix: code × role, codings",
                lambda: study.matrix("code", "role"),
                LIMITS["matrix"],
            )
            record(
                "matrix: code × borough, participants, column %",
                lambda: study.matrix("code", "borough", count="participants", percent="col"),
                LIMITS["matrix"],
            )
            record(
                "matrix: theme × gender, transcripts, small cells hidden",
                lambda: study.matrix("theme", "gender", count="transcripts", suppress_below=3),
                LIMITS["matrix"],
            )
            record("matrix: code × coder", lambda: study.matrix("code", "coder"), LIMITS["matrix"])
            record("co-occurrence by turn", lambda: study.cooccurrence("turn"), LIMITS["matrix"])
            record(
                "co-occurrence by overlap",
                lambda: study.cooccurrence("overlap"),
                LIMITS["matrix"],
            )
            out = tmpdir / "framework.xlsx"
            record(
                "Framework matrix built and written as XLSX",
                lambda: write_atomically(
                    out, lambda f: write_framework(study.framework("code"), "xlsx", f)
                ),
                LIMITS["framework"],
            )
            record(
                "chart spec: codes by theme and role",
                lambda: study.chart("codes"),
                LIMITS["chart"],
            )
            record(
                "chart spec: co-occurrence heat map",
                lambda: study.chart("cooccurrence"),
                LIMITS["chart"],
            )
            record("chart spec: coding progress", lambda: study.chart("progress"), LIMITS["chart"])
            wall, cpu, frame = harness.timed(lambda: study.agreement(bootstrap=200))
            t["agreement figures (200 bootstrap resamples; not a chart)"] = {
                "wall": wall,
                "cpu": cpu,
                "limit": None,
            }
            record(
                "chart spec: agreement by code",
                lambda: agreement_chart(study, frame=frame),
                LIMITS["chart"],
            )
            chart = study.chart("codes")
            wall, cpu, _ = harness.timed(chart.to_svg)
            t["first drawing in the process (vl-convert start-up)"] = {
                "wall": wall,
                "cpu": cpu,
                "limit": None,
            }
            record("draw codes chart as SVG", chart.to_svg, LIMITS["chart"])
            record("draw codes chart as PNG", chart.to_png, LIMITS["chart"])
            heat = study.chart("cooccurrence")
            record("draw co-occurrence heat map as SVG", heat.to_svg, LIMITS["chart"])
            record("draw co-occurrence heat map as PNG", heat.to_png, LIMITS["chart"])
        finally:
            study.close()

    base = t["baseline: SQL count per code and role"]["wall"]
    for r in t.values():
        r["ratio"] = r["wall"] / base if base > 0 else 0.0
        r["wall"], r["cpu"], r["ratio"] = (
            round(r["wall"], 4),
            round(r["cpu"], 4),
            round(r["ratio"], 1),
        )
    passed = all(r["wall"] < r["limit"] for r in t.values() if r.get("limit"))
    summary = harness.summary(
        "analysis",
        passed,
        t,
        head={"repeats": REPEATS},
        project={
            "transcripts": N_TRANSCRIPTS,
            "coders": len(CODERS),
            "codes": THEMES * CODES_PER_THEME,
            "themes": THEMES,
            "codings": n_codings,
            "seed": SEED,
        },
    )
    message = f"{n_codings:,} codings; baseline {base:.4f} s"
    return harness.finish(RESULTS, summary, markdown(summary), message)


if __name__ == "__main__":
    raise SystemExit(main())
