"""Coding page: read a transcript turn by turn and code passages in your own layer.

Text is chosen with the mouse (the transcript component reports the selection) or from
the keyboard (a turn, or one sentence of it). For the passage in focus the page suggests up
to three codes, each accepted with one button. Every action is saved at once and can be
undone. Coders see only their own codings; researchers can show every coder's layer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, NoReturn

import streamlit as st
from streamlit.errors import StreamlitAPIException

from qualkit import limits
from qualkit.errors import NotFoundError, QualkitError
from qualkit.model import Code, Codebook, Coding, Memo, Span, Transcript
from qualkit.storage import Store
from qualkit.text import split_sentences
from qualkit.ui.access import may_open, sees_all_layers
from qualkit.ui.content_notes import merge_notes, propose_content_notes
from qualkit.ui.pages.my_transcripts import decline_button, decline_question
from qualkit.ui.pages.themes import hint_source
from qualkit.ui.session import SignedIn
from qualkit.ui.spans import clamp_selection, excerpt, step_word, turn_at
from qualkit.ui.st_common import (
    break_timer,
    check_timeout,
    display_names,
    flash,
    get_store,
    go,
    page_link,
    prefs,
    save_prefs,
    show_flash,
    undo_stack,
)
from qualkit.ui.st_guard import guard
from qualkit.ui.st_transcript import selection_of, transcript_view_component
from qualkit.ui.suggestions import accept_hint, already_coded
from qualkit.ui.undo import change_coding, code_span, remove_coding
from qualkit.ui.view import (
    display_turns,
    md_escape,
    picker_order,
    transcript_view,
    turn_choice_label,
)
from qualkit.ui.words import (
    code_choice_labels,
    display_title,
    display_titles,
    header_fields,
    picker_meanings,
    plain_definition,
)

PENDING = "qk_pending"
ACK = "qk_ack"
PAUSED = "qk_paused"
#: What was just saved, shown once next to the coded text: {"tid", "start", "message"}.
SAVED = "qk_saved"
#: Options in drop-down lists wrap onto two lines (each row has room for two) instead of
#: being cut off with an ellipsis.
PICKER_CSS = """<style>
[role="listbox"] [role="option"] > div {
  white-space: normal !important; overflow: hidden; text-overflow: clip !important;
  height: auto !important; max-height: none !important;
  font-size: 0.85rem; line-height: 1.15;
}
/* The codes box keeps one height whether or not it has the focus (the place to type is
   always a line of its own), so that "Code this" does not move away from under the
   pointer when pressing it takes the focus out of the box. */
.st-key-qk_code_dock [data-testid="stMultiSelectTagsContainer"]:has([data-tag])
    input[role="combobox"] {
  flex: 1 0 100% !important; min-width: 100% !important;
}
</style>"""
#: Preference: show suggested codes for the passage in focus (on unless turned off).
HINTS_PREF = "code_hints"
#: How to code from the keyboard, shown in the "Keys" help on the page.
KEYS_HELP = """
- **Tab** moves into the transcript. There, **Arrow Down** and **Arrow Up** go from turn
  to turn, **Arrow Right** and **Arrow Left** from sentence to sentence (the words that
  would be coded are highlighted), and **Shift + Arrow Right** or **Shift + Arrow Left**
  make the selection a word longer or shorter. **Page Up** and **Page Down** scroll.
- **Enter** (or **C**) takes the highlighted words and moves you to **Codes**: type the
  first letters of a code and press **Enter** (Enter adds only the highlighted code).
  Then press **Ctrl + Enter** to save (or **Tab** to **Code this** and press **Enter**).
- After saving, the focus is back on the text you coded, and “Saved” is read out.
- With a screen reader, each turn is a heading (“Turn 6, Participant”): jump from turn
  to turn with **H**.
