"""End-to-end tests of the coding app in a real Chromium (Playwright), with axe-core checks.

A small synthetic project (SQLite) is built in a temporary folder, ``streamlit run
app_streamlit.py`` is started on a free local port, and the tests sign in as different
people. Screenshots of the main pages are written to docs/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qualkit.storage import Store
from qualkit.testing.browser import CHROMIUM
from qualkit.testing.sample_project import build_sample_project
from qualkit.ui.access import PAGES
from qualkit.ui.server import serving
from tests.conftest import BROWSER_TIMEOUT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery"
TIMEOUT = BROWSER_TIMEOUT

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

playwright_sync = pytest.importorskip("playwright.sync_api")


@dataclass
class App:
    url: str
    project: str


def _start_app(work: Path, extra_env: dict[str, str] | None = None) -> Iterator[App]:
    project = str(work / "project.db")
    build_sample_project(project, work / "src", password=PASSWORD)
    with serving(project, work / "streamlit.log", extra_env=extra_env) as url:
        yield App(url, project)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    os.environ.pop("QUALKIT_SESSION_TIMEOUT", None)
    yield from _start_app(tmp_path_factory.mktemp("app"))


@pytest.fixture(scope="module")
def quick_timeout_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app with sessions that end after 10 seconds without activity (long enough for
    the first coding page to load on a busy 2-core machine)."""
    yield from _start_app(tmp_path_factory.mktemp("app_timeout"), {"QUALKIT_SESSION_TIMEOUT": "10"})


# -- helpers -----------------------------------------------------------------------------


def settle(page: Any) -> None:
    """Wait until Streamlit has finished running the script and removed stale elements."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"] '
        '[data-testid="stStatusWidgetRunningIcon"]\') && '
        '!document.querySelector(\'[data-testid="stApp"][data-test-script-state="running"]\') && '
        "!document.querySelector('[data-stale=\"true\"]')",
        timeout=TIMEOUT,
    )


def sign_in(page: Any, app: App, user: str, path: str = "") -> None:
    page.context.clear_cookies()  # as a new browser: an earlier sign-in does not carry over
    page.goto(f"{app.url}/{path}")
    page.get_by_label("Your user name").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    # The cookie that keeps the sign-in across page loads is set a moment later; a test
    # that goes to another address before then would find itself signed out.
    has_session_cookie(page, wait_for=True)
    settle(page)


def only_one(scope: Any, label: str) -> Any:
    """The combobox ``label`` in ``scope``, once a rerun has left a single copy of it.

    While Streamlit reruns, a widget that moved can briefly exist twice (old and new copy).
    """
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.first.wait_for()
    for _ in range(TIMEOUT // 100):
        if box.count() == 1:
            break
        box.first.page.wait_for_timeout(100)
    return box


def has_session_cookie(page: Any, *, wait_for: bool | None = None) -> bool:
    """Whether the browser holds the sign-in cookie; with ``wait_for``, first wait (the
    app sets and clears it from a small script that runs a moment after the page)."""

    def held() -> bool:
        return any(c["name"] == "qualkit_session" for c in page.context.cookies())

    for _ in range(TIMEOUT // 100 if wait_for is not None else 0):
        if held() == wait_for:
            break
        page.wait_for_timeout(100)
    return held()


def choose(page: Any, label: str, text: str, *, multi: bool = False) -> None:
    """Pick an option in a Streamlit select box or multiselect with the keyboard only."""
    settle(page)  # as a person waits for the page to stop changing before typing
    box = only_one(page, label)
    for attempt in (1, 2):
        box.focus()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(text)
        # On a busy machine the list can still be filtering when Enter comes: wait until the
        # option typed is the first one offered.
        page.get_by_role("option").first.filter(has_text=text).wait_for()
        page.keyboard.press("Enter")
        if not multi:
            break
        page.keyboard.press("Escape")  # close the list of options
        chosen = page.locator("[data-testid='stMultiSelect']").filter(has=box.first)
        tag = chosen.locator("[data-tag]").filter(has_text=text).first
        # A key pressed while Streamlit redraws the box can be dropped; a person sees the
        # box still empty and picks the code again. Twice dropped is a failure.
        try:
            tag.wait_for(timeout=TIMEOUT // 3 if attempt == 1 else TIMEOUT)
            break
        except playwright_sync.TimeoutError:
            if attempt == 2:
                raise
            settle(page)
    settle(page)


SELECT_JS = """([needle]) => {
  for (const seg of document.querySelectorAll('.qk-transcript .qk-seg')) {
    const t = seg.firstChild;
    const i = t ? t.data.indexOf(needle) : -1;
    if (i < 0) continue;
    const r = document.createRange();
    r.setStart(t, i); r.setEnd(t, i + 1);
    const a = r.getBoundingClientRect();
    r.setStart(t, i + needle.length - 1); r.setEnd(t, i + needle.length);
    const b = r.getBoundingClientRect();
    return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
  }
  return null;
}"""


def drag_select(page: Any, needle: str) -> None:
    """Select ``needle`` in the transcript with a real mouse drag."""
    page.locator(".qk-seg", has_text=needle).first.scroll_into_view_if_needed()
    box = page.evaluate(SELECT_JS, [needle])
    assert box is not None, "text to select not found"
    x1, y1, x2, y2 = box
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=4)
    page.mouse.move(x2, y2, steps=4)
    page.mouse.up()


def code_name(app: App, cid: str) -> str:
    with Store.open(app.project, create=False) as store:
        return store.codebook().by_id()[cid].name


def tags(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".qk-transcript .qk-tag").all_inner_texts()]


def axe_check(page: Any, name: str) -> list[str]:
    """Serious or critical axe-core violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    return [
        f"{name}: {v['id']} ({v['impact']}): {v['help']} × {len(v['nodes'])} "
        f"e.g. {v['nodes'][0]['target']}"
        for v in bad
    ]


