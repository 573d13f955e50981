"""Coding on a tablet (1024×768) and a phone (390×844) in a real Chromium: a coder reads a
transcript, picks a turn and applies a code, and nothing on the way scrolls sideways.

Helpers (sign-in, waiting for Streamlit, keyboard choice) are those of
:mod:`tests.test_browser_app`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from qualkit.storage import Store
from qualkit.testing.sample_project import build_sample_project
from qualkit.ui.server import serving
from tests.conftest import BROWSER_TIMEOUT
from tests.test_browser_app import PASSWORD, App, choose, settle, sign_in, tags

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SIZES = {"tablet": (1024, 768), "phone": (390, 844)}

#: How far the page, or any box inside it that scrolls sideways, is wider than its view.
OVERFLOW_JS = """() => {
  const out = [];
  const root = document.scrollingElement || document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1)
    out.push(`page: ${root.scrollWidth} > ${window.innerWidth}`);
  for (const el of document.querySelectorAll('[data-testid="stMain"], .qk-transcript')) {
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'hidden')
      out.push(`${el.className || el.dataset.testid}: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    os.environ.pop("QUALKIT_SESSION_TIMEOUT", None)
    work = tmp_path_factory.mktemp("tablet")
    project = str(work / "project.db")
    build_sample_project(project, work / "src", password=PASSWORD)
    with serving(project, work / "streamlit.log") as url:
        yield App(url, project)


def sideways(page: Any) -> list[str]:
    result: list[str] = page.evaluate(OVERFLOW_JS)
    return result


@pytest.mark.parametrize("size", ["tablet", "phone"], ids=list(SIZES))
def test_coder_reads_picks_a_turn_and_codes_without_sideways_scrolling(
    app: App, browser: Any, size: str
) -> None:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT)
    coder = {"tablet": "casey", "phone": "dev"}[size]
    problems: list[str] = []
    try:
        sign_in(page, app, coder, "coding?t=t01")
        page.locator(".qk-transcript .qk-seg").first.wait_for()
        settle(page)
        problems += [f"reading: {p}" for p in sideways(page)]
        # Reading: the transcript's text is on screen and fits its width.
        first = page.locator(".qk-transcript .qk-seg").first.bounding_box()
        assert first is not None and first["x"] >= 0 and first["x"] + first["width"] <= width

        choose(page, "Turn", "Turn 4")
        problems += [f"turn picked: {p}" for p in sideways(page)]
        choose(page, "Codes", "Trusting relationship", multi=True)
        button = page.get_by_role("button", name="Code this")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        button.click()
        page.get_by_text("Saved: Trusting relationship").first.wait_for()
        settle(page)
        problems += [f"coded: {p}" for p in sideways(page)]
        assert any("Trusting relationship" in t for t in tags(page)), tags(page)
    finally:
        context.close()
    with Store.open(app.project, create=False) as store:
        assert [c.code for c in store.codings(transcript="t01", coder=coder)] == [
            "practitioners.relationship"
        ]
    assert not problems, "\n".join(problems)
