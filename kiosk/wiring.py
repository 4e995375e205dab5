"""Builds the kiosk's real call flow; the one place to adapt when media.caller's constructor changes."""

from __future__ import annotations

from config.settings import KioskSettings
from media.flows import CallerFlow


def build_caller(settings: KioskSettings) -> CallerFlow:
    """The real kiosk call flow (aiortc, camera, microphone, signaling) for these settings."""
    from media.caller import KioskCaller  # imported late: aiortc and devices only when the app runs
    from media.factories import device_media
    from media.servers import server_list

    caller: CallerFlow = KioskCaller(
        server_list(settings.server_urls, settings.server_url),
        settings.token,
        device_media(settings.camera, settings.audio),
        relay_only=settings.force_relay,
        hotline=settings.hotline,
        connect_timeout_s=settings.connect_timeout_s,
    )
    return caller
