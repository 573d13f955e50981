"""Slow down password guessing: after a few failed sign-ins a name (or a browser) must wait.

The limiter is in memory and shared by every session of one app process. Each failure
inside ``window`` seconds counts; from ``free_attempts`` failures on, the wait doubles with
every further failure, up to ``max_wait`` seconds. A successful sign-in clears the name.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field


@dataclass
class SignInLimiter:
    free_attempts: int = 5
    window: float = 15 * 60
    base_wait: float = 30.0
    max_wait: float = 15 * 60
    _failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def wait_seconds(self, keys: list[str], now: float) -> float:
        """How long any of ``keys`` must still wait before another attempt (0 = may try)."""
        worst = 0.0
        with self._lock:
            for key in keys:
                q = self._prune(key, now)
                extra = len(q) - self.free_attempts
                if extra < 0 or not q:
                    continue
                wait = min(self.max_wait, self.base_wait * (2**extra))
                worst = max(worst, q[-1] + wait - now)
        return max(0.0, worst)

    def failure(self, keys: list[str], now: float) -> None:
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def success(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def failures(self, key: str, now: float) -> int:
        with self._lock:
            return len(self._prune(key, now))
