"""The lawyer pool: who is on duty and which call rings whom; pure logic returning actions, no I/O."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from config.settings import ServerSettings
from protocol.messages import (
    Answer,
    CallAccepted,
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
)

RECENT_CALLS_KEPT = 1000  # ended calls remembered for late stats and crossing hang-ups
EARLY_CANDIDATES_KEPT = 64  # kiosk ICE candidates buffered until a lawyer accepts


def _new_call_id() -> str:
    return uuid.uuid4().hex


class Pool:
    """Lawyers, kiosks and calls of one centre. Every method takes `now` and returns actions."""

    def __init__(
        self,
        *,
        ring_timeout_s: float,
        max_wait_s: float,
        hotline: str,
        new_call_id: Callable[[], str] = _new_call_id,
    ) -> None:
        self.ring_timeout_s = ring_timeout_s
        self.max_wait_s = max_wait_s
        self.hotline = hotline
        self._new_call_id = new_call_id
        self.lawyers: dict[int, Lawyer] = {}
        self.kiosks: dict[int, Kiosk] = {}
        self.calls: dict[str, Call] = {}  # calls not yet ended
        self._queue: list[str] = []  # unconnected calls in order of request
        self._recent: OrderedDict[str, Call] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> Pool:
        """A pool using the server's settings."""
        return cls(
            ring_timeout_s=settings.ring_timeout_s,
            max_wait_s=settings.max_wait_s,
            hotline=settings.hotline,
        )

    # ---- presence ------------------------------------------------------------------------------

    def lawyer_connected(self, lawyer_id: int, display_name: str, law_firm: str) -> list[Action]:
        """A lawyer's connection opened; they start off duty."""
        if lawyer_id in self.lawyers:
            raise IllegalTransitionError(f"lawyer {lawyer_id} is already connected")
        lawyer = Lawyer(lawyer_id, display_name, law_firm)
        self.lawyers[lawyer_id] = lawyer
        return [self._duty_state(lawyer)]

    def lawyer_disconnected(self, lawyer_id: int, now: float) -> list[Action]:
        """A lawyer's connection closed: re-offer a ringing call, end a connected one."""
        lawyer = self.lawyers.get(lawyer_id)
        if lawyer is None:
            return []
        lawyer.on_duty = False
        actions: list[Action] = []
        call = self.calls.get(lawyer.call_id) if lawyer.call_id else None
        if call is not None and call.state is CallState.RINGING:
            actions += self._withdraw_ring(call, lawyer, "disconnected", now)
        elif call is not None and call.state is CallState.CONNECTED:
            actions.append(SendToKiosk(call.kiosk_id, Hangup(call.call_id, EndReason.DISCONNECTED.value)))
            actions += self._finish(call, EndReason.DISCONNECTED, EndedBy.LAWYER, now)
        del self.lawyers[lawyer_id]
        return actions + self._dispatch(now)

    def kiosk_connected(self, kiosk_id: int, name: str, village: str) -> list[Action]:
        """A kiosk's connection opened."""
        if kiosk_id in self.kiosks:
            raise IllegalTransitionError(f"kiosk {kiosk_id} is already connected")
        self.kiosks[kiosk_id] = Kiosk(kiosk_id, name, village)
        return []

    def kiosk_disconnected(self, kiosk_id: int, now: float) -> list[Action]:
        """A kiosk's connection closed: its call ends and the lawyer is told."""
        kiosk = self.kiosks.pop(kiosk_id, None)
        if kiosk is None or kiosk.call_id is None:
            return []
        call = self.calls[kiosk.call_id]
        actions = self._tell_lawyer_call_over(call, EndReason.DISCONNECTED.value)
        return actions + self._finish(call, EndReason.DISCONNECTED, EndedBy.KIOSK, now) + self._dispatch(now)

    def set_duty(self, lawyer_id: int, on_duty: bool, now: float) -> list[Action]:
        """A lawyer goes on or off duty; a call ringing them is offered to the next lawyer."""
        lawyer = self._lawyer(lawyer_id)
        actions: list[Action] = []
        if on_duty and not lawyer.on_duty:
            lawyer.on_duty = True
            if lawyer.state is LawyerState.OFFLINE:
                lawyer.move(LawyerState.AVAILABLE)
                lawyer.idle_since = now
        elif not on_duty and lawyer.on_duty:
            lawyer.on_duty = False
            if lawyer.state is LawyerState.RINGING:
                call = self.calls[lawyer.call_id or ""]
                actions.append(SendToLawyer(lawyer_id, RingCancelled(call.call_id, "off_duty")))
                actions += self._withdraw_ring(call, lawyer, "off_duty", now)  # reports the state
                return actions + self._dispatch(now)
            if lawyer.state is LawyerState.AVAILABLE:
                lawyer.move(LawyerState.OFFLINE)
        actions.append(self._duty_state(lawyer))
        return actions + self._dispatch(now)

    # ---- a call's life ---------------------------------------------------------------------------

    def request_call(self, kiosk_id: int, request_id: str, topic: str, now: float) -> list[Action]:
        """A villager tapped 律师视频: queue the call and ring a lawyer, or say nobody is on duty."""
        kiosk = self._kiosk(kiosk_id)
        if kiosk.call_id is not None:
            raise PoolRefusedError(ErrorCode.WRONG_STATE, "这台终端已经在通话或等待中。", kiosk.call_id)
        call = Call(
            call_id=self._new_call_id(),
            kiosk_id=kiosk_id,
            request_id=request_id,
            topic=topic,
            requested_at=now,
            wait_deadline=now + self.max_wait_s,
        )
        self.calls[call.call_id] = call
        kiosk.call_id = call.call_id
        if not any(lawyer.on_duty for lawyer in self.lawyers.values()):
            return self._no_lawyer(call, NoLawyerReason.NOBODY_ON_DUTY, now)
        self._queue.append(call.call_id)
        queued = CallQueued(request_id, call.call_id, position=len(self._queue))
        return [SendToKiosk(kiosk_id, queued), SaveCall(call.record()), *self._dispatch(now)]

    def cancel(self, kiosk_id: int, call_id: str, now: float) -> list[Action]:
        """The villager gives up before anyone answered."""
        call = self._own_call(Role.KIOSK, kiosk_id, call_id)
        if call is None:
            return []  # already over: a cancel crossing the end is harmless
        if call.state is CallState.CONNECTED:
            raise PoolRefusedError(ErrorCode.WRONG_STATE, "通话已经接通，请用挂断结束。", call_id)
        actions = self._tell_lawyer_call_over(call, EndReason.CANCELLED.value)
        return actions + self._finish(call, EndReason.CANCELLED, EndedBy.KIOSK, now) + self._dispatch(now)

    def accept(self, lawyer_id: int, call_id: str, now: float) -> list[Action]:
        """The ringing lawyer answers: both sides learn who is on the other end."""
        lawyer = self._lawyer(lawyer_id)
        call = self.calls.get(call_id)
        if call is None or call.state is not CallState.RINGING or call.lawyer_id != lawyer_id:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "这个来电已经结束或转给了其他律师。", call_id)
        kiosk = self.kiosks[call.kiosk_id]
        call.move(CallState.CONNECTED)
        lawyer.move(LawyerState.IN_CALL)
        call.answered_at = now
        self._queue.remove(call_id)
        actions: list[Action] = [
            SendToKiosk(kiosk.kiosk_id, CallAccepted(call_id, lawyer.display_name, lawyer.law_firm)),
            SendToLawyer(lawyer_id, CallAccepted(call_id, kiosk.name, kiosk.village)),
        ]
        if call.offer_sdp is not None:
            actions.append(SendToLawyer(lawyer_id, Offer(call_id, call.offer_sdp)))
            actions += [SendToLawyer(lawyer_id, c) for c in call.early_candidates]
            call.early_candidates.clear()
        actions += [self._duty_state(lawyer), SaveCall(call.record())]
        return actions

    def decline(self, lawyer_id: int, call_id: str, now: float) -> list[Action]:
        """The ringing lawyer declines: the call goes to the next lawyer."""
        lawyer = self._lawyer(lawyer_id)
        call = self._own_call(Role.LAWYER, lawyer_id, call_id)
        if call is None or call.lawyer_id != lawyer_id:
            return []  # the ring ended already (timeout, cancel): declining it is harmless
        if call.state is CallState.CONNECTED:
            raise PoolRefusedError(ErrorCode.WRONG_STATE, "通话已经接通，请用挂断结束。", call_id)
        return self._withdraw_ring(call, lawyer, "declined", now) + self._dispatch(now)

    def hangup(self, role: Role, party_id: int, call_id: str, reason: str, now: float) -> list[Action]:
        """Either side ends the call; before it connects this means cancel (kiosk) or decline (lawyer)."""
        call = self._own_call(role, party_id, call_id)
        if call is None:
            return []  # both sides hung up at once, or the call ended already
        if call.state is not CallState.CONNECTED:
            if role is Role.KIOSK:
                return self.cancel(party_id, call_id, now)
            return self.decline(party_id, call_id, now)
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
        return [other, *self._finish(call, outcome, ended_by, now), *self._dispatch(now)]

    # ---- signaling relay -------------------------------------------------------------------------

    def offer(self, kiosk_id: int, call_id: str, sdp: str) -> list[Action]:
        """Store the kiosk's SDP offer; pass it on now if a lawyer has accepted."""
        call = self._live_call(Role.KIOSK, kiosk_id, call_id)
        call.offer_sdp = sdp
        if call.state is CallState.CONNECTED and call.lawyer_id is not None:
            return [SendToLawyer(call.lawyer_id, Offer(call_id, sdp))]
        return []

    def answer(self, lawyer_id: int, call_id: str, sdp: str) -> list[Action]:
        """Pass the lawyer's SDP answer to the kiosk."""
        call = self._live_call(Role.LAWYER, lawyer_id, call_id)
        if call.state is not CallState.CONNECTED:
            raise PoolRefusedError(ErrorCode.WRONG_STATE, "请先接听再发送应答。", call_id)
        return [SendToKiosk(call.kiosk_id, Answer(call_id, sdp))]

    def ice_candidate(self, role: Role, party_id: int, candidate: IceCandidate) -> list[Action]:
        """Relay a trickled candidate to the other side; the kiosk's early ones wait for the accept."""
        call = self._live_call(role, party_id, candidate.call_id)
        if role is Role.LAWYER:
            if call.state is not CallState.CONNECTED:
                raise PoolRefusedError(ErrorCode.WRONG_STATE, "请先接听。", call.call_id)
            return [SendToKiosk(call.kiosk_id, candidate)]
        if call.state is CallState.CONNECTED and call.offer_sdp is not None and call.lawyer_id is not None:
            return [SendToLawyer(call.lawyer_id, candidate)]
        if len(call.early_candidates) >= EARLY_CANDIDATES_KEPT:
            raise PoolRefusedError(ErrorCode.RATE_LIMITED, "候选地址太多。", call.call_id)
        call.early_candidates.append(candidate)
        return []

    def report_stats(self, role: Role, party_id: int, call_id: str, stats: dict[str, Any]) -> list[Action]:
        """Keep a side's media figures on the call record (also shortly after the call ended)."""
        call = self.calls.get(call_id) or self._recent.get(call_id)
        if call is None or not self._is_party(call, role, party_id):
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "没有这个通话。", call_id)
        call.stats[role.value] = stats
        return [SaveCall(call.record())]

    # ---- time ------------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """When `expire` next has something to do, or None."""
        deadlines = [
            call.ring_deadline if call.state is CallState.RINGING else call.wait_deadline
            for call in (self.calls[call_id] for call_id in self._queue)
        ]
        return min(deadlines, default=None)

    def expire(self, now: float) -> list[Action]:
        """Pass on calls whose ring timed out; end calls that waited too long (a ringing one rings out)."""
        actions: list[Action] = []
        for call_id in list(self._queue):
            call = self.calls[call_id]
            if call.state is CallState.RINGING and call.ring_deadline <= now:
                lawyer = self.lawyers[call.lawyer_id or 0]
                actions.append(SendToLawyer(lawyer.lawyer_id, RingCancelled(call_id, "timeout")))
                actions += self._withdraw_ring(call, lawyer, "timeout", now)
        return actions + self._dispatch(now)

    # ---- views for the server and tests ----------------------------------------------------------

    def queue_position(self, call_id: str) -> int:
        """1-based place among calls not yet answered, 0 when not queued."""
        return self._queue.index(call_id) + 1 if call_id in self._queue else 0

    def find_call(self, call_id: str) -> Call | None:
        """A live or recently ended call."""
        return self.calls.get(call_id) or self._recent.get(call_id)

    # ---- internals -------------------------------------------------------------------------------

    def _dispatch(self, now: float) -> list[Action]:
        """Offer waiting calls, oldest first, to the longest-idle free lawyer who has not had them."""
        actions: list[Action] = []
        for call_id in list(self._queue):
            call = self.calls[call_id]
            if call.state is not CallState.WAITING:
                continue
            on_duty = [lawyer for lawyer in self.lawyers.values() if lawyer.on_duty]
            untried = [lawyer for lawyer in on_duty if lawyer.lawyer_id not in call.tried_ids()]
            if not on_duty:
                actions += self._no_lawyer(call, NoLawyerReason.NOBODY_ON_DUTY, now)
            elif not untried:
                actions += self._no_lawyer(call, NoLawyerReason.NOBODY_ANSWERED, now)
            elif call.wait_deadline <= now:
                actions += self._no_lawyer(call, NoLawyerReason.WAIT_TOO_LONG, now)
            else:
                free = [lawyer for lawyer in untried if lawyer.state is LawyerState.AVAILABLE]
                if free:
                    chosen = min(free, key=lambda lawyer: (lawyer.idle_since, lawyer.lawyer_id))
                    actions += self._ring(call, chosen, now)
        return actions

    def _ring(self, call: Call, lawyer: Lawyer, now: float) -> list[Action]:
        kiosk = self.kiosks[call.kiosk_id]
        call.move(CallState.RINGING)
        lawyer.move(LawyerState.RINGING)
        call.lawyer_id = lawyer.lawyer_id
        lawyer.call_id = call.call_id
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
        )
        return [SendToLawyer(lawyer.lawyer_id, ring), self._duty_state(lawyer), SaveCall(call.record())]

    def _withdraw_ring(self, call: Call, lawyer: Lawyer, reason: str, now: float) -> list[Action]:
        """The call stops ringing this lawyer and waits again; it never rings them again."""
        call.move(CallState.WAITING)
        call.lawyer_id = None
        call.tried.append({"lawyer_id": lawyer.lawyer_id, "reason": reason, "at": now})
        lawyer.call_id = None
        lawyer.move(LawyerState.AVAILABLE if lawyer.on_duty else LawyerState.OFFLINE)
        return [self._duty_state(lawyer), SaveCall(call.record())]

    def _tell_lawyer_call_over(self, call: Call, reason: str) -> list[Action]:
        """The kiosk side ended the call: the ringing lawyer gets RingCancelled, a connected one Hangup."""
        if call.lawyer_id is None or call.lawyer_id not in self.lawyers:
            return []
        if call.state is CallState.RINGING:
            return [SendToLawyer(call.lawyer_id, RingCancelled(call.call_id, reason))]
        return [SendToLawyer(call.lawyer_id, Hangup(call.call_id, reason))]

    def _no_lawyer(self, call: Call, reason: NoLawyerReason, now: float) -> list[Action]:
        tell = NoLawyerAvailable(call.request_id, call.call_id, self.hotline, reason.value)
        ended = self._finish(call, EndReason.NO_LAWYER, EndedBy.SERVER, now)
        return [SendToKiosk(call.kiosk_id, tell), *ended]

    def _finish(self, call: Call, outcome: EndReason, ended_by: EndedBy, now: float) -> list[Action]:
        """End a call: free its lawyer and kiosk, remember it briefly, record it."""
        was_connected = call.state is CallState.CONNECTED
        call.move(CallState.ENDED)
        call.ended_at = now
        call.outcome = outcome
        call.ended_by = ended_by
        call.offer_sdp = None
        call.early_candidates.clear()
        if call.call_id in self._queue:
            self._queue.remove(call.call_id)
        actions: list[Action] = []
        lawyer = self.lawyers.get(call.lawyer_id) if call.lawyer_id is not None else None
        if lawyer is not None and lawyer.call_id == call.call_id:
            lawyer.call_id = None
            lawyer.move(LawyerState.AVAILABLE if lawyer.on_duty else LawyerState.OFFLINE)
            if was_connected:
                lawyer.idle_since = now
            actions.append(self._duty_state(lawyer))
        kiosk = self.kiosks.get(call.kiosk_id)
        if kiosk is not None and kiosk.call_id == call.call_id:
            kiosk.call_id = None
        del self.calls[call.call_id]
        self._recent[call.call_id] = call
        while len(self._recent) > RECENT_CALLS_KEPT:
            self._recent.popitem(last=False)
        return [*actions, SaveCall(call.record())]

    def _duty_state(self, lawyer: Lawyer) -> SendToLawyer:
        return SendToLawyer(lawyer.lawyer_id, DutyState(lawyer.state.value, lawyer.on_duty))

    def _lawyer(self, lawyer_id: int) -> Lawyer:
        lawyer = self.lawyers.get(lawyer_id)
        if lawyer is None:
            raise IllegalTransitionError(f"lawyer {lawyer_id} is not connected")
        return lawyer

    def _kiosk(self, kiosk_id: int) -> Kiosk:
        kiosk = self.kiosks.get(kiosk_id)
        if kiosk is None:
            raise IllegalTransitionError(f"kiosk {kiosk_id} is not connected")
        return kiosk

    @staticmethod
    def _is_party(call: Call, role: Role, party_id: int) -> bool:
        if role is Role.KIOSK:
            return call.kiosk_id == party_id
        if role is Role.LAWYER:
            return call.lawyer_id == party_id or party_id in call.tried_ids()
        return False

    def _own_call(self, role: Role, party_id: int, call_id: str) -> Call | None:
        """The caller's live call, None if it is their call but already ended; refuse anyone else's."""
        live = self.calls.get(call_id)
        if live is not None and self._is_party(live, role, party_id):
            return live
        ended = self._recent.get(call_id)
        if ended is not None and self._is_party(ended, role, party_id):
            return None
        raise PoolRefusedError(ErrorCode.NOT_FOUND, "没有这个通话。", call_id)

    def _live_call(self, role: Role, party_id: int, call_id: str) -> Call:
        call = self._own_call(role, party_id, call_id)
        if call is None:
            raise PoolRefusedError(ErrorCode.WRONG_STATE, "这个通话已经结束。", call_id)
        return call
