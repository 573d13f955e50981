"""Benchmark: a team server on PostgreSQL behind nginx, and a backup during the load.

1. Proxy overhead: 20 clients, each on its own keep-alive connection, ask the app's health
   URL (one database round trip per request) N times, straight from ``qualkit serve`` over
   plain HTTP (baseline) and through nginx over HTTPS with ``deploy/nginx/qualkit.conf``;
   p50/p95 of both and the ratio.
2. Coding under load with a backup: 20 simulated coders × ``--actions`` coding actions
   (the app's own actions, :mod:`qualkit.testing.loadtest`) on PostgreSQL, first alone
   (baseline), then while ``qualkit backup`` (``pg_dump -Fc``) copies a project of 200
   transcripts. Reports the backup's duration, the coders' p95 and slowest action in both
   runs, and whether any coding was lost or duplicated. Goals: p95 < 200 ms, backup < 30 s,
   no action slower than 1 s.

What is not measured here: coding actions travel over Streamlit's WebSocket, which this
benchmark does not drive; part 1 measures what the proxy adds to one request, part 2 the
coding actions themselves.

Needs PostgreSQL (``--pg URL`` or QUALKIT_TEST_DB; that database is wiped) and nginx.
Writes ``benchmarks/results/hosting.json`` and ``hosting.md``.

Run: ``.venv/bin/python benchmarks/bench_hosting.py --pg URL [--actions 500] [--requests 200]``
"""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import harness

from qualkit.model import Role
from qualkit.project import NotIdentifiableGate, import_transcripts
from qualkit.storage import Store
from qualkit.storage.backup import backup
from qualkit.testing.loadtest import Timing, long_transcript, prepare_load_project, run_load
from qualkit.ui.http import HEALTH_ROUTE
from tests.databases import reset_postgres
from tests.nginx_proxy import insecure_context, serve_behind_nginx

CODERS = 20
TRANSCRIPTS = 200
P95_GOAL_MS = 200.0
BACKUP_GOAL_S = 30.0
BLOCK_GOAL_MS = 1000.0


# -- 1. proxy overhead -----------------------------------------------------------------------


def hammer(host: str, port: int, https: bool, clients: int, requests: int) -> dict[str, Any]:
    """``clients`` threads, each with one keep-alive connection, GET the health URL."""
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client() -> None:
        conn: http.client.HTTPConnection = (
            http.client.HTTPSConnection(host, port, context=insecure_context(), timeout=30)
            if https
            else http.client.HTTPConnection(host, port, timeout=30)
        )
        mine: list[float] = []
        try:
            barrier.wait()
            for _ in range(requests):
                t0 = time.perf_counter()
                conn.request("GET", HEALTH_ROUTE)
                answer = conn.getresponse()
                body = answer.read()
                mine.append((time.perf_counter() - t0) * 1000)
                if answer.status != 200 or body != b"ok":
                    raise RuntimeError(f"status {answer.status}")
        except Exception as e:
            with lock:
                errors.append(f"{type(e).__name__}: {e}")
        finally:
            conn.close()
            with lock:
                samples.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    summary = Timing(samples).summary()
    return {
        "requests": len(samples),
        "seconds": round(seconds, 2),
        "p50_ms": summary.get("p50_ms"),
        "p95_ms": summary.get("p95_ms"),
        "max_ms": summary.get("max_ms"),
        "errors": errors[:5],
    }


def proxy_overhead(pg: str, work: Path, requests: int) -> dict[str, Any]:
    reset_postgres(pg)
    prepare_load_project(pg, work / "src", 1)
    with serve_behind_nginx(pg, work, timeout=120) as (port, proxy):
        https_port = int(proxy.https_url.rsplit(":", 1)[1])
        hammer("127.0.0.1", port, False, 2, 5)  # warm up both paths
        hammer("127.0.0.1", https_port, True, 2, 5)
        direct = hammer("127.0.0.1", port, False, CODERS, requests)
        proxied = hammer("127.0.0.1", https_port, True, CODERS, requests)
    ratio = harness.ratio(proxied["p95_ms"], direct["p95_ms"])
    return {"direct_http": direct, "nginx_https": proxied, "p95_ratio": ratio}


# -- 2. coding load with a backup ---------------------------------------------------------------


def add_transcripts(pg: str, work: Path, total: int) -> int:
    """Fill the project up to ``total`` transcripts of about 1,500 words each."""
    work.mkdir(parents=True, exist_ok=True)
    with Store.open(pg, create=False) as store:
        have = len(store.transcripts())
        paths = []
        for i in range(total - have):
            path = work / f"extra{i:03d}.txt"
            path.write_text(long_transcript(1500, seed=i), encoding="utf-8")
            paths.append(path)
        import_transcripts(store, paths, "setup", NotIdentifiableGate())
        return len(store.transcripts())


