"""A form confirmed on a terminal reaches the real pool server once, and its status can be looked up."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from kiosk.outbox import Deliverer, Outbox, lookup_status
from server.keys import SUBMISSIONS
from tests.server_helpers import running_server, server_settings
from tests.test_outbox_delivery import FAST, submission


async def test_terminal_form_is_stored_once_by_the_pool_server(tmp_path):
    async with running_server(server_settings(tmp_path)) as server, aiohttp.ClientSession() as http:
        token = await server.add_kiosk("红星村服务室", "红星村")
        outbox = await Outbox.open_in(tmp_path / "terminal")
        try:
            receipt = await outbox.enqueue(submission(phone="13912345678"))
            (entry,) = await outbox.entries()
            body = await outbox.body(entry.idempotency_key)
            deliverer = Deliverer(outbox, server.url, token, backoff=FAST)
            assert await deliverer.deliver_pending(http)
            assert await outbox.entries() == []  # wiped from the terminal once acknowledged
            # The same submission sent again (as after a lost acknowledgement) is not stored twice.
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            async with http.post(f"{server.url}/api/submissions", data=body, headers=headers) as resp:
                assert resp.status == 200
                assert (await resp.json())["tracking_number"] == receipt.tracking_number
            assert await server.app[SUBMISSIONS].count() == 1
            status, reply = await lookup_status(http, server.url, token, receipt.display, "5678")
            assert status == 200 and reply["status"] == "已提交"
        finally:
            await outbox.close()


async def test_unknown_terminal_token_is_refused(tmp_path):
    headers = {"Authorization": "Bearer nope"}
    async with (
        running_server(server_settings(tmp_path)) as server,
        aiohttp.ClientSession() as http,
        http.post(f"{server.url}/api/submissions", data=b"{}", headers=headers) as resp,
    ):
        assert resp.status == web.HTTPUnauthorized.status_code
        assert "error" in await resp.json()
