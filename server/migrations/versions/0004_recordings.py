"""Consented call recordings (issue 7): one row per recording, its sealed 1 MiB chunks."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the recordings and recording_chunks tables."""
    op.create_table(
        "recordings",
        sa.Column("call_id", sa.String(64), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("lawyer_id", sa.Integer, sa.ForeignKey("lawyers.id"), nullable=False),
        sa.Column("container", sa.String(16), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("completed_at", sa.Float),
    )
    op.create_table(
        "recording_chunks",
        sa.Column(
            "call_id",
            sa.String(64),
            sa.ForeignKey("recordings.call_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    """Drop the recording tables."""
    op.drop_table("recording_chunks")
    op.drop_table("recordings")
