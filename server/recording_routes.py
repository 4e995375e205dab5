"""Recording HTTP: the desk asks the policy and uploads chunks; the console downloads (decrypted here)."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from server.auth import token_hash
from server.console_auth import Permission, message_page, requires
from server.datakey import data_cipher
from server.keys import SETTINGS, STORAGE
from server.recordings import CONTAINER, RecordingStore, RecordingUploadError
from server.views import bearer_token

log = logging.getLogger(__name__)

RECORDINGS = web.AppKey("recordings", RecordingStore)


async def _lawyer_id(request: web.Request) -> int:
    token = bearer_token(request)
    lawyer = await request.app[STORAGE].lawyer_by_session(token_hash(token), time.time()) if token else None
    if lawyer is None:
        raise web.HTTPUnauthorized(text="请重新登录")
    return lawyer.lawyer_id


def _refused(exc: RecordingUploadError) -> web.Response:
    return web.json_response({"message": exc.message}, status=exc.status)


async def policy(request: web.Request) -> web.Response:
    """GET /api/recording-policy: whether this centre records, for which topics, up to what size."""
    await _lawyer_id(request)
    settings = request.app[SETTINGS]
    return web.json_response(
        {
            "enabled": settings.recording_enabled,
            "topics": list(settings.recording_topics),
            "max_mb": settings.recording_max_mb,
        }
    )


async def put_chunk(request: web.Request) -> web.Response:
    """PUT /api/recordings/{call_id}/chunks/{index}: one piece of at most 1 MiB (a retry replaces it)."""
    lawyer_id = await _lawyer_id(request)
    call_id, index = request.match_info["call_id"], int(request.match_info["index"])
    try:
        await request.app[RECORDINGS].put_chunk(call_id, lawyer_id, index, await request.read())
    except RecordingUploadError as exc:
        return _refused(exc)
    return web.json_response({"ok": True})


async def complete(request: web.Request) -> web.Response:
    """POST /api/recordings/{call_id}/complete {chunks, sha256, duration_s}: check it whole and keep it."""
    lawyer_id = await _lawyer_id(request)
    call_id = request.match_info["call_id"]
    try:
        body: dict[str, Any] = await request.json()
        chunks, sha256 = int(body["chunks"]), str(body["sha256"])
        duration_s = float(body.get("duration_s", 0.0))
    except (ValueError, KeyError, TypeError):
        return web.json_response({"message": "请求格式不对。"}, status=400)
    try:
        info = await request.app[RECORDINGS].complete(call_id, lawyer_id, chunks, sha256, duration_s)
    except RecordingUploadError as exc:
        return _refused(exc)
    log.info("recording of call %s stored: %d bytes in %d chunks", call_id, info.size_bytes, info.chunks)
    return web.json_response({"ok": True, "size_bytes": info.size_bytes})


@requires(Permission.PLAY_RECORDINGS)
async def download(request: web.Request) -> web.StreamResponse:
    """GET /console/matters/{call_id}/recording: the decrypted recording (inline, so <video> plays it)."""
    store = request.app[RECORDINGS]
    call_id = request.match_info["call_id"]
    info = await store.info(call_id)
    if info is None or not info.complete:
        raise message_page(web.HTTPNotFound, "没有录像", "这个事项没有保存完整的录像。")
    response = web.StreamResponse(
        headers={
            "Content-Type": "video/x-matroska" if info.container == CONTAINER else "application/octet-stream",
            "Content-Length": str(info.size_bytes),
            "Content-Disposition": f'inline; filename="recording-{call_id}.mkv"',
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(request)
    async for piece in store.plain_pieces(call_id):
        await response.write(piece)
    await response.write_eof()
    log.info("recording of call %s downloaded", call_id)
    return response


def mount_recording_routes(app: web.Application) -> None:
    """The recording routes and their store (made once storage is open)."""
    app.add_routes(
        [
            web.get("/api/recording-policy", policy),
            web.put("/api/recordings/{call_id}/chunks/{index:\\d+}", put_chunk),
            web.post("/api/recordings/{call_id}/complete", complete),
            web.get("/console/matters/{call_id}/recording", download),
        ]
    )
    app.cleanup_ctx.append(_recordings_ctx)


async def _recordings_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    app[RECORDINGS] = RecordingStore(
        app[STORAGE], data_cipher(settings), settings.recording_max_mb * 1024 * 1024
    )
    yield
