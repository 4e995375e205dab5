"""Consented recording end to end: real calls through the real server; the desk records and uploads."""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import av
import numpy as np
import pytest

from config.settings import TurnSettings
from desk.recording import DeskRecording
from desk.recording_queue import RecordingQueue
from media.flows import DeskState
from protocol.messages import RecordingConsent
from server.console_auth import STAFF_ACCOUNTS, StaffRole
from server.recording_routes import RECORDINGS
from tests.media_fixtures import use_loopback_host_candidates
from tests.server_helpers import RunningServer, running_server, server_settings
from tests.test_resilience_server import LAWYER, Call, connect

MATROSKA_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML header: every Matroska file starts with it
RECORD_S = 3.0
WAIT_S = 30.0
PASSWORD = "correct-horse-1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


@pytest.fixture
async def server(tmp_path: Path, loopback: None) -> AsyncIterator[RunningServer]:
    settings = server_settings(
        tmp_path, turn=TurnSettings(), recording_enabled=True, recording_topics=["land", "marriage_family"]
    )
    async with running_server(settings) as running:
        await running.add_lawyer(LAWYER[0], LAWYER[1], LAWYER[2], LAWYER[3])
        accounts = running.app[STAFF_ACCOUNTS]
        await accounts.add_user("boss", "主任", StaffRole.MANAGER, PASSWORD)
        await accounts.add_user("reader", "只读", StaffRole.VIEWER, PASSWORD)
        yield running


async def _recorded_call(server: RunningServer, tmp_path: Path) -> tuple[Call, DeskRecording]:
    call = await connect(server.url, await server.add_kiosk("红星村服务室", "红星村"))
    recording = DeskRecording(
        call.desk, server.url, lambda: call.desk.session_token, RecordingQueue(tmp_path / "desk-queue")
    )
    return call, recording


async def _ask_to_record(call: Call, *, agree: bool) -> None:
    """The desk asks (请求录音), the villager is asked and answers; the desk is told the answer."""
    assert await call.desk.request_recording()
    await call.kiosk_info.until(lambda s, i: i.recording == "asked")  # the villager is asked
    await call.kiosk.answer_recording(agree)  # 同意录音录像 / 不同意
    answer = "agreed" if agree else "refused"
    await call.desk_info.until(lambda s, i: i.recording == answer)


async def _console_session(server: RunningServer, username: str) -> aiohttp.ClientSession:
    """A browser-like session signed in to the console."""
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get(f"{server.url}/console/login") as page:
        found = _CSRF.search(await page.text())
    assert found is not None
    form = {"csrf": found.group(1), "username": username, "password": PASSWORD, "next": "/console/live"}
    async with http.post(f"{server.url}/console/login", data=form) as reply:
        assert reply.status == 200
    return http


async def _stored(server: RunningServer, call_id: str) -> None:
    async with asyncio.timeout(WAIT_S):
        while True:
            info = await server.app[RECORDINGS].info(call_id)
            if info is not None and info.complete:
                return
            await asyncio.sleep(0.2)


