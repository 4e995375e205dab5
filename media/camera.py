"""The camera as an aiortc track: OpenCV capture in a thread, frames handed to the loop, loss survived."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from config.settings import CameraSettings, MediaSource
from media.errors import MediaDeviceError
from media.synthetic import VIDEO_CLOCK_RATE, VIDEO_TIME_BASE, SyntheticVideoTrack

log = logging.getLogger(__name__)

DeviceLostCallback = Callable[[str], None]  # called on the loop with a plain-Chinese message

CAMERA_MISSING = "没有找到摄像头，请检查摄像头是否插好。"
CAMERA_LOST = "摄像头断开了，对方暂时看不到您。请检查摄像头的线。"
_FAILED_READS_FOR_LOSS = 3  # consecutive failed reads before the camera counts as gone
_PLACEHOLDER_LUMA = 40  # a dark grey frame stands in while the camera is missing


def _open_capture(source: int | str, width: int, height: int, fps: int) -> Any | None:
    """Open an OpenCV capture (blocking); None if it does not open."""
    import cv2

    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        capture.release()
        return None
    capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    capture.set(cv2.CAP_PROP_FPS, fps)
    return capture


class CameraTrack(MediaStreamTrack):
    """Frames from an opened OpenCV capture; keeps sending a placeholder if the camera goes away.

    Attributes:
        device_lost: True once the camera stopped delivering frames.
    """

    kind = "video"

    def __init__(
        self,
        capture: Any,
        *,
        width: int = 640,
        height: int = 480,
        fps: int = 30,
        on_device_lost: DeviceLostCallback | None = None,
    ) -> None:
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self.device_lost = False
        self._on_device_lost = on_device_lost
        self._capture = capture
        self._event_loop = asyncio.get_running_loop()
        self._latest: np.ndarray | None = None
        self._fresh = asyncio.Event()
        self._stopping = threading.Event()
        self._start: float | None = None
        self._thread = threading.Thread(target=self._capture_loop, name="camera", daemon=True)
        self._thread.start()

    def _capture_loop(self) -> None:
        """Read frames in a thread (read() blocks on a real camera) and hand each to the loop."""
        failures = 0
        interval = 1.0 / self.fps
        next_due = time.monotonic()
        try:
            while not self._stopping.is_set():
                ok, image = self._capture.read()
                if not ok or image is None:
                    failures += 1
                    if failures >= _FAILED_READS_FOR_LOSS:
                        self._event_loop.call_soon_threadsafe(self._device_gone)
                        return
                    time.sleep(interval)
                    continue
                failures = 0
                self._event_loop.call_soon_threadsafe(self._deliver, image)
                # A real camera's read() paces itself; a file would be read as fast as the disk allows.
                next_due += interval
                delay = next_due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                else:
                    next_due = time.monotonic()
        except RuntimeError:
            return  # the loop closed under us: the app is quitting
        finally:
            self._capture.release()

    def _deliver(self, image: np.ndarray) -> None:
        self._latest = image
        self._fresh.set()

    def _device_gone(self) -> None:
        if self.device_lost or self.readyState != "live":
            return
        self.device_lost = True
        self._fresh.set()
        log.warning("camera stopped delivering frames; sending a placeholder")
        if self._on_device_lost is not None:
            self._on_device_lost(CAMERA_LOST)

    def _pts(self) -> int:
        now = time.monotonic()
        if self._start is None:
            self._start = now
        return int((now - self._start) * VIDEO_CLOCK_RATE)

    async def recv(self) -> av.VideoFrame:
        """The next camera frame, or a placeholder at the frame rate once the camera is gone."""
        if self.readyState != "live":
            raise MediaStreamError
        if not self.device_lost:
            # A stalled camera falls through to the placeholder; the capture thread decides on loss.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._fresh.wait(), timeout=1.0)
            self._fresh.clear()
        else:
            await asyncio.sleep(1.0 / self.fps)
        if self.device_lost or self._latest is None:
            frame = self._placeholder()
        else:
            # Converted here rather than in the encoder, so preview listeners get YUV420P like every
            # other frame of media/ (the encoder then has nothing left to convert).
            frame = av.VideoFrame.from_ndarray(self._latest, format="bgr24").reformat(format="yuv420p")
        frame.pts = self._pts()
        frame.time_base = VIDEO_TIME_BASE
        return frame

    def _placeholder(self) -> av.VideoFrame:
        yuv = np.full((self.height * 3 // 2, self.width), 128, dtype=np.uint8)
        yuv[: self.height] = _PLACEHOLDER_LUMA
        return av.VideoFrame.from_ndarray(yuv, format="yuv420p")

    def stop(self) -> None:
        """Stop the track and release the camera."""
        super().stop()
        self._stopping.set()


async def open_camera(
    settings: CameraSettings,
    on_device_lost: DeviceLostCallback | None = None,
    *,
    source: int | str | None = None,
) -> MediaStreamTrack:
    """The camera track the settings ask for: the device, or the synthetic pattern (auto falls back).

    `source` overrides settings.device_index (a device path or a video file, for tests and demos).
    Raises MediaDeviceError when settings.source is DEVICE and the camera does not open.
    """
    if settings.source == MediaSource.SYNTHETIC:
        return SyntheticVideoTrack(settings.width, settings.height, settings.fps)
    target = settings.device_index if source is None else source
    capture = await asyncio.to_thread(_open_capture, target, settings.width, settings.height, settings.fps)
    if capture is None:
        if settings.source == MediaSource.DEVICE:
            raise MediaDeviceError(CAMERA_MISSING, f"cv2.VideoCapture({target!r}) did not open")
        log.info("no camera opened; using the synthetic picture")
        return SyntheticVideoTrack(settings.width, settings.height, settings.fps)
    return CameraTrack(
        capture,
        width=settings.width,
        height=settings.height,
        fps=settings.fps,
        on_device_lost=on_device_lost,
    )
