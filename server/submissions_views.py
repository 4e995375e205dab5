"""Submissions for logged-in lawyers: GET the list and one application, POST a status change."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from content.forms import review_lines
from server.auth import token_hash
from server.keys import STORAGE, SUBMISSIONS
from server.storage import LawyerAccount
from server.submissions import StatusChangeError, SubmissionError, SubmissionRecord, SubmissionStore
from server.submissions_schema import TRANSITIONS, SubmissionStatus, submissions
from server.views import bearer_token

log = logging.getLogger(__name__)
MAX_LIST = 200
MAX_NOTE_CHARS = 500

LOGIN_NEEDED = SubmissionError(401, "login_needed", "请先登录律师工作台")
NO_SUCH = SubmissionError(404, "not_found", "没有这个受理号的申请")
BUSY = SubmissionError(503, "busy", "服务器正忙，请稍后再试")


async def _lawyer(request: web.Request) -> LawyerAccount:
    token = bearer_token(request)
    lawyer = await request.app[STORAGE].lawyer_by_session(token_hash(token), time.time()) if token else None
    if lawyer is None:
        raise LOGIN_NEEDED
    return lawyer


def _summary(store: SubmissionStore, record: SubmissionRecord) -> dict[str, Any]:
    form = store.forms.get(record.form_id)
    return {
        "id": record.id,
        "tracking_number": record.tracking_number,
        "form_id": record.form_id,
        "form_title": form.title if form else record.form_id,
        "status": record.status.value,
        "status_label": record.status.label,
        "next_statuses": [{"code": s.value, "label": s.label} for s in _ordered(TRANSITIONS[record.status])],
        "priority": record.priority,
        "assisted_by": record.assisted_by,
        "applicant": str(record.values.get("name", "")),
        "kiosk_id": record.kiosk_id,
        "submitted_at": record.submitted_at.isoformat(timespec="seconds"),
        "received_at": record.received_at.isoformat(timespec="seconds"),
    }


def _ordered(statuses: frozenset[SubmissionStatus]) -> list[SubmissionStatus]:
    return [s for s in SubmissionStatus if s in statuses]


def _detail(store: SubmissionStore, record: SubmissionRecord) -> dict[str, Any]:
    form = store.forms.get(record.form_id)
    lines = review_lines(form, record.values) if form else []
    return {
        **_summary(store, record),
        "lines": [{"field_id": f, "caption": c, "answer": a} for f, c, a in lines],
        "values": record.values,
        "consent": record.consent,
    }


async def _record_by_tracking(store: SubmissionStore, tracking: str) -> SubmissionRecord:
    async with store.engine.connect() as conn:
        ids = (
            (
                await conn.execute(
                    select(submissions.c.id).where(submissions.c.tracking_number == tracking.upper())
                )
            )
            .scalars()
            .all()
        )
    if len(ids) != 1:
        raise NO_SUCH
    record = await store.get(int(ids[0]))
    if record is None:
        raise NO_SUCH
    return record


def desk_submission_routes() -> list[web.RouteDef]:
    """GET /api/submissions, GET /api/submissions/{tracking}, POST /api/submissions/{tracking}/status."""

    async def list_submissions(request: web.Request) -> web.Response:
        try:
            await _lawyer(request)
            raw = request.query.get("status", "")
            status = SubmissionStatus(raw) if raw in SubmissionStatus._value2member_map_ else None
            store = request.app[SUBMISSIONS]
            records = await store.list(status=status, limit=MAX_LIST)
        except SubmissionError as error:
            return error.response()
        except SQLAlchemyError:
            return BUSY.response()
        items = [_summary(store, r) for r in records]
        return web.json_response({"submissions": items}, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    async def get_submission(request: web.Request) -> web.Response:
        try:
            await _lawyer(request)
            store = request.app[SUBMISSIONS]
            record = await _record_by_tracking(store, request.match_info["tracking"])
        except SubmissionError as error:
            return error.response()
        except SQLAlchemyError:
            return BUSY.response()
        return web.json_response(_detail(store, record), dumps=lambda o: json.dumps(o, ensure_ascii=False))

    async def change_status(request: web.Request) -> web.Response:
        try:
            lawyer = await _lawyer(request)
            try:
                body = await request.json()
            except ValueError:
                raise SubmissionError(400, "malformed_json", "请求格式不对") from None
            if not isinstance(body, dict) or body.get("status") not in SubmissionStatus._value2member_map_:
                raise SubmissionError(400, "bad_status", "请选择一个办理状态")
            note = body.get("note", "")
            if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
                raise SubmissionError(400, "bad_note", f"给群众的说明请不要超过{MAX_NOTE_CHARS}个字")
            store = request.app[SUBMISSIONS]
            record = await _record_by_tracking(store, request.match_info["tracking"])
            target = SubmissionStatus(body["status"])
            try:
                await store.change_status(record.id, target, f"lawyer:{lawyer.lawyer_id}", note.strip())
            except StatusChangeError:
                message = f"现在是“{record.status.label}”，不能改成“{target.label}”"
                raise SubmissionError(409, "status_not_allowed", message) from None
            updated = await store.get(record.id)
        except SubmissionError as error:
            return error.response()
        except SQLAlchemyError:
            return BUSY.response()
        log.info(
            "submission %s set to %s by lawyer-%d", record.tracking_number, target.value, lawyer.lawyer_id
        )
        assert updated is not None
        return web.json_response(_summary(store, updated), dumps=lambda o: json.dumps(o, ensure_ascii=False))

    return [
        web.get("/api/submissions", list_submissions),
        web.get("/api/submissions/{tracking}", get_submission),
        web.post("/api/submissions/{tracking}/status", change_status),
    ]