- You can also choose a **Turn** and a **Part of the turn** from the lists.
- **Undo** takes back the last thing you did.
"""
#: Why the last click on "Code this" saved nothing, shown once beside the button.
FORM_ERROR = "qk_form_error"
UNDO_ERROR = "qk_undo_error"
#: Codes this person applied lately, newest first (they come first in the code picker).
RECENT = "qk_recent_codes"
#: How many recently used codes are put first.
RECENT_FIRST = 5


@dataclass
class _Focus:
    """The passage in focus in the code panel, and where its suggested codes go."""

    slot: Any
    span: Span | None
    where: str


def _allowed(store: Store, sess: SignedIn) -> dict[str, str]:
    """Transcripts this person may code: all for researchers, else those assigned and not
    handed back. Returns id → title."""
    titles = display_titles(store.transcripts())
    if sees_all_layers(sess.role):
        return titles
    return {
        tid: titles[tid]
        for tid, _u, status in store.assignments(sess.user)
        if status != "declined" and tid in titles
    }


def _assigned(store: Store, sess: SignedIn, tid: str) -> str | None:
    for t, _u, status in store.assignments(sess.user):
        if t == tid:
            return status
    return None


def _code_label(code: Code, by_id: dict[str, Code]) -> str:
    parent = by_id.get(code.parent) if code.parent else None
    return f"{code.name} ({parent.name})" if parent else code.name


def _explain(code: Code, by_id: dict[str, Code]) -> None:
    st.markdown(f"**{md_escape(code.name)}**")
    if code.definition:
        st.write(md_escape(plain_definition(code.definition, by_id)))
    if code.include:
        st.write(f"Use it for: {md_escape(plain_definition(code.include, by_id))}")
    if code.exclude:
        st.write(f"Do not use it for: {md_escape(plain_definition(code.exclude, by_id))}")


def _paused_screen(sess: SignedIn) -> None:
    st.title("Paused", anchor=False)
    st.write("Your work is saved. The transcript is hidden until you carry on.")
    st.write("Take as long as you need.")
    if st.button("Carry on", type="primary", key="qk_resume"):
        st.session_state[PAUSED] = False
        break_timer().reset(time.time())
        st.rerun()
    page_link("my", "Go to My transcripts")


def _notes_gate(store: Store, sess: SignedIn, t: Transcript, notes: list[str]) -> bool:
    """Show content notes before the transcript; True once the person chose to continue."""
    acked: set[str] = st.session_state.setdefault(ACK, set())
    if not notes or t.tid in acked:
        return True
    title = display_title(t)
    st.title(md_escape(title), anchor=False)
    with st.container(border=True):
        st.header("Before you start", anchor=False)
        st.write("This transcript talks about: **" + md_escape(", ".join(notes)) + "**.")
        st.write(
            "You can stop at any time with **Pause**. You can also say **Not for me**: "
            "you do not need to give a reason."
        )
        c1, c2, c3 = st.columns(3)
        if c1.button("Continue to the transcript", type="primary", key="qk_gate_go"):
            acked.add(t.tid)
            st.rerun()
        if c2.button("Go back", key="qk_gate_back"):
            go("my" if not sees_all_layers(sess.role) else "start")
        if _assigned(store, sess, t.tid) is not None:
            with c3:
                decline_button(t.tid, where="gate")
            if decline_question(store, sess, t.tid, title, where="gate"):
                go("my")
    return False


@st.fragment(run_every=30)
def _break_reminder() -> None:
    timer = break_timer()
    now = time.time()
    timer.start(now)
    if not timer.due(now):
        return
    with st.container(border=True):
        st.markdown(
            f"**You have been coding for {timer.minutes} minutes.** "
            "It may be a good time for a break."
        )
        c1, c2 = st.columns(2)
        if c1.button("Take a break", key="qk_break_now", type="primary"):
            st.session_state[PAUSED] = True
            st.session_state.pop(PENDING, None)
            st.rerun(scope="app")
        if c2.button("Not now", key="qk_break_later"):
            timer.snooze(now)
            st.rerun(scope="fragment")


def _saved_notice(tid: str, start: int, message: str) -> None:
    """Show ``message`` once, on the next run, beside the text that was just coded."""
    st.session_state[SAVED] = {"tid": tid, "start": start, "message": message}


def _take_saved(tid: str) -> tuple[int, str] | None:
    item = st.session_state.pop(SAVED, None)
    if isinstance(item, dict) and item.get("tid") == tid:
        return int(item["start"]), str(item["message"])
    return None


def _pending(tid: str) -> Span | None:
    p = st.session_state.get(PENDING)
    if isinstance(p, dict) and p.get("tid") == tid:
        return Span(int(p["start"]), int(p["end"]))
    return None


def _rerun_unit() -> NoReturn:
    """Show the transcript and code panel again, without the rest of the page: the page
    does not reload, the transcript keeps its place and the focus stays where it was."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # the unit is being drawn as part of the whole page
        st.rerun()


