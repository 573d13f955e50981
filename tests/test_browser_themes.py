"""The suggested-themes page and the code hints in the coding view, in a real Chromium
(Playwright), with axe-core.

A synthetic project of twelve short interviews about three different topics (see
tests/test_ui_themes.py) is built in a temporary folder and served with ``streamlit run
app_streamlit.py`` on a free local port. The real bundled model finds the themes and
suggests the codes. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest

from qualkit.testing.browser import CHROMIUM

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from qualkit.model import Provenance
from qualkit.storage import Store
from qualkit.ui.server import serving
from qualkit.ui.spans import snap_to_words
from tests.test_browser_app import (
    PASSWORD,
    App,
    axe_check,
    choose,
    drag_select,
    only_one,
    settle,
    sign_in,
    tags,
)
from tests.test_ui_themes import WAITING, build_themes_project

pytestmark = [pytest.mark.slow, pytest.mark.browser]

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
#: Finding themes loads the model and fits BERTopic: allow for a slow machine.
RUN_TIMEOUT = 240_000
HINT = re.compile(r"^Suggested: .+ \((likely|possible|unlikely)\)$")
WAITING_NAME = "Waiting times and waiting lists"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    work = tmp_path_factory.mktemp("themes")
    project = str(work / "project.db")
    build_themes_project(project, work / "src", PASSWORD)
    with serving(
        project,
        work / "streamlit.log",
        drop_env=("QUALKIT_SESSION_TIMEOUT",),
        extra_env={"HF_HUB_OFFLINE": "1"},
    ) as url:
        yield App(url, project)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def to_top(locator: Any) -> None:
    """Scroll so that ``locator`` is at the top of the view."""
    locator.evaluate("el => el.scrollIntoView({block: 'start'})")
    locator.page.wait_for_timeout(300)


def card(page: Any, theme_id: int | None) -> Any:
    """The bordered box that shows one theme."""
    assert theme_id is not None
    return page.locator(f".st-key-qk_theme_{theme_id}")


def choose_in(scope: Any, label: str, text: str) -> None:
    """Pick an option in a select box inside ``scope`` with the keyboard only."""
    only_one(scope, label).focus()
    scope.page.keyboard.press("ControlOrMeta+a")
    scope.page.keyboard.type(text)
    scope.page.keyboard.press("Enter")
    settle(scope.page)


def themes_now(app: App) -> list[Any]:
    with Store.open(app.project, create=False) as store:
        return store.themes()


def hint_labels(page: Any) -> list[str]:
    return [t.strip() for t in page.get_by_role("button", name="Suggested:").all_inner_texts()]


def focus_turn(page: Any, turn: str, other: str) -> None:
    """Choose ``turn`` from the keyboard and wait for its suggested codes. On a slow first
    start the suggestions may still be getting ready: choose another turn and come back."""
    heading = page.get_by_text(f"Suggested codes for {turn.lower()}")
    deadline = time.monotonic() + RUN_TIMEOUT / 1000
    choose(page, "Turn", turn)
    while not heading.count():
        assert time.monotonic() < deadline, "no suggested codes appeared"
        page.wait_for_timeout(2000)
        choose(page, "Turn", other)
        choose(page, "Turn", turn)


def turn_span(app: App, tid: str, index: int) -> tuple[int, int]:
    with Store.open(app.project, create=False) as store:
        u = store.transcript(tid).turns[index]
        return u.start, u.end


# -- tests -----------------------------------------------------------------------------------


def test_only_researchers_and_admins_open_the_themes_page(app: App, page: Any) -> None:
    page.goto(f"{app.url}/themes")
    page.get_by_label("Your user name").wait_for()
    settle(page)
    assert "Suggested themes" not in page.locator("[data-testid='stMain']").inner_text()
    for user, role in (("casey", "coder"), ("robin", "reader")):
        sign_in(page, app, user, "themes")
        page.get_by_text(f"This page is not open to your account ({role})").wait_for()
        settle(page)
        assert page.get_by_role("button", name="Find themes").count() == 0
    sign_in(page, app, "admin", "themes")
    page.get_by_role("heading", name="Suggested themes").wait_for()
    page.get_by_role("button", name="Find themes").wait_for()


def test_researcher_finds_themes_decides_and_decisions_survive_a_rerun(app: App, page: Any) -> None:
    sign_in(page, app, "rita", "themes")
    page.get_by_role("heading", name="Suggested themes").wait_for()
    page.get_by_text("There are no suggested themes yet").wait_for()
    page.get_by_role("button", name="Find themes", exact=True).click()
    page.get_by_text(re.compile(r"^Found \d+ themes in \d+ seconds\.$")).wait_for(
        timeout=RUN_TIMEOUT
    )
    settle(page)
    first = themes_now(app)
    assert len(first) >= 3
    accept, reject = first[0], first[1]
    # Every theme is shown with its label, keywords, sources, roles and escaped quotes.
    for t in first:
        box = card(page, t.id)
        text = box.inner_text()
        assert t.keywords[0] in text and "Not decided yet" in text
        assert f"{t.size} passage" in text and "Person " in text
        assert len(box.locator("blockquote").all()) == min(5, len(t.quotes)) >= 3
    assert axe_check(page, "themes") == []

    # Accept the largest theme as a new code, with a name and definition of our own.
    box = card(page, accept.id)
    choose_in(box, "Decide on this theme", "Accept it as a new code")
    box.get_by_role("textbox", name="Name of the new code").fill("Waiting with no word")
    box.get_by_role("textbox", name="What the code means").fill(
        "Long waits for a service with no contact while waiting."
    )
    # The example quotes are shown for editing: keep the first, add one of our own.
    examples = box.get_by_role("textbox", name="Example quotes, one per line")
    shown = examples.input_value().splitlines()
    assert len(shown) == 3 and all(shown)
    examples.fill(shown[0] + "\nNobody rang me back for weeks.")
    box.get_by_role("button", name="Add to the codebook").click()
    page.get_by_text("Added “Waiting with no word” to the codebook").wait_for()
    settle(page)
    assert (
        "Accepted as the new code “Waiting with no word” by Rita."
        in card(page, accept.id).inner_text()
    )

    # Reject the second one, with a reason.
    box = card(page, reject.id)
    choose_in(box, "Decide on this theme", "Reject it")
    box.get_by_role("textbox", name="Why (optional)").fill("Too close to an existing code")
    box.get_by_role("button", name="Reject the theme").click()
    page.get_by_text("Rejected the theme.").wait_for()
    settle(page)
    assert "Rejected by Rita: Too close to an existing code." in card(page, reject.id).inner_text()

    # Find themes again: both decisions are kept and shown.
    page.get_by_role("button", name="Find themes again").click()
    page.get_by_text(re.compile(r"kept their earlier decision\.$")).wait_for(timeout=RUN_TIMEOUT)
    settle(page)
    second = themes_now(app)
    by_origin = {t.inherited_from: t for t in second if t.inherited_from}
    kept_accept, kept_reject = by_origin[accept.id], by_origin[reject.id]
    assert kept_accept.id != accept.id and kept_reject.id != reject.id  # a new run
    assert (
        "Accepted as the new code “Waiting with no word” by Rita. Kept from an earlier run."
        in card(page, kept_accept.id).inner_text()
    )
    assert (
        "Rejected by Rita: Too close to an existing code. Kept from an earlier run."
        in card(page, kept_reject.id).inner_text()
    )
    # The decided themes offer only what is still open; the list can show them alone.
    page.get_by_text("Decided", exact=True).click()
    settle(page)
    assert card(page, kept_accept.id).count() == 1 and card(page, kept_reject.id).count() == 1
    open_ids = [t.id for t in second if t.status == "candidate"]
    assert all(card(page, i).count() == 0 for i in open_ids)
    to_top(page.get_by_role("heading", name="Themes", exact=True))
    shot(page, "themes")
    assert axe_check(page, "themes (decided)") == []

    with Store.open(app.project, create=False) as store:
        codes = {c.name: c for c in store.codebook().codes}
        new = codes["Waiting with no word"]
        assert new.provenance == Provenance.SUGGESTED
        assert new.definition == "Long waits for a service with no contact while waiting."
        assert new.examples == [shown[0], "Nobody rang me back for weeks."]
        assert kept_accept.status == "accepted" and kept_accept.code == new.cid
        assert store.theme(kept_reject.id or 0).status == "rejected"
        assert store.theme(reject.id or 0).status == "rejected"
        rita = [e.action for e in store.events() if e.actor == "rita"]
        assert rita.count("themes.run") == 2
        for action in ("code.add", "theme.accept", "theme.reject"):
            assert action in rita, action


def test_coder_sees_and_accepts_suggested_codes(app: App, page: Any) -> None:
    sign_in(page, app, "casey", "coding?t=s01")
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    settle(page)

    # The passage in focus from the keyboard: turn 2, about a waiting list.
    focus_turn(page, "Turn 2", "Turn 4")
    labels = hint_labels(page)
    assert len(labels) == 3, labels
    assert all(HINT.match(label) for label in labels), labels
    assert any(label.startswith(f"Suggested: {WAITING_NAME} (") for label in labels), labels
    to_top(page.get_by_role("heading", name="Code a passage"))
    shot(page, "coding-hints")
    assert axe_check(page, "coding with hints") == []

    # One click: the suggested code becomes Casey's own coding.
    page.get_by_role("button", name=f"Suggested: {WAITING_NAME} (").click()
    page.get_by_text(f"Saved: {WAITING_NAME} on turn 2 (a suggested code).").wait_for()
    settle(page)
    assert any(WAITING_NAME in t for t in tags(page)), tags(page)
    # It is not suggested again for the same passage.
    assert not any(WAITING_NAME in label for label in hint_labels(page))
    start, end = turn_span(app, "s01", 1)
    with Store.open(app.project, create=False) as store:
        (c,) = store.codings(transcript="s01", coder="casey")
        assert (c.code, c.start, c.end, c.provenance) == (
            "access.waiting",
            start,
            end,
            Provenance.SUGGESTED,
        )
        added = store.events("coding.add")[-1]
        assert added.actor == "casey" and added.payload["provenance"] == "suggested"
        assert store.codings(transcript="s01", coder="dev") == []

    # Undo takes it away again.
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Undone: suggested code").first.wait_for()
    settle(page)
    with Store.open(app.project, create=False) as store:
        assert store.codings(transcript="s01", coder="casey") == []

    # A mouse selection is a passage in focus too; accept a hint with the keyboard only.
    needle = WAITING[0][:40]
    drag_select(page, needle)
    page.get_by_text("Selected (turn 2)").wait_for()
    settle(page)
    page.get_by_text("Suggested codes for turn 2").wait_for()
    settle(page)
    button = page.get_by_role("button", name=f"Suggested: {WAITING_NAME} (")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text(f"Saved: {WAITING_NAME} on turn 2 (a suggested code).").wait_for()
    settle(page)
    with Store.open(app.project, create=False) as store:
        t = store.transcript("s01")
        (c,) = store.codings(transcript="s01", coder="casey")
        # The drag ends inside a word: the coding takes the whole word.
        at = t.text.index(needle)
        assert (c.start, c.end) == astuple(snap_to_words(t.text, at, at + len(needle)))
        assert t.text[c.start : c.end].startswith(needle)
        assert c.provenance == Provenance.SUGGESTED and c.code == "access.waiting"

    # Hints are optional: turned off, none are worked out or shown.
    page.get_by_text("Show suggested codes").click()
    page.get_by_role("button", name="Suggested:").first.wait_for(state="detached")
    settle(page)
    assert hint_labels(page) == []
    assert page.get_by_text("Show suggested codes").count() == 1  # to turn them on again
    with Store.open(app.project, create=False) as store:
        prefs = store.settings().get("ui_prefs:casey")
        assert prefs and prefs.get("code_hints") is False


def test_researcher_merges_and_renames_themes(app: App, page: Any) -> None:
    with Store.open(app.project, create=False) as store:
        if not store.themes():
            from qualkit.topics.themes import run_themes

            run_themes(store, "rita")
        open_ = [t for t in store.themes() if t.status == "candidate"]
        assert len(open_) >= 3, [t.status for t in store.themes()]
        source, target, last = open_[0], open_[1], open_[2]
        code_name = store.codebook().by_id()["funding.shortterm"].name
    sign_in(page, app, "rita", "themes")
    page.get_by_role("heading", name="Suggested themes").wait_for()
    settle(page)

    # Merge one theme into another.
    box = card(page, source.id)
    choose_in(box, "Decide on this theme", "Merge it into another theme")
    choose_in(box, "Theme to merge it into", target.label)
    box.get_by_role("button", name="Merge the themes").click()
    page.get_by_text("Merged the theme into").first.wait_for()
    settle(page)

    # Rename the enlarged theme.
    box = card(page, target.id)
    choose_in(box, "Decide on this theme", "Rename it")
    box.get_by_role("textbox", name="New name for the theme").fill("Support from workers")
    box.get_by_role("button", name="Rename", exact=True).click()
    page.get_by_text("Renamed the theme.").wait_for()
    settle(page)
    assert (
        "Merged into the theme “Support from workers” by Rita."
        in card(page, source.id).inner_text()
    )
    assert card(page, target.id).get_by_role("heading", name="Support from workers").count() == 1

    # Merge the next one into an existing code.
    box = card(page, last.id)
    choose_in(box, "Decide on this theme", "Merge it into an existing code")
    choose_in(box, "Code that covers this theme", code_name)
    box.get_by_role("button", name="Merge into this code").click()
    page.get_by_text("Merged the theme into").first.wait_for()
    settle(page)
    assert f"Merged into the code “{code_name}” by Rita." in card(page, last.id).inner_text()
    assert axe_check(page, "themes (merged)") == []

    with Store.open(app.project, create=False) as store:
        merged = store.theme(source.id or 0)
        assert merged.status == "merged" and merged.merged_into == target.id
        grown = store.theme(target.id or 0)
        assert grown.label == "Support from workers" and grown.status == "candidate"
        assert grown.size == len(set(target.passages) | set(source.passages))
        into_code = store.theme(last.id or 0)
        assert into_code.status == "merged" and into_code.code == "funding.shortterm"
        rita = [e.action for e in store.events() if e.actor == "rita"]
        for action in ("theme.merge", "theme.absorb", "theme.rename", "theme.merge_code"):
            assert action in rita, action
