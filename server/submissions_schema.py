"""Tables and statuses of form submissions on the pool server (own MetaData, mounted by the app)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)
from sqlalchemy.ext.asyncio import AsyncEngine

metadata = MetaData()

submissions = Table(
    "form_submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),  # exactly once, by constraint
    Column("tracking_number", String(16), nullable=False, index=True),
    Column("form_id", String(40), nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("kiosk_id", String(64), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("priority", Boolean, nullable=False),  # the migrant workers' wage-claim green channel
    Column("assisted", Boolean, nullable=False),  # filled in by community staff for the villager
    Column("body_digest", String(64), nullable=False),  # HMAC of the submission, to tell replays apart
    Column("payload", LargeBinary, nullable=False),  # AES-GCM: values, consent, assisted_by
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

submission_events = Table(
    "form_submission_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("form_submissions.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("from_status", String(20), nullable=True),
    Column("to_status", String(20), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", LargeBinary, nullable=True),  # AES-GCM: what staff tell the villager
)


class SubmissionStatus(StrEnum):
    """Where a submission stands at the centre; the villager sees the Chinese name."""

    SUBMITTED = "submitted"  # 已提交
    ACCEPTED = "accepted"  # 受理
    NEEDS_MATERIALS = "needs_materials"  # 补充材料
    ASSIGNED = "assigned"  # 已指派
    CLOSED = "closed"  # 办结

    @property
    def label(self) -> str:
        """The status as the villager reads it."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[SubmissionStatus, str] = {
    SubmissionStatus.SUBMITTED: "已提交",
    SubmissionStatus.ACCEPTED: "受理",
    SubmissionStatus.NEEDS_MATERIALS: "补充材料",
    SubmissionStatus.ASSIGNED: "已指派",
    SubmissionStatus.CLOSED: "办结",
}

STATUS_TEXTS: dict[SubmissionStatus, str] = {
    SubmissionStatus.SUBMITTED: "您的申请已经送到中心，正在等工作人员查看。",
    SubmissionStatus.ACCEPTED: "中心已经受理了您的申请，正在审查，有结果会打电话告诉您。",
    SubmissionStatus.NEEDS_MATERIALS: "还需要您补充材料。请按下面说的准备好，带到中心，或者打电话问清楚。",
    SubmissionStatus.ASSIGNED: "已经给您安排了律师或者工作人员，他会打电话联系您。",
    SubmissionStatus.CLOSED: "这件事已经办完了。",
}

TRANSITIONS: dict[SubmissionStatus, frozenset[SubmissionStatus]] = {
    SubmissionStatus.SUBMITTED: frozenset(
        {SubmissionStatus.ACCEPTED, SubmissionStatus.NEEDS_MATERIALS, SubmissionStatus.CLOSED}
    ),
    SubmissionStatus.ACCEPTED: frozenset(
        {SubmissionStatus.NEEDS_MATERIALS, SubmissionStatus.ASSIGNED, SubmissionStatus.CLOSED}
    ),
    SubmissionStatus.NEEDS_MATERIALS: frozenset(
        {SubmissionStatus.ACCEPTED, SubmissionStatus.ASSIGNED, SubmissionStatus.CLOSED}
    ),
    SubmissionStatus.ASSIGNED: frozenset({SubmissionStatus.NEEDS_MATERIALS, SubmissionStatus.CLOSED}),
    SubmissionStatus.CLOSED: frozenset(),
}


async def create_tables(engine: AsyncEngine) -> None:
    """Create the submission tables if they do not exist (the app's migrations may do it instead)."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
