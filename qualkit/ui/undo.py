"""Coding actions that can be undone, one coder at a time.

Each coder's session keeps an :class:`UndoStack`. :func:`code_span`, :func:`change_coding`
and :func:`remove_coding` save at once through the :class:`~qualkit.storage.Store` (which
writes the event log) and remember how to reverse themselves; :meth:`UndoStack.undo`
reverses the newest one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from qualkit.errors import NotFoundError, PermissionDenied, QualkitError
from qualkit.model import Coding, Provenance
from qualkit.storage import Store

Kind = Literal["add", "update", "delete"]


@dataclass
class Action:
    kind: Kind
    coding_ids: list[int]
    before: list[Coding]
    label: str


class UndoStack:
    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self._items: list[Action] = []

    def __len__(self) -> int:
        return len(self._items)

    def push(self, action: Action) -> None:
        self._items.append(action)
        del self._items[: -self.limit]

    def peek(self) -> Action | None:
        return self._items[-1] if self._items else None

    def _remap(self, old: int, new: int) -> None:
        for a in self._items:
            a.coding_ids = [new if i == old else i for i in a.coding_ids]
            a.before = [replace(c, id=new) if c.id == old else c for c in a.before]

    def undo(self, store: Store, actor: str) -> str:
        """Reverse the newest action; returns what was undone, in plain words."""
        if not self._items:
            return "There is nothing to undo."
        action = self._items[-1]
        remap: list[tuple[int, int]] = []
        # One undo is one unit of work: all of it is reversed, or (on an error) none of it
        # and the action stays on the stack.
        with store.transaction(actor):
            if action.kind == "add":
                for cid in action.coding_ids:
                    with contextlib.suppress(NotFoundError):
                        store.delete_coding(cid, actor)
            elif action.kind == "update":
                for b in action.before:
                    assert b.id is not None
                    store.update_coding(
                        b.id, actor, start=b.start, end=b.end, code=b.code, memo=b.memo
                    )
            else:
                for b in action.before:
                    new = store.add_coding(replace(b, id=None), actor)
                    if b.id is not None:
                        remap.append((b.id, new))
        self._items.pop()
        for old, new in remap:
            self._remap(old, new)
        return f"Undone: {action.label}."


def _own(c: Coding, actor: str) -> None:
    if c.coder != actor:
        raise PermissionDenied("you can only change your own codings")


def code_span(
    store: Store,
    stack: UndoStack,
    actor: str,
    transcript: str,
    start: int,
    end: int,
    codes: Sequence[str],
    *,
    label: str = "",
) -> list[int]:
    """Apply each of ``codes`` to ``text[start:end]`` in the coder's own layer.

    A code the coder already has on exactly that text is not added again, so a click
    that arrives twice saves one coding (and one step to undo)."""
    if not codes:
        raise QualkitError("choose at least one code")
    have = store.codes_on(transcript, actor, start, end)
    ids: list[int] = []
    with store.transaction(actor):  # all the codes, or none
        for code in dict.fromkeys(codes):
            if code in have:
                continue
            coding = Coding(
                coder=actor,
                transcript=transcript,
                start=start,
                end=end,
                code=code,
                provenance=Provenance.MANUAL,
            )
            ids.append(store.add_coding(coding, actor))
    if ids:
        stack.push(Action("add", ids, [], label or f"coding with {len(ids)} code(s)"))
    return ids


def change_coding(
    store: Store,
    stack: UndoStack,
    actor: str,
    before: Coding,
    *,
    start: int | None = None,
    end: int | None = None,
    code: str | None = None,
    memo: str | None = None,
    label: str = "change to a coding",
) -> Coding:
    """Change the span, code or memo of one of the coder's own codings."""
    _own(before, actor)
    assert before.id is not None
    after = store.update_coding(before.id, actor, start=start, end=end, code=code, memo=memo)
    stack.push(Action("update", [before.id], [before], label))
    return after


def remove_coding(
    store: Store, stack: UndoStack, actor: str, coding: Coding, *, label: str = "removed coding"
) -> None:
    _own(coding, actor)
    assert coding.id is not None
    gone = store.delete_coding(coding.id, actor)
    stack.push(Action("delete", [coding.id], [gone], label))
