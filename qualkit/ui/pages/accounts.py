"""Accounts (admins): add people and reset passwords. Passwords are hashed (argon2) and
never shown or logged. A password reset here must be changed by its owner at the next
sign-in; `qualkit users add NAME --invite` sends a link instead (see the README)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import streamlit as st

from qualkit import limits
from qualkit.auth import PASSWORD_ADVICE, hash_password
from qualkit.errors import QualkitError
from qualkit.model import Role
from qualkit.storage.invites import create_invite, invite_link, require_password_change
from qualkit.ui.session import DEFAULT_TIMEOUT
from qualkit.ui.st_common import ROLE_WORDS, flash, get_store
from qualkit.ui.st_guard import open_page

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


def render() -> None:
    sess, store = open_page("accounts", "Accounts")
    users = store.users()
    st.table(
        [
            {"User name": u.name, "Shown as": u.display_name, "Role": ROLE_WORDS[u.role]}
            for u in users
        ],
        hide_index=True,
        width="stretch",
    )

    st.header("Add a person", anchor=False)
    with st.form("qk_acc_add", clear_on_submit=True):
        name, display, role = _person_fields()
        pw = st.text_input(
            "Password",
            type="password",
            autocomplete="new-password",
            help=PASSWORD_ADVICE,
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
                    password_hash=hash_password(pw, name.strip()),
                    display_name=display.strip(),
                )
            except QualkitError as e:
                st.error(f"That could not be saved: {e}")
            else:
                flash(f"Added {name.strip()}.")
                st.rerun()

    _invite(sess.user)

    st.header("Reset a password", anchor=False)
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
                with store.transaction(sess.user):
                    store.set_password_hash(who, hash_password(pw1, who), sess.user)
                    require_password_change(store, who, sess.user)
            except QualkitError as e:
                st.error(f"That could not be saved: {e}")
            else:
                flash(f"Password for {who} changed; they choose a new one when they sign in.")
                st.rerun()

    _timeout_setting(sess.user)


def _person_fields() -> tuple[str, str, str]:
    """User name, shown name and role of a new person (inside a form)."""
    name = st.text_input(
        "User name", help="Letters, numbers, dots, dashes.", max_chars=limits.USER_NAME
    )
    display = st.text_input("Name shown in the app (optional)", max_chars=limits.DISPLAY_NAME)
    role = st.selectbox(
        "Role", [r.value for r in Role], index=2, format_func=lambda r: ROLE_WORDS[Role(r)]
    )
    return name, display, role


def _app_address() -> str:
    """The address people open the app at (as this browser reached it), for links."""
    url = st.context.url or ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def _invite(actor: str) -> None:
    """Invite a person: they choose their own password from a one-time link."""
    store = get_store()
    st.header("Invite a person", anchor=False)
    st.write(
        "They get a link that works once, for three days, where they choose their own "
        "password. Send it to them yourself, for example by email."
    )
    with st.form("qk_acc_invite", clear_on_submit=True):
        name, display, role = _person_fields()
        send = st.form_submit_button("Make an invitation link")
    if send:
        if not _NAME.match(name.strip()):
            st.error("The user name must be letters, numbers, dots or dashes.")
            return
        try:
            with store.transaction(actor):
                store.add_user(name.strip(), Role(role), actor, display_name=display.strip())
                token, expires = create_invite(store, name.strip(), actor)
        except QualkitError as e:
            st.error(f"That could not be saved: {e}")
            return
        st.success(
            f"Added {name.strip()}. Send them this link; it works once, until "
            f"{expires:%d %b %Y %H:%M} UTC. It is not shown again."
        )
        st.code(invite_link(_app_address(), token), language=None)


def _timeout_setting(actor: str) -> None:
    store = get_store()
    st.header("Signing out when idle", anchor=False)
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
