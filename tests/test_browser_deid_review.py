"""The "Review de-identification" page in a real Chromium (Playwright), with axe-core.

A synthetic raw transcript is run through ``qualkit.deid.pipeline.run`` (real spaCy and
Presidio) to make a review folder; a tiny project with a researcher and a coder is served
with ``streamlit run``, allowed the review folder as ``qualkit app --review-dir`` allows it.
The researcher rejects one detection, adds a missed name and saves; ``apply`` must then
honour both, and the project database must hold none of the raw text. Without a
``--review-dir`` the page opens no folder and says how to allow one.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from qualkit.testing.browser import CHROMIUM

VIEWPORT = {"width": 1400, "height": 1100}
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from qualkit.auth import hash_password  # noqa: E402
from qualkit.model import Role  # noqa: E402
from qualkit.project import init_project  # noqa: E402
from qualkit.ui.server import app_env, free_port, serving, streamlit_command  # noqa: E402
from tests.test_browser_app import axe_check, choose, settle  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery"
PASSPHRASE = "pass phrase long enough"
# Synthetic: every name and place is invented.
RAW = (
    "Interviewer: Thanks for talking to me today.\n"
    "Participant: My key worker Daria Pemberton helped me a lot. My nan Doreen Ashcombe "
    "came with me to the council.\n"
    "Participant: I live in hope. We stayed with Big Tonka at the Brenchley estate for a "
    "while.\n"
    "Interviewer: Who else helped?\n"
    "Participant: Daria rang the GP for me. Then ferdie lent me a phone.\n"
)
MISSED = "ferdie"
REJECTED = "Brenchley estate"
RAW_NAMES = ("Daria", "Pemberton", "Doreen", "Ashcombe", "Tonka", "ferdie", "Brenchley")


@dataclass
class Setup:
    url: str
    project: Path
    review_dir: Path
    key: Path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from qualkit.deid.pipeline import run

    work = tmp_path_factory.mktemp("deid_review")
    raw = work / "raw" / "t01.txt"
    raw.parent.mkdir()
    raw.write_text(RAW, encoding="utf-8")
    review_dir, key = work / "review", work / "key.bin"
    run([raw], review_dir, key, PASSPHRASE)
    project = work / "project.db"
    with init_project(project, "Review test", "setup") as store:
        for name, role in (("riley", Role.RESEARCHER), ("casey", Role.CODER)):
            store.add_user(name, role, "setup", password_hash=hash_password(PASSWORD))
    port = free_port()
    env = app_env(project, review_dirs=[review_dir], HF_HUB_OFFLINE="1")
    env.pop("QUALKIT_SESSION_TIMEOUT", None)
    log_path = work / "streamlit.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            streamlit_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the app did not start: " + log_path.read_text()[-2000:])
            time.sleep(0.3)
        try:
            yield Setup(url, project, review_dir, key)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert not any(n in log_path.read_text() for n in RAW_NAMES), "raw text in the app log"


def sign_in(page: Any, s: Setup, user: str, path: str) -> None:
    page.context.clear_cookies()  # as a new browser: an earlier sign-in does not carry over
    page.goto(f"{s.url}/{path}")
    page.get_by_label("Your user name").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    settle(page)


def review_doc(s: Setup) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((s.review_dir / "t01.review.json").read_text("utf-8"))
    return data


def test_signed_out_visitors_see_only_the_sign_in_form(setup: Setup, page: Any) -> None:
    page.goto(f"{setup.url}/deid-review")
    page.get_by_label("Your user name").wait_for()
    settle(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Sign in" in body
    assert "Review de-identification" not in body and "Review folder" not in body
    assert page.locator(".qk-deid-text").count() == 0


def test_coders_are_refused(setup: Setup, page: Any) -> None:
    sign_in(page, setup, "casey", "deid-review")
    page.get_by_text("This page is not open to your account (coder)").wait_for()
    settle(page)
    assert page.get_by_role("textbox", name="Review folder").count() == 0
    assert str(setup.review_dir) not in page.locator("[data-testid='stMain']").inner_text()
    assert page.locator(".qk-deid-text").count() == 0


def test_without_review_dirs_no_folder_opens_and_the_page_says_how(
    setup: Setup, page: Any, tmp_path: Path
) -> None:
    with serving(setup.project, tmp_path / "app.log", extra_env={"HF_HUB_OFFLINE": "1"}) as url:
        sign_in(page, replace(setup, url=url), "riley", "deid-review")
        page.get_by_text("No review folder is open to this app").wait_for()
        settle(page)
        body = page.locator("[data-testid='stMain']").inner_text()
    assert "qualkit app PROJECT --review-dir DIR" in body
    assert page.get_by_role("textbox").count() == 0  # nowhere to type a path
    assert page.locator(".qk-deid-text").count() == 0
    assert str(setup.review_dir) not in body


def test_researcher_reviews_and_apply_honours_the_decisions(setup: Setup, page: Any) -> None:
    from qualkit.deid.pipeline import apply

    before = review_doc(setup)
    dets = before["detections"]
    assert not any(MISSED in d["text"] for d in dets), "the detector now finds the missed name"
    n_rejected = next(i for i, d in enumerate(dets, start=1) if d["text"] == REJECTED)

    sign_in(page, setup, "riley", "deid-review")
    page.get_by_role("heading", name="Review de-identification").wait_for()
    # The one folder the app was started with is open; there is no box to type another.
    page.get_by_text(f"Review folder: {setup.review_dir.resolve()}").wait_for()
    settle(page)
    assert page.get_by_role("textbox", name="Review folder").count() == 0
    choose(page, "Transcript to review", "t01")
    text = page.locator(".qk-deid-text")
    text.wait_for()
    settle(page)
    shown = text.inner_text()
    assert "Daria Pemberton" in shown and shown.count("[PERSON]") >= 3
    assert page.locator(".qk-deid-text mark").count() == len(dets)
    problems = axe_check(page, "review de-identification")

    choose(page, f"Decision on detection {n_rejected}", "Reject")
    page.get_by_role("textbox", name="Missed text, exactly as it appears").fill(MISSED)
    choose(page, "Type of the missed text", "PERSON")
    page.get_by_role("button", name="Save decisions").click()
    settle(page)
    page.get_by_text("Saved the decisions for t01").wait_for()
    settle(page)
    assert "[PERSON, added]" in text.inner_text()
    assert "[LOCATION, rejected]" in text.inner_text()
    problems += axe_check(page, "review de-identification after saving")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(
        "() => { for (const el of document.querySelectorAll("
        '\'[data-testid="stMain"], [data-testid="stAppScrollToBottomContainer"]\')) '
        "el.scrollTop = 0; }"
    )
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "deid-review.png"))
    assert problems == []

    after = review_doc(setup)
    assert after["add"] == [{"text": MISSED, "type": "PERSON"}]
    decisions = [d["decision"] for d in after["detections"]]
    assert decisions[n_rejected - 1] == "reject"
    assert decisions.count("reject") == 1
    for k in before:
        if k != "add":
            assert k == "detections" or after[k] == before[k], k
    assert [{**d, "decision": "accept"} for d in after["detections"]] == dets

    summary = apply(setup.review_dir, setup.key, PASSPHRASE)
    assert (summary.rejected, summary.added) == (1, 1)
    released = (setup.review_dir / "release" / "t01.txt").read_text("utf-8")
    assert MISSED not in released
    assert REJECTED in released  # rejected: left as it was
    assert "Pemberton" not in released

    data = setup.project.read_bytes()
    for name in RAW_NAMES:
        assert name.encode() not in data, f"{name} reached the project database"
    for suffix in ("-wal", "-journal"):
        extra = Path(str(setup.project) + suffix)
        if extra.exists():
            assert not any(n.encode() in extra.read_bytes() for n in RAW_NAMES)
