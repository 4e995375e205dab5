"""Routing rules: tiers open as the call waits, strategies pick the right lawyer, priorities hold."""

from __future__ import annotations

from config.settings import Strategy
from server.routing import (
    Candidate,
    Priority,
    RoutingRules,
    WaitingCall,
    call_priority,
    choose_lawyers,
    estimated_wait_s,
    queue_order,
)

ADVISER = Candidate(1, idle_since=50.0, adviser_of=frozenset({"红星村"}))
LABOUR = Candidate(2, idle_since=10.0, specialties=frozenset({"labour_wages"}))
GENERALIST = Candidate(3, idle_since=0.0)
RULES = RoutingRules(adviser_wait_s=15, specialist_wait_s=30)


def _call(topic="labour_wages", village="红星村", at=100.0, priority=Priority.NORMAL, cid="c"):
    return WaitingCall(cid, topic, village, requested_at=at, priority=priority)


def test_village_adviser_rings_first_even_if_others_idle_longer():
    everyone = [ADVISER, LABOUR, GENERALIST]
    assert choose_lawyers(_call(), everyone, everyone, now=100.0, rules=RULES) == [1]


def test_specialists_join_after_the_adviser_wait_then_the_whole_pool():
    on_duty = [ADVISER, LABOUR, GENERALIST]
    busy_adviser = [LABOUR, GENERALIST]  # adviser on duty but in another call
    assert choose_lawyers(_call(), busy_adviser, on_duty, now=110.0, rules=RULES) == []
    assert choose_lawyers(_call(), busy_adviser, on_duty, now=116.0, rules=RULES) == [2]
    only_generalist = [GENERALIST]
    assert choose_lawyers(_call(), only_generalist, on_duty, now=140.0, rules=RULES) == []
    assert choose_lawyers(_call(), only_generalist, on_duty, now=146.0, rules=RULES) == [3]


def test_a_tier_with_nobody_on_duty_is_skipped_at_once():
    on_duty = [LABOUR, GENERALIST]  # this village's adviser is not on duty
    assert choose_lawyers(_call(), on_duty, on_duty, now=100.0, rules=RULES) == [2]
    general = _call(topic="general", village="白杨村")
    assert choose_lawyers(general, on_duty, on_duty, now=100.0, rules=RULES) == [3]


def test_longest_idle_round_robin_and_ring_all():
    a = Candidate(7, idle_since=30.0, last_offered=5)
    b = Candidate(8, idle_since=20.0, last_offered=9)
    call = _call(topic="general", village="")
    assert choose_lawyers(call, [a, b], [a, b], 100.0, RULES) == [8]
    rr = RoutingRules(strategy=Strategy.ROUND_ROBIN)
    assert choose_lawyers(call, [a, b], [a, b], 100.0, rr) == [7]
    ring_all = RoutingRules(strategy=Strategy.RING_ALL)
    assert choose_lawyers(call, [a, b], [a, b], 100.0, ring_all) == [7, 8]


def test_a_lawyer_who_declined_is_not_rung_again_for_that_call():
    call = _call(topic="general", village="")
    assert choose_lawyers(call, [GENERALIST], [GENERALIST], 100.0, RULES, already_tried=frozenset({3})) == []


def test_urgent_then_wage_claims_then_first_come():
    first = _call(at=1.0, cid="first")
    wage = _call(at=2.0, priority=call_priority("labour_wages", migrant_worker=True, urgent=False), cid="w")
    urgent = _call(at=3.0, priority=call_priority("traffic", migrant_worker=False, urgent=True), cid="u")
    later = _call(at=4.0, cid="later")
    assert [c.call_id for c in queue_order([later, first, wage, urgent])] == ["u", "w", "first", "later"]
    assert call_priority("traffic", migrant_worker=True, urgent=False) is Priority.NORMAL


def test_estimated_wait_grows_with_position_and_shrinks_with_lawyers():
    assert estimated_wait_s(1, 2, 300, 10) < estimated_wait_s(3, 2, 300, 10)
    assert estimated_wait_s(4, 4, 300, 10) < estimated_wait_s(4, 1, 300, 10)
    assert estimated_wait_s(1, 0, 300, 10) == float("inf")
