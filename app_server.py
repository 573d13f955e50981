"""The qualkit app as served by ``qualkit app``: the Streamlit app (``app_streamlit.py``)
plus qualkit's own HTTP route, which sets the sign-in cookie ``HttpOnly`` from the server
(:mod:`qualkit.ui.http`). ``streamlit run app_server.py`` finds ``app`` and serves it."""

from pathlib import Path

import streamlit as st

from qualkit.ui.http import routes

app = st.App(Path(__file__).with_name("app_streamlit.py"), routes=routes())
