"""The transcript component (Streamlit components v2): shows the turns and reports mouse
selections as code-point offsets. Its JavaScript and CSS ship in ``qualkit/ui/static``;
nothing is loaded from the network."""

from __future__ import annotations

import json
from collections.abc import Callable
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


def selection_of(raw: Any, tid: str | None) -> dict[str, int] | None:
    """A selection reported by the browser for transcript ``tid`` as ``start``, ``end``
    and ``exact`` (1 when the person held Alt to keep part of a word); None otherwise."""
    if not isinstance(raw, dict) or raw.get("tid") != tid:
        return None
    try:
        return {
            "start": int(raw["start"]),
            "end": int(raw["end"]),
            "exact": int(bool(raw.get("exact"))),
        }
    except (KeyError, TypeError, ValueError):
        return None


def transcript_view_component(
    view: dict[str, Any],
    *,
    key: str,
    on_select: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
) -> dict[str, int] | None:
    """Mount the transcript; return the selection just made with the mouse, if any (see
    :func:`selection_of`). ``on_select(*args)`` runs when a selection arrives, before the
    script (or fragment) runs again, so the page can be drawn once with it.

    The view goes to the browser as UTF-8 JSON bytes, which Streamlit forwards untouched
    (a dict would be inspected for data frames first, which is slower).
    """
    payload = json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    callback: Callable[[], None]
    if on_select is None:
        callback = _ignore
    else:

        def callback() -> None:
            on_select(*args)

    result = _component()(data=payload, key=key, on_selected_change=callback)
    return selection_of(getattr(result, "selected", None), view.get("tid"))
