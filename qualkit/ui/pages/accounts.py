"""Accounts (admins): add people and reset passwords. Passwords are hashed (argon2) and
never shown or logged."""

from __future__ import annotations

import re

import streamlit as st

from qualkit import limits
from qualkit.auth import MIN_PASSWORD_LENGTH, hash_password
from qualkit.errors import QualkitError
from qualkit.model import Role
from qualkit.ui.session import DEFAULT_TIMEOUT
from qualkit.ui.st_common import ROLE_WORDS, flash, get_store, guard, show_flash

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


def render() -> None:
    sess = guard("accounts")
    store = get_store()
    show_flash()
    st.title("Accounts")
    users = store.users()
    st.table(
        [
            {"User name": u.name, "Shown as": u.display_name, "Role": ROLE_WORDS[u.role]}
            for u in users
        ],
        hide_index=True,
        width="stretch",
    )

    st.subheader("Add a person")
    with st.form("qk_acc_add", clear_on_submit=True):
        name = st.text_input(
            "User name", help="Letters, numbers, dots, dashes.", max_chars=limits.USER_NAME
        )
        display = st.text_input("Name shown in the app (optional)", max_chars=limits.DISPLAY_NAME)
        role = st.selectbox(
            "Role", [r.value for r in Role], index=2, format_func=lambda r: ROLE_WORDS[Role(r)]
        )
        pw = st.text_input(
            "Password",
            type="password",
            autocomplete="new-password",
            help=f"At least {MIN_PASSWORD_LENGTH} characters.",
        )
        add = st.form_submit_button("Add person", type="primary")
    if add:
        if not _NAME.match(name.strip()):
            st.error("The user name must be letters, numbers, dots or dashes.")
        else:
            try:
                store.add_user(
                    name.strip(),
                    Role(role),
                    sess.user,
                    password_hash=hash_password(pw),
                    display_name=display.strip(),
                )
            except QualkitError as e:
                st.error(f"That could not be saved: {e}")
            else:
                flash(f"Added {name.strip()}.")
                st.rerun()

    st.subheader("Reset a password")
    with st.form("qk_acc_reset", clear_on_submit=True):
        who = st.selectbox(
            "Person", [u.name for u in users], index=None, placeholder="Choose a person"
        )
        pw1 = st.text_input("New password", type="password", autocomplete="new-password")
        pw2 = st.text_input("New password again", type="password", autocomplete="new-password")
        reset = st.form_submit_button("Reset password")
    if reset:
        if who is None:
            st.error("Choose a person.")
        elif pw1 != pw2:
            st.error("The two passwords are not the same.")
        else:
            try:
                store.set_password_hash(who, hash_password(pw1), sess.user)
            except QualkitError as e:
                st.error(f"That could not be saved: {e}")
            else:
                flash(f"Password for {who} changed.")
                st.rerun()

    _timeout_setting(sess.user)


def _timeout_setting(actor: str) -> None:
    store = get_store()
    st.subheader("Signing out when idle")
    current = int(store.settings().get("session_timeout_minutes") or DEFAULT_TIMEOUT // 60)
    with st.form("qk_acc_timeout"):
        minutes = st.number_input(
            "Sign people out after this many minutes without activity",
            min_value=5,
            max_value=240,
            value=current,
            step=5,
        )
        save = st.form_submit_button("Save")
    if save:
        store.update_settings(actor, session_timeout_minutes=int(minutes))
        flash(f"People are now signed out after {int(minutes)} minutes without activity.")
        st.rerun()
