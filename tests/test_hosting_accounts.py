"""Accounts for a real team: invitation links, forced password changes after a reset, and
password rules that suit people who are not technical."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from qualkit.auth import WeakPassword, hash_password, password_problem, verify_password
from qualkit.cli import cli
from qualkit.model import Role
from qualkit.storage import Store
from qualkit.storage.invites import (
    INVITE_HOURS,
    InviteInvalid,
    accept_invite,
    create_invite,
    invite_user,
    must_change_password,
)
from qualkit.ui.ratelimit import SignInLimiter
from qualkit.ui.session import SignedIn
from qualkit.ui.signin import change_password, set_password_from_link, sign_in
from tests.conftest import BROWSER_TIMEOUT

LINK = re.compile(r"^(https?://\S+)/\?invite=([A-Za-z0-9_-]{40,})$", re.M)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short one", "at least 10 characters"),
        ("qwertyuiop", "many people use"),
        ("Password123", "many people use"),
        ("amara in the morning", "user name"),
        ("x" * 201, "at most 200"),
        ("correct horse battery", None),
        ("eleven chars", None),  # no demands for digits or symbols
    ],
)
def test_password_rules_favour_length(password: str, problem: str | None) -> None:
    found = password_problem(password, "amara")
    assert (found is None) if problem is None else (found is not None and problem in found)
    if problem is not None:
        with pytest.raises(WeakPassword):
            hash_password(password, "amara")


def test_invite_link_is_one_time_expires_and_is_stored_hashed(store: Store) -> None:
    store.add_user("amara", Role.CODER, "admin")
    now = datetime.now(UTC)
    token, expires = create_invite(store, "amara", "admin", now=now)
    assert expires - now == timedelta(hours=INVITE_HOURS)
    assert invite_user(store, token, now + timedelta(hours=71)) == "amara"
    assert invite_user(store, token, now + timedelta(hours=72, seconds=1)) is None
    with pytest.raises(InviteInvalid):
        accept_invite(store, token, hash_password("a good long password"), now + timedelta(days=4))
    accept_invite(store, token, hash_password("a good long password"), now + timedelta(hours=1))
    assert verify_password(store.password_hash("amara"), "a good long password")
    with pytest.raises(InviteInvalid):  # used up
        accept_invite(store, token, hash_password("another good password"))
    logged = [e.action for e in store.events() if e.action.startswith("user.invite")]
    assert logged == [
        "user.invite",
        "user.invite_refused",
        "user.invite_accepted",
        "user.invite_refused",
    ]
    assert token not in repr([e.payload for e in store.events()])


def test_a_new_link_ends_the_earlier_one(store: Store) -> None:
    store.add_user("amara", Role.CODER, "admin")
    first, _ = create_invite(store, "amara", "admin")
    second, _ = create_invite(store, "amara", "admin", purpose="reset")
    assert invite_user(store, first) is None
    assert invite_user(store, second) == "amara"


def test_users_add_invite_prints_a_link_that_sets_the_password(project_path: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["users", "add", project_path, "amara", "--invite", "--url", "https://q.example.org/"],
    )
    assert result.exit_code == 0, result.output
    [(base, token)] = LINK.findall(result.output)
    assert base == "https://q.example.org"
    with Store.open(project_path, create=False) as store:
        assert store.password_hash("amara") is None  # nobody knows a password yet
        assert token not in repr([e.payload for e in store.events()])
        assert set_password_from_link(store, token, "qwertyuiop", "qwertyuiop") is not None
        assert invite_user(store, token) == "amara"  # a refused password keeps the link
        assert set_password_from_link(store, token, "our long walk", "our long wal") is not None
        assert set_password_from_link(store, token, "our long walk", "our long walk") is None
        assert verify_password(store.password_hash("amara"), "our long walk")
        assert set_password_from_link(store, token, "our long walk", "our long walk") == (
            "This link has expired or has been used already. Ask your project admin for a new one."
        )


def test_reset_forces_a_change_at_the_next_sign_in(project_path: str) -> None:
    runner = CliRunner()
    args = ["users", "add", project_path, "amara", "--password-stdin"]
    assert runner.invoke(cli, args, input="first long password\n").exit_code == 0
    result = runner.invoke(
        cli,
        ["users", "reset", project_path, "amara", "--password-stdin"],
        input="temporary password 7\n",
    )
    assert result.exit_code == 0, result.output
    with Store.open(project_path, create=False) as store:
        assert must_change_password(store, "amara")
        signed = sign_in(store, SignInLimiter(), "amara", "temporary password 7", now=0.0)
        assert signed.ok and signed.must_change
        session = SignedIn("amara", Role.CODER, "amara", 0.0)
        same = change_password(store, session, "temporary password 7", "temporary password 7")
        assert same is not None and "different" in same
        assert change_password(store, session, "my own sentence", "my own sentence") is None
        assert not must_change_password(store, "amara")
        signed = sign_in(store, SignInLimiter(), "amara", "my own sentence", now=1.0)
        assert signed.ok and not signed.must_change
        actions = [e.action for e in store.events()]
        assert "user.must_change_password" in actions and "user.password_changed" in actions


def test_cli_password_rules_and_reset_links(project_path: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["users", "add", project_path, "amara", "--password-stdin"], input="password1\n"
    )
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: The password needs at least 10 characters")
    result = runner.invoke(
        cli, ["users", "add", project_path, "amara", "--password-stdin"], input="1234567890\n"
    )
    assert "many people use" in result.output and result.exit_code == 1
    assert runner.invoke(cli, ["users", "add", project_path, "amara", "--invite"]).exit_code == 0
    result = runner.invoke(cli, ["users", "reset", project_path, "amara", "--invite"])
    assert result.exit_code == 0 and LINK.search(result.output), result.output


# -- in a real browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.test_browser_app import _start_app

    yield from _start_app(tmp_path_factory.mktemp("accounts"))


@pytest.mark.slow
@pytest.mark.browser
def test_invited_person_chooses_a_password_and_signs_in(app: Any, page: Any, browser: Any) -> None:
    from tests.test_browser_app import settle

    with Store.open(app.project, create=False) as store:
        store.add_user("newcomer", Role.CODER, "admin", display_name="Newcomer")
        token, _ = create_invite(store, "newcomer", "admin")
    page.goto(f"{app.url}/?invite={token}")
    page.get_by_role("heading", name="Choose your password").wait_for()
    page.get_by_text("Your user name is newcomer").wait_for()
    page.get_by_role("textbox", name="New password", exact=True).fill("qwertyuiop")
    page.get_by_role("textbox", name="New password again").fill("qwertyuiop")
    page.get_by_role("button", name="Save my password").click()
    page.get_by_text("many people use").wait_for()
    page.get_by_role("textbox", name="New password", exact=True).fill("walking by the river")
    page.get_by_role("textbox", name="New password again").fill("walking by the river")
    page.get_by_role("button", name="Save my password").click()
    page.get_by_text("Your password is saved. Sign in as newcomer.").wait_for()
    settle(page)
    assert "invite=" not in page.url
    page.get_by_label("Your user name").fill("newcomer")
    page.get_by_role("textbox", name="Password").fill("walking by the river")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    # The link is used up: anyone opening it again (a new browser, signed in as no one)
    # is told so.
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        again = other.new_page()
        again.set_default_timeout(BROWSER_TIMEOUT)
        again.goto(f"{app.url}/?invite={token}")
        again.get_by_text("This link has expired or has been used already").wait_for()
    finally:
        other.close()


@pytest.mark.slow
@pytest.mark.browser
def test_after_a_reset_the_person_chooses_a_new_password_first(app: Any, page: Any) -> None:
    from tests.test_browser_app import PASSWORD, has_session_cookie, settle, sign_in

    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["users", "reset", app.project, "dev", "--password-stdin"],
        input="temporary words 42\n",
    )
    assert result.exit_code == 0, result.output
    page.context.clear_cookies()
    page.goto(f"{app.url}/my-transcripts")
    page.get_by_label("Your user name").fill("dev")
    page.get_by_role("textbox", name="Password").fill("temporary words 42")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Choose a new password").wait_for()
    settle(page)
    assert page.get_by_role("heading", name="My transcripts").count() == 0
    # The sign-in cookie is set a moment after the page by a small script; reload only
    # once the browser holds it.
    assert has_session_cookie(page, wait_for=True)
    page.reload()  # the cookie resumes the session, and the change is still asked for
    page.get_by_role("heading", name="Choose a new password").wait_for()
    page.get_by_role("textbox", name="New password", exact=True).fill(PASSWORD)
    page.get_by_role("textbox", name="New password again").fill(PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    page.get_by_text("Your new password is saved.").wait_for()
    with Store.open(app.project, create=False) as store:
        assert not must_change_password(store, "dev")
    sign_in(page, app, "dev", "my-transcripts")
    page.get_by_role("heading", name="My transcripts").wait_for()


@pytest.mark.slow
@pytest.mark.browser
def test_admin_invites_from_the_accounts_page(app: Any, page: Any, browser: Any) -> None:
    from tests.test_browser_app import settle, sign_in

    sign_in(page, app, "admin", "accounts")
    page.get_by_role("heading", name="Invite a person").wait_for()
    form = page.locator("[data-testid='stForm']").filter(has_text="Make an invitation link")
    form.get_by_role("textbox", name="User name").fill("pat")
    form.get_by_role("textbox", name="Name shown in the app (optional)").fill("Pat")
    form.get_by_role("button", name="Make an invitation link").click()
    page.get_by_text("Added pat. Send them this link").wait_for()
    settle(page)
    link = page.locator("[data-testid='stCode'] code").inner_text().strip()
    assert link.startswith(f"{app.url}/?invite="), link
    with Store.open(app.project, create=False) as store:
        assert store.password_hash("pat") is None
        assert link.split("=", 1)[1] not in repr([e.payload for e in store.events()])

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    p2 = other.new_page()
    p2.set_default_timeout(30_000)
    p2.goto(link)
    p2.get_by_text("Your user name is pat").wait_for()
    p2.get_by_role("textbox", name="New password", exact=True).fill("tea by the window")
    p2.get_by_role("textbox", name="New password again").fill("tea by the window")
    p2.get_by_role("button", name="Save my password").click()
    p2.get_by_text("Your password is saved. Sign in as pat.").wait_for()
    other.close()
    with Store.open(app.project, create=False) as store:
        assert verify_password(store.password_hash("pat"), "tea by the window")
