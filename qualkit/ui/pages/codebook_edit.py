"""Edit codebook (researchers): change or add codes. A save that would overwrite someone
else's newer change is refused with a clear message (optimistic versions)."""

from __future__ import annotations

import re
from dataclasses import replace

import streamlit as st

from qualkit import limits
from qualkit.errors import QualkitError
from qualkit.model import Code
from qualkit.storage import Store
from qualkit.ui.editing import parse_examples, save_code_edit
from qualkit.ui.st_common import flash
from qualkit.ui.st_guard import open_page

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def render() -> None:
    sess, store = open_page("codebook_edit", "Edit codebook")
    cb = store.codebook()
    by_id = cb.by_id()
    ids = [c.cid for c in cb.codes]
    cid = st.selectbox(
        "Code to change",
        ids,
        index=None,
        format_func=lambda k: f"{by_id[k].name} ({k})",
        placeholder="Choose a code",
        key="qk_cbe_pick",
    )
    if cid is not None:
        _edit(store, sess.user, cid, ids)
    st.divider()
    _add(store, sess.user, ids)


def _edit(store: Store, actor: str, cid: str, ids: list[str]) -> None:
    vkey = f"qk_cbe_version_{cid}"
    skey = f"qk_cbe_snapshot_{cid}"
    nkey = f"qk_cbe_n_{cid}"
    if vkey not in st.session_state or skey not in st.session_state:
        # Opening the form: remember the version first, then read the code. A save succeeds
        # only while that version is current, so a change made by someone in between can
        # never be overwritten silently (at worst the save is refused and reloaded).
        st.session_state[vkey] = store.code_versions().get(cid, 1)
        st.session_state[skey] = store.codebook().by_id()[cid]
        st.session_state[nkey] = st.session_state.get(nkey, 0) + 1
    code: Code = st.session_state[skey]
    n = st.session_state[nkey]
    others = [k for k in ids if k != code.cid]
    with st.form(f"qk_cbe_form_{code.cid}_{n}"):
        name = st.text_input("Name", value=code.name, max_chars=limits.CODE_NAME)
        definition = st.text_area(
            "What it means", value=code.definition, max_chars=limits.CODE_TEXT
        )
        include = st.text_area("Use it for", value=code.include, max_chars=limits.CODE_TEXT)
        exclude = st.text_area("Do not use it for", value=code.exclude, max_chars=limits.CODE_TEXT)
        examples = st.text_area("Examples (one per line)", value="\n".join(code.examples))
        parent = st.selectbox(
            "Belongs under",
            [None, *others],
            index=([None, *others].index(code.parent) if code.parent in others else 0),
            format_func=lambda k: "Nothing (top level)" if k is None else k,
        )
        codable = st.checkbox("Coders can use this code", value=code.codable)
        saved = st.form_submit_button("Save", type="primary")
    if saved:
        new = replace(
            code,
            name=name.strip(),
            definition=definition.strip(),
            include=include.strip(),
            exclude=exclude.strip(),
            examples=parse_examples(examples),
            parent=parent,
            codable=codable,
        )
        result = save_code_edit(store, new, int(st.session_state[vkey]), actor)
        if result.ok:
            st.session_state[vkey] = result.version
            st.session_state[skey] = new
            flash(result.message)
            st.rerun()
        else:
            st.session_state[f"qk_cbe_conflict_{code.cid}"] = result.conflict
            st.error(result.message)
    if st.session_state.get(f"qk_cbe_conflict_{code.cid}") and st.button(
        "Load the latest version", key=f"qk_cbe_reload_{code.cid}"
    ):
        st.session_state.pop(vkey, None)
        st.session_state.pop(skey, None)
        st.session_state.pop(f"qk_cbe_conflict_{code.cid}", None)
        st.rerun()


def _add(store: Store, actor: str, ids: list[str]) -> None:
    st.header("Add a code", anchor=False)
    with st.form("qk_cbe_add", clear_on_submit=True):
        cid = st.text_input(
            "Code id", help="Short and stable, e.g. access.waiting", max_chars=limits.CODE_ID
        )
        name = st.text_input("Name", max_chars=limits.CODE_NAME)
        definition = st.text_area("What it means", max_chars=limits.CODE_TEXT)
        parent = st.selectbox(
            "Belongs under",
            [None, *ids],
            format_func=lambda k: "Nothing (top level)" if k is None else k,
        )
        added = st.form_submit_button("Add code")
    if added:
        if not _ID.match(cid.strip()):
            st.error("The code id must be letters, numbers, dots, dashes or underscores.")
            return
        if not name.strip() or not definition.strip():
            st.error("A new code needs a name and a meaning.")
            return
        try:
            store.add_code(
                Code(cid.strip(), name.strip(), definition.strip(), parent=parent), actor
            )
        except QualkitError as e:
            st.error(f"That could not be saved: {e}")
            return
        flash(f"Added “{name.strip()}”.")
        st.rerun()
