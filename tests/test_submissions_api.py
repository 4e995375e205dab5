"""The server's submission API: exactly once under replays, clear 4xx errors, status lookup, sealed data."""

from __future__ import annotations

import asyncio
import io
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import create_async_engine

from content.forms import CHINA_TZ, build_submission, load_form, new_idempotency_key, new_tracking_number
from content.forms.crypto import DataCipher
from content.forms.examples import EXAMPLE_ID_NUMBER, example_values
from server.submissions import MAX_BODY_BYTES, StatusChangeError, SubmissionStore, submission_routes
from server.submissions_schema import SubmissionStatus

TOKENS = {"token-village-1": "kiosk-1", "token-village-2": "kiosk-2"}
AUTH = {"Authorization": "Bearer token-village-1"}


@dataclass
class Server:
    """A running aiohttp app with the submission routes on a temp SQLite file."""

    url: str
    store: SubmissionStore
    db_path: Path


async def authenticate(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return TOKENS.get(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None


@asynccontextmanager
async def submission_server(tmp_path: Path, key: bytes | None = None, port: int = 0) -> AsyncIterator[Server]:
    """Start the routes in an app of their own on 127.0.0.1 (as the lead's app factory will mount them)."""
    db_path = tmp_path / "pool.sqlite3"
    engine = create_async_engine(f"sqlite+aiosqlite:///{db_path}", connect_args={"timeout": 30})
    store = SubmissionStore(engine, DataCipher(key or os.urandom(32)))
    await store.create_tables()
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.add_routes(submission_routes(lambda _request: store, authenticate))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield Server(f"http://127.0.0.1:{port}", store, db_path)
    finally:
        await runner.cleanup()
        await engine.dispose()


def envelope(form_id: str = "legal_aid", now: datetime | None = None, **values: Any) -> dict[str, Any]:
    """A confirmed submission as the terminal's outbox sends it."""
    now = now or datetime.now(CHINA_TZ)
    spec = load_form(form_id)
    consent = None
    if spec.consent:
        consent = {
            "version": 1,
            "granted": True,
            "at": now.isoformat(),
            "fields": list(spec.consent.sensitive_fields),
        }
    body = build_submission(spec, example_values(spec, now.date()) | values, None, None, now)
    body["consent"] = consent
    return body | {"idempotency_key": new_idempotency_key(), "tracking_number": new_tracking_number()}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with submission_server(tmp_path) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession, url: str, body: Any, headers: dict[str, str] = AUTH
) -> tuple[int, Any]:
    data = io.BytesIO(body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode())
    async with http.post(url + "/api/submissions", data=data, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_a_submission_is_stored_and_its_replay_returns_the_same_tracking_number(
    server: Server, http: aiohttp.ClientSession
) -> None:
    body = envelope()
    status, reply = await post(http, server.url, body)
    assert status == 201
    assert reply["tracking_number"] == body["tracking_number"] and reply["status"] == "已提交"
    status, again = await post(http, server.url, body)
    assert status == 200 and again["tracking_number"] == body["tracking_number"] and not again["created"]
    assert await server.store.count() == 1


async def test_concurrent_replays_store_exactly_once(server: Server, http: aiohttp.ClientSession) -> None:
    bodies = [envelope(name=f"申请人{i}") for i in range(5)]
    results = await asyncio.gather(*(post(http, server.url, b) for b in bodies for _ in range(8)))
    assert all(status in (200, 201) for status, _ in results)
    assert sum(status == 201 for status, _ in results) == 5
    assert await server.store.count() == 5
    stored = {record.tracking_number for record in await server.store.list()}
    assert stored == {b["tracking_number"] for b in bodies}


async def test_the_same_key_with_different_content_is_a_conflict(
    server: Server, http: aiohttp.ClientSession
) -> None:
    body = envelope()
    assert (await post(http, server.url, body))[0] == 201
    status, reply = await post(http, server.url, body | {"values": body["values"] | {"name": "别人"}})
    assert status == 409 and reply["error"]["code"] == "idempotency_conflict"
    assert (await server.store.list())[0].values["name"] == "李秀英"


async def test_a_kiosk_without_a_valid_token_is_refused(server: Server, http: aiohttp.ClientSession) -> None:
    for headers in ({}, {"Authorization": "Bearer stolen"}, {"Authorization": "token-village-1"}):
        status, reply = await post(http, server.url, envelope(), headers)
        assert status == 401 and reply["error"]["code"] == "unauthorized"
        assert "终端" in reply["error"]["message"]
    assert await server.store.count() == 0


async def test_wrong_fields_are_refused_with_a_message_per_field(
    server: Server, http: aiohttp.ClientSession
) -> None:
    body = envelope(id_number="110105194912310021", phone="12345")
    status, reply = await post(http, server.url, body)
    assert status == 422
    assert reply["error"]["code"] == "invalid_fields"
    assert reply["error"]["fields"]["id_number"] == "身份证号码最后一位不对，请再核对一下"
    assert "电话号码不对" in reply["error"]["fields"]["phone"]
    assert await server.store.count() == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"consent": None}, "consent_missing"),
        ({"consent": {"version": 1, "granted": False}}, "consent_missing"),
        ({"form_id": "tax_return"}, "unknown_form"),
        ({"form_version": 99}, "unknown_form_version"),
        ({"idempotency_key": "short"}, "bad_idempotency_key"),
        ({"tracking_number": "OOOO"}, "bad_tracking_number"),
        ({"submitted_at": "yesterday"}, "bad_submitted_at"),
        ({"submitted_at": "2026-01-01T00:00:00"}, "bad_submitted_at"),  # no time zone
        ({"submitted_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat()}, "submitted_at_out_of_range"),
        ({"values": ["not", "a", "form"]}, "bad_values"),
        ({"assisted_by": 42}, "bad_assisted_by"),
    ],
)
async def test_bad_envelopes_get_a_clear_code_and_nothing_is_stored(
    server: Server, http: aiohttp.ClientSession, change: dict[str, Any], code: str
) -> None:
    status, reply = await post(http, server.url, envelope() | change)
    assert 400 <= status < 500
    assert reply["error"]["code"] == code
    assert reply["error"]["message"]  # plain Chinese for the staff screen
    assert await server.store.count() == 0


