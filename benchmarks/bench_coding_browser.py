"""Benchmark: the select-and-code loop in a real Chromium, against a baseline.

Measured on a fresh app server for each implementation, on a project with the sample
transcripts plus a 10,000-word interview, signed in as a researcher:

1. **First suggestions**: from opening the long transcript (page load) until the first
   suggested code is shown for its second turn (the server has just started; goal ≤ 2 s).
   The transcripts were assigned first, as a researcher does; in versions that keep
   suggested codes ready in the project from then on, the first ones need no text model.
2. **Opening** the 10,000-word transcript: from the page load until every turn is shown
   (median of 3; goal ≤ 1 s).
3. **"Code this" → coded text shown**: from the click until the coded turn is underlined
   and the confirmation is beside it (median of 7 codings of different turns; goal
   ≤ 300 ms).

The baseline is the same measurement on another version of the app, by default the last
commit (``git worktree add`` into a temporary folder, removed afterwards), run in the same
session. Each implementation is measured in its own process that imports qualkit from that
version's folder. Writes ``benchmarks/results/coding_browser.json`` and ``.md``.

Run: ``.venv/bin/python benchmarks/bench_coding_browser.py [--baseline REV | --no-baseline]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness

ROOT = harness.ROOT
PASSWORD = "benchmark password"
LONG = "t09"
WORDS = 10_000
CODINGS = 7
OPENS = 3
GOALS = {"code_this_ms": 300.0, "open_s": 1.0, "first_suggestions_s": 2.0}

#: Imports qualkit from the folder on PYTHONPATH rather than the editable install (used
#: for the baseline's process only).
SHIM = """import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
"""


# -- one implementation (runs in its own process) -----------------------------------------


def _choose(page: Any, label: str, text: str, *, multi: bool = False) -> None:
    box = page.get_by_role("combobox", name=label, exact=True)
    box.first.wait_for()
    box.first.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    if multi:
        page.keyboard.press("Escape")


def _settle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stApp"][data-test-script-state='
        '"running"]\') && !document.querySelector(\'[data-stale="true"]\')'
    )


def _prepare_as_on_assign(store: Any) -> bool:
    """What assigning the transcripts in the app does in versions that keep suggested codes
    ready in the project (``prepare_hints``); False for a version without it."""
    try:
        from qualkit.topics.project_suggest import prepare_hints
    except ImportError:
        return False
    prepare_hints(store)
    return True


def measure(work: Path) -> dict[str, Any]:
    """Build the project, serve it, and time the loop in Chromium (this process's qualkit)."""
    from playwright.sync_api import sync_playwright

    import qualkit
    from qualkit.storage import Store
    from qualkit.ui.server import serving

    try:
        from qualkit.testing.browser import CHROMIUM, CHROMIUM_ARGS
        from qualkit.testing.loadtest import long_transcript
        from qualkit.testing.sample_project import SAMPLE_TRANSCRIPTS, build_sample_project
    except ImportError:  # a baseline from before the test helpers left qualkit.ui
        import importlib

        old = {m: importlib.import_module(f"qualkit.ui.{m}") for m in ("loadtest", "server")}
        sample = importlib.import_module("qualkit.ui.sample_project")
        CHROMIUM, CHROMIUM_ARGS = old["server"].CHROMIUM, old["server"].CHROMIUM_ARGS
        long_transcript = old["loadtest"].long_transcript
        SAMPLE_TRANSCRIPTS = sample.SAMPLE_TRANSCRIPTS
        build_sample_project = sample.build_sample_project

    project = str(work / "project.db")
    texts = {**SAMPLE_TRANSCRIPTS, LONG: long_transcript(WORDS)}
    build_sample_project(project, work / "src", password=PASSWORD, transcripts=texts)
    with Store.open(project, create=False) as store:
        turns = len(store.transcript(LONG).turns)
        code = next(c for c in store.codebook().codes if c.codable)
        prepared = _prepare_as_on_assign(store)
    out: dict[str, Any] = {
        "qualkit": str(Path(qualkit.__file__).parent),
        "turns": turns,
        "hints_prepared_in_project": prepared,
    }
    with serving(project, work / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(90_000)
        page.goto(url)
        page.get_by_label("Your user name").fill("rita")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as").wait_for()
        _settle(page)

        def open_long() -> float:
            t0 = time.perf_counter()
            page.goto(f"{url}/coding?t={LONG}")
            page.wait_for_function(
                "n => document.querySelectorAll('.qk-transcript section.qk-turn').length === n",
                arg=turns,
            )
            return time.perf_counter() - t0

        # 1. First suggestions on a server that has just started.
        t0 = time.perf_counter()
        open_long()
        _choose(page, "Turn", "Turn 2 ·")
        page.get_by_role("button", name="Suggested:").first.wait_for(timeout=120_000)
        out["first_suggestions_s"] = round(time.perf_counter() - t0, 3)
        _settle(page)

        # 2. Opening the long transcript.
        opens = []
        for _ in range(OPENS):
            opens.append(open_long())
            _settle(page)
        out["open_s"] = round(statistics.median(opens), 3)
        out["open_runs_s"] = [round(x, 3) for x in opens]

        # 3. "Code this" until the coded text is shown.
        codes = []
        for k in range(CODINGS):
            n = 4 + 2 * k  # participant turns, one after another
            _choose(page, "Turn", f"Turn {n} ·")
            _choose(page, "Codes", code.name, multi=True)
            _settle(page)
            button = page.get_by_role("button", name="Code this")
            t0 = time.perf_counter()
            button.click()
            page.wait_for_function(
                "i => { const s = document.querySelector("
                "`.qk-transcript section.qk-turn[data-turn='${i}']`);"
                " return s && s.querySelector('.qk-seg[data-d]')"
                " && s.querySelector('.qk-saved'); }",
                arg=n - 1,
            )
            codes.append((time.perf_counter() - t0) * 1000)
            _settle(page)
        out["code_this_ms"] = round(statistics.median(codes), 1)
        out["code_this_runs_ms"] = [round(x) for x in codes]
        browser.close()
    return out


# -- the comparison -----------------------------------------------------------------------


def _run(tree: Path, work: Path, *, shim: Path | None) -> dict[str, Any]:
    """Measure the app in ``tree`` in a child process; returns its figures."""
    env = dict(os.environ)  # importing harness made it offline
    if shim is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(shim), str(tree)])
    out = work / "figures.json"
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", str(work), str(out)],
        cwd=tree,
        env=env,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def markdown(res: dict[str, Any]) -> str:
    now, base = res["current"], res.get("baseline")
    rows = [
        ("“Code this” → coded text shown (median)", "code_this_ms", "ms"),
        ("opening a 10,000-word transcript (median)", "open_s", "s"),
        ("first suggestions after opening, fresh server", "first_suggestions_s", "s"),
    ]
    lines = [
        "## Coding loop in Chromium (bench_coding_browser.py)",
        "",
        f"{res['cpus']} CPUs, load {res['load']}; baseline: {res.get('baseline_rev') or 'none'}",
        "",
        "| measure | now | baseline | ratio | goal |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, key, unit in rows:
        b = base.get(key) if base else None
        ratio = f"{now[key] / b:.2f}×" if b else "—"
        lines.append(
            f"| {label} | {now[key]} {unit} | {f'{b} {unit}' if b is not None else '—'} | "
            f"{ratio} | ≤ {GOALS[key]:g} {unit} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = harness.parser(__doc__)
    ap.add_argument("--baseline", default="HEAD", help="git revision to compare with")
    ap.add_argument("--no-baseline", action="store_true", help="measure this version only")
    ap.add_argument("--measure", nargs=2, metavar=("WORK", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        work, out = Path(args.measure[0]), Path(args.measure[1])
        Path(out).write_text(json.dumps(measure(work)), encoding="utf-8")
        return 0
    res: dict[str, Any] = {"cpus": os.cpu_count(), "machine": platform.machine()}
    with tempfile.TemporaryDirectory(prefix="qk-bench-loop-") as tmp:
        base_tree = Path(tmp) / "baseline"
        if not args.no_baseline:
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(base_tree), args.baseline],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        try:
            res["load"] = _load()
            (Path(tmp) / "now").mkdir()
            res["current"] = _run(ROOT, Path(tmp) / "now", shim=None)
            if not args.no_baseline:
                shim = Path(tmp) / "shim"
                shim.mkdir()
                (shim / "sitecustomize.py").write_text(SHIM, encoding="utf-8")
                (Path(tmp) / "base").mkdir()
                res["baseline"] = _run(base_tree, Path(tmp) / "base", shim=shim)
                res["baseline_rev"] = subprocess.run(
                    ["git", "rev-parse", "--short", args.baseline],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
        finally:
            if base_tree.exists():
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(base_tree)],
                    cwd=ROOT,
                    check=False,
                )
    res["load_after"] = _load()
    md = markdown(res)
    harness.write_results(harness.RESULTS / "coding_browser.json", res, md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
