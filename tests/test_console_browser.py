"""The console in real Chromium: sign in, watch a villager's call appear live, edit the roster, export CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from pathlib import Path

import pytest

from protocol.messages import (
    Accept,
    CallAccepted,
    CallbackRegistered,
    CallbackRequest,
    CallNotes,
    CallQueued,
    CallRequest,
    DutyState,
    EndWrapUp,
    Error,
    Hangup,
    Rating,
    Ring,
)
from server.console.roster_store import CONSOLE_ROSTER
from server.console_auth import STAFF_ACCOUNTS, StaffRole
from tests.server_helpers import running_server, server_settings

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # 24-hour time and year-first dates in the form fields, as a Chinese office sees them
]
PASSWORD = "console-pass-1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $CONSOLE_SCREENSHOTS if set (to look at them), else the test's temp dir."""
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        await chromium.close()


async def test_a_manager_signs_in_sees_a_call_waiting_edits_the_roster_and_exports_csv(
    tmp_path, browser, shots
):
    expect = playwright_api.expect
    async with running_server(server_settings(tmp_path, wrap_up_s=600.0)) as server:
        await server.app[STAFF_ACCOUNTS].add_user("zhuren", "赵主任", StaffRole.MANAGER, PASSWORD)
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        await server.add_lawyer("li", "李律师", "公正律师事务所")
        kiosk = await server.kiosk("一号终端", "东村")

        page = await browser.new_page(
            viewport={"width": 1280, "height": 860}, locale="zh-CN", accept_downloads=True
        )
        await page.goto(f"{server.url}/console/live")
        await expect(page).to_have_url(f"{server.url}/console/login?next=/console/live")
        await page.get_by_label("用户名").fill("zhuren")
        await page.get_by_label("密码").fill("wrong-password")
        await page.get_by_role("button", name="登录").click()
        await expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
        await expect(page.get_by_label("用户名")).to_have_value("zhuren")  # kept, only the password again
        await page.screenshot(path=shots / "01-login.png")
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await expect(page).to_have_url(f"{server.url}/console/live")

        lawyers = page.locator("#lawyers tbody")
        await expect(lawyers.locator("tr", has_text="王律师")).to_contain_text("在岗空闲")
        await expect(lawyers.locator("tr", has_text="李律师")).to_contain_text("未上线")
        await expect(lawyers.locator("tr", has_text="王律师")).to_contain_text("未排班")
        await expect(page.locator("#centre-open")).to_have_text("服务时间内")  # 7x24 until hours are set
        await expect(page.locator("#kiosks tbody")).to_contain_text("一号终端")
        await expect(page.locator("#queue tbody")).to_contain_text("现在没有人排队")

        await kiosk.send(CallRequest(request_id="r1", topic="labour_wages", migrant_worker=True))
        call_id = (await kiosk.expect(CallQueued)).call_id
        await desk.expect(Ring)
        waiting = page.locator("#queue tbody tr", has_text="东村")
        await expect(waiting).to_contain_text("劳动争议/欠薪")
        await expect(waiting).to_contain_text("农民工欠薪")  # the green channel's priority
        await expect(waiting).to_contain_text("王律师")  # ringing him now
        await expect(lawyers.locator("tr", has_text="王律师")).to_contain_text("振铃")
        await expect(page.locator("#t-calls")).to_have_text("1")
        await expect(page.locator("#t-rate")).to_have_text("—")  # nothing settled yet: no rate to show
        await page.screenshot(path=shots / "02-live-call-waiting.png", full_page=True)

        await desk.send(Accept(call_id))
        await kiosk.expect(CallAccepted)
        await desk.expect(CallAccepted)
        await expect(page.locator("#queue tbody")).to_contain_text("现在没有人排队")
        await expect(lawyers.locator("tr", has_text="王律师")).to_contain_text("通话中")
        await kiosk.send(Hangup(call_id, "completed"))
        await desk.expect(Hangup)
        await expect(lawyers.locator("tr", has_text="王律师")).to_contain_text("整理")  # wrap-up for notes
        await desk.send(CallNotes(call_id, "欠薪三个月，已告知可申请劳动仲裁"))
        await desk.send(EndWrapUp())
        await desk.expect(DutyState)  # handled in order: the notes are in before this
        await kiosk.send(Rating(call_id, 3))
        await kiosk.send_raw("not a message")  # answered with an Error once the rating before it is in
        await kiosk.expect(Error)
        await server.hub.records_flushed()
        await expect(lawyers.locator("tr", has_text="王律师")).to_contain_text("在岗空闲")

        # the roster: give Wang a specialty, a village and a Wednesday shift
        await page.get_by_role("link", name="值班排班").click()
        await page.screenshot(path=shots / "03-roster-before.png", full_page=True)
        await page.get_by_role("link", name="王律师").click()
        await page.get_by_label("交通事故").check()
        await page.get_by_role("button", name="保存专长").click()
        await expect(page.get_by_role("status")).to_have_text("已保存。")
        await expect(page.get_by_label("交通事故")).to_be_checked()
        await page.get_by_label("东村").check()
        await page.get_by_role("button", name="保存驻村").click()
        await expect(page.get_by_role("status")).to_have_text("已保存。")
        await page.locator("#shift-form select[name=weekday]").select_option(label="周三")
        await page.locator("#shift-form input[name=start]").fill("09:00")
        await page.locator("#shift-form input[name=end]").fill("12:00")
        await page.get_by_role("button", name="添加班次").click()
        await expect(page.locator("#shifts tbody")).to_contain_text("周三")
        await page.get_by_role("button", name="添加调整").click()
        await expect(page.locator("#changes tbody")).to_contain_text("不值班")
        await page.screenshot(path=shots / "04-roster-lawyer.png", full_page=True)
        await page.get_by_role("link", name="← 返回排班表").click()
        row = page.locator("#roster tbody tr", has_text="王律师")
        await expect(row).to_contain_text("交通事故")
        await expect(row).to_contain_text("周三 09:00-12:00")
        await expect(row).to_contain_text("东村")
        await page.screenshot(path=shots / "05-roster.png", full_page=True)
        await page.get_by_role("link", name="实时情况").click()
        await expect(lawyers.locator("tr", has_text="王律师")).to_contain_text("不在班")  # on leave today
        edited = await server.app[CONSOLE_ROSTER].lawyer(desk_lawyer_id(server, "王律师"))
        assert edited is not None and edited.specialties == frozenset({"traffic"})
        assert edited.adviser_of == ("东村",) and [s.shift.label() for s in edited.shifts] == [
            "周三 09:00-12:00"
        ]

        # matters: the call is listed, its page opens, and the CSV has it
        await page.get_by_role("link", name="事项记录").click()
        matter = page.locator("#matters tbody tr", has_text="东村")
        await expect(matter).to_contain_text("已接通")
        await expect(matter).to_contain_text("王律师")
        await page.screenshot(path=shots / "06-matters.png", full_page=True)
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="导出 CSV（Excel 可直接打开）").click()
        download = await download_info.value
        data = await asyncio.to_thread(Path(await download.path()).read_bytes)
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == 1
        assert (rows[0]["村"], rows[0]["咨询类别"], rows[0]["接听律师"], rows[0]["结果"]) == (
            "东村",
            "劳动争议/欠薪",
            "王律师",
            "已接通",
        )
        stored = await server.storage.get_call(call_id)
        assert stored is not None and rows[0]["编号"] == stored.tracking_number
        assert rows[0]["优先级"] == "农民工欠薪" and rows[0]["满意度"] == "3"
        assert rows[0]["律师备注"] == "欠薪三个月，已告知可申请劳动仲裁"  # a manager may see personal data
        await matter.get_by_role("link").click()
        await expect(page.locator("dl.facts")).to_contain_text("王律师")
        await expect(page.locator("dl.facts")).to_contain_text("欠薪三个月")
        await page.screenshot(path=shots / "07-matter.png", full_page=True)

        await kiosk.send(CallbackRequest(request_id="cb1", phone="13912345678", topic="land"))
        await kiosk.expect(CallbackRegistered)
        await expect(page.locator("#t-callbacks")).to_have_count(0)  # not on the live page now
        await page.get_by_role("link", name="回电登记").click()
        callback = page.locator("#callbacks tbody tr", has_text="13912345678")
        await expect(callback).to_contain_text("等待回电")
        await expect(callback).to_contain_text("土地承包")
        await page.screenshot(path=shots / "08-callbacks.png", full_page=True)
        await page.get_by_role("link", name="实时情况").click()
        await expect(page.locator("#t-callbacks")).to_have_text("1")

        await page.get_by_role("link", name="服务统计").click()
        day = page.locator("#by-day tbody tr").first
        await expect(day).to_contain_text("100.0%")  # answered, and rated 满意
        await expect(page.locator("#by-lawyer tbody")).to_contain_text("王律师")
        await page.screenshot(path=shots / "09-figures.png", full_page=True)

        await page.get_by_role("button", name="退出登录").click()
        await expect(page).to_have_url(f"{server.url}/console/login")
        await kiosk.close()
        await desk.close()