async def test_both_agree_and_the_recording_is_on_the_server_encrypted_and_plays_back(
    server: RunningServer, tmp_path: Path
) -> None:
    call, recording = await _recorded_call(server, tmp_path)
    try:
        assert (await recording.refresh_policy()).allows("land")  # the desk shows 请求录音
        recording.start_uploads()
        await _ask_to_record(call, agree=True)
        assert recording.recording
        started = time.monotonic()
        await asyncio.sleep(RECORD_S)
        assert await call.kiosk.stop_recording()  # 停止录音 on the terminal
        await call.desk_info.until(lambda s, i: i.recording == "stopped")
        recorded_s = time.monotonic() - started
        assert not recording.recording
        call_id = call.kiosk.info.call_id
        await _stored(server, call_id)
        await call.kiosk.hangup()
        await call.desk_log.reach(DeskState.AVAILABLE)
    finally:
        await recording.close()
        await call.kiosk.close()
        await call.desk.close()
    assert recording.queue.pending() == []  # uploaded, gone from the desk's queue
    await server.hub.records_flushed()
    record = await server.storage.get_call(call_id)
    assert record is not None and record.stats["recording"] == "stopped"  # agreed, then stopped

    db = Path(server_settings(tmp_path).database_url.split("///", 1)[1])
    with sqlite3.connect(db) as conn:
        raw = [bytes(row[0]) for row in conn.execute("select data from recording_chunks order by idx")]
    assert raw and not raw[0].startswith(MATROSKA_MAGIC)
    assert all(MATROSKA_MAGIC not in chunk for chunk in raw)

    manager = await _console_session(server, "boss")
    try:
        async with manager.get(f"{server.url}/console/matters/{call_id}") as page:
            html = await page.text()
        assert f"/console/matters/{call_id}/recording" in html and "下载录像" in html
        async with manager.get(f"{server.url}/console/matters/{call_id}/recording") as reply:
            assert reply.status == 200
            plain = await reply.read()
    finally:
        await manager.close()
    assert plain.startswith(MATROSKA_MAGIC)
    with av.open(io.BytesIO(plain), "r") as container:
        kinds = {s.type: s.codec_context.name for s in container.streams}
        assert kinds == {"video": "h264", "audio": "aac"}
        pictures = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    with av.open(io.BytesIO(plain), "r") as container:
        sound = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    frames, samples = len(pictures), sum(len(block) for block in sound)
    last = pictures[-1].astype(float)
    assert last.shape == (480, 640)
    assert last[:300, :400].std() > 10  # the villager's moving stripes fill the picture
    assert last[346:348, 480:620].mean() > 200  # the white frame of the lawyer's picture in the corner
    assert last[350:466, 470:626].std() > 10  # and the lawyer's own moving picture inside it
    mixed = np.concatenate(sound).astype(float)
    assert np.sqrt(np.mean(mixed[len(mixed) // 2 :] ** 2)) > 0.01  # both voices, not silence
    video_s, audio_s = frames / 15, samples / 48000
    assert abs(video_s - recorded_s) < 1.0, (video_s, recorded_s)
    assert abs(audio_s - recorded_s) < 1.0, (audio_s, recorded_s)

    viewer = await _console_session(server, "reader")
    try:
        async with viewer.get(f"{server.url}/console/matters/{call_id}/recording") as reply:
            assert reply.status == 403
            assert MATROSKA_MAGIC not in await reply.read()
        async with viewer.get(f"{server.url}/console/matters/{call_id}") as page:
            assert "下载录像" not in await page.text()
    finally:
        await viewer.close()


async def test_a_refusal_leaves_no_recording_and_is_kept_with_the_matter(
    server: RunningServer, tmp_path: Path
) -> None:
    call, recording = await _recorded_call(server, tmp_path)
    try:
        await recording.refresh_policy()
        recording.start_uploads()
        await _ask_to_record(call, agree=False)
        await asyncio.sleep(1.0)
        assert not recording.recording
        call_id = call.kiosk.info.call_id
        await call.kiosk.hangup()
        await call.desk_log.reach(DeskState.AVAILABLE)
    finally:
        await recording.close()
        await call.kiosk.close()
        await call.desk.close()
    await server.hub.records_flushed()
    record = await server.storage.get_call(call_id)
    assert record is not None and record.stats["recording"] == "refused"
    assert await server.app[RECORDINGS].info(call_id) is None
    assert recording.queue.pending() == []
    manager = await _console_session(server, "boss")
    try:
        async with manager.get(f"{server.url}/console/matters/{call_id}") as page:
            assert "不同意录音，没有录像" in await page.text()
    finally:
        await manager.close()
    # A desk that tried anyway is refused: no consent on record.
    token = await server.login(LAWYER[0], LAWYER[3])
    async with server.http.put(
        f"{server.url}/api/recordings/{call_id}/chunks/0",
        data=MATROSKA_MAGIC + b"x" * 100,
        headers={"Authorization": f"Bearer {token}"},
    ) as reply:
        assert reply.status == 403
    assert await server.app[RECORDINGS].info(call_id) is None


async def test_the_policy_names_the_topics_the_centre_records(server: RunningServer, tmp_path: Path) -> None:
    call, recording = await _recorded_call(server, tmp_path)
    try:
        policy = await recording.refresh_policy()
        assert policy.enabled and policy.allows("marriage_family") and not policy.allows("traffic")
    finally:
        await call.kiosk.close()
        await call.desk.close()


async def test_a_hang_up_ends_the_recording_which_waits_sealed_on_the_desk_until_the_server_takes_it(
    server: RunningServer, tmp_path: Path
) -> None:
    call, recording = await _recorded_call(server, tmp_path)
    try:
        await recording.refresh_policy()  # uploads not started yet: the queue must keep it
        await _ask_to_record(call, agree=True)
        await call.kiosk_info.until(lambda s, i: i.recording == "agreed")
        await asyncio.sleep(2.0)
        call_id = call.kiosk.info.call_id
        await call.desk.hangup()  # the lawyer hangs up while recording
        await call.desk_log.reach(DeskState.AVAILABLE)
        await recording.settled()
        assert not recording.recording
        [queued] = recording.queue.pending()
        sealed = sorted(queued.folder.glob("*.sealed"))
        assert sealed and all(MATROSKA_MAGIC not in p.read_bytes() for p in sealed)  # sealed at rest
        dead = "http://127.0.0.1:9"  # nothing listens: the upload fails and is kept for later
        assert (await recording.queue.upload(queued, dead, call.desk.session_token)).value == "retry"
        assert recording.queue.pending() == [queued]
        recording.start_uploads()
        await _stored(server, call_id)
        async with asyncio.timeout(WAIT_S):
            while True:  # the desk removes it once the server confirmed the whole
                if not recording.queue.pending():
                    break
                await asyncio.sleep(0.1)
    finally:
        await recording.close()
        await call.kiosk.close()
        await call.desk.close()
    info = await server.app[RECORDINGS].info(call_id)
    assert info is not None and info.duration_s >= 1.5


async def test_the_lawyer_stops_and_asking_again_needs_the_villager_to_agree_again(
    server: RunningServer, tmp_path: Path
) -> None:
    call, recording = await _recorded_call(server, tmp_path)
    try:
        await recording.refresh_policy()
        recording.start_uploads()
        await _ask_to_record(call, agree=True)
        await asyncio.sleep(1.0)
        assert await call.desk.stop_recording()  # 停止录音 on the desk
        await call.kiosk_info.until(lambda s, i: i.recording == "stopped")  # the red sign goes
        call_id = call.kiosk.info.call_id
        await _stored(server, call_id)
        # A desk asking again is a new request: the villager's earlier 同意 does not cover it.
        assert await call.desk._send(RecordingConsent(call_id=call_id, agreed=True))
        await call.desk.hangup()
        await call.desk_log.reach(DeskState.AVAILABLE)
        assert call.kiosk.info.recording == "stopped"
    finally:
        await recording.close()
        await call.kiosk.close()
        await call.desk.close()
    await server.hub.records_flushed()
    record = await server.storage.get_call(call_id)
    assert record is not None and record.stats["recording"] == "stopped"
