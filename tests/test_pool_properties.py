"""Property test of the pool: random arrivals, hang-ups, declines, ring timeouts, drops and returns,
duty changes, breaks and priorities never lose a call, double-book a lawyer or serve out of order;
with a rejoin grace, a side dropped mid-call either rejoins in time or the call ends as disconnected."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from config.settings import Strategy
from protocol.messages import CallQueued, NoLawyerAvailable, Ring, Role
from server.pool import Pool
from server.pool_model import Action, CallState, LawyerState, SaveCall, SendToKiosk, SendToLawyer
from server.roster import Roster
from server.routing import RoutingRules, WaitingCall, open_tier, tier_of

KIOSKS = range(1, 9)
LAWYERS = range(101, 104)
TOPICS = ["general", "labour_wages", "traffic"]


class PoolMachine(RuleBasedStateMachine):
    """Drives one pool with random events and checks its promises after every step."""

    strategy = Strategy.LONGEST_IDLE
    grace_s = 0.0  # rejoin grace after a signaling drop mid-call
    specialties: dict[int, frozenset[str]] = {}  # noqa: RUF012 - read only
    advisers: dict[str, int] = {}  # noqa: RUF012 - read only

    def __init__(self) -> None:
        super().__init__()
        ids = (f"c{n}" for n in itertools.count(1))
        self.pool = Pool(
            ring_timeout_s=20.0,
            max_wait_s=300.0,
            hotline="12348",
            routing=RoutingRules(strategy=self.strategy),
            missed_calls_break=2,
            wrap_up_s=15.0,
            hold_place_s=30.0,
            rejoin_grace_s=self.grace_s,
            new_call_id=lambda: next(ids),
        )
        self.now = 0.0
        self.requested: set[str] = set()
        self.outcome: dict[str, str] = {}  # call id -> its one outcome
        self.answered_by: dict[str, int] = {}
        self.dropped_at: dict[str, float] = {}  # connected call -> when a side first dropped, unrejoined
        self.request_ids = (f"r{n}" for n in itertools.count(1))
        self.last_actions: list[Action] = []
        self.pool.set_roster(Roster(), self.specialties, self.advisers, 0.0)

    def _may_ring(self, call_id: str, lawyer_id: int) -> bool:
        """Could this call ring this lawyer now (untried, and the lawyer's tier open for it)?"""
        call = self.pool.calls[call_id]
        if lawyer_id in call.tried_ids():
            return False
        seen = WaitingCall(call.call_id, call.topic, call.village, call.requested_at, call.priority)
        on_duty = [self.pool._candidate(lw) for lw in self.pool.lawyers.values() if lw.on_duty]
        lawyer = self.pool._candidate(self.pool.lawyers[lawyer_id])
        return tier_of(lawyer, seen) <= open_tier(seen, on_duty, self.now, self.pool.routing)

    # ---- carrying out and checking actions -------------------------------------------------------

    def _take(self, actions: list[Action]) -> None:
        self.last_actions = actions
        for action in actions:
            if isinstance(action, SaveCall) and action.record.outcome is not None:
                first = self.outcome.setdefault(action.record.call_id, action.record.outcome)
                assert first == action.record.outcome, "a call ended twice, differently"
                dropped = self.dropped_at.pop(action.record.call_id, None)
                if dropped is not None and action.record.ended_at == dropped + self.grace_s:
                    assert first == "disconnected", "a call whose side never came back ended otherwise"
            told = action.message if isinstance(action, SendToKiosk) else None
            if isinstance(told, CallQueued | NoLawyerAvailable) and told.call_id:
                self.requested.add(told.call_id)
        self._check_priority(actions)

    def _check_priority(self, actions: list[Action]) -> None:
        """A ring never goes to a lower-priority call while a higher one waits for that lawyer."""
        for action in actions:
            if not (isinstance(action, SendToLawyer) and isinstance(action.message, Ring)):
                continue
            rung = self.pool.calls.get(action.message.call_id)
            if rung is None:
                continue
            for other in self.pool.calls.values():
                if (
                    other.state is CallState.WAITING
                    and other.held_until is None
                    and other.priority > rung.priority
                    and self._may_ring(other.call_id, action.lawyer_id)
                ):
                    raise AssertionError(f"{rung.call_id} rang before higher-priority {other.call_id}")

    def _advance(self, seconds: float) -> None:
        target = self.now + seconds
        while (deadline := self.pool.next_deadline()) is not None and deadline <= target:
            self.now = max(self.now, deadline)
            self._take(self.pool.expire(self.now))
        self.now = target
        self._take(self.pool.queue_updates(self.now))

    def _online_kiosks(self) -> list[int]:
        return [k for k, kiosk in self.pool.kiosks.items() if kiosk.online]

    # ---- rules -------------------------------------------------------------------------------------

    @initialize()
    def everyone_present(self) -> None:
        """Start from a working centre: every terminal online, every lawyer on duty."""
        for kiosk_id in KIOSKS:
            self.kiosk_comes(kiosk_id)
        for lawyer_id in LAWYERS:
            self.lawyer_comes(lawyer_id)
            self.duty(lawyer_id, True)

    def _note_drop(self, call_id: str | None) -> None:
        call = self.pool.calls.get(call_id or "")
        if call is not None and call.away_until:
            self.dropped_at.setdefault(call.call_id, self.now)

    def _rejoin(self, role: Role, party_id: int, call_id: str) -> None:
        self._take(self.pool.rejoin(role, party_id, call_id, self.now))
        if not self.pool.calls[call_id].away_until:
            self.dropped_at.pop(call_id, None)

    @rule(kiosk_id=st.sampled_from(KIOSKS), rejoin=st.booleans())
    def kiosk_comes(self, kiosk_id: int, rejoin: bool = True) -> None:
        kiosk = self.pool.kiosks.get(kiosk_id)
        if kiosk is None or not kiosk.online:
            self._take(self.pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村"))
            call = self.pool.calls.get(kiosk.call_id or "") if kiosk is not None else None
            if call is not None and call.state is CallState.CONNECTED:
                if rejoin:
                    self._rejoin(Role.KIOSK, kiosk_id, call.call_id)
            elif call is not None:
                self._take(self.pool.resume(kiosk_id, call.call_id, self.now))

    @rule(kiosk_id=st.sampled_from(KIOSKS))
    def kiosk_drops(self, kiosk_id: int) -> None:
        kiosk = self.pool.kiosks.get(kiosk_id)
        self._take(self.pool.kiosk_disconnected(kiosk_id, self.now))
        self._note_drop(kiosk.call_id if kiosk is not None else None)

    @rule(
        kiosk_id=st.sampled_from(KIOSKS),
        topic=st.sampled_from(TOPICS),
        migrant=st.booleans(),
        urgent=st.booleans(),
    )
    def request(self, kiosk_id: int, topic: str, migrant: bool, urgent: bool) -> None:
        kiosk = self.pool.kiosks.get(kiosk_id)
        if kiosk is None or not kiosk.online or kiosk.call_id is not None:
            return
        actions = self.pool.request_call(
            kiosk_id, next(self.request_ids), topic, self.now, migrant_worker=migrant, urgent=urgent
        )
        self._take(actions)

    @rule(kiosk_id=st.sampled_from(KIOSKS))
    def kiosk_hangs_up(self, kiosk_id: int) -> None:
        kiosk = self.pool.kiosks.get(kiosk_id)
        if kiosk is not None and kiosk.online and kiosk.call_id is not None:
            self._take(self.pool.hangup(Role.KIOSK, kiosk_id, kiosk.call_id, "completed", self.now))

    @rule(lawyer_id=st.sampled_from(LAWYERS), rejoin=st.booleans())
    def lawyer_comes(self, lawyer_id: int, rejoin: bool = True) -> None:
        lawyer = self.pool.lawyers.get(lawyer_id)
        if lawyer is None or not lawyer.online:
            self._take(self.pool.lawyer_connected(lawyer_id, f"律师{lawyer_id}", "律所"))
            if lawyer is not None and lawyer.call_id is not None and rejoin:
                self._rejoin(Role.LAWYER, lawyer_id, lawyer.call_id)

    @rule(lawyer_id=st.sampled_from(LAWYERS))
    def lawyer_drops(self, lawyer_id: int) -> None:
        lawyer = self.pool.lawyers.get(lawyer_id)
        self._take(self.pool.lawyer_disconnected(lawyer_id, self.now))
        self._note_drop(lawyer.call_id if lawyer is not None else None)

    @rule(lawyer_id=st.sampled_from(LAWYERS), on=st.booleans())
    def duty(self, lawyer_id: int, on: bool) -> None:
        lawyer = self.pool.lawyers.get(lawyer_id)
        if lawyer is not None and lawyer.online:
            self._take(self.pool.set_duty(lawyer_id, on, self.now))

    @rule(lawyer_id=st.sampled_from(LAWYERS), accept=st.booleans())
    def answer_ring(self, lawyer_id: int, accept: bool) -> None:
        lawyer = self.pool.lawyers.get(lawyer_id)
        if lawyer is None or lawyer.state is not LawyerState.RINGING or lawyer.call_id is None:
            return
        call_id = lawyer.call_id
        if accept:
            self._take(self.pool.accept(lawyer_id, call_id, self.now))
            assert call_id not in self.answered_by, "two lawyers accepted one call"
            self.answered_by[call_id] = lawyer_id
        else:
            self._take(self.pool.decline(lawyer_id, call_id, self.now))

    @rule()
    def everyone_ringing_answers(self) -> None:
        for lawyer in list(self.pool.lawyers.values()):
            if lawyer.state is LawyerState.RINGING:
                self.answer_ring(lawyer.lawyer_id, accept=True)

    @rule(lawyer_id=st.sampled_from(LAWYERS))
    def lawyer_hangs_up(self, lawyer_id: int) -> None:
        lawyer = self.pool.lawyers.get(lawyer_id)
        if lawyer is not None and lawyer.state is LawyerState.IN_CALL and lawyer.call_id:
            self._take(self.pool.hangup(Role.LAWYER, lawyer_id, lawyer.call_id, "completed", self.now))

    @rule(lawyer_id=st.sampled_from(LAWYERS))
    def lawyer_ends_wrap_up(self, lawyer_id: int) -> None:
        lawyer = self.pool.lawyers.get(lawyer_id)
        if lawyer is not None and lawyer.online:
            self._take(self.pool.end_wrap_up(lawyer_id, self.now))

    @rule(seconds=st.sampled_from([0.5, 3.0, 12.0, 25.0, 40.0]))
    def time_passes(self, seconds: float) -> None:
        self._advance(seconds)

    @precondition(lambda self: bool(self.pool.calls))
    @rule()
    def long_wait(self) -> None:
        self._advance(400.0)

    # ---- invariants --------------------------------------------------------------------------------

    @invariant()
    def no_call_is_lost(self) -> None:
        live = set(self.pool.calls)
        for call_id in self.requested:
            assert (call_id in live) != (call_id in self.outcome), f"{call_id} is lost or both live and ended"

    @invariant()
    def a_lawyer_rings_or_talks_for_one_call_at_most(self) -> None:
        busy: dict[int, list[str]] = {}
        for call in self.pool.calls.values():
            engaged = set(call.ringing)
            if call.state is CallState.CONNECTED and call.lawyer_id is not None:
                engaged.add(call.lawyer_id)
            if self.strategy is not Strategy.RING_ALL:
                assert len(call.ringing) <= 1, f"{call.call_id} rings {call.ringing}"
            for lawyer_id in engaged:
                busy.setdefault(lawyer_id, []).append(call.call_id)
                assert self.pool.lawyers[lawyer_id].call_id == call.call_id
        assert all(len(calls) == 1 for calls in busy.values()), busy

    @invariant()
    def no_free_lawyer_idles_while_a_call_waits_for_them(self) -> None:
        free = [lw.lawyer_id for lw in self.pool.lawyers.values() if lw.state is LawyerState.AVAILABLE]
        for call in self.pool.calls.values():
            if call.state is CallState.WAITING and call.held_until is None:
                could = [i for i in free if self._may_ring(call.call_id, i)]
                assert not could, f"{call.call_id} waits while {could} are free for it"

    @invariant()
    def a_dropped_side_is_waited_for_only_within_the_grace(self) -> None:
        for call in self.pool.calls.values():
            if call.away_until:
                assert call.state is CallState.CONNECTED
                assert all(
                    self.now < deadline <= self.now + self.grace_s for deadline in call.away_until.values()
                )
        for lawyer in self.pool.lawyers.values():
            if not lawyer.online:  # away: only ever in a connected call waiting for them
                away_call = self.pool.calls[lawyer.call_id or ""]
                assert lawyer.state is LawyerState.IN_CALL and Role.LAWYER.value in away_call.away_until
        for kiosk in self.pool.kiosks.values():
            held = self.pool.calls.get(kiosk.call_id or "")
            if not kiosk.online and held is not None and held.state is CallState.CONNECTED:
                assert Role.KIOSK.value in held.away_until

    @invariant()
    def states_agree(self) -> None:
        for lawyer in self.pool.lawyers.values():
            if lawyer.state in (LawyerState.AVAILABLE, LawyerState.RINGING):
                assert lawyer.on_duty
            if lawyer.state is LawyerState.BREAK:
                assert not lawyer.on_duty


class RingAllMachine(PoolMachine):
    """The same promises with every free lawyer rung at once."""

    strategy = Strategy.RING_ALL


class TieredMachine(PoolMachine):
    """The same promises with a village adviser and specialists, tiers opening as calls wait."""

    specialties = {101: frozenset({"labour_wages"}), 102: frozenset({"traffic", "labour_wages"})}  # noqa: RUF012
    advisers = {"东村": 103}  # noqa: RUF012


class GraceMachine(PoolMachine):
    """The same promises when a side dropped mid-call has 30 s to rejoin."""

    grace_s = 30.0


PROFILE = settings(
    max_examples=150, stateful_step_count=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestPoolLongestIdle = PoolMachine.TestCase
TestPoolLongestIdle.settings = PROFILE
TestPoolRingAll = RingAllMachine.TestCase
TestPoolRingAll.settings = PROFILE
TestPoolTiers = TieredMachine.TestCase
TestPoolTiers.settings = PROFILE
TestPoolRejoinGrace = GraceMachine.TestCase
TestPoolRejoinGrace.settings = PROFILE
