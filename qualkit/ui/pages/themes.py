"""Suggested themes (researchers): find candidate themes in what participants said, then
decide on each one: accept it as a new code, merge it into a code or another theme,
rename it, or reject it.

Themes are found and decided by :mod:`qualkit.topics.themes`; every decision is stored
with the theme and recorded in the project's event log. A new run keeps earlier
decisions on the themes it finds again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from qualkit.errors import QualkitError
from qualkit.events import EventKind
from qualkit.model import Codebook
from qualkit.storage import Store
from qualkit.storage.store import ThemeRecord
from qualkit.topics.embed import Embedder, shared_embedder
from qualkit.topics.project_suggest import hint_suggester
from qualkit.topics.suggest import CodeSuggester
from qualkit.ui.editing import parse_examples
from qualkit.ui.session import SignedIn
from qualkit.ui.st_common import display_names, flash
from qualkit.ui.st_guard import open_page
from qualkit.ui.suggestions import (
    ACTION_WORDS,
    SHOW_WORDS,
    HintSource,
    code_label,
    decision_text,
    default_code_name,
    default_definition,
    default_merge_code,
    default_parent,
    filter_themes,
    merge_code_choices,
    merge_theme_targets,
    parent_choices,
    quote_source,
    roles_text,
    run_info_text,
    run_message,
    sources_text,
    status_counts,
    theme_actions,
    transcript_roles,
)
from qualkit.ui.view import md_escape

if TYPE_CHECKING:
    from qualkit.topics.suggest import CodeSuggester

_T = TypeVar("_T")
_K = TypeVar("_K")
NO_PARENT = ""
#: How many quotes each theme shows.
QUOTES = 5


# -- process-wide resources ------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def embedder() -> Embedder:
    """The sentence-embedding model, loaded once per server process (on first use)."""
    return shared_embedder()


def _build_suggester(store: Store) -> CodeSuggester:
    return hint_suggester(store, embedder=embedder())


@st.cache_resource(show_spinner=False)
def hint_source() -> HintSource:
    """Suggested codes for the coding view, shared by every session of this process."""
    return HintSource(build=_build_suggester)


@st.cache_resource(show_spinner=False)
def _run_lock() -> threading.Lock:
    """One theme discovery at a time per process (it is heavy; its result is shared)."""
    return threading.Lock()


# -- the page ---------------------------------------------------------------------------


def render() -> None:
    sess, store = open_page(
        "themes",
        "Suggested themes",
        "qualkit can look for themes in what participants said and suggest them to you. "
        "Nothing joins the codebook until you accept it. You can accept a theme as a new "
        "code, merge it into a code or another theme, rename it, or reject it. Every "
        "decision is saved with your name, and finding themes again keeps your decisions.",
    )
    names = display_names()
    _run_box(store, sess, names)
    themes = store.themes()
    if not themes:
        st.info("There are no suggested themes yet. Use “Find themes” to look for some.")
        return
    codebook = store.codebook()
    code_names = {c.cid: c.name for c in store.codebook(include_inactive=True).codes}
    labels = {t.id: t.label for t in store.themes(current=None) if t.id is not None}
    titles = {t.tid: t.title for t in store.transcripts()}
    roles = transcript_roles(store)

    st.header("Themes", anchor=False)
    st.markdown(f"**{md_escape(status_counts(themes))}**")
    show = st.radio(
        "Show",
        list(SHOW_WORDS),
        format_func=lambda k: SHOW_WORDS[k],
        horizontal=True,
        key="qk_th_show",
    )
    shown = filter_themes(themes, show or "all")
    if not shown:
        st.write("No theme matches this choice.")
    for t in shown:
        _theme_card(store, sess, t, themes, codebook, code_names, labels, titles, roles, names)


def _run_box(store: Store, sess: SignedIn, names: Mapping[str, str]) -> None:
    runs = store.events(EventKind.THEMES_RUN)
    if runs:
        last = runs[-1]
        st.caption(md_escape(run_info_text(last.payload, last.at, last.actor, names)))
    label = "Find themes again" if runs else "Find themes"
    clicked = st.button(
        label,
        type="primary",
        key="qk_th_run",
        help="Reads every transcript's participant passages; this can take a minute.",
    )
    if not clicked:
        return
    lock = _run_lock()
    if not lock.acquire(blocking=False):
        st.warning(
            "Someone else is finding themes right now. Wait a minute, then reload this page."
        )
        return
    began = time.monotonic()
    try:
        with st.status("Finding themes… this can take a minute.", expanded=True) as status:
            from qualkit.topics.themes import run_themes

            def say(message: str) -> None:
                status.write(md_escape(message) + "…")

            try:
                stored = run_themes(store, sess.user, embedder=embedder(), progress=say)
            except QualkitError as e:
                status.update(label="Themes could not be found", state="error")
                st.error(f"Themes could not be found: {e}")
                return
            except (ImportError, OSError, RuntimeError) as e:
                status.update(label="Themes could not be found", state="error")
                st.error(
                    "Themes could not be found: the text model could not be loaded "
                    f"({type(e).__name__}). Ask your project admin to check the installation."
                )
                return
            status.update(label="Themes found", state="complete", expanded=False)
    finally:
        lock.release()
    flash(run_message(stored, time.monotonic() - began))
    st.rerun()


def _theme_card(
    store: Store,
    sess: SignedIn,
    t: ThemeRecord,
    themes: list[ThemeRecord],
    codebook: Codebook,
    code_names: Mapping[str, str],
    labels: Mapping[int, str],
    titles: Mapping[str, str],
    roles: Mapping[str, str],
    names: Mapping[str, str],
) -> None:
    assert t.id is not None
    with st.container(border=True, key=f"qk_theme_{t.id}"):
        st.subheader(md_escape(t.label), anchor=False)
        st.markdown(
            "**Status:** "
            + md_escape(decision_text(t, code_names=code_names, theme_labels=labels, names=names))
        )
        st.markdown("**Keywords:** " + md_escape(", ".join(t.keywords) or "none"))
        st.markdown("**Size and sources:** " + md_escape(sources_text(t, titles)) + ".")
        st.markdown("**Participant roles:** " + md_escape(roles_text(t)) + ".")
        quotes = t.quotes[:QUOTES]
        if quotes:
            st.markdown(f"**Representative quotes ({len(quotes)})**")
            for q in quotes:
                st.markdown(
                    "> “"
                    + md_escape(str(q.get("text", "")))
                    + "”  \n> — "
                    + md_escape(quote_source(q, titles, roles))
                )
        _decide(store, sess, t, themes, codebook)


def _decide(
    store: Store,
    sess: SignedIn,
    t: ThemeRecord,
    themes: list[ThemeRecord],
    codebook: Codebook,
) -> None:
    assert t.id is not None
    actions = theme_actions(t)
    if not actions:
        return
    action = st.selectbox(
        "Decide on this theme" if t.status == "candidate" else "Change the decision",
        actions,
        index=None,
        format_func=lambda a: ACTION_WORDS[a],
        placeholder="Choose what to do",
        key=f"qk_th_act_{t.id}_{t.status}",
    )
    if action == "accept":
        _accept_form(store, sess, t, codebook)
    elif action == "merge_code":
        _merge_code_form(store, sess, t, codebook)
    elif action == "merge_theme":
        _merge_theme_form(store, sess, t, themes)
    elif action == "rename":
        _rename_form(store, sess, t)
    elif action == "reject":
        _reject_form(store, sess, t)


def _done(message: str) -> None:
    flash(message)
    st.rerun()


def _picked(
    form_key: str,
    words: tuple[str, str, str],
    options: list[_K],
    *,
    index: int | None,
    format_func: Callable[[_K], str],
    placeholder: str,
) -> _K | None:
    """A form choosing one of ``options``; ``words`` are the box's label, the button's
    label and what to say when the button is pressed with nothing chosen. Returns the
    choice once the button is pressed with one."""
    label, button, missing = words
    with st.form(form_key):
        chosen = st.selectbox(
            label, options, index=index, format_func=format_func, placeholder=placeholder
        )
        go = st.form_submit_button(button, type="primary")
    if not go:
        return None
    if chosen is None:
        st.error(missing)
    return chosen


def _save(save: Callable[[], _T], done: Callable[[_T], str]) -> None:
    """Save a decision, then say what was done (``done`` words it from what ``save``
    returned); or say why it could not be saved."""
    try:
        result = save()
    except QualkitError as e:
        st.error(f"That could not be saved: {e}")
        return
    _done(done(result))


def _accept_form(store: Store, sess: SignedIn, t: ThemeRecord, codebook: Codebook) -> None:
    from qualkit.topics.themes import accept_theme, theme_examples

    assert t.id is not None
    parents = [NO_PARENT, *parent_choices(codebook)]
    preset = default_parent(t, codebook) or NO_PARENT
    with st.form(f"qk_th_accept_{t.id}"):
        name = st.text_input("Name of the new code", value=default_code_name(t), max_chars=200)
        definition = st.text_area(
            "What the code means", value=default_definition(t), max_chars=2000
        )
        examples = st.text_area(
            "Example quotes, one per line",
            value="\n".join(theme_examples(t)),
            max_chars=4000,
            help="They help coders and code suggestions. Clear the box to add none.",
        )
        parent = st.selectbox(
            "Put it under",
            parents,
            index=parents.index(preset) if preset in parents else 0,
            format_func=lambda k: (
                "Nothing: a new top-level code" if k == NO_PARENT else code_label(codebook, k)
            ),
            help="The codebook theme the new code belongs to.",
        )
        go = st.form_submit_button("Add to the codebook", type="primary")
    if not go:
        return
    if not name.strip():
        st.error("The new code needs a name.")
        return
    theme_id = t.id
    _save(
        lambda: accept_theme(
            store,
            theme_id,
            sess.user,
            name=" ".join(name.split()),
            definition=definition.strip(),
            parent=parent or None,
            examples=parse_examples(examples),
        ),
        lambda code: f"Added “{code.name}” to the codebook as a suggested code.",
    )


def _merge_code_form(store: Store, sess: SignedIn, t: ThemeRecord, codebook: Codebook) -> None:
    from qualkit.topics.themes import merge_theme_into_code

    assert t.id is not None
    choices = merge_code_choices(codebook)
    preset = default_merge_code(t, codebook)
    chosen = _picked(
        f"qk_th_mcode_{t.id}",
        ("Code that covers this theme", "Merge into this code", "Choose a code first."),
        choices,
        index=choices.index(preset) if preset in choices else None,
        format_func=lambda k: code_label(codebook, k),
        placeholder="Type to search the codes",
    )
    if chosen is None:
        return
    theme_id = t.id
    _save(
        lambda: merge_theme_into_code(store, theme_id, chosen, sess.user),
        lambda _: f"Merged the theme into “{code_label(codebook, chosen)}”.",
    )


def _merge_theme_form(
    store: Store, sess: SignedIn, t: ThemeRecord, themes: list[ThemeRecord]
) -> None:
    from qualkit.topics.themes import merge_themes

    assert t.id is not None
    targets = {x.id: x.label for x in merge_theme_targets(t, themes) if x.id is not None}
    if not targets:
        st.write("There is no other theme to merge it into.")
        return
    chosen = _picked(
        f"qk_th_mtheme_{t.id}",
        ("Theme to merge it into", "Merge the themes", "Choose a theme first."),
        list(targets),
        index=None,
        format_func=lambda k: targets[k],
        placeholder="Choose a theme",
    )
    if chosen is None:
        return
    theme_id = t.id
    _save(
        lambda: merge_themes(store, theme_id, chosen, sess.user),
        lambda _: f"Merged the theme into “{targets[chosen]}”.",
    )


def _rename_form(store: Store, sess: SignedIn, t: ThemeRecord) -> None:
    from qualkit.topics.themes import rename_theme

    assert t.id is not None
    with st.form(f"qk_th_rename_{t.id}"):
        label = st.text_input("New name for the theme", value=t.label, max_chars=300)
        go = st.form_submit_button("Rename", type="primary")
    if not go:
        return
    theme_id = t.id
    _save(lambda: rename_theme(store, theme_id, label, sess.user), lambda _: "Renamed the theme.")


def _reject_form(store: Store, sess: SignedIn, t: ThemeRecord) -> None:
    from qualkit.topics.themes import reject_theme

    assert t.id is not None
    with st.form(f"qk_th_reject_{t.id}"):
        reason = st.text_input("Why (optional)", max_chars=500)
        go = st.form_submit_button("Reject the theme", type="primary")
    if not go:
        return
    theme_id = t.id
    _save(
        lambda: reject_theme(store, theme_id, sess.user, " ".join(reason.split())),
        lambda _: "Rejected the theme. It stays rejected when themes are found again.",
    )
