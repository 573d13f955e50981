"""Streamlit plumbing shared by every page: the project store, the signed-in session,
the page guard, the sign-in form, preferences and styles."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from qualkit.errors import QualkitError
from qualkit.model import Role
from qualkit.storage import Store
from qualkit.ui import remember
from qualkit.ui.access import PAGES, may_open
from qualkit.ui.ratelimit import SignInLimiter
from qualkit.ui.session import DEFAULT_TIMEOUT, BreakTimer, SignedIn
from qualkit.ui.signin import restore_failures, sign_in, sign_out
from qualkit.ui.undo import UndoStack

SESSION = "qk_session"
NOTICE = "qk_notice"
#: This browser's sign-in token (see :mod:`qualkit.ui.remember`), when it was last marked
#: as used, and cookie changes still to send to the browser.
TOKEN = "qk_token"
TOUCHED = "qk_token_touched"
SET_COOKIE = "qk_set_cookie"
CLEAR_COOKIE = "qk_clear_cookie"
#: Tokens this browser session knows are ended (kept across sign-outs).
DEAD_TOKENS = "dead_tokens"
PREFS_PREFIX = "ui_prefs:"
#: Session-state keys that belong to one signed-in person and go when they sign out.
PERSONAL_PREFIX = "qk_"

ROLE_WORDS = {
    Role.ADMIN: "admin",
    Role.RESEARCHER: "researcher",
    Role.CODER: "coder",
    Role.READER: "reader",
}


# -- process-wide resources --------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """The project named by ``QUALKIT_PROJECT``, opened once per server process."""
    target = os.environ.get("QUALKIT_PROJECT", "").strip()
    if not target:
        raise QualkitError(
            "no project given: start the app with `qualkit app PROJECT` (or set QUALKIT_PROJECT)"
        )
    return Store.open(target, create=False)


@st.cache_resource(show_spinner=False)
def limiters() -> tuple[SignInLimiter, SignInLimiter]:
    """Failed sign-ins per account name, and (more generous) per browser address. The
    per-account counts carry over from the event log, so a restart does not reset them."""
    per_user = SignInLimiter(free_attempts=5)
    restore_failures(get_store(), per_user, time.time())
    return per_user, SignInLimiter(free_attempts=30)


def timeout_seconds(store: Store) -> float:
    env = os.environ.get("QUALKIT_SESSION_TIMEOUT")
    if env:
        return float(env)
    minutes = store.settings().get("session_timeout_minutes")
    return float(minutes) * 60 if minutes else float(DEFAULT_TIMEOUT)


# -- session state -----------------------------------------------------------------------


def current() -> SignedIn | None:
    sess = st.session_state.get(SESSION)
    return sess if isinstance(sess, SignedIn) else None


def undo_stack() -> UndoStack:
    stack = st.session_state.get("qk_undo")
    if not isinstance(stack, UndoStack):
        stack = UndoStack()
        st.session_state["qk_undo"] = stack
    return stack


def break_timer() -> BreakTimer:
    timer = st.session_state.get("qk_break")
    if not isinstance(timer, BreakTimer):
        timer = BreakTimer(minutes=int(prefs().get("break_minutes", 0)))
        st.session_state["qk_break"] = timer
    return timer


def _forget_person() -> None:
    for key in list(st.session_state.keys()):
        if str(key).startswith(PERSONAL_PREFIX):
            del st.session_state[key]


ENDED_NOTICES = {
    "timed out": "You were signed out because nothing happened for a while. Your work is saved.",
    "ended": "Your sign-in has ended: you signed out in another tab, or your password was "
    "changed. Please sign in again. Your work is saved.",
}


def _dead_tokens() -> set[str]:
    dead = st.session_state.get(DEAD_TOKENS)
    if not isinstance(dead, set):
        dead = st.session_state[DEAD_TOKENS] = set()
    return dead


def end_session(reason: str = "signed out") -> None:
    """Sign out (``reason``: "signed out", "timed out" or "ended"): log it, end the
    browser's token, forget the person's state and clear the cookie."""
    sess = current()
    token = st.session_state.get(TOKEN)
    store = get_store()
    if sess is not None:
        try:
            sign_out(store, sess, reason=reason)
        finally:
            _forget_person()
    dead = _dead_tokens()
    for t in (token, st.context.cookies.get(remember.COOKIE)):
        if t:
            store.end_web_session(t)
            dead.add(t)
    st.session_state[CLEAR_COOKIE] = True
    st.session_state[NOTICE] = ENDED_NOTICES.get(reason, "You have signed out. Your work is saved.")


def _resume(store: Store) -> SignedIn | None:
    """Pick up this browser's sign-in after a reload, from its cookie."""
    token = st.context.cookies.get(remember.COOKIE)
    if not token or token in _dead_tokens():
        return None
    now = time.time()
    sess = remember.resume(store, token, timeout_seconds(store), now)
    if sess is None:
        _dead_tokens().add(token)
        st.session_state[CLEAR_COOKIE] = True
        return None
    _forget_person()
    st.session_state[SESSION] = sess
    st.session_state[TOKEN] = token
    st.session_state[TOUCHED] = now
    return sess


