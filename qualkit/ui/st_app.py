"""The app's entry point: navigation by role over :data:`qualkit.ui.access.PAGES`, and the
sidebar."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module

import streamlit as st

from qualkit.errors import QualkitError
from qualkit.ui.access import PAGES, may_open
from qualkit.ui.pages.themes import hint_source
from qualkit.ui.st_common import (
    ROLE_WORDS,
    apply_style,
    check_timeout,
    current,
    end_session,
    get_store,
    keep_pages,
    prefs,
    save_prefs,
    timeout_seconds,
)
from qualkit.ui.view import md_escape

_WARMED = "qk_hints_warmed"


def _renderer(key: str) -> Callable[[], None]:
    module = import_module(f"qualkit.ui.pages.{PAGES[key].module}")
    fn: Callable[[], None] = module.render
    return fn


def _check_idle() -> None:
    """End an idle session even when nobody touches the page (hides everything)."""
    sess = current()
    if sess is not None and sess.expired(time.time(), timeout_seconds(get_store())):
        st.rerun(scope="app")


def _heartbeat() -> None:
    timeout = timeout_seconds(get_store())
    every = min(20.0, max(1.0, timeout / 3))
    st.fragment(run_every=every)(_check_idle)()


def _warm_hints() -> None:
    """Start getting suggested codes ready in the background as soon as someone who codes
    signs in, so that opening a transcript never waits for the text model."""
    try:
        store = get_store()
        hint_source().suggester(store, store.codebook(), wait=0)
    except QualkitError:
        return


def _sidebar() -> None:
    sess = current()
    if sess is None:
        return
    with st.sidebar:
        st.markdown(f"Signed in as **{md_escape(sess.display_name)}** ({ROLE_WORDS[sess.role]})")
        larger = bool(prefs().get("larger_text"))
        if st.toggle("Larger text", value=larger, key="qk_nav_larger") != larger:
            save_prefs(larger_text=not larger)
            st.rerun()
        if st.button("Sign out", key="qk_nav_signout"):
            end_session("signed out")
            st.rerun()
        _heartbeat()


def main() -> None:
    st.set_page_config(
        page_title="qualkit coding",
        layout="wide",
        # The menu starts open on wide screens and closed on narrow ones (phones, or a
        # large zoom), where it would cover the page.
        initial_sidebar_state="auto",
        menu_items={"Get help": None, "Report a bug": None, "About": "qualkit coding app"},
    )
    try:
        get_store()
    except QualkitError as e:
        st.error(f"The project could not be opened: {e}")
        st.stop()
    sess = check_timeout()
    apply_style()
    role = sess.role if sess is not None else None
    pages: dict[str, st.Page] = {}
    for key, spec in PAGES.items():
        pages[key] = st.Page(
            _renderer(key),
            title=spec.title,
            url_path=spec.url_path or None,
            default=key == "start",
            visibility="visible" if may_open(role, key) else "hidden",
        )
    keep_pages(pages)
    if sess is not None and may_open(role, "code") and not st.session_state.get(_WARMED):
        st.session_state[_WARMED] = True
        _warm_hints()
    nav = st.navigation(list(pages.values()), position="sidebar" if sess else "hidden")
    _sidebar()
    nav.run()
