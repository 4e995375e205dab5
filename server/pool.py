"""The lawyer pool: who is on duty and which call rings whom; pure logic returning actions, no I/O."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from config.settings import ServerSettings
from protocol.messages import (
    CallAccepted,
    CallEnded,
    CallQueued,
    DutyState,
    EndReason,
    ErrorCode,
    Hangup,
    Message,
    NoLawyerAvailable,
    NoLawyerReason,
    Offer,
    Ring,
    RingCancelled,
    Role,
)
from server.pool_model import (
    Action,
    Call,
    CallState,
    EndedBy,
    IllegalTransitionError,
    Kiosk,
    Lawyer,
    LawyerState,
    PoolRefusedError,
    SaveCall,
    SendToKiosk,
    SendToLawyer,
    new_tracking_number,
)
from server.pool_queue import QueueReporter
from server.pool_relay import CallRelay
from server.roster import Roster
from server.routing import Candidate, RoutingRules, WaitingCall, call_priority, choose_lawyers

RECENT_CALLS_KEPT = 1000  # ended calls remembered for late stats, notes, ratings and crossing hang-ups
BREAK_REASON = "missed_calls"


def _new_call_id() -> str:
    return uuid.uuid4().hex


class Pool(CallRelay):
    """Lawyers, kiosks and calls of one centre. Every method takes `now` and returns actions."""

    def __init__(
        self,
        *,
        ring_timeout_s: float,
        max_wait_s: float,
        hotline: str,
        routing: RoutingRules | None = None,
        missed_calls_break: int = 0,
        wrap_up_s: float = 0.0,
        hold_place_s: float = 0.0,
        rejoin_grace_s: float = 0.0,
        queue_update_s: float = 10.0,
        callback_offer_wait_s: float = 300.0,
        mean_handle_s: float = 300.0,
        timezone: tzinfo = UTC,
        new_call_id: Callable[[], str] = _new_call_id,
        new_tracking: Callable[[], str] = new_tracking_number,
    ) -> None:
        self.ring_timeout_s = ring_timeout_s
        self.max_wait_s = max_wait_s
        self.hotline = hotline
        self.routing = routing or RoutingRules()
        self.missed_calls_break = missed_calls_break
        self.wrap_up_s = wrap_up_s
        self.hold_place_s = hold_place_s
        self.rejoin_grace_s = rejoin_grace_s
        self.timezone = timezone
        self._new_call_id = new_call_id
        self._new_tracking = new_tracking
        self.lawyers: dict[int, Lawyer] = {}
        self.kiosks: dict[int, Kiosk] = {}
        self.calls: dict[str, Call] = {}  # calls not yet ended
        self._queue: list[str] = []  # unconnected calls in the order they are served
        self._recent: OrderedDict[str, Call] = OrderedDict()
        self._offers = 0  # ring counter for round robin
        self.restart_grace_until = 0.0  # after a restart, nobody overtakes a caller not yet back until then
        self.roster = Roster()
        self.specialties: dict[int, frozenset[str]] = {}
        self.adviser_of: dict[int, frozenset[str]] = {}
        self.reporter = QueueReporter(
            update_every_s=queue_update_s,
            callback_offer_wait_s=callback_offer_wait_s,
            mean_handle_s=mean_handle_s + wrap_up_s,
            mean_answer_s=min(5.0, ring_timeout_s),
        )

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> Pool:
        """A pool using the server's settings."""
        return cls(
            ring_timeout_s=settings.ring_timeout_s,
            max_wait_s=settings.max_wait_s,
            hotline=settings.hotline,
            routing=RoutingRules(settings.adviser_wait_s, settings.specialist_wait_s, settings.strategy),
            missed_calls_break=settings.missed_calls_break,
            wrap_up_s=settings.wrap_up_s,
            hold_place_s=settings.hold_place_s,
            rejoin_grace_s=settings.call_rejoin_grace_s,
            queue_update_s=settings.queue_update_s,
            callback_offer_wait_s=settings.callback_offer_wait_s,
            mean_handle_s=settings.mean_handle_s,
            timezone=ZoneInfo(settings.timezone),
        )

    # ---- roster ----------------------------------------------------------------------------------

    def set_roster(
        self,
        roster: Roster,
        specialties: dict[int, frozenset[str]],
        advisers: dict[str, int],
        now: float,
    ) -> list[Action]:
        """Take a new roster, lawyers' specialties and village advisers (village -> lawyer id)."""
        self.roster = roster
        self.specialties = dict(specialties)
        adviser_of: dict[int, set[str]] = {}
        for village, lawyer_id in advisers.items():
            adviser_of.setdefault(lawyer_id, set()).add(village)
        self.adviser_of = {lawyer_id: frozenset(v) for lawyer_id, v in adviser_of.items()}
        return self._dispatch(now)

    def centre_open(self, now: float) -> bool:
        """Is the centre inside its service hours at this moment?"""
        return self.roster.centre_open(datetime.fromtimestamp(now, self.timezone))

    # ---- presence ------------------------------------------------------------------------------

    def lawyer_connected(self, lawyer_id: int, display_name: str, law_firm: str) -> list[Action]:
        """A lawyer's connection opened; they start off duty (back mid-call: on duty as before, the
        call waiting for their Rejoin)."""
        away = self.lawyers.get(lawyer_id)
        if away is not None and not away.online:
            away.online, away.on_duty, away.away_on_duty = True, away.away_on_duty, False
            return [self._duty_state(away)]
        if away is not None:
            raise IllegalTransitionError(f"lawyer {lawyer_id} is already connected")
        lawyer = Lawyer(lawyer_id, display_name, law_firm)
        self.lawyers[lawyer_id] = lawyer
        return [self._duty_state(lawyer)]

    def lawyer_disconnected(self, lawyer_id: int, now: float) -> list[Action]:
        """A lawyer's connection closed: re-offer a ringing call; a connected one waits for a rejoin."""
        lawyer = self.lawyers.get(lawyer_id)
        if lawyer is None or not lawyer.online:
            return []
        away_on_duty, lawyer.on_duty = lawyer.on_duty, False
        actions: list[Action] = []
        call = self.calls.get(lawyer.call_id) if lawyer.call_id else None
        if call is not None and call.state is CallState.CONNECTED and self.rejoin_grace_s > 0:
            lawyer.online, lawyer.away_on_duty = False, away_on_duty
            call.away_until.setdefault(Role.LAWYER.value, now + self.rejoin_grace_s)
            return self._dispatch(now)  # media goes on peer to peer; the desk may Rejoin
        if call is not None and call.state is CallState.RINGING:
            actions += self._withdraw_ring(call, lawyer, "disconnected", now)
        elif call is not None and call.state is CallState.CONNECTED:
            actions.append(SendToKiosk(call.kiosk_id, Hangup(call.call_id, EndReason.DISCONNECTED.value)))
            actions += self._finish(call, EndReason.DISCONNECTED, EndedBy.LAWYER, now)
        del self.lawyers[lawyer_id]
        return actions + self._dispatch(now)

    def kiosk_connected(self, kiosk_id: int, name: str, village: str) -> list[Action]:
        """A kiosk's connection opened (again: a held call waits for its ResumeCall)."""
        kiosk = self.kiosks.get(kiosk_id)
        if kiosk is not None and kiosk.online:
            raise IllegalTransitionError(f"kiosk {kiosk_id} is already connected")
        if kiosk is not None:
            kiosk.online, kiosk.name, kiosk.village = True, name, village
            return []
        self.kiosks[kiosk_id] = Kiosk(kiosk_id, name, village)
        return []

    def kiosk_disconnected(self, kiosk_id: int, now: float) -> list[Action]:
        """A kiosk's connection closed: a waiting call keeps its place a while, a connected one ends."""
        kiosk = self.kiosks.get(kiosk_id)
        if kiosk is None or not kiosk.online:
            return []
        call = self.calls.get(kiosk.call_id) if kiosk.call_id else None
        if call is not None and call.state is CallState.CONNECTED and self.rejoin_grace_s > 0:
            kiosk.online = False
            call.away_until.setdefault(Role.KIOSK.value, now + self.rejoin_grace_s)
            return []  # media goes on peer to peer; the kiosk may Rejoin
        if call is not None and call.state is not CallState.CONNECTED and self.hold_place_s > 0:
            kiosk.online = False
            call.held_until = now + self.hold_place_s
            actions: list[Action] = []
            for lawyer_id in sorted(call.ringing):
                lawyer = self.lawyers[lawyer_id]
                actions.append(SendToLawyer(lawyer_id, RingCancelled(call.call_id, "caller_away")))
                actions += self._withdraw_ring(call, lawyer, "caller_away", now, tried=False)
            return actions + self._dispatch(now)
        del self.kiosks[kiosk_id]
        if call is None:
            return []
        actions = self._tell_lawyers_call_over(call, EndReason.DISCONNECTED.value)
        return actions + self._finish(call, EndReason.DISCONNECTED, EndedBy.KIOSK, now) + self._dispatch(now)

    def resume(self, kiosk_id: int, call_id: str, now: float) -> list[Action]:
        """A kiosk that came back takes its held place again (its token already proved who it is)."""
        kiosk = self._kiosk(kiosk_id)
        call = self.calls.get(call_id)
        if call is not None and kiosk.call_id == call_id and call.state is CallState.CONNECTED:
            return self._answered_while_away(call, kiosk_id)
        if call is None or kiosk.call_id != call_id or call.held_until is None:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "您的排队位置已经过期，请重新呼叫。", call_id)
        call.held_until = None
        queued = CallQueued(call.request_id, call_id, self.queue_position(call_id), [], call.tracking_number)
        self.reporter.forget(call_id)  # the next update goes out at once
        return [SendToKiosk(kiosk_id, queued), *self._dispatch(now)]

    def _answered_while_away(self, call: Call, kiosk_id: int) -> list[Action]:
        """A lawyer answered while the kiosk's socket was gone (its node died with the CallAccepted):
        the kiosk hears it now and is back in the call (cluster failover)."""
        lawyer = self.lawyers.get(call.lawyer_id) if call.lawyer_id is not None else None
        if lawyer is None or Role.KIOSK.value not in call.away_until:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "您的排队位置已经过期，请重新呼叫。", call.call_id)
        del call.away_until[Role.KIOSK.value]
        call.stats["rejoins"] = int(call.stats.get("rejoins", 0)) + 1
        accepted = CallAccepted(call.call_id, lawyer.display_name, lawyer.law_firm)
        return [SendToKiosk(kiosk_id, accepted), SaveCall(call.record())]

    def rejoin(self, role: Role, party_id: int, call_id: str, now: float) -> list[Action]:
        """A side whose signaling dropped mid-call is back within the grace: the call goes on."""
        call = self._own_call(role, party_id, call_id)
        if call is None or call.state is not CallState.CONNECTED:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "这个通话已经结束。", call_id)
        if role is Role.LAWYER and call.lawyer_id != party_id:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "这个通话已经结束。", call_id)
        if call.away_until.pop(role.value, None) is None:
            return []  # never away (a rejoin after a blip the server did not notice)
        call.stats["rejoins"] = int(call.stats.get("rejoins", 0)) + 1
        return [SaveCall(call.record())]

    def end_rejoin_waits(self, now: float) -> list[Action]:
        """End every call still waiting for a side to rejoin (the server is shutting down)."""
        actions: list[Action] = []
        for call in [c for c in self.calls.values() if c.away_until]:
            actions += self._end_away(call, now)
        return actions

    def set_duty(self, lawyer_id: int, on_duty: bool, now: float) -> list[Action]:
        """A lawyer goes on or off duty (also back from a break); a call ringing them moves on."""
        lawyer = self._lawyer(lawyer_id)
        actions: list[Action] = []
        if on_duty and not lawyer.on_duty:
            lawyer.on_duty = True
            if lawyer.state in (LawyerState.OFFLINE, LawyerState.BREAK):
                lawyer.move(LawyerState.AVAILABLE)
                lawyer.idle_since = now
        elif not on_duty and (lawyer.on_duty or lawyer.state is LawyerState.BREAK):
            lawyer.on_duty = False
            if lawyer.state is LawyerState.RINGING:
                call = self.calls[lawyer.call_id or ""]
                actions.append(SendToLawyer(lawyer_id, RingCancelled(call.call_id, "off_duty")))
                actions += self._withdraw_ring(call, lawyer, "off_duty", now)  # reports the state
                return actions + self._dispatch(now)
            if lawyer.state in (LawyerState.AVAILABLE, LawyerState.BREAK):
                lawyer.move(LawyerState.OFFLINE)
        actions.append(self._duty_state(lawyer))
        return actions + self._dispatch(now)

    def end_wrap_up(self, lawyer_id: int, now: float) -> list[Action]:
        """The lawyer is done with notes early; harmless when not in wrap-up."""
        lawyer = self._lawyer(lawyer_id)
        if lawyer.state is not LawyerState.WRAP_UP:
            return []
        return self._leave_wrap_up(lawyer, now) + self._dispatch(now)

    # ---- a call's life ---------------------------------------------------------------------------

    def request_call(
        self,
        kiosk_id: int,
        request_id: str,
        topic: str,
        now: float,
        *,
        migrant_worker: bool = False,
        urgent: bool = False,
    ) -> list[Action]:
        """A villager tapped 律师视频: queue the call and ring a lawyer, or say why nobody can answer."""
        kiosk = self._kiosk(kiosk_id)
        actions: list[Action] = []
        again = self._same_request(kiosk, request_id)
        if again is not None:
            return self._asked_again(again, kiosk_id, now)
        if kiosk.call_id is not None:
            held = self.calls.get(kiosk.call_id)
            if held is not None and Role.KIOSK.value in held.away_until:  # came back but never rejoined
                actions += self._tell_lawyers_call_over(held, EndReason.DISCONNECTED.value)
                actions += self._finish(held, EndReason.DISCONNECTED, EndedBy.KIOSK, now)
            elif held is None or held.held_until is None:
                raise PoolRefusedError(ErrorCode.WRONG_STATE, "这台终端已经在通话或等待中。", kiosk.call_id)
            else:
                actions += self._finish(held, EndReason.CANCELLED, EndedBy.KIOSK, now)  # asked anew instead
        call = Call(
            call_id=self._new_call_id(),
            kiosk_id=kiosk_id,
            request_id=request_id,
            topic=topic,
            requested_at=now,
            wait_deadline=now + self.max_wait_s,
            tracking_number=self._new_tracking(),
            village=kiosk.village,
            priority=call_priority(topic, migrant_worker, urgent),
        )
        self.calls[call.call_id] = call
        kiosk.call_id = call.call_id
        if not self.centre_open(now):
            return actions + self._no_lawyer(call, NoLawyerReason.OUTSIDE_HOURS, now)
        if not self._on_duty():
            return actions + self._no_lawyer(call, NoLawyerReason.NOBODY_ON_DUTY, now)
        self._queue.append(call.call_id)
        self._queue.sort(key=self._service_order)
        position = self.queue_position(call.call_id)
        queued = CallQueued(request_id, call.call_id, position, [], call.tracking_number)
        return [*actions, SendToKiosk(kiosk_id, queued), SaveCall(call.record()), *self._dispatch(now)]

    def _same_request(self, kiosk: Kiosk, request_id: str) -> Call | None:
        """The call this kiosk's request already made (live, or recently ended), if any."""
        live = self.calls.get(kiosk.call_id) if kiosk.call_id else None
        if live is not None and live.request_id == request_id:
            return live
        for ended in reversed(self._recent.values()):
            if ended.kiosk_id == kiosk.kiosk_id and ended.request_id == request_id:
                return ended
        return None

    def _asked_again(self, call: Call, kiosk_id: int, now: float) -> list[Action]:
        """The same request again (its answer was lost with a node or a socket): the same call."""
        if call.state is CallState.ENDED:
            reason = call.no_lawyer_reason or NoLawyerReason.CALLER_AWAY.value
            told = NoLawyerAvailable(call.request_id, call.call_id, self.hotline, reason, True)
            return [SendToKiosk(kiosk_id, told)]
        call.held_until = None
        self.reporter.forget(call.call_id)  # the next update goes out at once
        position = self.queue_position(call.call_id)
        queued = CallQueued(call.request_id, call.call_id, position, [], call.tracking_number)
        actions: list[Action] = [SendToKiosk(kiosk_id, queued)]
        lawyer = self.lawyers.get(call.lawyer_id) if call.lawyer_id is not None else None
        if call.state is CallState.CONNECTED and lawyer is not None:  # answered while the kiosk was away
            accepted = CallAccepted(call.call_id, lawyer.display_name, lawyer.law_firm)
            actions.append(SendToKiosk(kiosk_id, accepted))
            if call.away_until.pop(Role.KIOSK.value, None) is not None:
                call.stats["rejoins"] = int(call.stats.get("rejoins", 0)) + 1
                actions.append(SaveCall(call.record()))
        return actions + self._dispatch(now)

    def cancel(self, kiosk_id: int, call_id: str, now: float) -> list[Action]:
        """The villager gives up before anyone answered."""
        call = self._own_call(Role.KIOSK, kiosk_id, call_id)
        if call is None:
            return []  # already over: a cancel crossing the end is harmless
        if call.state is CallState.CONNECTED:
            raise PoolRefusedError(ErrorCode.WRONG_STATE, "通话已经接通，请用挂断结束。", call_id)
        actions = self._tell_lawyers_call_over(call, EndReason.CANCELLED.value)
        return actions + self._finish(call, EndReason.CANCELLED, EndedBy.KIOSK, now) + self._dispatch(now)

    def accept(self, lawyer_id: int, call_id: str, now: float) -> list[Action]:
        """A ringing lawyer answers: both sides learn who is on the other end; other rings stop."""
        lawyer = self._lawyer(lawyer_id)
        call = self.calls.get(call_id)
        if call is None or call.state is not CallState.RINGING or lawyer_id not in call.ringing:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "这个来电已经结束或转给了其他律师。", call_id)
        kiosk = self.kiosks[call.kiosk_id]
        actions: list[Action] = []
        for other_id in sorted(call.ringing - {lawyer_id}):  # ring_all: the others stop ringing
            other = self.lawyers[other_id]
            actions.append(SendToLawyer(other_id, RingCancelled(call_id, "taken")))
            other.call_id = None
            other.move(LawyerState.AVAILABLE if other.on_duty else LawyerState.OFFLINE)
            actions.append(self._duty_state(other))
        call.ringing = set()
        call.move(CallState.CONNECTED)
        lawyer.move(LawyerState.IN_CALL)
        lawyer.missed_in_row = 0
        call.lawyer_id = lawyer_id
        call.answered_at = now
        self.reporter.answered(now - call.ring_deadline + self.ring_timeout_s)
        self._queue.remove(call_id)
        actions += [
            SendToKiosk(kiosk.kiosk_id, CallAccepted(call_id, lawyer.display_name, lawyer.law_firm)),
            SendToLawyer(lawyer_id, CallAccepted(call_id, kiosk.name, kiosk.village)),
        ]
        if call.offer_sdp is not None:
            actions.append(SendToLawyer(lawyer_id, Offer(call_id, call.offer_sdp)))
            actions += [SendToLawyer(lawyer_id, c) for c in call.early_candidates]
            call.early_candidates.clear()
        actions += [self._duty_state(lawyer), SaveCall(call.record())]
        return actions + self._dispatch(now)

    def decline(self, lawyer_id: int, call_id: str, now: float) -> list[Action]:
        """A ringing lawyer declines: the call goes to the next lawyer."""
        lawyer = self._lawyer(lawyer_id)
        call = self._own_call(Role.LAWYER, lawyer_id, call_id)
        if call is None or lawyer_id not in call.ringing:
            if call is not None and call.state is CallState.CONNECTED and call.lawyer_id == lawyer_id:
                raise PoolRefusedError(ErrorCode.WRONG_STATE, "通话已经接通，请用挂断结束。", call_id)
            return []  # the ring ended already (timeout, cancel, taken): declining it is harmless
        lawyer.missed_in_row = 0  # a decline is an answer, not a miss
        return self._withdraw_ring(call, lawyer, "declined", now) + self._dispatch(now)

    def hangup(self, role: Role, party_id: int, call_id: str, reason: str, now: float) -> list[Action]:
        """Either side ends the call; before it connects this means cancel (kiosk) or decline (lawyer).

        The sender always hears CallEnded, so it stops sending the Hangup again after reconnects; a
        repeated or late Hangup changes nothing else."""
        call = self._own_call(role, party_id, call_id)
        done = self._to(role, party_id, CallEnded(call_id))
        if call is None:
            return [done]  # both sides hung up at once, or the call ended already
        if call.state is not CallState.CONNECTED:
            if role is Role.KIOSK:
                return [*self.cancel(party_id, call_id, now), done]
            return [*self.decline(party_id, call_id, now), done]
        if role is Role.LAWYER and call.lawyer_id != party_id:
            return [done]  # a lawyer who only rang it once has nothing to hang up
        try:
            outcome = EndReason(reason)
        except ValueError:
            outcome = EndReason.COMPLETED
        if role is Role.KIOSK:
            other: Action = SendToLawyer(call.lawyer_id or 0, Hangup(call_id, outcome.value))
            ended_by = EndedBy.KIOSK
        else:
            other = SendToKiosk(call.kiosk_id, Hangup(call_id, outcome.value))
            ended_by = EndedBy.LAWYER
        return [other, done, *self._finish(call, outcome, ended_by, now), *self._dispatch(now)]

    # ---- time ------------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """When `expire` next has something to do, or None."""
        deadlines: list[float] = []
        for call in (self.calls[call_id] for call_id in self._queue):
            if call.held_until is not None:
                deadlines.append(call.held_until)
            elif call.state is CallState.RINGING:
                deadlines.append(call.ring_deadline)
            else:
                deadlines.append(call.wait_deadline)
                if self.adviser_of or self.specialties:  # narrower tiers exist: they open in time
                    # A tier with nobody on duty is skipped, so a boundary may fall at any of these.
                    adviser, specialist = self.routing.adviser_wait_s, self.routing.specialist_wait_s
                    deadlines += [
                        call.requested_at + adviser,
                        call.requested_at + specialist,
                        call.requested_at + adviser + specialist,
                    ]
        deadlines += [lw.wrap_up_until for lw in self.lawyers.values() if lw.state is LawyerState.WRAP_UP]
        deadlines += [min(call.away_until.values()) for call in self.calls.values() if call.away_until]
        if self._queue and self.restart_grace_until:
            deadlines.append(self.restart_grace_until)
        next_update = self.reporter.next_due()
        if next_update is not None:
            deadlines.append(next_update)
        last = self.reporter.last_expired
        return min((d for d in deadlines if d > last), default=None)

    def expire(self, now: float) -> list[Action]:
        """Pass on rings that timed out (breaks for repeated misses), end held places, wrap-ups and
        connected calls whose dropped side did not rejoin in time."""
        actions: list[Action] = []
        self.reporter.last_expired = now
        for call in [c for c in self.calls.values() if c.away_until and min(c.away_until.values()) <= now]:
            call.stats["rejoin_timed_out"] = True  # never to be adopted by a restarted server
            actions += self._end_away(call, now)
        for call_id in list(self._queue):
            call = self.calls[call_id]
            if call.held_until is not None and call.held_until <= now:
                if self.kiosks[call.kiosk_id].online:  # back, but never asked for its place again
                    reason = NoLawyerReason.CALLER_AWAY.value
                    tell = NoLawyerAvailable(call.request_id, call_id, self.hotline, reason, True)
                    actions.append(SendToKiosk(call.kiosk_id, tell))
                actions += self._finish(call, EndReason.DISCONNECTED, EndedBy.KIOSK, now)
            elif call.state is CallState.RINGING and call.ring_deadline <= now:
                for lawyer_id in sorted(call.ringing):
                    lawyer = self.lawyers[lawyer_id]
                    actions.append(SendToLawyer(lawyer_id, RingCancelled(call_id, "timeout")))
                    lawyer.missed_in_row += 1
                    tired = 0 < self.missed_calls_break <= lawyer.missed_in_row
                    actions += self._withdraw_ring(call, lawyer, "timeout", now, on_break=tired)
        for lawyer in self.lawyers.values():
            if lawyer.state is LawyerState.WRAP_UP and lawyer.wrap_up_until <= now:
                actions += self._leave_wrap_up(lawyer, now)
        return actions + self._dispatch(now)

    # ---- what the waiting villagers hear ---------------------------------------------------------

    def queue_updates(self, now: float) -> list[Action]:
        """QueueUpdate for every waiting kiosk whose place changed or has not heard for a while."""
        waiting = [self.calls[call_id] for call_id in self._queue]
        on_duty = sum(1 for lawyer in self.lawyers.values() if lawyer.on_duty)
        ringing = frozenset(call.call_id for call in waiting if call.ringing)
        spare = sum(len(call.ringing) - 1 for call in waiting if call.ringing)  # ring all: one answers
        free = spare + sum(1 for lawyer in self.lawyers.values() if lawyer.state is LawyerState.AVAILABLE)
        listening = {
            call.call_id: call.kiosk_id
            for call in waiting
            if call.held_until is None and self.kiosks[call.kiosk_id].online
        }
        updates = self.reporter.updates(
            self._queue,
            listening,
            on_duty=on_duty,
            free=free,
            centre_open=self.centre_open(now),
            now=now,
            ringing=ringing,
            wrapping_up_s=sorted(
                max(0.0, lawyer.wrap_up_until - now)
                for lawyer in self.lawyers.values()
                if lawyer.state is LawyerState.WRAP_UP and lawyer.on_duty
            ),
        )
        return [SendToKiosk(kiosk_id, update) for kiosk_id, update in updates]

    def restore_waiting(self, calls: list[Call], kiosks: list[Kiosk], grace_until: float) -> None:
        """Take back waiting calls saved at a drain, held for their kiosks until grace_until."""
        for kiosk in kiosks:
            self.kiosks.setdefault(kiosk.kiosk_id, kiosk)
        for call in calls:
            if call.call_id not in self.calls and self.kiosks[call.kiosk_id].call_id == call.call_id:
                self.calls[call.call_id] = call
                self._queue.append(call.call_id)
        self._queue.sort(key=self._service_order)
        self.restart_grace_until = grace_until

    # ---- views for the server and tests ----------------------------------------------------------

    def queue_position(self, call_id: str) -> int:
        """1-based place among calls not yet answered (served in priority order), 0 when not queued."""
        return self._queue.index(call_id) + 1 if call_id in self._queue else 0

    def waiting_calls(self) -> list[Call]:
        """Calls not yet answered, in the order they are served."""
        return [self.calls[call_id] for call_id in self._queue]

    # ---- internals -------------------------------------------------------------------------------

    def _service_order(self, call_id: str) -> tuple[int, float, str]:
        call = self.calls[call_id]
        return (-call.priority, call.requested_at, call.call_id)

    def _on_duty(self) -> list[Lawyer]:
        """Lawyers on duty, also one in a call whose signaling dropped and may rejoin (still serving)."""
        return [lawyer for lawyer in self.lawyers.values() if lawyer.on_duty or lawyer.away_on_duty]

    def _candidate(self, lawyer: Lawyer) -> Candidate:
        return Candidate(
            lawyer.lawyer_id,
            lawyer.idle_since,
            lawyer.last_offered,
            self.specialties.get(lawyer.lawyer_id, frozenset()),
            self.adviser_of.get(lawyer.lawyer_id, frozenset()),
        )

    def _dispatch(self, now: float) -> list[Action]:
        """Offer waiting calls, highest priority first, to lawyers their open tiers allow."""
        actions: list[Action] = []
        on_duty = self._on_duty()
        on_duty_candidates = [self._candidate(lawyer) for lawyer in on_duty]
        available = {c.lawyer_id: c for c in on_duty_candidates}
        available = {i: c for i, c in available.items() if self.lawyers[i].state is LawyerState.AVAILABLE}
        for call_id in list(self._queue):
            call = self.calls[call_id]
            if call.held_until is not None and now < self.restart_grace_until:
                break  # a restored place whose kiosk is not back yet: those behind it wait too
            if call.state is not CallState.WAITING or call.held_until is not None:
                continue
            tried = call.tried_ids()
            if not on_duty and now < self.restart_grace_until:
                continue  # just restarted: the lawyers are still reconnecting
            if not on_duty:
                actions += self._no_lawyer(call, NoLawyerReason.NOBODY_ON_DUTY, now)
            elif all(lawyer.lawyer_id in tried for lawyer in on_duty):
                actions += self._no_lawyer(call, NoLawyerReason.NOBODY_ANSWERED, now)
            elif call.wait_deadline <= now:
                actions += self._no_lawyer(call, NoLawyerReason.WAIT_TOO_LONG, now)
            elif available:
                seen = WaitingCall(call_id, call.topic, call.village, call.requested_at, call.priority)
                chosen = choose_lawyers(
                    seen,
                    list(available.values()),
                    on_duty_candidates,
                    now,
                    self.routing,
                    already_tried=frozenset(tried),
                )
                if chosen:
                    actions += self._ring(call, [self.lawyers[i] for i in chosen], now)
                    for lawyer_id in chosen:
                        del available[lawyer_id]
        return actions

    def _ring(self, call: Call, lawyers: list[Lawyer], now: float) -> list[Action]:
        kiosk = self.kiosks[call.kiosk_id]
        call.move(CallState.RINGING)
        call.ring_deadline = now + self.ring_timeout_s
        if call.first_ring_at is None:
            call.first_ring_at = now
        ring = Ring(
            call_id=call.call_id,
            kiosk_id=str(kiosk.kiosk_id),
            kiosk_name=kiosk.name,
            village=kiosk.village,
            topic=call.topic,
            ring_timeout_s=self.ring_timeout_s,
            priority=call.priority.name.lower(),
            tracking_number=call.tracking_number,
        )
        actions: list[Action] = []
        self._offers += 1
        for lawyer in lawyers:
            lawyer.move(LawyerState.RINGING)
            lawyer.call_id = call.call_id
            lawyer.last_offered = self._offers
            call.ringing.add(lawyer.lawyer_id)
            call.offered_to.add(lawyer.lawyer_id)
            actions += [SendToLawyer(lawyer.lawyer_id, ring), self._duty_state(lawyer)]
        return [*actions, SaveCall(call.record())]

    def _withdraw_ring(
        self,
        call: Call,
        lawyer: Lawyer,
        reason: str,
        now: float,
        *,
        tried: bool = True,
        on_break: bool = False,
    ) -> list[Action]:
        """The call stops ringing this lawyer (and waits again if it rings nobody else).

        With on_break (too many missed rings in a row) the lawyer goes off duty until they go back
        on themselves, and is told why.
        """
        call.ringing.discard(lawyer.lawyer_id)
        if not call.ringing:
            call.move(CallState.WAITING)
        if tried:
            call.tried.append({"lawyer_id": lawyer.lawyer_id, "reason": reason, "at": now})
        lawyer.call_id = None
        if on_break:
            lawyer.on_duty = False
            lawyer.missed_in_row = 0
            lawyer.move(LawyerState.BREAK)
            told = SendToLawyer(lawyer.lawyer_id, DutyState(lawyer.state.value, False, BREAK_REASON))
            return [told, SaveCall(call.record())]
        lawyer.move(LawyerState.AVAILABLE if lawyer.on_duty else LawyerState.OFFLINE)
        return [self._duty_state(lawyer), SaveCall(call.record())]

    def _end_away(self, call: Call, now: float) -> list[Action]:
        """A side did not rejoin in time: the call ends as disconnected by the side that left first."""
        first_away = min(call.away_until, key=lambda side: (call.away_until[side], side))
        ended_by = EndedBy.KIOSK if first_away == Role.KIOSK.value else EndedBy.LAWYER
        hangup = Hangup(call.call_id, EndReason.DISCONNECTED.value)
        actions: list[Action] = []
        kiosk = self.kiosks.get(call.kiosk_id)
        if kiosk is not None and kiosk.online:  # also one back but never rejoined: it learns the end
            actions.append(SendToKiosk(call.kiosk_id, hangup))
        lawyer = self.lawyers.get(call.lawyer_id) if call.lawyer_id is not None else None
        if lawyer is not None and lawyer.online:
            actions.append(SendToLawyer(lawyer.lawyer_id, hangup))
        return actions + self._finish(call, EndReason.DISCONNECTED, ended_by, now)

    def _leave_wrap_up(self, lawyer: Lawyer, now: float) -> list[Action]:
        lawyer.move(LawyerState.AVAILABLE if lawyer.on_duty else LawyerState.OFFLINE)
        lawyer.idle_since = now
        return [self._duty_state(lawyer)]

    def _tell_lawyers_call_over(self, call: Call, reason: str) -> list[Action]:
        """The kiosk side ended the call: ringing lawyers get RingCancelled, a connected one Hangup."""
        if call.state is CallState.RINGING:
            return [SendToLawyer(i, RingCancelled(call.call_id, reason)) for i in sorted(call.ringing)]
        if call.state is CallState.CONNECTED and call.lawyer_id in self.lawyers:
            return [SendToLawyer(call.lawyer_id, Hangup(call.call_id, reason))]
        return []

    def _no_lawyer(self, call: Call, reason: NoLawyerReason, now: float) -> list[Action]:
        call.no_lawyer_reason = reason.value
        tell = NoLawyerAvailable(call.request_id, call.call_id, self.hotline, reason.value, True)
        ended = self._finish(call, EndReason.NO_LAWYER, EndedBy.SERVER, now)
        return [SendToKiosk(call.kiosk_id, tell), *ended]

    def _finish(self, call: Call, outcome: EndReason, ended_by: EndedBy, now: float) -> list[Action]:
        """End a call: free its lawyers and kiosk, remember it briefly, record it."""
        was_connected = call.state is CallState.CONNECTED
        actions: list[Action] = []
        for lawyer_id in sorted(call.ringing):
            ringing = self.lawyers[lawyer_id]
            ringing.call_id = None
            ringing.move(LawyerState.AVAILABLE if ringing.on_duty else LawyerState.OFFLINE)
            actions.append(self._duty_state(ringing))
        call.ringing = set()
        call.away_until.clear()
        call.move(CallState.ENDED)
        call.ended_at = now
        call.outcome = outcome
        call.ended_by = ended_by
        call.offer_sdp = call.answer_sdp = None
        call.early_candidates.clear()
        if call.call_id in self._queue:
            self._queue.remove(call.call_id)
        self.reporter.forget(call.call_id)
        lawyer = self.lawyers.get(call.lawyer_id) if call.lawyer_id is not None else None
        if was_connected and lawyer is not None and lawyer.call_id == call.call_id:
            lawyer.call_id = None
            self.reporter.handled(now - (call.answered_at or now) + self.wrap_up_s)
            if not lawyer.online:  # dropped mid-call and never came back: they leave the pool now
                lawyer.move(LawyerState.OFFLINE)
                del self.lawyers[lawyer.lawyer_id]
            elif self.wrap_up_s > 0:
                lawyer.move(LawyerState.WRAP_UP)
                lawyer.wrap_up_until = now + self.wrap_up_s
            else:
                lawyer.move(LawyerState.AVAILABLE if lawyer.on_duty else LawyerState.OFFLINE)
            lawyer.idle_since = now
            if lawyer.online:
                actions.append(self._duty_state(lawyer))
        kiosk = self.kiosks.get(call.kiosk_id)
        if kiosk is not None and kiosk.call_id == call.call_id:
            kiosk.call_id = None
            if not kiosk.online:
                del self.kiosks[kiosk.kiosk_id]
        del self.calls[call.call_id]
        self._recent[call.call_id] = call
        while len(self._recent) > RECENT_CALLS_KEPT:
            self._recent.popitem(last=False)
        return [*actions, SaveCall(call.record())]

    @staticmethod
    def _to(role: Role, party_id: int, message: Message) -> Action:
        """Send to a kiosk or to a lawyer."""
        if role is Role.KIOSK:
            return SendToKiosk(party_id, message)
        return SendToLawyer(party_id, message)

    def _duty_state(self, lawyer: Lawyer) -> SendToLawyer:
        until = lawyer.wrap_up_until if lawyer.state is LawyerState.WRAP_UP else None
        return SendToLawyer(lawyer.lawyer_id, DutyState(lawyer.state.value, lawyer.on_duty, "", until))

    def _lawyer(self, lawyer_id: int) -> Lawyer:
        lawyer = self.lawyers.get(lawyer_id)
        if lawyer is None or not lawyer.online:
            raise IllegalTransitionError(f"lawyer {lawyer_id} is not connected")
        return lawyer

    def _kiosk(self, kiosk_id: int) -> Kiosk:
        kiosk = self.kiosks.get(kiosk_id)
        if kiosk is None or not kiosk.online:
            raise IllegalTransitionError(f"kiosk {kiosk_id} is not connected")
        return kiosk
