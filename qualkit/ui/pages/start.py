"""Start page: a short welcome with links to the pages this person may use."""

from __future__ import annotations

import streamlit as st

from qualkit.ui.access import visible_pages
from qualkit.ui.st_common import get_store, page_link, show_flash
from qualkit.ui.st_guard import guard
from qualkit.ui.view import md_escape


def render() -> None:
    sess = guard("start")
    show_flash()
    project = get_store().project()
    st.title(f"Hello, {md_escape(sess.display_name)}", anchor=False)
    st.write(f"This is the **{md_escape(project.name)}** project.")
    if project.description:
        st.write(md_escape(project.description))
    st.header("Where to go", anchor=False)
    for spec in visible_pages(sess.role):
        if spec.key == "start":
            continue
        page_link(spec.key, f"{spec.title} — {spec.help}")
    st.header("Looking after yourself", anchor=False)
    st.write(
        "Some interviews talk about hard things. You can pause at any time with the "
        "**Pause** button, and you can say **Not for me** to any transcript without "
        "giving a reason. Everything you do is saved straight away."
    )
