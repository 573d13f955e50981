"""The store's unit of work: several repository calls, one transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from qualkit.errors import ConflictError, NotFoundError, QualkitError
from qualkit.model import Coding, Role
from qualkit.reconcile import Decision, accept_agreed, decide, disagreements
from qualkit.storage import Store
from qualkit.ui.undo import UndoStack, code_span
from tests.test_storage import TEXT, two_coder_project

W = TEXT.index("The waiting")
N = TEXT.index("Nobody")


class Injected(QualkitError):
    """The error a test injects part-way through a user action."""


@pytest.fixture
def coded(store: Store) -> Store:
    return two_coder_project(
        store,
        [  # agreed exactly, a second cluster
            Coding("a", "t1", 13, 24, "access.waiting"),
            Coding("b", "t1", 13, 24, "access.waiting"),
        ],
    )


def snapshot(store: Store) -> tuple[Any, ...]:
    """Everything a user action could have written."""
    return (
        [(c.id, c.coder, c.start, c.end, c.code, c.memo) for c in store.codings()],
        [(m.id, m.text, m.coding_id) for m in store.memos()],
        [(e.id, e.action) for e in store.events()],
        [u.name for u in store.users()],
    )


def fail_on(monkeypatch: pytest.MonkeyPatch, action: str, *, after: int = 0) -> None:
    """Make the ``after``+1-th event with ``action`` raise, as a failing write would."""
    real = Store._log
    seen = {"n": 0}

    def failing(s: Any, actor: str, act: Any, **payload: Any) -> None:
        if act == action:
            seen["n"] += 1
            if seen["n"] > after:
                raise Injected("injected failure")
        real(s, actor, act, **payload)

    monkeypatch.setattr(Store, "_log", staticmethod(failing))


@pytest.mark.parametrize("where", ["codings.add", "memo.add", "reconcile.decide"])
def test_an_error_part_way_through_decide_leaves_nothing_written(
    coded: Store, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    boundary = disagreements(coded, "t1", ["a", "b"])[0]
    before = snapshot(coded)
    fail_on(monkeypatch, where)
    with pytest.raises(Injected):
        decide(coded, boundary, Decision.MERGE, "researcher", note="both")
    monkeypatch.undo()
    assert snapshot(coded) == before
    # And the same decision then goes through whole: codings, memo and event together.
    [cid] = decide(coded, boundary, Decision.MERGE, "researcher", note="both")
    assert [m.coding_id for m in coded.memos()] == [cid]
    [event] = coded.events(action="reconcile.decide")
    assert event.payload["consensus_codings"] == [cid]
    assert event.actor == "researcher"


def test_accept_agreed_is_all_or_none(coded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(coded)
    fail_on(monkeypatch, "reconcile.decide", after=1)  # the second of two decisions
    with pytest.raises(Injected):
        accept_agreed(coded, "t1", ["a", "b"], "researcher")
    monkeypatch.undo()
    assert snapshot(coded) == before
    assert accept_agreed(coded, "t1", ["a", "b"], "researcher") == 2


def test_calls_in_a_unit_commit_together_with_their_events(store: Store) -> None:
    start = store.last_event_id()
    with store.transaction("admin") as unit:
        store.add_user("amara", Role.CODER, "admin")
        store.add_user("ben", Role.CODER, "admin")
        unit.log("users.batch", n=2)  # type: ignore[arg-type]  # a kind of the test's own
        # Reads inside the unit see its own writes ...
        assert {u.name for u in store.users()} >= {"amara", "ben"}
        # ... and nobody else does until it commits.
        with Store.open(store.url, create=False) as other:
            assert "amara" not in {u.name for u in other.users()}
    events = [(e.actor, e.action) for e in store.events() if e.id and e.id > start]
    assert events == [("admin", "user.add"), ("admin", "user.add"), ("admin", "users.batch")]


def test_nested_units_join_and_an_exception_rolls_back_everything(store: Store) -> None:
    before = snapshot(store)
    with pytest.raises(RuntimeError), store.transaction("admin"):
        store.add_user("amara", Role.CODER, "admin")
        with store.transaction("admin"):
            store.add_user("ben", Role.CODER, "admin")
        store.log("admin", "something")  # type: ignore[arg-type]  # a kind of the test's own
        raise RuntimeError("boom")
    assert snapshot(store) == before


def test_a_failed_call_caught_inside_leaves_nothing_of_its_own(store: Store) -> None:
    with store.transaction("admin"):
        store.add_user("amara", Role.CODER, "admin")
        with pytest.raises(ConflictError):
            store.add_user("amara", Role.CODER, "admin")
        with pytest.raises(QualkitError):  # flushed rows, then refused: rolled back alone
            store.add_user("x" * 5000, Role.CODER, "admin")
        with pytest.raises(Injected), store.transaction("admin"):
            store.add_user("ben", Role.CODER, "admin")
            raise Injected("inner block fails")
        store.add_user("cleo", Role.CODER, "admin")
    assert [u.name for u in store.users()] == ["amara", "cleo"]
    assert [e.payload["user"] for e in store.events("user.add")] == ["amara", "cleo"]


def test_coding_a_span_with_several_codes_is_all_or_none(coded: Store) -> None:
    before = snapshot(coded)
    with pytest.raises(NotFoundError):
        code_span(coded, UndoStack(), "a", "t1", 0, 5, ["access.waiting", "no.such.code"])
    assert snapshot(coded) == before


def test_undo_is_all_or_none_and_stays_on_the_stack(
    coded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = UndoStack()
    code_span(coded, stack, "a", "t1", 0, 5, ["access.waiting", "access.referrals"])
    before = snapshot(coded)
    fail_on(monkeypatch, "coding.delete", after=1)
    with pytest.raises(Injected):
        stack.undo(coded, "a")
    monkeypatch.undo()
    assert snapshot(coded) == before
    assert len(stack) == 1
    assert stack.undo(coded, "a").startswith("Undone")
    assert [c for c in coded.codings(coder="a") if c.start == 0] == []
