"""Fencing for call records written by a cluster's centre owners (issue 11): one row per centre
holding the newest owner's token; a record write carrying an older token is refused."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the centre_fences table."""
    op.create_table(
        "centre_fences",
        sa.Column("centre", sa.String(64), primary_key=True),
        sa.Column("token", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    """Drop the centre_fences table."""
    op.drop_table("centre_fences")
