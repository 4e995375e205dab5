"""A UDP relay that impairs traffic on command: loss, delay and jitter, outages, a rate cap.

The kernel here has no netem, so tests of bad village networks put this relay between a peer and its
TURN server: the peer's TURN URL points at the relay, the relay forwards to coturn. Runs on its own
thread and loop so a test or bench can drive it from synchronous code.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass


@dataclass
class Impairment:
    """What the link does to each datagram, in both directions."""

    loss: float = 0.0  # probability a datagram is dropped
    delay_ms: float = 0.0  # added one-way delay
    jitter_ms: float = 0.0  # uniform +/- on the delay
    rate_kbps: float = 0.0  # 0 = unlimited; otherwise a token bucket with a 200 ms queue
    down: bool = False  # total outage: everything dropped


@dataclass
class LinkCounters:
    """Datagrams seen and dropped, for the test's own checks."""

    forwarded: int = 0
    dropped: int = 0


class _RateCap:
    """A token bucket: datagrams wait for tokens up to a 200 ms queue, then are dropped."""

    def __init__(self) -> None:
        self.next_free = 0.0

    def admit(self, size: int, rate_kbps: float, now: float) -> float | None:
        """Seconds to wait before sending, or None to drop."""
        if rate_kbps <= 0:
            return 0.0
        start = max(now, self.next_free)
        if start - now > 0.2:
            return None
        self.next_free = start + size * 8 / (rate_kbps * 1000)
        return start - now


class ImpairedUdpRelay:
    """Listen on 127.0.0.1:port and forward each client's datagrams to target, impaired."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1", seed: int = 7) -> None:
        self.target = (target_host, target_port)
        self.impairment = Impairment()
        self.counters = LinkCounters()
        self.port = 0
        self._random = random.Random(seed)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._front: asyncio.DatagramTransport | None = None
        self._backs: dict[tuple[str, int], asyncio.Future[asyncio.DatagramTransport]] = {}
        self._caps = {"up": _RateCap(), "down": _RateCap()}

    def start(self) -> int:
        """Start the relay; returns the port clients should use instead of the target's."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._open(), self._loop).result(5)
        return self.port

    def set(self, **changes: float | bool) -> None:
        """Change the impairment now, e.g. set(down=True) or set(loss=0.3, delay_ms=300)."""
        for key, value in changes.items():
            if not hasattr(self.impairment, key):
                raise AttributeError(f"no impairment named {key}")
            setattr(self.impairment, key, value)

    def stop(self) -> None:
        """Close every socket and stop the thread."""

        async def close() -> None:
            backs = [await f for f in self._backs.values()]
            for transport in [self._front, *backs]:
                if transport:
                    transport.close()
            await asyncio.sleep(0.01)  # let the transports finish closing

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _open(self) -> None:
        relay = self

        class Front(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                relay._loop.create_task(relay._from_client(data, addr))

        transport, _ = await self._loop.create_datagram_endpoint(Front, local_addr=("127.0.0.1", 0))
        self._front = transport
        self.port = int(transport.get_extra_info("sockname")[1])

    async def _from_client(self, data: bytes, client: tuple[str, int]) -> None:
        pending = self._backs.get(client)
        if pending is None:
            pending = self._loop.create_future()
            self._backs[client] = pending
            relay = self

            class Back(asyncio.DatagramProtocol):
                def datagram_received(self, reply: bytes, addr: tuple[str, int]) -> None:
                    relay._pass(reply, "down", lambda: relay._send_front(reply, client))

            transport, _ = await self._loop.create_datagram_endpoint(Back, remote_addr=self.target)
            pending.set_result(transport)
        back = await pending
        self._pass(data, "up", lambda: back.sendto(data))

    def _send_front(self, data: bytes, client: tuple[str, int]) -> None:
        if self._front:
            self._front.sendto(data, client)

    def _pass(self, data: bytes, direction: str, send: object) -> None:
        """Apply the impairment to one datagram, then send it now, later, or never."""
        imp = self.impairment
        if imp.down or (imp.loss and self._random.random() < imp.loss):
            self.counters.dropped += 1
            return
        wait = self._caps[direction].admit(len(data), imp.rate_kbps, time.monotonic())
        if wait is None:
            self.counters.dropped += 1
            return
        delay = wait + max(0.0, imp.delay_ms + self._random.uniform(-imp.jitter_ms, imp.jitter_ms)) / 1000
        self.counters.forwarded += 1
        assert callable(send)
        if delay > 0:
            self._loop.call_later(delay, send)
        else:
            send()