def _recent_codes(store: Store, user: str) -> list[str]:
    """Codes ``user`` applied lately, newest first (from the project the first time)."""
    recent = st.session_state.get(RECENT)
    if isinstance(recent, list):
        return recent

    def when(c: Coding) -> float:
        at = c.changed or c.created
        return at.timestamp() if at is not None else 0.0

    mine = sorted(store.codings(coder=user), key=when, reverse=True)
    recent = list(dict.fromkeys(c.code for c in mine))[:RECENT_FIRST]
    st.session_state[RECENT] = recent
    return recent


def _used(codes: list[str]) -> None:
    """Remember ``codes`` as the most recently used."""
    recent = st.session_state.get(RECENT)
    old = recent if isinstance(recent, list) else []
    st.session_state[RECENT] = list(dict.fromkeys([*codes, *old]))[:RECENT_FIRST]


def _choose_transcript(allowed: dict[str, str], current: str | None) -> str | None:
    ids = list(allowed)
    choice = st.selectbox(
        "Transcript",
        ids,
        index=ids.index(current) if current in ids else None,
        format_func=lambda tid: allowed[tid],
        placeholder="Choose a transcript",
        key="qk_pick_transcript",
    )
    return choice


def render() -> None:
    sess = guard("code")
    store = get_store()
    show_flash()
    allowed = _allowed(store, sess)
    if not allowed:
        st.title("Coding", anchor=False)
        st.info("There is no transcript for you to code yet.")
        page_link("my", "Go to My transcripts")
        return
    tid = st.query_params.get("t")
    if tid not in allowed:
        last = st.session_state.get("qk_tid")
        tid = last if last in allowed else None
    if tid is None:
        st.title("Coding", anchor=False)
        picked = _choose_transcript(allowed, None)
        if picked:
            st.query_params["t"] = picked
            st.rerun()
        return
    st.session_state["qk_tid"] = tid
    if st.query_params.get("t") != tid:
        st.query_params["t"] = tid
    if st.session_state.get(PAUSED):
        _paused_screen(sess)
        return
    try:
        t = store.transcript(tid)
    except NotFoundError:
        st.error("That transcript is no longer in the project.")
        return
    notes = merge_notes(list(t.content_notes), propose_content_notes(t.text))
    if not _notes_gate(store, sess, t, notes):
        return
    _coding_screen(store, sess, t, notes)


def _toolbar(store: Store, sess: SignedIn, t: Transcript, mine: list[Coding]) -> None:
    stack = undo_stack()
    last = stack.peek()
    c1, c2, c3, c4 = st.columns([1, 1, 3, 2], vertical_alignment="center")
    if c1.button(
        "Pause", key="qk_pause", type="primary", help="Saves everything and hides the transcript"
    ):
        st.session_state[PAUSED] = True
        st.session_state.pop(PENDING, None)
        st.rerun()
    # Where the undone coding is, so that the message appears beside it.
    where = (
        [c.start for c in last.before] + [c.start for c in mine if c.id in set(last.coding_ids)]
        if last is not None
        else []
    )
    c2.button(
        "Undo",
        key="qk_undo_btn",
        disabled=last is None,
        help=f"Undo: {last.label}" if last else "Nothing to undo",
        on_click=_undo,
        args=(t.tid, min(where) if where else None),
    )
    problem = st.session_state.pop(UNDO_ERROR, None)
    if problem:
        st.error(str(problem))
    status = _assigned(store, sess, t.tid)
    if status == "assigned" and c3.button("I have finished this transcript", key="qk_done"):
        store.set_assignment_status(t.tid, sess.user, "done", sess.user)
        flash("Marked as finished. Thank you.")
        st.rerun()
    with c4:
        page_link("my", "Back to My transcripts")


