"""Device self-test: each check gives a plain result and, on failure, what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from kiosk.selftest import CheckStatus, check_camera, check_printer, check_server, check_turn
from tools.appdriver import free_port
from tools.coturn import CoturnProcess


def test_missing_camera_is_reported_with_advice():
    result = check_camera(index=7)  # no such device on a test machine
    assert result.status is CheckStatus.FAILED
    assert result.message == "没有找到摄像头"
    assert "重新检测" in result.advice


async def test_server_reachable_and_unreachable():
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        assert (await check_server(f"http://127.0.0.1:{port}")).status is CheckStatus.OK
    finally:
        await runner.cleanup()
    down = await check_server(f"http://127.0.0.1:{port}", timeout_s=1)
    assert down.status is CheckStatus.FAILED
    assert "网络" in down.advice


async def test_turn_server_answers_stun(tmp_path: Path):
    try:
        turn = CoturnProcess(tmp_path)
    except RuntimeError:
        pytest.skip("coturn not installed")
    turn.start()
    try:
        assert (await check_turn(turn.url)).status is CheckStatus.OK
    finally:
        turn.stop()
    silent = await check_turn(f"turn:127.0.0.1:{free_port()}?transport=udp", timeout_s=0.5)
    assert silent.status is CheckStatus.WARNING


def test_no_printer_configured_is_not_a_failure():
    assert check_printer("").status is CheckStatus.SKIPPED