def shot(page: Any, name: str) -> None:
    """Save a screenshot of the page scrolled to the top (for the README)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(
        "() => { window.scrollTo(0, 0); for (const el of document.querySelectorAll("
        '\'[data-testid="stMain"], [data-testid="stAppScrollToBottomContainer"]\')) '
        "el.scrollTop = 0; }"
    )
    page.wait_for_timeout(200)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


# -- tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", list(PAGES.values()), ids=lambda s: s.key)
def test_signed_out_visits_show_only_the_sign_in_form(app: App, page: Any, spec: Any) -> None:
    page.goto(f"{app.url}/{spec.url_path}?t=t01")
    page.get_by_label("Your user name").wait_for()
    settle(page)
    assert page.locator("[role='dialog']").count() == 0  # e.g. no "page not found"
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Sign in" in body
    for leak in (
        "waiting list",
        "Transcript",
        "Codebook",
        "Getting help",
        "Waiting times",
        "casey",
        "Casey",
    ):
        assert leak not in body, f"{spec.url_path} shows {leak!r} before sign-in"
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    assert page.locator(".qk-transcript").count() == 0


def test_coding_blind_layers_and_accessibility(app: App, page: Any, browser: Any) -> None:
    problems: list[str] = []

    # Sign-in page.
    page.goto(app.url)
    page.get_by_label("Your user name").wait_for()
    settle(page)
    shot(page, "01-sign-in")
    problems += axe_check(page, "sign-in")

    # A coder's list of transcripts.
    sign_in(page, app, "casey", "my-transcripts")
    page.get_by_role("heading", name="My transcripts").wait_for()
    page.get_by_text("Getting help after the hostel").wait_for()
    settle(page)
    assert page.get_by_text("this transcript talks about overdose").count() == 1
    shot(page, "02-my-transcripts")
    problems += axe_check(page, "my transcripts")

    # Open t01 and code a span selected with the mouse.
    page.get_by_role("link", name="Open", exact=True).first.click()
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    settle(page)
    assert "coding" in page.url and "t=t01" in page.url
    drag_select(page, "waiting list for months")
    page.get_by_text("Selected (turn 2)").wait_for()
    settle(page)
    choose(page, "Codes", "Waiting times", multi=True)
    page.get_by_role("button", name="Code this").click()
    page.get_by_text("Saved: Waiting times").first.wait_for()
    settle(page)

    # Code a whole turn from the keyboard only.
    choose(page, "Turn", "Turn 4")
    part = page.get_by_role("combobox", name="Part of the turn")
    assert part.input_value() == "The whole turn"
    assert (
        page.get_by_role("combobox", name="Turn", exact=True)
        .input_value()
        .startswith("Turn 4 · Participant")
    )
    choose(page, "Codes", "Trusting relationship", multi=True)
    page.get_by_role("button", name="Code this").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Saved: Trusting relationship").first.wait_for()
    settle(page)
    shot(page, "03-coding")
    problems += axe_check(page, "coding")

    # Reload: still signed in (the browser's sign-in cookie), and both codings are there.
    assert has_session_cookie(page, wait_for=True)
    cookie = next(c for c in page.context.cookies() if c["name"] == "qualkit_session")
    assert cookie["sameSite"] == "Strict" and cookie["expires"] == -1  # gone with the browser
    # Set by the server (qualkit.ui.http), so no script in the page can read it.
    assert cookie["httpOnly"] and not cookie["secure"]  # plain http on localhost
    assert "qualkit_session" not in page.evaluate("() => document.cookie")
    page.reload()
    page.get_by_text("Signed in as").wait_for()
    page.locator(".qk-transcript .qk-tag").first.wait_for()
    settle(page)
    shown = tags(page)
    assert any("Waiting times" in t for t in shown), shown
    assert any("Trusting relationship" in t for t in shown), shown
    assert not any("·" in t for t in shown)  # a coder's own layer carries no coder names

    with Store.open(app.project, create=False) as store:
        t = store.transcript("t01")
        mine = store.codings(transcript="t01", coder="casey")
        assert {(c.quote, c.code) for c in mine} == {
            ("waiting list for months", "access.waiting"),
            (t.text[t.turns[3].start : t.turns[3].end], "practitioners.relationship"),
        }
        assert all(c.provenance.value == "manual" for c in mine)
        adds = [e for e in store.events("coding.add") if e.actor == "casey"]
        assert len(adds) == 2
        assert [e.actor for e in store.events("auth.resume")] == ["casey"]
        # Only a hash of the cookie's token is stored, and it is in no log.
        assert cookie["value"] not in str([e.payload for e in store.events()])

    # A second coder does not see the first coder's layer, and codes a turn of their own.
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    p2 = other.new_page()
    p2.set_default_timeout(TIMEOUT)
    sign_in(p2, app, "dev", "coding?t=t01")
    p2.locator(".qk-transcript .qk-seg").first.wait_for()
    settle(p2)
    assert tags(p2) == []
    assert p2.get_by_text("You have not coded anything in this transcript yet.").count() == 1
    choose(p2, "Turn", "Turn 6")
    paperwork = code_name(app, "access.paperwork")
    choose(p2, "Codes", paperwork, multi=True)
    p2.get_by_role("button", name="Code this").click()
    p2.get_by_text(f"Saved: {paperwork}").first.wait_for()
    settle(p2)
    assert [t for t in tags(p2) if "Waiting" in t or "Trusting" in t] == []
    other.close()

    # A researcher sees both coders' layers, each labelled with the coder.
    third = browser.new_context(viewport={"width": 1400, "height": 1000})
    p3 = third.new_page()
    p3.set_default_timeout(TIMEOUT)
    sign_in(p3, app, "rita", "coding?t=t01")
    p3.locator(".qk-transcript .qk-tag").first.wait_for()
    settle(p3)
    shown = tags(p3)
    assert any("Waiting times" in t and "Casey" in t for t in shown), shown
    assert any("Trusting relationship" in t and "Casey" in t for t in shown), shown
    assert any(paperwork in t and "Dev" in t for t in shown), shown
    shot(p3, "04-researcher-layers")
    third.close()

    assert not problems, "\n".join(problems)


def test_content_notes_pause_and_other_pages(app: App, page: Any) -> None:
    sign_in(page, app, "casey", "coding?t=t02")
    page.get_by_text("Before you start").wait_for()
    settle(page)
    assert page.locator(".qk-transcript").count() == 0  # nothing shown before choosing
    assert page.get_by_text("overdose").count() >= 1
    shot(page, "05-content-note")
    page.get_by_role("button", name="Continue to the transcript").click()
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("heading", name="Paused").wait_for()
    settle(page)
    assert page.locator(".qk-transcript").count() == 0
    page.get_by_role("button", name="Carry on").click()
    page.locator(".qk-transcript .qk-seg").first.wait_for()

    # The codebook is open to every signed-in role: sign out, and in again as a reader.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    sign_in(page, app, "robin", "codebook")
    page.get_by_role("heading", name="Codebook").wait_for()
    page.get_by_text("Waiting times").first.wait_for()
    settle(page)
    shot(page, "06-codebook")
    assert axe_check(page, "codebook") == []


def test_roles_are_checked_on_each_page(app: App, page: Any) -> None:
    sign_in(page, app, "casey", "assign")
    page.get_by_text("This page is not open to your account (coder)").wait_for()
    settle(page)
    assert page.get_by_role("button", name="Assign").count() == 0
    sign_in(page, app, "robin", "coding?t=t01")
    page.get_by_text("This page is not open to your account (reader)").wait_for()
    settle(page)
    assert page.locator(".qk-transcript").count() == 0


def test_researcher_assigns_and_sees_declines(app: App, page: Any) -> None:
    with Store.open(app.project, create=False) as store:
        store.set_assignment_status("t02", "dev", "declined", "dev")
    sign_in(page, app, "rita", "assign")
    page.get_by_role("heading", name="Progress").wait_for()
    settle(page)
    shot(page, "07-assign")
    table = page.locator("[data-testid='stTable']").first
    rows = [r.strip() for r in table.locator("tr").all_inner_texts()]
    dev_t02 = [r for r in rows if "(t02)" in r and "Dev" in r]
    assert len(dev_t02) == 1 and "Declined" in dev_t02[0], rows
    assert page.get_by_text("Suggested by the keyword check").count() == 0
    choose(page, "Transcript", "Working on the front line")
    page.get_by_text("Suggested by the keyword check").wait_for()
    settle(page)
    assert "overdose" in page.get_by_text("Suggested by the keyword check").inner_text()
    settle(page)
    assert axe_check(page, "assign") == []


def test_failed_sign_in_is_refused_and_logged_without_the_password(app: App, page: Any) -> None:
    page.goto(f"{app.url}/")
    page.get_by_label("Your user name").fill("dev")
    page.get_by_role("textbox", name="Password").fill("Tr0ub4dor&3-wrong")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("That name and password do not match").wait_for()
    settle(page)
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    with Store.open(app.project, create=False) as store:
        failed = store.events("auth.failed")
        assert failed and failed[-1].payload.get("user") == "dev"
        assert "Tr0ub4dor" not in repr([(e.actor, e.payload) for e in store.events()])


def test_larger_text_and_undo(app: App, page: Any) -> None:
    sign_in(page, app, "admin", "coding?t=t01")
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    settle(page)
    size = "() => getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(size) == "18px"
    page.get_by_text("Larger text").click()
    page.wait_for_function(f"() => ({size})() === '22px'")
    settle(page)
    before = len(tags(page))
    choose(page, "Turn", "Turn 2")
    choose(page, "Codes", code_name(app, "practitioners.caseloads"), multi=True)
    page.get_by_role("button", name="Code this").click()
    page.get_by_text("Saved:").first.wait_for()
    settle(page)
    assert len(tags(page)) == before + 1
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Undone:").first.wait_for()
    settle(page)
    assert len(tags(page)) == before
    with Store.open(app.project, create=False) as store:
        assert store.codings(transcript="t01", coder="admin") == []
        assert store.events("coding.delete")[-1].actor == "admin"
        prefs = store.settings().get("ui_prefs:admin")
        assert prefs and prefs.get("larger_text") is True


def test_idle_session_ends_by_itself(quick_timeout_app: App, page: Any) -> None:
    app = quick_timeout_app
    sign_in(page, app, "casey", "coding?t=t01")
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    # Nobody touches the page: the heartbeat signs the coder out and hides the transcript.
    page.get_by_text("You were signed out because nothing happened").wait_for(timeout=40_000)
    settle(page)
    assert page.locator(".qk-transcript").count() == 0
    assert page.get_by_label("Your user name").count() == 1
    with Store.open(app.project, create=False) as store:
        assert store.events("auth.timeout")[-1].actor == "casey"
    # A reload does not bring the timed-out session back.
    page.reload()
    page.get_by_label("Your user name").wait_for()
    settle(page)
    assert page.get_by_text("Signed in as").count() == 0


def test_signing_out_ends_the_sign_in_for_reloads(app: App, page: Any) -> None:
    sign_in(page, app, "dev")
    assert has_session_cookie(page, wait_for=True)
    page.reload()
    page.get_by_text("Signed in as").wait_for()
    settle(page)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    settle(page)
    assert not has_session_cookie(page, wait_for=False)
    page.reload()
    page.get_by_label("Your user name").wait_for()
    settle(page)
    assert page.get_by_text("Signed in as").count() == 0
    with Store.open(app.project, create=False) as store:
        assert store.events("auth.signout")[-1].actor == "dev"


def test_codebook_editors_get_a_conflict_message(app: App, browser: Any) -> None:
    cid = "access.waiting"
    name = code_name(app, cid)
    pages = []
    for user in ("rita", "admin"):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = ctx.new_page()
        pg.set_default_timeout(TIMEOUT)
        sign_in(pg, app, user, "codebook-editor")
        choose(pg, "Code to change", name)
        pg.get_by_label("What it means").first.wait_for()
        pages.append((ctx, pg))
    (ctx1, first), (ctx2, second) = pages
    first.get_by_label("What it means").first.fill("Waiting for a service: edited by Rita.")
    first.get_by_role("button", name="Save", exact=True).click()
    first.get_by_text("Saved “").wait_for()
    second.get_by_label("What it means").first.fill("Edited by the admin at the same time.")
    second.get_by_role("button", name="Save", exact=True).click()
    second.get_by_text("Someone else saved a change to this code").wait_for()
    settle(second)
    # The admin's words are still in the form (nothing typed is lost), but not saved.
    assert second.get_by_label("What it means").first.input_value() == (
        "Edited by the admin at the same time."
    )
    shot(second, "08-codebook-conflict")
    with Store.open(app.project, create=False) as store:
        assert store.codebook().by_id()[cid].definition == "Waiting for a service: edited by Rita."
    # Loading the latest version shows Rita's words; then the admin's save goes through.
    second.get_by_role("button", name="Load the latest version").click()
    second.wait_for_function(
        "() => [...document.querySelectorAll('textarea')].some(t => t.value.includes('Rita'))"
    )
    settle(second)
    second.get_by_label("What it means").first.fill("Waiting lists and delays (agreed).")
    second.get_by_role("button", name="Save", exact=True).click()
    second.get_by_text("Saved “").wait_for()
    with Store.open(app.project, create=False) as store:
        assert store.codebook().by_id()[cid].definition == "Waiting lists and delays (agreed)."
        assert [e.actor for e in store.events("code.update")][-2:] == ["rita", "admin"]
    ctx1.close()
    ctx2.close()


def test_admin_adds_an_account_that_can_sign_in(app: App, page: Any) -> None:
    sign_in(page, app, "admin", "accounts")
    page.get_by_role("heading", name="Add a person").wait_for()
    form = page.locator("[data-testid='stForm']").first
    form.get_by_role("textbox", name="User name").fill("newcoder")
    form.get_by_role("textbox", name="Name shown in the app (optional)").fill("New Coder")
    form.get_by_role("textbox", name="Password").fill("a brand new password")
    form.get_by_role("button", name="Add person").click()
    page.get_by_text("Added newcoder.").wait_for()
    settle(page)
    shot(page, "09-accounts")
    with Store.open(app.project, create=False) as store:
        stored = store.password_hash("newcoder")
        assert stored and stored.startswith("$argon2")
        assert "a brand new password" not in repr([e.payload for e in store.events()])
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    page.goto(f"{app.url}/")
    page.get_by_label("Your user name").fill("newcoder")
    page.get_by_role("textbox", name="Password").fill("a brand new password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Hello, New Coder").wait_for()


def test_reader_reads_a_transcript_without_codings(app: App, page: Any) -> None:
    sign_in(page, app, "robin", "transcripts")
    page.get_by_role("heading", name="All transcripts").wait_for()
    choose(page, "Read a transcript", "Working on the front line")
    page.get_by_text("Before you read").wait_for()
    page.get_by_role("button", name="Continue to the transcript").click()
    page.locator(".qk-transcript .qk-seg").first.wait_for()
    settle(page)
    assert page.locator(".qk-transcript section.qk-turn").count() == 6
    assert tags(page) == []
    assert axe_check(page, "all transcripts") == []
