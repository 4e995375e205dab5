"""The foundation's tables: lawyers, kiosks, sessions, calls."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the first four tables."""
    op.create_table(
        "lawyers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("law_firm", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("village", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_seen_at", sa.Float),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("lawyer_id", sa.Integer, sa.ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False, index=True),
    )
    op.create_table(
        "calls",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id"), nullable=False, index=True),
        sa.Column("lawyer_id", sa.Integer, sa.ForeignKey("lawyers.id"), index=True),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("requested_at", sa.Float, nullable=False, index=True),
        sa.Column("first_ring_at", sa.Float),
        sa.Column("answered_at", sa.Float),
        sa.Column("ended_at", sa.Float),
        sa.Column("outcome", sa.String(32)),
        sa.Column("ended_by", sa.String(16)),
        sa.Column("stats", sa.Text, nullable=False),
        sa.Column("declined_by", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    for table in ("calls", "sessions", "kiosks", "lawyers"):
        op.drop_table(table)
