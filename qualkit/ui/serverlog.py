"""One line on stderr for each request error of a running app, and nothing more.

A team server's log is read by whoever runs the server, who may not be on the research
team, so a line names what failed and where in qualkit's code, never what was being
worked on: no exception message (it can quote transcript text or a name), no query
string (invitation links carry their token there), no traceback.

- :func:`script_error` is the ``on_script_error`` handler of the app (``st.App``): an
  uncaught exception in a page or a widget callback.
- :class:`RequestErrors` is ASGI middleware: an HTTP request that raised or was answered
  with a 5xx status.
- :func:`quiet_streamlit_tracebacks` stops Streamlit's own multi-line report of the same
  script exception, which would print the exception message and source lines.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Any

#: The logger every line goes through (a handler of its own writes to stderr).
LOGGER_NAME = "qualkit.server"

_PACKAGE = Path(__file__).resolve().parent.parent


def logger() -> logging.Logger:
    """The server's error logger: one formatted line per record, on stderr."""
    log = logging.getLogger(LOGGER_NAME)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("%(asctime)s qualkit %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S")
        )
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


def where(ex: BaseException) -> str:
    """The innermost place in qualkit's own code the exception passed through, as
    ``qualkit/ui/pages/coding.py:120 in _save`` (or the innermost frame of all)."""
    here = Path(__file__).resolve()
    frames = [
        f for f in traceback.extract_tb(ex.__traceback__) if Path(f.filename).resolve() != here
    ]
    ours = [f for f in frames if _is_ours(f.filename)]
    if not (ours or frames):
        return "unknown place"
    frame = (ours or frames)[-1]
    path = Path(frame.filename)
    shown = (
        path.resolve().relative_to(_PACKAGE.parent).as_posix()
        if _is_ours(frame.filename)
        else path.name
    )
    return f"{shown}:{frame.lineno} in {frame.name}"


def _is_ours(filename: str) -> bool:
    try:
        Path(filename).resolve().relative_to(_PACKAGE)
    except ValueError:
        return False
    return True


def script_error(ex: Exception) -> bool:
    """Log a page's uncaught exception as one line; Streamlit still shows its own
    detail-free error box (the app runs with ``client.showErrorDetails = "none"``)."""
    logger().error("page error: %s at %s", type(ex).__name__, where(ex))
    return False


class _DropTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is None


def quiet_streamlit_tracebacks() -> None:
    """Drop Streamlit's own report of a script exception (:func:`script_error` has logged
    the line): its traceback records, and the Rich rendering of them, with source lines,
    that Streamlit prints straight to the terminal whenever Rich is installed."""
    from streamlit import config

    config.set_option("logger.enableRich", False)
    for name in ("streamlit.error_util", "streamlit.runtime.scriptrunner.exec_code"):
        log = logging.getLogger(name)
        if not any(isinstance(f, _DropTracebacks) for f in log.filters):
            log.addFilter(_DropTracebacks())


class RequestErrors:
    """ASGI middleware: one line per HTTP request that raised or answered 5xx."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope.get("method", "?"), scope.get("path", "?")
        status: list[int] = []

        async def sending(message: dict[str, Any]) -> None:
            if message.get("type") == "http.response.start":
                status.append(int(message.get("status", 0)))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as ex:
            logger().error(
                "request error: %s %s raised %s at %s", method, path, type(ex).__name__, where(ex)
            )
            raise
        if status and status[0] >= 500:
            logger().error("request error: %s %s answered %d", method, path, status[0])
