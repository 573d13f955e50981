"""Agreement (researchers): how far the coders agree, code by code, with the codes worth
discussing named in words and links to the passages in dispute."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from qualkit.agreement import AgreementReport, format_table, summary, to_csv
from qualkit.agreement.gather import coded_agreement
from qualkit.model import Coding, Transcript
from qualkit.storage import CONSENSUS_CODER
from qualkit.ui.access import may_open
from qualkit.ui.reports import (
    APP_BOOTSTRAP,
    DEFAULT_THRESHOLD,
    UNIT_WORDS,
    CodeFlag,
    agreement_table,
    flagged_codes,
    fmt_value,
    project_fingerprint,
)
from qualkit.ui.session import SignedIn
from qualkit.ui.st_common import display_names, go
from qualkit.ui.st_guard import open_page
from qualkit.ui.view import md_escape

#: Session-state key the reconcile page reads once to preset its transcript and code.
RECONCILE_PRESET = "qk_rec_preset"
#: The codebook editor's "Code to change" box (see pages/codebook_edit.py).
CODEBOOK_EDIT_PICK = "qk_cbe_pick"


@st.cache_data(max_entries=32, show_spinner="Working out agreement…")
def _report(
    fingerprint: str,
    unit: str,
    coders: tuple[str, ...],
    _codings: Sequence[Coding],
    _transcripts: Sequence[Transcript],
) -> AgreementReport:
    """The agreement report, worked out once per project state, unit and set of coders."""
    return coded_agreement(
        _codings, _transcripts, unit=unit, coders=list(coders), bootstrap=APP_BOOTSTRAP, seed=0
    )


def render() -> None:
    sess, store = open_page(
        "agreement",
        "Agreement between coders",
        "How far the coders agree on where each code applies. Kappa and alpha run from "
        "below 0 (worse than chance) to 1 (the same every time). Codes below the threshold "
        "are worth discussing as a team before the codebook is used further.",
    )
    codings = store.codings()
    people = sorted({c.coder for c in codings if c.coder != CONSENSUS_CODER})
    if len(people) < 2:
        st.info("Agreement needs codings from at least two coders. There are not enough yet.")
        return
    names = display_names()
    transcripts = store.transcripts(with_text=True)
    codebook = store.codebook(include_inactive=True)
    code_names = {c.cid: c.name for c in codebook.codes}
    titles = {t.tid: t.title for t in transcripts}

    c1, c2 = st.columns([3, 2])
    with c1:
        unit = st.radio(
            "Unit of agreement",
            list(UNIT_WORDS),
            format_func=lambda u: UNIT_WORDS[u],
            horizontal=True,
            key="qk_agr_unit",
            help="Characters compare exactly which words were coded. Sentences and turns "
            "count a coder as applying a code when they coded any part of it.",
        )
        coders = st.multiselect(
            "Coders to compare",
            people,
            default=people,
            format_func=lambda u: names.get(u, u),
            key="qk_agr_coders",
        )
    with c2:
        threshold = st.number_input(
            "Flag codes with kappa below",
            min_value=0.0,
            max_value=1.0,
            value=DEFAULT_THRESHOLD,
            step=0.05,
            format="%.2f",
            key="qk_agr_threshold",
            help="0.60 is a common minimum for 'substantial' agreement.",
        )
    if len(coders) < 2:
        st.error("Choose at least two coders to compare.")
        return
    fingerprint = project_fingerprint(store.url, codings, transcripts)
    report = _report(fingerprint, unit, tuple(sorted(coders)), codings, transcripts)
    if not report.transcripts:
        st.info("These coders have not coded any transcript yet.")
        return
    st.caption(
        f"{len(report.transcripts)} transcript(s), {len(report.codes)} code(s). "
        f"Intervals from {APP_BOOTSTRAP} bootstrap resamples. "
        f"Segments match when they share at least {report.min_overlap:.0%} of their words. "
        "“n/a” means there is not enough coding to work a value out."
    )

    _table(report, "overall", "Overall", threshold, code_names, titles, names)
    flags = flagged_codes(report, threshold)
    _flags(sess, flags, threshold, code_names, titles)
    _tables(report, threshold, code_names, titles, names)


def _table(
    report: AgreementReport,
    scope: str,
    title: str,
    threshold: float,
    code_names: dict[str, str],
    titles: dict[str, str],
    names: dict[str, str],
) -> None:
    """One agreement table (scope "overall", "code" or "transcript") under its heading."""
    st.header(title, anchor=False)
    st.table(
        agreement_table(
            report, scope, threshold, code_names=code_names, titles=titles, names=names
        ),
        hide_index=True,
        width="stretch",
        alt=f"Agreement: {title.lower()}",
    )


def _flags(
    sess: SignedIn,
    flags: list[CodeFlag],
    threshold: float,
    code_names: dict[str, str],
    titles: dict[str, str],
) -> None:
    st.header("Codes worth discussing", anchor=False)
    if not flags:
        st.success(f"No code has kappa below {threshold:.2f}.")
        return
    st.write(
        f"{len(flags)} code(s) have kappa below {threshold:.2f}. For each one you can look "
        "at the passages the coders disagree on, or open the code in the codebook editor "
        "to make its meaning clearer."
    )
    can_edit = may_open(sess.role, "codebook_edit")
    for flag in flags:
        name = code_names.get(flag.code, flag.code)
        with st.container(border=True):
            st.markdown(
                f"**{md_escape(name)}** — kappa {fmt_value(flag.kappa)}, "
                f"alpha {fmt_value(flag.alpha)}. "
                f"Below {threshold:.2f} — worth discussing."
            )
            tid = flag.first_transcript
            if tid is not None:
                st.caption(
                    f"The coders differ on it in {len(flag.transcripts)} transcript(s); "
                    f"the biggest difference is in {md_escape(titles.get(tid, tid))} "
                    f"({md_escape(tid)})."
                )
            if tid is not None and st.button(
                f"See the passages in dispute for {md_escape(name)}",
                key=f"qk_agr_dispute_{flag.code}",
                help="Opens the reconcile page on this code and transcript.",
            ):
                st.session_state[RECONCILE_PRESET] = {"tid": tid, "code": flag.code}
                go("reconcile")
            if can_edit and st.button(
                f"Open {md_escape(name)} in the codebook editor",
                key=f"qk_agr_edit_{flag.code}",
            ):
                st.session_state[CODEBOOK_EDIT_PICK] = flag.code
                go("codebook_edit")


def _tables(
    report: AgreementReport,
    threshold: float,
    code_names: dict[str, str],
    titles: dict[str, str],
    names: dict[str, str],
) -> None:
    for scope, title in (
        ("code", "Each code over all transcripts"),
        ("transcript", "Each transcript over all codes"),
    ):
        _table(report, scope, title, threshold, code_names, titles, names)
    with st.expander("The same table as the command line prints"):
        st.code(format_table(summary(report)), language=None)
    st.download_button(
        "Download every row (CSV)",
        data=to_csv(report).encode("utf-8"),
        file_name=f"agreement-{report.unit}.csv",
        mime="text/csv",
        on_click="ignore",
        key="qk_agr_csv",
        help="Per code, per transcript and per pair of coders, with all the statistics.",
    )
