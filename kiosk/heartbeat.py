"""The terminal's heartbeat: every few minutes tell the centre it is alive, and take pushed settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from config.settings import KioskSettings
from content.pack import BUNDLED_PACK, PackError, read_manifest
from kiosk.heartbeat_data import DeviceState, collect
from kiosk.registration import Enrolment, save

log = logging.getLogger(__name__)

HEARTBEAT_PATH = "/api/terminals/heartbeat"


class Heartbeat:
    """Posts `collect()` every `every_s`; hands settings pushed by the centre to `on_config`.

    Attributes:
        sent: heartbeats the server acknowledged.
        failures: consecutive failed attempts (network down, server away); never raises.
        config_version: the last pushed settings version applied.
    """

    def __init__(
        self,
        server_url: str,
        token: str,
        collect: Callable[[], dict[str, Any]],
        on_config: Callable[[dict[str, Any]], None],
        every_s: float = 60.0,
    ) -> None:
        self.url = server_url.rstrip("/") + HEARTBEAT_PATH
        self.token = token
        self.collect = collect
        self.on_config = on_config
        self.every_s = every_s
        self.sent = 0
        self.failures = 0
        self.config_version = 0

    async def beat_once(self, http: aiohttp.ClientSession) -> bool:
        """Send one heartbeat; True when the server acknowledged it."""
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with http.post(self.url, json=self.collect(), headers=headers) as resp:
                if resp.status != 200:
                    log.warning("heartbeat refused: HTTP %d", resp.status)
                    self.failures += 1
                    return False
                reply = await resp.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.info("heartbeat not sent (%s); will retry", type(exc).__name__)
            self.failures += 1
            return False
        self.sent += 1
        self.failures = 0
        version = int(reply.get("config_version", 0) or 0)
        if isinstance(reply.get("config"), dict) and version > self.config_version:
            self.config_version = version
            self.on_config(reply["config"])
        return True

    async def run(self) -> None:
        """Beat until cancelled; a failure never stops the loop."""
        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                await self.beat_once(http)
                await asyncio.sleep(self.every_s)


def start_heartbeat(
    settings: KioskSettings, config_file: Path | None, data_dir: Path
) -> Callable[[], Awaitable[None]]:
    """Start the terminal's heartbeat when it is registered; returns the coroutine that stops it.

    Settings pushed by the centre are written into the terminal's settings file for the next start.
    """
    if not settings.token:
        return _nothing
    started = time.monotonic()
    try:
        pack_version = read_manifest(BUNDLED_PACK).version
    except (PackError, OSError):
        pack_version = ""

    def payload() -> dict[str, Any]:
        return collect(
            state_dir=data_dir,
            content_pack_version=pack_version,
            camera=DeviceState.UNKNOWN,  # the last self-test in the payload says what was found
            microphone=DeviceState.UNKNOWN,
            started_monotonic=started,
        )

    def apply(config: dict[str, Any]) -> None:
        if config_file is None:
            log.warning("settings pushed by the centre, but this terminal has no settings file to keep them")
            return
        identity = Enrolment(
            settings.server_url, settings.token, settings.terminal_id, settings.village, config
        )
        applied = save(identity, config_file)
        log.info("settings from the centre applied at next start: %s", ", ".join(applied.applied) or "none")

    beat = Heartbeat(settings.server_url, settings.token, payload, apply, settings.heartbeat_s)
    task = asyncio.get_running_loop().create_task(beat.run(), name="heartbeat")

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop


async def _nothing() -> None:
    """Stopping a heartbeat that never started."""
