"""Quotes (readers, researchers): choose quotes for a report, preview them and download
them as Word, Excel, CSV or Markdown — written by the same code as ``qualkit export quotes``.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from qualkit.errors import QualkitError
from qualkit.export import WRITERS, QuoteBank, build_quote_bank
from qualkit.storage import CONSENSUS_CODER
from qualkit.ui.reports import (
    DOWNLOAD_FORMATS,
    code_choice_label,
    count_rows,
    download_label,
    download_name,
    export_bytes,
    layer_name,
    make_filters,
)
from qualkit.ui.st_common import display_names, get_store, show_flash
from qualkit.ui.st_guard import guard
from qualkit.ui.view import md_escape

#: How many quotes the preview shows.
PREVIEW = 10


def render() -> None:
    guard("quotes")
    store = get_store()
    show_flash()
    st.title("Quotes for reports", anchor=False)
    st.write(
        "Choose the quotes you need, check the preview, then download them. Quotes are "
        "attributed by role and pseudonymous participant id only, for example "
        "“Person accessing support, P04”."
    )
    codebook = store.codebook(include_inactive=True)
    names = display_names()
    layers = [CONSENSUS_CODER, *(c for c in store.coders() if c != CONSENSUS_CODER)]
    roles = sorted({p.role for p in store.participants()})
    transcripts = store.transcripts()
    titles = {t.tid: t.title for t in transcripts}

    with st.form("qk_q_form"):
        codes = st.multiselect(
            "Themes or codes",
            [c.cid for c in codebook.codes],
            format_func=lambda k: code_choice_label(codebook, k),
            placeholder="Every code",
            key="qk_q_codes",
            help="A theme includes every code under it.",
        )
        c1, c2 = st.columns(2)
        coders = c1.multiselect(
            "Coders or the consensus layer",
            layers,
            format_func=lambda k: (
                "Consensus layer (after reconciling)"
                if k == CONSENSUS_CODER
                else layer_name(k, names)
            ),
            placeholder="Everyone's codings",
            key="qk_q_coders",
            help="The consensus layer holds what the team agreed when reconciling.",
        )
        chosen_roles = c2.multiselect(
            "Participant role", roles, placeholder="Every role", key="qk_q_roles"
        )
        tids = c1.multiselect(
            "Transcripts",
            list(titles),
            format_func=lambda k: f"{titles[k]} ({k})",
            placeholder="Every transcript",
            key="qk_q_tids",
        )
        min_pct = c2.slider(
            "Minimum agreement between coders",
            min_value=0,
            max_value=100,
            step=5,
            format="%d%%",
            key="qk_q_min",
            help="The share of a transcript's coders who coded the passage with the same "
            "code. 0% keeps every quote.",
        )
        only_participants = st.checkbox(
            "Leave out the interviewers' words", key="qk_q_participants"
        )
        st.form_submit_button("Show quotes", type="primary")

    try:
        filters = make_filters(
            codes=codes,
            coders=coders,
            roles=chosen_roles,
            transcripts=tids,
            min_agreement_percent=min_pct,
            participant_turns_only=only_participants,
        )
        bank = build_quote_bank(store, filters)
    except QualkitError as e:
        st.error(f"The quotes could not be chosen: {e}")
        return
    _preview(bank)
    _downloads(bank)


def _preview(bank: QuoteBank) -> None:
    st.header("Preview", anchor=False)
    st.markdown(f"**{md_escape(bank.summary())}**")
    if not bank.quotes:
        st.info("No quotes match these choices. Try choosing fewer filters.")
        return
    st.table(count_rows(bank), hide_index=True, width="stretch", alt="Quotes for each code")
    total = len(bank.quotes)
    shown = min(PREVIEW, total)
    if shown == total:
        st.markdown("**The quote**" if total == 1 else f"**All {total} quotes**")
    else:
        st.markdown(f"**The first {shown} of {total} quotes**")
    for q in bank.quotes[:shown]:
        with st.container(border=True):
            st.markdown(f"*{md_escape(q.theme_name)} › {md_escape(q.code_name)}*")
            st.markdown(f"“{md_escape(q.text)}”")
            st.markdown(f"— {md_escape(q.citation)}")


def _downloads(bank: QuoteBank) -> None:
    st.header("Download", anchor=False)
    if not bank.quotes:
        st.write("There is nothing to download yet.")
        return
    st.write("Each file holds every quote shown in the preview counts above.")
    today = date.today()
    for fmt in DOWNLOAD_FORMATS:
        st.download_button(
            download_label(fmt),
            data=partial(export_bytes, bank, fmt),
            file_name=download_name(fmt, today),
            mime=WRITERS[fmt].media_type,
            on_click="ignore",
            key=f"qk_q_dl_{fmt}",
            type="primary" if fmt == "docx" else "secondary",
        )
