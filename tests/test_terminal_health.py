"""Self-test results reach the pool server and are kept per terminal, so the centre sees broken ones."""

from __future__ import annotations

import aiohttp

from kiosk.access_wiring import send_results
from kiosk.selftest import CheckResult, CheckStatus
from server.keys import STORAGE
from server.terminal_health import SELFTEST_PATH, latest_reports
from tests.server_helpers import running_server, server_settings

BROKEN_CAMERA = [
    CheckResult("camera", "摄像头", CheckStatus.FAILED, "没有找到摄像头", "请检查摄像头的线是否插好"),
    CheckResult("server", "网络和服务器", CheckStatus.OK, "服务器连接正常（3 毫秒）"),
]


async def test_a_terminals_latest_selftest_is_stored_and_replaces_the_last(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        token = await server.add_kiosk("红星村服务室", "红星村")
        assert await send_results(server.url, token, BROKEN_CAMERA)
        (report,) = await latest_reports(server.app[STORAGE].engine)
        assert report["failed"] == 1
        assert report["results"][0] == BROKEN_CAMERA[0].to_json()
        fixed = [CheckResult("camera", "摄像头", CheckStatus.OK, "摄像头正常（640×480）")]
        assert await send_results(server.url, token, fixed)
        (report,) = await latest_reports(server.app[STORAGE].engine)
        assert report["failed"] == 0 and [r["status"] for r in report["results"]] == ["ok"]


async def test_unknown_terminals_and_malformed_reports_are_refused(tmp_path):
    async with running_server(server_settings(tmp_path)) as server, aiohttp.ClientSession() as http:
        assert not await send_results(server.url, "not-a-token", BROKEN_CAMERA)
        token = await server.add_kiosk("石桥村服务点", "石桥村")
        headers = {"Authorization": f"Bearer {token}"}
        bad = {"results": [{"name": "toaster", "status": "ok"}]}
        async with http.post(f"{server.url}{SELFTEST_PATH}", json=bad, headers=headers) as reply:
            assert reply.status == 400
        assert await latest_reports(server.app[STORAGE].engine) == []