def _undo(tid: str, at: int | None) -> None:
    """Button callback: undo the newest action; the message goes beside its text."""
    sess = check_timeout()
    if sess is None or not may_open(sess.role, "code"):
        return
    try:
        msg = undo_stack().undo(get_store(), sess.user)
    except QualkitError as e:
        st.session_state[UNDO_ERROR] = f"Could not undo: {e}"
        return
    if at is not None:
        _saved_notice(tid, at, msg)
    else:
        flash(msg, "info")


def _coding_screen(store: Store, sess: SignedIn, t: Transcript, notes: list[str]) -> None:
    st.title(md_escape(display_title(t)), anchor=False)
    about = [f"{md_escape(k)}: {md_escape(v)}" for k, v in header_fields(t.metadata)]
    if notes:
        about.append(f"Content notes: {md_escape(', '.join(notes))}")
    if about:
        st.caption(" · ".join(about))
    _break_reminder()
    _coding_unit(t.tid)


def _may_code(store: Store, sess: SignedIn, tid: str) -> bool:
    """Whether this person may still code ``tid`` (checked again on every action)."""
    if sees_all_layers(sess.role):
        return True
    status = _assigned(store, sess, tid)
    return status is not None and status != "declined"


@st.fragment
def _coding_unit(tid: str) -> None:
    """The transcript, the selection, the code panel and the suggestions: one unit that
    runs again on its own when someone selects, codes or undoes, so that the page does not
    reload and the transcript keeps its place."""
    sess = check_timeout()
    if sess is None or not may_open(sess.role, "code"):
        st.rerun()
    assert sess is not None
    sess.touch(time.time())
    store = get_store()
    if not _may_code(store, sess, tid):
        st.rerun()
    try:
        t = store.transcript(tid)
    except NotFoundError:
        st.rerun()
    researcher = sees_all_layers(sess.role)
    codebook = store.codebook()
    if prefs().get(HINTS_PREF, True):
        # Start getting suggested codes ready (the first time loads the text model) while
        # the transcript is shown; this does not wait. (Turns are ranked ahead when the
        # transcript is assigned, not here: on a small server that would slow the page.)
        hint_source().suggester(store, codebook, wait=0)
    by_id = codebook.by_id()
    all_codings = store.codings(transcript=t.tid)
    mine = [c for c in all_codings if c.coder == sess.user]
    _toolbar(store, sess, t, mine)
    names = display_names()
    if researcher:
        coders = sorted({c.coder for c in all_codings} | {sess.user})
        shown = st.multiselect(
            "Show codings by",
            coders,
            default=coders,
            format_func=lambda u: f"{names.get(u) or u}{' (you)' if u == sess.user else ''}",
            key=f"qk_layers_{t.tid}",
            help="Researchers can see every coder's layer.",
        )
        visible = [c for c in all_codings if c.coder in set(shown)]
        show_coder = True
    else:
        visible = mine
        show_coder = False

    edit_key = f"qk_edit_{t.tid}"
    focus = st.session_state.get(edit_key)
    view = transcript_view(
        t,
        visible,
        by_id,
        show_coder=show_coder,
        names=names,
        pending=_pending(t.tid),
        focus=focus if isinstance(focus, int) else None,
        saved=_take_saved(t.tid),
    )
    # The meaning of each code, shown beside the codes box for the highlighted code.
    view["picker"] = picker_meanings(codebook.codes)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header("Transcript", anchor=False)
        st.markdown(
            "Select words with your mouse (whole words are taken; hold Alt to take part "
            "of a word), then choose codes. Or pick a turn or a sentence from the lists."
        )
        with st.expander("Keys"):
            st.markdown(KEYS_HELP)
        view_key = f"qk_view_{t.tid}"
        transcript_view_component(view, key=view_key, on_select=_selected, args=(t.tid, view_key))
    with right:
        focus = _code_panel(store, sess, t, codebook.codes, by_id)
        _my_codings(store, sess, t, mine, by_id)
        _memos(store, sess, t, researcher, names)
    # Last, so that the rest of the unit is already shown while suggestions are worked out.
    _hints(store, t, codebook, mine, focus)


