"""Keep a person signed in when they reload the page (no Streamlit here).

At sign-in the browser gets a random token in a cookie (first-party, ``SameSite=Strict``,
no expiry date, so it goes when the browser closes); the project database keeps only its
SHA-256 hash. A new page load with the cookie resumes the session if the token was used
within the idle timeout; signing out, timing out or a password reset ends it for good.
"""

from __future__ import annotations

import re

from qualkit.storage import Store
from qualkit.ui.session import SignedIn

COOKIE = "qualkit_session"
#: The browser's token is marked as used at most this often (seconds), so that coding
#: does not write to the database on every click.
TOUCH_EVERY = 60.0

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def cookie_script(token: str | None, *, secure: bool = False) -> str:
    """HTML whose script sets the cookie to ``token``, or clears it when None."""
    if token is None:
        value = "=; Path=/; Max-Age=0; SameSite=Strict"
    elif _TOKEN.match(token):
        value = f"={token}; Path=/; SameSite=Strict"
    else:
        raise ValueError("not a session token")
    if secure:
        value += "; Secure"
    return f"<script>document.cookie = '{COOKIE}{value}';</script>"


def resume(store: Store, token: str | None, timeout: float, now: float) -> SignedIn | None:
    """The session a browser's cookie token stands for, or None (and nothing logged) when
    there is no valid one. A resumed session is logged as ``auth.resume``."""
    if not token or not _TOKEN.match(token):
        return None
    user = store.resume_web_session(token, timeout + TOUCH_EVERY)
    if user is None:
        return None
    store.log(user.name, "auth.resume", user=user.name, role=user.role.value)
    return SignedIn(user.name, user.role, user.display_name or user.name, now)


def still_valid(store: Store, token: str, timeout: float) -> bool:
    """Mark the token as used now; False when it has been ended (e.g. a password reset)."""
    return store.resume_web_session(token, timeout + 2 * TOUCH_EVERY) is not None


__all__ = ["COOKIE", "TOUCH_EVERY", "cookie_script", "resume", "still_valid"]
