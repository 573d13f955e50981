"""One line on stderr per request error of the running app, never with transcript text,
a query string or a traceback (qualkit.ui.serverlog)."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from qualkit.ui.serverlog import RequestErrors, logger, where

SECRET = "Alice Okafor at 12 Rose Street"


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the server's error logger writes, kept in a buffer for the test."""
    log = logger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    log.addHandler(handler)
    try:
        yield buffer
    finally:
        log.removeHandler(handler)


async def _fails(request: Request) -> Response:
    raise RuntimeError(SECRET)


async def _unavailable(request: Request) -> Response:
    return PlainTextResponse("unavailable", status_code=503)


async def _fine(request: Request) -> Response:
    return PlainTextResponse("ok")


def _client() -> TestClient:
    app = Starlette(
        routes=[Route("/fails", _fails), Route("/down", _unavailable), Route("/ok", _fine)],
        middleware=[Middleware(RequestErrors)],
    )
    return TestClient(app, raise_server_exceptions=False)


def test_one_line_per_request_error_without_text_or_query(lines: io.StringIO) -> None:
    client = _client()
    assert client.get("/ok?invite=TOKEN123").status_code == 200
    assert lines.getvalue() == ""  # a request that went well is not logged
    assert client.get("/fails?invite=TOKEN123").status_code == 500
    assert client.get("/down?invite=TOKEN123").status_code == 503
    assert client.get("/missing").status_code == 404  # the browser's mistake, not an error
    got = lines.getvalue().splitlines()
    assert len(got) == 2, got
    assert re.fullmatch(
        r"request error: GET /fails raised RuntimeError at test_serverlog\.py:\d+ in _fails", got[0]
    )
    assert got[1] == "request error: GET /down answered 503"
    assert "TOKEN123" not in lines.getvalue() and "Alice" not in lines.getvalue()


def test_the_place_named_is_the_innermost_in_qualkit() -> None:
    from qualkit.text import normalise

    try:
        normalise(None)  # type: ignore[arg-type]
    except Exception as ex:
        place = where(ex)
    assert place.startswith("qualkit/text.py:") and place.endswith(" in normalise")


def test_a_page_error_is_one_line_through_streamlit() -> None:
    """Streamlit's own handler for a script exception, as the app wires it: Streamlit's
    multi-line report is dropped and qualkit's line says what and where, not the message."""
    code = textwrap.dedent(
        f"""
        from streamlit.error_util import handle_user_script_exception
        from qualkit.ui.serverlog import quiet_streamlit_tracebacks, script_error
        quiet_streamlit_tracebacks()
        try:
            raise KeyError({SECRET!r})
        except KeyError as ex:
            handle_user_script_exception(ex, script_error)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    printed = done.stdout + done.stderr
    # (Bare mode adds Streamlit's notes that no app is running; they quote nothing.)
    about = [line for line in printed.splitlines() if "KeyError" in line or "Error" in line]
    assert len(about) == 1, printed
    assert "qualkit ERROR page error: KeyError at " in about[0]
    assert "Traceback" not in printed and "raise KeyError" not in printed
    assert "Alice" not in done.stdout + done.stderr
