"""qualkit: de-identify, code, and report on peer-research interviews."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Event,
    Memo,
    Participant,
    Project,
    Provenance,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
    User,
)

if TYPE_CHECKING:
    from qualkit.analysis.frames import Study

__version__ = "0.1.0"


def open(project: str | Path) -> Study:
    """Open a project for analysis, read only: ``study = qualkit.open("study.db")``.

    See :mod:`qualkit.analysis.frames` for the tables (``study.codings`` and others) and
    :class:`qualkit.analysis.Study` for matrices, the Framework matrix and charts.
    """
    from qualkit.analysis.frames import open_study

    return open_study(project)


__all__ = [
    "Code",
    "Codebook",
    "Coding",
    "Event",
    "Memo",
    "Participant",
    "Project",
    "Provenance",
    "Role",
    "SpeakerKind",
    "Transcript",
    "Turn",
    "User",
    "__version__",
    "open",
]
