"""The console plays a stored recording in real Chromium for a manager; a viewer gets no video."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

import pytest

from bench.bench_recording import _feed
from media.recorder import CallRecorder
from server.console_auth import STAFF_ACCOUNTS, StaffRole
from server.recording_routes import RECORDINGS
from server.recordings import CHUNK_BYTES
from tests.server_helpers import running_server, server_settings
from tests.test_server_storage import _record

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "console-pass-1"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
_METADATA = """() => new Promise(done => {
    const video = document.querySelector("video");
    video.onloadedmetadata = () => done({duration: video.duration, width: video.videoWidth});
    video.onerror = () => done({error: video.error ? video.error.code : -1});
    video.load();
})"""


async def test_a_manager_plays_the_recording_in_the_matter_page_and_a_viewer_cannot(tmp_path: Path) -> None:
    recorder = CallRecorder(10_000_000)
    await _feed(3.0, recorder)
    recording = await asyncio.to_thread(recorder.finish)
    async with running_server(server_settings(tmp_path, recording_enabled=True)) as server:
        accounts = server.app[STAFF_ACCOUNTS]
        await accounts.add_user("zhuren", "赵主任", StaffRole.MANAGER, PASSWORD)
        await accounts.add_user("kan", "钱科员", StaffRole.VIEWER, PASSWORD)
        kiosk_id = await server.storage.add_kiosk("一号终端", "红星村", "hash-1")
        lawyer_id = await server.add_lawyer("wang", "王律师", "明理律师事务所")
        call = _record("call-000001", kiosk_id, lawyer_id, 1000.0, stats={"recording": "agreed"})
        await server.storage.save_call(call)
        store = server.app[RECORDINGS]
        data = recording.data
        for index in range(0, len(data), CHUNK_BYTES):
            await store.put_chunk(
                call.call_id, lawyer_id, index // CHUNK_BYTES, data[index : index + CHUNK_BYTES]
            )
        chunks = -(-len(data) // CHUNK_BYTES)
        await store.complete(call.call_id, lawyer_id, chunks, hashlib.sha256(data).hexdigest(), 3.0)

        async with playwright_api.async_playwright() as pw:
            chromium = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True
            )
            try:
                for user, may_play in (("zhuren", True), ("kan", False)):
                    page = await chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
                    await page.goto(f"{server.url}/console/login")
                    await page.get_by_label("用户名").fill(user)
                    await page.get_by_label("密码").fill(PASSWORD)
                    await page.get_by_role("button", name="登录").click()
                    await page.goto(f"{server.url}/console/matters/{call.call_id}")
                    if may_play:
                        played = await page.evaluate(_METADATA)
                        assert played.get("width") == 640 and abs(played["duration"] - 3.0) < 0.6, played
                        await playwright_api.expect(page.get_by_role("link", name="下载录像")).to_be_visible()
                    else:
                        await playwright_api.expect(page.locator("video")).to_have_count(0)
                        await playwright_api.expect(page.get_by_text("您的账号不能查看录像")).to_be_visible()
                        reply = await page.request.get(
                            f"{server.url}/console/matters/{call.call_id}/recording"
                        )
                        assert reply.status == 403
                    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path)
                    await page.screenshot(path=folder / f"recording-matter-{user}.png", full_page=True)
                    await page.close()
            finally:
                await chromium.close()
