"""Benchmark: a 5,000-quote bank in every format, and a .qdpx export and import.

A synthetic project (SQLite): 50 transcripts of labelled turns, 5 themes of 5 codes,
5,000 coded passages by ``coder_a``, half of them also coded (overlapping, different
boundaries) by ``coder_b``, so merging leaves exactly 5,000 quotes; some passages hold
transcription marks to tidy. Times building the bank from the database, then writing it
as CSV (the baseline), Markdown, XLSX and DOCX, each to a file through
``write_atomically`` (median of 3 runs), then exporting the project to ``.qdpx`` and
importing it into a fresh project. XLSX and DOCX must each take under 10 s. Writes
``benchmarks/results/export.json`` and ``export.md``.

Run: ``.venv/bin/python benchmarks/bench_export.py``
"""

from __future__ import annotations

import random
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import harness

from qualkit.export import QuoteBank, build_quote_bank, write_quotes
from qualkit.files import write_atomically
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Participant,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
)
from qualkit.project import NotIdentifiableGate
from qualkit.refiqda import export_qdpx, import_qdpx_into
from qualkit.storage import Store
from qualkit.text import text_hash

N_TRANSCRIPTS = 50
PASSAGES_PER_TRANSCRIPT = 100
THEMES = 5
CODES_PER_THEME = 5
REPEATS = 3
LIMIT_SECONDS = 10.0
SEED = 20240701
RESULTS = harness.RESULTS / "export.json"

MARKS = ["[inaudible 00:12:01]", "[crosstalk]", "(laughs)", "[00:03:12]", "[PERSON 1]"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(harness.WORDS) for _ in range(rng.randint(6, 16))]
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(MARKS))
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def make_transcript(tid: str, rng: random.Random) -> tuple[Transcript, list[tuple[int, int]]]:
    """A transcript with one participant passage (two sentences) per coded passage."""
    parts: list[str] = []
    turns: list[Turn] = []
    passages: list[tuple[int, int]] = []
    pos = 0
    for k in range(PASSAGES_PER_TRANSCRIPT):
        question = f"Interviewer: {sentence(rng)}\n"
        parts.append(question)
        turns.append(
            Turn(
                2 * k,
                "Interviewer",
                SpeakerKind.INTERVIEWER,
                pos + 13,
                pos + len(question) - 1,
                pos,
            )
        )
        pos += len(question)
        body = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        answer = f"Participant: {body}\n"
        parts.append(answer)
        start = pos + len("Participant: ")
        turns.append(
            Turn(2 * k + 1, "Participant", SpeakerKind.PARTICIPANT, start, start + len(body), pos)
        )
        passages.append((start, start + len(body)))
        pos += len(answer)
    text = "".join(parts)
    t = Transcript(tid, f"Interview {tid}", text, f"{tid}.txt", text_hash(text), turns)
    return t, passages


def build_project(path: Path, rng: random.Random) -> int:
    store = Store.open(path)
    store.init_project("Export benchmark", "", "bench")
    codes: list[Code] = []
    for th in range(THEMES):
        codes.append(Code(f"theme{th}", f"Theme {th}", "A theme.", codable=False))
        for c in range(CODES_PER_THEME):
            codes.append(
                Code(f"theme{th}.code{c}", f"Code {th}.{c}", "A code.", parent=f"theme{th}")
            )
    store.set_codebook(Codebook("Bench", codes), "bench")
    leaves = [c.cid for c in codes if c.parent]
    for name in ("coder_a", "coder_b"):
        store.add_user(name, Role.CODER, "bench")
    roles = ["Person accessing support", "Person working in the system"]
    items = []
    passages: dict[str, list[tuple[int, int]]] = {}
    for i in range(N_TRANSCRIPTS):
        tid = f"t{i:03d}"
        t, spans = make_transcript(tid, rng)
        pid = f"P{i:03d}"
        t.participant = pid
        items.append(
            (
                t,
                Participant(
                    pid, roles[i % 2], {"borough": ["Lambeth", "Southwark", "Lewisham"][i % 3]}
                ),
            )
        )
        passages[tid] = spans
    store.add_transcripts(items, "bench")
    codings: list[Coding] = []
    for tid, spans in passages.items():
        for a, b in spans:
            code = rng.choice(leaves)
            codings.append(Coding("coder_a", tid, a, b, code))
            if rng.random() < 0.5:
                # Overlapping, with different boundaries: merges into coder_a's quote.
                codings.append(Coding("coder_b", tid, a + rng.randint(0, 10), b, code))
    store.add_codings(codings, "bench")
    store.close()
    return len(codings)


