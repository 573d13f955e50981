"""Reconcile (researchers): settle where coders disagree, building the consensus layer.

Choose a transcript and two or more coders. Each coder's codings are listed side by side
with the consensus layer; each open disagreement can be settled by accepting one coder's
version, merging them, writing a new version, or rejecting the code there, with a note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from qualkit.errors import QualkitError
from qualkit.model import Codebook, Transcript, Turn
from qualkit.reconcile import Cluster, accept_agreed, clusters
from qualkit.storage import CONSENSUS_CODER, Store
from qualkit.ui.reports import (
    apply_decision,
    cluster_label,
    cluster_turns,
    code_choice_label,
    decision_options,
    decision_words,
    describe_cluster,
    layer_name,
    layer_rows,
    marked_passage,
    parse_span,
    reconcile_progress,
    sentence_spans,
    version_text,
)
from qualkit.ui.session import SignedIn
from qualkit.ui.spans import excerpt
from qualkit.ui.st_common import display_names, flash, get_store, show_flash
from qualkit.ui.st_guard import guard
from qualkit.ui.view import md_escape

#: Set by the agreement page: ``{"tid": ..., "code": ...}``, read once.
PRESET = "qk_rec_preset"
TID_KEY = "qk_rec_tid"
CODE_KEY = "qk_rec_code"
ALL_CODES = ""


def _valid_choice(key: str, options: Sequence[str]) -> None:
    """Forget a remembered choice that is no longer offered (before its widget is made)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def render() -> None:
    sess = guard("reconcile")
    store = get_store()
    preset = st.session_state.pop(PRESET, None)
    if isinstance(preset, dict):
        st.session_state[TID_KEY] = preset.get("tid")
        st.session_state[CODE_KEY] = preset.get("code") or ALL_CODES
    show_flash()
    st.title("Reconcile codings", anchor=False)
    st.write(
        "Where the coders disagree, decide what the team's version is. Every decision goes "
        "into the **consensus layer**, with your note; the coders' own codings are not "
        "changed."
    )
    coders_in = _coders_by_transcript(store)
    titles = {t.tid: t.title for t in store.transcripts()}
    ids = [tid for tid in titles if len(coders_in[tid]) >= 2]
    if not ids:
        st.info("No transcript has been coded by two or more coders yet.")
        return
    names = display_names()
    codebook = store.codebook(include_inactive=True)
    code_names = {c.cid: c.name for c in codebook.codes}

    _valid_choice(TID_KEY, ids)
    c1, c2 = st.columns(2)
    tid = c1.selectbox(
        "Transcript",
        ids,
        format_func=lambda k: f"{titles[k]} ({k})",
        key=TID_KEY,
    )
    if tid is None:
        return
    people = sorted(coders_in[tid])
    coders = c2.multiselect(
        "Coders to reconcile",
        people,
        default=people,
        format_func=lambda u: names.get(u, u),
        key=f"qk_rec_coders_{tid}",
    )
    if len(coders) < 2:
        st.error("Choose at least two coders.")
        return
    coders = sorted(coders)
    found = clusters(store, tid, coders)
    used = sorted({cl.code for cl in found}, key=lambda k: code_names.get(k, k))
    _valid_choice(CODE_KEY, [ALL_CODES, *used])
    code = st.selectbox(
        "Show disagreements about",
        [ALL_CODES, *used],
        format_func=lambda k: "Every code" if k == ALL_CODES else code_names.get(k, k),
        key=CODE_KEY,
    )
    scoped = [cl for cl in found if code in (ALL_CODES, None) or cl.code == code]
    t = store.transcript(tid)

    _progress_and_agreed(store, sess, tid, coders, found, scoped)
    _layers(store, t, coders, code, names, code_names)
    open_ = [cl for cl in scoped if not cl.settled and not cl.agreed(coders)]
    st.header("Open disagreements", anchor=False)
    if not open_:
        st.success(
            "Nothing left to settle here"
            + ("" if code in (ALL_CODES, None) else f" for {md_escape(code_names.get(code, code))}")
            + "."
        )
        return
    picked = _pick_disagreement(t, open_, code_names)
    if picked is not None:
        _settle(store, sess, t, picked, coders, names, codebook)


def _coders_by_transcript(store: Store) -> dict[str, set[str]]:
    """Who has coded each transcript, the consensus layer left out."""
    coders_in: dict[str, set[str]] = defaultdict(set)
    for c in store.codings():
        if c.coder != CONSENSUS_CODER:
            coders_in[c.transcript].add(c.coder)
    return coders_in


