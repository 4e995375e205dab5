"""Screenshots of every 办事申请 screen: each question of each form, consent, self-check, review, receipt,
status lookup, and the desk's 村民申请 tab (called by tools/screenshots.py)."""

from __future__ import annotations

import asyncio
import math
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

SHOT_DELAY_S = 0.3  # let the new screen load and render


async def shoot_forms(out: Path, language: str) -> None:
    """Render the kiosk's form screens and the desk's applications tab into `out`."""
    from PySide6.QtQml import QQmlApplicationEngine

    from config.settings import CameraSettings, MediaSource
    from content.forms import CHINA_TZ, load_all_forms
    from kiosk.outbox import Outbox
    from tests.access_fixtures import build_access_kiosk
    from ui.app import QML_DIR, keyboard_locale, load_window
    from ui.background import BackgroundRunner
    from ui.forms_vm import FormsViewModel

    now = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)
    with tempfile.TemporaryDirectory(prefix="formui-shots-") as scratch:
        work = Path(scratch)
        outbox = await Outbox.open_in(work / "data")
        runner = BackgroundRunner()
        specs = load_all_forms()
        forms = FormsViewModel(
            specs,
            runner,
            outbox,
            lambda: work / "session",
            status_query=_status_reply,
            camera=CameraSettings(source=MediaSource.SYNTHETIC),
            printer="receipts",
            clock=lambda: now,
        )
        # The window as `python -m kiosk` builds it: with the 大字/朗读 bar along the bottom.
        kiosk = build_access_kiosk(None, work / "kiosk", forms=forms)
        vm = kiosk.vm
        engine = QQmlApplicationEngine()
        window = load_window(
            engine,
            QML_DIR / "kiosk" / "Main.qml",
            {**kiosk.properties(), "keyboardLocale": keyboard_locale(language)},
        )
        window.show()

        async def shot(name: str, action: Callable[[], Any] = lambda: None) -> None:
            action()
            await asyncio.sleep(SHOT_DELAY_S)
            path = out / f"forms_{name}.png"
            window.grabWindow().save(str(path))
            print(f"  {path}", flush=True)

        def show_articles() -> None:  # 看法律原文 on the self-check's result
            _named(window.contentItem(), "eligibilityPage").setProperty("showQuotes", True)

        await shot("00_chooser", lambda: vm.tapTile("apply"))
        for spec in specs.values():
            await _walk_form(forms, spec, now, shot)
        await _extras(forms, shot, show_articles)
        kiosk.access.stop()
        window.close()
        await kiosk.runner.shutdown()
        await runner.shutdown()
        await outbox.close()
        del engine
    await _desk_tab(out)


Shot = Callable[..., Any]


async def _walk_form(forms: Any, spec: Any, now: datetime, shot: Shot) -> None:
    """Every screen of one form, answered with its example values, to the review (and receipt)."""
    from content.forms.examples import example_values
    from ui.forms_fields import to_display

    form_id = spec.id
    values = example_values(spec, now.date())
    if form_id == "legal_aid":
        values["evidence_photos"] = None  # a photo is taken below instead
    forms.openForm(form_id)
    step = 0
    for _ in range(40):
        page = forms.property("page")
        if page == "review":
            break
        field = forms.property("fieldId")
        step += 1
        name = f"{form_id}_{step:02d}_{page if page != 'question' else field}"
        if page == "consent":
            await shot(name)
            forms.answerConsent(True)
            continue
        if page == "eligibility":
            await shot(name)
            forms.next()
            continue
        await shot(name)
        await _answer(forms, spec.field(field), values.get(field), to_display)
        if field in ("phone", "signature", "evidence_photos", "date", "facts"):
            await shot(f"{name}_answered")
        forms.next()
    await shot(f"{form_id}_90_review")
    if form_id in ("legal_aid", "callback"):
        forms.confirm()
        await _until(lambda: forms.property("page") == "receipt")
        await shot(f"{form_id}_95_receipt")


async def _extras(forms: Any, shot: Shot, show_articles: Callable[[], None]) -> None:
    """A message next to a field, consent refused, the over-income result, the status lookup."""
    await shot("91_message_next_to_field", lambda: _bad_phone(forms))
    await shot("92_refused", lambda: _refuse(forms))
    await shot("93_over_income", lambda: _over_income(forms))
    await shot("93b_over_income_articles", show_articles)
    forms.openStatus()
    await shot("94_status_number", lambda: [forms.status.key(c) for c in "ABCD2345"])
    forms.status.next()
    await shot("95_status_phone", lambda: [forms.status.key(c) for c in "5678"])
    forms.status.next()
    await _until(lambda: forms.status.property("step") == "result")
    await shot("96_status_result")


