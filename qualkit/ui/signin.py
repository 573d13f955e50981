"""Signing in and out, independent of Streamlit.

Failed attempts are rate-limited (:mod:`qualkit.ui.ratelimit`) and written to the event log
with the account name when it exists, never with the password typed (nor with an unknown
name, which may be a password typed into the wrong box).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from qualkit.auth import hash_password, password_problem, verify_password
from qualkit.errors import NotFoundError
from qualkit.events import EventKind
from qualkit.storage import Store
from qualkit.storage.invites import (
    InviteInvalid,
    accept_invite,
    change_own_password,
    invite_user,
    must_change_password,
)
from qualkit.ui.ratelimit import SignInLimiter
from qualkit.ui.session import SignedIn

WRONG = "That name and password do not match. Please check them and try again."
EMPTY = "Please type your name and your password."


@dataclass
class SignInResult:
    session: SignedIn | None
    message: str = ""
    wait: float = 0.0
    #: An admin set this password: the person chooses a new one before anything else.
    must_change: bool = False

    @property
    def ok(self) -> bool:
        return self.session is not None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check against when the name is unknown, so both cases take as long."""
    return hash_password("no account has this password")


def user_key(name: str) -> str:
    return "user:" + name.strip().lower()


def wait_message(seconds: float) -> str:
    if seconds <= 90:
        return f"Too many tries. Please wait {math.ceil(seconds)} seconds, then try again."
    return f"Too many tries. Please wait {math.ceil(seconds / 60)} minutes, then try again."


def sign_in(
    store: Store,
    limiter: SignInLimiter,
    name: str,
    password: str,
    *,
    now: float,
    client: str | None = None,
    client_limiter: SignInLimiter | None = None,
) -> SignInResult:
    """Check a name and password; log the outcome; return a session or a plain message.

    ``limiter`` counts failures per account name; ``client_limiter`` (more generous, as
    several people may share one address) counts them per browser address ``client``.
    """
    name = name.strip()
    if not name or not password:
        return SignInResult(None, EMPTY)
    ukey = user_key(name)
    ckey = f"client:{client}" if client and client_limiter is not None else None
    stored = store.password_hash(name)
    known = stored is not None
    wait = limiter.wait_seconds([ukey], now)
    if ckey is not None and client_limiter is not None:
        wait = max(wait, client_limiter.wait_seconds([ckey], now))
    if wait > 0:
        store.log(
            name if known else "anonymous", EventKind.AUTH_THROTTLED, user=name if known else None
        )
        return SignInResult(None, wait_message(wait), wait)
    ok = verify_password(stored or _dummy_hash(), password) and known
    if not ok:
        limiter.failure([ukey], now)
        if ckey is not None and client_limiter is not None:
            client_limiter.failure([ckey], now)
        store.log(
            name if known else "anonymous",
            EventKind.AUTH_FAILED,
            user=name if known else None,
            reason="wrong password" if known else "unknown or inactive account",
            attempts=limiter.failures(ukey, now),
        )
        return SignInResult(None, WRONG)
    try:
        user = store.get_user(name)
    except NotFoundError:
        return SignInResult(None, WRONG)
    limiter.success([ukey])
    store.log(user.name, EventKind.AUTH_SIGNIN, user=user.name, role=user.role.value)
    return SignInResult(
        SignedIn(user.name, user.role, user.display_name or user.name, now),
        must_change=must_change_password(store, user.name),
    )


DIFFERENT = "The two passwords are not the same. Please type the same password twice."


def _new_password_problem(password: str, again: str, user_name: str) -> str | None:
    if password != again:
        return DIFFERENT
    return password_problem(password, user_name)


def link_user(store: Store, token: str) -> str | None:
    """Whose one-time link ``token`` is, while it is valid; None otherwise."""
    return invite_user(store, token)


def set_password_from_link(store: Store, token: str, password: str, again: str) -> str | None:
    """Set the password of a one-time link's user; returns a plain message when refused
    (nothing changed), None when done (the link is then used up)."""
    name = invite_user(store, token)
    if name is None:
        return (
            "This link has expired or has been used already. Ask your project admin for a new one."
        )
    problem = _new_password_problem(password, again, name)
    if problem is not None:
        return problem
    try:
        accept_invite(store, token, hash_password(password, name))
    except InviteInvalid as e:
        return str(e)
    return None


def change_password(store: Store, session: SignedIn, password: str, again: str) -> str | None:
    """A signed-in person chooses a new password; a plain message when refused, else None."""
    if verify_password(store.password_hash(session.user), password):
        return "Please choose a password different from the one your admin gave you."
    problem = _new_password_problem(password, again, session.user)
    if problem is not None:
        return problem
    change_own_password(store, session.user, hash_password(password, session.user))
    return None


def restore_failures(
    store: Store, limiter: SignInLimiter, now: float, *, recent: int = 2000
) -> int:
    """Replay the failed sign-ins the event log holds from the last ``limiter.window``
    seconds (up to the ``recent`` latest, and cleared by a later sign-in), so restarting
    the app does not reset the per-account limits. Returns the failures restored."""
    events = store.events(EventKind.AUTH_FAILED, limit=recent, newest=True)
    events += store.events(EventKind.AUTH_SIGNIN, limit=recent, newest=True)
    restored = 0
    for e in sorted(events, key=lambda e: e.id or 0):
        user = e.payload.get("user")
        at = e.at.timestamp() if e.at is not None else None
        if not isinstance(user, str) or at is None or now - at > limiter.window:
            continue
        if e.action == EventKind.AUTH_FAILED:
            limiter.failure([user_key(user)], at)
            restored += 1
        else:
            limiter.success([user_key(user)])
    return restored


def sign_out(store: Store, session: SignedIn, *, reason: str = "signed out") -> None:
    """Log the end of a session (``reason`` is "signed out" or "timed out")."""
    action = EventKind.AUTH_TIMEOUT if reason == "timed out" else EventKind.AUTH_SIGNOUT
    store.log(session.user, action, user=session.user)
