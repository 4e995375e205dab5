"""The pool's rules, driven directly with an explicit clock: no network, no database."""

from __future__ import annotations

import itertools

import pytest

from protocol.messages import (
    Answer,
    CallAccepted,
    CallEnded,
    CallQueued,
    DutyState,
    EndReason,
    ErrorCode,
    Hangup,
    IceCandidate,
    NoLawyerAvailable,
    NoLawyerReason,
    Offer,
    Ring,
    RingCancelled,
    Role,
)
from server.pool import Pool
from server.pool_model import (
    CALL_TRANSITIONS,
    LAWYER_TRANSITIONS,
    Action,
    CallState,
    IllegalTransitionError,
    Lawyer,
    LawyerState,
    PoolRefusedError,
    SaveCall,
    SendToKiosk,
    SendToLawyer,
)

RING_S = 20.0
WAIT_S = 120.0


@pytest.fixture
def pool() -> Pool:
    ids = (f"call{n}" for n in itertools.count(1))
    return Pool(ring_timeout_s=RING_S, max_wait_s=WAIT_S, hotline="12348", new_call_id=lambda: next(ids))


def to_lawyer(actions: list[Action], lawyer_id: int) -> list:
    """Messages to one lawyer, leaving out the DutyState reports."""
    return [
        a.message
        for a in actions
        if isinstance(a, SendToLawyer) and a.lawyer_id == lawyer_id and not isinstance(a.message, DutyState)
    ]


def duty_reports(actions: list[Action], lawyer_id: int) -> list[DutyState]:
    """The DutyState reports to one lawyer."""
    return [
        a.message
        for a in actions
        if isinstance(a, SendToLawyer) and a.lawyer_id == lawyer_id and isinstance(a.message, DutyState)
    ]


def to_kiosk(actions: list[Action], kiosk_id: int) -> list:
    return [a.message for a in actions if isinstance(a, SendToKiosk) and a.kiosk_id == kiosk_id]


def rings(actions: list[Action]) -> dict[int, str]:
    """lawyer id -> call id for every Ring among the actions."""
    return {
        a.lawyer_id: a.message.call_id
        for a in actions
        if isinstance(a, SendToLawyer) and isinstance(a.message, Ring)
    }


def on_duty(pool: Pool, *lawyer_ids: int, now: float = 0.0) -> None:
    for lawyer_id in lawyer_ids:
        pool.lawyer_connected(lawyer_id, f"律师{lawyer_id}", f"律所{lawyer_id}")
        pool.set_duty(lawyer_id, True, now + lawyer_id)  # lower id: on duty earlier, idle longer


def test_every_state_has_its_transitions_listed():
    assert set(LAWYER_TRANSITIONS) == set(LawyerState)
    assert set(CALL_TRANSITIONS) == set(CallState)
    assert CALL_TRANSITIONS[CallState.ENDED] == frozenset()


def test_a_transition_not_in_the_table_is_refused():
    lawyer = Lawyer(1, "王", "所")
    with pytest.raises(IllegalTransitionError):
        lawyer.move(LawyerState.IN_CALL)


