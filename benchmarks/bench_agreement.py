"""Benchmark: every agreement statistic on a synthetic corpus.

20 transcripts of 8,000 words, 3 coders, 30 codes, seeded random codings. Times
``agreement_report`` (percentages, kappas, alphas, segment matching and 1,000 bootstrap
resamples) by character, sentence and turn, and ``unmatched_segments`` for every pair of
coders. The character report must finish in under 5 s. Writes ``benchmarks/results/agreement.json``
and ``agreement.md``.

Run: ``.venv/bin/python benchmarks/bench_agreement.py``
"""

from __future__ import annotations

import random
from itertools import combinations
from typing import Any

import harness
import numpy as np

from qualkit.agreement import ALL, agreement_report, unmatched_segments
from qualkit.model import Coding, SpeakerKind, Turn

N_TRANSCRIPTS = 20
N_WORDS = 8_000
CODERS = ("coder_a", "coder_b", "coder_c")
N_CODES = 30
PASSAGES = 80  # coded passages per transcript
BOOTSTRAP = 1_000
LIMIT_SECONDS = 5.0
SEED = 20240612
RESULTS = harness.RESULTS / "agreement.json"

SYLLABLES = ["ka", "lo", "mi", "ren", "to", "sa", "vel", "du", "pa", "ni", "ster", "bo"]


def make_transcript(rng: random.Random) -> tuple[str, list[Turn]]:
    """Synthetic interview: labelled turns of invented words, a few sentences each."""
    parts: list[str] = []
    turns: list[Turn] = []
    words = 0
    position = 0
    index = 0
    while words < N_WORDS:
        speaker = "Interviewer" if index % 2 == 0 else "Participant"
        sentences = []
        for _ in range(rng.randint(1, 6)):
            size = rng.randint(5, 20)
            sentence = " ".join(
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
                for _ in range(size)
            )
            sentences.append(sentence.capitalize() + rng.choice(".?!"))
            words += size
        label = f"{speaker}: "
        body = " ".join(sentences)
        start = position + len(label)
        kind = SpeakerKind.INTERVIEWER if index % 2 == 0 else SpeakerKind.PARTICIPANT
        turns.append(Turn(index, speaker, kind, start, start + len(body), label_start=position))
        parts.append(label + body + "\n")
        position += len(label) + len(body) + 1
        index += 1
    return "".join(parts), turns


def make_codings(rng: random.Random, tid: str, text: str, codes: list[str]) -> list[Coding]:
    """Shared passages that each coder codes with noise: boundaries, missed, other code."""
    codings: list[Coding] = []
    n = len(text)
    for _ in range(PASSAGES):
        start = rng.randrange(0, n - 50)
        end = min(n, start + rng.randint(40, 900))
        code = rng.choice(codes)
        for coder in CODERS:
            if rng.random() < 0.15:
                continue
            s = max(0, start + rng.randint(-60, 60))
            e = min(n, max(s + 1, end + rng.randint(-60, 60)))
            chosen = code if rng.random() > 0.1 else rng.choice(codes)
            codings.append(Coding(coder, tid, s, e, chosen))
    for coder in CODERS:
        for _ in range(5):
            s = rng.randrange(0, n - 1)
            codings.append(
                Coding(coder, tid, s, min(n, s + rng.randint(20, 400)), rng.choice(codes))
            )
    return codings


def timed(
    label: str, timings: dict[str, dict[str, float]], func: Any, *args: Any, **kwargs: Any
) -> Any:
    """Run ``func``, recording wall-clock and CPU seconds under ``label``."""
    wall, cpu, result = harness.timed(lambda: func(*args, **kwargs))
    timings[label] = {"wall": round(wall, 3), "cpu": round(cpu, 3)}
    print(f"{label:<28} {timings[label]['wall']:7.3f} s wall {timings[label]['cpu']:7.3f} s cpu")
    return result


def all_unmatched_segments(codings: list[Coding], texts: dict[str, str]) -> int:
    return sum(len(unmatched_segments(codings, texts, a, b)) for a, b in combinations(CODERS, 2))


def markdown(summary: dict[str, Any]) -> str:
    """The results as a Markdown section for ``results/SUMMARY.md``."""
    corpus = summary["corpus"]
    lines = [
        "## Agreement",
        "",
        f"{corpus['transcripts']} transcripts of {corpus['words_per_transcript']:,} words "
        f"({corpus['characters']:,} characters), {corpus['coders']} coders, "
        f"{corpus['codes']} codes, {corpus['codings']:,} codings, "
        f"{corpus['bootstrap']:,} bootstrap resamples.",
        "",
        "| Step | Wall (s) | CPU (s) |",
        "|---|---:|---:|",
    ]
    for label, seconds in summary["seconds"].items():
        lines.append(f"| {label} | {seconds['wall']:.3f} | {seconds['cpu']:.3f} |")
    verdict = harness.verdict_word(summary["passed"])
    lines += [
        "",
        f"Limit: report by character under {summary['limit_seconds']:.0f} s: {verdict}.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    rng = random.Random(SEED)
    codes = [f"code.{i:02d}" for i in range(N_CODES)]
    texts: dict[str, str] = {}
    turns: dict[str, list[Turn]] = {}
    codings: list[Coding] = []
    for t in range(N_TRANSCRIPTS):
        tid = f"t{t + 1:02d}"
        texts[tid], turns[tid] = make_transcript(rng)
        codings.extend(make_codings(rng, tid, texts[tid], codes))
    chars = sum(len(text) for text in texts.values())
    print(
        f"{N_TRANSCRIPTS} transcripts, {chars:,} characters, {len(CODERS)} coders, "
        f"{N_CODES} codes, {len(codings):,} codings, {BOOTSTRAP} resamples"
    )

    timings: dict[str, dict[str, float]] = {}
    reports = {}
    for unit in ("character", "sentence", "turn"):
        reports[unit] = timed(
            f"report by {unit}",
            timings,
            agreement_report,
            codings,
            texts,
            turns=turns,
            unit=unit,
            bootstrap=BOOTSTRAP,
            seed=0,
        )
    found = timed("unmatched segments (3 pairs)", timings, all_unmatched_segments, codings, texts)

    main_seconds = timings["report by character"]["wall"]
    passed = main_seconds < LIMIT_SECONDS
    overall = reports["character"].row(ALL, ALL)
    summary = harness.summary(
        "agreement",
        passed,
        timings,
        head={"limit_seconds": LIMIT_SECONDS},
        machine_extra={"numpy": np.__version__},
        corpus={
            "transcripts": N_TRANSCRIPTS,
            "words_per_transcript": N_WORDS,
            "characters": chars,
            "coders": len(CODERS),
            "codes": N_CODES,
            "codings": len(codings),
            "bootstrap": BOOTSTRAP,
            "seed": SEED,
        },
        rows={unit: len(report.rows) for unit, report in reports.items()},
        unmatched_segments=found,
        overall_character={
            "percent_agreement": round(overall.percent_agreement, 3),
            "kappa": round(overall.kappa, 4),
            "kappa_ci": [round(v, 4) for v in overall.kappa_ci or ()],
            "alpha": round(overall.alpha, 4),
            "alpha_ci": [round(v, 4) for v in overall.alpha_ci or ()],
            "segment_agreement": round(overall.segment_agreement, 2),
        },
    )
    return harness.finish(
        RESULTS,
        summary,
        markdown(summary),
        f"every statistic by character in {main_seconds:.2f} s (limit {LIMIT_SECONDS} s)",
    )


if __name__ == "__main__":
    raise SystemExit(main())
