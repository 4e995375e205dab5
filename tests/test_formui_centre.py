"""The centre side: a form from the kiosk reaches the real pool server, a lawyer changes its status on
the desk's 申请 tab, and the villager reads the new status on the kiosk's status lookup."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from content.forms import load_form
from content.forms.examples import example_values
from kiosk.outbox import Deliverer, lookup_status
from tests.formui_helpers import NOW, ItemHarness, forms_kiosk, run
from tests.server_helpers import running_server, server_settings
from tests.test_formui_flows import fill_to_review
from tests.ui_fakes import FakeDeskFlow
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.desk_forms_vm import DeskFormsViewModel
from ui.desk_vm import DeskViewModel
from ui.form_pdf import ApplicationRecord, write_application_pdf

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")


def test_desk_status_change_is_what_the_villager_sees_on_lookup(qtbot, qapp, tmp_path):
    stack = contextlib.AsyncExitStack()
    http_holder: dict[str, Any] = {}

    async def query(tracking: str, last4: str) -> tuple[int, dict[str, Any]]:
        server = http_holder["server"]
        return await lookup_status(server.http, server.url, http_holder["token"], tracking, last4)

    with forms_kiosk(qtbot, qapp, tmp_path, status_query=query) as k:
        server = run(qtbot, stack.enter_async_context(running_server(server_settings(tmp_path))))
        http_holder["server"] = server
        try:
            token = run(qtbot, server.add_kiosk("石桥村服务点", "石桥村"))
            http_holder["token"] = token
            run(qtbot, server.add_lawyer("wangming", "王明", "县法律援助中心"))
            lawyer_token = run(qtbot, server.login("wangming"))

            # The villager applies for legal aid on the kiosk; the terminal delivers it.
            k.vm.openForm("legal_aid")
            fill_to_review(k, example_values(load_form("legal_aid"), NOW.date()))
            k.h.tap("nextButton")
            k.h.wait_for("trackingNumber")
            tracking = k.forms.property("trackingNumber")
            deliverer = Deliverer(k.outbox, server.url, token)
            assert run(qtbot, _deliver(deliverer))
            k.h.tap("receiptDone")

            # The lawyer opens the 申请 tab on the desk, opens the application, accepts it.
            desk_runner = BackgroundRunner()
            flow = FakeDeskFlow()
            desk_vm = DeskViewModel(flow, desk_runner, username="wangming")
            run(qtbot, flow.login("wangming", "secret"))  # the desk's call side; the tab uses the token
            apps = DeskFormsViewModel(desk_runner, server.url, lambda: lawyer_token, tmp_path / "desk")
            desk = ItemHarness(qtbot, "desk/Main.qml", {"vm": desk_vm, "applications": apps})
            try:
                with qtbot.waitSignal(apps.loaded, timeout=10000):
                    desk.tap("applicationsTabButton")
                row = desk.wait_for(f"submission_{tracking}")
                assert row is not None
                with qtbot.waitSignal(apps.loaded, timeout=10000):
                    desk.tap(f"submission_{tracking}")
                assert apps.property("selected")["applicant"] == "李秀英"
                assert apps.property("selected")["priority"] is True  # the wage-claim green channel
                assert Path(apps.property("pdfPath")).read_bytes().startswith(b"%PDF")
                assert apps.property("preview").startswith("data:image/png;base64,")
                desk.item("statusNote").setProperty("text", "请带身份证和欠条到中心")
                with qtbot.waitSignal(apps.loaded, timeout=10000):
                    desk.tap("setStatus_accepted")
                assert "受理" in desk.text("selectedStatus")
                desk.shot(tmp_path / "desk.png")
            finally:
                desk.close()
                run(qtbot, desk_runner.shutdown())

            # The villager looks the status up on the kiosk with the tracking number and phone.
            k.h.tap("applyTile")
            k.h.tap("statusTile")
            for ch in tracking:
                k.h.tap(f"statusKey{ch}")
            assert k.h.text("statusEntry") == f"{tracking[:4]}-{tracking[4:]}"
            k.h.tap("nextButton")
            for digit in "5678":
                k.h.tap(f"statusDigit{digit}")
            with qtbot.waitSignal(k.forms.status.answered, timeout=10000):
                k.h.tap("nextButton")
            result = k.h.wait_for("statusResult").property("text")
            assert "中心已经受理了您的申请" in result and "请带身份证和欠条到中心" in result
            assert k.h.text("statusPrompt") == "法律援助申请：受理"
        finally:
            run(qtbot, stack.aclose())


async def _deliver(deliverer: Deliverer) -> bool:
    async with aiohttp.ClientSession() as http:
        return await deliverer.deliver_pending(http)


def test_status_lookup_says_plainly_when_nothing_matches(qtbot, qapp, tmp_path):
    async def not_found(tracking: str, last4: str) -> tuple[int, dict[str, Any]]:
        return 404, {"error": {"code": "not_found", "message": "没有查到。请核对受理号和手机号码的后四位"}}

    with forms_kiosk(qtbot, qapp, tmp_path, status_query=not_found) as k:
        k.h.tap("applyTile")
        k.h.tap("statusTile")
        k.h.tap("nextButton")
        assert "8位" in k.h.wait_for("statusMessage").property("text")
        for ch in "ABCD2345":
            k.h.tap(f"statusKey{ch}")
        k.h.tap("nextButton")
        for digit in "1234":
            k.h.tap(f"statusDigit{digit}")
        k.h.tap("nextButton")
        assert "没有查到" in k.h.wait_for("statusResult").property("text")


def test_lawyer_routes_need_a_lawyer_login(qtbot, qapp, tmp_path):
    async def check() -> list[int]:
        async with running_server(server_settings(tmp_path)) as server:
            kiosk_token = await server.add_kiosk("一号终端", "东村")
            codes = []
            for token in ("", kiosk_token):
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                async with server.http.get(f"{server.url}/api/submissions", headers=headers) as r:
                    codes.append(r.status)
                async with server.http.post(
                    f"{server.url}/api/submissions/ABCD2345/status",
                    json={"status": "closed"},
                    headers=headers,
                ) as r:
                    codes.append(r.status)
            return codes

    from tests.ui_fakes import running_qasync_loop

    with running_qasync_loop(qapp):
        assert run(qtbot, check()) == [401, 401, 401, 401]  # a terminal's token is not a lawyer's


def test_application_pdf_renders_with_the_applicants_chinese_name(qapp, tmp_path):
    spec = load_form("mediation")
    values = example_values(spec, date(2026, 11, 24), name="欧阳秀英")
    record = ApplicationRecord(spec, values, "ABCD2345", "2026-11-24 09:40", assisted_by="司法所-张敏")
    pdf = write_application_pdf(tmp_path / "application.pdf", record)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (tools/debian-packages.txt)")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 2000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text)  # poppler maps some glyphs to CJK radicals
    assert "欧阳秀英" in text and "调解申请书" in text and "司法所-张敏" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts and " yes " in fonts  # the CJK font is embedded
