"""The coding app: Streamlit pages plus the plain logic behind them.

Modules here that do not start with ``st_`` (and the ``pages`` package) never import
Streamlit, so they can be used and tested without it: :mod:`~qualkit.ui.spans`,
:mod:`~qualkit.ui.content_notes`, :mod:`~qualkit.ui.session`, :mod:`~qualkit.ui.ratelimit`,
:mod:`~qualkit.ui.signin`, :mod:`~qualkit.ui.undo`, :mod:`~qualkit.ui.view`,
:mod:`~qualkit.ui.access` and :mod:`~qualkit.ui.progress`.
"""
