"""The select-and-code loop in a real Chromium (issue 12): nothing is coded without a
selection, the code picker never picks several codes at once, "[Selected]" marks only the
selected text, selections take whole words, "Not for me" asks once and can be undone at
once, transcripts are named in people's words, and the pages have no heading problems.

Helpers (sign-in, waiting for Streamlit to settle, keyboard choice, mouse drags) are the
ones in :mod:`tests.test_browser_app`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualkit.storage import Store
from qualkit.ui.sample_project import SAMPLE_TRANSCRIPTS, build_sample_project
from qualkit.ui.server import CHROMIUM, serving
from tests.test_browser_app import (
    PASSWORD,
    TIMEOUT,
    App,
    choose,
    code_name,
    drag_select,
    only_one,
    settle,
    sign_in,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

#: A third interview without a title: the app names it from its header.
UNTITLED = (
    "Interview ID: LB-03\n"
    "Date: [DATE_TIME 16]\n"
    "Mode: Telephone\n"
    "\n"
    "Interviewer: Shall we start with where you are living now?\n"
    "Participant: A hostel. It is all right. The staff are kind but the rooms are damp.\n"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    os.environ.pop("QUALKIT_SESSION_TIMEOUT", None)
    work = tmp_path_factory.mktemp("loop")
    project = str(work / "project.db")
    texts = {**SAMPLE_TRANSCRIPTS, "t03": UNTITLED}
    build_sample_project(project, work / "src", password=PASSWORD, transcripts=texts)
    with serving(project, work / "streamlit.log") as url:
        yield App(url, project)


def open_coding(page: Any, app: App, user: str, tid: str) -> None:
    sign_in(page, app, user, f"coding?t={tid}")
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    settle(page)


def code_this(page: Any) -> Any:
    return page.get_by_role("button", name="Code this")


def axe_findings(page: Any, name: str) -> list[str]:
    """Moderate, serious or critical axe-core findings on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        v
        for v in results.response["violations"]
        if v.get("impact") in ("moderate", "serious", "critical")
    ]
    return [f"{name}: {v['id']} ({v['impact']}) e.g. {v['nodes'][0]['target']}" for v in bad]


def heading_links(page: Any) -> int:
    """How many "link to this heading" anchors the main area has (each is a tab stop)."""
    return int(
        page.locator("[data-testid='stMain'] [data-testid='stHeaderActionElements'] a").count()
    )


# -- 1. never apply to nothing -------------------------------------------------------------


def test_code_this_needs_a_selection_and_confirms_beside_the_coded_text(
    app: App, page: Any
) -> None:
    open_coding(page, app, "dev", "t01")
    # Nothing chosen: the button cannot be used, and the page says why.
    assert code_this(page).is_disabled()
    assert page.get_by_text("Nothing selected yet.").count() == 1
    name = code_name(app, "access.waiting")
    choose(page, "Codes", name, multi=True)
    assert code_this(page).is_disabled()  # a code but still no text
    choose(page, "Turn", "Turn 2")
    page.get_by_text("Will code turn 2:").wait_for()
    assert code_this(page).is_enabled()
    code_this(page).click()
    # The confirmation sits at the end of the coded turn and in the live region.
    note = page.locator(".qk-transcript section.qk-turn[data-turn='1'] .qk-saved")
    note.wait_for()
    settle(page)
    assert note.inner_text() == f"Saved: {name} on turn 2."
    live = page.locator(".qk-transcript [role='status'][aria-live='polite']")
    assert live.text_content() == f"Saved: {name} on turn 2."
    assert page.locator("[data-testid='stAlert']", has_text="Saved").count() == 0
    with Store.open(app.project, create=False) as store:
        t = store.transcript("t01")
        mine = store.codings(transcript="t01", coder="dev")
        assert [(c.start, c.end, c.code) for c in mine] == [
            (t.turns[1].start, t.turns[1].end, "access.waiting")
        ]
    # Without a code, a click says so and saves nothing.
    code_this(page).click()
    page.get_by_text("Choose at least one code first.").wait_for()
    with Store.open(app.project, create=False) as store:
        assert len(store.codings(transcript="t01", coder="dev")) == 1


# -- 2. the code picker --------------------------------------------------------------------


