"""A signed-in session: who, with which role, and when they last did something.

The app keeps one :class:`SignedIn` per browser session and checks :meth:`SignedIn.expired`
on every interaction; after ``timeout`` seconds without activity the session ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualkit.model import Role

#: Inactivity after which a session ends, in seconds.
DEFAULT_TIMEOUT = 30 * 60


@dataclass
class SignedIn:
    user: str
    role: Role
    display_name: str
    signed_in_at: float
    last_activity: float = field(default=0.0)

    def __post_init__(self) -> None:
        if not self.last_activity:
            self.last_activity = self.signed_in_at

    def idle_for(self, now: float) -> float:
        return max(0.0, now - self.last_activity)

    def expired(self, now: float, timeout: float = DEFAULT_TIMEOUT) -> bool:
        return self.idle_for(now) >= timeout

    def touch(self, now: float) -> None:
        self.last_activity = max(self.last_activity, now)


@dataclass
class BreakTimer:
    """An optional reminder to take a break after ``minutes`` of coding (0 = off)."""

    minutes: int = 0
    started: float | None = None
    snoozed_until: float | None = None

    def start(self, now: float) -> None:
        if self.started is None:
            self.started = now

    def reset(self, now: float) -> None:
        self.started = now
        self.snoozed_until = None

    def due(self, now: float) -> bool:
        if not self.minutes or self.started is None:
            return False
        if self.snoozed_until is not None and now < self.snoozed_until:
            return False
        return now - self.started >= self.minutes * 60

    def snooze(self, now: float, minutes: int = 10) -> None:
        self.snoozed_until = now + minutes * 60
