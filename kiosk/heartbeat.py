"""The terminal's heartbeat: every few minutes tell the centre it is alive, and take pushed settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import aiohttp

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