def test_nobody_on_duty_answers_at_once_with_the_hotline(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    pool.lawyer_connected(1, "王律师", "明理所")  # connected, but off duty
    actions = pool.request_call(7, "r1", "general", now=100.0)
    (told,) = to_kiosk(actions, 7)
    assert isinstance(told, NoLawyerAvailable)
    assert (told.hotline, told.reason, told.request_id) == ("12348", NoLawyerReason.NOBODY_ON_DUTY, "r1")
    record = [a.record for a in actions if isinstance(a, SaveCall)][-1]
    assert record.outcome == EndReason.NO_LAWYER and record.ended_by == "server"
    assert pool.request_call(7, "r2", "general", now=101.0)  # the kiosk may ask again


def test_the_longest_idle_lawyer_rings_first_and_only_one_rings(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1, 2, 3, now=0.0)
    pool.set_duty(1, False, 10.0)
    pool.set_duty(1, True, 11.0)  # lawyer 1 came back last: now the shortest idle
    actions = pool.request_call(7, "r1", "labour_wages", now=20.0)
    queued = to_kiosk(actions, 7)[0]
    assert isinstance(queued, CallQueued) and queued.position == 1
    assert rings(actions) == {2: queued.call_id}
    assert duty_reports(actions, 2) == [DutyState("ringing", True)]
    (ring,) = to_lawyer(actions, 2)
    assert (ring.kiosk_name, ring.village, ring.topic, ring.ring_timeout_s) == (
        "一号终端",
        "东村",
        "labour_wages",
        RING_S,
    )


def test_a_finished_call_sends_the_lawyer_to_the_back_of_the_idle_line(pool):
    for kiosk_id in (7, 8):
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    on_duty(pool, 1, 2)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    pool.accept(1, call, 11.0)
    pool.hangup(Role.KIOSK, 7, call, "completed", 50.0)
    assert rings(pool.request_call(8, "r2", "general", now=60.0)) == {2: "call2"}


def test_decline_passes_the_call_on_and_never_back(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1, 2)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    actions = pool.decline(1, call, 11.0)
    assert rings(actions) == {2: call}
    actions = pool.decline(2, call, 12.0)
    (told,) = to_kiosk(actions, 7)
    assert isinstance(told, NoLawyerAvailable) and told.reason == NoLawyerReason.NOBODY_ANSWERED
    assert rings(actions) == {}
    record = [a.record for a in actions if isinstance(a, SaveCall)][-1]
    assert [d["lawyer_id"] for d in record.declined_by] == [1, 2]
    assert pool.lawyers[1].state is LawyerState.AVAILABLE


def test_ring_timeout_passes_the_call_on(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1, 2)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    assert pool.next_deadline() == 10.0 + RING_S
    assert pool.expire(10.0 + RING_S - 1) == []
    actions = pool.expire(10.0 + RING_S)
    assert to_lawyer(actions, 1) == [RingCancelled(call, "timeout")]
    assert rings(actions) == {2: call}


def test_all_busy_the_call_waits_and_goes_to_the_first_lawyer_free(pool):
    for kiosk_id in (7, 8):
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    on_duty(pool, 1)
    first = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    pool.accept(1, first, 11.0)
    actions = pool.request_call(8, "r2", "general", now=12.0)
    queued = to_kiosk(actions, 8)[0]
    assert isinstance(queued, CallQueued) and queued.position == 1 and rings(actions) == {}
    actions = pool.hangup(Role.LAWYER, 1, first, "completed", 30.0)
    assert to_kiosk(actions, 7) == [Hangup(first, "completed")]
    assert rings(actions) == {1: queued.call_id}


def test_a_call_waiting_too_long_ends_with_the_hotline(pool):
    for kiosk_id in (7, 8):
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    on_duty(pool, 1)
    pool.accept(1, rings(pool.request_call(7, "r1", "general", now=10.0))[1], 11.0)
    pool.request_call(8, "r2", "general", now=12.0)
    assert pool.next_deadline() == 12.0 + WAIT_S
    (told,) = to_kiosk(pool.expire(12.0 + WAIT_S), 8)
    assert isinstance(told, NoLawyerAvailable) and told.reason == NoLawyerReason.WAIT_TOO_LONG


def test_going_off_duty_or_leaving_while_ringing_reoffers_the_call(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1, 2, 3)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    actions = pool.set_duty(1, False, 11.0)
    assert to_lawyer(actions, 1) == [RingCancelled(call, "off_duty")]
    assert duty_reports(actions, 1) == [DutyState("offline", False)]
    assert rings(actions) == {2: call}
    assert rings(pool.lawyer_disconnected(2, 12.0)) == {3: call}


def test_cancel_while_ringing_withdraws_the_ring(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    actions = pool.cancel(7, call, 12.0)
    assert to_lawyer(actions, 1) == [RingCancelled(call, "cancelled")]
    record = [a.record for a in actions if isinstance(a, SaveCall)][-1]
    assert (record.outcome, record.ended_by, record.lawyer_id) == ("cancelled", "kiosk", None)
    assert pool.lawyers[1].state is LawyerState.AVAILABLE
    assert pool.decline(1, call, 12.5) == []  # a decline crossing the cancel is harmless


def test_signaling_is_relayed_only_between_the_two_sides(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1, 2)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    assert pool.offer(7, call, "v=0 offer") == []  # stored until a lawyer accepts
    early = IceCandidate(call, "candidate:1 1 udp 1 10.0.0.1 5000 typ host", "0", 0)
    assert pool.ice_candidate(Role.KIOSK, 7, early) == []
    actions = pool.accept(1, call, 15.0)
    assert to_kiosk(actions, 7) == [CallAccepted(call, "律师1", "律所1")]
    assert to_lawyer(actions, 1) == [CallAccepted(call, "一号终端", "东村"), Offer(call, "v=0 offer"), early]
    assert to_kiosk(pool.answer(1, call, "v=0 answer"), 7) == [Answer(call, "v=0 answer")]
    with pytest.raises(PoolRefusedError) as refused:
        pool.answer(2, call, "v=0 intruder")
    assert refused.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(PoolRefusedError):
        pool.accept(2, call, 16.0)


def test_an_offer_arriving_after_the_accept_goes_straight_to_the_lawyer(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    pool.accept(1, call, 11.0)
    assert to_lawyer(pool.offer(7, call, "v=0 late"), 1) == [Offer(call, "v=0 late")]


def test_a_dropped_side_mid_call_tells_the_other(pool):
    for kiosk_id in (7, 8):
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    on_duty(pool, 1, 2)
    first = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    pool.accept(1, first, 11.0)
    actions = pool.kiosk_disconnected(7, 20.0)
    assert to_lawyer(actions, 1) == [Hangup(first, "disconnected")]
    assert duty_reports(actions, 1) == [DutyState("available", True)]
    second = rings(pool.request_call(8, "r2", "general", now=30.0))[2]
    pool.accept(2, second, 31.0)
    actions = pool.lawyer_disconnected(2, 40.0)
    assert to_kiosk(actions, 8) == [Hangup(second, "disconnected")]
    record = [a.record for a in actions if isinstance(a, SaveCall)][-1]
    assert (record.outcome, record.ended_by, record.lawyer_id) == ("disconnected", "lawyer", 2)


def test_hangups_crossing_each_other_end_the_call_once(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    pool.accept(1, call, 11.0)
    actions = pool.hangup(Role.KIOSK, 7, call, "completed", 70.0)
    assert to_kiosk(actions, 7)[-1] == CallEnded(call)  # the side that hung up hears it is over
    assert pool.hangup(Role.LAWYER, 1, call, "completed", 70.1) == [SendToLawyer(1, CallEnded(call))]
    record = [a.record for a in actions if isinstance(a, SaveCall)][-1]
    assert (record.requested_at, record.answered_at, record.ended_at) == (10.0, 11.0, 70.0)
    stats = pool.report_stats(Role.LAWYER, 1, call, {"fps": 29.5})
    assert stats[0].record.stats == {"lawyer": {"fps": 29.5}}


def test_strangers_get_not_found(pool):
    for kiosk_id in (7, 8):
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    on_duty(pool, 1)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    for attempt in (
        lambda: pool.cancel(8, call, 11.0),
        lambda: pool.offer(8, call, "v=0"),
        lambda: pool.hangup(Role.KIOSK, 8, call, "completed", 11.0),
        lambda: pool.report_stats(Role.KIOSK, 8, call, {}),
        lambda: pool.cancel(7, "no-such-call", 11.0),
    ):
        with pytest.raises(PoolRefusedError) as refused:
            attempt()
        assert refused.value.code is ErrorCode.NOT_FOUND


def test_a_kiosk_has_one_call_at_a_time(pool):
    pool.kiosk_connected(7, "一号终端", "东村")
    on_duty(pool, 1)
    pool.request_call(7, "r1", "general", now=10.0)
    with pytest.raises(PoolRefusedError) as refused:
        pool.request_call(7, "r2", "general", now=11.0)
    assert refused.value.code is ErrorCode.WRONG_STATE


def test_a_lawyer_going_off_duty_during_a_call_gets_no_more_calls(pool):
    for kiosk_id in (7, 8):
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    on_duty(pool, 1)
    call = rings(pool.request_call(7, "r1", "general", now=10.0))[1]
    pool.accept(1, call, 11.0)
    assert duty_reports(pool.set_duty(1, False, 12.0), 1) == [DutyState("in_call", False)]
    pool.hangup(Role.KIOSK, 7, call, "completed", 20.0)
    assert pool.lawyers[1].state is LawyerState.OFFLINE
    (told,) = to_kiosk(pool.request_call(8, "r2", "general", now=21.0), 8)
    assert isinstance(told, NoLawyerAvailable)
