"""The Patterns page in a real Chromium (Playwright), with axe-core: a reader sees counts
with small cells hidden and charts drawn by Streamlit's own Vega-Lite, nothing fetched
from another host; a researcher sees the counts and a cell's quotes; a coder is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualkit.testing.browser import CHROMIUM

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from tests.test_browser_app import PASSWORD, App, axe_check, choose, settle, sign_in
from tests.test_ui_reports import serving_reports_project

pytestmark = [pytest.mark.slow, pytest.mark.browser]

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    work = tmp_path_factory.mktemp("patterns")
    with serving_reports_project(work, PASSWORD) as (url, project):
        yield App(url, project)


def main_text(page: Any) -> str:
    return str(page.locator("[data-testid='stMain']").inner_text())


def test_reader_sees_hidden_small_cells_and_an_offline_chart(app: App, page: Any) -> None:
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url)
            if not r.url.startswith(app.url) and not r.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    sign_in(page, app, "robin", "patterns")
    page.get_by_role("heading", name="Patterns").wait_for()
    settle(page)
    body = main_text(page)
    assert "fewer than 3 people" in body
    grid = page.locator("[data-testid='stTable']").first
    grid.wait_for()
    # Two participants in the whole project: every count but 0 is hidden from a reader, and
    # so are the quotes behind it.
    assert "<3" in grid.inner_text()
    choose(page, "Row", "Waiting times")
    page.get_by_text("This number is hidden because it comes from very few people.").wait_for()
    page.get_by_role("tab", name="Chart").click()
    settle(page)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for()
    page.get_by_text("Bar chart:").first.wait_for()
    problems = axe_check(page, "patterns (reader)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "patterns.png"))
    assert page.get_by_role("tab", name="Framework summaries").count() == 0
    assert elsewhere == []
    assert problems == []


def test_researcher_opens_the_quotes_behind_a_count(app: App, page: Any) -> None:
    sign_in(page, app, "rita", "patterns")
    page.get_by_role("heading", name="Patterns").wait_for()
    settle(page)
    page.get_by_role("heading", name="Quotes behind a number").wait_for()
    choose(page, "Row", "Waiting times")
    page.get_by_text("I was on the waiting list for months.").first.wait_for()
    page.get_by_text("— Person accessing support, P11").first.wait_for()
    assert "This number is hidden" not in main_text(page)
    settle(page)  # the run that shows the quotes has finished and left one copy of each tab
    assert page.get_by_role("tab", name="Framework summaries").count() == 1


def test_coders_are_refused(app: App, page: Any) -> None:
    sign_in(page, app, "coder_a", "patterns")
    page.get_by_text("This page is not open to your account (coder)").wait_for()
    settle(page)
    assert page.locator("[data-testid='stTable']").count() == 0
