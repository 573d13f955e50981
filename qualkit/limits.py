"""The longest values a project stores, in characters: one definition for the database
schema (:mod:`qualkit.storage.schema`) and for every validator that checks input before
anything is written (codebooks, participants CSV, ``users add``, memos, ``.qdpx`` import).

The ``String`` columns get these lengths; the free-text limits (memos, code definitions)
are qualkit's own, so that a hostile file cannot store megabytes of text on either database.
Changing a column length needs a migration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualkit.model import Participant, Transcript

USER_NAME = 100
"""An account name (``users.name``); also the actor recorded in the event log."""
DISPLAY_NAME = 200
PROJECT_NAME = 200
PARTICIPANT_ID = 100
PARTICIPANT_ROLE = 200
TRANSCRIPT_ID = 200
TRANSCRIPT_TITLE = 500
SOURCE_NAME = 500
SPEAKER = 200
TIMESTAMP = 40
CODE_ID = 200
CODE_NAME = 300
"""A code's name; also the codebook's name (both are kept in ``codebook_versions.name``)."""
THEME_LABEL = 300
MEMO = 20_000
"""A memo, a coding's memo, or a note on a theme decision."""
CODE_TEXT = 20_000
"""A code's definition, include or exclude note, or one example."""


def too_long(value: str, limit: int, what: str) -> str | None:
    """A one-line problem when ``value`` has more than ``limit`` characters, else ``None``.

    ``what`` names the value ("the name of code 'x'"); the value itself is never quoted.
    """
    if len(value) <= limit:
        return None
    return f"{what} is longer than {limit:,} characters ({len(value):,})"


def participant_problem(p: Participant) -> str | None:
    """The first value of ``p`` too long to store, as a one-line problem, or ``None``."""
    return too_long(p.pid, PARTICIPANT_ID, "the participant id") or too_long(
        p.role, PARTICIPANT_ROLE, "the participant's role"
    )


def transcript_problem(t: Transcript) -> str | None:
    """The first value of ``t`` (not its text) too long to store, or ``None``."""
    checks = [
        (t.tid, TRANSCRIPT_ID, "the transcript id"),
        (t.title, TRANSCRIPT_TITLE, "the title"),
        (t.source_name, SOURCE_NAME, "the file name"),
    ]
    if t.participant is not None:
        checks.append((t.participant, PARTICIPANT_ID, "the participant id"))
    for turn in t.turns:
        checks.append((turn.speaker, SPEAKER, f"the speaker label of turn {turn.index + 1}"))
        if turn.timestamp is not None:
            checks.append((turn.timestamp, TIMESTAMP, f"the timestamp of turn {turn.index + 1}"))
    for value, limit, what in checks:
        if problem := too_long(value, limit, what):
            return problem
    return None


__all__ = [
    "CODE_ID",
    "CODE_NAME",
    "CODE_TEXT",
    "DISPLAY_NAME",
    "MEMO",
    "PARTICIPANT_ID",
    "PARTICIPANT_ROLE",
    "PROJECT_NAME",
    "SOURCE_NAME",
    "SPEAKER",
    "THEME_LABEL",
    "TIMESTAMP",
    "TRANSCRIPT_ID",
    "TRANSCRIPT_TITLE",
    "USER_NAME",
    "participant_problem",
    "too_long",
    "transcript_problem",
]