def _pick_disagreement(
    t: Transcript, open_: list[Cluster], code_names: Mapping[str, str]
) -> Cluster | None:
    """Choose one of the open disagreements, numbered in order."""
    keys = [cl.key for cl in open_]
    pick_key = f"qk_rec_pick_{t.tid}"
    _valid_choice(pick_key, keys)
    by_key = {cl.key: cl for cl in open_}
    numbers = {k: i + 1 for i, k in enumerate(keys)}
    picked = st.selectbox(
        f"Disagreement to settle ({len(open_)} open)",
        keys,
        format_func=lambda k: cluster_label(by_key[k], numbers[k], t, code_names),
        key=pick_key,
    )
    return None if picked is None else by_key[picked]


def _progress_and_agreed(
    store: Store,
    sess: SignedIn,
    tid: str,
    coders: list[str],
    found: list[Cluster],
    scoped: list[Cluster],
) -> None:
    prog = reconcile_progress(scoped, coders)
    st.progress(prog.share, text=f"Progress: {prog.words()}")
    waiting = reconcile_progress(found, coders).agreed_waiting
    st.caption(
        f"{waiting} passage(s) in this transcript are coded the same way by every coder "
        "and are not yet in the consensus layer."
        if waiting
        else "Every passage the coders agree on is already in the consensus layer."
    )
    if st.button(
        "Accept everything the coders agree on",
        key="qk_rec_agreed",
        disabled=not waiting,
        help="Copies every passage all the chosen coders coded identically into the "
        "consensus layer.",
    ):
        try:
            n = accept_agreed(store, tid, coders, sess.user)
        except QualkitError as e:
            st.error(f"That could not be saved: {e}")
            return
        flash(f"Accepted {n} passage(s) the coders agree on into the consensus layer.")
        st.rerun()


def _layers(
    store: Store,
    t: Transcript,
    coders: list[str],
    code: str | None,
    names: Mapping[str, str],
    code_names: Mapping[str, str],
) -> None:
    st.header("Each coder's codings side by side", anchor=False)
    shown = [*coders, CONSENSUS_CODER]
    cols = st.columns(len(shown))
    for col, who in zip(cols, shown, strict=True):
        mine = [
            c
            for c in store.codings(transcript=t.tid, coder=who)
            if code in (ALL_CODES, None) or c.code == code
        ]
        with col:
            label = layer_name(who, names)
            st.markdown(f"**{md_escape(label)}** · {len(mine)} coding(s)")
            if mine:
                st.table(
                    layer_rows(mine, t, code_names),
                    hide_index=True,
                    width="stretch",
                    alt=f"Codings by {label}",
                )
            else:
                st.write("No codings here yet.")


def _settle(
    store: Store,
    sess: SignedIn,
    t: Transcript,
    cl: Cluster,
    coders: list[str],
    names: Mapping[str, str],
    codebook: Codebook,
) -> None:
    by_id = codebook.by_id()
    code_name = by_id[cl.code].name if cl.code in by_id else cl.code
    # Names as Markdown: everything below is shown through Markdown.
    safe = {who: md_escape(layer_name(who, names)) for who in coders}
    with st.container(border=True):
        st.subheader(md_escape(code_name), anchor=False)
        st.markdown(describe_cluster(cl, coders, safe))
        st.markdown("**The words in dispute**")
        st.markdown("“" + md_escape(t.text[cl.start : cl.end]) + "”")
        turns = cluster_turns(t, cl.start, cl.end)
        st.markdown("**Where they are** (the words in dispute are in bold)")
        for turn in turns:
            st.markdown(
                f"Turn {turn.index + 1}, {md_escape(turn.speaker)}: "
                + marked_passage(t.text, turn.start, turn.end, cl.start, cl.end)
            )
        st.markdown("**Each coder's version**")
        for who in coders:
            v = version_text(cl, who, t.text)
            said = f"“{md_escape(v)}”" if v else "did not use this code here"
            st.markdown(f"- **{safe[who]}:** {said}")

        options = decision_options(cl, coders)
        choice = st.radio(
            "Decision",
            options,
            index=None,
            format_func=lambda o: decision_words(o, safe),
            key=f"qk_rec_d_{cl.key}",
        )
        span: tuple[int, int] | None = None
        new_code = cl.code
        if choice == "new":
            span, new_code = _new_version(t, cl, turns, codebook)
        note = st.text_area(
            "Note (optional)",
            key=f"qk_rec_note_{cl.key}",
            help="Why the team decided this. It is saved with the decision.",
        )
        if st.button("Save decision", type="primary", key=f"qk_rec_save_{cl.key}"):
            _save(store, sess, cl, choice, span, new_code, note.strip(), safe)


