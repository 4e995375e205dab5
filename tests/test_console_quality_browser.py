"""The call-quality page in a real Chromium: a manager signs in, opens 通话质量 from the navigation and
sees the village with repeatedly bad links first, then one bad call's figures on its matter page."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from server.auth import register_kiosk, register_lawyer
from server.console_auth import STAFF_ACCOUNTS, StaffRole
from server.pool_model import CallRecord
from tests.server_helpers import running_server, server_settings
from tests.test_console_browser import CHROMIUM, CHROMIUM_FLAGS, PASSWORD, playwright_api
from tests.test_console_browser import pytestmark as browser_marks
from tests.test_console_storage import quality

pytestmark = browser_marks


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        await chromium.close()


async def test_a_manager_sees_the_village_with_bad_links_first_and_one_calls_figures(tmp_path, browser):
    shots = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path)
    expect = playwright_api.expect
    async with running_server(server_settings(tmp_path)) as server:
        storage = server.storage
        await server.app[STAFF_ACCOUNTS].add_user("zhuren", "赵主任", StaffRole.MANAGER, PASSWORD)
        wang = await register_lawyer(storage, "wang", "王律师", "明理律师事务所", "pw-123456")
        good, _ = await register_kiosk(storage, "红星村服务室", "红星村")
        bad, _ = await register_kiosk(storage, "白杨村服务室", "白杨村")
        now = time.time()

        def record(call_id, kiosk, ago_s, stats, outcome="completed"):
            at = now - ago_s
            return CallRecord(
                call_id, kiosk, wang, "land", at, at + 1, at + 5, at + 300, outcome, "kiosk", stats, [],
                tracking_number=f"T-{call_id}",
            )  # fmt: skip

        fine = {"kiosk": quality(0.01, 90.0), "lawyer": quality(0.01, 95.0)}
        for rec in (
            record("g1", good, 7200, fine),
            record("g2", good, 6000, fine),
            record("g3", good, 5000, fine),
            record(
                "b1",
                bad,
                4000,
                {"kiosk": quality(0.15, 520.0, "audio_only", 2), "lawyer": quality(0.1, 510.0)},
            ),
            record("b2", bad, 3000, {"kiosk": quality(0.25, 700.0, "low", 4)}, outcome="disconnected"),
        ):
            await storage.save_call(rec)

        page = await browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        await page.goto(f"{server.url}/console/login")
        await page.get_by_label("用户名").fill("zhuren")
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.get_by_role("link", name="通话质量").click()
        await expect(page).to_have_url(f"{server.url}/console/quality")
        rows = page.locator("#by-terminal tbody tr")
        await expect(rows).to_have_count(2)
        await expect(rows.nth(0)).to_contain_text("白杨村 · 白杨村服务室")
        await expect(rows.nth(0)).to_contain_text("需要改善网络")
        await expect(rows.nth(1)).to_contain_text("红星村")
        await expect(rows.nth(1)).not_to_contain_text("需要改善网络")
        cells = rows.nth(0).locator("td")
        await expect(cells.nth(1)).to_have_text("2")  # both its calls had a bad link
        await expect(cells.nth(3)).to_have_text("20.0%")  # loss median of 15% and 25%
        await expect(cells.nth(7)).to_have_text("100.0%")  # both dropped to low or worse
        await expect(cells.nth(10)).to_have_text("1")  # one ended because the link failed
        await expect(page.locator("#quality-by-day tfoot")).to_contain_text("5")
        await page.screenshot(path=shots / "20-quality.png", full_page=True)

        await page.goto(f"{server.url}/console/matters/b1")
        section = page.locator("#call-quality")
        await expect(section).to_contain_text("平均丢包 15.0%")
        await expect(section).to_contain_text("最差模式 仅语音")
        sides = page.locator("#quality-sides")
        await expect(sides.locator("thead")).to_contain_text("村里终端")
        await expect(sides.locator("tr", has_text="往返时延")).to_contain_text("520 毫秒")
        await expect(sides.locator("tr", has_text="重拨尝试")).to_contain_text("2 次")
        await page.screenshot(path=shots / "21-matter-quality.png", full_page=True)
