"""Console pages over HTTP: the centre's time zone, matter filters and detail, refusals as readable pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.auth import register_kiosk, register_lawyer
from server.console_auth import StaffRole
from server.keys import STORAGE
from server.pool_model import CallRecord
from tests.console_helpers import console_client
from tests.server_helpers import server_settings

LATE_EVENING_UTC = datetime(
    2026, 11, 23, 23, 30, tzinfo=ZoneInfo("UTC")
).timestamp()  # 07:30 next day in China


async def _one_call(app, at: float) -> None:
    storage = app[STORAGE]
    kiosk_id, _ = await register_kiosk(storage, "一号终端", "东村")
    lawyer_id = await register_lawyer(storage, "wang", "王律师", "明理所", "pw-123456")
    times = (at, at + 1, at + 12, at + 72)
    await storage.save_call(
        CallRecord(
            "c1", kiosk_id, lawyer_id, "traffic", *times, "completed", "kiosk", {}, [], "20261123-0001"
        )
    )


@pytest.mark.parametrize(
    ("zone", "day", "shown"), [("Asia/Shanghai", "2026-11-24", "07:30:00"), ("UTC", "2026-11-23", "23:30:00")]
)
async def test_days_and_times_follow_the_centres_time_zone(tmp_path, zone, day, shown):
    async with console_client(server_settings(tmp_path, timezone=zone)) as console:
        await _one_call(console.app, LATE_EVENING_UTC)
        await console.add_user("boss", StaffRole.MANAGER)
        await console.login("boss")
        page = await (await console.client.get("/console/matters", params={"from": day, "to": day})).text()
        assert "20261123-0001" in page  # the matter's number (一事一录)
        assert f"{day} {shown}" in page and "交通事故" in page and "1分00秒" in page
        figures = await (await console.client.get("/console/figures", params={"from": day, "to": day})).text()
        assert day in figures and "100.0%" in figures
        csv_text = await (
            await console.client.get("/console/matters.csv", params={"from": day, "to": day})
        ).text()
        assert f"{day} {shown}" in csv_text


async def test_filters_narrow_the_matters_and_the_detail_page_shows_the_record(tmp_path):
    async with console_client(server_settings(tmp_path, timezone="UTC")) as console:
        await _one_call(console.app, LATE_EVENING_UTC)
        await console.add_user("boss", StaffRole.MANAGER)
        await console.login("boss")
        day = {"from": "2026-11-23", "to": "2026-11-23"}
        for extra, found in (({}, True), ({"topic": "land"}, False), ({"outcome": "cancelled"}, False)):
            page = await (await console.client.get("/console/matters", params={**day, **extra})).text()
            assert ("/console/matters/c1" in page) is found, extra
        detail = await (await console.client.get("/console/matters/c1")).text()
        assert "20261123-0001" in detail and "王律师" in detail and "村民一方结束" in detail


async def test_refusals_are_readable_pages_with_a_way_home(tmp_path):
    async with console_client(server_settings(tmp_path)) as console:
        await console.add_user("viewer", StaffRole.VIEWER)
        await console.login("viewer")
        forbidden = await console.client.get("/console/accounts")
        assert forbidden.status == 403 and forbidden.content_type == "text/html"
        assert (
            "您的账号没有这项权限" in await forbidden.text()
            and 'href="/console/live"' in await forbidden.text()
        )
        missing = await console.client.get("/console/matters/no-such-call")
        assert missing.status == 404 and "没有这条记录" in await missing.text()


async def test_applications_and_terminal_health_pages(tmp_path):
    from content.forms.session import new_idempotency_key
    from content.forms.tracking import new_tracking_number
    from kiosk.heartbeat_data import DeviceState, collect
    from tests.test_outbox_delivery import submission

    async with console_client(server_settings(tmp_path)) as console:
        storage = console.app[STORAGE]
        _, token = await register_kiosk(storage, "一号终端", "东村")
        await register_kiosk(storage, "二号终端", "西村")  # never reports
        auth = {"Authorization": f"Bearer {token}"}
        body = submission(form_id="callback", phone="13912345678")
        body |= {"idempotency_key": new_idempotency_key(), "tracking_number": new_tracking_number()}
        sent = await console.client.post("/api/submissions", json=body, headers=auth)
        assert sent.status == 201
        tracking = (await sent.json())["tracking_number"]
        beat = collect(
            state_dir=tmp_path,
            content_pack_version="p1",
            camera=DeviceState.MISSING,
            microphone=DeviceState.OK,
        )
        assert (await console.client.post("/api/terminals/heartbeat", json=beat, headers=auth)).status == 200
        await console.add_user("viewer", StaffRole.VIEWER)
        await console.login("viewer")
        page = await (await console.client.get("/console/applications")).text()
        assert tracking in page and "回拨请求" in page and "已提交" in page
        assert "看不到申请人姓名" in page
        terminals = await (await console.client.get("/console/terminals")).text()
        assert "摄像头故障" in terminals and "登记后从未联系" in terminals