def _new_version(
    t: Transcript, cl: Cluster, turns: list[Turn], codebook: Codebook
) -> tuple[tuple[int, int] | None, str]:
    """Controls for a new version; returns its span (None when invalid) and code."""
    how = st.radio(
        "Choose the words by",
        ["sentences", "offsets"],
        format_func=lambda k: (
            "Sentences of the turn" if k == "sentences" else "Typing character positions"
        ),
        horizontal=True,
        key=f"qk_rec_how_{cl.key}",
    )
    by_sentences = how == "sentences"
    span = _span_by_sentences(t, cl, turns) if by_sentences else _span_by_positions(t, cl)
    codable = [c.cid for c in codebook.codes if c.codable or c.cid == cl.code]
    new_code = st.selectbox(
        "Code for the new version",
        codable,
        index=codable.index(cl.code) if cl.code in codable else 0,
        format_func=lambda k: code_choice_label(codebook, k),
        key=f"qk_rec_code_{cl.key}",
    )
    if span is not None:
        st.markdown(
            "The new version will be: “" + md_escape(excerpt(t.text, span[0], span[1], 300)) + "”"
        )
    return span, new_code or cl.code


def _span_by_sentences(t: Transcript, cl: Cluster, turns: list[Turn]) -> tuple[int, int] | None:
    """The first and last sentence of a new version; None when they do not make a span."""
    sentences = sentence_spans(t, turns)
    if not sentences:
        st.error("This turn has no sentences to choose from; type positions instead.")
        return None
    first_at = next((i for i, s in enumerate(sentences) if s.end > cl.start), 0)
    last_at = next(
        (i for i in range(len(sentences) - 1, -1, -1) if sentences[i].start < cl.end),
        len(sentences) - 1,
    )

    def label(i: int) -> str:
        s = sentences[i]
        return f"Sentence {i + 1}: {excerpt(t.text, s.start, s.end, 70)}"

    a, b = st.columns(2)
    first = a.selectbox(
        "First sentence",
        range(len(sentences)),
        index=first_at,
        format_func=label,
        key=f"qk_rec_first_{cl.key}",
    )
    last = b.selectbox(
        "Last sentence",
        range(len(sentences)),
        index=max(first_at, last_at),
        format_func=label,
        key=f"qk_rec_last_{cl.key}",
    )
    if first is None or last is None:
        return None
    if last < first:
        st.error("The last sentence must not come before the first.")
        return None
    return (sentences[first].start, sentences[last].end)


def _span_by_positions(t: Transcript, cl: Cluster) -> tuple[int, int] | None:
    """Typed character positions of a new version; None (with the error shown) when
    they do not make a span."""
    a, b = st.columns(2)
    start = _position(a, "Start (character position)", t, cl.start, f"qk_rec_start_{cl.key}")
    end = _position(b, "End (character position, not included)", t, cl.end, f"qk_rec_end_{cl.key}")
    try:
        return parse_span(
            None if start is None else int(start),
            None if end is None else int(end),
            len(t.text),
        )
    except ValueError as e:
        st.error(str(e))
        return None


def _position(
    column: DeltaGenerator, label: str, t: Transcript, value: int, key: str
) -> int | float | None:
    """A character position in ``t``'s text, typed in ``column``."""
    return column.number_input(
        label,
        min_value=0,
        max_value=len(t.text),
        value=value,
        step=1,
        key=key,
    )


def _save(
    store: Store,
    sess: SignedIn,
    cl: Cluster,
    choice: str | None,
    span: tuple[int, int] | None,
    new_code: str,
    note: str,
    names: Mapping[str, str],
) -> None:
    if choice is None:
        st.error("Choose a decision first.")
        return
    try:
        done = apply_decision(
            store, cl, choice, sess.user, span=span, code=new_code, note=note, names=names
        )
    except ValueError as e:
        st.error(str(e))
        return
    except QualkitError as e:
        st.error(f"That could not be saved: {e}")
        return
    flash(f"Saved: {done}.")
    st.rerun()
