"""Shared fixtures. Database tests run on SQLite, or on PostgreSQL when QUALKIT_TEST_DB is set.

Tests that use the ``db_url`` or ``store`` fixtures are marked ``db`` automatically, so
``pytest -m db`` selects exactly the tests that touch a database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from qualkit.storage import Store
from qualkit.testing.browser import CHROMIUM, CHROMIUM_ARGS, chromium_missing
from tests.databases import reset_postgres

# Property tests draw fresh examples on every local run. CI (HYPOTHESIS_PROFILE=ci) uses a
# fixed sequence, so whether a run passes does not depend on which examples came up.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpora" / "sample"
CODEBOOK = ROOT / "codebooks" / "multiple-disadvantage.yaml"
PG_URL = os.environ.get("QUALKIT_TEST_DB", "")

DB_FIXTURES = {"db_url", "store", "project_path"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses a project database (runs on both backends)")


#: Fixtures and markers of tests that drive a real Chromium.
BROWSER_FIXTURES = {"browser", "page"}
#: Why browser tests are skipped on this machine (None when Chromium is there).
NO_CHROMIUM = chromium_missing()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if DB_FIXTURES & fixtures:
            item.add_marker(pytest.mark.db)
        if NO_CHROMIUM and (BROWSER_FIXTURES & fixtures or item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line for the missing browser: how many tests it skipped, and how to get them."""
    if not NO_CHROMIUM:
        return
    skipped = terminalreporter.stats.get("skipped", [])
    n = sum(1 for r in skipped if "chromium" in str(getattr(r, "longrepr", "")).lower())
    if n:
        terminalreporter.write_line(f"{NO_CHROMIUM} ({n} skipped)")


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty project database: a SQLite file, or a wiped PostgreSQL database."""
    if PG_URL:
        reset_postgres(PG_URL)
        yield PG_URL
    else:
        yield str(tmp_path / "project.db")


@pytest.fixture
def project_path(db_url: str) -> str:
    """A database with a project created in it (the CLI's PROJECT argument)."""
    from qualkit.storage import Store

    with Store.open(db_url) as s:
        s.init_project("Test project", "", "tester")
    return db_url


@pytest.fixture
def store(project_path: str) -> Iterator[Store]:
    from qualkit.storage import Store

    s = Store.open(project_path)
    yield s
    s.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    """A second, empty project (SQLite, whatever the test database): where an import goes."""
    s = Store.open(tmp_path / "fresh.db")
    s.init_project("Fresh", "", "tester")
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo pipeline run once per session on the sample corpus (SQLite)."""
    from qualkit.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo"), progress=False)


# -- real-browser tests ------------------------------------------------------------------

BROWSER_TIMEOUT = 30_000
DEFAULT_VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module."""
    if NO_CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context and page; a module may set ``VIEWPORT`` to change its size."""
    viewport = getattr(request.module, "VIEWPORT", DEFAULT_VIEWPORT)
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(BROWSER_TIMEOUT)
    yield pg
    context.close()
