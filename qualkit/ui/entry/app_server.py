"""The qualkit app as ``qualkit app`` and ``qualkit serve`` run it: the Streamlit script
``app.py`` beside this file plus qualkit's own HTTP routes (:mod:`qualkit.ui.http`: the
``HttpOnly`` sign-in cookie set by the server, and a health check). ``streamlit run``
finds ``app``."""

from pathlib import Path

import streamlit as st

from qualkit.ui.http import routes

app = st.App(Path(__file__).with_name("app.py"), routes=routes())
