"""The pool's queue rules with an explicit clock: tiers, strategies, priorities, breaks, wrap-up,
held places, queue reports, callbacks offered, notes and ratings. No network, no database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time

import pytest

from config.settings import Strategy
from protocol.messages import (
    Answer,
    CallAccepted,
    CallEnded,
    CallQueued,
    DutyState,
    ErrorCode,
    Hangup,
    NoLawyerAvailable,
    NoLawyerReason,
    QueueUpdate,
    Ring,
    RingCancelled,
    Role,
)
from server.pool import Pool
from server.pool_model import Action, LawyerState, PoolRefusedError, SaveCall, SendToKiosk, SendToLawyer
from server.pool_view import live_view
from server.roster import Roster, Shift
from server.routing import RoutingRules

RING_S = 20.0


def make_pool(**options) -> Pool:
    ids = (f"call{n}" for n in itertools.count(1))
    numbers = (f"T{n:07d}" for n in itertools.count(1))
    base = {"ring_timeout_s": RING_S, "max_wait_s": 600.0, "hotline": "12348"}
    return Pool(**{**base, **options}, new_call_id=lambda: next(ids), new_tracking=lambda: next(numbers))


def rings(actions: list[Action]) -> dict[int, str]:
    return {
        a.lawyer_id: a.message.call_id
        for a in actions
        if isinstance(a, SendToLawyer) and isinstance(a.message, Ring)
    }


def to_kiosk(actions: list[Action], kiosk_id: int) -> list:
    return [a.message for a in actions if isinstance(a, SendToKiosk) and a.kiosk_id == kiosk_id]


def to_lawyer(actions: list[Action], lawyer_id: int) -> list:
    return [a.message for a in actions if isinstance(a, SendToLawyer) and a.lawyer_id == lawyer_id]


def updates(actions: list[Action]) -> dict[int, QueueUpdate]:
    """kiosk id -> the QueueUpdate it was sent."""
    return {
        a.kiosk_id: a.message
        for a in actions
        if isinstance(a, SendToKiosk) and isinstance(a.message, QueueUpdate)
    }


def staff(pool: Pool, *lawyer_ids: int, now: float = 0.0) -> None:
    for lawyer_id in lawyer_ids:
        pool.lawyer_connected(lawyer_id, f"律师{lawyer_id}", "律所")
        pool.set_duty(lawyer_id, True, now + lawyer_id)  # lower id: idle longer


def kiosks(pool: Pool, *kiosk_ids: int, village: str = "东村") -> None:
    for kiosk_id in kiosk_ids:
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", village)


def test_the_village_adviser_rings_first_then_specialists_then_everyone():
    pool = make_pool(routing=RoutingRules(adviser_wait_s=15, specialist_wait_s=30))
    staff(pool, 1, 2, 3)
    pool.set_roster(Roster(), {2: frozenset({"labour_wages"})}, {"红星村": 3}, now=5.0)
    kiosks(pool, 7, village="红星村")
    first = pool.request_call(7, "r1", "labour_wages", now=10.0)
    assert rings(first) == {3: "call1"}  # the adviser, although lawyer 1 idled longest
    pool.decline(3, "call1", 11.0)
    assert rings(pool.expire(11.0)) == {}  # the specialist tier is not open yet
    assert rings(pool.expire(25.0)) == {2: "call1"}  # 15 s: the labour specialist
    pool.decline(2, "call1", 26.0)
    assert rings(pool.expire(54.9)) == {}
    assert rings(pool.expire(55.0)) == {1: "call1"}  # 15 + 30 s: the whole pool


def test_a_tier_with_nobody_on_duty_is_skipped_at_once():
    pool = make_pool(routing=RoutingRules(adviser_wait_s=15, specialist_wait_s=30))
    staff(pool, 1)
    pool.set_roster(Roster(), {}, {"红星村": 9}, now=0.0)  # the adviser is not connected
    kiosks(pool, 7, village="红星村")
    assert rings(pool.request_call(7, "r1", "land", now=10.0)) == {1: "call1"}


def test_round_robin_takes_turns_instead_of_longest_idle():
    pool = make_pool(routing=RoutingRules(strategy=Strategy.ROUND_ROBIN))
    staff(pool, 1, 2)
    kiosks(pool, 7)
    order = []
    for n in range(4):
        rung = rings(pool.request_call(7, f"r{n}", "general", now=10.0 + n))
        (lawyer_id, call_id) = next(iter(rung.items()))
        order.append(lawyer_id)
        pool.cancel(7, call_id, 10.5 + n)  # the villager gives up while it rings
    assert order == [1, 2, 1, 2]


def test_ring_all_rings_every_free_lawyer_and_the_first_accept_wins():
    pool = make_pool(routing=RoutingRules(strategy=Strategy.RING_ALL))
    staff(pool, 1, 2, 3)
    kiosks(pool, 7)
    assert rings(pool.request_call(7, "r1", "general", now=10.0)) == {1: "call1", 2: "call1", 3: "call1"}
    accepted = pool.accept(2, "call1", 12.0)
    assert RingCancelled("call1", "taken") in to_lawyer(accepted, 1)
    assert RingCancelled("call1", "taken") in to_lawyer(accepted, 3)
    with pytest.raises(PoolRefusedError):
        pool.accept(1, "call1", 12.1)  # too late: nobody else can accept
    states = {i: pool.lawyers[i].state for i in (1, 2, 3)}
    assert states == {1: LawyerState.AVAILABLE, 2: LawyerState.IN_CALL, 3: LawyerState.AVAILABLE}


def test_wage_claims_and_urgent_calls_jump_the_queue():
    pool = make_pool()
    staff(pool, 1)
    kiosks(pool, 7, 8, 9, 10)
    busy = rings(pool.request_call(7, "r0", "general", now=1.0))[1]
    pool.accept(1, busy, 2.0)
    pool.request_call(8, "r1", "general", now=10.0)
    pool.request_call(9, "r2", "labour_wages", now=11.0, migrant_worker=True)
    pool.request_call(10, "r3", "general", now=12.0, urgent=True)
    assert [c.kiosk_id for c in pool.waiting_calls()] == [10, 9, 8]
    freed = pool.hangup(Role.LAWYER, 1, busy, "completed", 20.0)
    assert rings(freed) == {1: "call4"}  # the urgent call, though it came last


def test_missing_rings_in_a_row_puts_the_lawyer_on_break_until_they_come_back():
    pool = make_pool(missed_calls_break=2)
    staff(pool, 1)
    kiosks(pool, 7)
    pool.request_call(7, "r1", "general", now=10.0)
    pool.expire(10.0 + RING_S)  # missed once: the call has nobody left and ends
    pool.request_call(7, "r2", "general", now=40.0)
    actions = pool.expire(40.0 + RING_S)  # missed twice
    told = [m for m in to_lawyer(actions, 1) if isinstance(m, DutyState) and m.state == "break"]
    assert told == [DutyState("break", False, "missed_calls")]
    assert not pool.lawyers[1].on_duty
    assert isinstance(to_kiosk(pool.request_call(7, "r3", "general", now=70.0), 7)[0], NoLawyerAvailable)
    pool.set_duty(1, True, 80.0)  # the lawyer goes back on duty themselves
    assert rings(pool.request_call(7, "r4", "general", now=81.0)) == {1: "call4"}


def test_answering_resets_the_missed_count():
    pool = make_pool(missed_calls_break=2)
    staff(pool, 1)
    kiosks(pool, 7)
    pool.request_call(7, "r1", "general", now=10.0)
    pool.expire(10.0 + RING_S)
    pool.request_call(7, "r2", "general", now=40.0)
    pool.accept(1, "call2", 41.0)
    pool.hangup(Role.LAWYER, 1, "call2", "completed", 50.0)
    pool.request_call(7, "r3", "general", now=60.0)
    pool.expire(60.0 + RING_S)
    assert pool.lawyers[1].state is LawyerState.AVAILABLE


def test_wrap_up_keeps_the_next_call_away_until_it_ends_or_the_lawyer_ends_it():
    pool = make_pool(wrap_up_s=30.0)
    staff(pool, 1)
    kiosks(pool, 7, 8)
    pool.request_call(7, "r1", "general", now=10.0)
    pool.accept(1, "call1", 11.0)
    ended = pool.hangup(Role.LAWYER, 1, "call1", "completed", 20.0)
    assert DutyState("wrap_up", True, "", 50.0) in to_lawyer(ended, 1)
    assert rings(pool.request_call(8, "r2", "general", now=21.0)) == {}
    (noted,) = pool.call_notes(1, "call1", "工资被拖欠三个月，建议申请劳动仲裁")
    assert isinstance(noted, SaveCall) and noted.record.notes
    assert rings(pool.end_wrap_up(1, 25.0)) == {1: "call2"}  # done early: the waiting call rings


def test_wrap_up_ends_by_itself():
    pool = make_pool(wrap_up_s=30.0)
    staff(pool, 1)
    kiosks(pool, 7, 8)
    pool.request_call(7, "r1", "general", now=10.0)
    pool.accept(1, "call1", 11.0)
    pool.hangup(Role.LAWYER, 1, "call1", "completed", 20.0)
    pool.request_call(8, "r2", "general", now=21.0)
    assert pool.next_deadline() == 50.0
    assert rings(pool.expire(50.0)) == {1: "call2"}


def test_only_the_answering_lawyer_writes_notes_and_only_the_caller_rates():
    pool = make_pool()
    staff(pool, 1, 2)
    kiosks(pool, 7, 8)
    pool.request_call(7, "r1", "general", now=10.0)
    pool.accept(1, "call1", 11.0)
    pool.hangup(Role.LAWYER, 1, "call1", "completed", 20.0)
    with pytest.raises(PoolRefusedError):
        pool.call_notes(2, "call1", "不是我的")
    with pytest.raises(PoolRefusedError):
        pool.rate(8, "call1", 3)
    with pytest.raises(PoolRefusedError) as bad:
        pool.rate(7, "call1", 5)
    assert bad.value.code is ErrorCode.MALFORMED
    (saved,) = pool.rate(7, "call1", 3)
    assert isinstance(saved, SaveCall) and saved.record.rating == 3
    assert saved.record.tracking_number == "T0000001"


def test_a_dropped_kiosk_keeps_its_place_and_resumes_it():
    pool = make_pool(hold_place_s=60.0)
    staff(pool, 1)
    kiosks(pool, 7, 8)
    busy = rings(pool.request_call(7, "r1", "general", now=1.0))[1]
    pool.accept(1, busy, 2.0)
    pool.request_call(8, "r2", "general", now=10.0)
    assert pool.kiosk_disconnected(8, 12.0) == []
    pool.kiosk_connected(8, "终端8", "东村")
    resumed = pool.resume(8, "call2", 20.0)
    assert to_kiosk(resumed, 8)[0] == CallQueued("r2", "call2", 1, [], "T0000002")
    assert rings(pool.hangup(Role.LAWYER, 1, busy, "completed", 30.0)) == {1: "call2"}


def test_a_request_sent_again_after_its_socket_dropped_gets_the_same_call_not_a_second():
    pool = make_pool(hold_place_s=60.0)
    staff(pool, 1)
    kiosks(pool, 7, 8)
    busy = rings(pool.request_call(7, "r1", "general", now=1.0))[1]
    pool.accept(1, busy, 2.0)
    pool.request_call(8, "r2", "general", now=10.0)  # its CallQueued died with the kiosk's node
    pool.kiosk_disconnected(8, 11.0)
    pool.kiosk_connected(8, "终端8", "东村")
    again = pool.request_call(8, "r2", "general", now=12.0)  # the kiosk, reconnected, asks again
    assert to_kiosk(again, 8)[0] == CallQueued("r2", "call2", 1, [], "T0000002")
    assert sorted(pool.calls) == [busy, "call2"]
    with pytest.raises(PoolRefusedError):  # a different request while waiting is still refused
        pool.request_call(8, "r3", "general", now=13.0)


def test_a_kiosk_that_missed_the_answer_while_away_hears_it_when_it_takes_its_place_back():
    pool = make_pool(hold_place_s=60.0, rejoin_grace_s=30.0)
    staff(pool, 1)
    kiosks(pool, 8)
    call = rings(pool.request_call(8, "r1", "general", now=1.0))[1]
    pool.accept(1, call, 2.0)  # its CallAccepted went to a node that died before delivering it
    assert pool.kiosk_disconnected(8, 3.0) == []  # the call goes on, waiting for the kiosk
    pool.kiosk_connected(8, "终端8", "东村")
    resumed = pool.resume(8, call, 4.0)  # the kiosk still thinks it is waiting
    assert to_kiosk(resumed, 8) == [CallAccepted(call, "律师1", "律所")]
    assert pool.expire(40.0) == []  # past the rejoin grace: the call is no longer waiting for the kiosk
    assert Hangup(call, "completed") in to_kiosk(pool.hangup(Role.LAWYER, 1, call, "completed", 50.0), 8)


def test_a_request_sent_again_after_its_answer_was_lost_is_the_same_call_not_a_second_one():
    pool = make_pool(hold_place_s=60.0)
    staff(pool, 1)
    kiosks(pool, 7, 8)
    pool.accept(1, rings(pool.request_call(7, "r0", "general", now=1.0))[1], 2.0)  # the lawyer is busy
    pool.request_call(8, "r1", "general", now=10.0)  # its CallQueued died with the kiosk's node
    pool.kiosk_disconnected(8, 11.0)
    pool.kiosk_connected(8, "终端8", "东村")
    again = pool.request_call(8, "r1", "general", now=12.0)  # the kiosk sends its request again
    assert to_kiosk(again, 8) == [CallQueued("r1", "call2", 1, [], "T0000002")]
    assert not [a for a in again if isinstance(a, SaveCall)]  # nothing new to record
    assert [c.call_id for c in pool.waiting_calls()] == ["call2"]
    assert to_kiosk(pool.request_call(8, "r1", "general", now=13.0), 8)[0].call_id == "call2"  # and again
    assert rings(pool.hangup(Role.LAWYER, 1, "call1", "completed", 20.0)) == {1: "call2"}  # it keeps its turn


def test_a_request_sent_again_after_the_lawyer_answered_it_joins_the_call():
    pool = make_pool(hold_place_s=60.0, rejoin_grace_s=30.0)
    staff(pool, 1)
    kiosks(pool, 8)
    call = rings(pool.request_call(8, "r1", "general", now=1.0))[1]
    pool.accept(1, call, 2.0)  # before the owner heard the kiosk's node had died
    pool.kiosk_disconnected(8, 3.0)
    pool.kiosk_connected(8, "终端8", "东村")
    again = pool.request_call(8, "r1", "general", now=4.0)
    assert to_kiosk(again, 8) == [
        CallQueued("r1", call, 0, [], "T0000001"),
        CallAccepted(call, "律师1", "律所"),
    ]
    assert pool.expire(40.0) == []  # no longer waiting for the kiosk to come back
    assert pool.calls[call].lawyer_id == 1


def test_a_request_sent_again_after_its_call_ended_is_told_so_again_not_queued_anew():
    pool = make_pool()
    kiosks(pool, 7)
    (first,) = to_kiosk(pool.request_call(7, "r1", "general", now=1.0), 7)  # nobody on duty; lost
    staff(pool, 1, now=2.0)
    (again,) = to_kiosk(pool.request_call(7, "r1", "general", now=3.0), 7)
    assert again == first and again.reason == NoLawyerReason.NOBODY_ON_DUTY
    assert not pool.calls  # no second call
    assert rings(pool.request_call(7, "r2", "general", now=4.0)) == {1: "call2"}  # a new tap is a new call


def test_a_hangup_is_confirmed_to_its_sender_and_sending_it_again_changes_nothing():
    pool = make_pool()
    staff(pool, 1)
    kiosks(pool, 7, 8)
    call = rings(pool.request_call(7, "r1", "general", now=1.0))[1]
    pool.accept(1, call, 2.0)
    pool.request_call(8, "r2", "general", now=3.0)
    ended = pool.hangup(Role.LAWYER, 1, call, "completed", 10.0)
    assert CallEnded(call) in to_lawyer(ended, 1) and Hangup(call, "completed") in to_kiosk(ended, 7)
    assert rings(ended) == {1: "call2"}
    again = pool.hangup(Role.LAWYER, 1, call, "completed", 11.0)  # resent after a reconnect
    assert again == [SendToLawyer(1, CallEnded(call))]
    assert pool.lawyers[1].state is LawyerState.RINGING  # still ringing for the next villager
    assert pool.hangup(Role.KIOSK, 7, call, "completed", 12.0) == [SendToKiosk(7, CallEnded(call))]


def test_a_kiosk_that_sends_its_offer_again_after_the_answer_hears_the_answer_again():
    pool = make_pool()
    staff(pool, 1)
    kiosks(pool, 7)
    call = rings(pool.request_call(7, "r1", "general", now=1.0))[1]
    pool.offer(7, call, "v=0 offer")
    pool.accept(1, call, 2.0)
    assert to_kiosk(pool.answer(1, call, "v=0 answer"), 7) == [Answer(call, "v=0 answer")]
    assert pool.offer(7, call, "v=0 offer") == [SendToKiosk(7, Answer(call, "v=0 answer"))]  # it missed it


def test_a_ringing_call_whose_kiosk_drops_stops_ringing_without_counting_against_the_lawyer():
    pool = make_pool(hold_place_s=60.0)
    staff(pool, 1)
    kiosks(pool, 8)
    pool.request_call(8, "r1", "general", now=10.0)
    dropped = pool.kiosk_disconnected(8, 12.0)
    assert RingCancelled("call1", "caller_away") in to_lawyer(dropped, 1)
    pool.kiosk_connected(8, "终端8", "东村")
    assert rings(pool.resume(8, "call1", 20.0)) == {1: "call1"}  # the same lawyer may ring again


def test_a_held_place_expires_and_a_late_resume_is_refused_plainly():
    pool = make_pool(hold_place_s=60.0)
    staff(pool, 1)
    kiosks(pool, 7, 8)
    pool.accept(1, rings(pool.request_call(7, "r1", "general", now=1.0))[1], 2.0)
    pool.request_call(8, "r2", "general", now=10.0)
    pool.kiosk_disconnected(8, 12.0)
    assert pool.next_deadline() == 72.0
    ended = pool.expire(72.0)
    assert [a.record.outcome for a in ended if isinstance(a, SaveCall)] == ["disconnected"]
    pool.kiosk_connected(8, "终端8", "东村")
    with pytest.raises(PoolRefusedError) as late:
        pool.resume(8, "call2", 80.0)
    assert "重新呼叫" in late.value.message


def test_waiting_kiosks_hear_their_place_when_it_changes_and_every_ten_seconds():
    pool = make_pool(queue_update_s=10.0, mean_handle_s=300.0)
    staff(pool, 1)
    kiosks(pool, 7, 8, 9)
    pool.accept(1, rings(pool.request_call(7, "r1", "general", now=1.0))[1], 2.0)
    pool.request_call(8, "r2", "general", now=10.0)
    pool.request_call(9, "r3", "general", now=11.0)
    places = updates(pool.queue_updates(11.0))
    assert (places[8].position, places[9].position) == (1, 2)
    assert places[8].lawyers_on_duty == 1
    assert 0 < places[8].estimated_wait_s < places[9].estimated_wait_s
    assert pool.queue_updates(15.0) == []  # nothing changed, not yet 10 s
    assert pool.next_deadline() == 21.0
    assert set(updates(pool.queue_updates(21.0))) == {8, 9}
    pool.cancel(8, "call2", 22.0)
    assert {k: u.position for k, u in updates(pool.queue_updates(22.0)).items()} == {9: 1}


def test_a_call_ringing_a_free_lawyer_is_told_about_the_answer_time_not_a_whole_call():
    pool = make_pool(mean_handle_s=300.0, queue_update_s=10.0)
    staff(pool, 1, 2)
    kiosks(pool, 7, 8, 9)
    assert rings(pool.request_call(7, "r1", "general", now=10.0)) == {1: "call1"}  # rings, not answered
    places = updates(pool.queue_updates(10.0))
    assert places[7].position == 1 and places[7].estimated_wait_s <= 20.0  # about the answer time
    assert rings(pool.request_call(8, "r2", "general", now=11.0)) == {2: "call2"}
    pool.request_call(9, "r3", "general", now=12.0)  # both lawyers ringing: this one waits for a call
    places = updates(pool.queue_updates(12.0))
    assert places[8].estimated_wait_s <= 20.0
    assert places[9].position == 3 and places[9].estimated_wait_s >= 120.0  # honest for later places


def test_ring_all_counts_the_lawyers_who_will_not_answer_as_free():
    pool = make_pool(mean_handle_s=300.0, routing=RoutingRules(strategy=Strategy.RING_ALL))
    staff(pool, 1, 2)
    kiosks(pool, 7, 8)
    assert rings(pool.request_call(7, "r1", "general", now=10.0)) == {1: "call1", 2: "call1"}
    pool.request_call(8, "r2", "general", now=11.0)
    places = updates(pool.queue_updates(11.0))
    assert places[7].estimated_wait_s <= 20.0
    assert places[8].position == 2 and places[8].estimated_wait_s <= 20.0  # the other lawyer stays free


def test_a_lawyer_finishing_a_wrap_up_is_counted_as_free_when_it_ends():
    pool = make_pool(mean_handle_s=600.0, wrap_up_s=60.0, queue_update_s=10.0)
    staff(pool, 1)
    kiosks(pool, 7, 8, 9)
    call = rings(pool.request_call(7, "r1", "general", now=1.0))[1]
    pool.accept(1, call, 2.0)
    pool.hangup(Role.LAWYER, 1, call, "completed", 100.0)  # the lawyer writes notes until 160
    pool.request_call(8, "r2", "general", now=130.0)
    pool.request_call(9, "r3", "general", now=131.0)
    places = updates(pool.queue_updates(131.0))
    # The first waits the 29 s of wrap-up left and the answer, not half a whole call (about 5 minutes);
    # the second waits for a whole call after that.
    assert 29.0 <= places[8].estimated_wait_s <= 60.0
    assert places[9].estimated_wait_s >= 300.0


def test_a_long_wait_offers_a_callback():
    pool = make_pool(callback_offer_wait_s=120.0, mean_handle_s=300.0)
    staff(pool, 1)
    kiosks(pool, 7, 8, 9)
    pool.accept(1, rings(pool.request_call(7, "r1", "general", now=1.0))[1], 2.0)
    pool.request_call(8, "r2", "general", now=10.0)
    (update,) = updates(pool.queue_updates(10.0)).values()
    assert update.callback_offered and update.estimated_wait_s > 120.0


def test_outside_service_hours_the_kiosk_is_offered_a_callback():
    pool = make_pool()
    staff(pool, 1)
    hours = [Shift(d, time(8, 30), time(17, 30)) for d in range(5)]
    pool.set_roster(Roster(service_hours=hours), {}, {}, now=0.0)
    kiosks(pool, 7)
    saturday_noon = datetime(2026, 11, 28, 12, 0, tzinfo=UTC).timestamp()
    (told,) = to_kiosk(pool.request_call(7, "r1", "general", now=saturday_noon), 7)
    assert told.reason == NoLawyerReason.OUTSIDE_HOURS and told.callback_offered
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()
    assert rings(pool.request_call(7, "r2", "general", now=monday)) == {1: "call2"}


def test_nobody_on_duty_offers_a_callback():
    pool = make_pool()
    kiosks(pool, 7)
    (told,) = to_kiosk(pool.request_call(7, "r1", "general", now=1.0), 7)
    assert told.reason == NoLawyerReason.NOBODY_ON_DUTY and told.callback_offered


def test_the_live_view_shows_lawyers_the_queue_in_order_and_terminals_online():
    pool = make_pool(hold_place_s=60.0)
    staff(pool, 1)
    kiosks(pool, 7, 8, 9)
    pool.accept(1, rings(pool.request_call(7, "r1", "general", now=1.0))[1], 2.0)
    pool.request_call(8, "r2", "land", now=10.0)
    pool.request_call(9, "r3", "general", now=11.0, urgent=True)
    pool.kiosk_disconnected(8, 12.0)
    view = live_view(pool, 20.0)
    assert [(lw.lawyer_id, lw.state, lw.call_id) for lw in view.lawyers] == [(1, "in_call", "call1")]
    assert [(w.kiosk_name, w.position, w.priority, w.caller_away) for w in view.waiting] == [
        ("终端9", 1, "urgent", False),
        ("终端8", 2, "normal", True),
    ]
    assert (view.in_call, view.kiosks_online, view.centre_open) == (1, 2, True)
    assert view.waiting[1].waited_s == 10.0
