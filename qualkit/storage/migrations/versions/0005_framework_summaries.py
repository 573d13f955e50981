"""framework summaries

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "framework_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_summaries")),
        sa.UniqueConstraint(
            "case_id", "code", "version", name=op.f("uq_framework_summaries_case_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("framework_summaries")
