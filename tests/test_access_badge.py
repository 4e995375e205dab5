"""Staff badges: a QR code shown to the camera opens staff mode like a PIN (zxing-cpp decodes it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zxingcpp

from kiosk.badge import decode_badge, new_badge_secret
from kiosk.staff import hash_pin
from tests.access_fixtures import AccessKiosk, build_access_kiosk
from tests.ui_fakes import running_qasync_loop
from ui.app import prepare_environment

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")
BADGE = new_badge_secret()


def camera_frame(text: str | None) -> np.ndarray:
    """A 640x480 BGR camera picture: a grey, noisy room with a printed QR code held up in it."""
    rng = np.random.default_rng(7)
    frame = rng.integers(90, 140, size=(480, 640, 3), dtype=np.uint8)
    if text is not None:
        code = np.array(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=6))
        card = np.full((code.shape[0] + 40, code.shape[1] + 40), 255, dtype=np.uint8)  # the white badge
        card[20:-20, 20:-20] = code
        y, x = 90, 200
        frame[y : y + card.shape[0], x : x + card.shape[1]] = card[:, :, None]
    return frame


def test_a_badge_is_found_in_a_camera_picture_and_other_codes_are_not():
    assert decode_badge(camera_frame(BADGE)) == BADGE
    assert decode_badge(camera_frame("https://example.org/shop")) is None
    assert decode_badge(camera_frame(None)) is None


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[AccessKiosk]:
    shown: list[np.ndarray] = [camera_frame(BADGE)]
    with running_qasync_loop(qapp):
        k = build_access_kiosk(
            qtbot,
            tmp_path,
            staff_entries=[f"li02-badge:{hash_pin(BADGE)}"],
            scan_badge=lambda: decode_badge(shown[0]),  # the camera is absent: a picture stands in
        )
        k.shown = shown  # type: ignore[attr-defined]
        yield k
        k.close()


def test_showing_the_badge_opens_staff_mode_and_logs_who(kiosk):
    k = kiosk
    k.tap("helpTile")
    k.tap("staffEntry")
    k.tap("badgeScan")
    k.wait_for("staffMenuScreen")
    assert k.staff.staffId == "li02-badge"
    entries = [json.loads(line) for line in k.gate.log_path.read_text().splitlines()]
    assert entries[-1]["action"] == "staff_mode_entered" and entries[-1]["staff_id"] == "li02-badge"


def test_no_badge_in_view_says_so_and_keeps_the_pad(kiosk):
    k = kiosk
    k.shown[0] = camera_frame(None)
    k.staff.open()
    k.tap("badgeScan")
    k.harness.qtbot.waitUntil(lambda: "没有看到工作证" in k.find("pinMessage").property("text"))
    assert not k.staff.unlocked and k.find("staffPinScreen") is not None
