"""Patterns (researchers, readers): how often codes come up, by role or any participant
attribute, which codes occur together, and the quotes behind a count. The same functions
as ``qualkit analyse`` and the pandas API (:mod:`qualkit.analysis`).

Readers always see small cells hidden (fewer than 3 participants), and cannot open the
quotes of a hidden cell; researchers can switch hiding on or off.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from qualkit.analysis import DEFAULT_SUPPRESS_BELOW, Filters, Study
from qualkit.errors import QualkitError
from qualkit.model import Role
from qualkit.storage import CONSENSUS_CODER
from qualkit.ui.st_common import display_names, get_store, show_flash
from qualkit.ui.st_guard import guard
from qualkit.ui.view import md_escape

COUNT_WORDS = {
    "participants": "Participants",
    "transcripts": "Transcripts",
    "codings": "Coded passages (codings)",
}
PERCENT_WORDS = {"": "No percentages", "row": "Percent of the row", "col": "Percent of the column"}
#: How many quotes a cell shows.
CELL_QUOTES = 20


def _study() -> Study:
    """One study per browser session, read again whenever the project changes."""
    store = get_store()
    stamp = store.last_event_id()
    cached = st.session_state.get("qk_pat_study")
    if cached is None or cached[0] != stamp:
        cached = (stamp, Study(store))
        st.session_state["qk_pat_study"] = cached
    study: Study = cached[1]
    return study


def render() -> None:
    sess = guard("patterns")
    show_flash()
    reader = Role(sess.role) is Role.READER
    st.title("Patterns", anchor=False)
    st.write(
        "How often each code comes up, for whom, and which codes come up together. "
        "Choose what to count, then look at the table, the charts, or the quotes behind a "
        "number."
    )
    study = _study()
    names = display_names()
    rows, cols, count, percent, layer, codes, hide = _choices(study, names, reader)
    k = DEFAULT_SUPPRESS_BELOW if hide else 0
    filters = Filters(coders=(layer,) if layer else (), codes=tuple(codes))
    try:
        m = study.matrix(
            rows, cols, count=count, percent=percent or None, filters=filters, suppress_below=k
        )
    except QualkitError as e:
        st.error(f"The table could not be made: {e}")
        return
    for note in m.notes:
        st.info(note)
    tab_table, tab_chart, tab_together, *more = st.tabs(
        ["Table", "Chart", "Codes together"]
        + ([] if reader else ["Framework summaries", "Agreement", "Progress"])
    )
    with tab_table:
        st.table(m.table(), hide_index=True, width="stretch", alt=_table_alt(m))
        _cell_quotes(study, m, reader)
    with tab_chart:
        if rows == "code" and cols == "role":
            _show_chart(study, "codes", count=count, filters=filters, suppress_below=k)
        else:
            st.write("The chart shows codes by role: choose Rows “Code” and Columns “Role”.")
    with tab_together:
        by = st.radio(
            "Together means",
            ["turn", "passage", "overlap"],
            format_func=lambda b: {
                "turn": "In the same answer (turn)",
                "passage": "In the same passage (about 40–120 words)",
            }.get(b, "Overlapping"),
            key="qk_pat_by",
            horizontal=True,
        )
        _show_chart(study, "cooccurrence", by=by, filters=filters, suppress_below=k)
    if more:
        with more[0]:
            _framework(study, filters, sess.user)
        with more[1]:
            if st.button("Work out agreement (takes a few seconds)", key="qk_pat_agree"):
                _show_chart(study, "agreement", bootstrap=200)
        with more[2]:
            _show_chart(study, "progress")


#: What the form asks to count: the matrix's rows and columns, the count, the
#: percentages, whose codings, which codes, and whether small numbers are hidden.
_Choices = tuple[str, str, str, str, str, list[str], bool]


def _choices(study: Study, names: dict[str, str], reader: bool) -> _Choices:
    """The form choosing what to count."""
    layers = ["", CONSENSUS_CODER, *(c for c in study.coders if c != CONSENSUS_CODER)]
    columns = [a for a in study.attribute_names() if not (reader and a == "participant")]
    with st.form("qk_pat_form"):
        c1, c2, c3 = st.columns(3)
        rows = c1.radio(
            "Rows",
            ["code", "theme"],
            format_func=str.capitalize,
            key="qk_pat_rows",
            horizontal=True,
        )
        cols = c2.selectbox(
            "Columns",
            columns,
            format_func=lambda a: "Coder" if a == "coder" else a.replace("_", " ").capitalize(),
            key="qk_pat_cols",
            help="Role, or any participant detail recorded for this project.",
        )
        count = c3.selectbox(
            "Count", list(COUNT_WORDS), format_func=COUNT_WORDS.__getitem__, key="qk_pat_count"
        )
        c4, c5 = st.columns(2)
        percent = c4.radio(
            "Percentages",
            list(PERCENT_WORDS),
            format_func=PERCENT_WORDS.__getitem__,
            key="qk_pat_pct",
            horizontal=True,
        )
        layer = c5.selectbox(
            "Whose codings",
            layers,
            format_func=lambda k: (
                "Everyone's codings"
                if not k
                else "Consensus layer (after reconciling)"
                if k == CONSENSUS_CODER
                else names.get(k, k)
            ),
            key="qk_pat_layer",
        )
        codes = st.multiselect(
            "Themes or codes",
            [c.cid for c in study.codebook.codes],
            format_func=lambda k: _code_label(study, k),
            placeholder="Every code",
            key="qk_pat_codes",
            help="A theme includes every code under it.",
        )
        if reader:
            hide = True
            st.caption(
                f"Numbers from fewer than {DEFAULT_SUPPRESS_BELOW} people are hidden, so "
                "nobody can be picked out."
            )
        else:
            hide = st.checkbox(
                f"Hide numbers from fewer than {DEFAULT_SUPPRESS_BELOW} people (do this "
                "before sharing)",
                key="qk_pat_hide",
            )
        st.form_submit_button("Show", type="primary")

    return rows, cols, count, percent, layer, codes, hide


def _framework(study: Study, filters: Filters, user: str) -> None:
    """Researchers write the summary of one Framework cell (participant × code), with the
    participant's coded passages beside it. Every save is kept, with who and when."""
    from qualkit.analysis.framework import save_summary
    from qualkit.errors import ConflictError

    st.write(
        "A Framework matrix has a row per participant and a column per code. Write a short "
        "summary of what this participant said about the code; the passages are below. "
        "`qualkit analyse framework` downloads the whole matrix (a sheet per theme)."
    )
    try:
        fw = study.framework("code", filters=filters)
    except QualkitError as e:
        st.error(f"The Framework matrix could not be made: {e}")
        return
    if not fw.cases or not fw.columns:
        st.write("There is nothing to summarise yet.")
        return
    c1, c2 = st.columns(2)
    labels = {c.case: c.label for c in fw.cases}
    case = c1.selectbox(
        "Participant", list(labels), format_func=labels.__getitem__, key="qk_pat_fc"
    )
    names = {c.code: f"{c.name} ({c.theme_name})" for c in fw.columns}
    code = c2.selectbox("Code", list(names), format_func=names.__getitem__, key="qk_pat_fk")
    cell = fw.cell(case, code)
    with st.form(f"qk_pat_sum_{case}_{code}"):
        text = st.text_area(
            "Summary", value=cell.summary_text, height=120, key=f"qk_pat_sum_t_{case}_{code}"
        )
        if st.form_submit_button("Save summary", type="primary"):
            try:
                save_summary(study, case, code, text, user, expected_version=cell.version)
            except ConflictError as e:
                st.error(str(e))
            except QualkitError as e:
                st.error(f"The summary could not be saved: {e}")
            else:
                st.session_state.pop("qk_pat_study", None)
                st.success("Summary saved.")
    if cell.summary is not None:
        history = study.store.framework_summary_history(case, code)
        with st.expander(f"Earlier versions ({len(history)})"):
            for h in reversed(history):
                when = f"{h.at:%Y-%m-%d %H:%M}" if h.at else ""
                st.markdown(f"**Version {h.version}**, {md_escape(h.author)}, {when}")
                st.text(h.text)
    st.markdown(f"**Coded passages ({len(cell.passages)})**")
    for q in cell.passages:
        with st.container(border=True):
            st.markdown(f"“{md_escape(q.text)}”")
            st.caption(f"{q.transcript}, turn {q.turn + 1 if q.turn is not None else '-'}")