def _selected(tid: str, view_key: str) -> None:
    """The transcript reported a mouse selection: it becomes the pending selection before
    the unit is drawn again, so the page is drawn once with it."""
    state: Any = st.session_state.get(view_key)
    raw = getattr(state, "selected", None)
    if raw is None and isinstance(state, dict):
        raw = state.get("selected")
    selected = selection_of(raw, tid)
    if selected is None:
        return
    try:
        text = get_store().transcript(tid).text
    except NotFoundError:
        return
    span = clamp_selection(
        text, selected["start"], selected["end"], whole_words=not selected["exact"]
    )
    if span is not None:
        st.session_state[PENDING] = {"tid": tid, "start": span.start, "end": span.end}
        st.session_state[f"qk_source_{tid}"] = "mouse"


def _code_panel(
    store: Store, sess: SignedIn, t: Transcript, codes: list[Code], by_id: dict[str, Code]
) -> _Focus:
    st.header("Code a passage", anchor=False)
    turns = display_turns(t)
    pending = _pending(t.tid)
    source_key = f"qk_source_{t.tid}"
    if pending is not None:
        source = st.radio(
            "Text to code",
            ["mouse", "keys"],
            format_func=lambda s: "My mouse selection" if s == "mouse" else "A turn or a sentence",
            key=source_key,
            horizontal=True,
        )
    else:
        source = "keys"
    span: Span | None
    where = ""
    if source == "mouse" and pending is not None:
        turn = turn_at(turns, pending.start)
        where = f"turn {turn.index + 1}" if turn else ""
        st.markdown(
            f"**Selected** ({where}): “{md_escape(excerpt(t.text, pending.start, pending.end))}”"
        )
        if st.button("Clear selection", key="qk_clear_sel"):
            st.session_state.pop(PENDING, None)
            _rerun_unit()
        span = pending
    else:
        turn_idx = st.selectbox(
            "Turn",
            range(len(turns)),
            index=None,
            format_func=lambda i: turn_choice_label(t, turns[i]),
            key=f"qk_turn_{t.tid}",
            placeholder="Choose a turn",
        )
        if turn_idx is None:
            return _code_form(store, sess, t, codes, by_id, None, "")
        turn = turns[turn_idx]
        sentences = split_sentences(t.text, turn.start, turn.end)
        options: list[int] = [-1, *range(len(sentences))] if len(sentences) > 1 else [-1]
        part = st.selectbox(
            "Part of the turn",
            options,
            format_func=lambda k: (
                "The whole turn" if k == -1 else f"Sentence {k + 1}: {_sentence(t, sentences[k])}"
            ),
            key=f"qk_part_{t.tid}_{turn.index}",
        )
        span = Span(turn.start, turn.end) if part in (None, -1) else sentences[int(part)]
        where = f"turn {turn.index + 1}" + (
            "" if part in (None, -1) else f", sentence {int(part) + 1}"
        )
    return _code_form(store, sess, t, codes, by_id, span, where)


