"""A villager's session leaves nothing behind for the next person."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.idle import IdleState, IdleWatch
from kiosk.session import Session


def test_ending_a_session_wipes_files_and_memory(tmp_path: Path):
    session = Session(tmp_path)
    secret = "张三 身份证 110105194912310021"
    (session.path("keyboard")).mkdir()
    (session.path("keyboard") / "learned.dat").write_text(secret)
    session.path("photo-1.jpg").write_bytes(b"\xff\xd8" + secret.encode())
    typed = {"name": "张三"}
    session.on_end(typed.clear)
    old = session.folder
    new = session.end()
    assert typed == {}
    assert not old.exists()
    assert list(new.iterdir()) == []
    for leftover in tmp_path.rglob("*"):
        if leftover.is_file():
            assert secret.encode() not in leftover.read_bytes()


def test_a_failing_wiper_does_not_stop_the_others(tmp_path: Path):
    session = Session(tmp_path)
    cleared = []

    def broken() -> None:
        raise RuntimeError("boom")

    session.on_end(broken)
    session.on_end(lambda: cleared.append(True))
    session.end()
    assert cleared == [True]


def test_folders_left_by_a_power_cut_are_swept_at_start(tmp_path: Path):
    stale = tmp_path / "session-deadbeef"
    stale.mkdir()
    (stale / "draft.json").write_text('{"phone": "13800000000"}')
    Session(tmp_path)
    assert not stale.exists()


def test_idle_watch_asks_before_ending_and_a_touch_keeps_the_session():
    watch = IdleWatch(idle_s=120, countdown_s=30)
    watch.touch(0)
    assert watch.tick(119) is IdleState.ACTIVE
    assert watch.tick(120) is IdleState.ASKING
    assert watch.seconds_left(130) == 20
    watch.touch(131)
    assert watch.tick(200) is IdleState.ACTIVE
    assert watch.tick(251) is IdleState.ASKING
    assert watch.tick(281) is IdleState.EXPIRED


def test_idle_watch_never_times_out_during_a_call():
    watch = IdleWatch(idle_s=60, countdown_s=10)
    watch.hold(True, 0)
    assert watch.tick(10_000) is IdleState.ACTIVE
    watch.hold(False, 10_000)
    assert watch.tick(10_059) is IdleState.ACTIVE


def test_idle_watch_refuses_impossible_moves():
    watch = IdleWatch()
    with pytest.raises(ValueError):
        watch._move(IdleState.EXPIRED)
