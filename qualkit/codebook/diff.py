"""Differences between two versions of a codebook, code by code.

Codes are matched by id, so a renamed or moved code is one code that changed, not one
removed and one added. The storage layer records each :class:`CodeChange` (via
:meth:`CodeChange.as_dict`) with who made it and when.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from qualkit.model import Code, Codebook, Provenance


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    MOVED = "moved"
    CHANGED = "changed"


FIELDS = ("definition", "include", "exclude", "examples", "colour", "codable", "provenance")
"""Code fields reported as :attr:`ChangeKind.CHANGED`, in report order."""


@dataclass
class CodeChange:
    """One change to one code, or to the codebook itself when ``cid`` is ``None``.

    ``field`` is ``"name"`` for renames, ``"parent"`` for moves, one of :data:`FIELDS` (or
    the codebook's ``"name"``/``"description"``) for other changes, and ``None`` for
    additions and removals. ``before``/``after`` hold plain JSON values: text, lists,
    booleans, ``None``, or for an added or removed code the whole code as a dict.
    """

    kind: ChangeKind
    cid: str | None
    field: str | None = None
    before: Any = None
    after: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "cid": self.cid,
            "field": self.field,
            "before": self.before,
            "after": self.after,
        }

    def summary(self) -> str:
        """One line for a change log, e.g. ``access.waiting: definition changed``."""
        subject = self.cid if self.cid is not None else "codebook"
        if self.kind is ChangeKind.ADDED:
            return f"{subject}: added"
        if self.kind is ChangeKind.REMOVED:
            return f"{subject}: removed"
        if self.kind is ChangeKind.RENAMED:
            return f"{subject}: renamed from '{self.before}' to '{self.after}'"
        if self.kind is ChangeKind.MOVED:
            before = self.before or "the top level"
            after = self.after or "the top level"
            return f"{subject}: moved from {before} to {after}"
        return f"{subject}: {self.field} changed"


def code_to_dict(code: Code) -> dict[str, Any]:
    """``code`` as plain JSON values."""
    return {
        "cid": code.cid,
        "name": code.name,
        "definition": code.definition,
        "parent": code.parent,
        "include": code.include,
        "exclude": code.exclude,
        "examples": list(code.examples),
        "colour": code.colour,
        "codable": code.codable,
        "provenance": code.provenance.value,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Provenance):
        return value.value
    if isinstance(value, list):
        return list(value)
    return value


def diff_codebooks(old: Codebook, new: Codebook) -> list[CodeChange]:
    """Every change from ``old`` to ``new``.

    Order: codebook name and description; removed codes (in ``old``'s order); then, in
    ``new``'s order, each added code, or each existing code's rename, move and field changes
    (in :data:`FIELDS` order). Reordering siblings and the version number are not changes.
    """
    changes: list[CodeChange] = []
    for attr in ("name", "description"):
        before, after = getattr(old, attr), getattr(new, attr)
        if before != after:
            changes.append(CodeChange(ChangeKind.CHANGED, None, attr, before, after))
    old_codes = old.by_id()
    new_codes = new.by_id()
    for code in old.codes:
        if code.cid not in new_codes:
            changes.append(CodeChange(ChangeKind.REMOVED, code.cid, before=code_to_dict(code)))
    for code in new.codes:
        previous = old_codes.get(code.cid)
        if previous is None:
            changes.append(CodeChange(ChangeKind.ADDED, code.cid, after=code_to_dict(code)))
            continue
        if previous.name != code.name:
            changes.append(
                CodeChange(ChangeKind.RENAMED, code.cid, "name", previous.name, code.name)
            )
        if previous.parent != code.parent:
            changes.append(
                CodeChange(ChangeKind.MOVED, code.cid, "parent", previous.parent, code.parent)
            )
        for attr in FIELDS:
            before, after = getattr(previous, attr), getattr(code, attr)
            if before != after:
                changes.append(
                    CodeChange(ChangeKind.CHANGED, code.cid, attr, _plain(before), _plain(after))
                )
    return changes
