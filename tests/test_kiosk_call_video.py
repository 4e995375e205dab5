"""The call screen on a real X server: the lawyer's and the villager's pictures are really drawn."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.ui_fakes import KIOSK_LAUNCHER, LOCAL_COLOUR, REMOTE_LEFT, REMOTE_RIGHT, AppProcess

# VideoOutput draws nothing under the offscreen platform (DESIGN.md): this runs under xcb, on the
# display there is or on a private Xvfb.
pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def _xcb() -> tuple[dict[str, str], tuple[str, ...]]:
    env = {"QT_QPA_PLATFORM": "xcb", "QT_QUICK_BACKEND": ""}
    if os.environ.get("DISPLAY"):
        return env, ()
    if shutil.which("xvfb-run") is None:
        pytest.skip("needs an X server: no DISPLAY and no xvfb-run (Debian package xvfb)")
    return env, ("xvfb-run", "-a", "-s", "-screen 0 1280x800x24")


def _colour_near(image: QImage, x: int, y: int, expected: tuple[int, int, int]) -> bool:
    pixel = image.pixelColor(x, y)
    got = (pixel.red(), pixel.green(), pixel.blue())
    return all(abs(a - b) <= 30 for a, b in zip(got, expected, strict=True))


def test_call_screen_shows_the_remote_and_local_video(tmp_path: Path):
    env, prefix = _xcb()
    app = AppProcess(KIOSK_LAUNCHER, "--set", "fullscreen=false", env=env, prefix=prefix)
    try:
        app.wait_event("ready")
        app.send(cmd="tap", target="call")
        app.wait_event("state", state="in_call")
        app.wait_event("first_frame", side="remote")
        shot = tmp_path / "call.png"
        app.send(cmd="screenshot", path=str(shot))
        app.wait_event("screenshot")
        app.send(cmd="quit")
        app.wait_event("exited")
    finally:
        code, stderr = app.finish()
    assert code == 0, stderr
    image = QImage(str(shot))
    width, height = image.width(), image.height()
    # The lawyer's picture fills the big pane on the left: red left half, blue right half.
    assert _colour_near(image, int(width * 0.15), height // 2, REMOTE_LEFT)
    assert _colour_near(image, int(width * 0.55), height // 2, REMOTE_RIGHT)
    # The villager's own picture is the small green one at the top right.
    assert _colour_near(image, int(width * 0.85), int(height * 0.08), LOCAL_COLOUR)
