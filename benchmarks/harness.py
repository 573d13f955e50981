"""What every benchmark in this folder shares.

Importing this module prepares the process: the checkout's root goes on ``sys.path``
(last, so that a qualkit already importable, such as the tree a baseline run puts on
``PYTHONPATH``, keeps precedence; it also lets benchmarks import helpers from ``tests``),
and model libraries are kept offline. It then offers the argument parser, timing in wall
and CPU seconds, the machine description, verdicts, and writing ``results/<name>.json``
and ``results/<name>.md``. Import it before anything from ``qualkit``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

#: Words the synthetic transcripts of the benchmarks are made of.
WORDS = [
    "waiting",
    "list",
    "hostel",
    "worker",
    "referral",
    "phone",
    "form",
    "council",
    "support",
    "months",
    "nobody",
    "rang",
    "room",
    "damp",
    "key",
    "staff",
    "trust",
    "drink",
    "script",
    "bed",
    "door",
    "letter",
    "office",
    "borough",
    "help",
    "service",
    "team",
    "manager",
    "case",
    "plan",
    "time",
    "money",
    "contract",
    "bid",
    "again",
    "voice",
    "choice",
]

T = TypeVar("T")

if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser described by the first paragraph of a benchmark's docstring."""
    return argparse.ArgumentParser(description=" ".join((doc or "").split("\n\n")[0].split()))


def add_postgres_option(ap: argparse.ArgumentParser) -> None:
    """``--pg URL``: a PostgreSQL database to run on, wiped first; default $QUALKIT_TEST_DB."""
    ap.add_argument(
        "--pg",
        default=os.environ.get("QUALKIT_TEST_DB", ""),
        help="PostgreSQL URL to run on (WIPED first); default $QUALKIT_TEST_DB",
    )


def timed(fn: Callable[[], T], repeats: int = 1) -> tuple[float, float, T]:
    """Median wall-clock and CPU seconds (CPU counts every thread) over ``repeats`` runs
    of ``fn``, and its last result."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def load_average() -> list[float]:
    """The machine's load averages over 1, 5 and 15 minutes."""
    return list(os.getloadavg())


def machine(**extra: Any) -> dict[str, Any]:
    """Python version, CPU count and platform, and ``extra`` (such as library versions)."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        **extra,
    }


def ratio(value: float | None, base: float | None, digits: int = 2) -> float | None:
    """``value / base`` rounded, or None when either is missing or the base is zero."""
    if value is None or not base:
        return None
    return round(value / base, digits)


def verdict(passed: bool) -> str:
    """``PASS`` or ``FAIL``, for the line a benchmark prints last."""
    return "PASS" if passed else "FAIL"


def verdict_word(passed: bool) -> str:
    """``passed`` or ``FAILED``, for the Markdown results."""
    return "passed" if passed else "FAILED"


def summary(
    name: str,
    passed: bool,
    seconds: dict[str, Any],
    *,
    head: dict[str, Any] | None = None,
    machine_extra: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A benchmark's JSON results: its name, verdict, ``head`` (limits, repeats), timings
    in ``seconds``, the load average, ``fields`` and the machine."""
    return {
        "benchmark": name,
        "passed": passed,
        **(head or {}),
        "seconds": seconds,
        "load_average": load_average(),
        **fields,
        "machine": machine(**(machine_extra or {})),
    }


def finish(path: Path, results: dict[str, Any], markdown: str, message: str) -> int:
    """Print the verdict with ``message``, write the results; returns the exit status."""
    print(f"{verdict(results['passed'])}: {message}")
    write_results(path, results, markdown)
    return 0 if results["passed"] else 1


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, making its folder if needed."""
    from qualkit.files import write_atomically

    write_atomically(path, lambda f: f.write(text.encode("utf-8")))


def write_results(path: Path, summary: dict[str, Any], markdown: str | None = None) -> None:
    """Write ``summary`` as JSON to ``path`` and ``markdown`` beside it (``.md``); say where."""
    write_text(path, json.dumps(summary, indent=2, default=float) + "\n")
    if markdown is not None:
        write_text(path.with_suffix(".md"), markdown)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown}", flush=True)