def _code_form(
    store: Store,
    sess: SignedIn,
    t: Transcript,
    codes: list[Code],
    by_id: dict[str, Code],
    span: Span | None,
    where: str,
) -> _Focus:
    """The codes box and "Code this". The button stays disabled until there is text to
    code, and the text it will code is restated beside it."""
    if span is not None and not len(span):
        span = None
    focus = _Focus(st.container(), span, where)
    codable = [c for c in codes if c.codable]
    labels = code_choice_labels(by_id.values())
    n = st.session_state.setdefault("qk_form_n", 0)
    # Lists of choices wrap long names onto two lines instead of cutting them off.
    st.html(PICKER_CSS)
    order = picker_order([c.cid for c in codable], _recent_codes(store, sess.user))
    # The codes box and the button are one block: on a phone it docks at the bottom of the
    # screen (see transcript.css), so both stay in reach while the transcript scrolls.
    with st.container(key="qk_code_dock"):
        chosen = st.multiselect(
            "Codes",
            order,
            format_func=lambda cid: labels[cid],
            key=f"qk_codes_{t.tid}_{n}",
            placeholder="Type to search the codes",
            help=(
                "Type part of a name; Enter adds the highlighted code. You can add more than "
                "one. Codes you used lately come first."
            ),
            select_all=False,
            filter_mode="contains",
        )
        # The text that will be coded, restated right by the button (one above the other, so
        # that neither is squeezed or cut off with larger text or on a narrow screen).
        with st.container(border=True):
            if span is None:
                st.markdown("**Nothing selected yet.** Select words, or choose a turn.")
            else:
                quoted = md_escape(excerpt(t.text, span.start, span.end, 60))
                st.markdown(f"**Will code {md_escape(where)}:** “{quoted}”")
                if not chosen:
                    st.caption("Choose at least one code.")
            # Disabled only while there is no text: whether codes are chosen is checked on
            # the click, so that the button does not flicker (and drop out of the Tab order)
            # while the codes box is still sending its value. The coding is saved before the
            # unit is drawn again, so one run shows it.
            st.button(
                "Code this",
                type="primary",
                key="qk_code_this",
                disabled=span is None,
                on_click=_code_this,
                args=(t.tid, span.start, span.end, where, f"qk_codes_{t.tid}_{n}", n)
                if span is not None
                else None,
            )
            problem = st.session_state.pop(FORM_ERROR, None)
            if problem:
                st.error(str(problem))
    # What the chosen codes mean comes after the button, so that the button stays close to
    # the codes box and the transcript however long the definitions are.
    if chosen:
        with st.expander("What these codes mean", expanded=True):
            for cid in chosen:
                _explain(by_id[cid], by_id)
    _look_up_code(codes, by_id)
    return focus


def _look_up_code(codes: list[Code], by_id: dict[str, Code]) -> None:
    """A search over code names and meanings, showing up to 15 matches."""
    with st.expander("Look up a code"):
        q = st.text_input("Search names and meanings", key="qk_code_search")
        if q.strip():
            words = q.lower().split()
            hits = [
                c
                for c in codes
                if all(
                    w in " ".join([c.name, c.definition, c.include, c.exclude, c.cid]).lower()
                    for w in words
                )
            ]
            if not hits:
                st.write("No code matches.")
            for c in hits[:15]:
                _explain(c, by_id)


def _code_this(tid: str, start: int, end: int, where: str, codes_key: str, n: int) -> None:
    """Button callback: save the chosen codes on ``text[start:end]``."""
    sess = check_timeout()
    if sess is None or not may_open(sess.role, "code"):
        return
    store = get_store()
    if not _may_code(store, sess, tid):
        return
    by_id = store.codebook().by_id()
    chosen = [c for c in st.session_state.get(codes_key) or [] if c in by_id]
    if not chosen:
        st.session_state[FORM_ERROR] = "Choose at least one code first."
        return
    label = ", ".join(by_id[c].name for c in chosen)
    try:
        code_span(
            store, undo_stack(), sess.user, tid, start, end, chosen, label=f"{label} on {where}"
        )
    except QualkitError as e:
        st.session_state[FORM_ERROR] = f"That could not be saved: {e}"
        return
    st.session_state.pop(PENDING, None)
    st.session_state["qk_form_n"] = n + 1
    _used(chosen)
    _saved_notice(tid, start, f"Saved: {label} on {where}.")


