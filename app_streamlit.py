"""``streamlit run app_streamlit.py`` with QUALKIT_PROJECT set (``qualkit app PROJECT`` sets it)."""

from qualkit.ui.entry import run

run()
