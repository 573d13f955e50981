"""Saving codebook edits with optimistic concurrency, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from qualkit.errors import ConflictError, NotFoundError, QualkitError
from qualkit.model import Code
from qualkit.storage import Store

CONFLICT = (
    "Someone else saved a change to this code while you were editing it, so your change "
    "was not saved. Press “Load the latest version” to see their change, then make yours again."
)


@dataclass
class SaveResult:
    ok: bool
    message: str
    version: int | None = None
    conflict: bool = False


def save_code_edit(store: Store, code: Code, expected_version: int, actor: str) -> SaveResult:
    """Save ``code`` only if nobody changed it since ``expected_version`` was read."""
    if not code.name.strip():
        return SaveResult(False, "A code needs a name.")
    try:
        version = store.update_code(code, expected_version, actor)
    except ConflictError:
        return SaveResult(False, CONFLICT, conflict=True)
    except NotFoundError:
        return SaveResult(False, "This code is no longer in the codebook.")
    except QualkitError as e:
        return SaveResult(False, f"That could not be saved: {e}")
    return SaveResult(True, f"Saved “{code.name}”.", version)


def parse_examples(text: str) -> list[str]:
    """One example per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]
