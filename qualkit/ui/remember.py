"""Keep a person signed in when they reload the page (no Streamlit here).

At sign-in the browser gets a random token in a cookie (first-party, ``HttpOnly``,
``SameSite=Strict``, ``Secure`` when the app is served over HTTPS, no expiry date, so it
goes when the browser closes); the project database keeps only its SHA-256 hash. A new
page load with the cookie resumes the session if the token was used within the idle
timeout; signing out, timing out or a password reset ends it for good.

The cookie is set by the server, so that page scripts cannot read it: the page gets a
single-use ticket (random, valid for :data:`TICKET_SECONDS`) and posts it to the app's own
route :data:`COOKIE_ROUTE` (:mod:`qualkit.ui.http`), whose answer carries the
``Set-Cookie`` header. The token itself never appears in the page.
"""

from __future__ import annotations

import re
import secrets
import threading
import time

from qualkit.events import EventKind
from qualkit.storage import Store
from qualkit.ui.session import SignedIn

COOKIE = "qualkit_session"
#: The browser's token is marked as used at most this often (seconds), so that coding
#: does not write to the database on every click.
TOUCH_EVERY = 60.0

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


#: The app's own HTTP route that sets and clears the cookie (see :mod:`qualkit.ui.http`).
COOKIE_ROUTE = "/_qualkit/cookie"
#: How long a ticket for a cookie change stays valid (seconds).
TICKET_SECONDS = 60.0
_TICKET = re.compile(r"^[A-Za-z0-9_-]{40,60}$")


def cookie_header(token: str | None, *, secure: bool) -> str:
    """The ``Set-Cookie`` value that sets the cookie to ``token``, or clears it when None."""
    if token is None:
        value = f"{COOKIE}=; Path=/; Max-Age=0"
    elif _TOKEN.match(token):
        value = f"{COOKIE}={token}; Path=/"
    else:
        raise ValueError("not a session token")
    return value + "; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")


class CookieTickets:
    """Single-use tickets, each standing for one change of the cookie (a token, or None to
    clear it), redeemed by the browser at :data:`COOKIE_ROUTE` within ``ttl`` seconds."""

    def __init__(self, ttl: float = TICKET_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._items: dict[str, tuple[str | None, float]] = {}

    def issue(self, token: str | None, now: float | None = None) -> str:
        if token is not None and not _TOKEN.match(token):
            raise ValueError("not a session token")
        now = time.monotonic() if now is None else now
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            for key in [k for k, (_, t) in self._items.items() if now - t > self.ttl]:
                del self._items[key]
            self._items[ticket] = (token, now)
        return ticket

    def redeem(self, ticket: str, now: float | None = None) -> tuple[bool, str | None]:
        """(True, token or None) for a valid ticket, which is used up; (False, None) else."""
        now = time.monotonic() if now is None else now
        if not _TICKET.match(ticket):
            return False, None
        with self._lock:
            item = self._items.pop(ticket, None)
        if item is None or now - item[1] > self.ttl:
            return False, None
        return True, item[0]


#: The tickets of this app process (the app's pages issue them, its HTTP route redeems them).
TICKETS = CookieTickets()


def cookie_script(token: str | None, tickets: CookieTickets = TICKETS) -> str:
    """HTML whose script asks the app's server to set the cookie to ``token``, or to clear
    it when None. The page holds only a single-use ticket, never the token."""
    ticket = tickets.issue(token)
    return (
        f"<script>fetch('{COOKIE_ROUTE}', {{method: 'POST', credentials: 'same-origin', "
        f"cache: 'no-store', body: '{ticket}'}});</script>"
    )


def resume(store: Store, token: str | None, timeout: float, now: float) -> SignedIn | None:
    """The session a browser's cookie token stands for, or None (and nothing logged) when
    there is no valid one. A resumed session is logged as ``auth.resume``."""
    if not token or not _TOKEN.match(token):
        return None
    with store.transaction("anonymous"):
        user = store.resume_web_session(token, timeout + TOUCH_EVERY)
        if user is None:
            return None
        store.log(user.name, EventKind.AUTH_RESUME, user=user.name, role=user.role.value)
    return SignedIn(user.name, user.role, user.display_name or user.name, now)


def still_valid(store: Store, token: str, timeout: float) -> bool:
    """Mark the token as used now; False when it has been ended (e.g. a password reset)."""
    return store.resume_web_session(token, timeout + 2 * TOUCH_EVERY) is not None


__all__ = [
    "COOKIE",
    "COOKIE_ROUTE",
    "TICKETS",
    "TOUCH_EVERY",
    "CookieTickets",
    "cookie_header",
    "cookie_script",
    "resume",
    "still_valid",
]