def _hints(
    store: Store, t: Transcript, codebook: Codebook, mine: list[Coding], focus: _Focus
) -> None:
    """Suggested codes for the passage in focus, each accepted with one button.

    Optional (a toggle turns them off, and stays in place while nothing is selected) and
    quiet: when the text model cannot be used, nothing is shown.
    """
    span = focus.span
    with focus.slot:
        on = bool(prefs().get(HINTS_PREF, True))
        focused = span is not None and len(span) > 0
        if (
            on
            and span is not None
            and focused
            and not _hint_buttons(store, t, codebook, mine, focus, span)
        ):
            return
        if st.toggle("Show suggested codes", value=on, key="qk_hints_on") != on:
            save_prefs(**{HINTS_PREF: not on})
            _rerun_unit()


def _hint_buttons(
    store: Store,
    t: Transcript,
    codebook: Codebook,
    mine: list[Coding],
    focus: _Focus,
    span: Span,
) -> bool:
    """The suggested codes for ``span`` as buttons; False when there are none (yet)."""
    with st.spinner("Looking for suggested codes…"):
        hints = hint_source().hints(
            store,
            codebook,
            t,
            span.start,
            span.end,
            exclude=already_coded(mine, span.start, span.end),
            wait=0,  # never keep the coder waiting: they appear once ready
        )
    if not hints:
        if hint_source().preparing(store):
            # No timer to show them by itself: a page part that redraws itself every few
            # seconds swallowed clicks on "Code this" that came while it redrew.
            st.caption(
                "Suggested codes are being prepared. They will show with your next step, "
                "or look again now."
            )
            st.button("Look for suggested codes again", key="qk_hints_again")
        return False
    st.markdown(f"**Suggested codes for {md_escape(focus.where)}**")
    st.caption(
        "How likely each code is to fit; point at one to see its score. Accepting "
        "one adds it to your own codings; Undo takes it away again."
    )
    for h in hints:
        st.button(
            h.label,
            key=f"qk_hint_{t.tid}_{span.start}_{span.end}_{h.code}",
            help=h.help,
            on_click=_accept_hint,
            args=(t.tid, span.start, span.end, h.code, h.name, focus.where),
        )
    return True


def _accept_hint(tid: str, start: int, end: int, code: str, name: str, where: str) -> None:
    """Button callback: the suggested code becomes the coder's own coding."""
    sess = check_timeout()
    if sess is None or not may_open(sess.role, "code"):
        return
    store = get_store()
    if tid not in _allowed(store, sess):
        return
    try:
        accept_hint(
            store,
            undo_stack(),
            sess.user,
            tid,
            start,
            end,
            code,
            label=f"suggested code {name} on {where}",
        )
    except QualkitError as e:
        flash(f"That could not be saved: {e}", "error")
        return
    st.session_state.pop(PENDING, None)
    _used([code])
    _saved_notice(tid, start, f"Saved: {name} on {where} (a suggested code).")


def _sentence(t: Transcript, span: Span) -> str:
    return excerpt(t.text, span.start, span.end, 60)


def _fmt_time(c: Coding) -> str:
    when = c.changed or c.created
    return when.astimezone().strftime("%d %b %Y, %H:%M") if when else ""


