"""Content-pack updates over the network: a real pool server, the kiosk's updater, PackStore.install."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from content.pack import Pack, PackStore
from content.search_missed import MissedSearchLog
from kiosk.content_updater import ContentUpdater, UpdateOutcome
from server.content_routes import missed_searches
from tests.faqui_packs import make_pack
from tests.server_helpers import running_server, server_settings

OLD, NEW = "2026.11.24.1", "2026.12.1.1"


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    """A few real articles (enough to make a valid pack quickly)."""
    from content.pack import BUNDLED_PACK, STATUTES_PART, open_pack

    return open_pack(BUNDLED_PACK).parts[STATUTES_PART].splitlines()[:300]


def _damage(path: Path) -> None:
    """Flip one byte inside the compressed articles: the manifest still names the old checksum."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _kiosk(tmp_path: Path, lines: list[bytes]) -> tuple[PackStore, list[Pack]]:
    bundled = make_pack(tmp_path / "kiosk-bundled" / "statutes.pack", OLD, lines)
    store = PackStore(tmp_path / "kiosk-data", bundled=bundled)
    store.load()
    return store, []


async def test_a_newer_pack_is_installed_and_the_consult_screens_are_told(tmp_path: Path, lines):
    settings = server_settings(tmp_path, content_dir=str(tmp_path / "server-content"))
    make_pack(tmp_path / "server-content" / "statutes.pack", NEW, lines[:200])
    store, installed = _kiosk(tmp_path, lines)
    async with running_server(settings) as server:
        token = await server.add_kiosk("石桥村服务点", "石桥村")
        updater = ContentUpdater(server.url, token, store, on_installed=installed.append)
        async with aiohttp.ClientSession() as http:
            assert await updater.check_once(http) is UpdateOutcome.INSTALLED
            assert await updater.check_once(http) is UpdateOutcome.UP_TO_DATE
    assert [p.version for p in installed] == [NEW]
    assert store.current is not None and store.current.version == NEW
    assert PackStore(tmp_path / "kiosk-data", bundled=store.bundled).load().version == NEW  # after restart
    assert not list((tmp_path / "kiosk-data" / "packs").glob(".download-*"))


async def test_a_damaged_download_is_refused_and_the_old_pack_stays(tmp_path: Path, lines):
    settings = server_settings(tmp_path, content_dir=str(tmp_path / "server-content"))
    served = make_pack(tmp_path / "server-content" / "statutes.pack", NEW, lines[:200])
    _damage(served)
    store, installed = _kiosk(tmp_path, lines)
    async with running_server(settings) as server:
        token = await server.add_kiosk("石桥村服务点", "石桥村")
        updater = ContentUpdater(server.url, token, store, on_installed=installed.append)
        async with aiohttp.ClientSession() as http:
            assert await updater.check_once(http) is UpdateOutcome.REJECTED
    assert "校验" in updater.last_error or "损坏" in updater.last_error
    assert installed == []
    assert store.current is not None and store.current.version == OLD
    assert not store.installed_path.exists()
    assert PackStore(tmp_path / "kiosk-data", bundled=store.bundled).load().version == OLD
    assert not list((tmp_path / "kiosk-data" / "packs").glob(".download-*"))


async def test_content_routes_refuse_terminals_without_a_valid_token(tmp_path: Path):
    async with running_server(server_settings(tmp_path)) as server:
        for path in ("/api/content/statutes/manifest", "/api/content/statutes/pack"):
            async with server.http.get(server.url + path, headers={"Authorization": "Bearer nope"}) as reply:
                assert reply.status == 401
        async with server.http.post(server.url + "/api/content/missed", json={"rows": []}) as reply:
            assert reply.status == 401


async def test_missed_searches_are_uploaded_and_kept_by_the_server(tmp_path: Path, lines):
    log = MissedSearchLog(tmp_path / "missed.sqlite3")
    log.record("飞碟降落在我家菜地", consent=False)
    log.record("飞碟降落在我家菜地", consent=False)
    log.record("村口大树归谁", consent=True)
    store, _ = _kiosk(tmp_path, lines)
    async with running_server(server_settings(tmp_path)) as server:
        token = await server.add_kiosk("石桥村服务点", "石桥村")
        updater = ContentUpdater(server.url, token, store, on_installed=lambda _p: None, missed_log=log)
        async with aiohttp.ClientSession() as http:
            assert await updater.upload_missed(http) == 2
            bad = {"rows": [{"id": 1, "day": "2026-13-40", "query": None, "count": 1}]}
            headers = {"Authorization": f"Bearer {token}"}
            async with http.post(server.url + "/api/content/missed", json=bad, headers=headers) as reply:
                assert reply.status == 400
                assert "day" in json.loads(await reply.text())["message"]
        async with server.storage.engine.connect() as conn:
            rows = (await conn.execute(select(missed_searches.c.query, missed_searches.c.count))).all()
    assert sorted(rows, key=str) == sorted([(None, 2), ("村口大树归谁", 1)], key=str)
    assert log.pending() == []
    log.close()
