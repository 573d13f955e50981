"""Codebook: every code with its meaning, for every signed-in person."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from qualkit.model import Code, Codebook
from qualkit.ui.st_common import get_store, show_flash
from qualkit.ui.st_guard import guard
from qualkit.ui.view import md_escape
from qualkit.ui.words import plain_definition


def _show(code: Code, depth: int, by_id: Mapping[str, Code]) -> None:
    # Themes are level-2 headings and the codes under them level 3 (the page title is 1).
    (st.header if depth == 0 else st.subheader)(md_escape(code.name), anchor=False)
    if not code.codable:
        st.caption("A heading, not used to code")
    if code.definition:
        st.write(md_escape(plain_definition(code.definition, by_id)))
    if code.include:
        st.markdown(f"**Use it for:** {md_escape(plain_definition(code.include, by_id))}")
    if code.exclude:
        st.markdown(f"**Do not use it for:** {md_escape(plain_definition(code.exclude, by_id))}")
    for ex in code.examples:
        st.markdown(f"**Example:** “{md_escape(ex)}”")


def _walk(cb: Codebook, parent: str | None, depth: int, keep: set[str] | None) -> None:
    for code in cb.children(parent):
        if keep is None or code.cid in keep:
            _show(code, depth, cb.by_id())
        _walk(cb, code.cid, depth + 1, keep)


def render() -> None:
    guard("codebook")
    show_flash()
    cb = get_store().codebook()
    st.title("Codebook", anchor=False)
    st.write(f"**{md_escape(cb.name)}** · {len(cb.codes)} codes")
    if cb.description:
        st.write(md_escape(cb.description))
    if not cb.codes:
        st.info("The codebook is empty.")
        return
    q = st.text_input("Search the codebook", key="qk_cb_search", placeholder="For example: waiting")
    keep: set[str] | None = None
    if q.strip():
        words = q.lower().split()
        keep = {
            c.cid
            for c in cb.codes
            if all(
                w
                in " ".join(
                    [c.cid, c.name, c.definition, c.include, c.exclude, *c.examples]
                ).lower()
                for w in words
            )
        }
        st.write(f"{len(keep)} code(s) match.")
    known = {c.cid for c in cb.codes}
    roots = [c for c in cb.codes if c.parent is None or c.parent not in known]
    for code in roots:
        if keep is None or code.cid in keep:
            _show(code, 0, cb.by_id())
        _walk(cb, code.cid, 1, keep)
