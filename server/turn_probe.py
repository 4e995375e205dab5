"""A periodic STUN binding probe of every regional coturn, so clients are not sent to a dead one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import struct
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from config.settings import TurnSettings

log = logging.getLogger(__name__)

BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
MAGIC_COOKIE = 0x2112A442
PROBE_TIMEOUT_S = 1.0
PROBE_TRIES = 2  # a single lost UDP datagram must not mark a server dead


@dataclass(frozen=True)
class TurnTarget:
    """Where a TURN url points: host, port and transport (udp, tcp or tls)."""

    host: str
    port: int
    transport: str


@dataclass
class TurnHealth:
    """TURN urls the last probe found dead (the hub leaves them out of ICE servers)."""

    dead: set[str] = field(default_factory=set)


def parse_turn_url(url: str) -> TurnTarget:
    """Host, port and transport of "turn:host:port?transport=udp" (RFC 7065 defaults 3478 / 5349)."""
    scheme, _, rest = url.partition(":")
    parts = urlsplit(f"//{rest}")
    secure = scheme == "turns"
    transport = "tls" if secure else parse_qs(parts.query).get("transport", ["udp"])[0]
    return TurnTarget(parts.hostname or "", parts.port or (5349 if secure else 3478), transport)


def binding_request() -> tuple[bytes, bytes]:
    """A STUN Binding Request (RFC 5389) and its transaction id."""
    transaction = os.urandom(12)
    return struct.pack("!HHI", BINDING_REQUEST, 0, MAGIC_COOKIE) + transaction, transaction


def is_binding_success(data: bytes, transaction: bytes) -> bool:
    """True for a Binding Success Response to this transaction."""
    if len(data) < 20:
        return False
    kind, _, cookie = struct.unpack("!HHI", data[:8])
    return kind == BINDING_SUCCESS and cookie == MAGIC_COOKIE and data[8:20] == transaction


class _BindingProtocol(asyncio.DatagramProtocol):
    def __init__(self, transaction: bytes) -> None:
        self.transaction = transaction
        self.answered = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if is_binding_success(data, self.transaction) and not self.answered.done():
            self.answered.set_result(True)


async def _udp_binding(target: TurnTarget, timeout_s: float) -> bool:
    request, transaction = binding_request()
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _BindingProtocol(transaction), remote_addr=(target.host, target.port)
    )
    try:
        transport.sendto(request)
        await asyncio.wait_for(asyncio.shield(protocol.answered), timeout_s)
        return True
    except TimeoutError:
        return False
    finally:
        transport.close()


async def _tcp_binding(target: TurnTarget, timeout_s: float) -> bool:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(target.host, target.port), timeout_s)
    try:
        if target.transport == "tls":
            return True  # the port accepts connections; a STUN exchange would need TLS first
        request, transaction = binding_request()
        writer.write(request)
        header = await asyncio.wait_for(reader.readexactly(20), timeout_s)
        return is_binding_success(header, transaction)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def turn_alive(url: str, timeout_s: float = PROBE_TIMEOUT_S, tries: int = PROBE_TRIES) -> bool:
    """Does the coturn behind this url answer a STUN binding request?"""
    target = parse_turn_url(url)
    for _ in range(tries):
        try:
            if await (_udp_binding if target.transport == "udp" else _tcp_binding)(target, timeout_s):
                return True
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            await asyncio.sleep(timeout_s / 4)  # refused at once: wait a little before the next try
    return False


async def probe_once(turn: TurnSettings, health: TurnHealth) -> None:
    """Probe every regional TURN url once and record which are dead (logging each change)."""
    urls = sorted({url for urls in turn.regions.values() for url in urls})
    results = await asyncio.gather(*(turn_alive(url) for url in urls))
    for url, alive in zip(urls, results, strict=True):
        if alive and url in health.dead:
            health.dead.discard(url)
            log.info("TURN server %s answers again", url)
        elif not alive and url not in health.dead:
            health.dead.add(url)
            log.warning("TURN server %s does not answer; clients get the others", url)


async def probe_forever(turn: TurnSettings, health: TurnHealth) -> None:
    """Probe every turn.probe_s seconds until cancelled."""
    while True:
        try:
            await probe_once(turn, health)
        except Exception:  # a probe bug must not stop later probes
            log.exception("probing the TURN servers failed")
        await asyncio.sleep(turn.probe_s)
