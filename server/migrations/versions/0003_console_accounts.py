"""The admin console's staff accounts and sessions (made by create_all before this revision)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create console_users and console_sessions, unless an older server's create_all already made them."""
    existing = sa.inspect(op.get_bind())
    if not existing.has_table("console_users"):
        op.create_table(
            "console_users",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("username", sa.String(64), nullable=False, unique=True),
            sa.Column("display_name", sa.String(64), nullable=False),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("password_hash", sa.String(256), nullable=False),
            sa.Column("failed_logins", sa.Integer, nullable=False),
            sa.Column("locked_until", sa.Float, nullable=False),
            sa.Column("disabled", sa.Boolean, nullable=False),
            sa.Column("created_at", sa.Float, nullable=False),
        )
    if not existing.has_table("console_sessions"):
        op.create_table(
            "console_sessions",
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("user_id", sa.Integer, nullable=False),
            sa.Column("csrf_token", sa.String(64), nullable=False),
            sa.Column("expires_at", sa.Float, nullable=False),
        )
        op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])
        op.create_index("ix_console_sessions_expires_at", "console_sessions", ["expires_at"])


def downgrade() -> None:
    """Drop the console's account tables."""
    op.drop_table("console_sessions")
    op.drop_table("console_users")
