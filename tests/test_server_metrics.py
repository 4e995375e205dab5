"""Operations endpoints: readiness and Prometheus metrics reflect the live pool."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from tests.server_helpers import running_server, server_settings


async def test_readyz_and_metrics_follow_the_pool(tmp_path: Path):
    async with running_server(server_settings(tmp_path)) as server, aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/readyz") as resp:
            assert resp.status == 200 and (await resp.json())["database"] == "ok"
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        kiosk = await server.kiosk()
        async with http.get(f"{server.url}/metrics") as resp:
            assert resp.content_type == "text/plain"
            body = await resp.text()
        assert 'legal_kiosk_lawyers{state="available"} 1' in body
        assert "legal_kiosk_terminals_connected 1" in body
        assert "legal_kiosk_connections 2" in body
        await desk.close()
        await kiosk.close()
