"""办事申请 in the kiosk window as it really runs: the 大字/朗读 bar, the keyboard, words that fit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.formui_helpers import forms_access_kiosk
from ui.app import prepare_environment

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")


def _keyboard_shown(k: Any) -> bool:
    panel = k.find("inputPanel")
    return panel is not None and panel.isVisible()


def test_form_screens_have_the_access_bar_while_no_keyboard_is_open(qtbot, qapp, tmp_path):
    with forms_access_kiosk(qtbot, qapp, tmp_path) as (k, forms):
        k.vm.tapTile("apply")
        k.wait_for("formTile_legal_aid")
        assert k.find("accessBar") is not None  # the chooser
        forms.openForm("legal_aid")
        k.wait_for("choice_support")
        assert k.find("accessBar") is not None  # a question answered by tapping
        size = k.find("fieldLabel").property("font").pixelSize()
        k.tap("elderButton")
        qtbot.waitUntil(lambda: k.access.elderMode)
        assert k.find("fieldLabel").property("font").pixelSize() > size  # 大字 works here too


def test_the_text_answer_speaks_of_the_keyboard_below_only_while_it_is_there(qtbot, qapp, tmp_path):
    from PySide6.QtGui import QGuiApplication

    with forms_access_kiosk(qtbot, qapp, tmp_path) as (k, forms):
        k.vm.tapTile("apply")
        forms.openForm("callback")
        for _ in range(10):  # to the first question typed in words (the name)
            if forms.property("fieldId") == "name":
                break
            forms.setValue({"phone": "13812345678", "topic": "land"}.get(forms.property("fieldId"), ""))
            forms.next()
        field = k.wait_for("textInput")
        qtbot.waitUntil(lambda: _keyboard_shown(k))
        assert field.property("placeholderText") == "用下面的键盘输入"
        assert k.find("accessBar") is None  # the keyboard has the bottom of the screen
        QGuiApplication.inputMethod().hide()  # the keyboard's own 隐藏 key
        qtbot.waitUntil(lambda: not _keyboard_shown(k))
        assert "键盘" not in field.property("placeholderText")  # no keyboard to point at now
        assert k.find("accessBar") is not None  # 大字 / 朗读 are back


def _cut_by_the_page_edge(k: Any, page_name: str) -> list[str]:
    """Words on a scrolling page that run past its visible edge (a line cut in half)."""
    from PySide6.QtCore import QRectF

    page = k.find(page_name)
    view = page.mapRectToScene(QRectF(0, 0, page.width(), page.height())).adjusted(-1, -1, 1, 1)
    cut, stack = [], list(page.childItems())
    while stack:
        item = stack.pop()
        if not item.isVisible():
            continue
        stack.extend(item.childItems())
        if item.inherits("QQuickText") and item.property("text"):
            box = item.mapRectToScene(QRectF(0, 0, item.width(), item.property("contentHeight")))
            if not view.contains(box):
                cut.append(str(item.property("text"))[:20])
    return cut


def _to_the_self_check(k: Any, forms: Any, *, wage_claim: bool) -> None:
    k.vm.tapTile("apply")
    forms.openForm("legal_aid")
    # the matter (consent follows), then the migrant workers' green channel or income over the line
    answers = ["labour_pay", "none", "true"] if wage_claim else ["support", "none", "none", "3", "1", "9000"]
    for number, value in enumerate(answers):
        forms.setValue(value)
        forms.next()
        if number == 0:
            forms.answerConsent(True)
    k.wait_for("eligibilityTitle")
    with k.harness.qtbot.waitSignal(k.harness.window.frameSwapped, timeout=5000):
        k.harness.window.update()


@pytest.mark.parametrize("wage_claim", [False, True])
def test_the_self_check_result_shows_its_words_whole_and_the_law_on_request(
    qtbot, qapp, tmp_path, wage_claim
):
    with forms_access_kiosk(qtbot, qapp, tmp_path) as (k, forms):
        _to_the_self_check(k, forms, wage_claim=wage_claim)
        assert _cut_by_the_page_edge(k, "eligibilityFlick") == []
        assert k.find("eligibilityQuotes") is None  # the articles' words wait for 看法律原文
        k.tap("quotesButton")
        quotes = k.wait_for("eligibilityQuotes")
        assert "第三十一条" in quotes.property("text")
        assert quotes.property("font").pixelSize() >= 28  # as large as any other words on the kiosk
        assert k.find("quotesButton").property("text") == "收起原文"
