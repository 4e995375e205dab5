"""The kiosk's pool screens against the real pool server process over real WebSockets: a villager picks a
topic, waits with the estimate shown, leaves a number on the pad for a callback (stored on the server),
then, in a short real call, rates the lawyer (stored with the matter)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from media.answerer import DeskAnswerer
from media.caller import KioskCaller
from media.factories import synthetic_media
from media.flows import CallerState, DeskState
from protocol.messages import Accept, CallAccepted, CallbackList, CallQueued, CallRequest, Ring, SetDuty
from tests.media_fixtures import use_loopback_host_candidates
from tests.server_helpers import SignalClient
from tests.ui_fakes import QmlHarness, running_qasync_loop
from tools.appdriver import ServerProcess
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member"),
]

PASSWORD = "pw-123456"
BUSY_TOKEN = "kiosk-token-busy-0001"
OUR_TOKEN = "kiosk-token-ours-0002"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    # A callback is offered once the honest estimate passes a minute (one busy lawyer: ~3 minutes).
    process = ServerProcess(tmp_path, ["callback_offer_wait_s=60", "ring_timeout_s=30"])
    process.add_lawyer("busy", "李律师", "明德律师事务所", PASSWORD)
    process.add_lawyer("wang", "王律师", "明理律师事务所", PASSWORD)
    process.add_kiosk("东村服务室", "东村", BUSY_TOKEN)
    process.add_kiosk("红星村服务室", "红星村", OUR_TOKEN)
    process.start()
    yield process
    process.stop()


def _wait[T](h: QmlHarness, work: Coroutine[Any, Any, T], timeout_ms: int = 20_000) -> T:
    """Run a coroutine on the qasync loop while Qt spins, and return its result."""
    task = asyncio.ensure_future(work)
    h.qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


def _tap_shown(h: QmlHarness, name: str) -> None:
    """Tap a button that just appeared, once Qt Quick has laid it out and drawn it."""
    h.wait_for(name)
    _settle(h)
    h.tap(name)


def _settle(h: QmlHarness) -> None:
    """Let Qt Quick lay out and draw what the last change showed (two frames)."""
    for _ in range(2):
        with h.qtbot.waitSignal(h.window.frameSwapped, timeout=5000):
            h.window.update()


def _type(h: QmlHarness, vm: KioskViewModel, digits: str) -> None:
    """Tap the pad's keys one by one, each once the last one shows (as a person checks the display)."""
    _settle(h)  # the pad laid out and drawn before the first key
    for digit in digits:
        typed = len(str(vm.phoneDigits))
        h.tap(f"padKey{digit}")
        h.qtbot.waitUntil(lambda typed=typed: len(str(vm.phoneDigits)) == typed + 1, timeout=5000)


async def _client(http: aiohttp.ClientSession, url: str, token: str) -> SignalClient:
    from protocol.messages import Welcome

    ws = await http.ws_connect(f"{url}/ws", headers={"Authorization": f"Bearer {token}"})
    client = SignalClient(ws, Welcome("", "", "", "", 0.0))
    client.welcome = await client.expect(Welcome)
    return client


async def _busy_lawyer(http: aiohttp.ClientSession, url: str) -> tuple[SignalClient, SignalClient]:
    """李律师 goes on duty and answers another village's call: everyone else waits."""
    async with http.post(f"{url}/api/login", json={"username": "busy", "password": PASSWORD}) as r:
        token = str((await r.json())["token"])
    lawyer = await _client(http, url, token)
    await lawyer.send(SetDuty(on_duty=True))
    other = await _client(http, url, BUSY_TOKEN)
    await other.send(CallRequest(request_id="other-village"))
    call_id = (await other.expect(CallQueued)).call_id
    await lawyer.expect(Ring)
    await lawyer.send(Accept(call_id))
    await other.expect(CallAccepted)
    return lawyer, other


async def _open_callbacks(lawyer: SignalClient) -> CallbackList:
    """The first non-empty callback list the lawyer's desk is sent (other messages passed over)."""
    while True:
        message = await lawyer.receive()
        if isinstance(message, CallbackList) and message.callbacks:
            return message


