"""Terminals' last-seen times: written in batches, off the path that accepts a socket, never lost."""

from __future__ import annotations

import time

from server.auth import token_hash
from server.keys import LAST_SEEN, SETTINGS
from server.last_seen import LastSeen
from server.storage import Storage
from tests.server_helpers import running_server, server_settings


async def test_a_terminal_is_seen_when_it_connects_and_what_waits_is_written_at_shutdown(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        token = await server.add_kiosk("一号终端", "东村")
        account = await server.storage.kiosk_by_token_hash(token_hash(token))
        assert account is not None
        assert await server.storage.kiosk_last_seen(account.kiosk_id) is None
        connected_at = time.time()
        kiosk = await server.connect(token)
        await server.app[LAST_SEEN].flush()
        seen = await server.storage.kiosk_last_seen(account.kiosk_id)
        assert seen is not None and seen >= connected_at - 1
        await kiosk.close()
        left_at = time.time()
        database_url = server.app[SETTINGS].database_url
        await server.stop()  # what is still waiting is written at shutdown
    storage = Storage.open(database_url)
    try:
        seen = await storage.kiosk_last_seen(account.kiosk_id)
    finally:
        await storage.close()
    assert seen is not None and seen >= left_at - 1


class FlakyDatabase:
    """A store that is away for its first write, then works."""

    def __init__(self) -> None:
        self.written: dict[int, float] = {}
        self.attempts = 0

    async def touch_kiosks(self, seen: dict[int, float]) -> None:
        self.attempts += 1
        if self.attempts == 1:
            raise ConnectionError("database away")
        self.written |= seen


async def test_times_not_written_while_the_database_is_away_are_written_later_newest_first():
    store = FlakyDatabase()
    last_seen = LastSeen(store)
    last_seen.note(1, 100.0)
    last_seen.note(2, 100.0)
    await last_seen.flush()
    assert store.written == {}
    last_seen.note(2, 150.0)  # seen again meanwhile: the newer time wins
    await last_seen.flush()
    assert store.written == {1: 100.0, 2: 150.0}
