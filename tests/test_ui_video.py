"""The video bridge: decoded av frames reach a QVideoSink as new YUV420P frames with the right picture."""

from __future__ import annotations

import pytest
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat, QVideoSink

from tests.ui_fakes import REMOTE_LEFT, REMOTE_RIGHT, synthetic_frame
from ui.video import VideoFrameBridge, to_video_frame

# Converting a frame to an image for the colour check has no GPU here; Qt says so.
pytestmark = pytest.mark.qt_log_ignore("No RHI backend", "PulseAudioService")


def _close(rgb: int, expected: tuple[int, int, int], tolerance: int = 24) -> bool:
    got = ((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF)
    return all(abs(a - b) <= tolerance for a, b in zip(got, expected, strict=True))


@pytest.mark.parametrize(("width", "height"), [(640, 480), (642, 480), (321, 241)])
def test_bridge_delivers_the_frame_into_the_sink(qapp, width, height):
    sink = QVideoSink()
    bridge = VideoFrameBridge("remote")
    bridge.setProperty("videoSink", sink)  # as QML does
    bridge.push(synthetic_frame(width, height))
    shown = sink.videoFrame()
    assert shown.isValid()
    assert (shown.width(), shown.height()) == (width, height)
    assert shown.pixelFormat() == QVideoFrameFormat.PixelFormat.Format_YUV420P
    image = shown.toImage()
    # The left half is the left colour and the right half the right one, even at odd widths where
    # PyAV's and Qt's line sizes differ.
    assert _close(image.pixel(width // 4, height // 3), REMOTE_LEFT)
    assert _close(image.pixel(3 * width // 4, height // 3), REMOTE_RIGHT)


def test_every_frame_is_a_new_unmapped_qvideoframe(qapp):
    first = to_video_frame(synthetic_frame(320, 240, 1))
    second = to_video_frame(synthetic_frame(320, 240, 2))
    assert first != second
    assert first.mapMode() == QVideoFrame.MapMode.NotMapped
    assert second.mapMode() == QVideoFrame.MapMode.NotMapped


def test_frames_without_a_screen_are_counted_and_dropped(qapp, qtbot):
    bridge = VideoFrameBridge("remote")
    with qtbot.waitSignal(bridge.firstFrame) as first:
        bridge.push(synthetic_frame(320, 240))
    assert first.args == [320, 240]
    bridge.push(synthetic_frame(320, 240))
    assert (bridge.frames, bridge.shown) == (2, 0)


def test_a_sink_destroyed_by_qml_is_forgotten(qapp, qtbot):
    bridge = VideoFrameBridge("remote")
    sink = QVideoSink()
    bridge.setProperty("videoSink", sink)  # as QML does
    sink.deleteLater()
    qtbot.waitUntil(lambda: bridge.videoSink is None)
    bridge.push(synthetic_frame(320, 240))  # no crash: nothing to show it on
    assert bridge.shown == 0


def test_self_view_is_thinned_to_its_frame_rate_but_the_remote_is_not(qapp):
    now = [0.0]
    preview = VideoFrameBridge("local", max_fps=15, clock=lambda: now[0])
    remote = VideoFrameBridge("remote", clock=lambda: now[0])
    preview.setProperty("videoSink", preview_sink := QVideoSink())
    remote.setProperty("videoSink", remote_sink := QVideoSink())
    frame = synthetic_frame(64, 48)
    for _ in range(30):  # one second of 30 fps
        preview.push(frame)
        remote.push(frame)
        now[0] += 1 / 30
    assert remote.shown == 30
    assert preview.shown == 15
    assert preview.frames == 30  # every frame is still counted
    assert preview_sink.videoFrame().isValid() and remote_sink.videoFrame().isValid()
