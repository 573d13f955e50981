"""Review de-identification (researchers): open a review folder that ``qualkit deid run``
wrote on this computer, and that the app was started with (``--review-dir``; a path typed
into the page is never opened), read each transcript with what was found highlighted, accept or
reject each detection, mask possible misses everywhere with one tick, add spans it
missed, and save the decisions back into the review
file for ``qualkit deid apply``.

Raw text is read from and written to the review folder only. The project keeps an event
with the file name and the numbers of decisions, never any text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from qualkit.errors import QualkitError
from qualkit.ui import deid_review as R
from qualkit.ui.session import SignedIn
from qualkit.ui.st_common import flash, get_store, guard, show_flash
from qualkit.ui.view import md_escape

NO_TYPE = ""


def render() -> None:
    sess = guard("deid_review")
    show_flash()
    st.title("Review de-identification", anchor=False)
    st.write(
        "Check what was found in each raw transcript before anyone codes it. Accept a "
        "detection to mask it, reject it if it is not an identifier, and add anything that "
        "was missed. The raw text stays in the review folder on this computer: it is never "
        "stored in the project."
    )
    allowed = R.allowed_folders()
    if not allowed:
        st.info(R.HOW_TO_ALLOW)
        return
    if len(allowed) == 1:
        folder = allowed[0]
        st.markdown(f"**Review folder:** {md_escape(str(folder))}")
    else:
        folder = st.selectbox(
            "Review folder",
            allowed,
            format_func=str,
            key="qk_dr_folder",
            help="The folders this app was started with (`--review-dir`).",
        )
        if folder is None:
            return
    try:
        files = R.review_files(folder, allowed)
    except QualkitError as e:
        st.error(str(e))
        return
    if not files:
        st.warning("There are no review files (*.review.json) in this folder.")
        return
    names = {R.review_name(f): f for f in files}
    chosen = st.selectbox(
        "Transcript to review",
        list(names),
        index=None,
        placeholder="Choose a transcript",
        key="qk_dr_file",
    )
    if chosen is None:
        st.write(f"{len(names)} review file{'s' if len(names) != 1 else ''} in this folder.")
        return
    try:
        loaded = R.load_review(names[chosen])
    except QualkitError as e:
        st.error(str(e))
        return
    _review(sess, chosen, loaded)


def _review(sess: SignedIn, name: str, loaded: R.Loaded) -> None:
    doc = loaded.doc
    items = R.detections(doc)
    added = R.added_spans(loaded.path, doc)
    st.header(f"Transcript {md_escape(name)}", anchor=False)
    st.markdown(
        f"**{md_escape(R.counts_text(R.check(loaded.path, doc)))}.** "
        + md_escape(
            "Each highlighted span starts with its number in the list below and ends with "
            "its type in brackets, e.g. [PERSON]. Rejected ones are struck through and "
            "say “rejected”; your additions say “added”."
        )
    )
    st.html(R.HIGHLIGHT_CSS + R.highlight_html(doc, added))

    # Widget keys carry the file's digest, so after a save the form shows what is on disk.
    tag = f"{name}_{loaded.digest[:12]}"
    with st.form(f"qk_dr_form_{tag}"):
        st.subheader("Detections", anchor=False)
        if not items:
            st.write("Nothing was detected in this transcript.")
        chosen = _decisions(items, tag)
        masked_maybe = _possible_misses(doc, tag)
        st.subheader("Add a missed identifier", anchor=False)
        adds = R.additions(doc)
        if adds:
            st.markdown(
                "Already added: "
                + md_escape("; ".join(f"{a.get('text', '')} ({a.get('type', '')})" for a in adds))
            )
        missed = st.text_input(
            "Missed text, exactly as it appears",
            max_chars=300,
            key=f"qk_dr_add_text_{tag}",
            help="Every whole-word mention of it in this transcript is masked.",
        )
        kind = st.selectbox(
            "Type of the missed text",
            [NO_TYPE, *R.ADD_TYPES],
            format_func=lambda t: t or "Choose a type",
            key=f"qk_dr_add_type_{tag}",
        )
        save = st.form_submit_button("Save decisions", type="primary")
    if not save:
        return
    extra: list[tuple[str, str]] = []
    if missed.strip():
        if not kind:
            st.error("Choose a type for the missed text.")
            return
        extra.append((missed, kind))
    try:
        new = R.with_decisions(doc, chosen, extra, masked_maybe)
        counts = R.save_review(loaded, new)
    except (QualkitError, ValueError, IndexError) as e:
        st.error(f"Not saved: {e}")
        return
    get_store().log(
        sess.user,
        "deid.review",
        file=loaded.path.name,
        accepted=counts.accepted,
        rejected=counts.rejected,
        added=counts.added,
    )
    flash(f"Saved the decisions for {name}: {R.counts_text(counts)}.")
    st.rerun()


def _decisions(items: list[dict[str, Any]], tag: str) -> dict[int, str]:
    """A line and a decision box per detection (inside the review form)."""
    chosen: dict[int, str] = {}
    for i, item in enumerate(items):
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            st.markdown(
                f"**{i + 1}. {md_escape(str(item.get('type', '')))}** "
                f"“{md_escape(str(item.get('text', '')))}” — score "
                f"{md_escape(str(item.get('score', '')))}, found by "
                f"{md_escape(str(item.get('recognizer', '')) or 'unknown')}, now "
                f"{md_escape(R.decision_of(item))}ed"
            )
        with right:
            current = R.decision_of(item)
            chosen[i] = st.selectbox(
                f"Decision on detection {i + 1}",
                R.DECISIONS,
                index=R.DECISIONS.index(current) if current in R.DECISIONS else 0,
                format_func=lambda d: R.DECISION_WORDS[d],
                key=f"qk_dr_dec_{tag}_{i}",
            )
    return chosen


def _possible_misses(doc: Mapping[str, Any], tag: str) -> dict[int, str]:
    """A box per possible miss, ticked to mask it (inside the review form)."""
    maybe = R.possible_misses(doc)
    masked_maybe: dict[int, str] = {}
    if maybe:
        st.subheader("Possible misses", anchor=False)
        st.write(
            "Words left unmasked that could still identify someone, the most likely "
            "first. Tick one to mask every mention of it in this transcript."
        )
        for j, entry in enumerate(maybe):
            ticked = st.checkbox(
                f"Mask every mention of “{entry.get('text', '')}” "
                f"({entry.get('type', '')}, {entry.get('mentions', 0)} in this transcript)",
                value=str(entry.get("decision", "keep")) == "mask",
                key=f"qk_dr_maybe_{tag}_{j}",
                help=str(entry.get("context", "")),
            )
            masked_maybe[j] = "mask" if ticked else "keep"
    return masked_maybe
