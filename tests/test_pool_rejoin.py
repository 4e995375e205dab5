"""The pool's grace after one side's signaling drops mid-call, with an explicit clock: the call stays
connected while the side may Rejoin; after the grace it ends as disconnected. No network."""

from __future__ import annotations

import itertools

import pytest

from protocol.messages import CallQueued, DutyState, Hangup, Ring, Role
from server.pool import Pool
from server.pool_model import (
    Action,
    CallState,
    LawyerState,
    PoolRefusedError,
    SaveCall,
    SendToKiosk,
    SendToLawyer,
)

GRACE_S = 30.0
WRAP_UP_S = 10.0


def make_pool() -> Pool:
    ids = (f"call{n}" for n in itertools.count(1))
    return Pool(
        ring_timeout_s=20.0,
        max_wait_s=600.0,
        hotline="12348",
        rejoin_grace_s=GRACE_S,
        wrap_up_s=WRAP_UP_S,
        new_call_id=lambda: next(ids),
    )


def to_kiosk(actions: list[Action], kiosk_id: int) -> list:
    return [a.message for a in actions if isinstance(a, SendToKiosk) and a.kiosk_id == kiosk_id]


def to_lawyer(actions: list[Action], lawyer_id: int) -> list:
    return [
        a.message
        for a in actions
        if isinstance(a, SendToLawyer) and a.lawyer_id == lawyer_id and not isinstance(a.message, DutyState)
    ]


def ended(actions: list[Action]) -> list[tuple[str | None, str | None]]:
    return [
        (a.record.outcome, a.record.ended_by) for a in actions if isinstance(a, SaveCall) and a.record.outcome
    ]


def connected_call(pool: Pool, kiosk_id: int = 7, lawyer_id: int = 1, now: float = 10.0) -> str:
    """A kiosk and an on-duty lawyer in a connected call."""
    pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    pool.lawyer_connected(lawyer_id, f"律师{lawyer_id}", "律所")
    pool.set_duty(lawyer_id, True, now - 5)
    call_id = next(
        a.message.call_id
        for a in pool.request_call(kiosk_id, "r1", "general", now)
        if isinstance(a, SendToLawyer) and isinstance(a.message, Ring)
    )
    pool.accept(lawyer_id, call_id, now + 1)
    return call_id


def test_a_kiosk_back_within_the_grace_rejoins_the_same_call_and_the_lawyer_stays_in_it():
    pool = make_pool()
    call_id = connected_call(pool)
    assert pool.kiosk_disconnected(7, 20.0) == []  # the lawyer is not told: media goes on
    assert pool.calls[call_id].state is CallState.CONNECTED
    assert pool.lawyers[1].state is LawyerState.IN_CALL
    assert pool.next_deadline() == 20.0 + GRACE_S
    assert pool.expire(49.0) == []
    pool.kiosk_connected(7, "终端7", "东村")
    saved = pool.rejoin(Role.KIOSK, 7, call_id, 45.0)
    assert [a.record.stats["rejoins"] for a in saved if isinstance(a, SaveCall)] == [1]
    assert pool.next_deadline() is None  # nothing left to end
    assert pool.expire(20.0 + GRACE_S + 1) == []
    assert pool.calls[call_id].state is CallState.CONNECTED
    done = pool.hangup(Role.KIOSK, 7, call_id, "completed", 120.0)
    assert to_lawyer(done, 1) == [Hangup(call_id, "completed")]
    assert ended(done) == [("completed", "kiosk")]


def test_a_kiosk_not_back_within_the_grace_ends_the_call_and_frees_the_lawyer_after_wrap_up():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.kiosk_disconnected(7, 20.0)
    actions = pool.expire(20.0 + GRACE_S)
    assert to_lawyer(actions, 1) == [Hangup(call_id, "disconnected")]
    assert ended(actions) == [("disconnected", "kiosk")]
    assert pool.lawyers[1].state is LawyerState.WRAP_UP
    assert 7 not in pool.kiosks  # gone: it may connect afresh
    pool.expire(20.0 + GRACE_S + WRAP_UP_S)
    assert pool.lawyers[1].state is LawyerState.AVAILABLE
    with pytest.raises(PoolRefusedError):
        pool.rejoin(Role.KIOSK, 7, call_id, 60.0)


def test_dropping_again_before_rejoining_does_not_stretch_the_grace():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.kiosk_disconnected(7, 20.0)
    pool.kiosk_connected(7, "终端7", "东村")
    pool.kiosk_disconnected(7, 40.0)
    assert pool.next_deadline() == 20.0 + GRACE_S
    assert ended(pool.expire(20.0 + GRACE_S)) == [("disconnected", "kiosk")]
    assert call_id not in pool.calls


