"""The catalogue of event kinds (:mod:`qualkit.events`): one value per kind, every kind
the code writes is in it, and every place that writes or reads a kind names it there."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import qualkit
from qualkit.errors import QualkitError
from qualkit.events import EventKind
from qualkit.model import Code, Coding, Memo, Provenance
from qualkit.storage import Store
from qualkit.storage.check import check
from qualkit.storage.invites import (
    accept_invite,
    change_own_password,
    create_invite,
    require_password_change,
)
from qualkit.storage.store import ThemeRecord
from qualkit.ui.ratelimit import SignInLimiter
from qualkit.ui.signin import sign_in, sign_out
from tests import test_ui_store
from tests.test_ui_store import PASSWORD

#: The sample project (users, codebook, transcripts, assignments) as a fixture.
sample = test_ui_store.sample

#: The methods that write (``log``, ``_log``, ``UnitOfWork.log``) or read (``events``) events.
_KIND_CALLS = {"log", "_log", "events"}
#: What an event kind looks like as a string.
_KIND_TEXT = re.compile(r"^[a-z_]+\.[a-z_]+$")


def test_each_kind_has_its_own_value() -> None:
    values = [member.value for member in EventKind.__members__.values()]
    assert len(values) == len(set(values)), "two names share one event kind (an alias)"
    assert all(v == v.strip() and "." in v for v in values)


def _work(store: Store) -> None:
    """A round of what people do in a project, each step writing its events."""
    lim = SignInLimiter(free_attempts=1, base_wait=60)
    sign_in(store, lim, "dev", "wrong password here", now=10.0)
    sign_in(store, lim, "dev", PASSWORD, now=11.0)
    session = sign_in(store, SignInLimiter(), "casey", PASSWORD, now=12.0).session
    assert session is not None
    sign_out(store, session)
    sign_out(store, session, reason="timed out")
    token, _ = create_invite(store, "casey", "admin")
    accept_invite(store, token, "hash")
    create_invite(store, "casey", "admin", purpose="reset")
    require_password_change(store, "casey", "admin")
    change_own_password(store, "casey", "hash2")
    store.set_password_hash("casey", "hash3", "admin")
    store.update_settings("admin", x=1)
    store.update_project("admin", name="Renamed", description="")
    tid = store.transcripts()[0].tid
    store.set_content_notes(tid, ["distress"], "admin")
    store.assign(tid, "dev", "admin")
    for status in ("declined", "assigned", "done"):
        store.set_assignment_status(tid, "dev", status, "dev")
    cb = store.codebook()
    store.add_code(Code("new_code", "New", "A new code."), "admin")
    store.set_codebook(cb, "admin")
    cid = cb.codes[0].cid
    first = store.add_coding(Coding("dev", tid, 0, 5, cid, provenance=Provenance.MANUAL))
    store.add_codings([Coding("dev", tid, 5, 9, cid)], "dev")
    store.update_coding(first, "dev", memo="note")
    store.add_memo(Memo("dev", "a memo", transcript=tid))
    store.delete_coding(first, "dev")
    store.save_framework_summary(tid, cid, "summary", "admin")
    one, two = store.save_theme_run([ThemeRecord("a"), ThemeRecord("b")], "admin")
    assert one.id is not None and two.id is not None
    for action in ("rename", "absorb", "merge_code", "accept", "reject"):
        store.decide_theme(one.id, "admin", action)
    store.decide_theme(two.id, "admin", "merge", status="merged", merged_into=one.id)


def test_every_kind_written_is_in_the_catalogue(sample: Store) -> None:
    _work(sample)
    written = {e.action for e in sample.events()}
    assert written - set(EventKind) == set()
    assert len(written) > 30
    assert check(sample.url).ok


def test_an_unknown_theme_decision_is_refused_before_writing(sample: Store) -> None:
    (theme,) = sample.save_theme_run([ThemeRecord("a")], "admin")
    assert theme.id is not None
    n = len(sample.events())
    with pytest.raises(QualkitError, match="unknown theme decision"):
        sample.decide_theme(theme.id, "admin", "bless")
    assert len(sample.events()) == n


def _kinds_as_strings(tree: ast.AST) -> Iterator[int]:
    """Lines of calls to :data:`_KIND_CALLS` that pass an event kind as a string of its own
    (a literal like ``"auth.failed"``, or an f-string), and the number of calls seen."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in _KIND_CALLS:
            continue
        yield 0
        for arg in [*node.args, *(k.value for k in node.keywords if k.arg == "action")]:
            for part in ast.walk(arg):
                if isinstance(part, ast.JoinedStr) or (
                    isinstance(part, ast.Constant)
                    and isinstance(part.value, str)
                    and _KIND_TEXT.match(part.value)
                ):
                    yield node.lineno
                    break


def test_the_code_names_event_kinds_from_the_catalogue() -> None:
    """No event kind is written or read by a string of its own: a string literal (or an
    f-string) where a kind goes fails here, so a new kind has to be added to EventKind."""
    root = Path(qualkit.__file__).parent
    found: list[str] = []
    checked = 0
    for path in sorted(root.rglob("*.py")):
        for line in _kinds_as_strings(ast.parse(path.read_text(encoding="utf-8"))):
            if line == 0:
                checked += 1
            else:
                found.append(f"{path.relative_to(root)}:{line}")
    assert checked > 40
    assert found == []