def desk_lawyer_id(server, name: str) -> int:
    """The pool's id of a connected lawyer, by name."""
    return next(lw.lawyer_id for lw in server.hub.pool.lawyers.values() if lw.display_name == name)


async def test_an_admin_creates_a_viewer_who_cannot_edit(tmp_path, browser, shots):
    expect = playwright_api.expect
    async with running_server(server_settings(tmp_path)) as server:
        await server.app[STAFF_ACCOUNTS].add_user("admin", "系统管理员", StaffRole.ADMIN, PASSWORD)
        await server.add_lawyer("wang", "王律师", "明理律师事务所")
        page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        await page.goto(f"{server.url}/console/login")
        await page.get_by_label("用户名").fill("admin")
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.get_by_role("link", name="账号管理").click()
        form = page.locator("#new-account")
        await form.get_by_label("用户名").fill("kan")
        await form.get_by_label("姓名").fill("钱科员")
        await form.get_by_label("角色").select_option(label="只读查看")
        await form.get_by_label("初始密码").fill("viewer-pass-1")
        await form.get_by_role("button", name="创建").click()
        await expect(page.get_by_role("status")).to_have_text("账号已创建。")
        await expect(page.locator("#accounts tbody tr", has_text="钱科员")).to_contain_text("正常")
        await page.screenshot(path=shots / "10-accounts.png", full_page=True)
        await page.get_by_role("button", name="退出登录").click()

        await page.get_by_label("用户名").fill("kan")
        await page.get_by_label("密码").fill("viewer-pass-1")
        await page.get_by_role("button", name="登录").click()
        await expect(page.get_by_role("link", name="账号管理")).to_have_count(0)
        await page.get_by_role("link", name="值班排班").click()
        await page.get_by_role("link", name="王律师").click()
        await expect(page.get_by_text("您的账号只能查看")).to_be_visible()
        await expect(page.get_by_role("button", name="保存专长")).to_have_count(0)
        await expect(page.get_by_label("交通事故")).to_be_disabled()
        await page.screenshot(path=shots / "11-roster-viewer.png", full_page=True)
