"""In-call messages through the real pool server: push, co-filled forms, recording consent, a restart."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.settings import TurnSettings
from media.answerer import DeskAnswerer
from media.caller import KioskCaller
from media.factories import synthetic_media
from media.flows import CALLER_TRANSITIONS, DESK_TRANSITIONS, CallerState, DeskState, FieldEdit
from protocol.messages import (
    ContentKind,
    Error,
    ErrorCode,
    FormPatch,
    PushContent,
    Rejoin,
    Rejoined,
)
from server.incall import RECORDING_OFF
from tests.media_fixtures import Stamped, StateLog, use_loopback_host_candidates
from tests.resil_harness import InfoWaiter
from tests.server_helpers import RunningServer, running_server, server_settings
from tools.appdriver import ServerProcess

LAWYER = ("lawyer1", "张明", "宁夏正义律师事务所", "pw-123456")
WAIT_S = 30.0


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


class Edits:
    """Collects the co-filled form edits one side sees (its own too); a test can wait for a count."""

    def __init__(self) -> None:
        self.edits: list[FieldEdit] = []
        self._added = asyncio.Event()

    def __call__(self, edit: FieldEdit) -> None:
        self.edits.append(edit)
        self._added.set()

    async def count(self, wanted: int) -> None:
        """Wait until at least `wanted` edits arrived."""
        async with asyncio.timeout(WAIT_S):
            while len(self.edits) < wanted:
                self._added.clear()
                await self._added.wait()


@dataclass
class Call:
    """A kiosk and a desk in a connected call through a server."""

    kiosk: KioskCaller
    desk: DeskAnswerer
    kiosk_log: StateLog
    desk_log: StateLog
    kiosk_info: InfoWaiter
    desk_info: InfoWaiter
    at_kiosk: Stamped


async def connect(url: str, token: str) -> Call:
    """Log the lawyer in, go on duty, tap on the kiosk, accept: both IN_CALL."""
    kiosk = KioskCaller(url, token, synthetic_media(320, 240, 15))
    desk = DeskAnswerer(url, synthetic_media(320, 240, 15, 660))
    call = Call(
        kiosk,
        desk,
        StateLog(kiosk, CALLER_TRANSITIONS),
        StateLog(desk, DESK_TRANSITIONS),
        InfoWaiter(kiosk),
        InfoWaiter(desk),
        Stamped(),
    )
    kiosk.set_video_listeners(call.at_kiosk, None)
    await desk.login(LAWYER[0], LAWYER[3])
    await desk.set_duty(True)
    await call.desk_log.reach(DeskState.AVAILABLE)
    calling = asyncio.ensure_future(kiosk.call("land"))
    await call.desk_log.reach(DeskState.RINGING)
    await desk.accept()
    async with asyncio.timeout(WAIT_S):
        await calling
    await call.desk_log.reach(DeskState.IN_CALL)
    assert kiosk.state == CallerState.IN_CALL
    return call


@pytest.fixture
async def server(tmp_path: Path, loopback: None) -> AsyncIterator[RunningServer]:
    settings = server_settings(tmp_path, turn=TurnSettings(), recording_enabled=True)
    async with running_server(settings) as running:
        await running.add_lawyer(LAWYER[0], LAWYER[1], LAWYER[2], LAWYER[3])
        yield running


async def test_the_lawyer_pushes_a_law_article_and_both_fill_one_form_live(server: RunningServer) -> None:
    call = await connect(server.url, await server.add_kiosk("红星村服务室", "红星村"))
    at_kiosk, at_desk = Edits(), Edits()
    call.kiosk.add_form_listener(at_kiosk)
    call.desk.add_form_listener(at_desk)
    outbox: list[tuple[str, dict[str, str]]] = []
    call.kiosk.set_form_submit_hook(lambda form_id, values: outbox.append((form_id, values)))
    try:
        article = "第三十二条 承包方有权依法自主决定土地经营权流转。"
        assert await call.desk.push_content(
            ContentKind.LAW.value, "农村土地承包法/32", "土地经营权流转", article
        )
        shown = await call.kiosk_info.until(lambda s, i: i.pushed is not None)
        assert shown.pushed is not None and shown.pushed.text == article and shown.pushed.kind == "law"

        await call.desk.push_content(ContentKind.FORM.value, "legal_aid_application", "法律援助申请表")
        await call.kiosk_info.until(lambda s, i: i.pushed is not None and i.pushed.kind == "form")
        await call.kiosk.patch_form("legal_aid_application", "village", "红星村")  # the villager fills
        await call.desk.patch_form("legal_aid_application", "matter", "土地承包合同纠纷")  # the lawyer helps
        await at_desk.count(2)  # its own edit and the villager's
        await at_kiosk.count(2)
        assert FieldEdit("legal_aid_application", "village", "红星村", "kiosk") in at_desk.edits
        assert FieldEdit("legal_aid_application", "matter", "土地承包合同纠纷", "lawyer") in at_kiosk.edits
        await call.desk.patch_form("legal_aid_application", "village", "红星村二组")  # a correction
        await at_kiosk.count(3)
        assert call.kiosk.form_values("legal_aid_application")["village"] == "红星村二组"
        assert await call.kiosk.submit_form("legal_aid_application")  # confirmed and signed
        assert outbox == [("legal_aid_application", {"village": "红星村二组", "matter": "土地承包合同纠纷"})]
    finally:
        await call.kiosk.close()
        await call.desk.close()


async def test_a_villager_who_refuses_recording_keeps_the_call_unrecorded(server: RunningServer) -> None:
    call = await connect(server.url, await server.add_kiosk("红星村服务室", "红星村"))
    try:
        assert await call.desk.request_recording()
        await call.kiosk_info.until(lambda s, i: i.recording == "asked")
        await call.kiosk.answer_recording(False)
        await call.desk_info.until(lambda s, i: i.recording == "refused")
        assert call.kiosk.info.recording == "refused"
        call_id = call.kiosk.info.call_id
        await call.kiosk.hangup()
        await call.desk_log.reach(DeskState.AVAILABLE)
    finally:
        await call.kiosk.close()
        await call.desk.close()
    await server.hub.records_flushed()
    record = await server.storage.get_call(call_id)
    assert record is not None and record.stats["recording"] == "refused"


async def test_where_the_centre_does_not_record_the_lawyer_is_told_and_nobody_is_asked(
    tmp_path: Path, loopback: None
) -> None:
    settings = server_settings(tmp_path, turn=TurnSettings())  # recording_enabled is off by default
    async with running_server(settings) as server:
        await server.add_lawyer(LAWYER[0], LAWYER[1], LAWYER[2], LAWYER[3])
        call = await connect(server.url, await server.add_kiosk("红星村服务室", "红星村"))
        try:
            await call.desk.request_recording()
            told = await call.desk_info.until(lambda s, i: i.recording == "")
            assert told.message == RECORDING_OFF
            assert call.kiosk.info.recording == ""
        finally:
            await call.kiosk.close()
            await call.desk.close()


async def test_in_call_messages_are_refused_to_strangers_and_to_the_wrong_side(server: RunningServer) -> None:
    call = await connect(server.url, await server.add_kiosk("红星村服务室", "红星村"))
    stranger = await server.kiosk("白杨村服务室", "白杨村")
    call_id = call.kiosk.info.call_id
    try:
        await stranger.send(FormPatch(call_id, "legal_aid_application", "name", "冒名", "kiosk"))
        refused = await stranger.expect(Error)
        assert refused.code == ErrorCode.NOT_FOUND.value and refused.call_id == call_id
        await stranger.send(Rejoin(call_id))
        assert (await stranger.expect(Rejoined)).ok is False
        # A kiosk cannot push content, even in its own call; its next (allowed) message still goes through.
        at_desk = Edits()
        call.desk.add_form_listener(at_desk)
        await call.kiosk._send(PushContent(call_id, ContentKind.FAQ.value, "faq-1"))
        await call.kiosk.patch_form("legal_aid_application", "name", "李四")
        await at_desk.count(1)
        assert call.desk.info.pushed is None
    finally:
        await stranger.close()
        await call.kiosk.close()
        await call.desk.close()


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
async def test_a_pool_server_restarted_mid_call_leaves_the_media_flowing_and_takes_the_call_back(
    tmp_path: Path, loopback: None, how: str
) -> None:
    work = tmp_path / "server"
    work.mkdir()
    server = ServerProcess(work)
    server.add_lawyer(*LAWYER)
    token = server.add_kiosk("红星村服务室", "红星村", "kiosk-token-restart-0001")
    await asyncio.to_thread(server.start)
    call = await connect(server.url, token)
    call_id = call.kiosk.info.call_id
    try:
        assert server.proc is not None
        if how == "SIGKILL":
            server.proc.kill()  # no goodbye: the process is gone
            server.proc.wait()
        else:
            await asyncio.to_thread(server.stop)  # a polite restart (systemctl restart)
        call.at_kiosk.enough.clear()
        call.at_kiosk._wanted = len(call.at_kiosk.seqs) + 30  # 2 s of the lawyer's picture, no server
        async with asyncio.timeout(WAIT_S):
            await call.at_kiosk.enough.wait()
        assert call.kiosk.state == CallerState.IN_CALL and call.desk.state == DeskState.IN_CALL
        await asyncio.to_thread(server.start)
        await call.kiosk_info.until(lambda s, i: call.kiosk.rejoined)
        await call.desk_info.until(lambda s, i: call.desk.rejoined)
        await call.desk.push_content(ContentKind.FAQ.value, "faq-land-1", "土地被占怎么办")
        await call.kiosk_info.until(lambda s, i: i.pushed is not None)  # the new server relays
        await call.kiosk.hangup()
        assert (await call.desk_log.reach(DeskState.AVAILABLE)).message
        await call.desk_info.until(lambda s, i: not call.desk.rejoined)  # back on duty
    finally:
        await call.kiosk.close()
        await call.desk.close()
        await asyncio.to_thread(server.stop)
    with sqlite3.connect(server.db_path) as db:
        outcome, ended_by, stats = db.execute(
            "SELECT outcome, ended_by, stats FROM calls WHERE id = ?", (call_id,)
        ).fetchone()
    assert (outcome, ended_by) == ("completed", "kiosk")
    assert json.loads(stats)["rejoined"] is True
