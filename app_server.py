"""``streamlit run app_server.py``: the packaged app with its cookie route, as
:mod:`qualkit.ui.app_server` (which ``qualkit app`` and ``qualkit serve`` run) defines it."""

import streamlit as st

from qualkit.ui.http import routes
from qualkit.ui.server import APP_SCRIPT

app = st.App(APP_SCRIPT, routes=routes())
