"""Terminal self-test reports: POST /api/terminals/selftest stores each terminal's latest results."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from server.keys import STORAGE

log = logging.getLogger(__name__)
SELFTEST_PATH = "/api/terminals/selftest"
CHECK_NAMES = frozenset({"camera", "microphone", "speaker", "server", "turn", "printer"})
STATUSES = frozenset({"ok", "warning", "failed", "skipped"})
MAX_TEXT = 300

metadata = MetaData()
selftests = Table(
    "terminal_selftests",
    metadata,
    Column("kiosk_id", String(64), primary_key=True),  # one row per terminal: its latest self-test
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("failed", Integer, nullable=False),  # how many checks failed (the console's flag)
    Column("results", Text, nullable=False),  # JSON list of {name, title, status, message, advice}
)


def clean_results(body: Any) -> list[dict[str, str]]:
    """The checked results of a request body; ValueError for anything malformed."""
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ValueError('body must be {"results": [...]}')
    results = []
    for row in body["results"][: len(CHECK_NAMES)]:
        if not isinstance(row, dict) or row.get("name") not in CHECK_NAMES:
            raise ValueError("unknown check")
        if row.get("status") not in STATUSES:
            raise ValueError("unknown status")
        results.append(
            {k: str(row.get(k, ""))[:MAX_TEXT] for k in ("name", "title", "status", "message", "advice")}
        )
    return results


async def store_report(
    engine: AsyncEngine, kiosk_id: str, results: list[dict[str, str]], now: datetime
) -> None:
    """Replace the terminal's stored self-test with this one."""
    failed = sum(r["status"] == "failed" for r in results)
    async with engine.begin() as conn:
        await conn.execute(delete(selftests).where(selftests.c.kiosk_id == kiosk_id))
        await conn.execute(
            insert(selftests).values(
                kiosk_id=kiosk_id,
                reported_at=now,
                failed=failed,
                results=json.dumps(results, ensure_ascii=False),
            )
        )


async def latest_reports(engine: AsyncEngine) -> list[dict[str, Any]]:
    """Every terminal's latest self-test, most failures first (for the console)."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(selftests).order_by(selftests.c.failed.desc()))).all()
    return [
        {
            "kiosk_id": row.kiosk_id,
            "reported_at": row.reported_at.isoformat(),
            "failed": row.failed,
            "results": json.loads(row.results),
        }
        for row in rows
    ]


def mount_terminal_health(
    app: web.Application, authenticate_kiosk: Callable[[web.Request], Awaitable[str | None]]
) -> None:
    """Add the self-test route and create its table at start-up (after the app's storage)."""

    async def create_table(app: web.Application) -> None:
        async with app[STORAGE].engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def report(request: web.Request) -> web.Response:
        kiosk_id = await authenticate_kiosk(request)
        if kiosk_id is None:
            return web.json_response({"error": {"code": "unauthorized", "message": "终端未登记"}}, status=401)
        try:
            results = clean_results(await request.json())
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            return web.json_response({"error": {"code": "bad_request", "message": str(exc)}}, status=400)
        try:
            await store_report(request.app[STORAGE].engine, kiosk_id, results, datetime.now(UTC))
        except SQLAlchemyError as exc:
            log.warning("self-test storage failed: %s", type(exc).__name__)
            return web.json_response({"error": {"code": "busy", "message": "服务器正忙"}}, status=503)
        failed = [r["name"] for r in results if r["status"] == "failed"]
        log.info("terminal %s self-test: %d checks, failed %s", kiosk_id, len(results), failed or "none")
        return web.json_response({"stored": len(results)})

    app.on_startup.append(create_table)
    app.router.add_post(SELFTEST_PATH, report)