async def test_malformed_and_oversized_bodies_get_4xx(server: Server, http: aiohttp.ClientSession) -> None:
    assert (await post(http, server.url, b"{not json"))[0] == 400
    assert (await post(http, server.url, b"\xff\xfe"))[0] == 400
    assert (await post(http, server.url, b"[1, 2]"))[0] == 400
    status, reply = await post(http, server.url, b"x" * (MAX_BODY_BYTES + 1))
    assert status == 413 and reply["error"]["code"] == "too_large"
    assert await server.store.count() == 0


async def test_a_delayed_delivery_is_judged_as_of_the_day_it_was_confirmed(
    server: Server, http: aiohttp.ClientSession
) -> None:
    confirmed = datetime.now(CHINA_TZ) - timedelta(days=20)  # offline for twenty days
    body = envelope("notary", now=confirmed)
    assert body["values"]["date"] < datetime.now(CHINA_TZ).date().isoformat()  # the day has passed
    assert (await post(http, server.url, body))[0] == 201


async def test_wage_claims_of_migrant_workers_are_stored_with_priority(
    server: Server, http: aiohttp.ClientSession
) -> None:
    ordinary = envelope(migrant_worker=False, special_group="relief_recipient")
    wage = envelope()
    for body in (ordinary, wage):
        assert (await post(http, server.url, body))[0] == 201
    first = (await server.store.list())[0]
    assert first.tracking_number == wage["tracking_number"] and first.priority


