"""Terminals in the field: one-time enrolment codes, heartbeats, a fleet view, and update manifests."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from server.auth import register_kiosk, token_hash
from server.storage import Storage

log = logging.getLogger(__name__)

CODE_ALPHABET = "23456789"  # typed on a touch number pad by a technician: digits only, no 0/1
CODE_LENGTH = 8
MAX_HEARTBEAT_BYTES = 16 * 1024

metadata = MetaData()
enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("village", String(64), nullable=False),
    Column("config", Text, nullable=False),  # JSON of KioskSettings keys pushed at enrolment
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),
    Column("kiosk_id", Integer),
)
terminal_status = Table(
    "terminal_status",
    metadata,
    Column("kiosk_id", Integer, primary_key=True),
    Column("hardware_id", String(64)),
    Column("heartbeat", Text),  # the last heartbeat's JSON (no personal data by construction)
    Column("heartbeat_at", Float),
    Column("config", Text),  # settings pushed to this terminal, handed out with the next heartbeat reply
    Column("config_version", Integer, nullable=False, default=0),
)


class TerminalFlag(StrEnum):
    """Why the console marks a terminal as needing a visit or a call."""

    SILENT = "silent"  # no heartbeat for too long
    NEVER_SEEN = "never_seen"  # enrolled but never sent a heartbeat
    LOW_DISK = "low_disk"
    CAMERA = "camera"  # camera missing or failing
    MICROPHONE = "microphone"
    SELF_TEST_FAILED = "self_test_failed"


FLAG_TEXT = {
    TerminalFlag.SILENT: "长时间没有联系",
    TerminalFlag.NEVER_SEEN: "登记后从未联系",
    TerminalFlag.LOW_DISK: "磁盘空间不足",
    TerminalFlag.CAMERA: "摄像头故障",
    TerminalFlag.MICROPHONE: "麦克风故障",
    TerminalFlag.SELF_TEST_FAILED: "设备自检未通过",
}


@dataclass(frozen=True)
class TerminalHealth:
    """One row of the fleet view."""

    kiosk_id: int
    name: str
    village: str
    last_heartbeat_at: float | None
    version: str
    content_pack_version: str
    flags: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when nothing is flagged."""
        return not self.flags


class EnrolmentRefusedError(Exception):
    """The code is unknown, used or expired."""


def flags_for(
    heartbeat: dict[str, Any] | None, heartbeat_at: float | None, now: float, silent_s: float
) -> list[str]:
    """What is wrong with a terminal, from its last heartbeat (pure, for the console and tests)."""
    if heartbeat_at is None or heartbeat is None:
        return [TerminalFlag.NEVER_SEEN.value]
    flags: list[str] = []
    if now - heartbeat_at > silent_s:
        flags.append(TerminalFlag.SILENT.value)
    if (heartbeat.get("disk") or {}).get("low"):
        flags.append(TerminalFlag.LOW_DISK.value)
    if heartbeat.get("camera") in ("missing", "error"):
        flags.append(TerminalFlag.CAMERA.value)
    if heartbeat.get("microphone") in ("missing", "error"):
        flags.append(TerminalFlag.MICROPHONE.value)
    self_test = heartbeat.get("self_test")
    if isinstance(self_test, dict) and self_test.get("ok") is False:
        flags.append(TerminalFlag.SELF_TEST_FAILED.value)
    return flags


