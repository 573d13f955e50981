"""The reverse-proxy recipe, tested as written: nginx with deploy/nginx/qualkit.conf ends
HTTPS (a throwaway certificate) in front of ``qualkit serve`` on PostgreSQL, and Chromium
signs in over https, codes a passage, reloads and sees it saved.

Needs nginx (``scripts/test.sh`` installs Debian's when run as root), Chromium and
PostgreSQL (``QUALKIT_TEST_DB``; on SQLite runs it is skipped). Without nginx it is
skipped with the reason, unless ``QUALKIT_TEST_REQUIRE_ALL`` is set, when it fails.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualkit.storage import Store
from qualkit.ui.http import HEALTH_ROUTE
from tests.conftest import BROWSER_TIMEOUT, PG_URL
from tests.nginx_proxy import find_nginx, insecure_context, serve_behind_nginx

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.postgres]

PASSWORD = "correct horse battery"


def _missing(what: str) -> None:
    if os.environ.get("QUALKIT_TEST_REQUIRE_ALL"):
        pytest.fail(f"{what} (QUALKIT_TEST_REQUIRE_ALL is set)")
    pytest.skip(what)


@pytest.fixture
def proxied(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """``qualkit serve`` on the test PostgreSQL behind nginx run with
    deploy/nginx/qualkit.conf (:mod:`tests.nginx_proxy`); yields (https URL, plain
    http URL, project)."""
    if not PG_URL:  # scripts/test.sh runs the database tests again on PostgreSQL
        pytest.skip("runs on PostgreSQL only (QUALKIT_TEST_DB)")
    if find_nginx() is None:
        _missing(
            "nginx not found: the reverse-proxy test was skipped; to run it: `make test` as "
            "root, or `sudo apt-get install nginx`"
        )
    from qualkit.testing.sample_project import build_sample_project

    build_sample_project(db_url, tmp_path / "src", password=PASSWORD)
    with serve_behind_nginx(db_url, tmp_path) as (_, proxy):
        yield proxy.https_url, proxy.http_url, db_url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_a: Any, **_k: Any) -> None:
        return None


def test_https_through_nginx_signs_in_codes_and_keeps_the_coding(
    proxied: tuple[str, str, str], browser: Any
) -> None:
    from tests.test_browser_app import App, choose, has_session_cookie, settle, sign_in, tags

    url, plain, project = proxied
    # Plain HTTP only redirects to HTTPS.
    with pytest.raises(urllib.error.HTTPError) as redirect:
        urllib.request.build_opener(_NoRedirect).open(f"{plain}/coding", timeout=5)
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"].startswith("https://")
    # The health URL answers through the proxy.
    with urllib.request.urlopen(f"{url}{HEALTH_ROUTE}", context=insecure_context(), timeout=5) as r:
        assert r.read() == b"ok"

    context = browser.new_context(
        ignore_https_errors=True, viewport={"width": 1400, "height": 1000}
    )
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT)
    try:
        first = page.goto(url)
        assert first is not None
        assert first.headers["strict-transport-security"].startswith("max-age=")
        sign_in(page, App(url, project), "casey", "coding?t=t01")
        page.locator(".qk-transcript .qk-seg").first.wait_for()
        settle(page)
        choose(page, "Turn", "Turn 4")
        choose(page, "Codes", "Trusting relationship", multi=True)
        page.get_by_role("button", name="Code this").click()
        page.get_by_text("Saved: Trusting relationship").first.wait_for()
        settle(page)

        # The sign-in cookie is Secure over https (the proxy says so), and HttpOnly.
        assert has_session_cookie(page, wait_for=True)
        cookie = next(c for c in context.cookies() if c["name"] == "qualkit_session")
        assert cookie["secure"] and cookie["httpOnly"]

        page.reload()
        page.get_by_text("Signed in as").wait_for()
        page.locator(".qk-transcript .qk-tag").first.wait_for()
        settle(page)
        assert any("Trusting relationship" in t for t in tags(page)), tags(page)
    finally:
        context.close()

    with Store.open(project, create=False) as store:
        assert store.dialect == "postgresql"
        saved = store.codings(transcript="t01", coder="casey")
        assert [c.code for c in saved] == ["practitioners.relationship"]
