"""朗读: the screen's own words rendered by espeak-ng into the session folder, and read on arrival."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.access_fixtures import AccessKiosk, build_access_kiosk
from tests.ui_fakes import running_qasync_loop
from ui.app import prepare_environment

prepare_environment(virtual_keyboard=True)
pytestmark = [
    pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member"),
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng"),
]


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[AccessKiosk]:
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path)
        yield k
        k.close()


def _spoken(k: AccessKiosk) -> list[Path]:
    folder = k.session.path("speech")
    return sorted(folder.glob("speech-*.wav")) if folder.exists() else []


def test_read_aloud_renders_the_screens_words_and_says_plainly_when_it_cannot_play(kiosk):
    k = kiosk
    k.wait_for("homeScreen")
    k.tap("readAloudButton")
    k.harness.qtbot.waitUntil(lambda: bool(_spoken(k)) and not k.access.speaking, timeout=20000)
    (wav,) = _spoken(k)
    assert wav.stat().st_size > 10_000  # seconds of speech: the tiles' words, not one syllable
    # With no speaker (as here) the villager is told why nothing was heard; with one, nothing shows.
    assert k.access.notice in ("", "朗读没有声音：喇叭没有接好，请告诉工作人员。")
    assert not k.idle.held  # the idle clock runs again once reading is over


def test_each_screen_is_read_on_arrival_when_chosen(kiosk):
    k = kiosk
    k.tap("helpTile")
    k.tap("readOnArrival")
    k.harness.qtbot.waitUntil(lambda: k.access.readOnArrival)
    k.tap("helpBack")
    k.wait_for("homeScreen")
    k.harness.qtbot.waitUntil(lambda: bool(_spoken(k)) and not k.access.speaking, timeout=20000)
