"""Short-lived TURN credentials in coturn's REST scheme (use-auth-secret) and the ICE server list."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Collection
from typing import Any

from config.settings import TurnSettings


def turn_credentials(secret: str, client_id: str, ttl_s: int, now: float) -> tuple[str, str]:
    """(username, credential): username "<expiry unix>:<client_id>", credential b64 HMAC-SHA1."""
    username = f"{int(now) + ttl_s}:{client_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def region_of(turn: TurnSettings, village: str | None) -> str:
    """The TURN region of a terminal's village (None: a lawyer's desk), else the default region."""
    if village is not None and village in turn.village_regions:
        return turn.village_regions[village]
    return turn.default_region or next(iter(turn.regions), "")


def region_order(turn: TurnSettings, region: str) -> list[str]:
    """The client's own region, then the fallback order, then every other region as listed."""
    order: list[str] = []
    for name in [region, *turn.fallback, *turn.regions]:
        if name in turn.regions and name not in order:
            order.append(name)
    return order


def regional_urls(turn: TurnSettings, region: str, dead: Collection[str] = ()) -> list[list[str]]:
    """TURN url groups for a client: its own region's live urls first, then one fallback region.

    Coturn servers the probe found dead are left out; when every one seems dead, all are offered in
    the same order (a probe can be wrong, ICE then finds out by itself).
    """
    groups = [turn.regions[name] for name in region_order(turn, region)]
    alive = [[url for url in urls if url not in dead] for urls in groups]
    chosen = [urls for urls in alive if urls] or [urls for urls in groups if urls]
    return chosen[:2]


def ice_servers(
    turn: TurnSettings,
    client_id: str,
    now: float,
    region: str = "",
    dead: Collection[str] = (),
) -> list[dict[str, Any]]:
    """RTCIceServer dicts for one client: TURN with fresh credentials, then STUN; empty if none set."""
    servers: list[dict[str, Any]] = []
    if turn.secret and (turn.urls or turn.regions):
        username, credential = turn_credentials(turn.secret, client_id, turn.ttl_s, now)
        groups = regional_urls(turn, region, dead) if turn.regions else []
        if turn.urls:
            groups.append(list(turn.urls))
        for urls in groups:
            servers.append({"urls": list(urls), "username": username, "credential": credential})
    if turn.stun_urls:
        servers.append({"urls": list(turn.stun_urls)})
    return servers
