"""The coding app: Streamlit pages plus the plain logic behind them.

Only the ``st_*`` modules and the ``pages`` package import Streamlit. Everything else here
is plain Python that can be used and tested without it:

- :mod:`~qualkit.ui.access` the page table: every page, and which role may open it;
- :mod:`~qualkit.ui.signin`, :mod:`~qualkit.ui.session`, :mod:`~qualkit.ui.ratelimit`
  signing in, inactivity time-outs, break reminders and slowing down password guessing;
- :mod:`~qualkit.ui.spans` turns, selections (UTF-16 ↔ code points), word steps;
- :mod:`~qualkit.ui.view` the transcript view model sent to the browser component;
- :mod:`~qualkit.ui.undo` coding actions that save at once and can be undone;
- :mod:`~qualkit.ui.content_notes`, :mod:`~qualkit.ui.progress`, :mod:`~qualkit.ui.editing`.

A small synthetic project and the load test for tests and benchmarks are in
:mod:`qualkit.testing`, which the wheel leaves out.
"""
