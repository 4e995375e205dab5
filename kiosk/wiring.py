"""Builds the kiosk's real call flow; the one place to adapt when media.caller's constructor changes."""

from __future__ import annotations

from config.settings import KioskSettings
from media.flows import CallerFlow


def build_caller(settings: KioskSettings) -> CallerFlow:
    """The real kiosk call flow (aiortc, camera, microphone, signaling) for these settings."""
    from media.caller import KioskCaller  # imported late: aiortc and devices only when the app runs

    caller: CallerFlow = KioskCaller(settings)
    return caller