def _table_alt(m: Any) -> str:
    what = COUNT_WORDS[m.count].split(" (")[0]
    rows = "themes" if m.rows == "theme" else "codes"
    return f"{what} for each of the {rows} (rows) by {m.cols} (columns), with totals"


def _code_label(study: Study, cid: str) -> str:
    code = study.codebook.by_id()[cid]
    if code.parent is None:
        return f"Theme: {code.name}"
    return f"{code.name} (in {study.codebook.by_id()[code.parent].name})"


def _show_chart(study: Study, kind: str, **options: Any) -> None:
    try:
        ch = study.chart(kind, **options)
    except QualkitError as e:
        st.error(f"The chart could not be drawn: {e}")
        return
    st.altair_chart(ch.chart, theme=None)
    st.caption(md_escape(ch.alt_text))
    with st.expander("The numbers in this chart"):
        st.table(ch.data, hide_index=True, alt=f"The numbers in the chart: {ch.title}")


def _cell_quotes(study: Study, m: Any, reader: bool) -> None:
    st.header("Quotes behind a number", anchor=False)
    if m.counts.empty:
        st.write("There are no numbers to open yet.")
        return
    c1, c2 = st.columns(2)
    row = c1.selectbox(
        "Row", list(m.counts.index), format_func=lambda r: m.labels.get(r, r), key="qk_pat_cr"
    )
    col = c2.selectbox("Column", list(m.counts.columns), key="qk_pat_cc")
    if m.is_hidden(row, col):
        st.info("This number is hidden because it comes from very few people.")
        return
    try:
        bank = study.quote_bank(m.cell_filters(row, col))
    except QualkitError as e:
        st.info(f"No quotes for this cell: {e}")
        return
    if not bank.quotes:
        st.write("No quotes for this cell.")
        return
    st.markdown(f"**{md_escape(bank.summary())}**")
    for q in bank.quotes[:CELL_QUOTES]:
        with st.container(border=True):
            st.markdown(f"“{md_escape(q.text)}”")
            st.markdown(f"— {md_escape(q.citation)}")
    if len(bank.quotes) > CELL_QUOTES:
        st.caption(
            f"The first {CELL_QUOTES} of {len(bank.quotes)}; the Quotes page downloads them all."
        )
