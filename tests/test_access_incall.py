"""In-call help overlays on the kiosk at the largest (elder-mode) size: no text cut or overlapping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtQuick import QQuickItem

from content.forms import load_all_forms
from kiosk.outbox import Outbox
from media.flows import CallerState, FieldEdit, PushedContent
from tests.access_fixtures import AccessKiosk, build_access_kiosk
from tests.formui_helpers import NOW, run
from tests.test_access_readability import readability_problems
from tests.ui_fakes import running_qasync_loop
from ui.app import prepare_environment
from ui.kiosk_help_vm import KioskHelpViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")

LONG_ARTICLE = (
    "第一千零七十九条 夫妻一方要求离婚的，可以由有关组织进行调解或者直接向人民法院提起离婚诉讼。"
    "人民法院审理离婚案件，应当进行调解；如果感情确已破裂，调解无效的，应当准予离婚。"
    "有下列情形之一，调解无效的，应当准予离婚：（一）重婚或者与他人同居；（二）实施家庭暴力或者"
    "虐待、遗弃家庭成员；（三）有赌博、吸毒等恶习屡教不改；（四）因感情不和分居满二年；"
    "（五）其他导致夫妻感情破裂的情形。一方被宣告失踪，另一方提起离婚诉讼的，应当准予离婚。"
)


def in_view(item: QQuickItem) -> bool:
    """Whether a person sees the whole item: not scrolled out of a clipping list it sits in."""
    box = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
    node = item.parentItem()
    while node is not None:
        if node.clip():
            view = node.mapRectToScene(QRectF(0, 0, node.width(), node.height()))
            if not view.contains(box.adjusted(1, 1, -1, -1)):
                return False
        node = node.parentItem()
    return True


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[tuple[AccessKiosk, KioskHelpViewModel]]:
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path, scan_badge=lambda: None)
        outbox = run(qtbot, Outbox.open_in(tmp_path / "outbox"))
        help_vm = KioskHelpViewModel(
            k.flow, k.runner, load_all_forms(), outbox, speak=lambda _t: None, clock=lambda: NOW
        )
        k.vm.use_help(help_vm)
        seen = k.items
        k.items = lambda: [i for i in seen() if in_view(i)]  # type: ignore[method-assign]
        k.access.setElderMode(True)
        run(qtbot, k.flow.call())
        k.flow.move_to(CallerState.WAITING, position=1)
        k.flow.answer(name="欧阳明珠律师", firm="宁夏回族自治区固原市原州区法律援助中心")
        k.flow.move_to(CallerState.IN_CALL)
        k.wait_for("callScreen")
        yield k, help_vm
        k.close()
        run(qtbot, outbox.close())


def _show(screen: str, k: AccessKiosk, help_vm: KioskHelpViewModel) -> None:
    if screen == "article":
        k.flow.update_info(
            pushed=PushedContent("law", "民法典/第一千零七十九条", "《民法典》第一千零七十九条", LONG_ARTICLE)
        )
        return
    k.flow.update_info(pushed=PushedContent("form", "mediation", "人民调解申请"))
    for field_id, value in (
        ("dispute_type", "neighbour"),
        ("facts", "邻居家盖房占了我家的宅基地通道，协商多次没有结果。"),
    ):
        for listener in k.flow._form_listeners:
            listener(FieldEdit("mediation", field_id, value, "lawyer"))
    if screen == "form_errors":
        k.wait_for("cofillConfirm")
        k.tap("cofillConfirm")
    elif screen == "form_signature":
        view = k.wait_for("cofillList")
        k.harness.qtbot.waitUntil(lambda: view.property("contentHeight") > 2 * view.height(), timeout=5000)
        pad = next(
            i for i in AccessKiosk.items(k) if i.objectName() == "signaturePad"
        )  # scrolled out of view
        top = pad.mapToItem(view.property("contentItem"), QPointF(0, 0)).y()
        view.setProperty("contentY", top - view.height() / 3)
    elif screen == "reopen":
        help_vm.close()
    elif screen == "receipt":
        k.flow.update_info(pushed=PushedContent("form", "callback", "请律师回电话"))
        for field_id, value in (("phone", "13912345678"), ("topic", "land"), ("best_time", "any")):
            help_vm.setField(field_id, value)
        help_vm.confirm()
        help_vm._enqueue("callback", {})  # the flow's submit hook, as the real flow calls it


SHOWN_BY = {
    "article": "helpTitle",
    "form": "cofillTitle",
    "form_errors": "cofillMessage_in_court",
    "form_signature": "signaturePad",
    "receipt": "cofillTracking",
    "reopen": "helpReopen",
}


@pytest.mark.parametrize("screen", list(SHOWN_BY))
def test_in_call_help_overlays_fit_at_the_largest_size(kiosk, screen):
    k, help_vm = kiosk
    _show(screen, k, help_vm)
    k.wait_for(SHOWN_BY[screen])
    if screen == "receipt":
        k.harness.qtbot.waitUntil(lambda: help_vm.trackingDisplay != "", timeout=20000)
    checked, problems = readability_problems(k)
    assert checked >= 4
    assert problems == []
    assert k.find("remoteVideo") is not None  # the lawyer stays in sight
    k.harness.window.grabWindow().save(f"/tmp/incall-shots/elder-{screen}.png")
