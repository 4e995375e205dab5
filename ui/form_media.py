"""Images of a form: the signature pad's strokes as PNG, one camera frame as JPEG, the receipt's QR code."""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
from collections.abc import Sequence

import av
import numpy as np
import segno
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from config.settings import CameraSettings
from media.camera import open_camera

SIGNATURE_WIDTH = 900  # pixels of the stored signature (the pad's strokes are scaled to it)
SIGNATURE_HEIGHT = 300
PHOTO_MAX_SIDE = 1280  # document photos are scaled down to this, about 300 KB as JPEG
PHOTO_QUALITY = 80
CAMERA_TIMEOUT_S = 5.0

Stroke = Sequence[Sequence[float]]  # points (x, y), each from 0 to 1 across the pad


def _encode(image: QImage, fmt: str, quality: int = -1) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt, quality):  # type: ignore[call-overload]  # the stubs say bytes; str works
        raise ValueError(f"could not encode the image as {fmt}")
    buffer.close()
    return bytes(data.data())


def encode_png(image: QImage) -> bytes:
    """An image as PNG bytes."""
    return _encode(image, "PNG")


def signature_png(strokes: Sequence[Stroke]) -> bytes:
    """The strokes drawn on the pad, black on white, as a PNG (empty strokes give a blank image)."""
    image = QImage(SIGNATURE_WIDTH, SIGNATURE_HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("black"), 6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    for stroke in strokes:
        points = [QPointF(x * SIGNATURE_WIDTH, y * SIGNATURE_HEIGHT) for x, y in stroke]
        if len(points) == 1:
            painter.drawPoint(points[0])
        for start, end in itertools.pairwise(points):
            painter.drawLine(start, end)
    painter.end()
    return _encode(image, "PNG")


def ink_pixels(png: bytes) -> int:
    """How many dark pixels an image has (a blank signature has none)."""
    image = QImage.fromData(png).convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    return int((data[:, :width] < 128).sum())


def frame_to_jpeg(frame: av.VideoFrame) -> bytes:
    """One video frame as a JPEG, scaled down to PHOTO_MAX_SIDE."""
    rgb = np.ascontiguousarray(frame.to_ndarray(format="rgb24"))
    height, width, _ = rgb.shape
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    if max(width, height) > PHOTO_MAX_SIDE:
        image = image.scaled(
            PHOTO_MAX_SIDE,
            PHOTO_MAX_SIDE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return _encode(image, "JPEG", PHOTO_QUALITY)


async def take_photo(settings: CameraSettings) -> bytes:
    """Open the terminal camera (or the synthetic picture where none exists), take one frame as JPEG."""
    track = await open_camera(settings)
    try:
        frame = await asyncio.wait_for(track.recv(), CAMERA_TIMEOUT_S)
    finally:
        track.stop()
    if not isinstance(frame, av.VideoFrame):
        raise TypeError("the camera gave no picture")
    return await asyncio.to_thread(frame_to_jpeg, frame)


def qr_png(text: str, scale: int = 10) -> bytes:
    """A QR code of `text` as a PNG (black on white, with the standard quiet zone)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def data_url(data: bytes, mime: str) -> str:
    """A data: URL that QML's Image shows without a file on disk."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
