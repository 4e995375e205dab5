"""QR codes for the answer screen: the text (or link) a villager scans to take an answer home."""

from __future__ import annotations

import segno

MAX_QR_BYTES = 900  # a larger code has modules too small for an ordinary phone to read off a screen
ERROR_LEVEL = "l"  # the screen is clean and flat; the lowest level leaves the most room for text


def fit_for_qr(text: str, limit: int = MAX_QR_BYTES) -> str:
    """The text cut (at a sentence end where possible) so its UTF-8 form fits in one QR code."""
    if len(text.encode()) <= limit:
        return text
    cut = text.encode()[: limit - len("…".encode())].decode(errors="ignore")
    end = max(cut.rfind(mark) for mark in "。！？\n")
    return (cut[: end + 1] if end > len(cut) // 2 else cut) + "…"


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules for text, dark = True, without the quiet zone."""
    code = segno.make(text, error=ERROR_LEVEL, micro=False, encoding="utf-8")
    return [[bool(cell) for cell in row] for row in code.matrix]


def qr_data_uri(text: str, scale: int = 6) -> str:
    """A PNG data: URI of the QR code for text, for a QML Image; quiet zone of four modules."""
    code = segno.make(text, error=ERROR_LEVEL, micro=False, encoding="utf-8")
    return str(code.png_data_uri(scale=scale, border=4))
