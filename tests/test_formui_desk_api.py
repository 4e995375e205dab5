"""The lawyers' submission routes on the real pool server: list, open, change status, clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiohttp

from content.forms import load_form
from content.forms.examples import example_values
from kiosk.outbox import Deliverer, Outbox
from tests.server_helpers import running_server, server_settings


async def _submit(server: Any, tmp_path: Any, token: str) -> str:
    outbox = await Outbox.open_in(tmp_path / "terminal")
    try:
        spec = load_form("callback")
        body = {
            "form_id": "callback",
            "form_version": spec.version,
            "submitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "values": example_values(spec, datetime.now(UTC).date()),
            "consent": None,
            "assisted_by": "司法所-张敏",
        }
        receipt = await outbox.enqueue(body)
        async with aiohttp.ClientSession() as http:
            assert await Deliverer(outbox, server.url, token).deliver_pending(http)
        return receipt.tracking_number
    finally:
        await outbox.close()


async def test_lawyer_lists_opens_and_moves_a_submission_through_its_statuses(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        tracking = await _submit(server, tmp_path, await server.add_kiosk("一号终端", "东村"))
        await server.add_lawyer("wangming", "王明", "县法律援助中心")
        headers = {"Authorization": f"Bearer {await server.login('wangming')}"}
        base = f"{server.url}/api/submissions"
        async with server.http.get(base, headers=headers) as r:
            (item,) = (await r.json())["submissions"]
        assert item["tracking_number"] == tracking and item["assisted_by"] == "司法所-张敏"
        assert [s["label"] for s in item["next_statuses"]] == ["受理", "补充材料", "办结"]
        async with server.http.get(f"{base}/{tracking}", headers=headers) as r:
            detail = await r.json()
        assert {"caption": "回拨电话", "answer": "139 1234 5678", "field_id": "phone"} in detail["lines"]

        async def move(status: str, note: str = "") -> tuple[int, dict[str, Any]]:
            body = {"status": status, "note": note}
            async with server.http.post(f"{base}/{tracking}/status", json=body, headers=headers) as r:
                return r.status, await r.json()

        assert (await move("assigned"))[0] == 409  # 已提交 -> 已指派 skips 受理
        assert "不能改成" in (await move("assigned"))[1]["error"]["message"]
        assert (await move("nonsense"))[0] == 400
        code, reply = await move("accepted", "已安排律师，明天回电")
        assert code == 200 and reply["status_label"] == "受理"
        assert (await move("closed"))[0] == 200
        assert (await move("accepted"))[0] == 409  # 办结 is final
        async with server.http.get(f"{base}?status=closed", headers=headers) as r:
            assert [i["tracking_number"] for i in (await r.json())["submissions"]] == [tracking]
        async with server.http.get(f"{base}/ZZZZ9999", headers=headers) as r:
            assert r.status == 404
