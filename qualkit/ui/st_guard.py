"""The page guard and what it shows instead of a page: the sign-in form, and the forms for
choosing one's own password from a one-time link (an invitation or a reset by an admin) or
at the first sign-in after an admin set a password. The rules and the checks live in
:mod:`qualkit.ui.signin` and :mod:`qualkit.auth`."""

from __future__ import annotations

import time

import streamlit as st

from qualkit.auth import MAX_PASSWORD_LENGTH, PASSWORD_ADVICE
from qualkit.storage import Store
from qualkit.storage.invites import INVITE_PARAM, LINK_INVALID, must_change_password
from qualkit.ui.access import PAGES, may_open
from qualkit.ui.session import SignedIn
from qualkit.ui.signin import change_password, link_user, set_password_from_link, sign_in
from qualkit.ui.st_common import (
    NOTICE,
    ROLE_WORDS,
    SESSION,
    SET_COOKIE,
    TOKEN,
    TOUCHED,
    check_timeout,
    flash,
    forget_person,
    get_store,
    limiters,
    send_cookie_changes,
    show_flash,
)

__all__ = [
    "change_password_form",
    "guard",
    "invite_form",
    "must_change",
    "open_page",
    "signin_form",
]


def signin_form() -> None:
    """The only thing a signed-out visitor sees, whatever page they asked for (or, from a
    one-time link, the form to choose a password)."""
    link = st.query_params.get(INVITE_PARAM)
    if link:
        invite_form(link)
        return
    st.title("Sign in", anchor=False)
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
            forget_person()
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
    if must_change(sess):  # after an admin's reset, also when resumed by the cookie
        change_password_form(sess)
        st.stop()
    spec = PAGES[page]
    if not may_open(sess.role, page):
        st.title(spec.title, anchor=False)
        st.error(
            f"This page is not open to your account ({ROLE_WORDS[sess.role]}). "
            "Use the menu to choose another page."
        )
        st.stop()
    sess.touch(time.time())
    return sess


def must_change(session: SignedIn) -> bool:
    """Whether an admin set this person's password, so they choose their own first."""
    return must_change_password(get_store(), session.user)


def _two_passwords(form: str, button: str) -> tuple[str, str, bool]:
    with st.form(form, clear_on_submit=True, enter_to_submit=True):
        st.write(PASSWORD_ADVICE)
        first = st.text_input(
            "New password",
            type="password",
            autocomplete="new-password",
            max_chars=MAX_PASSWORD_LENGTH,
        )
        again = st.text_input(
            "New password again",
            type="password",
            autocomplete="new-password",
            max_chars=MAX_PASSWORD_LENGTH,
        )
        done = st.form_submit_button(button, type="primary")
    return first, again, done


def invite_form(token: str) -> None:
    """The page a one-time link opens: choose a password, then sign in with it."""
    store = get_store()
    st.title("Choose your password", anchor=False)
    name = link_user(store, token)
    if name is None:
        st.error(LINK_INVALID)
        if st.button("Go to the sign-in page"):
            st.query_params.clear()
            st.rerun()
        return
    st.write(f"Welcome. Your user name is **{name}**. Choose a password to sign in with.")
    first, again, done = _two_passwords("qk_invite_form", "Save my password")
    if done:
        problem = set_password_from_link(store, token, first, again)
        if problem is not None:
            st.error(problem)
            return
        st.query_params.pop(INVITE_PARAM, None)
        st.session_state[NOTICE] = f"Your password is saved. Sign in as {name}."
        st.rerun()


def change_password_form(session: SignedIn) -> None:
    """Shown instead of every page until the person has chosen a new password."""
    st.title("Choose a new password", anchor=False)
    st.write("Your admin set a password for you. Please choose your own before you go on.")
    first, again, done = _two_passwords("qk_change_form", "Save my new password")
    if done:
        problem = change_password(get_store(), session, first, again)
        if problem is not None:
            st.error(problem)
            return
        flash("Your new password is saved.")
        st.rerun()


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
