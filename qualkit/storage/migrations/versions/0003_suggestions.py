"""suggestions: embedding cache and candidate themes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "embedding_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embedding_cache")),
        sa.UniqueConstraint("model", "text_hash", name=op.f("uq_embedding_cache_model")),
    )
    op.create_table(
        "suggested_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("transcripts", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("passages", sa.JSON(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=True),
        sa.Column("seed", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("inherited_from", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggested_themes")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("suggested_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggested_themes_run"), ["run"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("suggested_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggested_themes_run"))
    op.drop_table("suggested_themes")
    op.drop_table("embedding_cache")
