"""First come, first served writes to a SQLite project from one app process.

SQLite lets one writer in at a time; waiting connections poll with growing sleeps, so under
load an unlucky writer can wait many seconds while later ones get in. The app's coding
actions therefore queue in arrival order on a per-database lock before opening their write
transaction. PostgreSQL needs no such queue (row locks do the job), and the lock only
orders writers of one process: correctness never depends on it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from qualkit.storage import Store


class FairLock:
    """A lock handed to waiters strictly in the order they asked for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            ticket = threading.Event()
            self._waiters.append(ticket)
        ticket.wait()  # ownership is handed over by release()

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._held = False

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_locks: dict[str, FairLock] = {}
_locks_guard = threading.Lock()


def _lock_for(store: Store) -> FairLock | None:
    if store.dialect != "sqlite":
        return None
    with _locks_guard:
        return _locks.setdefault(store.url, FairLock())


@contextmanager
def queued(store: Store) -> Iterator[None]:
    """Hold this process's place in the queue of writers to ``store`` (SQLite only)."""
    lock = _lock_for(store)
    if lock is None:
        yield
        return
    with lock:
        yield
