"""The pool's relay between the two sides of a call: SDP, ICE, stats, and notes and rating after it."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from protocol.messages import Answer, ErrorCode, IceCandidate, Offer, Role
from server.pool_model import Action, Call, CallState, PoolRefusedError, SaveCall, SendToKiosk, SendToLawyer

EARLY_CANDIDATES_KEPT = 64  # kiosk ICE candidates buffered until a lawyer accepts
MAX_NOTES_CHARS = 2000


class CallRelay:
    """Finding a party's call and relaying between the sides; mixed into server.pool.Pool."""

    calls: dict[str, Call]  # calls not yet ended
    _recent: OrderedDict[str, Call]  # calls ended lately

    # ---- after the call: notes and rating --------------------------------------------------------

    def call_notes(self, lawyer_id: int, call_id: str, notes: str) -> list[Action]:
        """The lawyer who answered a call writes (or rewrites) its short notes."""
        call = self.find_call(call_id)
        if call is None or call.lawyer_id != lawyer_id or call.answered_at is None:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "只能为自己接听的通话写记录。", call_id)
        if len(notes) > MAX_NOTES_CHARS:
            raise PoolRefusedError(ErrorCode.MALFORMED, f"记录太长，请不超过 {MAX_NOTES_CHARS} 字。", call_id)
        call.notes = notes
        return [SaveCall(call.record())]

    def rate(self, kiosk_id: int, call_id: str, score: int) -> list[Action]:
        """The villager rates an answered call 1..3 (the last rating counts)."""
        call = self.find_call(call_id)
        if call is None or call.kiosk_id != kiosk_id or call.answered_at is None:
            raise PoolRefusedError(ErrorCode.NOT_FOUND, "没有这个通话。", call_id)
        if not 1 <= score <= 3:
            raise PoolRefusedError(ErrorCode.MALFORMED, "评价只能是 1、2 或 3。", call_id)
        call.rating = score
        return [SaveCall(call.record())]

    # ---- signaling relay -------------------------------------------------------------------------

    def offer(self, kiosk_id: int, call_id: str, sdp: str) -> list[Action]:
        """Store the kiosk's SDP offer; pass it on now if a lawyer has accepted.

        The same offer again after the lawyer answered it means the kiosk missed the answer (its node
        died with it): the kiosk hears the answer again."""
        call = self._live_call(Role.KIOSK, kiosk_id, call_id)
        if call.state is CallState.CONNECTED and call.answer_sdp is not None and sdp == call.offer_sdp:
            return [SendToKiosk(call.kiosk_id, Answer(call_id, call.answer_sdp))]
        call.offer_sdp = sdp
        if call.state is CallState.CONNECTED and call.lawyer_id is not None:
            return [SendToLawyer(call.lawyer_id, Offer(call_id, sdp))]
        return []

    def answer(self, lawyer_id: int, call_id: str, sdp: str) -> list[Action]:
        """Pass the lawyer's SDP answer to the kiosk."""
        call = self._live_call(Role.LAWYER, lawyer_id, call_id)
        if call.state is not CallState.CONNECTED or call.lawyer_id != lawyer_id:
            raise PoolRefusedError(ErrorCode.WRONG_STATE, "请先接听再发送应答。", call_id)
        call.answer_sdp = sdp
        return [SendToKiosk(call.kiosk_id, Answer(call_id, sdp))]

    def ice_candidate(self, role: Role, party_id: int, candidate: IceCandidate) -> list[Action]:
        """Relay a trickled candidate to the other side; the kiosk's early ones wait for the accept."""
        call = self._live_call(role, party_id, candidate.call_id)
        if role is Role.LAWYER:
            if call.state is not CallState.CONNECTED or call.lawyer_id != party_id:
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

    # ---- finding a party's call ----------------------------------------------------------------

    def find_call(self, call_id: str) -> Call | None:
        """A live or recently ended call."""
        return self.calls.get(call_id) or self._recent.get(call_id)

    @staticmethod
    def _is_party(call: Call, role: Role, party_id: int) -> bool:
        if role is Role.KIOSK:
            return call.kiosk_id == party_id
        if role is Role.LAWYER:
            return call.lawyer_id == party_id or party_id in call.offered_to
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
