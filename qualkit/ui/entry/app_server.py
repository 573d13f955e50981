"""The qualkit app as ``qualkit app`` and ``qualkit serve`` run it: the Streamlit script
``app.py`` beside this file plus qualkit's own HTTP routes (:mod:`qualkit.ui.http`: the
``HttpOnly`` sign-in cookie set by the server, and a health check), with one line on
stderr per request error (:mod:`qualkit.ui.serverlog`). ``streamlit run`` finds ``app``."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from qualkit.ui.http import routes
from qualkit.ui.serverlog import RequestErrors, quiet_streamlit_tracebacks, script_error

quiet_streamlit_tracebacks()
app = st.App(
    Path(__file__).with_name("app.py"),
    routes=routes(),
    middleware=[Middleware(RequestErrors)],
    on_script_error=script_error,
)
