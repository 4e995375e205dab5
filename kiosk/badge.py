"""Staff badges: a QR code holding a long secret, read from the terminal's camera with zxing-cpp.

The staff list (KioskSettings.staff) keeps an argon2 hash of each badge's secret beside the PINs,
e.g. "zhang01-badge:<hash>"; the badge itself is checked by kiosk.staff.StaffGate like a PIN.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

log = logging.getLogger(__name__)
PREFIX = "VLK-STAFF:"  # what a staff badge's QR code begins with; other codes are ignored
SCAN_S = 15.0  # how long the camera looks for a badge after 出示工作证 is tapped


def new_badge_secret() -> str:
    """The text to print as a new badge's QR code (hash it with kiosk.staff.hash_pin)."""
    return PREFIX + secrets.token_urlsafe(24)


def decode_badge(image: Any) -> str | None:
    """The badge text in a camera picture (numpy array, grey or BGR), or None."""
    import zxingcpp

    for code in zxingcpp.read_barcodes(image):
        if code.text.startswith(PREFIX):
            return str(code.text)
    return None


def scan_camera(index: int = 0, seconds: float = SCAN_S) -> str | None:
    """Look at camera frames until a badge shows or time is up (blocking: run it in a thread)."""
    import cv2

    cap = cv2.VideoCapture(index)
    try:
        if not cap.isOpened():
            return None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ok, frame = cap.read()
            if ok and frame is not None:
                found = decode_badge(frame)
                if found is not None:
                    return found
        return None
    finally:
        cap.release()