def check_timeout() -> SignedIn | None:
    """The signed-in session (resumed from the browser's cookie after a reload), or None;
    a session idle for too long, or ended elsewhere, is ended here."""
    store = get_store()
    sess = current() or _resume(store)
    if sess is None:
        return None
    now = time.time()
    timeout = timeout_seconds(store)
    if sess.expired(now, timeout):
        end_session("timed out")
        return None
    token = st.session_state.get(TOKEN)
    if token and now - float(st.session_state.get(TOUCHED, 0.0)) >= remember.TOUCH_EVERY:
        st.session_state[TOUCHED] = now
        if not remember.still_valid(store, token, timeout):
            end_session("ended")
            return None
    return sess


def send_cookie_changes() -> None:
    """Set or clear the sign-in cookie in the browser when a change is due (the server sets
    it, HttpOnly: the page only posts a single-use ticket, see :mod:`qualkit.ui.http`)."""
    token = st.session_state.pop(SET_COOKIE, None)
    if isinstance(token, str):
        components.html(remember.cookie_script(token), height=0)
    elif st.session_state.pop(CLEAR_COOKIE, False):
        components.html(remember.cookie_script(None), height=0)


# -- preferences -------------------------------------------------------------------------


def prefs() -> dict[str, Any]:
    """This person's display preferences (loaded from the project once per session)."""
    p = st.session_state.get("qk_prefs")
    if isinstance(p, dict):
        return p
    sess = current()
    loaded: dict[str, Any] = {}
    if sess is not None:
        loaded = dict(get_store().settings().get(PREFS_PREFIX + sess.user) or {})
    st.session_state["qk_prefs"] = loaded
    return loaded


def save_prefs(**values: Any) -> None:
    sess = current()
    p = {**prefs(), **values}
    st.session_state["qk_prefs"] = p
    if sess is not None:
        get_store().update_settings(sess.user, **{PREFS_PREFIX + sess.user: p})


BASE_CSS = """
<style>
:root { --qk-focus: #0b3d91; }
html { font-size: %(size)spx; }
.stApp, .stMarkdown, .stMarkdown p, label, .stTextInput input, .stTextArea textarea {
  line-height: 1.6;
}
.stMarkdown p, .stMarkdown li { max-width: 75ch; }
*:focus-visible { outline: 3px solid var(--qk-focus) !important; outline-offset: 2px; }
button[kind] p { font-weight: 600; }
[data-testid="stCaptionContainer"], .stCaption, small {
  color: #2b2b2b !important; opacity: 1 !important;
}
[data-testid="stSidebarNav"] a span { color: #000 !important; }
[data-testid="stMain"] [data-testid="stPageLink"] a {
  border: 2px solid #0b3d91; border-radius: 6px; padding: 0.2em 0.9em; text-decoration: none;
}
input::placeholder, textarea::placeholder { color: #595959 !important; opacity: 1; }
%(extra)s
</style>
"""


