"""The agreement, reconcile and quotes pages in a real Chromium (Playwright), with axe-core.

A small synthetic project (two coders who disagree in places, two de-identified
transcripts; see tests/test_ui_reports.py) is built in a temporary folder and served with
``streamlit run app_streamlit.py`` on a free local port. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualkit.testing.browser import CHROMIUM

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from qualkit.export import QuoteFilters, build_quote_bank
from qualkit.storage import CONSENSUS_CODER, Store
from qualkit.ui.access import PAGES
from tests.test_browser_app import (
    PASSWORD,
    App,
    axe_check,
    choose,
    settle,
    sign_in,
)
from tests.test_ui_reports import (
    HOUSING_B,
    STIGMA,
    WAITING,
    serving_reports_project,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
MY_PAGES = ("agreement", "reconcile", "quotes")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    work = tmp_path_factory.mktemp("reports")
    with serving_reports_project(work, PASSWORD) as (url, project):
        yield App(url, project)


def shot(page: Any, name: str) -> None:
    """Save a screenshot of what is in view now (the part of the page the test scrolled to)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def to_top(locator: Any) -> None:
    """Scroll so that ``locator`` is at the top of the view (for a screenshot)."""
    locator.evaluate("el => el.scrollIntoView({block: 'start'})")
    locator.page.wait_for_timeout(300)


def main_text(page: Any) -> str:
    return str(page.locator("[data-testid='stMain']").inner_text())


# -- (d) access ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", MY_PAGES)
def test_signed_out_visitors_see_only_the_sign_in_form(app: App, page: Any, key: str) -> None:
    page.goto(f"{app.url}/{PAGES[key].url_path}")
    page.get_by_label("Your user name").wait_for()
    settle(page)
    body = main_text(page)
    assert "Sign in" in body
    for leak in ("Agreement", "Reconcile", "Quotes", "waiting list", "Kappa", "Coder A"):
        assert leak not in body, f"{key} shows {leak!r} before sign-in"
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    assert page.locator("[data-testid='stTable']").count() == 0


@pytest.mark.parametrize(
    ("user", "role", "keys"),
    [
        ("coder_a", "coder", MY_PAGES),
        ("robin", "reader", ("agreement", "reconcile")),
    ],
)
def test_roles_without_access_are_refused(
    app: App, page: Any, user: str, role: str, keys: tuple[str, ...]
) -> None:
    for key in keys:
        sign_in(page, app, user, PAGES[key].url_path)
        page.get_by_text(f"This page is not open to your account ({role})").wait_for()
        settle(page)
        body = main_text(page)
        assert "Kappa" not in body and "waiting list" not in body
        assert page.locator("[data-testid='stTable']").count() == 0
        assert page.get_by_role("button", name="Save decision").count() == 0
        assert page.locator("[data-testid='stDownloadButton']").count() == 0


# -- (c) agreement -------------------------------------------------------------------------


def test_agreement_table_flags_low_codes_and_links_to_them(app: App, page: Any) -> None:
    problems: list[str] = []
    sign_in(page, app, "rita", "agreement")
    page.get_by_role("heading", name="Codes worth discussing").wait_for()
    settle(page)
    tables = page.locator("[data-testid='stTable']")
    tables.nth(2).wait_for()
    settle(page)
    assert tables.count() == 3  # overall, per code, per transcript
    per_code = [r.strip() for r in tables.nth(1).locator("tr").all_inner_texts()]
    header = per_code[0]
    for column in (
        "Code",
        "Units",
        "Agreement %",
        "Kappa",
        "Kappa 95% interval",
        "Alpha",
        "Segments matching %",
        "Reading",
    ):
        assert column in header, header
    stigma = [r for r in per_code if "Stigma and being judged" in r]
    assert len(stigma) == 1 and "Below 0.60 — worth discussing" in stigma[0], per_code
    waiting = [r for r in per_code if "Waiting times and waiting lists" in r]
    assert len(waiting) == 1 and "0.60 or above" in waiting[0], per_code
    per_transcript = tables.nth(2).inner_text()
    assert "Finding somewhere to live (r01)" in per_transcript
    body = main_text(page)
    assert "Stigma and being judged — kappa" in body
    to_top(page.get_by_role("heading", name="Codes worth discussing"))
    page.wait_for_timeout(500)
    shot(page, "agreement")
    problems += axe_check(page, "agreement")

    # The flagged code opens the reconcile page on that code and a transcript where it differs.
    page.get_by_role(
        "button", name="See the passages in dispute for Stigma and being judged"
    ).click()
    page.get_by_role("heading", name="Reconcile codings").wait_for()
    settle(page)
    assert page.get_by_role("combobox", name="Transcript", exact=True).input_value() == (
        "Finding somewhere to live (r01)"
    )
    assert page.get_by_role("combobox", name="Show disagreements about").input_value() == (
        "Stigma and being judged"
    )
    assert "Only Coder A used this code here; Coder B did not." in main_text(page)

    # ... and the codebook editor on that code.
    sign_in(page, app, "rita", "agreement")
    page.get_by_role("button", name="Open Stigma and being judged in the codebook editor").click()
    page.get_by_role("heading", name="Edit codebook").wait_for()
    settle(page)
    picked = page.get_by_role("combobox", name="Code to change").input_value()
    assert picked == "Stigma and being judged (personled.stigma)"
    name_box = page.get_by_label("Name", exact=True).first  # the second one adds a code
    assert name_box.input_value() == "Stigma and being judged"
    assert not problems, "\n".join(problems)


