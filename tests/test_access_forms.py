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
