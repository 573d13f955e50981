"""Many coders saving at once: a load test of the coding actions, and a long transcript for
timing the coding page.

:func:`run_load` starts simulated coders (threads, each with its own
:class:`~qualkit.storage.Store`, as in one app server process) that apply and remove codes
concurrently through the app's own actions (:mod:`qualkit.ui.undo`), times every save,
and then checks the database against what each coder was told was saved: no coding lost,
none duplicated, and one event-log entry per action.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualkit.model import Coding, Role
from qualkit.project import NotIdentifiableGate, import_transcripts, init_project
from qualkit.storage import Store
from qualkit.ui.sample_project import SAMPLE_TRANSCRIPTS, load_sample_codebook
from qualkit.ui.undo import UndoStack, code_span, remove_coding

_VOCABULARY = (
    "the waiting list was long and nobody rang me back so I went to the hostel again "
    "my worker listened to me and helped with the forms the letters were hard to read "
    "when I came out of prison there was nowhere to go the council said I was not "
    "priority need I had to tell my story again and again to every new service "
    "what helped most was someone who had been through it themselves peer support "
    "the funding ran out and the project closed after a year we start again with new staff"
)
_WORDS = tuple(_VOCABULARY.split())


def long_transcript(words: int, seed: int = 7) -> str:
    """A synthetic interview of about ``words`` words in ``Speaker: text`` layout."""
    rng = random.Random(seed)
    lines = ["Title: A long synthetic interview", "Mode: Telephone", ""]
    n = 0
    turn = 0
    while n < words:
        speaker = "Interviewer" if turn % 2 == 0 else "Participant"
        size = rng.randint(8, 25) if speaker == "Interviewer" else rng.randint(20, 90)
        sentences = []
        left = size
        while left > 0:
            k = min(left, rng.randint(6, 16))
            s = " ".join(rng.choice(_WORDS) for _ in range(k))
            sentences.append(s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!"]))
            left -= k
        lines.append(f"{speaker}: {' '.join(sentences)}")
        n += size
        turn += 1
    return "\n".join(lines) + "\n"


@dataclass
class Timing:
    """Milliseconds per persisted action."""

    samples: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        if not self.samples:
            return {"n": 0}
        s = sorted(self.samples)

        def pct(p: float) -> float:
            return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]

        return {
            "n": len(s),
            "mean_ms": round(statistics.fmean(s), 2),
            "p50_ms": round(pct(50), 2),
            "p95_ms": round(pct(95), 2),
            "p99_ms": round(pct(99), 2),
            "max_ms": round(s[-1], 2),
        }


@dataclass
class LoadResult:
    backend: str
    queue: bool
    coders: int
    actions_per_coder: int
    seconds: float
    add: Timing
    remove: Timing
    lost: int
    duplicated: int
    wrong: int
    events_ok: bool
    errors: list[str]

    @property
    def all(self) -> Timing:
        return Timing(self.add.samples + self.remove.samples)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.wrong or self.errors) and self.events_ok

    def as_dict(self) -> dict[str, Any]:
        total = len(self.all.samples)
        return {
            "backend": self.backend,
            "write_queue": self.queue,
            "coders": self.coders,
            "actions_per_coder": self.actions_per_coder,
            "actions": total,
            "seconds": round(self.seconds, 2),
            "actions_per_second": round(total / self.seconds, 1) if self.seconds else None,
            "all": self.all.summary(),
            "add": self.add.summary(),
            "remove": self.remove.summary(),
            "lost": self.lost,
            "duplicated": self.duplicated,
            "wrong": self.wrong,
            "events_ok": self.events_ok,
            "errors": self.errors[:10],
            "ok": self.ok,
        }


def prepare_load_project(target: str, workdir: Path, coders: int) -> list[str]:
    """A project with the sample transcripts and codebook and ``coders`` coder accounts."""
    workdir.mkdir(parents=True, exist_ok=True)
    store = init_project(target, "Load test", "setup", codebook=load_sample_codebook())
    try:
        paths = []
        for tid, text in SAMPLE_TRANSCRIPTS.items():
            p = workdir / f"{tid}.txt"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
        import_transcripts(store, paths, "setup", NotIdentifiableGate())
        names = [f"coder{i:02d}" for i in range(coders)]
        for name in names:
            store.add_user(name, Role.CODER, "setup")
    finally:
        store.close()
    return names


def run_load(
    target: str,
    names: list[str],
    actions: int,
    *,
    remove_share: float = 0.3,
    seed: int = 1,
    queue: bool = True,
) -> LoadResult:
    """Each coder in ``names`` (a thread with its own Store) performs ``actions`` saves.

    With ``queue=False`` the coders' Stores skip the first-come-first-served write queue
    (:mod:`qualkit.storage.locks`), for comparison.
    """
    with Store.open(target, create=False) as store:
        texts = {t.tid: t.text for t in store.transcripts(with_text=True)}
        codes = [c.cid for c in store.codebook().codes if c.codable]
        backend = store.dialect
        events_before = Counter(e.action for e in store.events())
    run = _Run(
        target=target,
        texts=texts,
        tids=sorted(texts),
        codes=codes,
        actions=actions,
        remove_share=remove_share,
        seed=seed,
        queue=queue,
        barrier=threading.Barrier(len(names)),
    )
    threads = [threading.Thread(target=_coder, args=(run, i, n)) for i, n in enumerate(names)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    lost, duplicated, wrong, events_ok = _check(run, names, events_before)
    return LoadResult(
        backend,
        queue,
        len(names),
        actions,
        seconds,
        run.add_t,
        run.rm_t,
        lost,
        duplicated,
        wrong,
        events_ok,
        run.errors,
    )


@dataclass
class _Run:
    """What the coders' threads share: the project, the settings of the run, and what
    they report (timings, counts, errors, and the codings each left in place)."""

    target: str
    texts: dict[str, str]
    tids: list[str]
    codes: list[str]
    actions: int
    remove_share: float
    seed: int
    queue: bool
    barrier: threading.Barrier
    add_t: Timing = field(default_factory=Timing)
    rm_t: Timing = field(default_factory=Timing)
    lock: threading.Lock = field(default_factory=threading.Lock)
    expected: dict[int, tuple[str, str, int, int, str]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def _coder(run: _Run, i: int, name: str) -> None:
    """One coder's thread: random saves and removals, then what it did, reported."""
    rng = random.Random(run.seed * 1000 + i)
    live: dict[int, tuple[str, str, int, int, str]] = {}
    adds: list[float] = []
    rms: list[float] = []
    n_add = n_rm = 0
    s = Store.open(run.target, create=False, queue_writes=run.queue)
    stack = UndoStack()
    try:
        run.barrier.wait()
        for _ in range(run.actions):
            if live and rng.random() < run.remove_share:
                cid = rng.choice(list(live))
                _n, tid, start, end, code = live[cid]
                mine = Coding(coder=name, transcript=tid, start=start, end=end, code=code, id=cid)
                t0 = time.perf_counter()
                remove_coding(s, stack, name, mine)
                rms.append((time.perf_counter() - t0) * 1000)
                del live[cid]
                n_rm += 1
            else:
                tid = rng.choice(run.tids)
                n = len(run.texts[tid])
                start = rng.randrange(0, n - 2)
                end = rng.randrange(start + 1, min(n, start + 200) + 1)
                code = rng.choice(run.codes)
                t0 = time.perf_counter()
                (new,) = code_span(s, stack, name, tid, start, end, [code])
                adds.append((time.perf_counter() - t0) * 1000)
                live[new] = (name, tid, start, end, code)
                n_add += 1
    except Exception as e:  # reported, and the check below then fails
        with run.lock:
            run.errors.append(f"{name}: {type(e).__name__}: {e}")
    finally:
        s.close()
        with run.lock:
            run.add_t.samples.extend(adds)
            run.rm_t.samples.extend(rms)
            run.counts["coding.add"] += n_add
            run.counts["coding.delete"] += n_rm
            for k, v in live.items():
                if k in run.expected:
                    run.errors.append(f"id {k} handed out twice")
                run.expected[k] = v


def _check(run: _Run, names: list[str], events_before: Counter[str]) -> tuple[int, int, int, bool]:
    """(lost, duplicated or extra, wrong) codings, and whether the event log counts
    every save and removal."""
    expected, counts = run.expected, run.counts
    with Store.open(run.target, create=False) as store:
        found = [c for c in store.codings() if c.coder in set(names)]
        events_after = Counter(e.action for e in store.events())
    ids = Counter(c.id for c in found)
    duplicated = sum(n - 1 for n in ids.values() if n > 1)
    got = {c.id: (c.coder, c.transcript, c.start, c.end, c.code) for c in found}
    lost = sum(1 for k in expected if k not in got)
    extra = sum(1 for k in got if k not in expected)
    wrong = sum(1 for k, v in got.items() if k in expected and expected[k] != v)
    events_ok = all(
        events_after[a] - events_before[a] == counts[a] for a in ("coding.add", "coding.delete")
    )
    return lost, duplicated + extra, wrong, events_ok
