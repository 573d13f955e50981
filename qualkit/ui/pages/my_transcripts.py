"""My transcripts: what a researcher gave this person to code, with progress and content notes."""

from __future__ import annotations

import streamlit as st

from qualkit.ui.progress import my_assignments
from qualkit.ui.st_common import flash, get_store, guard, page_link, show_flash
from qualkit.ui.view import md_escape


def render() -> None:
    sess = guard("my")
    store = get_store()
    show_flash()
    st.title("My transcripts")
    rows = my_assignments(store, sess.user)
    if not rows:
        st.info("No transcripts have been given to you yet. A researcher will assign them.")
        return
    todo = [r for r in rows if r.status != "declined"]
    declined = [r for r in rows if r.status == "declined"]
    st.write(
        f"You have {len(todo)} transcript(s) to work on. "
        "Open one to start coding, or choose **Not for me** if you would rather not "
        "read it. You do not need to give a reason."
    )
    for r in todo:
        with st.container(border=True):
            st.subheader(md_escape(r.title))
            st.write(f"**Transcript** {md_escape(r.tid)} · **Progress:** {r.progress}")
            notes = r.all_notes
            if notes:
                st.markdown(
                    "**Content notes:** this transcript talks about "
                    + md_escape(", ".join(notes))
                    + "."
                )
            else:
                st.write("No content notes.")
            c1, c2, _ = st.columns([1, 1, 3], vertical_alignment="center")
            with c1:
                page_link("code", "Open", t=r.tid)
            if c2.button(
                "Not for me",
                key=f"qk_decline_{r.tid}",
                help="Hand this transcript back. No reason needed.",
            ):
                store.set_assignment_status(r.tid, sess.user, "declined", sess.user)
                flash(f"{r.title} has been handed back. Thank you for letting us know.", "info")
                st.rerun()
    if declined:
        with st.expander(f"Handed back ({len(declined)})"):
            for r in declined:
                st.write(f"{md_escape(r.title)} ({md_escape(r.tid)})")
                if st.button("Take it back", key=f"qk_undecline_{r.tid}"):
                    store.set_assignment_status(r.tid, sess.user, "assigned", sess.user)
                    st.rerun()
