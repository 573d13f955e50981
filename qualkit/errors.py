"""Errors qualkit raises for bad input. Messages never quote transcript text."""

from __future__ import annotations

from pathlib import Path


class QualkitError(Exception):
    """Base class: a one-line, user-facing problem.

    The message is always one line: line breaks in it (a parser's own message can hold
    some) become spaces.
    """

    def __str__(self) -> str:
        text = super().__str__()
        if "\n" in text or "\r" in text:
            return " ".join(part.strip() for part in text.splitlines() if part.strip())
        return text


class InputError(QualkitError):
    """A file could not be read or understood.

    The message names the file (and line, when known) and the problem, never the
    file's content.
    """

    def __init__(self, path: str | Path, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class CodebookError(InputError):
    """A codebook is invalid (duplicate ids, unknown parent, cycle, empty definition)."""


class UnstorableValue(QualkitError):
    """A value the project database refuses on either backend: longer than its column, or
    holding a NUL character (which PostgreSQL cannot store in text)."""


class NotFoundError(QualkitError):
    """A transcript, code, user or project does not exist."""


class ConflictError(QualkitError):
    """Someone else changed the same thing first; reload and try again."""


class NotAProject(QualkitError):
    """A PROJECT argument names something that is not a qualkit project database."""

    def __init__(self, target: str, reason: str = "is not a qualkit project") -> None:
        self.target = target
        super().__init__(f"{target} {reason}")


class ProjectBusy(QualkitError):
    """Another process held the project's database for longer than the busy timeout."""


class AgreementError(QualkitError, ValueError):
    """Agreement statistics cannot be computed from these inputs (also a ValueError)."""


class PermissionDenied(QualkitError):
    """The user's role does not allow this action."""


class MissingExtra(QualkitError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is needed for this; install it with: pip install 'qualkit[{extra}]'"
        )
