"""First come, first served writes to a SQLite database from one process.

SQLite lets one writer in at a time; waiting connections poll with growing sleeps, so under
load an unlucky writer can wait many seconds while later ones get in. :class:`Store`
therefore queues its write transactions, in arrival order, on one lock per database file
before opening them. PostgreSQL needs no queue (row locks do the job), and the lock only
orders writers of one process: correctness never depends on it.
"""

from __future__ import annotations

import threading
from collections import deque


class FairLock:
    """A re-entrant lock handed to waiting threads strictly in the order they asked."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[tuple[threading.Event, int]] = deque()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._guard:
            if self._owner is None or self._owner == me:
                self._owner = me
                self._depth += 1
                return
            ticket = threading.Event()
            self._waiters.append((ticket, me))
        ticket.wait()  # release() makes this thread the owner before setting the event

    def release(self) -> None:
        with self._guard:
            self._depth -= 1
            if self._depth:
                return
            if self._waiters:
                ticket, who = self._waiters.popleft()
                self._owner, self._depth = who, 1
                ticket.set()
            else:
                self._owner = None

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_locks: dict[str, FairLock] = {}
_locks_guard = threading.Lock()


def lock_for(url: str) -> FairLock:
    """The process-wide write queue for the database at ``url``."""
    with _locks_guard:
        return _locks.setdefault(url, FairLock())
