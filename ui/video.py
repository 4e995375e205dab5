"""Decoded av.VideoFrame -> QVideoFrame -> a QML VideoOutput's videoSink (DESIGN.md recipe)."""

from __future__ import annotations

import time
from collections.abc import Callable

import av
import numpy as np
import shiboken6
from PySide6.QtCore import Property, QObject, QSize, Signal
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat, QVideoSink


def to_video_frame(frame: av.VideoFrame) -> QVideoFrame:
    """A new Format_YUV420P QVideoFrame holding a copy of `frame`, already unmapped."""
    if frame.format.name != "yuv420p":
        frame = frame.reformat(format="yuv420p")
    size = QSize(frame.width, frame.height)
    video_frame = QVideoFrame(QVideoFrameFormat(size, QVideoFrameFormat.PixelFormat.Format_YUV420P))
    if not video_frame.map(QVideoFrame.MapMode.WriteOnly):
        raise RuntimeError("could not map a new video frame for writing")
    try:
        for index, plane in enumerate(frame.planes):
            # PyAV's line_size and Qt's bytesPerLine differ at some widths: copy row by row.
            dst_stride = video_frame.bytesPerLine(index)
            dst = np.frombuffer(video_frame.bits(index), dtype=np.uint8)
            # At odd sizes Qt's chroma planes may be a row or column smaller than PyAV's.
            rows = min(plane.height, dst.size // dst_stride)
            width = min(plane.width, dst_stride)
            src = np.frombuffer(memoryview(plane), dtype=np.uint8)
            dst_rows = dst[: rows * dst_stride].reshape(rows, dst_stride)
            src_rows = src[: rows * plane.line_size].reshape(rows, plane.line_size)
            dst_rows[:, :width] = src_rows[:, :width]
    finally:
        video_frame.unmap()
    return video_frame


class VideoFrameBridge(QObject):
    """Delivers one video stream (remote or local preview) into the QVideoSink QML gives it.

    Frames are pushed on the asyncio loop's thread (the Qt main thread under qasync). Frames arriving
    while no VideoOutput is on screen are counted and dropped.

    Signals:
        videoSinkChanged: QML set or dropped the sink.
        firstFrame: the first frame since `reset()` arrived (width, height).
        activeChanged: frames started or stopped arriving.
    """

    videoSinkChanged = Signal()
    firstFrame = Signal(int, int)
    activeChanged = Signal()

    def __init__(
        self,
        name: str,
        parent: QObject | None = None,
        *,
        max_fps: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._sink: QVideoSink | None = None
        # Without a GPU every new frame repaints the whole window: the small self-view needs fewer.
        self._min_interval = 0.9 / max_fps if max_fps > 0 else 0.0  # 10% slack for arrival jitter
        self._clock = clock
        self._last_shown_at = -1e9
        self.frames = 0
        self.shown = 0
        self.first_frame_at: float | None = None

    def _live_sink(self) -> QVideoSink | None:
        """The sink, or None once QML destroyed it (its VideoOutput left the screen)."""
        if self._sink is not None and not shiboken6.isValid(self._sink):
            self._sink = None
        return self._sink

    def _get_sink(self) -> QVideoSink | None:
        return self._live_sink()

    def _set_sink(self, sink: QVideoSink | None) -> None:
        # Checked with shiboken6.isValid on use rather than through `destroyed`: a destroyed
        # signal reaching a half-deleted bridge at shutdown would crash.
        if sink is self._sink:
            return
        self._sink = sink
        self.videoSinkChanged.emit()

    videoSink = Property(QObject, _get_sink, _set_sink, notify=videoSinkChanged)

    def _get_active(self) -> bool:
        return self.frames > 0

    active = Property(bool, _get_active, notify=activeChanged)

    def push(self, frame: av.VideoFrame) -> None:
        """Show one decoded frame: a new QVideoFrame every time, never a re-sent one."""
        self.frames += 1
        if self.frames == 1:
            self.first_frame_at = time.monotonic()
            self.firstFrame.emit(frame.width, frame.height)
            self.activeChanged.emit()
        sink = self._live_sink()
        if sink is None:
            return
        now = self._clock()
        if now - self._last_shown_at < self._min_interval:
            return
        self._last_shown_at = now
        sink.setVideoFrame(to_video_frame(frame))
        self.shown += 1

    def reset(self) -> None:
        """Forget the last stream (a new call starts); clears what the sink shows."""
        was_active = self.frames > 0
        self.frames = 0
        self.shown = 0
        self.first_frame_at = None
        sink = self._live_sink()
        if sink is not None:
            sink.setVideoFrame(QVideoFrame())
        if was_active:
            self.activeChanged.emit()
