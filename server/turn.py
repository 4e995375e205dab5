"""Short-lived TURN credentials in coturn's REST scheme (use-auth-secret) and the ICE server list."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from config.settings import TurnSettings


def turn_credentials(secret: str, client_id: str, ttl_s: int, now: float) -> tuple[str, str]:
    """(username, credential): username "<expiry unix>:<client_id>", credential b64 HMAC-SHA1."""
    username = f"{int(now) + ttl_s}:{client_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(turn: TurnSettings, client_id: str, now: float) -> list[dict[str, Any]]:
    """RTCIceServer dicts for one client: TURN with fresh credentials, then STUN; empty if none set."""
    servers: list[dict[str, Any]] = []
    if turn.secret and turn.urls:
        username, credential = turn_credentials(turn.secret, client_id, turn.ttl_s, now)
        servers.append({"urls": list(turn.urls), "username": username, "credential": credential})
    if turn.stun_urls:
        servers.append({"urls": list(turn.stun_urls)})
    return servers
