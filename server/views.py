"""HTTP and WebSocket views: authenticate, translate, hand over to the hub; no pool logic here."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from typing import Any

from aiohttp import WSMsgType, web

from config.settings import ServerSettings
from protocol.messages import Error, ErrorCode, ProtocolError, Role, decode
from server.auth import new_token, token_hash, verify_password
from server.hub import Connection, Hub
from server.keys import HUB, KIOSK_TOKENS, LAST_SEEN, SETTINGS, STORAGE, TERMINALS
from server.limits import TokenBucket
from server.terminals import health_json

log = logging.getLogger(__name__)

WS_MAX_FRAME_BYTES = 1 << 20  # frames beyond this are refused by aiohttp with close code 1009
WS_HEARTBEAT_S = 30.0


_dumps = functools.partial(json.dumps, ensure_ascii=False)


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def _json_error(status: int, text: str) -> web.Response:
    return _json({"error": text}, status)


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the server answers and knows how many clients are connected."""
    return _json({"status": "ok", "connections": len(request.app[HUB].connections)})


async def login(request: web.Request) -> web.Response:
    """POST /api/login {username, password} -> {token, display_name, law_firm}, or 401."""
    try:
        body: Any = await request.json()
    except ValueError:
        return _json_error(400, "请求格式不对")
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("username", "password")):
        return _json_error(400, "请填写用户名和密码")
    storage = request.app[STORAGE]
    account = await storage.lawyer_by_username(body["username"])
    hashed = account.password_hash if account else None
    if not await asyncio.to_thread(verify_password, hashed, body["password"]) or account is None:
        log.info("a login was refused")
        return _json_error(401, "用户名或密码不正确")
    token = new_token()
    now = time.time()
    await storage.delete_expired_sessions(now)
    expires_at = now + request.app[SETTINGS].session_ttl_s
    await storage.create_session(token_hash(token), account.lawyer_id, expires_at)
    log.info("lawyer-%d logged in", account.lawyer_id)
    return _json({"token": token, "display_name": account.display_name, "law_firm": account.law_firm})


def bearer_token(request: web.Request) -> str:
    """The token from `Authorization: Bearer`, or from `?token=` (browsers), or ""."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.query.get("token", "")


async def kiosk_id_of(request: web.Request) -> str | None:
    """The terminal a request's bearer token belongs to (its id as text), or None."""
    token = bearer_token(request)
    if not token:
        return None
    kiosk = await request.app[KIOSK_TOKENS].find(token_hash(token))
    return None if kiosk is None else str(kiosk.kiosk_id)


async def websocket(request: web.Request) -> web.StreamResponse:
    """GET /ws: authenticate by bearer token (before the upgrade), then signaling until it closes."""
    token = bearer_token(request)
    if not token:
        return _json_error(401, "缺少登录凭证")
    storage, hub = request.app[STORAGE], request.app[HUB]
    hashed = token_hash(token)
    kiosk = await request.app[KIOSK_TOKENS].find(hashed)
    if kiosk is not None:
        request.app[LAST_SEEN].note(kiosk.kiosk_id, time.time())
        identity = (Role.KIOSK, kiosk.kiosk_id, kiosk.name, kiosk.village)
    else:
        lawyer = await storage.lawyer_by_session(hashed, time.time())
        if lawyer is None:
            return _json_error(401, "登录凭证无效或已过期，请重新登录")
        identity = (Role.LAWYER, lawyer.lawyer_id, lawyer.display_name, lawyer.law_firm)

    ws = web.WebSocketResponse(max_msg_size=WS_MAX_FRAME_BYTES, heartbeat=WS_HEARTBEAT_S, timeout=2.0)
    await ws.prepare(request)
    conn = Connection(ws, *identity, transport=request.transport)
    hub.join(conn)
    try:
        await _receive_loop(ws, conn, hub, request.app[SETTINGS])
    finally:
        hub.leave(conn)
        await conn.stop()
        if kiosk is not None:
            request.app[LAST_SEEN].note(kiosk.kiosk_id, time.time())
    return ws


async def _receive_loop(
    ws: web.WebSocketResponse, conn: Connection, hub: Hub, settings: ServerSettings
) -> None:
    """Decode each frame; bad ones get an Error and the connection stays open."""
    limiter = TokenBucket(settings.messages_per_s, settings.messages_burst)
    told_rate_limited = False
    async for frame in ws:
        if frame.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
            continue  # ERROR ends the iteration by itself (aiohttp closes with 1009 on huge frames)
        if not limiter.allow():
            if not told_rate_limited:
                conn.send(Error(ErrorCode.RATE_LIMITED.value, "消息发得太快，部分消息被丢弃。"))
                told_rate_limited = True
            continue
        told_rate_limited = False
        try:
            message = decode(frame.data, settings.max_message_bytes)
        except ProtocolError as exc:
            conn.send(Error(exc.code.value, f"消息被拒绝（{exc.detail}）"))
            continue
        hub.handle(conn, message)


async def fleet(request: web.Request) -> web.Response:
    """GET /api/terminals: every terminal's health for a logged-in lawyer (the console shows the same)."""
    token = bearer_token(request)
    lawyer = await request.app[STORAGE].lawyer_by_session(token_hash(token), time.time()) if token else None
    if lawyer is None:
        return _json_error(401, "请先登录")
    settings = request.app[SETTINGS]
    rows = await request.app[TERMINALS].fleet(time.time(), settings.terminal_silent_s)
    return _json({"terminals": health_json(rows)})
