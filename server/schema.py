"""The pool server's tables (SQLAlchemy Core); created with metadata.create_all until migrations come."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

lawyers = Table(
    "lawyers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("law_firm", String(128), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("created_at", Float, nullable=False),
)

kiosks = Table(
    "kiosks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("village", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex of the bearer token
    Column("created_at", Float, nullable=False),
    Column("last_seen_at", Float),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("lawyer_id", Integer, ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

calls = Table(
    "calls",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kiosk_id", Integer, ForeignKey("kiosks.id"), nullable=False, index=True),
    Column("lawyer_id", Integer, ForeignKey("lawyers.id"), index=True),  # who answered, if anyone
    Column("topic", String(32), nullable=False),
    Column("requested_at", Float, nullable=False, index=True),
    Column("first_ring_at", Float),
    Column("answered_at", Float),
    Column("ended_at", Float),
    Column("outcome", String(32)),  # protocol.messages.EndReason value
    Column("ended_by", String(16)),  # kiosk | lawyer | server
    Column("stats", Text, nullable=False, default="{}"),  # JSON: {"kiosk": {...}, "lawyer": {...}}
    Column("declined_by", Text, nullable=False, default="[]"),  # JSON: [{"lawyer_id", "reason", "at"}]
)
