"""The coding app's actions against a real project database (SQLite, or PostgreSQL when
QUALKIT_TEST_DB is set): sign-in and its log, undo, blind progress, codebook conflicts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from qualkit.errors import PermissionDenied
from qualkit.model import Role
from qualkit.storage import Store
from qualkit.testing.sample_project import SAMPLE_TRANSCRIPTS, build_sample_project
from qualkit.ui.editing import CONFLICT, parse_examples, save_code_edit
from qualkit.ui.progress import my_assignments, team_overview
from qualkit.ui.ratelimit import SignInLimiter
from qualkit.ui.signin import EMPTY, WRONG, restore_failures, sign_in, sign_out
from qualkit.ui.undo import UndoStack, change_coding, code_span, remove_coding

PASSWORD = "correct horse battery"


@pytest.fixture
def sample(db_url: str, tmp_path: Path) -> Iterator[Store]:
    build_sample_project(db_url, tmp_path / "src", password=PASSWORD)
    s = Store.open(db_url)
    yield s
    s.close()


def _codable(store: Store) -> list[str]:
    return [c.cid for c in store.codebook().codes if c.codable]


# -- sample project ----------------------------------------------------------------------


def test_sample_project_is_imported_through_the_normal_path(sample: Store) -> None:
    ts = sample.transcripts(with_text=True)
    assert [t.tid for t in ts] == sorted(SAMPLE_TRANSCRIPTS)
    assert all(len(t.turns) == 6 for t in ts)
    assert {u.name: u.role for u in sample.users()}["casey"] is Role.CODER
    imports = sample.events("transcripts.import")
    assert imports and imports[0].payload.get("gate") == "not-identifiable"
    assert len(sample.assignments("casey")) == 2


# -- sign-in -----------------------------------------------------------------------------


def test_sign_in_success_and_failures_are_logged_without_passwords(sample: Store) -> None:
    lim = SignInLimiter()
    bad = sign_in(sample, lim, "casey", "not the password", now=100.0)
    assert not bad.ok and bad.message == WRONG
    unknown = sign_in(sample, lim, "my secret pass", "whatever1", now=101.0)
    assert not unknown.ok and unknown.message == WRONG  # same words: no account probing
    assert sign_in(sample, lim, "casey", "", now=102.0).message == EMPTY
    good = sign_in(sample, lim, " casey ", PASSWORD, now=103.0)
    assert good.ok and good.session is not None
    assert good.session.user == "casey" and good.session.role is Role.CODER
    failed = sample.events("auth.failed")
    assert [e.payload.get("user") for e in failed] == ["casey", None]
    assert [e.actor for e in failed] == ["casey", "anonymous"]
    every = repr([(e.actor, e.payload) for e in sample.events()])
    for secret in ("not the password", "whatever1", PASSWORD, "my secret pass"):
        assert secret not in every
    assert sample.events("auth.signin")[-1].actor == "casey"
    sign_out(sample, good.session, reason="timed out")
    assert sample.events("auth.timeout")[-1].payload == {"user": "casey"}


def test_repeated_failures_are_throttled_even_with_the_right_password(sample: Store) -> None:
    lim = SignInLimiter(free_attempts=3, base_wait=60)
    for i in range(3):
        assert not sign_in(sample, lim, "dev", f"guess-{i}-xx", now=10.0 + i).ok
    blocked = sign_in(sample, lim, "dev", PASSWORD, now=14.0)
    assert not blocked.ok and blocked.wait > 0 and "wait" in blocked.message
    assert sample.events("auth.throttled")
    assert sign_in(sample, lim, "dev", PASSWORD, now=14.0 + 61).ok
    # Another account is not blocked by dev's failures.
    assert sign_in(sample, lim, "casey", PASSWORD, now=15.0).ok


def test_limits_carry_over_a_restart_from_the_event_log(sample: Store) -> None:
    import time

    now = time.time()
    before = SignInLimiter(free_attempts=3, base_wait=60)
    for i in range(4):
        assert not sign_in(sample, before, "dev", f"guess-{i}-xx", now=now + i).ok
    assert not sign_in(sample, before, "casey", "wrong-password", now=now).ok
    assert sign_in(sample, before, "casey", PASSWORD, now=now + 1).ok
    # A new process: a fresh limiter, filled from the log.
    after = SignInLimiter(free_attempts=3, base_wait=60)
    # dev's fourth try was throttled, not checked: three failures, and casey's one.
    assert restore_failures(sample, after, now + 5) == 4
    blocked = sign_in(sample, after, "dev", PASSWORD, now=now + 5)
    assert not blocked.ok and blocked.wait > 0
    # casey signed in after failing, and old failures fall out of the window.
    assert sign_in(sample, after, "casey", PASSWORD, now=now + 5).ok
    later = SignInLimiter(free_attempts=3, base_wait=60)
    assert restore_failures(sample, later, now + later.window + 10) == 0


def test_browser_sign_ins_resume_until_idle_ended_or_password_reset(sample: Store) -> None:
    token = sample.start_web_session("dev")
    assert token not in str([e.payload for e in sample.events()])
    user = sample.resume_web_session(token, idle_seconds=60)
    assert user is not None and user.name == "dev"
    assert sample.resume_web_session(token + "x", idle_seconds=60) is None
    # Idle too long: refused, and the sign-in is gone for good.
    assert sample.resume_web_session(token, idle_seconds=0) is None
    assert sample.resume_web_session(token, idle_seconds=60) is None
    # Signing out ends it.
    token = sample.start_web_session("dev")
    sample.end_web_session(token)
    assert sample.resume_web_session(token, idle_seconds=60) is None
    # A new password ends every sign-in of the account, not other people's.
    mine, theirs = sample.start_web_session("dev"), sample.start_web_session("casey")
    sample.set_password_hash("dev", sample.password_hash("dev") or "", "admin")
    assert sample.resume_web_session(mine, idle_seconds=60) is None
    assert sample.resume_web_session(theirs, idle_seconds=60) is not None


def test_remembered_sign_in_resumes_and_is_logged(sample: Store) -> None:
    from qualkit.ui import remember

    token = sample.start_web_session("casey")
    sess = remember.resume(sample, token, timeout=600, now=123.0)
    assert sess is not None and sess.user == "casey" and sess.last_activity == 123.0
    assert sample.events("auth.resume")[-1].payload["user"] == "casey"
    assert remember.still_valid(sample, token, timeout=600)
    for bad in (None, "", "x' ; alert(1)", token + "'"):
        assert remember.resume(sample, bad, timeout=600, now=1.0) is None
    assert len(sample.events("auth.resume")) == 1
    assert remember.cookie_header(token, secure=True) == (
        f"qualkit_session={token}; Path=/; HttpOnly; SameSite=Strict; Secure"
    )
    assert "Max-Age=0" in remember.cookie_header(None, secure=False)
    with pytest.raises(ValueError):
        remember.cookie_script("'; document.cookie='x")


def test_per_browser_limit(sample: Store) -> None:
    per_user, per_client = SignInLimiter(free_attempts=50), SignInLimiter(free_attempts=2)
    for i, name in enumerate(["casey", "dev"]):
        sign_in(
            sample,
            per_user,
            name,
            "wrong-password",
            now=float(i),
            client="10.0.0.9",
            client_limiter=per_client,
        )
    r = sign_in(
        sample, per_user, "rita", PASSWORD, now=3.0, client="10.0.0.9", client_limiter=per_client
    )
    assert not r.ok and r.wait > 0
    ok = sign_in(
        sample, per_user, "rita", PASSWORD, now=3.0, client="10.0.0.10", client_limiter=per_client
    )
    assert ok.ok


# -- coding actions and undo -------------------------------------------------------------


def test_the_same_coding_twice_is_saved_once(sample: Store) -> None:
    stack = UndoStack()
    codes = _codable(sample)
    first = code_span(sample, stack, "casey", "t01", 20, 30, codes[:1])
    again = code_span(sample, stack, "casey", "t01", 20, 30, codes[:2])
    assert len(first) == 1 and len(again) == 1  # only the second code is new
    assert sorted(c.code for c in sample.codings(transcript="t01", coder="casey")) == sorted(
        codes[:2]
    )
    assert code_span(sample, stack, "casey", "t01", 20, 30, codes[:2]) == []
    stack.undo(sample, "casey")  # takes away the second code, not a duplicate
    assert [c.code for c in sample.codings(transcript="t01", coder="casey")] == codes[:1]
    # Only exactly those words, that coder and that transcript count as "already there".
    code_span(sample, stack, "casey", "t01", 20, 31, codes[1:2])
    code_span(sample, stack, "dev", "t01", 20, 30, codes[2:3])
    assert sample.codes_on("t01", "casey", 20, 30) == set(codes[:1])
    assert sample.codes_on("t01", "casey", 20, 31) == set(codes[1:2])
    assert sample.codes_on("t02", "casey", 20, 30) == set()


def test_code_change_remove_and_undo_each_step(sample: Store) -> None:
    stack = UndoStack()
    text = sample.transcript("t01").text
    a = text.index("waiting list")
    codes = _codable(sample)
    ids = code_span(sample, stack, "casey", "t01", a, a + 12, codes[:2], label="two codes")
    assert len(ids) == 2
    mine = sample.codings(transcript="t01", coder="casey")
    assert {c.code for c in mine} == set(codes[:2])
    assert all(c.quote == "waiting list" for c in mine)

    first = next(c for c in mine if c.id == ids[0])
    change_coding(sample, stack, "casey", first, end=a + 7, memo="only the waiting")
    remove_coding(sample, stack, "casey", sample.codings(coder="casey")[0])
    assert len(sample.codings(coder="casey")) == 1

    assert stack.undo(sample, "casey").startswith("Undone")  # the removal
    assert len(sample.codings(coder="casey")) == 2
    stack.undo(sample, "casey")  # the change
    restored = {c.code: c for c in sample.codings(coder="casey")}[first.code]
    assert (restored.start, restored.end, restored.memo) == (a, a + 12, "")
    stack.undo(sample, "casey")  # the two codes
    assert sample.codings(coder="casey") == []
    assert stack.undo(sample, "casey") == "There is nothing to undo."
    actions = [e.action for e in sample.events() if e.actor == "casey"]
    assert actions.count("coding.add") == 3 and actions.count("coding.delete") == 3
    assert "coding.update" in actions


def test_undo_follows_a_recreated_coding_to_its_new_id(sample: Store) -> None:
    stack = UndoStack()
    codes = _codable(sample)
    (first,) = code_span(sample, stack, "casey", "t02", 20, 30, codes[:1])
    (second,) = code_span(sample, stack, "casey", "t02", 40, 50, codes[:1])
    remove_coding(sample, stack, "casey", next(c for c in sample.codings() if c.id == first))
    stack.undo(sample, "casey")  # re-creates the first coding, under a new id
    ids = {c.id for c in sample.codings(coder="casey")}
    assert second in ids and first not in ids and len(ids) == 2
    stack.undo(sample, "casey")  # removes the second
    stack.undo(sample, "casey")  # removes the re-created first one
    assert sample.codings(coder="casey") == []


def test_coders_cannot_change_someone_elses_coding(sample: Store) -> None:
    stack = UndoStack()
    code_span(sample, stack, "dev", "t01", 20, 30, _codable(sample)[:1])
    theirs = sample.codings(coder="dev")[0]
    with pytest.raises(PermissionDenied):
        change_coding(sample, UndoStack(), "casey", theirs, code=_codable(sample)[1])
    with pytest.raises(PermissionDenied):
        remove_coding(sample, UndoStack(), "casey", theirs)


# -- blind progress ----------------------------------------------------------------------


def test_progress_counts_only_the_coders_own_layer(sample: Store) -> None:
    codes = _codable(sample)
    code_span(sample, UndoStack(), "dev", "t01", 20, 30, codes[:3])
    rows = {r.tid: r for r in my_assignments(sample, "casey")}
    assert rows["t01"].progress == "Not started"
    assert rows["t02"].all_notes == ["overdose"]  # proposed by the keyword check
    code_span(sample, UndoStack(), "casey", "t01", 20, 30, codes[:1])
    sample.set_assignment_status("t02", "casey", "declined", "casey")
    rows = {r.tid: r for r in my_assignments(sample, "casey")}
    assert rows["t01"].progress == "Started (1 codings)"
    assert rows["t02"].progress == "Declined"
    overview = {(t, u): (s, n) for t, u, s, n in team_overview(sample)}
    assert overview[("t02", "casey")][0] == "declined"
    assert overview[("t01", "dev")] == ("assigned", 3)
    declined = sample.events("assignment.declined")[-1]
    assert set(declined.payload) == {"transcript", "user"}  # no reason is asked or kept


# -- codebook editing --------------------------------------------------------------------


def test_two_editors_get_a_conflict_not_an_overwrite(sample: Store) -> None:
    cid = _codable(sample)[0]
    code = sample.codebook().by_id()[cid]
    version = sample.code_versions()[cid]
    first = save_code_edit(sample, replace(code, definition="Rita's words."), version, "rita")
    assert first.ok and first.version == version + 1
    second = save_code_edit(sample, replace(code, definition="Admin's words."), version, "admin")
    assert not second.ok and second.conflict and second.message == CONFLICT
    assert sample.codebook().by_id()[cid].definition == "Rita's words."
    again = save_code_edit(
        sample, replace(code, definition="Admin's words."), sample.code_versions()[cid], "admin"
    )
    assert again.ok
    assert not save_code_edit(sample, replace(code, name="  "), 1, "rita").ok


def test_simultaneous_codebook_saves_one_wins(db_url: str, sample: Store) -> None:
    cid = _codable(sample)[1]
    code = sample.codebook().by_id()[cid]
    version = sample.code_versions()[cid]
    results: dict[str, bool] = {}
    barrier = threading.Barrier(2)

    def edit(who: str) -> None:
        with Store.open(db_url) as s:
            barrier.wait()
            results[who] = save_code_edit(s, replace(code, definition=f"by {who}"), version, who).ok

    threads = [threading.Thread(target=edit, args=(w,)) for w in ("rita", "admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [False, True]
    winner = next(w for w, ok in results.items() if ok)
    assert sample.codebook().by_id()[cid].definition == f"by {winner}"


def test_parse_examples() -> None:
    assert parse_examples(" one \n\n two\n") == ["one", "two"]