async def lookup(http: aiohttp.ClientSession, url: str, number: str, last4: str) -> tuple[int, Any]:
    body = {"tracking_number": number, "phone_last4": last4}
    async with http.post(url + "/api/submissions/status", json=body, headers=AUTH) as response:
        return response.status, await response.json()


async def test_status_lookup_needs_the_phones_last_four_digits(
    server: Server, http: aiohttp.ClientSession
) -> None:
    body = envelope()
    await post(http, server.url, body)
    number = body["tracking_number"]
    typed = f"{number[:4].lower()}-{number[4:]}"  # as a villager types it from the receipt
    status, reply = await lookup(http, server.url, typed, "5678")
    assert status == 200
    assert reply["status"] == "已提交" and reply["form_title"] == "法律援助申请"
    assert "送到中心" in reply["text"]
    wrong_phone = await lookup(http, server.url, number, "0000")
    unknown = await lookup(http, server.url, new_tracking_number(), "5678")
    assert wrong_phone == unknown  # nothing tells a stranger the number exists
    assert wrong_phone[0] == 404 and "后四位" in wrong_phone[1]["error"]["message"]
    assert (await lookup(http, server.url, number, "56"))[0] == 422
    assert (await lookup(http, server.url, "IIII", "5678"))[0] == 422


async def test_status_changes_are_seen_by_the_villager(server: Server, http: aiohttp.ClientSession) -> None:
    body = envelope()
    await post(http, server.url, body)
    record = (await server.store.list())[0]
    store = server.store
    await store.change_status(record.id, SubmissionStatus.ACCEPTED, "clerk:zhang")
    assert (await lookup(http, server.url, body["tracking_number"], "5678"))[1]["status"] == "受理"
    await store.change_status(
        record.id, SubmissionStatus.NEEDS_MATERIALS, "clerk:zhang", "请带工资条和欠条原件"
    )
    reply = (await lookup(http, server.url, body["tracking_number"], "5678"))[1]
    assert reply["status"] == "补充材料" and "请带工资条和欠条原件" in reply["text"]
    await store.change_status(record.id, SubmissionStatus.ASSIGNED, "clerk:zhang", "指派张律师")
    await store.change_status(record.id, SubmissionStatus.CLOSED, "lawyer:li")
    reply = (await lookup(http, server.url, body["tracking_number"], "5678"))[1]
    assert reply["status"] == "办结" and reply["status_code"] == "closed"
    with pytest.raises(StatusChangeError):
        await store.change_status(record.id, SubmissionStatus.ACCEPTED, "clerk:zhang")
    with pytest.raises(StatusChangeError):
        await store.change_status(9999, SubmissionStatus.ACCEPTED, "clerk:zhang")


async def test_a_status_cannot_skip_acceptance(server: Server, http: aiohttp.ClientSession) -> None:
    await post(http, server.url, envelope())
    record = (await server.store.list())[0]
    with pytest.raises(StatusChangeError):
        await server.store.change_status(record.id, SubmissionStatus.ASSIGNED, "clerk:zhang")


async def test_personal_data_is_encrypted_in_the_servers_database(
    server: Server, http: aiohttp.ClientSession
) -> None:
    body = envelope(name="欧阳秀英", facts="二〇二六年在青山镇工地干活被拖欠工资五个月未付。")
    await post(http, server.url, body)
    record = (await server.store.list())[0]
    await server.store.change_status(
        record.id, SubmissionStatus.NEEDS_MATERIALS, "clerk", "带上欧阳秀英的工资条"
    )
    await server.store.engine.dispose()  # flush every connection before reading the raw file
    raw = b"".join(p.read_bytes() for p in server.db_path.parent.glob("pool.sqlite3*"))
    for secret in ("欧阳秀英", EXAMPLE_ID_NUMBER, "13912345678", "拖欠工资五个月", "工资条"):
        assert secret.encode() not in raw, secret
    assert (await server.store.get(record.id)) is not None  # and it still opens with the key