def _db(server: ServerProcess, query: str, *args: Any) -> list[sqlite3.Row]:
    with sqlite3.connect(server.db_path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(query, args).fetchall()


def test_topic_wait_callback_and_rating_through_the_real_pool_server(
    server, qtbot, qapp, tmp_path, monkeypatch
):
    use_loopback_host_candidates(monkeypatch)  # both peers in this process: ICE over 127.0.0.1
    with running_qasync_loop(qapp):
        runner = BackgroundRunner()
        caller = KioskCaller(server.url, OUR_TOKEN, synthetic_media(320, 240, 15))
        vm = KioskViewModel(caller, runner, ended_return_ms=3000, keyboard_data_path=str(tmp_path))
        h = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        http = _wait(h, _make_session())
        desk = DeskAnswerer(server.url, synthetic_media(320, 240, 15))
        try:
            lawyer, _other = _wait(h, _busy_lawyer(http, server.url))

            # 律师视频 -> 农民工欠薪: the call waits behind the busy lawyer, place and minutes shown.
            h.tap("callTile")
            _tap_shown(h, "callTopic_migrant_wages")
            qtbot.waitUntil(lambda: h.has("waitMinutes"), timeout=15_000)
            assert h.text("queuePosition") == "1"
            minutes = int(h.text("waitMinutes"))
            assert minutes == max(1, round(caller.info.estimated_wait_s / 60)) and minutes >= 2
            call_id = caller.info.call_id

            # The wait is long: 请律师回电, a number on the pad, the tracking number shown.
            _tap_shown(h, "callbackButton")
            h.wait_for("callbackPad")
            _type(h, vm, "1381234")
            h.tap("callbackSendButton")
            assert "11位" in h.wait_for("phoneError").property("text")
            _type(h, vm, "5678")
            assert h.text("padDisplay") == "138 1234 5678"
            h.tap("callbackSendButton")
            qtbot.waitUntil(lambda: h.has("callbackTracking"), timeout=15_000)
            shown = h.text("callbackTracking").replace(" ", "")
            (stored,) = _db(server, "SELECT tracking_number, topic, call_id, phone FROM callbacks")
            assert (stored["tracking_number"], stored["topic"], stored["call_id"]) == (
                shown,
                "labour_wages",
                call_id,
            )
            assert "13812345678" not in stored["phone"]  # encrypted at rest
            listing = _wait(h, _open_callbacks(lawyer))  # the lawyer desks see it, number and all
            assert [(c["tracking_number"], c["phone"], c["village"]) for c in listing.callbacks] == [
                (shown, "13812345678", "红星村")
            ]
            qtbot.waitUntil(lambda: caller.state is CallerState.IDLE)  # the place in the queue given up
            recorded = "SELECT topic, priority FROM calls WHERE id = ?"
            qtbot.waitUntil(lambda: bool(_db(server, recorded, call_id)), timeout=10_000)
            (row,) = _db(server, recorded, call_id)  # 农民工欠薪 went on the wage-claim priority
            assert (row["topic"], row["priority"]) == ("labour_wages", "wage_claim")
            h.tap("callbackHomeButton")
            h.wait_for("homeScreen")

            # A short real call with 王律师, then the three faces: 满意 is stored with the matter.
            _wait(h, desk.login("wang", PASSWORD))
            _wait(h, desk.set_duty(True))
            h.tap("callTile")
            _tap_shown(h, "callTopic_traffic")
            qtbot.waitUntil(lambda: desk.state is DeskState.RINGING, timeout=15_000)
            _wait(h, desk.accept())
            qtbot.waitUntil(lambda: caller.state is CallerState.IN_CALL, timeout=20_000)
            rated_call = caller.info.call_id
            _tap_shown(h, "hangupButton")
            _tap_shown(h, "rateHappy")
            h.wait_for("endedThanks")
            qtbot.waitUntil(
                lambda: _db(server, "SELECT rating FROM calls WHERE id = ?", rated_call)[0]["rating"] == 3,
                timeout=10_000,
            )
            (matter,) = _db(
                server, "SELECT topic, outcome, tracking_number FROM calls WHERE id = ?", rated_call
            )
            assert matter["topic"] == "traffic" and matter["tracking_number"]
            h.wait_for("homeScreen")
        finally:
            _wait(h, _close(caller, desk, http, runner))
            h.close()


async def _make_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


async def _close(caller: KioskCaller, desk: DeskAnswerer, http: aiohttp.ClientSession, runner: Any) -> None:
    await caller.close()
    await desk.close()
    await http.close()
    await runner.shutdown()
