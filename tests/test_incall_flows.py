"""In-call help end to end: both view-models over the real flows, through the real pool server.

The lawyer's panel pushes an article found by the real search; the terminal shows it. A pushed form is
filled from both sides; the villager confirms; the submission goes through the terminal's real outbox
to the server, and the lawyer is told its tracking number.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from config.settings import TurnSettings
from content.faq import load_faq
from content.forms import load_all_forms
from content.pack import open_pack
from content.search import SearchEngine
from kiosk.outbox import Deliverer, Outbox, lookup_status
from server.keys import SUBMISSIONS
from tests.faqui_packs import make_pack, small_statute_lines
from tests.formui_helpers import NOW
from tests.media_fixtures import use_loopback_host_candidates
from tests.server_helpers import RunningServer, running_server, server_settings
from tests.test_outbox_delivery import FAST
from tests.test_resilience_server import LAWYER, WAIT_S, connect
from ui.background import BackgroundRunner
from ui.desk_help_vm import DeskHelpViewModel
from ui.kiosk_help_vm import KioskHelpViewModel


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


@pytest.fixture
async def server(tmp_path: Path, loopback: None) -> AsyncIterator[RunningServer]:
    async with running_server(server_settings(tmp_path, turn=TurnSettings())) as running:
        await running.add_lawyer(LAWYER[0], LAWYER[1], LAWYER[2], LAWYER[3])
        yield running


class Screens:
    """Both view-models; a test waits on what they show (the timeout is a hang guard, not a timing)."""

    def __init__(self, *vms: Any) -> None:
        self._changed = asyncio.Event()
        for vm in vms:
            vm.changed.connect(self._changed.set)

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait until the condition holds, looking again whenever a screen changes."""
        async with asyncio.timeout(WAIT_S):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


def row(vm: Any, field_id: str) -> dict[str, Any]:
    """One co-filled field as a screen shows it."""
    return next((r for r in vm.fields if r["id"] == field_id), {})


async def test_push_and_co_fill_through_the_real_server_end_in_the_servers_submissions(
    server: RunningServer, tmp_path: Path, qapp: Any
) -> None:
    token = await server.add_kiosk("红星村服务室", "红星村")
    call = await connect(server.url, token)
    runner = BackgroundRunner()
    outbox = await Outbox.open_in(tmp_path / "terminal")
    pack = make_pack(tmp_path / "statutes.pack", "2026.11.24.1", small_statute_lines())
    faq = load_faq()
    forms = load_all_forms()
    desk: Any = DeskHelpViewModel(  # Any: its Qt properties read as plain values
        call.desk,
        runner,
        forms,
        faq,
        engine_factory=lambda progress: SearchEngine.from_pack(
            open_pack(pack), faq, cache_dir=tmp_path / "index", progress=progress
        ),
    )
    kiosk: Any = KioskHelpViewModel(call.kiosk, runner, forms, outbox, clock=lambda: NOW)
    until = Screens(desk, kiosk).until
    try:
        desk.start_engine()
        await until(lambda: desk.searchReady)
        # The lawyer finds 民法典 1079 and pushes it: the terminal shows it large.
        desk.search("民法典 1079")
        article = desk.results[0]
        assert article["kind"] == "law" and article["title"] == "《民法典》第一千零七十九条"
        desk.push(0)
        await until(lambda: kiosk.overlay == "content")
        assert kiosk.title == article["title"] and kiosk.text == article["text"]
        assert "离婚" in kiosk.text

        # 推送表格: the villager's screen opens the form; each side's edits appear on the other.
        desk.pushForm("callback")
        await until(lambda: kiosk.overlay == "form")
        assert kiosk.formTitle == "请律师回电话"
        desk.setField("phone", "13912345678")
        await until(lambda: row(kiosk, "phone").get("value") == "13912345678")
        assert row(kiosk, "phone")["origin"] == "lawyer"
        kiosk.setField("topic", "land")
        kiosk.setField("best_time", "morning")
        await until(lambda: row(desk, "best_time").get("value") == "morning")
        topic = row(desk, "topic")
        assert (topic["value"], topic["origin"]) == ("land", "kiosk")  # shown to the lawyer as the villager's
        desk.setField("phone", "13912345679")  # a correction while the villager looks
        await until(lambda: row(kiosk, "phone").get("value") == "13912345679")

        # The villager confirms on the terminal: the outbox holds it; the lawyer sees its number.
        kiosk.confirm()
        await until(lambda: kiosk.overlay == "receipt")
        (entry,) = await outbox.entries()
        assert entry.form_id == "callback"
        await until(lambda: desk.submitted == kiosk.trackingDisplay)

        # The terminal's deliverer takes it to the pool server, where the villager can look it up.
        async with aiohttp.ClientSession() as http:
            assert await Deliverer(outbox, server.url, token, backoff=FAST).deliver_pending(http)
            assert await server.app[SUBMISSIONS].count() == 1
            status, reply = await lookup_status(http, server.url, token, kiosk.trackingDisplay, "5679")
        assert status == 200 and reply["status"] == "已提交"
    finally:
        await call.kiosk.close()
        await call.desk.close()
        await runner.shutdown()
        await outbox.close()
    assert kiosk.overlay == "" and desk.formId == ""  # the call ended: nothing stays on either screen
