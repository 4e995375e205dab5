"""Form submissions on the pool server: stored exactly once, checked again, status for the villager."""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from content.forms import CHINA_TZ, FormSpec, check_eligibility, load_all_forms, validate_form
from content.forms.checks import normalise_phone
from content.forms.crypto import DataCipher, SealError
from content.forms.tracking import normalise_tracking_number
from server.submissions_schema import (
    STATUS_TEXTS,
    TRANSITIONS,
    SubmissionStatus,
    create_tables,
    submission_events,
    submissions,
)

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 12 * 1024 * 1024  # six document photos of up to 1.5 MB each, base64, plus text
MAX_CLOCK_AHEAD = timedelta(minutes=10)
MAX_OUTBOX_AGE = timedelta(days=90)  # a terminal offline longer than this has its forms checked by hand
_KEY_PATTERN = re.compile(r"[0-9A-Za-z_-]{16,64}")


class SubmissionError(Exception):
    """A request the server refuses, with its HTTP status, machine code and a plain Chinese message."""

    def __init__(self, status: int, code: str, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})

    def response(self) -> web.Response:
        """The JSON error reply."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return web.json_response({"error": error}, status=self.status)


@dataclass(frozen=True)
class CheckedSubmission:
    """A submission that passed every server-side check, ready to store."""

    idempotency_key: str
    tracking_number: str
    form: FormSpec
    form_version: int
    submitted_at: datetime
    values: dict[str, Any]
    consent: dict[str, Any] | None
    assisted_by: str | None
    priority: bool

    def canonical(self) -> bytes:
        """The stored content as canonical JSON (what a replay must match)."""
        return json.dumps(
            {
                "tracking_number": self.tracking_number,
                "form_id": self.form.id,
                "form_version": self.form_version,
                "submitted_at": self.submitted_at.isoformat(),
                "values": self.values,
                "consent": self.consent,
                "assisted_by": self.assisted_by,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode()


def _bad(message: str, code: str = "bad_request") -> SubmissionError:
    return SubmissionError(400, code, message)


def check_submission(body: bytes, forms: Mapping[str, FormSpec], now: datetime) -> CheckedSubmission:
    """Parse and validate a submission body as the counter clerk would; raise SubmissionError if wrong."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _bad("提交的内容格式不对，请重新提交", "malformed_json") from None
    if not isinstance(data, dict):
        raise _bad("提交的内容格式不对，请重新提交", "malformed_json")
    key = data.get("idempotency_key")
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        raise _bad("缺少提交编号，请重新提交", "bad_idempotency_key")
    tracking = data.get("tracking_number")
    tracking = normalise_tracking_number(tracking) if isinstance(tracking, str) else None
    if tracking is None:
        raise _bad("受理号不对，请重新提交", "bad_tracking_number")
    form_id = data.get("form_id")
    form = forms.get(form_id) if isinstance(form_id, str) else None
    if form is None:
        raise SubmissionError(422, "unknown_form", "中心不认识这张申请表，请更新终端的内容后再提交")
    version = data.get("form_version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= form.version:
        raise SubmissionError(422, "unknown_form_version", "申请表的版本不对，请更新终端的内容后再提交")
    submitted_at = _parse_time(data.get("submitted_at"))
    if submitted_at is None:
        raise _bad("提交时间不对，请重新提交", "bad_submitted_at")
    if not now - MAX_OUTBOX_AGE <= submitted_at <= now + MAX_CLOCK_AHEAD:
        raise SubmissionError(422, "submitted_at_out_of_range", "这台终端的时间不对，请联系管理员校准时间")
    raw_consent = data.get("consent")
    consent: dict[str, Any] | None = None
    if form.consent is not None:
        if not isinstance(raw_consent, dict) or raw_consent.get("granted") is not True:
            raise SubmissionError(422, "consent_missing", "没有您本人的同意，不能处理身份证号码等敏感信息")
        consent = _clean_consent(raw_consent)
    assisted_by = data.get("assisted_by")
    if assisted_by is not None and (not isinstance(assisted_by, str) or not 0 < len(assisted_by) <= 60):
        raise _bad("代填的工作人员信息不对", "bad_assisted_by")
    values = data.get("values")
    if not isinstance(values, dict):
        raise _bad("申请表的内容不对，请重新提交", "bad_values")
    # Date rules are judged as on the day the villager confirmed, in China's time zone.
    result = validate_form(form, values, submitted_at.astimezone(CHINA_TZ))
    if not result.ok:
        raise SubmissionError(422, "invalid_fields", "有几项填得不对，请改一改", result.errors)
    priority = bool(form.eligibility) and check_eligibility(form, result.values).priority
    return CheckedSubmission(
        key, tracking, form, version, submitted_at, result.values, consent, assisted_by, priority
    )


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return None


def _clean_consent(consent: dict[str, Any]) -> dict[str, Any]:
    fields = consent.get("fields")
    version = consent.get("version")
    return {
        "granted": True,
        "version": version if isinstance(version, int) and not isinstance(version, bool) else 0,
        "at": str(consent.get("at", ""))[:40],
        "fields": [str(f)[:40] for f in fields][:20] if isinstance(fields, list) else [],
    }


@dataclass(frozen=True)
class StoreResult:
    """The outcome of storing: the tracking number, and whether this request created the row."""

    submission_id: int
    tracking_number: str
    created: bool


@dataclass(frozen=True)
class StatusView:
    """What the villager sees on status lookup."""

    tracking_number: str
    form_title: str
    status: SubmissionStatus
    note: str
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The status lookup reply."""
        text = STATUS_TEXTS[self.status] + (f"\n{self.note}" if self.note else "")
        return {
            "tracking_number": self.tracking_number,
            "form_title": self.form_title,
            "status": self.status.label,
            "status_code": self.status.value,
            "text": text,
            "updated_at": self.updated_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class SubmissionRecord:
    """One stored submission, decrypted, for the console, the desk and the PDF (一事一档)."""

    id: int
    tracking_number: str
    form_id: str
    kiosk_id: str
    status: SubmissionStatus
    priority: bool
    assisted_by: str | None
    values: dict[str, Any]
    consent: dict[str, Any] | None
    submitted_at: datetime
    received_at: datetime
    idempotency_key: str = field(repr=False)


class StatusChangeError(ValueError):
    """A status change that is not allowed (see submissions_schema.TRANSITIONS) or an unknown id."""


def _inserted_id(result: Any) -> int:
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise SubmissionError(503, "busy", "服务器正忙，请稍后再试")
    return int(key[0])


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite gives naive datetimes back


class SubmissionStore:
    """Submissions in the server's database: personal data sealed with AES-GCM, each stored once."""

    def __init__(
        self, engine: AsyncEngine, cipher: DataCipher, forms: Mapping[str, FormSpec] | None = None
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        self.forms: Mapping[str, FormSpec] = forms if forms is not None else load_all_forms()

    async def create_tables(self) -> None:
        """Create this store's tables if absent."""
        await create_tables(self.engine)

    def _seal_payload(self, checked: CheckedSubmission) -> bytes:
        plain = {"values": checked.values, "consent": checked.consent, "assisted_by": checked.assisted_by}
        return self.cipher.seal(json.dumps(plain, ensure_ascii=False).encode(), checked.idempotency_key)

    async def store(self, kiosk_id: str, checked: CheckedSubmission, now: datetime) -> StoreResult:
        """Insert once; a replay of the same submission returns the stored row (created=False)."""
        digest = self.cipher.digest(checked.canonical())
        row = {
            "idempotency_key": checked.idempotency_key,
            "tracking_number": checked.tracking_number,
            "form_id": checked.form.id,
            "form_version": checked.form_version,
            "kiosk_id": kiosk_id[:64],
            "status": SubmissionStatus.SUBMITTED.value,
            "priority": checked.priority,
            "assisted": checked.assisted_by is not None,
            "body_digest": digest,
            "payload": self._seal_payload(checked),
            "submitted_at": checked.submitted_at,
            "received_at": now,
            "updated_at": now,
        }
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(insert(submissions).values(**row))
                submission_id = int(_inserted_id(result))
                await conn.execute(
                    insert(submission_events).values(
                        submission_id=submission_id,
                        at=now,
                        from_status=None,
                        to_status=SubmissionStatus.SUBMITTED.value,
                        actor=f"kiosk:{kiosk_id}"[:64],
                        note=None,
                    )
                )
            return StoreResult(submission_id, checked.tracking_number, True)
        except IntegrityError:
            pass
        async with self.engine.connect() as conn:
            existing = (
                await conn.execute(
                    select(submissions.c.id, submissions.c.tracking_number, submissions.c.body_digest).where(
                        submissions.c.idempotency_key == checked.idempotency_key
                    )
                )
            ).first()
        if existing is None:  # the unique key clashed with nothing we can see: treat as busy, retry
            raise SubmissionError(503, "busy", "服务器正忙，请稍后再试")
        if not hmac.compare_digest(existing.body_digest, digest):
            raise SubmissionError(409, "idempotency_conflict", "这个提交编号已经用过了，内容却不一样")
        return StoreResult(existing.id, existing.tracking_number, False)

    def _open_payload(self, sealed: bytes, idempotency_key: str) -> dict[str, Any]:
        loaded = json.loads(self.cipher.open(sealed, idempotency_key))
        return loaded if isinstance(loaded, dict) else {}

    async def lookup(self, tracking_number: str, phone_last4: str) -> StatusView | None:
        """The status for a tracking number, if the phone's last four digits match."""
        async with self.engine.connect() as conn:
            query = select(submissions).where(submissions.c.tracking_number == tracking_number)
            rows = (await conn.execute(query)).all()
            for row in rows:
                form = self.forms.get(row.form_id)
                try:
                    payload = self._open_payload(row.payload, row.idempotency_key)
                except (SealError, ValueError):
                    log.error("submission %s cannot be decrypted with the current key", row.id)
                    continue
                values = payload.get("values", {})
                phone = normalise_phone(str(values.get(form.phone_field if form else "", "")))
                if len(phone) < 4 or not hmac.compare_digest(phone[-4:], phone_last4):
                    continue
                note = await self._latest_note(conn, row.id, row.idempotency_key)
                title = form.title if form else row.form_id
                status = SubmissionStatus(row.status)
                return StatusView(row.tracking_number, title, status, note, _aware(row.updated_at))
        return None

    async def _latest_note(self, conn: Any, submission_id: int, idempotency_key: str) -> str:
        event = (
            await conn.execute(
                select(submission_events.c.id, submission_events.c.note)
                .where(submission_events.c.submission_id == submission_id)
                .order_by(submission_events.c.id.desc())
                .limit(1)
            )
        ).first()
        if event is None or event.note is None:
            return ""
        return self.cipher.open(event.note, f"{idempotency_key}:{event.id}:note").decode()

    async def change_status(
        self,
        submission_id: int,
        to: SubmissionStatus,
        actor: str,
        note: str = "",
        now: datetime | None = None,
    ) -> SubmissionStatus:
        """Move a submission to another status (console or desk), with a note the villager will read."""
        now = now or datetime.now(UTC)
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    select(submissions.c.status, submissions.c.idempotency_key).where(
                        submissions.c.id == submission_id
                    )
                )
            ).first()
            if row is None:
                raise StatusChangeError(f"no submission {submission_id}")
            current = SubmissionStatus(row.status)
            if to not in TRANSITIONS[current]:
                raise StatusChangeError(f"{current.value} -> {to.value} is not allowed")
            changed = await conn.execute(
                update(submissions)
                .where(submissions.c.id == submission_id, submissions.c.status == current.value)
                .values(status=to.value, updated_at=now)
            )
            if changed.rowcount != 1:
                raise StatusChangeError("changed by someone else meanwhile; reload and try again")
            result = await conn.execute(
                insert(submission_events).values(
                    submission_id=submission_id,
                    at=now,
                    from_status=current.value,
                    to_status=to.value,
                    actor=actor[:64],
                    note=None,
                )
            )
            event_id = _inserted_id(result)
            if note:
                sealed = self.cipher.seal(note.encode(), f"{row.idempotency_key}:{event_id}:note")
                await conn.execute(
                    update(submission_events).where(submission_events.c.id == event_id).values(note=sealed)
                )
        return to

    async def get(self, submission_id: int) -> SubmissionRecord | None:
        """One submission with its personal data decrypted."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(submissions).where(submissions.c.id == submission_id))).first()
        return self._record(row) if row else None

    async def list(
        self, status: SubmissionStatus | None = None, limit: int = 100, offset: int = 0
    ) -> list[SubmissionRecord]:
        """Submissions, priority first then oldest first, decrypted (for the console and desks)."""
        query = select(submissions).order_by(submissions.c.priority.desc(), submissions.c.id)
        if status is not None:
            query = query.where(submissions.c.status == status.value)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.limit(limit).offset(offset))).all()
        return [self._record(row) for row in rows]

    async def count(self) -> int:
        """How many submissions are stored."""
        async with self.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(submissions))).scalar_one())

    def _record(self, row: Any) -> SubmissionRecord:
        payload = self._open_payload(row.payload, row.idempotency_key)
        return SubmissionRecord(
            id=row.id,
            tracking_number=row.tracking_number,
            form_id=row.form_id,
            kiosk_id=row.kiosk_id,
            status=SubmissionStatus(row.status),
            priority=row.priority,
            assisted_by=payload.get("assisted_by"),
            values=payload.get("values", {}),
            consent=payload.get("consent"),
            submitted_at=_aware(row.submitted_at),
            received_at=_aware(row.received_at),
            idempotency_key=row.idempotency_key,
        )


UNAUTHORIZED = SubmissionError(401, "unauthorized", "这台终端还没有登记，或者登记已经失效，请联系管理员")
NOT_FOUND = SubmissionError(404, "not_found", "没有查到。请核对受理号和手机号码的后四位")


async def _read_body(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise SubmissionError(413, "too_large", "提交的内容太大了，请少拍几张照片")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise SubmissionError(413, "too_large", "提交的内容太大了，请少拍几张照片") from None
    if len(body) > MAX_BODY_BYTES:
        raise SubmissionError(413, "too_large", "提交的内容太大了，请少拍几张照片")
    return body


def submission_routes(
    store_of: Callable[[web.Request], SubmissionStore],
    authenticate_kiosk: Callable[[web.Request], Awaitable[str | None]],
) -> list[web.RouteDef]:
    """The routes to mount in the app: POST /api/submissions and POST /api/submissions/status.

    `store_of` finds the store for a request (it is made at startup, after the routes).
    The app's client_max_size must be at least MAX_BODY_BYTES for submissions with photos.
    """

    async def submit(request: web.Request) -> web.Response:
        try:
            kiosk_id = await authenticate_kiosk(request)
            if kiosk_id is None:
                raise UNAUTHORIZED
            now = datetime.now(UTC)
            store = store_of(request)
            checked = check_submission(await _read_body(request), store.forms, now)
            result = await store.store(kiosk_id, checked, now)
        except SubmissionError as error:
            return error.response()
        except SQLAlchemyError as exc:
            log.warning("submission storage failed: %s", type(exc).__name__)
            return SubmissionError(503, "busy", "服务器正忙，请稍后再试").response()
        reply = {
            "tracking_number": result.tracking_number,
            "status": SubmissionStatus.SUBMITTED.label,
            "status_code": SubmissionStatus.SUBMITTED.value,
            "created": result.created,
        }
        if result.created:
            log.info("submission %s stored from kiosk %s", result.tracking_number, kiosk_id)
        return web.json_response(reply, status=201 if result.created else 200)

    async def status(request: web.Request) -> web.Response:
        try:
            if await authenticate_kiosk(request) is None:
                raise UNAUTHORIZED
            try:
                data = json.loads(await _read_body(request))
            except (ValueError, UnicodeDecodeError):
                raise _bad("查询的内容格式不对", "malformed_json") from None
            if not isinstance(data, dict):
                raise _bad("查询的内容格式不对", "malformed_json")
            raw_number, last4 = data.get("tracking_number"), data.get("phone_last4")
            number = normalise_tracking_number(raw_number) if isinstance(raw_number, str) else None
            if number is None:
                message = "受理号是8位，由数字和字母组成，请再核对一下"
                raise SubmissionError(422, "bad_tracking_number", message)
            if not isinstance(last4, str) or not re.fullmatch(r"\d{4}", last4):
                raise SubmissionError(422, "bad_phone_last4", "请填写手机号码的最后4位数字")
            view = await store_of(request).lookup(number, last4)
            if view is None:
                raise NOT_FOUND
        except SubmissionError as error:
            return error.response()
        except SQLAlchemyError as exc:
            log.warning("status lookup failed: %s", type(exc).__name__)
            return SubmissionError(503, "busy", "服务器正忙，请稍后再试").response()
        return web.json_response(view.to_json())

    return [web.post("/api/submissions", submit), web.post("/api/submissions/status", status)]
