"""My transcripts: what a researcher gave this person to code, with progress and content notes."""

from __future__ import annotations

import streamlit as st

from qualkit.storage import Store
from qualkit.ui.progress import my_assignments
from qualkit.ui.session import SignedIn
from qualkit.ui.st_common import get_store, page_link, show_flash
from qualkit.ui.st_guard import guard
from qualkit.ui.view import md_escape

#: The transcript whose "Not for me" is waiting for a yes or no.
CONFIRM_DECLINE = "qk_confirm_decline"
#: (transcript, title) just handed back: its undo is shown at the top of My transcripts.
JUST_DECLINED = "qk_just_declined"
DECLINE_QUESTION = "Hand this transcript back? You won't be asked why."


def decline_button(tid: str, *, where: str) -> None:
    """ "Not for me": asks once (see :func:`decline_question`) before anything changes."""
    if st.button(
        "Not for me",
        key=f"qk_decline_{where}_{tid}",
        help="Hand this transcript back. No reason needed.",
    ):
        st.session_state[CONFIRM_DECLINE] = tid
        st.rerun()


def decline_question(store: Store, sess: SignedIn, tid: str, title: str, *, where: str) -> bool:
    """The one question after "Not for me". True once the transcript has been handed
    back (the caller then shows the undo); "Keep it" changes nothing."""
    if st.session_state.get(CONFIRM_DECLINE) != tid:
        return False
    with st.container(border=True):
        st.markdown(f"**{DECLINE_QUESTION}**")
        c1, c2 = st.columns(2)
        if c1.button("Yes, hand it back", key=f"qk_decline_yes_{where}_{tid}"):
            store.set_assignment_status(tid, sess.user, "declined", sess.user)
            st.session_state.pop(CONFIRM_DECLINE, None)
            st.session_state[JUST_DECLINED] = (tid, title)
            return True
        if c2.button("No, keep it", key=f"qk_decline_no_{where}_{tid}", type="primary"):
            st.session_state.pop(CONFIRM_DECLINE, None)
            st.rerun()
    return False


def _undo_decline(store: Store, sess: SignedIn, statuses: dict[str, str]) -> None:
    """Right after a hand-back: say so, with the undo in plain view."""
    item = st.session_state.get(JUST_DECLINED)
    if not (isinstance(item, tuple) and len(item) == 2):
        return
    tid, title = item
    if statuses.get(tid) != "declined":
        st.session_state.pop(JUST_DECLINED, None)
        return
    with st.container(border=True):
        st.markdown(f"**{md_escape(title)}** has been handed back. Thank you for letting us know.")
        if st.button("Undo: take it back", key=f"qk_undecline_now_{tid}"):
            store.set_assignment_status(tid, sess.user, "assigned", sess.user)
            st.session_state.pop(JUST_DECLINED, None)
            st.rerun()


def render() -> None:
    sess = guard("my")
    store = get_store()
    show_flash()
    st.title("My transcripts", anchor=False)
    rows = my_assignments(store, sess.user)
    if not rows:
        st.info("No transcripts have been given to you yet. A researcher will assign them.")
        return
    _undo_decline(store, sess, {r.tid: r.status for r in rows})
    todo = [r for r in rows if r.status != "declined"]
    declined = [r for r in rows if r.status == "declined"]
    st.write(
        f"You have {len(todo)} transcript(s) to work on. "
        "Open one to start coding, or choose **Not for me** if you would rather not "
        "read it. You do not need to give a reason."
    )
    for r in todo:
        with st.container(border=True):
            st.header(md_escape(r.title), anchor=False)
            st.write(f"**Progress:** {r.progress}")
            notes = r.all_notes
            if notes:
                st.markdown(
                    "**Content notes:** this transcript talks about "
                    + md_escape(", ".join(notes))
                    + "."
                )
            else:
                st.write("No content notes.")
            # "Open" and "Not for me" sit apart, so that one cannot be hit for the other.
            c1, _, c3 = st.columns([1, 2, 1], vertical_alignment="center")
            with c1:
                page_link("code", "Open", t=r.tid)
            with c3:
                decline_button(r.tid, where="my")
            if decline_question(store, sess, r.tid, r.title, where="my"):
                st.rerun()
    if declined:
        with st.expander(f"Handed back ({len(declined)})"):
            for r in declined:
                st.write(md_escape(r.title))
                if st.button("Take it back", key=f"qk_undecline_{r.tid}"):
                    store.set_assignment_status(r.tid, sess.user, "assigned", sess.user)
                    st.session_state.pop(JUST_DECLINED, None)
                    st.rerun()