# -- (a) reconcile, then quotes from the consensus layer -----------------------------------


def test_researcher_reconciles_then_quotes_the_consensus_layer(app: App, page: Any) -> None:
    problems: list[str] = []
    sign_in(page, app, "rita", "reconcile")
    page.get_by_role("heading", name="Open disagreements").wait_for()
    settle(page)
    assert "0 of 2 disagreements settled, 2 still open." in main_text(page)

    page.get_by_role("button", name="Accept everything the coders agree on").click()
    page.get_by_text("Accepted 1 passage(s) the coders agree on").wait_for()
    settle(page)

    choose(page, "Disagreement to settle (2 open)", "Safe housing")
    body = main_text(page)
    assert "All the coders used this code here, but on different words." in body
    assert HOUSING_B in body  # coder B's version, shown as text
    # From the keyboard: the decision, the note and the save button.
    page.get_by_role("radio", name="Accept Coder B's version").focus()
    page.keyboard.press("Space")
    settle(page)
    assert page.get_by_role("radio", name="Accept Coder B's version").is_checked()
    page.get_by_role("textbox", name="Note (optional)").fill(
        "The whole sentence carries the meaning."
    )
    settle(page)
    to_top(page.get_by_text("The words in dispute", exact=True))
    page.wait_for_timeout(500)
    shot(page, "reconcile")
    problems += axe_check(page, "reconcile")
    page.get_by_role("button", name="Save decision").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Saved: accepted Coder B's version.").wait_for()
    settle(page)
    assert "1 of 2 disagreements settled, 1 still open." in main_text(page)
    problems += axe_check(page, "reconcile after a decision")

    with Store.open(app.project, create=False) as store:
        text = store.transcript("r01").text
        layer = store.codings(transcript="r01", coder=CONSENSUS_CODER)
        got = {(c.code, text[c.start : c.end]) for c in layer}
        assert got == {("access.waiting", WAITING), ("needs.housing", HOUSING_B)}
        housing = next(c for c in layer if c.code == "needs.housing")
        assert "Accepted coder_b's version" in housing.memo
        assert "The whole sentence carries the meaning." in housing.memo
        assert [e.actor for e in store.events("reconcile.decide")] == ["rita", "rita"]

    # The consensus layer is shown as its own column.
    consensus_col = page.get_by_text("Consensus layer · 2 coding(s)")
    assert consensus_col.count() == 1

    # Quotes from the consensus layer only.
    sign_in(page, app, "rita", "quotes")
    page.get_by_role("heading", name="Preview").wait_for()
    choose(page, "Coders or the consensus layer", "Consensus layer", multi=True)
    page.get_by_role("button", name="Show quotes").click()
    settle(page)
    page.get_by_text("2 quotes from 1 participant").wait_for()
    settle(page)
    body = main_text(page)
    assert HOUSING_B in body and WAITING in body
    assert STIGMA not in body  # coder A's passage was not reconciled
    assert "Person accessing support, P11" in body

    with Store.open(app.project, create=False) as store:
        bank = build_quote_bank(store, QuoteFilters(coders=(CONSENSUS_CODER,)))
        assert {(q.code, q.text) for q in bank.quotes} == {
            ("access.waiting", WAITING),
            ("needs.housing", HOUSING_B),
        }
        assert all(q.coders == (CONSENSUS_CODER,) for q in bank.quotes)
    assert not problems, "\n".join(problems)


# -- (b) a reader downloads a theme as Word --------------------------------------------------


def test_reader_filters_by_theme_and_downloads_docx(app: App, page: Any, tmp_path: Path) -> None:
    from docx import Document

    problems: list[str] = []
    sign_in(page, app, "robin", "quotes")
    page.get_by_role("heading", name="Preview").wait_for()
    choose(page, "Themes or codes", "Access and transitions between services (theme", multi=True)
    chips = page.locator("[data-testid='stMultiSelect'] .react-aria-ComboBox [data-tag]")
    assert [c.get_attribute("aria-label") for c in chips.all()] == [
        "Access and transitions between services (theme: includes its 5 codes)"
    ]
    page.get_by_role("button", name="Show quotes").click()
    settle(page)
    page.get_by_text("1 quote from 1 participant").wait_for()
    settle(page)
    counts = page.locator("[data-testid='stTable']").first
    rows = [" ".join(r.split()) for r in counts.locator("tr").all_inner_texts()]
    assert rows == [
        "Theme Code Quotes Participants Transcripts",
        "Access and transitions between services Waiting times and waiting lists 1 1 1",
    ]
    assert WAITING in main_text(page)
    assert HOUSING_B not in main_text(page)  # another theme
    to_top(page.get_by_role("heading", name="Preview"))
    page.wait_for_timeout(500)
    shot(page, "quotes")
    problems += axe_check(page, "quotes")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download: Word document (report-ready)").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    doc = Document(str(target))
    heading1 = [p.text for p in doc.paragraphs if p.style and p.style.name == "Heading 1"]
    assert heading1 == ["Access and transitions between services"]
    quotes = [p.text for p in doc.paragraphs if p.style and p.style.name == "Quote"]
    assert quotes == [WAITING]
    assert any(p.text == "— Person accessing support, P11" for p in doc.paragraphs)
    assert not problems, "\n".join(problems)
