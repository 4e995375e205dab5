"""Messages inside a connected call: redial after a stall, rejoin after a restart, link mode, help, consent.

The hub hands these messages here. A call is "in progress" when the pool has it CONNECTED, or when it
was adopted: after a server restart the pool is empty, so the first `Rejoin` of a side re-creates the
call from its stored record (answered, not ended, or ended only because the old server went away
within REJOIN_WINDOW_S). An adopted call is relayed and recorded here until either side hangs up.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from protocol.messages import (
    CallEnded,
    CallStats,
    ContentKind,
    EndReason,
    Error,
    ErrorCode,
    FormPatch,
    Hangup,
    LinkMode,
    MediaMode,
    Message,
    PushContent,
    RecordingConsent,
    Redial,
    RedialAnswer,
    Rejoin,
    Rejoined,
    Role,
)
from server.pool import Pool
from server.pool_model import (
    Action,
    CallRecord,
    CallState,
    PoolRefusedError,
    SaveCall,
    SendToKiosk,
    SendToLawyer,
)
from server.storage import Storage

log = logging.getLogger(__name__)

REJOIN_WINDOW_S = 120.0  # a call the old server saw drop this recently may be rejoined
MAX_FIELD_VALUE = 4000  # characters in one co-filled form field

IN_CALL_MESSAGES = (Redial, RedialAnswer, Rejoin, MediaMode, PushContent, FormPatch, RecordingConsent)
LAWYER_ONLY = (RedialAnswer, PushContent)
KIOSK_ONLY: tuple[type[Message], ...] = ()

NOT_IN_CALL = "这个通话已经结束。"
RECORDING_OFF = "本中心没有开通通话录音。"
RECORDING_NOT_FOR_TOPIC = "这类事项不录音。"


class Client(Protocol):
    """The side of a connection incall needs (server.hub.Connection)."""

    role: Role
    party_id: int

    def send(self, message: Message) -> None:
        """Queue a message to this client."""


@dataclass
class AdoptedCall:
    """A connected call re-created from its record after a server restart."""

    record: CallRecord
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parties:
    """Who is in a call in progress."""

    call_id: str
    kiosk_id: int
    lawyer_id: int
    stats: dict[str, Any]  # the call's stats dict (the pool's own, or the adopted call's)


class InCall:
    """Validates and relays in-call messages; re-attaches calls after a restart."""

    def __init__(
        self,
        pool: Pool,
        storage: Storage,
        perform: Callable[[list[Action]], None],
        *,
        recording_enabled: bool = False,
        recording_topics: frozenset[str] = frozenset(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.pool = pool
        self.storage = storage
        self.recording_enabled = recording_enabled
        self.recording_topics = recording_topics  # empty: every topic may be recorded
        self._perform = perform
        self._clock = clock
        self.adopted: dict[str, AdoptedCall] = {}
        self._consent: dict[str, dict[str, bool]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def handles(self, message: Message) -> bool:
        """True for in-call messages, for hang-ups and stats of adopted calls, and for hang-ups of
        calls the pool does not know (a restart, or a Hangup sent again after the call ended)."""
        if isinstance(message, IN_CALL_MESSAGES):
            return True
        if isinstance(message, Hangup | CallStats) and message.call_id in self.adopted:
            return True
        return isinstance(message, Hangup) and self.pool.find_call(message.call_id) is None

    def handle(self, conn: Client, message: Message) -> None:
        """Handle one message from a client; refusals are answered with Error."""
        if isinstance(message, Rejoin):
            self._spawn(self._rejoin(conn, message.call_id))
            return
        call_id = str(getattr(message, "call_id", ""))
        if isinstance(message, Hangup) and call_id not in self.adopted:
            self._spawn(self._late_hangup(conn, message))
            return
        parties = self._parties(call_id)
        if parties is None or not _is_party(parties, conn):
            conn.send(Error(ErrorCode.NOT_FOUND.value, NOT_IN_CALL, call_id))
            return
        if conn.role is not Role.LAWYER and isinstance(message, LAWYER_ONLY):
            conn.send(Error(ErrorCode.FORBIDDEN.value, f"终端不能发送 {message.TYPE} 消息。", call_id))
            return
        problem = _invalid(message)
        if problem:
            conn.send(Error(ErrorCode.MALFORMED.value, problem, call_id))
            return
        if isinstance(message, RecordingConsent):
            self._perform(self._consent_given(conn, parties, message))
        elif isinstance(message, Hangup):
            if not self._ended(call_id):  # a repeated Hangup changes nothing
                self._perform(self._end_adopted(conn, parties, message))
            conn.send(CallEnded(call_id))
        elif isinstance(message, CallStats):
            parties.stats[conn.role.value] = message.stats
            self._perform([SaveCall(self._adopted_record(call_id))])
        else:
            if isinstance(message, FormPatch) and not message.origin:
                message = dataclasses.replace(message, origin=conn.role.value)
            self._perform([_to_other(parties, conn, message)])

    # ---- calls in progress ---------------------------------------------------------------------

    def _parties(self, call_id: str) -> Parties | None:
        call = self.pool.find_call(call_id)
        if call is not None and call.state is CallState.CONNECTED and call.lawyer_id is not None:
            return Parties(call_id, call.kiosk_id, call.lawyer_id, call.stats)
        adopted = self.adopted.get(call_id)
        if adopted is not None and adopted.record.lawyer_id is not None:
            return Parties(call_id, adopted.record.kiosk_id, adopted.record.lawyer_id, adopted.stats)
        return None

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _rejoin(self, conn: Client, call_id: str) -> None:
        """Confirm the call, adopting it from its stored record when this server does not know it."""
        parties = self._parties(call_id)
        if parties is not None and _is_party(parties, conn) and call_id not in self.adopted:
            try:  # back within the pool's grace after a signaling drop: the call goes on
                self._perform(self.pool.rejoin(conn.role, conn.party_id, call_id, self._clock()))
            except PoolRefusedError:
                parties = None
        if parties is None and self.pool.find_call(call_id) is None:  # unknown here: a restart?
            await self._adopt(call_id)
            parties = self._parties(call_id)
        ok = parties is not None and _is_party(parties, conn) and not self._ended(call_id)
        conn.send(Rejoined(call_id=call_id, ok=ok))

    async def _adopt(self, call_id: str) -> None:
        """Re-create a call from its stored record, if it may still be in progress."""
        record = await self.storage.get_call(call_id)
        if call_id in self.adopted or self.pool.find_call(call_id) is not None:
            return  # taken back (or ended) by another message while the record was read
        if record is not None and self._may_adopt(record):
            self.adopted[call_id] = AdoptedCall(
                dataclasses.replace(record, outcome=None, ended_at=None, ended_by=None),
                {**record.stats, "rejoined": True},
            )
            log.info("call %s adopted after a restart", call_id)

    def _ended(self, call_id: str) -> bool:
        """An adopted call that has ended (kept a while for late stats)."""
        adopted = self.adopted.get(call_id)
        return adopted is not None and adopted.record.outcome is not None

    async def _late_hangup(self, conn: Client, message: Hangup) -> None:
        """A Hangup for a call the pool does not know: end it from its record if it was still in
        progress (the server restarted), else it ended already; either way the sender hears CallEnded."""
        call_id = message.call_id
        if call_id not in self.adopted:
            await self._adopt(call_id)
        if self.pool.find_call(call_id) is not None:  # the pool knows it after all
            now = self._clock()
            try:
                self._perform(self.pool.hangup(conn.role, conn.party_id, call_id, message.reason, now))
            except PoolRefusedError as exc:
                conn.send(Error(exc.code.value, exc.message, call_id))
            return
        parties = self._parties(call_id)
        if parties is not None and not _is_party(parties, conn):
            conn.send(Error(ErrorCode.NOT_FOUND.value, NOT_IN_CALL, call_id))
            return
        if parties is not None and not self._ended(call_id):
            self._perform(self._end_adopted(conn, parties, message))
        conn.send(CallEnded(call_id))

    def _may_adopt(self, record: CallRecord) -> bool:
        if record.answered_at is None or record.lawyer_id is None:
            return False
        if record.outcome is None:
            return True
        if record.stats.get("rejoin_timed_out"):
            return False  # the side did not come back within the grace: the call is really over
        recent = record.ended_at is not None and self._clock() - record.ended_at < REJOIN_WINDOW_S
        return record.outcome == EndReason.DISCONNECTED.value and recent

    def _adopted_record(self, call_id: str) -> CallRecord:
        adopted = self.adopted[call_id]
        return dataclasses.replace(adopted.record, stats=dict(adopted.stats))

    def _end_adopted(self, conn: Client, parties: Parties, message: Hangup) -> list[Action]:
        adopted = self.adopted.pop(parties.call_id)
        try:
            outcome = EndReason(message.reason).value
        except ValueError:
            outcome = EndReason.COMPLETED.value
        record = dataclasses.replace(
            adopted.record,
            ended_at=self._clock(),
            outcome=outcome,
            ended_by=conn.role.value,
            stats=dict(adopted.stats),
        )
        # Keep it briefly for the other side's late CallStats.
        self.adopted[parties.call_id] = AdoptedCall(record, adopted.stats)
        asyncio.get_running_loop().call_later(30.0, self.adopted.pop, parties.call_id, None)
        return [_to_other(parties, conn, Hangup(parties.call_id, outcome)), SaveCall(record)]

    # ---- recording consent ---------------------------------------------------------------------

    def _consent_given(self, conn: Client, parties: Parties, message: RecordingConsent) -> list[Action]:
        """The lawyer's agreement asks the villager; a refusal by either side keeps the call unrecorded."""
        if not self.recording_enabled:
            conn.send(Error(ErrorCode.FORBIDDEN.value, RECORDING_OFF, parties.call_id))
            return []
        if self.recording_topics and self._topic(parties.call_id) not in self.recording_topics:
            conn.send(Error(ErrorCode.FORBIDDEN.value, RECORDING_NOT_FOR_TOPIC, parties.call_id))
            return []
        answers = self._consent.setdefault(parties.call_id, {})
        if conn.role is Role.LAWYER and message.agreed:
            answers.pop(Role.KIOSK.value, None)  # a new request: the villager must agree to it again
        answers[conn.role.value] = message.agreed
        if not message.agreed:  # 停止录音 after both agreed keeps what was recorded; else a refusal
            stopped = parties.stats.get("recording") in ("agreed", "stopped")
            parties.stats["recording"] = "stopped" if stopped else "refused"
        elif answers.get(Role.KIOSK.value) and answers.get(Role.LAWYER.value):
            parties.stats["recording"] = "agreed"
        actions: list[Action] = [_to_other(parties, conn, message)]
        if parties.call_id in self.adopted:
            actions.append(SaveCall(self._adopted_record(parties.call_id)))
        else:
            call = self.pool.find_call(parties.call_id)
            if call is not None:
                actions.append(SaveCall(call.record()))
        return actions

    def _topic(self, call_id: str) -> str:
        call = self.pool.find_call(call_id)
        if call is not None:
            return call.topic
        adopted = self.adopted.get(call_id)
        return adopted.record.topic if adopted is not None else ""


def _is_party(parties: Parties, conn: Client) -> bool:
    if conn.role is Role.KIOSK:
        return parties.kiosk_id == conn.party_id
    return conn.role is Role.LAWYER and parties.lawyer_id == conn.party_id


def _to_other(parties: Parties, conn: Client, message: Message) -> Action:
    if conn.role is Role.KIOSK:
        return SendToLawyer(parties.lawyer_id, message)
    return SendToKiosk(parties.kiosk_id, message)


def _invalid(message: Message) -> str:
    """A plain-Chinese reason the message's values are refused, or ''."""
    if isinstance(message, MediaMode) and message.mode not in LinkMode.__members__.values():
        return f"没有这种通话模式：{message.mode}"
    if isinstance(message, PushContent) and message.kind not in ContentKind.__members__.values():
        return f"没有这种推送内容：{message.kind}"
    if isinstance(message, FormPatch) and len(message.value) > MAX_FIELD_VALUE:
        return "填写的内容太长了。"
    return ""