def apply_style() -> None:
    larger = bool(prefs().get("larger_text")) if current() else False
    size = 22 if larger else 18
    extra = ".qk-transcript { font-size: 1.15em; }" if larger else ""
    st.html(BASE_CSS % {"size": size, "extra": extra})


# -- guard and sign-in -------------------------------------------------------------------


def signin_form() -> None:
    """The only thing a signed-out visitor sees, whatever page they asked for (or, from a
    one-time link, the form to choose a password: :mod:`qualkit.ui.st_password`)."""
    from qualkit.ui.st_password import INVITE_PARAM, invite_form

    link = st.query_params.get(INVITE_PARAM)
    if link:
        invite_form(link)
        return
    st.title("Sign in")
    send_cookie_changes()
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(notice)
    st.write("Sign in with the name and password your project admin gave you.")
    with st.form("qk_signin_form", clear_on_submit=False, enter_to_submit=True):
        name = st.text_input("Your user name", autocomplete="username", max_chars=100)
        password = st.text_input(
            "Password", type="password", autocomplete="current-password", max_chars=200
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        per_user, per_client = limiters()
        result = sign_in(
            get_store(),
            per_user,
            name,
            password,
            now=time.time(),
            client=st.context.ip_address or "local",
            client_limiter=per_client,
        )
        if result.session is not None:
            _forget_person()
            store = get_store()
            token = store.start_web_session(result.session.user)
            st.session_state[SESSION] = result.session
            st.session_state[TOKEN] = token
            st.session_state[TOUCHED] = time.time()
            st.session_state[SET_COOKIE] = token
            st.rerun()
        st.error(result.message)
    st.caption("Forgotten your password? Ask your project admin to reset it.")


def guard(page: str) -> SignedIn:
    """Stop the page unless someone is signed in with a role allowed on it.

    Signed-out visitors see only the sign-in form. Every page calls this first.
    """
    sess = check_timeout()
    if sess is None:
        signin_form()
        st.stop()
    assert sess is not None
    send_cookie_changes()
    from qualkit.ui.st_password import change_password_form, must_change

    if must_change(sess):  # after an admin's reset, also when resumed by the cookie
        change_password_form(sess)
        st.stop()
    spec = PAGES[page]
    if not may_open(sess.role, page):
        st.title(spec.title)
        st.error(
            f"This page is not open to your account ({ROLE_WORDS[sess.role]}). "
            "Use the menu to choose another page."
        )
        st.stop()
    sess.touch(time.time())
    return sess


def flash(message: str, kind: str = "success") -> None:
    """Show ``message`` once, on the next run of the page."""
    st.session_state["qk_flash"] = (kind, message)


def show_flash() -> None:
    item = st.session_state.pop("qk_flash", None)
    if not item:
        return
    kind, message = item
    show: Callable[[str], Any] = {
        "success": st.success,
        "info": st.info,
        "error": st.error,
        "warning": st.warning,
    }.get(kind, st.info)
    show(message)


def open_page(page: str, title: str, intro: str | None = None) -> tuple[SignedIn, Store]:
    """How a page starts: the role check (:func:`guard`), the project, the message left
    by the last action, the title and, when given, a short introduction."""
    sess = guard(page)
    store = get_store()
    show_flash()
    st.title(title, anchor=False)
    if intro is not None:
        st.write(intro)
    return sess, store


def page_link(page: str, label: str | None = None, **query: str) -> None:
    """A link to one of the app's pages (registered by :mod:`qualkit.ui.st_app`)."""
    from qualkit.ui.st_app import page_object

    st.page_link(page_object(page), label=label or PAGES[page].title, query_params=query or None)


def go(page: str, **query: str) -> None:
    from qualkit.ui.st_app import page_object

    st.switch_page(page_object(page), query_params=query or None)


def display_names() -> dict[str, str]:
    return {u.name: (u.display_name or u.name) for u in get_store().users()}
