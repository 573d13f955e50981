"""The coding app's entry point, shipped inside the package.

``qualkit app`` and ``qualkit serve`` run ``app_server.py`` here (an ``st.App``), which
serves the Streamlit script ``app.py`` beside it; the top-level ``app_streamlit.py`` of a
checkout calls :func:`run` too. The scripts live in a folder of their own because
Streamlit treats a ``pages/`` folder beside a main script as pages of its own.
"""

from __future__ import annotations

import os

#: What the page says when no project was given.
HOW_TO_START = (
    "This app needs a project to open. Start it with `qualkit app PROJECT` on your own "
    "computer, or `qualkit serve --project PROJECT` on a team server (PROJECT is a "
    "project file made by `qualkit init`, or a database address). Running it with "
    "`streamlit run` directly needs `QUALKIT_PROJECT` set to the project first."
)


def run() -> None:
    """The app, or a page that says how to start it when no project is set."""
    import streamlit as st

    if not os.environ.get("QUALKIT_PROJECT", "").strip():
        st.set_page_config(page_title="qualkit coding")
        st.title("qualkit: no project given", anchor=False)
        st.markdown(HOW_TO_START)
        st.stop()
    from qualkit.ui.st_app import main

    main()
