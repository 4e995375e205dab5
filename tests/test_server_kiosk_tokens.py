"""Terminal sign-ins checked from memory: a crowd signing in asks the database once, a terminal
enrolled meanwhile still gets in, a removed one is refused after the next read."""

from __future__ import annotations

from sqlalchemy import delete

from server import schema
from server.auth import token_hash
from server.kiosk_tokens import KioskTokens
from server.storage import KioskAccount, Storage
from tests.server_helpers import running_server, server_settings


class CountingStore:
    """A real storage that counts the queries sign-ins make."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.whole_reads = 0
        self.single_reads = 0

    async def kiosk_by_token_hash(self, hashed: str) -> KioskAccount | None:
        self.single_reads += 1
        return await self.storage.kiosk_by_token_hash(hashed)

    async def kiosks_by_token_hash(self) -> dict[str, KioskAccount]:
        self.whole_reads += 1
        return await self.storage.kiosks_by_token_hash()


async def test_a_crowd_of_sign_ins_reads_the_table_once_and_new_or_removed_terminals_count(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        tokens = [await server.add_kiosk(f"{n}号终端", "东村") for n in range(30)]
        store, now = CountingStore(server.storage), [0.0]
        accounts = KioskTokens(store, reload_s=60, clock=lambda: now[0])
        found = [await accounts.find(token_hash(t)) for t in tokens]
        assert [a.name for a in found if a] == [f"{n}号终端" for n in range(30)]
        assert (store.whole_reads, store.single_reads) == (1, 0)

        late = await server.add_kiosk("新终端", "西村")  # enrolled after the read: still signs in
        new = await accounts.find(token_hash(late))
        assert new is not None and new.name == "新终端"
        assert await accounts.find(token_hash("not-a-token")) is None

        async with server.storage.engine.begin() as conn:  # a terminal taken off the register
            await conn.execute(delete(schema.kiosks).where(schema.kiosks.c.name == "0号终端"))
        now[0] = 61.0
        assert await accounts.find(token_hash(tokens[0])) is None
        assert store.whole_reads == 2


async def test_a_terminal_signs_in_over_the_websocket_with_the_accounts_in_memory(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        token = await server.add_kiosk("一号终端", "东村")
        kiosk = await server.connect(token)  # Welcome received: the sign-in went through
        await kiosk.close()
        refused = await server.http.get(f"{server.url}/ws", headers={"Authorization": "Bearer wrong"})
        assert refused.status == 401
