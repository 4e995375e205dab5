"""Language packs: the .ts files build with lrelease and the screens show the chosen language."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.app import install_translation, prepare_environment
from ui.background import BackgroundRunner
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "expected",
    [("zh_TW", "律師視訊", "建設中"), ("en", "Video call a lawyer", "not ready yet")],
)
def test_the_home_screen_speaks_the_chosen_language(qtbot, qapp, language_packs, expected):
    language, call_tile, notice_part = expected
    translator = install_translation(qapp, language, language_packs)
    assert translator is not None
    try:
        with running_qasync_loop(qapp):
            vm = KioskViewModel(FakeCallerFlow(), BackgroundRunner())
            harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
            assert harness.text("callTile") == call_tile
            harness.tap("applyTile")
            assert notice_part in harness.wait_for("noticeText").property("text")
            harness.close()
    finally:
        qapp.removeTranslator(translator)


def test_every_string_is_translated(language_packs):
    for ts in (ROOT / "i18n").glob("village_*.ts"):
        assert 'type="unfinished"' not in ts.read_text(encoding="utf-8"), ts.name
