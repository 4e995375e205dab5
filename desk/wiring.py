"""Builds the desk's real call flow; the one place to adapt when media.answerer's constructor changes."""

from __future__ import annotations

from config.settings import DeskSettings
from media.flows import DeskFlow


def build_answerer(settings: DeskSettings) -> DeskFlow:
    """The real lawyer-side call flow (aiortc, camera, microphone, signaling) for these settings."""
    from media.answerer import DeskAnswerer  # imported late: aiortc and devices only when the app runs
    from media.factories import device_media
    from media.servers import server_list

    answerer: DeskFlow = DeskAnswerer(
        server_list(settings.server_urls, settings.server_url),
        device_media(settings.camera, settings.audio),
        relay_only=settings.force_relay,
    )
    return answerer