def test_enter_in_the_code_picker_adds_only_the_highlighted_code(app: App, page: Any) -> None:
    open_coding(page, app, "rita", "t01")
    box = only_one(page, "Codes")
    box.focus()
    page.keyboard.type("support")
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = [o.strip() for o in options.all_inner_texts()]
    assert len(texts) > 1, texts  # several codes match "support"
    assert not any(x.startswith("Select") for x in texts), texts
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)
    codes_box = page.locator(
        "[data-testid='stMultiSelect']", has=page.get_by_role("combobox", name="Codes")
    )
    chips = codes_box.locator("[data-tag]")
    assert chips.count() == 1
    assert chips.first.inner_text().strip() == texts[0]

    # Full names wrap instead of being cut off in the list.
    only_one(page, "Codes").focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    page.keyboard.press("ArrowDown")
    page.get_by_role("option").first.wait_for()
    # Every option's text fits its row: not cut at the side, not spilling into the next.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('[role="option"]')].filter(o =>
            [o, ...o.querySelectorAll('*')].some(e =>
              e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1 ||
              e.getBoundingClientRect().bottom > o.getBoundingClientRect().bottom + 1))
            .map(o => o.textContent)"""
    )
    assert cut == [], cut
    assert page.get_by_role("option").count() >= 5
    page.keyboard.press("Escape")


# -- 3 and 4. one "[Selected]" and whole words ---------------------------------------------


def test_a_selection_takes_whole_words_and_is_labelled_once(app: App, page: Any) -> None:
    open_coding(page, app, "casey", "t01")
    drag_select(page, "aiting list for mon")  # starts and ends inside words
    page.get_by_text("Selected (turn 2)").wait_for()
    settle(page)
    pending = page.locator(".qk-transcript .qk-seg.qk-pending").all_inner_texts()
    assert "".join(pending) == "waiting list for months"
    assert page.locator(".qk-transcript .qk-tag-sel").count() == 1
    assert page.locator(".qk-turn[data-turn='1'] .qk-tag-sel").count() == 1
    restated = page.locator("[data-testid='stMarkdownContainer']", has_text="Will code turn 2:")
    assert restated.inner_text().strip() == "Will code turn 2: “waiting list for months”"


# -- 5. safer decline ----------------------------------------------------------------------


def _status(app: App, tid: str, user: str) -> str:
    with Store.open(app.project, create=False) as store:
        return next(s for t, u, s in store.assignments(user) if t == tid)


def test_not_for_me_asks_once_and_the_undo_is_in_plain_view(app: App, page: Any) -> None:
    sign_in(page, app, "casey", "my-transcripts")
    page.get_by_role("heading", name="Working on the front line").wait_for()
    settle(page)
    assert heading_links(page) == 0
    assert axe_findings(page, "my transcripts") == []
    buttons = page.get_by_role("button", name="Not for me")
    assert buttons.count() == 3
    buttons.nth(1).click()  # the second card: t02
    page.get_by_text("Hand this transcript back? You won't be asked why.").wait_for()
    settle(page)
    assert _status(app, "t02", "casey") == "assigned"  # nothing changed yet
    page.get_by_role("button", name="No, keep it").click()
    page.get_by_text("Hand this transcript back?").wait_for(state="detached")
    settle(page)
    assert _status(app, "t02", "casey") == "assigned"

    page.get_by_role("button", name="Not for me").nth(1).click()
    page.get_by_role("button", name="Yes, hand it back").click()
    undo = page.get_by_role("button", name="Undo: take it back")
    undo.wait_for()
    settle(page)
    assert undo.is_visible()
    assert _status(app, "t02", "casey") == "declined"
    undo.click()
    page.get_by_role("heading", name="Working on the front line").wait_for()
    settle(page)
    assert _status(app, "t02", "casey") == "assigned"
    assert page.get_by_role("button", name="Undo: take it back").count() == 0


# -- 6 and 7. people's words, heading order and heading links ------------------------------


def test_untitled_transcript_is_named_in_peoples_words(app: App, page: Any) -> None:
    sign_in(page, app, "dev", "my-transcripts")
    page.get_by_role("heading", name="Interview LB-03 — telephone").wait_for()
    settle(page)
    main = page.locator("[data-testid='stMain']")
    assert "t03" not in main.inner_text()
    page.get_by_role("link", name="Open", exact=True).nth(2).click()
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    settle(page)
    assert page.get_by_role("heading", name="Interview LB-03 — telephone", level=1).count() == 1
    body = main.inner_text()
    assert "Interview: LB-03" in body and "How it was done: Telephone" in body
    for machine in ("t03", "Interview_id", "DATE_TIME"):
        assert machine not in body, machine
    assert heading_links(page) == 0
    # The coding page with a selection and codes chosen, checked by axe-core.
    choose(page, "Turn", "Turn 2")
    choose(page, "Codes", code_name(app, "access.waiting"), multi=True)
    page.get_by_text("What these codes mean").wait_for()
    settle(page)
    assert heading_links(page) == 0
    assert axe_findings(page, "coding") == []


def test_definitions_show_code_names_not_ids(app: App, page: Any) -> None:
    with Store.open(app.project, create=False) as store:
        codes = store.codebook().codes
    ids = {c.cid for c in codes}
    notes = {c.cid: " ".join((c.definition, c.include, c.exclude)) for c in codes}
    mentions = [c for c in codes if any(f"({i})" in notes[c.cid] for i in ids)]
    assert mentions, "the sample codebook mentions code ids in its notes"
    target = mentions[0]
    open_coding(page, app, "rita", "t01")
    page.get_by_text("Look up a code").click()
    box = page.get_by_role("textbox", name="Search names and meanings")
    box.fill(target.name)
    box.press("Enter")
    page.get_by_text(target.name, exact=True).first.wait_for(state="attached", timeout=TIMEOUT)
    settle(page)
    shown = page.locator("[data-testid='stExpander']", has_text="Look up a code").text_content()
    assert shown and "Do not use it for" in shown, shown
    assert not any(f"({i})" in shown for i in ids), shown
    assert "(see “" in shown
