"""My settings: larger text and an optional break reminder."""

from __future__ import annotations

import streamlit as st

from qualkit.ui.st_common import break_timer, prefs, save_prefs, show_flash
from qualkit.ui.st_guard import guard

BREAK_CHOICES = {
    0: "No reminder",
    20: "After 20 minutes",
    30: "After 30 minutes",
    45: "After 45 minutes",
    60: "After 1 hour",
}


def render() -> None:
    guard("settings")
    show_flash()
    st.title("My settings", anchor=False)
    p = prefs()
    with st.form("qk_settings_form"):
        larger = st.toggle(
            "Larger text",
            value=bool(p.get("larger_text")),
            help="Makes all text on every page bigger.",
        )
        minutes = st.radio(
            "Remind me to take a break",
            options=list(BREAK_CHOICES),
            index=list(BREAK_CHOICES).index(int(p.get("break_minutes", 0)))
            if int(p.get("break_minutes", 0)) in BREAK_CHOICES
            else 0,
            format_func=lambda m: BREAK_CHOICES[m],
        )
        saved = st.form_submit_button("Save", type="primary")
    if saved:
        save_prefs(larger_text=bool(larger), break_minutes=int(minutes))
        timer = break_timer()
        timer.minutes = int(minutes)
        st.session_state["qk_flash"] = ("success", "Your settings are saved.")
        st.rerun()
