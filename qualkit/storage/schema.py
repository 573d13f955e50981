"""SQLAlchemy ORM tables. Only ``qualkit.storage`` imports this module.

The project database holds de-identified text only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from qualkit import limits

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _longest(n: int) -> dict[str, Any]:
    """Column info for a text column qualkit limits to ``n`` characters (checked on flush)."""
    return {"max_length": n}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class ProjectRow(Base):
    __tablename__ = "project"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.PROJECT_NAME))
    description: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.USER_NAME), unique=True)
    display_name: Mapped[str] = mapped_column(String(limits.DISPLAY_NAME), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Set by an admin's password reset: the person chooses a new password at sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ParticipantRow(Base):
    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pid: Mapped[str] = mapped_column(String(limits.PARTICIPANT_ID), unique=True)
    role: Mapped[str] = mapped_column(String(limits.PARTICIPANT_ROLE))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TranscriptRow(Base):
    __tablename__ = "transcripts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tid: Mapped[str] = mapped_column(String(limits.TRANSCRIPT_ID), unique=True)
    title: Mapped[str] = mapped_column(String(limits.TRANSCRIPT_TITLE))
    source_name: Mapped[str] = mapped_column(String(limits.SOURCE_NAME))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    content_notes: Mapped[list[Any]] = mapped_column(default=list)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), nullable=True
    )
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    participant: Mapped[ParticipantRow | None] = relationship()
    turns: Mapped[list[TurnRow]] = relationship(
        back_populates="transcript",
        order_by="TurnRow.idx",
        cascade="all, delete-orphan",
    )


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("transcript_id", "idx"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(limits.SPEAKER))
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    timestamp: Mapped[str | None] = mapped_column(String(limits.TIMESTAMP), nullable=True)
    transcript: Mapped[TranscriptRow] = relationship(back_populates="turns")


class CodeRow(Base):
    __tablename__ = "codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cid: Mapped[str] = mapped_column(String(limits.CODE_ID), unique=True)
    name: Mapped[str] = mapped_column(String(limits.CODE_NAME))
    definition: Mapped[str] = mapped_column(Text, default="", info=_longest(limits.CODE_TEXT))
    parent_cid: Mapped[str | None] = mapped_column(String(limits.CODE_ID), nullable=True)
    include: Mapped[str] = mapped_column(Text, default="", info=_longest(limits.CODE_TEXT))
    exclude: Mapped[str] = mapped_column(Text, default="", info=_longest(limits.CODE_TEXT))
    examples: Mapped[list[Any]] = mapped_column(default=list)
    colour: Mapped[str | None] = mapped_column(String(7), nullable=True)
    codable: Mapped[bool] = mapped_column(Boolean, default=True)
    provenance: Mapped[str] = mapped_column(String(20), default="manual")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CodebookVersionRow(Base):
    """One saved change to the codebook: who changed what, when."""

    __tablename__ = "codebook_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(limits.USER_NAME))
    name: Mapped[str] = mapped_column(String(limits.CODE_NAME))
    changes: Mapped[list[Any]] = mapped_column(default=list)


class CodingRow(Base):
    __tablename__ = "codings"
    __table_args__ = (Index("ix_codings_transcript_coder", "transcript_id", "coder_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text, default="")
    provenance: Mapped[str] = mapped_column(String(20), default="manual")
    memo: Mapped[str] = mapped_column(Text, default="", info=_longest(limits.MEMO))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    transcript: Mapped[TranscriptRow] = relationship()
    coder: Mapped[UserRow] = relationship()
    code: Mapped[CodeRow] = relationship()


class MemoRow(Base):
    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=True
    )
    coding_id: Mapped[int | None] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text, info=_longest(limits.MEMO))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author: Mapped[UserRow] = relationship()
    transcript: Mapped[TranscriptRow | None] = relationship()


class AssignmentRow(Base):
    """A transcript given to a coder; ``status`` is assigned, declined or done."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("transcript_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    changed: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSessionRow(Base):
    """A browser's sign-in, so that reloading the page keeps a person signed in. Only a
    SHA-256 hash of the browser's random token is stored; the row goes at sign-out."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InviteRow(Base):
    """A one-time link for setting one's own password (an invitation, or a reset by an
    admin): only the SHA-256 hash of its random token is stored."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="invite")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EventRow(Base):
    """Append-only command log. Rows are never updated or deleted."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(limits.USER_NAME))
    action: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)


# -- suggestions ---------------------------------------------------------------------


class EmbeddingRow(Base):
    """Cached sentence embedding of one de-identified text, keyed by model and text hash."""

    __tablename__ = "embedding_cache"
    __table_args__ = (UniqueConstraint("model", "text_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThemeRow(Base):
    """A candidate theme from one theme-discovery run, and the team's decision on it.

    ``status`` is candidate, accepted, rejected or merged. Rows of older runs are kept
    (``current`` false) when they carry a decision, so later runs can honour it.
    """

    __tablename__ = "suggested_themes"
    # Theme ids are shown to people; never reuse the id of a deleted theme.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run: Mapped[int] = mapped_column(Integer, index=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    label: Mapped[str] = mapped_column(String(limits.THEME_LABEL))
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    quotes: Mapped[list[Any]] = mapped_column(default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    transcripts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    roles: Mapped[dict[str, Any]] = mapped_column(default=dict)
    passages: Mapped[list[Any]] = mapped_column(default=list)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    seed: Mapped[str | None] = mapped_column(String(limits.CODE_ID), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="candidate")
    code: Mapped[str | None] = mapped_column(String(limits.CODE_ID), nullable=True)
    merged_into: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(limits.USER_NAME), nullable=True)
    inherited_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="", info=_longest(limits.MEMO))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- analysis ------------------------------------------------------------------------


class FrameworkSummaryRow(Base):
    """One saved version of a researcher's summary for a Framework-matrix cell: one case
    (a participant id, or a transcript id for a transcript without a participant) and one
    code or theme. Rows are only added; the newest version is the summary."""

    __tablename__ = "framework_summaries"
    __table_args__ = (UniqueConstraint("case_id", "code", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(limits.TRANSCRIPT_ID))
    code: Mapped[str] = mapped_column(String(limits.CODE_ID))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="", info=_longest(limits.MEMO))
    author: Mapped[str] = mapped_column(String(limits.USER_NAME))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
