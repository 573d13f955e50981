"""Choosing one's own password in the app: from a one-time link (an invitation or a reset
by an admin), or at the first sign-in after an admin set a password. The rules and the
checks live in :mod:`qualkit.ui.signin` and :mod:`qualkit.auth`."""

from __future__ import annotations

import streamlit as st

from qualkit.auth import MAX_PASSWORD_LENGTH, PASSWORD_ADVICE
from qualkit.storage.invites import INVITE_PARAM, LINK_INVALID, must_change_password
from qualkit.ui.session import SignedIn
from qualkit.ui.signin import change_password, link_user, set_password_from_link
from qualkit.ui.st_common import NOTICE, flash, get_store

__all__ = ["INVITE_PARAM", "change_password_form", "invite_form", "must_change"]


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
    st.title("Choose your password")
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
    st.title("Choose a new password")
    st.write("Your admin set a password for you. Please choose your own before you go on.")
    first, again, done = _two_passwords("qk_change_form", "Save my new password")
    if done:
        problem = change_password(get_store(), session, first, again)
        if problem is not None:
            st.error(problem)
            return
        flash("Your new password is saved.")
        st.rerun()
