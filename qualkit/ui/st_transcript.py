"""The transcript component (Streamlit components v2): shows the turns and reports mouse
selections as code-point offsets. Its JavaScript and CSS ship in ``qualkit/ui/static``;
nothing is loaded from the network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

_STATIC = Path(__file__).parent / "static"
_NAME = "qualkit_transcript"
_renderer: Any = None


def _component() -> Any:
    global _renderer
    if _renderer is None:
        _renderer = st.components.v2.component(
            _NAME,
            js=(_STATIC / "transcript.js").read_text(encoding="utf-8"),
            css=(_STATIC / "transcript.css").read_text(encoding="utf-8"),
            isolate_styles=False,
        )
    return _renderer


def _ignore() -> None:
    return None


def transcript_view_component(view: dict[str, Any], *, key: str) -> dict[str, int] | None:
    """Mount the transcript; return the selection just made with the mouse, if any, as
    ``start``, ``end`` and ``exact`` (1 when the person held Alt to keep part of a word).

    The view goes to the browser as UTF-8 JSON bytes, which Streamlit forwards untouched
    (a dict would be inspected for data frames first, which is slower).
    """
    payload = json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    result = _component()(data=payload, key=key, on_selected_change=_ignore)
    selected = getattr(result, "selected", None)
    if isinstance(selected, dict) and selected.get("tid") == view.get("tid"):
        try:
            return {
                "start": int(selected["start"]),
                "end": int(selected["end"]),
                "exact": int(bool(selected.get("exact"))),
            }
        except (KeyError, TypeError, ValueError):
            return None
    return None
