"""Several coders saving at the same moment lose nothing (a smaller run of
benchmarks/bench_coding.py). Runs on SQLite, or on PostgreSQL when QUALKIT_TEST_DB is set."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.storage.locks import FairLock
from qualkit.testing.loadtest import Timing, long_transcript, prepare_load_project, run_load


@pytest.mark.slow
def test_concurrent_coders_lose_and_duplicate_nothing(db_url: str, tmp_path: Path) -> None:
    names = prepare_load_project(db_url, tmp_path / "src", 20)
    result = run_load(db_url, names, 40)
    report = result.as_dict()
    print(f"\n{report['backend']}: {report['all']}")
    assert result.errors == []
    assert (result.lost, result.duplicated, result.wrong) == (0, 0, 0)
    assert result.events_ok
    assert len(result.all.samples) == 20 * 40


def test_fair_lock_serves_waiters_in_arrival_order() -> None:
    import threading
    import time

    lock = FairLock()
    order: list[int] = []
    lock.acquire()
    threads = []

    def worker(i: int) -> None:
        with lock:
            order.append(i)

    for i in range(5):
        t = threading.Thread(target=worker, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.05)  # make sure each thread is queued before the next arrives
    lock.release()
    for t in threads:
        t.join(timeout=5)
    assert order == [0, 1, 2, 3, 4]


def test_fair_lock_is_reentrant_for_its_owner() -> None:
    lock = FairLock()
    with lock, lock:
        pass
    with lock:  # released fully above, so it can be taken again
        pass


def test_timing_summary_and_long_transcript() -> None:
    t = Timing([float(i) for i in range(1, 101)])
    s = t.summary()
    assert s["n"] == 100 and s["p50_ms"] in (50.0, 51.0) and s["p95_ms"] in (95.0, 96.0)
    assert s["max_ms"] == 100.0
    assert Timing().summary() == {"n": 0}
    text = long_transcript(2000)
    words = sum(len(line.split()) - 1 for line in text.splitlines()[3:])
    assert 2000 <= words < 2200
    assert text.count("\nInterviewer: ") >= 5
