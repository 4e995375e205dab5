"""Staff mode: the right PIN opens it, five wrong ones lock it for a while, actions are logged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.staff import StaffGate, StaffState, hash_pin


@pytest.fixture(scope="module")
def staff() -> dict[str, str]:
    return {"staff-07": hash_pin("2468"), "staff-09": hash_pin("1357")}


def test_right_pin_enters_and_leaving_locks_again(tmp_path: Path, staff):
    gate = StaffGate(staff, tmp_path / "staff.log")
    result = gate.unlock("1357", now=0)
    assert result.ok and result.staff_id == "staff-09"
    assert gate.state is StaffState.UNLOCKED
    gate.record("assisted_call_started")
    gate.leave()
    assert gate.state is StaffState.LOCKED
    actions = [json.loads(line) for line in (tmp_path / "staff.log").read_text().splitlines()]
    assert [(a["staff_id"], a["action"]) for a in actions] == [
        ("staff-09", "staff_mode_entered"),
        ("staff-09", "assisted_call_started"),
        ("staff-09", "staff_mode_left"),
    ]


def test_five_wrong_pins_lock_the_gate_even_for_the_right_pin(tmp_path: Path, staff):
    gate = StaffGate(staff, tmp_path / "staff.log", lockout_s=300)
    messages = [gate.unlock("0000", now=i).message for i in range(5)]
    assert messages[0] == "密码不对，还可以再试4次"
    assert "5分钟后再试" in messages[-1]
    assert gate.state is StaffState.BLOCKED
    assert not gate.unlock("2468", now=100).ok
    assert gate.unlock("2468", now=306).ok


def test_wrong_pin_is_logged_without_the_pin(tmp_path: Path, staff):
    gate = StaffGate(staff, tmp_path / "staff.log")
    gate.unlock("9999", now=0)
    assert "9999" not in (tmp_path / "staff.log").read_text()
