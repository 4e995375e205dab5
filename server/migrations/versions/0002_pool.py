"""The lawyer pool: matters on calls (tracking number, notes, rating), roster, callbacks."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TIME = sa.String(8)


def upgrade() -> None:
    """Add the matter columns to calls and the roster and callback tables."""
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("tracking_number", sa.String(16)))
        batch.add_column(sa.Column("village", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("priority", sa.String(16), nullable=False, server_default="normal"))
        batch.add_column(sa.Column("notes", sa.Text))
        batch.add_column(sa.Column("rating", sa.Integer))
        batch.create_unique_constraint("uq_calls_tracking_number", ["tracking_number"])
    lawyer_fk = sa.ForeignKey("lawyers.id", ondelete="CASCADE")
    op.create_table(
        "lawyer_specialties",
        sa.Column("lawyer_id", sa.Integer, lawyer_fk, primary_key=True),
        sa.Column("topic", sa.String(32), primary_key=True),
    )
    op.create_table(
        "village_advisers",
        sa.Column("village", sa.String(64), primary_key=True),
        sa.Column("lawyer_id", sa.Integer, sa.ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("lawyer_id", sa.Integer, sa.ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("start", _TIME, nullable=False),
        sa.Column("end", _TIME, nullable=False),
    )
    op.create_index("ix_shifts_lawyer_id", "shifts", ["lawyer_id"])
    op.create_table(
        "roster_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("lawyer_id", sa.Integer, sa.ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("on_duty", sa.Boolean, nullable=False),
        sa.Column("start", _TIME, nullable=False),
        sa.Column("end", _TIME, nullable=False),
    )
    op.create_index("ix_roster_changes_lawyer_id", "roster_changes", ["lawyer_id"])
    op.create_index("ix_roster_changes_day", "roster_changes", ["day"])
    op.create_table(
        "service_hours",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("start", _TIME, nullable=False),
        sa.Column("end", _TIME, nullable=False),
    )
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tracking_number", sa.String(16), nullable=False, unique=True),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id")),
        sa.Column("call_id", sa.String(64)),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("requested_at", sa.Float, nullable=False),
        sa.Column("done_at", sa.Float),
        sa.Column("done_by", sa.Integer, sa.ForeignKey("lawyers.id")),
        sa.Column("notes", sa.Text),
    )
    op.create_index("ix_callbacks_kiosk_id", "callbacks", ["kiosk_id"])
    op.create_index("ix_callbacks_requested_at", "callbacks", ["requested_at"])


def downgrade() -> None:
    """Drop the pool's tables and columns."""
    for table in ("callbacks", "service_hours", "roster_changes", "shifts", "village_advisers"):
        op.drop_table(table)
    op.drop_table("lawyer_specialties")
    with op.batch_alter_table("calls") as batch:
        batch.drop_constraint("uq_calls_tracking_number", type_="unique")
        for column in ("rating", "notes", "priority", "village", "tracking_number"):
            batch.drop_column(column)