def _my_codings(
    store: Store, sess: SignedIn, t: Transcript, mine: list[Coding], by_id: dict[str, Code]
) -> None:
    st.header("Your codings here", anchor=False)
    if not mine:
        st.write("You have not coded anything in this transcript yet.")
        return
    turns = display_turns(t)
    by_cid = {c.id: c for c in mine}
    edit_key = f"qk_edit_{t.tid}"
    if st.session_state.get(edit_key) not in by_cid:
        st.session_state.pop(edit_key, None)

    def label(cid: int) -> str:
        c = by_cid[cid]
        turn = turn_at(turns, c.start)
        code = by_id.get(c.code)
        return (
            f"Turn {turn.index + 1 if turn else '?'} · {code.name if code else c.code} · "
            f"“{excerpt(t.text, c.start, c.end, 50)}”"
        )

    cid = st.selectbox(
        "Choose one of your codings to change",
        [c.id for c in mine if c.id is not None],
        format_func=label,
        index=None,
        placeholder=f"{len(mine)} coding(s) — choose one",
        key=edit_key,
    )
    if cid is None:
        return
    c = by_cid[cid]
    stack = undo_stack()
    st.markdown(f"“{md_escape(excerpt(t.text, c.start, c.end, 200))}”")
    st.caption(f"Saved by {sess.display_name} · {_fmt_time(c)}")
    codable = [k.cid for k in by_id.values() if k.codable or k.cid == c.code]
    new_code = st.selectbox(
        "Code",
        codable,
        index=codable.index(c.code) if c.code in codable else 0,
        format_func=lambda k: _code_label(by_id[k], by_id),
        key=f"qk_recode_{cid}",
    )
    if st.button("Change code", key=f"qk_recode_btn_{cid}") and new_code != c.code:
        _apply(store, stack, sess, c, code=new_code, label=f"code change to {by_id[new_code].name}")
    st.markdown("**Change the words covered**")
    b1, b2 = st.columns(2)
    moves: list[tuple[Any, str, str, int]] = [
        (b1, "Start one word earlier", "start", -1),
        (b2, "Start one word later", "start", 1),
        (b1, "End one word earlier", "end", -1),
        (b2, "End one word later", "end", 1),
    ]
    for col, text, edge, direction in moves:
        if col.button(text, key=f"qk_move_{edge}_{direction}_{cid}"):
            pos = c.start if edge == "start" else c.end
            new = step_word(t.text, pos, direction, edge=edge)
            start, end = (new, c.end) if edge == "start" else (c.start, new)
            if start < end:
                _apply(store, stack, sess, c, start=start, end=end, label="change of words")
            else:
                st.error("A coding needs at least one word.")
    pending = _pending(t.tid)
    if pending is not None and st.button(
        "Use my mouse selection instead", key=f"qk_move_sel_{cid}"
    ):
        st.session_state.pop(PENDING, None)
        _apply(store, stack, sess, c, start=pending.start, end=pending.end, label="change of words")
    memo = st.text_area(
        "Memo on this coding", value=c.memo, key=f"qk_memo_{cid}", max_chars=limits.MEMO
    )
    if st.button("Save memo", key=f"qk_memo_btn_{cid}") and memo != c.memo:
        _apply(store, stack, sess, c, memo=memo, label="memo")
    if st.button("Remove this coding", key=f"qk_remove_{cid}"):
        remove_coding(store, stack, sess.user, c, label="removed coding")
        st.session_state.pop(edit_key, None)
        _saved_notice(t.tid, c.start, "Coding removed. You can undo this.")
        _rerun_unit()


def _apply(
    store: Store, stack: Any, sess: SignedIn, c: Coding, *, label: str, **changes: Any
) -> None:
    try:
        change_coding(store, stack, sess.user, c, label=label, **changes)
    except QualkitError as e:
        st.error(f"That could not be saved: {e}")
        return
    _saved_notice(c.transcript, c.start, f"Saved: {label}.")
    _rerun_unit()


def _memos(
    store: Store, sess: SignedIn, t: Transcript, researcher: bool, names: dict[str, str]
) -> None:
    with st.expander("Memos on this transcript"):
        memos = [
            m
            for m in store.memos(t.tid)
            if m.coding_id is None and (researcher or m.author == sess.user)
        ]
        for m in memos:
            when = m.created.astimezone().strftime("%d %b %Y, %H:%M") if m.created else ""
            st.markdown(f"**{md_escape(names.get(m.author, m.author))}** · {when}")
            st.text(m.text)
        k = st.session_state.setdefault("qk_memo_n", 0)
        text = st.text_area("New memo", key=f"qk_tmemo_{t.tid}_{k}", max_chars=limits.MEMO)
        if st.button("Save memo", key="qk_tmemo_btn"):
            if text.strip():
                try:
                    store.add_memo(Memo(author=sess.user, text=text.strip(), transcript=t.tid))
                except QualkitError as e:
                    st.error(f"That could not be saved: {e}")
                    return
                st.session_state["qk_memo_n"] = k + 1
                flash("Memo saved.")
                st.rerun()
            else:
                st.error("The memo is empty.")
