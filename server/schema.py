"""The pool server's tables (SQLAlchemy Core); the database gets them by the Alembic migrations."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

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
    Column("tracking_number", String(16), unique=True),  # the matter's number (一事一录)
    Column("village", String(64), nullable=False, server_default=""),
    Column("priority", String(16), nullable=False, server_default="normal"),  # routing.Priority name
    Column("notes", Text),  # the lawyer's wrap-up notes, encrypted (server.crypto)
    Column("rating", Integer),  # the villager's 1..3
)

lawyer_specialties = Table(
    "lawyer_specialties",
    metadata,
    Column("lawyer_id", Integer, ForeignKey("lawyers.id", ondelete="CASCADE"), primary_key=True),
    Column("topic", String(32), primary_key=True),  # protocol.messages.Topic value
)

village_advisers = Table(
    "village_advisers",
    metadata,
    Column("village", String(64), primary_key=True),
    Column("lawyer_id", Integer, ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False),
)

shifts = Table(
    "shifts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lawyer_id", Integer, ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("weekday", Integer, nullable=False),  # 0 = Monday
    Column("start", String(8), nullable=False),  # HH:MM:SS, the centre's local time
    Column("end", String(8), nullable=False),
)

roster_changes = Table(
    "roster_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lawyer_id", Integer, ForeignKey("lawyers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("day", String(10), nullable=False, index=True),  # YYYY-MM-DD
    Column("on_duty", Boolean, nullable=False),
    Column("start", String(8), nullable=False),
    Column("end", String(8), nullable=False),
)

service_hours = Table(
    "service_hours",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("weekday", Integer, nullable=False),
    Column("start", String(8), nullable=False),
    Column("end", String(8), nullable=False),
)

callbacks = Table(
    "callbacks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tracking_number", String(16), nullable=False, unique=True),
    Column("kiosk_id", Integer, ForeignKey("kiosks.id"), index=True),
    Column("call_id", String(64)),  # the call that ended with the offer, if any
    Column("topic", String(32), nullable=False),
    Column("phone", Text, nullable=False),  # encrypted (server.crypto)
    Column("requested_at", Float, nullable=False, index=True),
    Column("done_at", Float),
    Column("done_by", Integer, ForeignKey("lawyers.id")),
    Column("notes", Text),  # encrypted
)

# The admin console's staff accounts (server/console_auth.py); by migration 0003.
console_users = Table(
    "console_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0.0),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

recordings = Table(  # a consented call recording (issue 7), stored with its matter
    "recordings",
    metadata,
    Column("call_id", String(64), ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("lawyer_id", Integer, ForeignKey("lawyers.id"), nullable=False),
    Column("container", String(16), nullable=False),  # "matroska"
    Column("size_bytes", Integer, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("completed_at", Float),  # None while chunks are still arriving
)

recording_chunks = Table(  # the recording in pieces of at most 1 MiB, each AES-GCM sealed (data key)
    "recording_chunks",
    metadata,
    Column("call_id", String(64), ForeignKey("recordings.call_id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

centre_fences = Table(  # by migration 0005: the newest cluster owner's fencing token per centre (issue 11)
    "centre_fences",
    metadata,
    Column("centre", String(64), primary_key=True),
    Column("token", BigInteger, nullable=False),
)
