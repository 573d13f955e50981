"""All transcripts: the imported transcripts, to read turn by turn (no codings shown)."""

from __future__ import annotations

import streamlit as st

from qualkit.ui.content_notes import merge_notes, propose_content_notes
from qualkit.ui.st_common import get_store, show_flash
from qualkit.ui.st_guard import guard
from qualkit.ui.st_transcript import transcript_view_component
from qualkit.ui.view import md_escape, transcript_view
from qualkit.ui.words import display_titles, header_fields


def render() -> None:
    guard("transcripts")
    store = get_store()
    show_flash()
    st.title("All transcripts", anchor=False)
    rows = store.transcripts()
    if not rows:
        st.info("No transcripts have been imported yet.")
        return
    names = display_titles(rows)
    counts = store.turn_counts()
    roles = {p.pid: p.role for p in store.participants()}
    st.table(
        [
            {
                "Transcript": t.tid,
                "Title": names[t.tid],
                "Participant": t.participant or "",
                "Role": roles.get(t.participant or "", ""),
                "Turns": counts.get(t.tid, (0, 0))[0],
                "Content notes": ", ".join(t.content_notes),
            }
            for t in rows
        ],
        hide_index=True,
        width="stretch",
    )
    ids = [t.tid for t in rows]
    tid = st.selectbox(
        "Read a transcript",
        ids,
        index=None,
        format_func=lambda k: names[k],
        placeholder="Choose a transcript to read",
        key="qk_read_pick",
    )
    if tid is None:
        return
    t = store.transcript(tid)
    notes = merge_notes(list(t.content_notes), propose_content_notes(t.text))
    acked: set[str] = st.session_state.setdefault("qk_ack", set())
    if notes and tid not in acked:
        with st.container(border=True):
            st.header("Before you read", anchor=False)
            st.write("This transcript talks about: **" + md_escape(", ".join(notes)) + "**.")
            if st.button("Continue to the transcript", type="primary", key="qk_read_go"):
                acked.add(tid)
                st.rerun()
        return
    # The transcript's title is a level-2 heading; its turns are level-3 headings.
    st.header(md_escape(names[tid]), anchor=False)
    for k, v in header_fields(t.metadata):
        st.caption(f"{md_escape(k)}: {md_escape(v)}")
    view = transcript_view(t, [], {}, selectable=False)
    transcript_view_component(view, key=f"qk_read_{tid}")
