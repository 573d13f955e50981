"""qualkit: de-identify, code, and report on peer-research interviews."""

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

__version__ = "0.1.0"

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
]