def test_a_kiosk_back_that_asks_a_new_call_instead_ends_the_old_one():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.kiosk_disconnected(7, 20.0)
    pool.kiosk_connected(7, "终端7", "东村")  # the kiosk program restarted and forgot its call
    actions = pool.request_call(7, "r2", "general", 25.0)
    assert to_lawyer(actions, 1) == [Hangup(call_id, "disconnected")]
    assert ended(actions) == [("disconnected", "kiosk")]
    assert [type(m) for m in to_kiosk(actions, 7)] == [CallQueued]


def test_a_lawyer_back_within_the_grace_is_on_duty_again_and_rejoins():
    pool = make_pool()
    call_id = connected_call(pool)
    assert to_kiosk(pool.lawyer_disconnected(1, 20.0), 7) == []
    assert pool.lawyers[1].state is LawyerState.IN_CALL
    assert pool.lawyer_connected(1, "律师1", "律所") == [SendToLawyer(1, DutyState("in_call", True))]
    pool.rejoin(Role.LAWYER, 1, call_id, 30.0)
    assert pool.expire(20.0 + GRACE_S) == []
    pool.hangup(Role.LAWYER, 1, call_id, "completed", 90.0)
    pool.expire(90.0 + WRAP_UP_S)
    assert pool.lawyers[1].state is LawyerState.AVAILABLE


def test_a_lawyer_not_back_within_the_grace_ends_the_call_and_leaves_the_pool():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.lawyer_disconnected(1, 20.0)
    actions = pool.expire(20.0 + GRACE_S)
    assert to_kiosk(actions, 7) == [Hangup(call_id, "disconnected")]
    assert ended(actions) == [("disconnected", "lawyer")]
    assert 1 not in pool.lawyers  # never rung while away
    assert pool.lawyer_connected(1, "律师1", "律所") == [SendToLawyer(1, DutyState("offline", False))]


def test_a_call_the_kiosk_ends_while_the_lawyer_is_away_never_rings_the_absent_lawyer():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.lawyer_disconnected(1, 20.0)
    assert ended(pool.hangup(Role.KIOSK, 7, call_id, "completed", 25.0)) == [("completed", "kiosk")]
    assert 1 not in pool.lawyers
    pool.kiosk_connected(8, "终端8", "东村")
    assert not [a for a in pool.request_call(8, "r2", "general", 26.0) if isinstance(a, SendToLawyer)]


def test_a_lawyer_back_but_never_rejoining_is_freed_when_the_grace_ends():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.lawyer_disconnected(1, 20.0)
    pool.lawyer_connected(1, "律师1", "律所")  # the desk program restarted and forgot the call
    actions = pool.expire(20.0 + GRACE_S)
    assert to_lawyer(actions, 1) == [Hangup(call_id, "disconnected")]
    assert to_kiosk(actions, 7) == [Hangup(call_id, "disconnected")]
    assert ended(actions) == [("disconnected", "lawyer")]
    assert SendToLawyer(1, DutyState("wrap_up", True, "", 20.0 + GRACE_S + WRAP_UP_S)) in actions


def test_shutting_down_ends_calls_still_waiting_for_a_rejoin():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.kiosk_disconnected(7, 20.0)
    actions = pool.end_rejoin_waits(22.0)
    assert to_lawyer(actions, 1) == [Hangup(call_id, "disconnected")]
    assert ended(actions) == [("disconnected", "kiosk")]


def test_without_a_grace_a_dropped_side_ends_the_call_at_once():
    pool = Pool(ring_timeout_s=20.0, max_wait_s=600.0, hotline="12348")
    call_id = connected_call(pool)
    assert to_lawyer(pool.kiosk_disconnected(7, 20.0), 1) == [Hangup(call_id, "disconnected")]


def test_villagers_wait_for_a_lawyer_whose_signaling_dropped_mid_call_instead_of_being_sent_away():
    pool = make_pool()
    call_id = connected_call(pool)
    pool.kiosk_connected(8, "终端8", "西村")
    waiting = pool.request_call(8, "r2", "general", 12.0)
    assert [type(m) for m in to_kiosk(waiting, 8)] == [CallQueued]
    assert pool.lawyer_disconnected(1, 20.0) == []  # the only lawyer is away: still on duty in the call
    pool.kiosk_connected(9, "终端9", "北村")
    assert [type(m) for m in to_kiosk(pool.request_call(9, "r3", "general", 21.0), 9)] == [CallQueued]
    pool.lawyer_connected(1, "律师1", "律所")  # back on another node
    pool.hangup(Role.LAWYER, 1, call_id, "completed", 22.0)
    freed = pool.end_wrap_up(1, 23.0)
    assert [m.call_id for m in to_lawyer(freed, 1) if isinstance(m, Ring)] == ["call2"]
