"""The sign-in cookie is set by the app's server: HttpOnly, SameSite=Strict, Secure over HTTPS.

Issue 13 item 11: the cookie used to be written by a page script (``document.cookie``), so
it could not be HttpOnly and the token was in the page. Now the page holds a single-use
ticket and the server's answer carries the ``Set-Cookie`` header (:mod:`qualkit.ui.http`).
"""

from __future__ import annotations

import secrets

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from qualkit.ui import remember
from qualkit.ui.http import routes

ROUTE = remember.COOKIE_ROUTE


@pytest.fixture
def client() -> TestClient:
    return TestClient(Starlette(routes=routes()), base_url="http://127.0.0.1:8501")


def ticket_in(script: str) -> str:
    return script.split("body: '")[1].split("'")[0]


def test_the_page_holds_a_ticket_not_the_token() -> None:
    token = secrets.token_urlsafe(32)
    script = remember.cookie_script(token)
    assert token not in script and "document.cookie" not in script
    assert ROUTE in script and "credentials: 'same-origin'" in script
    with pytest.raises(ValueError):
        remember.cookie_script("'; alert(1)")


def test_the_server_sets_an_httponly_strict_session_cookie(client: TestClient) -> None:
    token = secrets.token_urlsafe(32)
    ticket = ticket_in(remember.cookie_script(token))
    r = client.post(ROUTE, content=ticket, headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 204
    assert r.headers["set-cookie"] == (
        f"qualkit_session={token}; Path=/; HttpOnly; SameSite=Strict"
    )
    assert "expires" not in r.headers["set-cookie"].lower()  # gone with the browser
    assert r.headers["cache-control"] == "no-store"
    # A ticket is used once.
    again = client.post(ROUTE, content=ticket)
    assert again.status_code == 403 and "set-cookie" not in again.headers


def test_secure_when_the_browser_came_over_https(client: TestClient) -> None:
    token = secrets.token_urlsafe(32)
    ticket = ticket_in(remember.cookie_script(token))
    r = client.post(ROUTE, content=ticket, headers={"Origin": "https://qualkit.example.org"})
    assert r.headers["set-cookie"].endswith("; HttpOnly; SameSite=Strict; Secure")
    https = TestClient(Starlette(routes=routes()), base_url="https://qualkit.example.org")
    r = https.post(ROUTE, content=ticket_in(remember.cookie_script(token)))
    assert r.headers["set-cookie"].endswith("; Secure")


def test_clearing_and_refusals(client: TestClient) -> None:
    r = client.post(ROUTE, content=ticket_in(remember.cookie_script(None)))
    assert r.status_code == 204
    assert (
        r.headers["set-cookie"] == "qualkit_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
    )
    token = secrets.token_urlsafe(32)
    ticket = ticket_in(remember.cookie_script(token))
    for body, headers in (
        ("x" * 43, {}),  # unknown ticket
        ("", {}),
        ("y" * 5000, {}),  # too long to be a ticket
        (ticket, {"Sec-Fetch-Site": "cross-site"}),  # another site's page
    ):
        r = client.post(ROUTE, content=body, headers=headers)
        assert r.status_code == 403 and "set-cookie" not in r.headers
    assert client.get(ROUTE).status_code == 405
    # The refused cross-site attempt did not use the ticket up.
    assert client.post(ROUTE, content=ticket).status_code == 204


def test_tickets_expire() -> None:
    tickets = remember.CookieTickets(ttl=60)
    t = tickets.issue(None, now=100.0)
    assert tickets.redeem(t, now=161.0) == (False, None)
    t = tickets.issue(None, now=100.0)
    assert tickets.redeem(t, now=159.0) == (True, None)


def test_the_app_is_served_with_the_cookie_route() -> None:
    from qualkit.ui.server import SERVER_SCRIPT, streamlit_command

    assert str(SERVER_SCRIPT) in streamlit_command(8501)
    source = SERVER_SCRIPT.read_text(encoding="utf-8")
    assert "st.App(" in source and "routes=routes()" in source