def _named(root: Any, name: str) -> Any:
    """The visible item of this objectName in the visual tree under root."""
    stack = [root]
    while stack:
        item = stack.pop()
        if item.objectName() == name and item.isVisible():
            return item
        stack.extend(item.childItems())
    raise LookupError(name)


async def _answer(forms: Any, field: Any, value: Any, to_display: Callable[[Any, Any], str]) -> None:
    if field.type.value == "signature":
        for row in (0.35, 0.65):
            forms.addSignatureStroke([[0.1 + i * 0.04, row + 0.15 * math.sin(i)] for i in range(20)])
    elif field.type.value == "photo":
        forms.takePhoto()
        await _until(lambda: not forms.property("busy"))
    elif value is not None:
        forms.setValue(to_display(field, value))


async def _until(predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("screen did not change")


def _bad_phone(forms: Any) -> None:
    forms.openForm("callback")
    forms.setValue("2345")
    forms.next()


def _refuse(forms: Any) -> None:
    forms.openForm("legal_aid")
    forms.setValue("support")
    forms.next()
    forms.answerConsent(False)


def _over_income(forms: Any) -> None:
    forms.openForm("legal_aid")
    for value in ("support", "none", "none", "3", "1", "9000"):  # matter, exemption, group, household
        if forms.property("page") == "consent":
            forms.answerConsent(True)
        forms.setValue(value)
        forms.next()


async def _status_reply(tracking: str, last4: str) -> tuple[int, dict[str, Any]]:
    text = "中心已经受理了您的申请，正在审查，有结果会打电话告诉您。\n请带身份证和欠条到中心。"
    return 200, {"form_title": "法律援助申请", "status": "受理", "text": text}


async def _desk_tab(out: Path) -> None:
    from PySide6.QtQml import QQmlApplicationEngine

    from content.forms import load_form
    from content.forms.examples import example_values
    from kiosk.outbox import Deliverer, Outbox
    from tests.server_helpers import running_server, server_settings
    from tests.ui_fakes import FakeDeskFlow
    from ui.app import QML_DIR, load_window
    from ui.background import BackgroundRunner
    from ui.desk_forms_vm import DeskFormsViewModel
    from ui.desk_vm import DeskViewModel

    with tempfile.TemporaryDirectory(prefix="formui-desk-") as scratch:
        work = Path(scratch)
        async with running_server(server_settings(work)) as server:
            token = await server.add_kiosk("石桥村服务点", "石桥村")
            await server.add_lawyer("wangming", "王明", "县法律援助中心")
            lawyer = await server.login("wangming")
            outbox = await Outbox.open_in(work / "terminal")
            for form_id, name in (("legal_aid", "李秀英"), ("mediation", "张建国"), ("callback", "王桂兰")):
                spec = load_form(form_id)
                values = example_values(spec, datetime.now().date(), name=name)
                submitted = datetime.now().astimezone().isoformat(timespec="seconds")
                await outbox.enqueue(
                    {
                        "form_id": form_id,
                        "form_version": spec.version,
                        "submitted_at": submitted,
                        "values": values,
                        "consent": {"version": 1, "granted": True, "at": submitted, "fields": []}
                        if spec.consent
                        else None,
                        "assisted_by": "司法所-张敏" if form_id == "callback" else None,
                    }
                )
            await Deliverer(outbox, server.url, token).deliver_pending(server.http)
            await outbox.close()
            runner = BackgroundRunner()
            flow = FakeDeskFlow()
            vm = DeskViewModel(flow, runner, username="wangming")
            await flow.login("wangming", "secret")
            apps = DeskFormsViewModel(runner, server.url, lambda: lawyer, work / "pdf")
            engine = QQmlApplicationEngine()
            window = load_window(engine, QML_DIR / "desk" / "Main.qml", {"vm": vm, "applications": apps})
            window.show()
            await asyncio.sleep(SHOT_DELAY_S)
            window.setProperty("showApplications", True)
            apps.refresh()
            await _until(lambda: bool(apps.property("items")))
            apps.open(apps.property("items")[0]["tracking_number"])
            await _until(lambda: apps.property("hasSelection"))
            await asyncio.sleep(SHOT_DELAY_S)
            path = out / "desk_8_applications.png"
            window.grabWindow().save(str(path))
            print(f"  {path}", flush=True)
            window.close()
            await runner.shutdown()
            del engine
