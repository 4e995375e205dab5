"""In-call help end to end with the real programs: server, kiosk and desk as separate processes.

The lawyer's desk pushes a law article and a form over the call; the terminal shows them; both fill
the form; the villager confirms; the terminal's outbox delivers it to the server.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tools.appdriver import AppProcess
from tools.stack import desk_on_duty, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WAIT_S = 90.0  # a hang guard on a loaded machine (the desk builds its statute index first)


def shown(app: AppProcess, condition: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    """Ask the app what its help panel shows until the condition holds."""
    deadline = time.monotonic() + WAIT_S
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = app.request("help_state", "help")
        if condition(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"{app.module}: never showed {what}: {state}")


def submissions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM form_submissions").fetchone()[0])


def test_the_lawyer_pushes_and_co_fills_and_the_form_reaches_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the desk's index, not in $HOME
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the kiosk's outbox and content
    with running_stack(tmp_path / "stack") as stack:
        kiosk, desk = stack.kiosk, stack.desk
        kiosk.wait_state("idle", timeout=60)
        desk_on_duty(desk)
        kiosk.send("tap", target="call")
        desk.wait_state("ringing", timeout=30)
        desk.send("accept")
        kiosk.wait_state("in_call", timeout=30)
        desk.wait_state("in_call", timeout=30)

        ready = shown(desk, lambda s: s["searchReady"], "the statute search ready")
        assert not ready["panelOpen"]  # the villager's picture large until 查资料 / 推送
        desk.send("help_search", text="民法典 1079")
        found = shown(desk, lambda s: bool(s["results"]) and s["results"][0]["kind"] == "law", "the article")
        assert found["panelOpen"]
        assert found["results"][0]["title"] == "《民法典》第一千零七十九条"
        desk.send("help_push", index=0)
        article = shown(kiosk, lambda s: s["overlay"] == "content", "the pushed article")
        assert article["title"] == "《民法典》第一千零七十九条" and "离婚" in article["text"]

        desk.send("help_push_form", form="callback")
        shown(kiosk, lambda s: s["overlay"] == "form" and "phone" in s["fields"], "the pushed form")
        desk.send("help_field", field="phone", value="13912345678")
        at_kiosk = shown(kiosk, lambda s: s["fields"]["phone"]["value"] == "13912345678", "the lawyer's edit")
        assert at_kiosk["fields"]["phone"]["origin"] == "lawyer"
        kiosk.send("help_field", field="topic", value="land")
        kiosk.send("help_field", field="best_time", value="morning")
        at_desk = shown(
            desk, lambda s: s["fields"]["best_time"]["value"] == "morning", "the villager's edits"
        )
        assert at_desk["fields"]["topic"] == {"value": "land", "origin": "kiosk"}

        kiosk.send("help_confirm")
        receipt = shown(kiosk, lambda s: s["overlay"] == "receipt", "the receipt")
        shown(desk, lambda s: s["submitted"] == receipt["trackingDisplay"], "the tracking number")
        deadline = time.monotonic() + WAIT_S
        while submissions(stack.server.db_path) == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert submissions(stack.server.db_path) == 1  # the terminal's outbox delivered it