def write_file(bank: QuoteBank, fmt: str, out: Path) -> None:
    write_atomically(out, lambda f: write_quotes(bank, fmt, f))


def markdown(s: dict[str, Any]) -> str:
    c = s["project"]
    lines = [
        "## Export",
        "",
        f"Synthetic project: {c['transcripts']} transcripts ({c['characters']:,} characters), "
        f"{c['codings']:,} codings by 2 coders, merged into {c['quotes']:,} quotes. "
        f"Quote writers: median of {s['repeats']} runs, to a file.",
        "",
        "| Step | Wall (s) | CPU (s) | × CSV | Output |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in s["seconds"].items():
        ratio = f"{r['ratio_to_csv']:.1f}" if r.get("ratio_to_csv") is not None else ""
        size = f"{r['bytes'] / 1024:,.0f} KiB" if r.get("bytes") else ""
        lines.append(f"| {name} | {r['wall']:.3f} | {r['cpu']:.3f} | {ratio} | {size} |")
    verdict = harness.verdict_word(s["passed"])
    lines += ["", f"Limit: XLSX and DOCX each under {s['limit_seconds']:.0f} s: {verdict}.", ""]
    return "\n".join(lines)


def main() -> int:
    rng = random.Random(SEED)
    timings: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        db = tmpdir / "bench.db"
        n_codings = build_project(db, rng)
        store = Store.open(db)
        try:
            wall, cpu, bank = harness.timed(lambda: build_quote_bank(store))
            timings["build quote bank (read, merge, tidy)"] = {"wall": wall, "cpu": cpu}
            n_quotes = len(bank.quotes)
            chars = sum(len(t.text) for t in store.transcripts(with_text=True))
            for fmt in ("csv", "md", "xlsx", "docx"):
                out = tmpdir / f"quotes.{fmt}"
                wall, cpu, _ = harness.timed(partial(write_file, bank, fmt, out), REPEATS)
                timings[f"write {fmt}"] = {"wall": wall, "cpu": cpu, "bytes": out.stat().st_size}
            qdpx = tmpdir / "project.qdpx"
            wall, cpu, _ = harness.timed(
                lambda: write_atomically(qdpx, lambda f: export_qdpx(store, f))
            )
            timings["export .qdpx"] = {"wall": wall, "cpu": cpu, "bytes": qdpx.stat().st_size}
        finally:
            store.close()
        fresh = Store.open(tmpdir / "fresh.db")
        fresh.init_project("Fresh", "", "bench")
        try:
            wall, cpu, result = harness.timed(
                lambda: import_qdpx_into(fresh, qdpx, "bench", NotIdentifiableGate())
            )
            assert result.codings == n_codings
            timings["import .qdpx (fresh project)"] = {"wall": wall, "cpu": cpu}
        finally:
            fresh.close()

    base = timings["write csv"]["wall"]
    for name, r in timings.items():
        if name.startswith("write "):
            r["ratio_to_csv"] = harness.ratio(r["wall"], base)
        r["wall"] = round(r["wall"], 4)
        r["cpu"] = round(r["cpu"], 4)
    passed = n_quotes == N_TRANSCRIPTS * PASSAGES_PER_TRANSCRIPT and all(
        timings[f"write {fmt}"]["wall"] < LIMIT_SECONDS for fmt in ("xlsx", "docx")
    )
    summary = harness.summary(
        "export",
        passed,
        timings,
        head={"limit_seconds": LIMIT_SECONDS, "repeats": REPEATS},
        project={
            "transcripts": N_TRANSCRIPTS,
            "characters": chars,
            "codings": n_codings,
            "quotes": n_quotes,
            "themes": THEMES,
            "codes": THEMES * CODES_PER_THEME,
            "seed": SEED,
        },
    )
    x, d = timings["write xlsx"]["wall"], timings["write docx"]["wall"]
    return harness.finish(
        RESULTS,
        summary,
        markdown(summary),
        f"{n_quotes:,} quotes; xlsx {x:.2f} s, docx {d:.2f} s (limit {LIMIT_SECONDS:.0f} s); "
        f"csv baseline {base:.2f} s",
    )


if __name__ == "__main__":
    raise SystemExit(main())
