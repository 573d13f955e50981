"""Domain model: plain dataclasses shared by every part of qualkit.

Nothing here knows about SQLAlchemy, Streamlit or Presidio. Offsets are Unicode code
points into one normalised text (NFC, no BOM, ``\\n`` line ends), end exclusive.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` of one text: code points, end exclusive, ``0 <= start <= end``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}-{self.end}")

    def __len__(self) -> int:
        return self.end - self.start


class SpeakerKind(enum.StrEnum):
    INTERVIEWER = "interviewer"
    PARTICIPANT = "participant"
    OTHER = "other"


class Role(enum.StrEnum):
    """What a user may do. Ordered from most to least privileged."""

    ADMIN = "admin"
    RESEARCHER = "researcher"
    CODER = "coder"
    READER = "reader"


class Provenance(enum.StrEnum):
    MANUAL = "manual"
    SUGGESTED = "suggested"
    CONSENSUS = "consensus"
    IMPORTED = "imported"


@dataclass
class Project:
    name: str
    description: str = ""
    id: int | None = None
    created: datetime | None = None


@dataclass
class Participant:
    """A person interviewed, known only by a pseudonymous id and a role label."""

    pid: str
    role: str = "Person accessing support"
    attributes: dict[str, str] = field(default_factory=dict)
    id: int | None = None


@dataclass
class Turn:
    """One speaker turn: ``text[start:end]`` of its transcript is what was said.

    ``start``/``end`` exclude the speaker label and timestamp; ``label_start`` is where
    the line holding the label begins, so ``text[label_start:end]`` is the whole turn.
    """

    index: int
    speaker: str
    kind: SpeakerKind
    start: int
    end: int
    label_start: int | None = None
    timestamp: str | None = None


@dataclass
class Transcript:
    """A de-identified transcript as stored in a project."""

    tid: str
    title: str
    text: str
    source_name: str
    text_hash: str
    turns: list[Turn] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    participant: str | None = None
    content_notes: list[str] = field(default_factory=list)
    id: int | None = None


@dataclass
class Code:
    """A code in a codebook. ``cid`` is stable across renames and exports."""

    cid: str
    name: str
    definition: str = ""
    parent: str | None = None
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    colour: str | None = None
    codable: bool = True
    provenance: Provenance = Provenance.MANUAL


def theme_of(cid: str, parents: Mapping[str, str | None]) -> str:
    """The top-level code (theme) above ``cid``, ``cid`` itself for a top-level code or one
    not in ``parents`` (each code's parent); a loop of parents stops where it closes."""
    seen = {cid}
    while (parent := parents.get(cid)) is not None and parent not in seen:
        seen.add(parent)
        cid = parent
    return cid


@dataclass
class Codebook:
    name: str
    codes: list[Code] = field(default_factory=list)
    description: str = ""
    version: int = 1

    def by_id(self) -> dict[str, Code]:
        return {c.cid: c for c in self.codes}

    def parents(self) -> dict[str, str | None]:
        """Each code's parent (None for a top-level code)."""
        return {c.cid: c.parent for c in self.codes}

    def theme_of(self, cid: str) -> str:
        """The top-level code (theme) above ``cid``: :func:`theme_of` over this codebook."""
        return theme_of(cid, self.parents())

    def children(self, cid: str | None) -> list[Code]:
        return [c for c in self.codes if c.parent == cid]

    def descendants(self, cid: str) -> list[Code]:
        """Every code below ``cid`` (not including it), depth first."""
        out: list[Code] = []
        for child in self.children(cid):
            out.append(child)
            out.extend(self.descendants(child.cid))
        return out


@dataclass
class User:
    name: str
    role: Role = Role.CODER
    display_name: str = ""
    id: int | None = None


@dataclass
class Coding:
    """One code applied by one coder to ``text[start:end]`` of a transcript."""

    coder: str
    transcript: str
    start: int
    end: int
    code: str
    quote: str = ""
    provenance: Provenance = Provenance.MANUAL
    memo: str = ""
    created: datetime | None = None
    changed: datetime | None = None
    id: int | None = None


@dataclass
class Memo:
    author: str
    text: str
    transcript: str | None = None
    coding_id: int | None = None
    created: datetime | None = None
    id: int | None = None


@dataclass
class Event:
    """An append-only record of who did what, and when."""

    actor: str
    action: str
    payload: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None
    id: int | None = None
