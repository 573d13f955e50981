"""Assign transcripts (researchers): give transcripts to coders, follow progress, and set
content notes (with suggestions from the keyword check)."""

from __future__ import annotations

import streamlit as st

from qualkit.model import Role, SpeakerKind, Transcript
from qualkit.storage import Store
from qualkit.ui.content_notes import TOPICS, propose_content_notes
from qualkit.ui.progress import STATUS_WORDS, team_overview
from qualkit.ui.st_common import display_names, flash
from qualkit.ui.st_guard import open_page
from qualkit.ui.suggestions import prepare_in_background
from qualkit.ui.view import md_escape


def _prepare_hints(store: Store, transcripts: list[Transcript]) -> None:
    """Get the suggested codes of newly assigned transcripts ready in the background: kept
    in the project (every turn and sentence), so that a coder's first suggestions need no
    text model, then ranked in this server's memory."""
    from qualkit.ui.pages.themes import hint_source

    source = hint_source()

    def rank(mine: Store) -> None:
        codebook = mine.codebook()
        for t in transcripts:
            turns = [u for u in t.turns if u.kind == SpeakerKind.PARTICIPANT]
            thread = source.prepare(mine, codebook, t, [(u.start, u.end) for u in turns])
            if thread is not None:
                thread.join()  # ``mine`` is closed once this returns

    prepare_in_background(store.url, [t.tid for t in transcripts], then=rank)


def render() -> None:
    sess, store = open_page("assign", "Assign transcripts")
    transcripts = store.transcripts()
    titles = {t.tid: t.title for t in transcripts}
    names = display_names()
    coders = [u.name for u in store.users() if u.role in (Role.CODER, Role.RESEARCHER)]
    if not transcripts:
        st.info("No transcripts have been imported yet.")
        return

    _assign_form(store, sess.user, transcripts, names, coders)
    _progress(store, titles, names)
    _content_notes(store, sess.user, titles)


def _assign_form(
    store: Store,
    actor: str,
    transcripts: list[Transcript],
    names: dict[str, str],
    coders: list[str],
) -> None:
    """Give chosen transcripts to chosen coders, every pair in one transaction."""
    titles = {t.tid: t.title for t in transcripts}
    st.header("Give transcripts to coders", anchor=False)
    with st.form("qk_assign_form", clear_on_submit=True):
        tids = st.multiselect(
            "Transcripts", list(titles), format_func=lambda k: f"{titles[k]} ({k})"
        )
        who = st.multiselect("Coders", coders, format_func=lambda u: names.get(u, u))
        go = st.form_submit_button("Assign", type="primary")
    if go:
        if not tids or not who:
            st.error("Choose at least one transcript and one coder.")
        else:
            with store.transaction(actor):  # every pair, or none
                for tid in tids:
                    for user in who:
                        store.assign(tid, user, actor)
            _prepare_hints(store, [t for t in transcripts if t.tid in set(tids)])
            flash(f"Assigned {len(tids)} transcript(s) to {len(who)} coder(s).")
            st.rerun()


def _progress(store: Store, titles: dict[str, str], names: dict[str, str]) -> None:
    """Each assignment's status and number of codings."""
    st.header("Progress", anchor=False)
    rows = team_overview(store)
    if not rows:
        st.write("Nothing is assigned yet.")
    else:
        st.table(
            [
                {
                    "Transcript": f"{titles.get(tid, tid)} ({tid})",
                    "Coder": names.get(user, user),
                    "Status": STATUS_WORDS.get(status, status),
                    "Codings": "" if status == "declined" else n,
                }
                for tid, user, status, n in rows
            ],
            hide_index=True,
            width="stretch",
        )


def _content_notes(store: Store, actor: str, titles: dict[str, str]) -> None:
    """Confirm or set the content notes of one transcript."""
    st.header("Content notes", anchor=False)
    st.write(
        "Content notes are shown to coders before a transcript opens. The keyword check "
        "suggests topics; please confirm them."
    )
    picked = st.selectbox(
        "Transcript",
        list(titles),
        index=None,
        format_func=lambda k: f"{titles[k]} ({k})",
        placeholder="Choose a transcript",
        key="qk_notes_pick",
    )
    if picked is None:
        return
    tid = picked
    t = store.transcript(tid)
    proposed = propose_content_notes(t.text)
    if proposed:
        st.write("Suggested by the keyword check: **" + md_escape(", ".join(proposed)) + "**")
    else:
        st.write("The keyword check found none of its topics.")
    options = list(dict.fromkeys([*TOPICS, *t.content_notes]))
    with st.form(f"qk_notes_form_{tid}"):
        chosen = st.multiselect(
            "Notes for this transcript", options, default=list(t.content_notes) or proposed
        )
        other = st.text_input("Another note (optional)")
        save = st.form_submit_button("Save content notes", type="primary")
    if save:
        notes = list(dict.fromkeys([*chosen, *([other.strip()] if other.strip() else [])]))
        store.set_content_notes(tid, notes, actor)
        flash("Content notes saved.")
        st.rerun()
