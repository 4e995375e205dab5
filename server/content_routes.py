"""Content for terminals: the server's statute pack (manifest and file) and missed-search uploads."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert
from sqlalchemy.exc import SQLAlchemyError

from content.pack import BUNDLED_PACK, INSTALLED_NAME, PackError, manifest_summary, read_manifest
from server.keys import SETTINGS, STORAGE
from server.views import kiosk_id_of

log = logging.getLogger(__name__)

MAX_MISSED_ROWS = 500
MAX_MISSED_BODY = 256 * 1024
MAX_QUERY_CHARS = 200
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

metadata = MetaData()
missed_searches = Table(
    "missed_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("query", Text, nullable=True),  # only when the villager agreed to keep the words
    Column("count", Integer, nullable=False),
    Column("received", String(32), nullable=False),
)


def served_pack(app: web.Application) -> Path:
    """The statute pack terminals download: content_dir/statutes.pack, else the one the server ships."""
    installed = Path(app[SETTINGS].content_dir) / INSTALLED_NAME
    return installed if installed.exists() else BUNDLED_PACK


def _file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _describe(path: Path) -> dict[str, Any]:
    """The pack's manifest summary plus the whole file's checksum and size (runs in a thread)."""
    summary = manifest_summary(read_manifest(path))
    sha256, size = _file_sha256(path)
    return {**summary, "sha256": sha256, "bytes": size}


def _refused(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def pack_manifest(request: web.Request) -> web.Response:
    """GET /api/content/statutes/manifest: version, counts, sha256 and size of the served pack."""
    if await kiosk_id_of(request) is None:
        return _refused(401, "unauthorized", "终端未登记或令牌无效")
    try:
        described = await asyncio.to_thread(_describe, served_pack(request.app))
    except (PackError, OSError) as exc:
        log.error("the served statute pack is unusable: %s", exc)
        return _refused(503, "no_pack", "服务器上暂时没有可用的内容包")
    return web.json_response(described)


async def pack_file(request: web.Request) -> web.StreamResponse:
    """GET /api/content/statutes/pack: the pack file itself."""
    if await kiosk_id_of(request) is None:
        return _refused(401, "unauthorized", "终端未登记或令牌无效")
    path = served_pack(request.app)
    if not path.exists():
        return _refused(503, "no_pack", "服务器上暂时没有可用的内容包")
    return web.FileResponse(path, headers={"Content-Type": "application/octet-stream"})


def parse_missed(body: bytes) -> list[dict[str, Any]]:
    """Check an upload of missed searches; raise ValueError with a plain reason for anything wrong."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("不是有效的 JSON") from exc
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or len(rows) > MAX_MISSED_ROWS:
        raise ValueError(f"rows 必须是最多 {MAX_MISSED_ROWS} 项的列表")
    checked: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"rows[{i}] 必须是对象")
        day, query, count, row_id = row.get("day"), row.get("query"), row.get("count"), row.get("id")
        if not isinstance(day, str) or not _DAY.fullmatch(day):
            raise ValueError(f"rows[{i}].day 必须是 YYYY-MM-DD")
        try:
            dt.date.fromisoformat(day)
        except ValueError as exc:
            raise ValueError(f"rows[{i}].day 不是有效日期") from exc
        if query is not None and (not isinstance(query, str) or len(query) > MAX_QUERY_CHARS):
            raise ValueError(f"rows[{i}].query 必须是最多 {MAX_QUERY_CHARS} 字的文字或 null")
        if type(count) is not int or not 1 <= count <= 100_000:
            raise ValueError(f"rows[{i}].count 必须是 1 到 100000 的整数")
        if type(row_id) is not int:
            raise ValueError(f"rows[{i}].id 必须是整数")
        checked.append({"id": row_id, "day": day, "query": query or None, "count": count})
    return checked


async def missed_upload(request: web.Request) -> web.Response:
    """POST /api/content/missed: a terminal's missed-search counts (and words kept with consent)."""
    kiosk_id = await kiosk_id_of(request)
    if kiosk_id is None:
        return _refused(401, "unauthorized", "终端未登记或令牌无效")
    if request.content_length is not None and request.content_length > MAX_MISSED_BODY:
        return _refused(413, "too_large", "上传的内容太大")
    body = await request.content.read(MAX_MISSED_BODY + 1)
    if len(body) > MAX_MISSED_BODY:
        return _refused(413, "too_large", "上传的内容太大")
    try:
        rows = parse_missed(body)
    except ValueError as exc:
        return _refused(400, "invalid", str(exc))
    received = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    values = [
        {
            "kiosk_id": kiosk_id,
            "day": r["day"],
            "query": r["query"],
            "count": r["count"],
            "received": received,
        }
        for r in rows
    ]
    try:
        if values:
            async with request.app[STORAGE].engine.begin() as conn:
                await conn.execute(insert(missed_searches), values)
    except SQLAlchemyError as exc:
        log.warning("missed searches not stored: %s", type(exc).__name__)
        return _refused(503, "busy", "服务器正忙，请稍后再试")
    log.info("kiosk %s uploaded %d missed-search rows", kiosk_id, len(values))
    return web.json_response({"accepted": [r["id"] for r in rows]})


async def _create_tables(app: web.Application) -> None:
    async with app[STORAGE].engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


def mount_content_routes(app: web.Application) -> None:
    """Add the content routes and this module's table to the pool server's application."""
    app.on_startup.append(_create_tables)  # after the storage context has opened the database
    app.add_routes(
        [
            web.get("/api/content/statutes/manifest", pack_manifest),
            web.get("/api/content/statutes/pack", pack_file),
            web.post("/api/content/missed", missed_upload),
        ]
    )