def load_with_backup(pg: str, work: Path, actions: int) -> dict[str, Any]:
    reset_postgres(pg)
    names = prepare_load_project(pg, work / "load", CODERS)
    transcripts = add_transcripts(pg, work / "extra", TRANSCRIPTS)
    baseline = run_load(pg, names, actions, seed=1).as_dict()

    # Other accounts for the second run, so that its check sees only its own codings.
    busy = [f"busy{i:02d}" for i in range(CODERS)]
    with Store.open(pg, create=False) as store:
        for name in busy:
            store.add_user(name, Role.CODER, "setup")
    done: dict[str, Any] = {}

    def load() -> None:
        done["result"] = run_load(pg, busy, actions, seed=2).as_dict()

    runner = threading.Thread(target=load)
    runner.start()
    time.sleep(2.0)  # the coders are at work
    out = work / "during-load.qkbackup"
    t0 = time.perf_counter()
    backup(pg, out)
    backup_s = time.perf_counter() - t0
    still_loading = runner.is_alive()
    runner.join()
    during = done["result"]
    return {
        "transcripts": transcripts,
        "baseline": baseline,
        "with_backup": during,
        "backup_seconds": round(backup_s, 2),
        "backup_mb": round(out.stat().st_size / 1e6, 2),
        "backup_finished_during_load": still_loading,
    }


def markdown(result: dict[str, Any]) -> str:
    p = result.get("proxy")
    lines = ["## Hosting: nginx in front, and a backup during the load", ""]
    if p:
        lines += [
            f"Health URL, {CODERS} clients × {p['direct_http']['requests'] // CODERS} requests:",
            "",
            "| path | p50 ms | p95 ms | max ms |",
            "| --- | --- | --- | --- |",
            f"| straight to `qualkit serve` (HTTP, baseline) | {p['direct_http']['p50_ms']} | "
            f"{p['direct_http']['p95_ms']} | {p['direct_http']['max_ms']} |",
            f"| through nginx (HTTPS) | {p['nginx_https']['p50_ms']} | "
            f"{p['nginx_https']['p95_ms']} | {p['nginx_https']['max_ms']} |",
            "",
            f"p95 through the proxy / straight: {p['p95_ratio']}",
            "",
        ]
    b = result.get("backup")
    if b:
        base, during = b["baseline"], b["with_backup"]
        lines += [
            f"Coding on PostgreSQL, {CODERS} coders × {base['actions_per_coder']} actions, "
            f"{b['transcripts']} transcripts:",
            "",
            "| run | p95 ms | slowest ms | lost | duplicated | ok |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| alone (baseline) | {base['all']['p95_ms']} | {base['all']['max_ms']} | "
            f"{base['lost']} | {base['duplicated']} | {base['ok']} |",
            f"| with `qualkit backup` running | {during['all']['p95_ms']} | "
            f"{during['all']['max_ms']} | {during['lost']} | {during['duplicated']} | "
            f"{during['ok']} |",
            "",
            f"Backup (pg_dump -Fc) of {b['transcripts']} transcripts during the load: "
            f"{b['backup_seconds']} s, {b['backup_mb']} MB (goal < {BACKUP_GOAL_S:.0f} s; "
            f"finished while the coders were still at work: {b['backup_finished_during_load']}).",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = harness.parser(__doc__)
    harness.add_postgres_option(ap)
    ap.add_argument("--actions", type=int, default=500, help="Coding actions per coder.")
    ap.add_argument("--requests", type=int, default=200, help="Health requests per client.")
    ap.add_argument("--out", type=Path, default=harness.RESULTS / "hosting.json")
    args = ap.parse_args(argv)
    if not args.pg:
        print("bench_hosting: needs PostgreSQL (--pg URL or QUALKIT_TEST_DB); skipped")
        return 0
    result: dict[str, Any] = {
        "machine": harness.machine(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result["proxy"] = proxy_overhead(args.pg, work / "proxy", args.requests)
        print(json.dumps(result["proxy"]), flush=True)
        result["backup"] = load_with_backup(args.pg, work / "backup", args.actions)
    b = result["backup"]
    result["goals"] = {
        "p95_under_200ms": b["with_backup"]["all"]["p95_ms"] < P95_GOAL_MS,
        "backup_under_30s": b["backup_seconds"] < BACKUP_GOAL_S,
        "no_action_over_1s": b["with_backup"]["all"]["max_ms"] < BLOCK_GOAL_MS,
        "nothing_lost_or_duplicated": bool(b["with_backup"]["ok"] and b["baseline"]["ok"]),
    }
    table = markdown(result)
    harness.write_results(args.out, result, table)
    print(table)
    print(json.dumps(result["goals"]))
    return 0 if result["goals"]["nothing_lost_or_duplicated"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