class TerminalRegistry:
    """Enrolment codes and terminal status in the server's database."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.engine: AsyncEngine = storage.engine

    async def create_tables(self) -> None:
        """Create this registry's tables if absent."""
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def new_code(
        self, name: str, village: str, valid_s: float = 7 * 86400, config: dict[str, Any] | None = None
    ) -> str:
        """A one-time enrolment code for a terminal to be installed in `village`."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = time.time()
        async with self.engine.begin() as conn:
            await conn.execute(
                enrolment_codes.insert().values(
                    code_hash=token_hash(code),
                    name=name,
                    village=village,
                    config=json.dumps(config or {}, ensure_ascii=False),
                    created_at=now,
                    expires_at=now + valid_s,
                )
            )
        return code

    async def enrol(self, code: str, name: str, hardware_id: str) -> dict[str, Any]:
        """Trade a code for a terminal token, once; raises EnrolmentRefusedError."""
        now = time.time()
        hashed = token_hash(code.strip())
        async with self.engine.begin() as conn:
            # Claim the code atomically: only one enrolment can flip used_at from NULL.
            claimed = await conn.execute(
                update(enrolment_codes)
                .where(enrolment_codes.c.code_hash == hashed)
                .where(enrolment_codes.c.used_at.is_(None))
                .where(enrolment_codes.c.expires_at > now)
                .values(used_at=now)
            )
            if claimed.rowcount != 1:
                raise EnrolmentRefusedError("unknown, used or expired code")
            row = (
                await conn.execute(select(enrolment_codes).where(enrolment_codes.c.code_hash == hashed))
            ).one()
        kiosk_id, token = await register_kiosk(self.storage, row.name or name, row.village)
        async with self.engine.begin() as conn:
            await conn.execute(
                update(enrolment_codes).where(enrolment_codes.c.code_hash == hashed).values(kiosk_id=kiosk_id)
            )
            await conn.execute(
                terminal_status.insert().values(
                    kiosk_id=kiosk_id, hardware_id=hardware_id[:64], config_version=0
                )
            )
        log.info("terminal %d enrolled in %s", kiosk_id, row.village)
        return {
            "token": token,
            "terminal_id": str(kiosk_id),
            "village": row.village,
            "config": json.loads(row.config),
        }

    async def heartbeat(self, kiosk_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        """Record a terminal's heartbeat; the reply carries settings pushed since its last one."""
        now = time.time()
        async with self.engine.begin() as conn:
            current = (
                await conn.execute(select(terminal_status).where(terminal_status.c.kiosk_id == kiosk_id))
            ).first()
            values = {"heartbeat": json.dumps(payload, ensure_ascii=False), "heartbeat_at": now}
            if current is None:
                await conn.execute(
                    terminal_status.insert().values(kiosk_id=kiosk_id, config_version=0, **values)
                )
            else:
                await conn.execute(
                    update(terminal_status).where(terminal_status.c.kiosk_id == kiosk_id).values(**values)
                )
        reply: dict[str, Any] = {"received_at": now}
        if current is not None and current.config:
            reply["config"] = json.loads(current.config)
            reply["config_version"] = current.config_version
        return reply

    async def push_config(self, kiosk_id: int, config: dict[str, Any]) -> int:
        """Settings for one terminal (idle time, volume, languages, service hours text…); new version."""
        async with self.engine.begin() as conn:
            current = (
                await conn.execute(select(terminal_status).where(terminal_status.c.kiosk_id == kiosk_id))
            ).first()
            version = (current.config_version if current else 0) + 1
            values = {"config": json.dumps(config, ensure_ascii=False), "config_version": version}
            if current is None:
                await conn.execute(terminal_status.insert().values(kiosk_id=kiosk_id, **values))
            else:
                await conn.execute(
                    update(terminal_status).where(terminal_status.c.kiosk_id == kiosk_id).values(**values)
                )
        return version

    async def fleet(self, now: float, silent_s: float) -> list[TerminalHealth]:
        """Every terminal with its last heartbeat and what is wrong with it, broken ones first."""
        from server import schema

        kiosks, status = schema.kiosks, terminal_status
        query = select(
            kiosks.c.id, kiosks.c.name, kiosks.c.village, status.c.heartbeat, status.c.heartbeat_at
        )
        query = query.select_from(kiosks.outerjoin(status, status.c.kiosk_id == kiosks.c.id))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(kiosks.c.id))).all()
        fleet = []
        for row in rows:
            beat = json.loads(row.heartbeat) if row.heartbeat else None
            fleet.append(
                TerminalHealth(
                    kiosk_id=row.id,
                    name=row.name,
                    village=row.village,
                    last_heartbeat_at=row.heartbeat_at,
                    version=str((beat or {}).get("version", "")),
                    content_pack_version=str((beat or {}).get("content_pack_version", "")),
                    flags=flags_for(beat, row.heartbeat_at, now, silent_s),
                )
            )
        return sorted(fleet, key=lambda t: (t.healthy, t.kiosk_id))


def terminal_routes(
    registry_of: Callable[[web.Request], TerminalRegistry],
    authenticate_kiosk: Callable[[web.Request], Awaitable[str | None]],
    updates_dir: Path,
) -> list[web.RouteDef]:
    """POST /api/terminals/enrol, POST /api/terminals/heartbeat, GET /api/updates/kiosk (+ files)."""

    async def enrol(request: web.Request) -> web.Response:
        try:
            body = await request.json()
            code, name, hw = (
                str(body["code"]),
                str(body.get("name", ""))[:64],
                str(body.get("hardware_id", "")),
            )
        except (ValueError, KeyError, TypeError):
            return _error(400, "malformed", "登记内容格式不对")
        if not code.strip().isdigit():
            return _error(404, "wrong_code", "登记码不对")
        try:
            granted = await registry_of(request).enrol(code, name, hw)
        except EnrolmentRefusedError:
            return _error(404, "wrong_code", "登记码不对，或者已经用过、过期了")
        return web.json_response(granted)

    async def heartbeat(request: web.Request) -> web.Response:
        kiosk = await authenticate_kiosk(request)
        if kiosk is None:
            return _error(401, "unauthorized", "终端凭证无效")
        raw = await request.read()
        if len(raw) > MAX_HEARTBEAT_BYTES:
            return _error(413, "too_large", "心跳内容太大")
        try:
            payload = json.loads(raw)
        except ValueError:
            return _error(400, "malformed", "心跳内容格式不对")
        if not isinstance(payload, dict):
            return _error(400, "malformed", "心跳内容格式不对")
        return web.json_response(await registry_of(request).heartbeat(int(kiosk), payload))

    async def update_manifest(request: web.Request) -> web.StreamResponse:
        if await authenticate_kiosk(request) is None:
            return _error(401, "unauthorized", "终端凭证无效")
        manifest = updates_dir / "kiosk" / "manifest.json"
        if not manifest.is_file():
            return _error(404, "no_update", "没有新版本")
        return web.FileResponse(manifest)

    async def update_file(request: web.Request) -> web.StreamResponse:
        if await authenticate_kiosk(request) is None:
            return _error(401, "unauthorized", "终端凭证无效")
        name = request.match_info["name"]
        path = updates_dir / "kiosk" / name
        if "/" in name or name.startswith(".") or not path.is_file():
            return _error(404, "not_found", "没有这个文件")
        return web.FileResponse(path)

    return [
        web.post("/api/terminals/enrol", enrol),
        web.post("/api/terminals/heartbeat", heartbeat),
        web.get("/api/updates/kiosk", update_manifest),
        web.get("/api/updates/kiosk/{name}", update_file),
    ]


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def health_json(fleet: list[TerminalHealth]) -> list[dict[str, Any]]:
    """The fleet view as JSON, with the flags' plain words."""
    return [
        {**asdict(t), "flag_text": [FLAG_TEXT[TerminalFlag(f)] for f in t.flags], "healthy": t.healthy}
        for t in fleet
    ]
