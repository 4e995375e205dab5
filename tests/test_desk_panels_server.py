"""The desk's panels against the real pool server process over real WebSockets.

Wrap-up notes land on the matter (encrypted at rest), ending the wrap-up makes the lawyer available,
and a villager's callback is listed on the desk and closed on the server.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from media.answerer import DeskAnswerer
from media.factories import synthetic_media
from media.flows import DeskState
from protocol.messages import (
    CallbackRegistered,
    CallbackRequest,
    CallQueued,
    CallRequest,
    CancelCall,
    Hangup,
    Welcome,
)
from server.crypto import DataCipher
from tests.server_helpers import SignalClient
from tools.appdriver import ServerProcess
from ui.background import BackgroundRunner
from ui.desk_panels_vm import DeskPanel, DeskPanelsViewModel

LAWYER = ("wangming", "王明", "县法律援助中心", "duty-pass-1")
KIOSK = ("石桥村服务点", "石桥村", "kiosk-token-shiqiao-0001")
WAIT_S = 15.0


@pytest.fixture
async def pool_server(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[ServerProcess]:
    work = tmp_path / "server"
    work.mkdir()
    settings = getattr(request, "param", ["wrap_up_s=90", "ring_timeout_s=30"])
    server = ServerProcess(work, settings)
    server.add_lawyer(*LAWYER)
    server.add_kiosk(*KIOSK)
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)


@pytest.fixture
async def kiosk_side(pool_server: ServerProcess) -> AsyncIterator[SignalClient]:
    """The village terminal as a plain protocol client (no camera needed for these messages)."""
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"{pool_server.url}/ws", headers={"Authorization": f"Bearer {KIOSK[2]}"})
        client = SignalClient(ws, Welcome("", "", "", "", 0.0))
        client.welcome = await client.expect(Welcome)
        yield client
        await client.close()


@pytest.fixture
async def desk(
    pool_server: ServerProcess, qapp: Any
) -> AsyncIterator[tuple[DeskAnswerer, DeskPanelsViewModel]]:
    """The lawyer's real desk flow, logged in, with the panels' view-model over it."""
    flow = DeskAnswerer(pool_server.url, synthetic_media(160, 120, 5))
    panels = DeskPanelsViewModel(flow, BackgroundRunner())
    await flow.login(LAWYER[0], LAWYER[3])
    assert flow.state is DeskState.OFF_DUTY
    yield flow, panels
    await flow.close()


async def _until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT_S):
        while not check():  # noqa: ASYNC110 - server states, DB rows: some have no event of their own
            await asyncio.sleep(0.02)


def _stored_notes(server: ServerProcess, call_id: str) -> str | None:
    with sqlite3.connect(server.db_path) as conn:
        row = conn.execute("SELECT notes FROM calls WHERE id = ?", (call_id,)).fetchone()
    return None if row is None else row[0]


async def test_wrap_up_notes_are_stored_encrypted_on_the_matter_and_ending_it_makes_the_lawyer_available(
    pool_server: ServerProcess, kiosk_side: SignalClient, desk: tuple[DeskAnswerer, DeskPanelsViewModel]
) -> None:
    flow, panels = desk
    await flow.set_duty(True)
    assert flow.state is DeskState.AVAILABLE and flow.server_state == "available"
    await kiosk_side.send(CallRequest(request_id="r1", topic="labour_wages"))
    queued = await kiosk_side.expect(CallQueued)
    await _until(lambda: flow.state is DeskState.RINGING)
    assert flow.info.tracking_number == queued.tracking_number
    await flow.accept()
    await _until(lambda: flow.server_state == "in_call")
    await kiosk_side.send(Hangup(queued.call_id))  # the villager hangs up
    await _until(lambda: panels.panel is DeskPanel.WRAP_UP)
    assert panels.property("trackingNumber") == queued.tracking_number
    assert 80 <= panels.property("wrapUpSecondsLeft") <= 90  # the server's 90 s, on the server's clock

    notes = "拖欠工资三个月，建议先找劳动监察大队"
    panels.saveNotes(notes)
    await _until(lambda: not panels.property("busy") and panels.property("savedNotes") == notes)
    await _until(lambda: _stored_notes(pool_server, queued.call_id) is not None)
    at_rest = _stored_notes(pool_server, queued.call_id)
    assert at_rest is not None and "工资" not in at_rest and "劳动" not in at_rest
    cipher = DataCipher.from_settings("", pool_server.key_dir)
    assert cipher.decrypt(at_rest) == notes
    assert flow.server_state == "wrap_up"  # saving does not end the wrap-up

    panels.endWrapUp(notes + "；已推送投诉表")  # changed notes are saved on the way out
    await _until(lambda: flow.server_state == "available" and panels.panel is DeskPanel.NONE)
    assert flow.state is DeskState.AVAILABLE
    await _until(lambda: cipher.decrypt(_stored_notes(pool_server, queued.call_id) or "").endswith("投诉表"))

    await kiosk_side.send(CallRequest(request_id="r2", topic="land"))  # the next call rings at once
    await _until(lambda: flow.state is DeskState.RINGING)


async def test_a_villagers_callback_appears_on_the_desk_and_called_back_closes_it_on_the_server(
    pool_server: ServerProcess, kiosk_side: SignalClient, desk: tuple[DeskAnswerer, DeskPanelsViewModel]
) -> None:
    _flow, panels = desk
    await _until(lambda: panels.property("callbackCount") == 0)
    await kiosk_side.send(CallbackRequest("cb1", "138-1234-5678", "land"))
    registered = await kiosk_side.expect(CallbackRegistered)
    await _until(lambda: panels.property("callbackCount") == 1)
    (entry,) = panels.property("callbacks")
    assert entry["trackingNumber"] == registered.tracking_number
    assert (entry["phone"], entry["place"], entry["topic"]) == ("138 1234 5678", "石桥村服务点", "土地承包")
    assert entry["ageMinutes"] == 0 and not entry["pending"]

    panels.callbackDone(entry["callbackId"])
    assert panels.property("callbacks")[0]["pending"]  # 提交中… until the server's new list arrives
    await _until(lambda: panels.property("callbackCount") == 0)
    with sqlite3.connect(pool_server.db_path) as conn:
        done_at, done_by = conn.execute(
            "SELECT done_at, done_by FROM callbacks WHERE tracking_number = ?", (registered.tracking_number,)
        ).fetchone()
    assert done_at is not None and done_by is not None

    other = DeskAnswerer(pool_server.url, synthetic_media(160, 120, 5))  # a desk that logs in later
    lists: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
    other.on_callbacks = lists.put_nowait
    await other.login(LAWYER[0], LAWYER[3])
    assert await asyncio.wait_for(lists.get(), WAIT_S) == []  # closed for every desk
    await other.close()


@pytest.mark.parametrize("pool_server", [["ring_timeout_s=3", "missed_calls_break=1"]], indirect=True)
async def test_a_missed_call_puts_the_lawyer_on_break_with_a_notice_and_one_tap_brings_them_back(
    pool_server: ServerProcess, kiosk_side: SignalClient, desk: tuple[DeskAnswerer, DeskPanelsViewModel]
) -> None:
    flow, panels = desk
    await flow.set_duty(True)
    await kiosk_side.send(CallRequest(request_id="r1", topic="land"))
    queued = await kiosk_side.expect(CallQueued)
    await _until(lambda: flow.state is DeskState.RINGING)
    await _until(lambda: panels.panel is DeskPanel.BREAK)  # the lawyer let it ring out: the server's break
    assert flow.state is DeskState.OFF_DUTY and flow.server_state == "break"
    await kiosk_side.send(CancelCall(queued.call_id))  # the villager gives up meanwhile
    panels.backOnDuty()
    await _until(lambda: flow.state is DeskState.AVAILABLE and panels.panel is DeskPanel.NONE)
    assert flow.server_state == "available"
