"""The deliverer: at least once to the real server, retries while it is away, rejected rows kept."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest

from content.forms import CHINA_TZ, build_submission, load_form
from content.forms.examples import example_values
from kiosk.outbox import Backoff, Deliverer, DeliveryOutcome, EntryState, Outbox, lookup_status
from tests.test_submissions_api import submission_server

NOW = datetime.now(CHINA_TZ)
TOKEN = "token-village-1"
FAST = Backoff(initial_s=0.05, factor=2.0, max_s=0.2)


def submission(form_id: str = "callback", **values: object) -> dict[str, object]:
    spec = load_form(form_id)
    return build_submission(spec, example_values(spec, NOW.date()) | values, None, None, NOW)


@pytest.fixture
async def outbox(tmp_path: Path) -> AsyncIterator[Outbox]:
    box = await Outbox.open_in(tmp_path / "terminal")
    yield box
    await box.close()


async def run_deliverer(deliverer: Deliverer) -> asyncio.Task[None]:
    return asyncio.create_task(deliverer.run())


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_pending_submissions_are_delivered_and_wiped(tmp_path: Path, outbox: Outbox) -> None:
    async with submission_server(tmp_path) as server:
        receipts = [await outbox.enqueue(submission(phone=f"1391234567{i}")) for i in range(3)]
        deliverer = Deliverer(outbox, server.url, TOKEN, backoff=FAST)
        task = await run_deliverer(deliverer)
        await asyncio.wait_for(deliverer.wait_drained(), 30)
        assert await outbox.entries() == []
        stored = {r.tracking_number for r in await server.store.list()}
        assert stored == {r.tracking_number for r in receipts}
        late = await outbox.enqueue(submission())  # the running deliverer wakes for a new one
        await asyncio.wait_for(deliverer.wait_drained(), 30)
        assert late.tracking_number in {r.tracking_number for r in await server.store.list()}
        await stop(task)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_while_the_server_is_away_it_retries_and_delivers_when_it_returns(
    tmp_path: Path, outbox: Outbox
) -> None:
    port = free_port()
    receipt = await outbox.enqueue(submission())
    deliverer = Deliverer(outbox, f"http://127.0.0.1:{port}", TOKEN, backoff=FAST)
    task = await run_deliverer(deliverer)
    # Connection refused, over and over, with backoff.
    await asyncio.wait_for(deliverer.wait_until(lambda: deliverer.failures >= 3), 30)
    (entry,) = await outbox.entries()
    assert entry.state is EntryState.PENDING and entry.attempts >= 3
    assert entry.last_error == "ClientConnectorError"
    async with submission_server(tmp_path, port=port) as server:
        await asyncio.wait_for(deliverer.wait_drained(), 30)
        assert [r.tracking_number for r in await server.store.list()] == [receipt.tracking_number]
    assert await outbox.entries() == []
    await stop(task)


async def test_a_lost_acknowledgement_is_replayed_and_stored_once(tmp_path: Path, outbox: Outbox) -> None:
    async with submission_server(tmp_path) as server, aiohttp.ClientSession() as http:
        receipt = await outbox.enqueue(submission())
        deliverer = Deliverer(outbox, server.url, TOKEN, backoff=FAST)
        # The server stored it, but the terminal died before wiping the row (the reply was lost).
        async with http.post(
            server.url + "/api/submissions",
            data=await outbox.body(receipt.idempotency_key),
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as response:
            assert response.status == 201
        (entry,) = await outbox.entries()
        assert await deliverer.deliver_one(http, entry) is DeliveryOutcome.ACKNOWLEDGED
        assert await outbox.entries() == []
        assert await server.store.count() == 1


async def test_a_submission_the_server_refuses_is_kept_and_does_not_block_others(
    tmp_path: Path, outbox: Outbox
) -> None:
    async with submission_server(tmp_path) as server:
        bad = await outbox.enqueue(submission(phone="12345"))
        good = await outbox.enqueue(submission())
        deliverer = Deliverer(outbox, server.url, TOKEN, backoff=FAST)
        task = await run_deliverer(deliverer)
        await asyncio.wait_for(deliverer.wait_drained(), 30)
        (kept,) = await outbox.entries()
        assert kept.idempotency_key == bad.idempotency_key
        assert kept.state is EntryState.REJECTED and kept.last_error == "invalid_fields"
        assert [r.tracking_number for r in await server.store.list()] == [good.tracking_number]
        await stop(task)


async def test_a_refused_token_is_retried_not_dropped(tmp_path: Path, outbox: Outbox) -> None:
    async with submission_server(tmp_path) as server, aiohttp.ClientSession() as http:
        await outbox.enqueue(submission())
        deliverer = Deliverer(outbox, server.url, "revoked-token", backoff=FAST)
        assert not await deliverer.deliver_pending(http)
        (entry,) = await outbox.entries()
        assert entry.state is EntryState.PENDING and entry.last_error == "unauthorized"


async def test_the_villager_can_look_up_the_status_from_the_terminal(tmp_path: Path, outbox: Outbox) -> None:
    async with submission_server(tmp_path, key=os.urandom(32)) as server, aiohttp.ClientSession() as http:
        receipt = await outbox.enqueue(submission(phone="13912345678"))
        deliverer = Deliverer(outbox, server.url, TOKEN, backoff=FAST)
        assert await deliverer.deliver_pending(http)
        status, reply = await lookup_status(http, server.url, TOKEN, receipt.display, "5678")
        assert status == 200 and reply["status"] == "已提交"
        status, reply = await lookup_status(http, server.url, TOKEN, receipt.display, "1111")
        assert status == 404 and "后四位" in reply["error"]["message"]


def test_backoff_grows_to_its_cap_with_jitter() -> None:
    backoff = Backoff(initial_s=1.0, factor=2.0, max_s=8.0)
    assert 0.5 <= backoff.delay(1) <= 1.0
    assert 2.0 <= backoff.delay(3) <= 4.0
    assert all(4.0 <= backoff.delay(n) <= 8.0 for n in range(4, 30))


async def test_a_row_sealed_under_a_lost_key_is_set_aside_not_sent(tmp_path: Path) -> None:
    first = await Outbox.open_in(tmp_path / "terminal", key=os.urandom(32))
    await first.enqueue(submission())
    await first.close()
    reopened = await Outbox.open_in(tmp_path / "terminal", key=os.urandom(32))  # the key file was replaced
    try:
        async with submission_server(tmp_path) as server, aiohttp.ClientSession() as http:
            deliverer = Deliverer(reopened, server.url, TOKEN, backoff=FAST)
            assert await deliverer.deliver_pending(http)
            (entry,) = await reopened.entries()
            assert entry.state is EntryState.REJECTED and entry.last_error == "cannot_decrypt"
            assert await server.store.count() == 0
    finally:
        await reopened.close()
