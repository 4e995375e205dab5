"""Languages switched on the home screen at run time: texts and keyboard follow, and still fit."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.access_fixtures import AccessKiosk, build_access_kiosk
from tests.test_access_readability import readability_problems
from tests.test_kiosk_readability import SHOWN_BY, _show
from tests.ui_fakes import running_qasync_loop
from ui.app import prepare_environment
from ui.language import LanguageSwitcher

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")
SHOTS = os.environ.get("ACCESS_SHOTS", "")  # a folder: save each screen checked as PNG to look at it


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path, language_packs: Path) -> Iterator[AccessKiosk]:
    languages = LanguageSwitcher(qapp, "zh_CN", language_packs)
    font = qapp.font()
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path, languages=languages)
        yield k
        languages.switch("zh_CN")  # no translator left installed for the next test
        k.close()
    qapp.setFont(font)


def test_switching_language_changes_the_screen_and_the_keyboard_and_back(kiosk):
    k = kiosk
    window = k.harness.window
    assert k.wait_for("callTile").property("text") == "律师视频"
    k.tap("languageZhTW")
    k.harness.qtbot.waitUntil(lambda: k.find("callTile").property("text") == "律師視訊")
    assert window.property("keyboardLocale") == "zh_TW"  # Zhuyin / Cangjie
    assert window.property("keyboardActiveLocale") == "zh_TW"
    k.tap("languageEn")
    k.harness.qtbot.waitUntil(lambda: k.find("callTile").property("text") == "Video call a lawyer")
    assert window.property("keyboardActiveLocale") == "en_US"
    k.tap("languageZhCN")
    k.harness.qtbot.waitUntil(lambda: k.find("callTile").property("text") == "律师视频")
    assert window.property("keyboardActiveLocale") == "zh_CN"  # Pinyin


def test_the_next_person_starts_in_the_terminals_own_language(kiosk):
    k = kiosk
    k.tap("languageEn")
    k.harness.qtbot.waitUntil(lambda: k.find("callTile").property("text") == "Video call a lawyer")
    k.access.endNow()
    k.tap("attractTap")
    k.harness.qtbot.waitUntil(lambda: k.find("callTile") is not None)
    assert k.find("callTile").property("text") == "律师视频"
    assert k.harness.window.property("keyboardActiveLocale") == "zh_CN"


@pytest.mark.parametrize("language", ["zh_TW", "en"])
@pytest.mark.parametrize("screen", list(SHOWN_BY))
def test_call_screens_fit_at_the_largest_size_in_every_language(kiosk, language, screen):
    kiosk.access.setElderMode(True)
    kiosk.access.setLanguage(language)
    _show(screen, kiosk.flow, kiosk.vm, kiosk.harness)
    kiosk.wait_for(SHOWN_BY[screen])
    checked, problems = readability_problems(kiosk)
    if SHOTS:
        kiosk.harness.window.grabWindow().save(f"{SHOTS}/{screen}-{language}.png")
    assert checked >= 2
    assert problems == []
