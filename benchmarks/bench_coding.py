"""Benchmark: collaborative coding under load, and opening a long transcript.

1. Load: 20 simulated coders (threads, each with its own Store, as in one app server)
   apply and remove codes at the same time, 500 actions each, through the app's own coding
   actions. Checks that no coding is lost or duplicated and that the event log holds one
   entry per action; reports p50/p95 time to persist an action (goal: p95 < 150 ms on
   SQLite). Runs on SQLite, and on PostgreSQL when ``--pg URL`` or QUALKIT_TEST_DB is given
   (that database is wiped first). ``--compare`` also runs SQLite without the app's
   first-come-first-served write queue.
2. Opening a 10,000-word transcript with 300 codings: time to load it and build the coding
   page's view model, and (with Chromium) time in a real browser from pressing "Open" until
   the whole transcript is visible (goal: under 1 s).

Writes ``benchmarks/results/coding.json`` and ``coding.md`` and prints the Markdown table.

Run: ``.venv/bin/python benchmarks/bench_coding.py [--pg URL] [--compare] [--no-browser]``
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness

from qualkit.auth import hash_password
from qualkit.model import Coding, Role
from qualkit.project import NotIdentifiableGate, import_transcripts, init_project
from qualkit.storage import Store
from qualkit.testing.browser import CHROMIUM, CHROMIUM_ARGS
from qualkit.testing.loadtest import long_transcript, prepare_load_project, run_load
from qualkit.testing.sample_project import load_sample_codebook
from qualkit.ui.server import serving
from qualkit.ui.view import transcript_view
from tests.databases import reset_postgres

P95_GOAL_MS = 150.0
OPEN_GOAL_S = 1.0
PASSWORD = "benchmark password"


def load(
    target: str, work: Path, coders: int, actions: int, *, queue: bool = True
) -> dict[str, Any]:
    names = prepare_load_project(target, work, coders)
    result = run_load(target, names, actions, queue=queue)
    return result.as_dict()


# -- opening a long transcript -----------------------------------------------------------


def build_long_project(target: str, work: Path, words: int, codings: int) -> str:
    work.mkdir(parents=True, exist_ok=True)
    store = init_project(target, "Long transcript", "setup", codebook=load_sample_codebook())
    try:
        path = work / "long01.txt"
        path.write_text(long_transcript(words), encoding="utf-8")
        (tid,) = import_transcripts(store, [path], "setup", NotIdentifiableGate())
        pw = hash_password(PASSWORD)
        for name, role in (("casey", Role.CODER), ("dev", Role.CODER), ("rita", Role.RESEARCHER)):
            store.add_user(name, role, "setup", password_hash=pw)
        store.assign(tid, "casey", "rita")
        t = store.transcript(tid)
        codes = [c.cid for c in store.codebook().codes if c.codable]
        rng = random.Random(3)
        batch = []
        for i in range(codings):
            turn = rng.choice(t.turns)
            a = rng.randrange(turn.start, max(turn.start + 1, turn.end - 5))
            b = min(turn.end, a + rng.randint(5, 300))
            batch.append(
                Coding(
                    coder=("casey", "dev", "rita")[i % 3],
                    transcript=tid,
                    start=a,
                    end=b,
                    code=rng.choice(codes),
                )
            )
        store.add_codings(batch, "setup")
    finally:
        store.close()
    return tid


def time_view_model(target: str, tid: str, repeats: int = 7) -> dict[str, Any]:
    """Load the transcript and one coder's codings, and build the component's view."""
    times: list[float] = []
    size = 0
    with Store.open(target, create=False) as store:
        for _ in range(repeats):
            t0 = time.perf_counter()
            t = store.transcript(tid)
            codes = store.codebook().by_id()
            mine = store.codings(transcript=tid, coder="casey")
            view = transcript_view(t, mine, codes)
            size = len(json.dumps(view, ensure_ascii=False).encode("utf-8"))
            times.append((time.perf_counter() - t0) * 1000)
        words = len(t.text.split())
        turns = len(t.turns)
        everyone = store.codings(transcript=tid)
        t0 = time.perf_counter()
        transcript_view(t, everyone, codes, show_coder=True)
        all_layers_ms = (time.perf_counter() - t0) * 1000
    return {
        "words": words,
        "turns": turns,
        "codings_one_coder": len(mine),
        "codings_all_layers": len(everyone),
        "view_ms_median": round(statistics.median(times), 1),
        "view_ms_max": round(max(times), 1),
        "view_all_layers_ms": round(all_layers_ms, 1),
        "payload_kb": round(size / 1024, 1),
    }


def time_in_browser(target: str, tid: str, repeats: int = 3) -> dict[str, Any] | None:
    """Seconds from pressing "Open" on My transcripts until the last turn is visible."""
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    log = Path(target).parent / "app.log"
    with serving(target, log, cwd=harness.ROOT) as url:
        times: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(repeats):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(30_000)
                page.goto(f"{url}/my-transcripts")
                page.get_by_label("Your user name").fill("casey")
                page.get_by_role("textbox", name="Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.get_by_role("link", name="Open", exact=True).wait_for()
                page.wait_for_timeout(500)
                t0 = time.perf_counter()
                page.get_by_role("link", name="Open", exact=True).click()
                last = page.locator(".qk-transcript section.qk-turn").last
                last.wait_for(state="visible")
                page.wait_for_function(
                    "n => document.querySelectorAll('.qk-transcript section.qk-turn').length === n",
                    arg=_turns(target, tid),
                )
                times.append(time.perf_counter() - t0)
                page.close()
            browser.close()
        return {
            "open_seconds_median": round(statistics.median(times), 3),
            "open_seconds_max": round(max(times), 3),
            "runs": len(times),
        }


def _turns(target: str, tid: str) -> int:
    with Store.open(target, create=False) as store:
        return len(store.transcript(tid).turns)


# -- report ------------------------------------------------------------------------------


def queue_word(r: dict[str, Any]) -> str:
    if r["backend"] != "sqlite":
        return "not needed"
    return "yes" if r["write_queue"] else "no"


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "## Collaborative coding (bench_coding.py)",
        "",
        f"{res['coders']} simulated coders × {res['actions_per_coder']} actions each "
        "(apply or remove a code), saved concurrently. "
        f"Machine: {res['machine']['cpus']} CPU(s), Python {res['machine']['python']}.",
        "",
        "| backend | write queue | actions/s | p50 ms | p95 ms | p99 ms | max ms | lost | "
        "duplicated | events ok |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in res["load"]:
        a = r["all"]
        lines.append(
            f"| {r['backend']} | {queue_word(r)} | "
            f"{r['actions_per_second']} | {a['p50_ms']} | {a['p95_ms']} | {a['p99_ms']} | "
            f"{a['max_ms']} | {r['lost']} | {r['duplicated']} | "
            f"{'yes' if r['events_ok'] else 'NO'} |"
        )
    lines.append("")
    lines.append(f"Goal: p95 under {P95_GOAL_MS:.0f} ms on SQLite, no lost or duplicated codings.")
    v = res.get("open_long")
    if v:
        lines += [
            "",
            f"Opening a {v['words']:,}-word transcript ({v['turns']} turns, "
            f"{v['codings_one_coder']} of the coder's codings):",
            "",
            "| measure | result |",
            "|---|---:|",
            f"| load + build view model (median) | {v['view_ms_median']} ms |",
            f"| same, all {v['codings_all_layers']} codings of every layer | "
            f"{v['view_all_layers_ms']} ms |",
            f"| data sent to the browser | {v['payload_kb']} KB |",
        ]
        b = res.get("open_long_browser")
        if b:
            lines.append(
                f"| browser: press Open → whole transcript visible (median of "
                f"{b['runs']}) | {b['open_seconds_median']} s |"
            )
        lines.append("")
        lines.append(f"Goal: under {OPEN_GOAL_S:.0f} s.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = harness.parser(__doc__)
    ap.add_argument("--coders", type=int, default=20)
    ap.add_argument("--actions", type=int, default=500)
    harness.add_postgres_option(ap)
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument(
        "--compare", action="store_true", help="also run SQLite without the app's write queue"
    )
    ap.add_argument("--words", type=int, default=10_000)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--out", type=Path, default=harness.RESULTS / "coding.json")
    args = ap.parse_args(argv)

    res: dict[str, Any] = {
        "coders": args.coders,
        "actions_per_coder": args.actions,
        "machine": harness.machine(),
        "load": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.no_sqlite:
            print("SQLite load test …", file=sys.stderr, flush=True)
            res["load"].append(load(str(work / "load.db"), work / "src", args.coders, args.actions))
            if args.compare:
                print("SQLite load test without the write queue …", file=sys.stderr, flush=True)
                res["load"].append(
                    load(
                        str(work / "load-noqueue.db"),
                        work / "src2",
                        args.coders,
                        args.actions,
                        queue=False,
                    )
                )
        if args.pg:
            print("PostgreSQL load test …", file=sys.stderr, flush=True)
            reset_postgres(args.pg)
            res["load"].append(load(args.pg, work / "src3", args.coders, args.actions))
            reset_postgres(args.pg)
        print("Long transcript …", file=sys.stderr, flush=True)
        long_db = str(work / "long.db")
        tid = build_long_project(long_db, work / "long", args.words, 300)
        res["open_long"] = time_view_model(long_db, tid)
        if not args.no_browser:
            print("Long transcript in the browser …", file=sys.stderr, flush=True)
            res["open_long_browser"] = time_in_browser(long_db, tid)

    sqlite_runs = [r for r in res["load"] if r["backend"] == "sqlite" and r["write_queue"]]
    res["goals"] = {
        "no_lost_or_duplicated": all(r["ok"] for r in res["load"]),
        "sqlite_p95_under_150ms": all(r["all"]["p95_ms"] < P95_GOAL_MS for r in sqlite_runs)
        if sqlite_runs
        else None,
        "open_under_1s": (res.get("open_long_browser") or {}).get("open_seconds_median", 0)
        < OPEN_GOAL_S
        and res["open_long"]["view_ms_median"] < OPEN_GOAL_S * 1000,
    }
    md = markdown(res)
    harness.write_results(args.out, res, md)
    print(md)
    return 0 if res["goals"]["no_lost_or_duplicated"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
