"""Connects WebSockets to the pool: routes client messages, carries out the pool's actions, keeps time."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable

from aiohttp import web

from config.settings import ServerSettings
from protocol.messages import (
    Accept,
    Answer,
    CallAccepted,
    CallQueued,
    CallRequest,
    CallStats,
    CancelCall,
    Decline,
    Error,
    ErrorCode,
    Hangup,
    IceCandidate,
    Message,
    Offer,
    Role,
    SetDuty,
    Topic,
    Welcome,
    encode,
)
from server.incall import InCall  # resil: in-call messages
from server.pool import Pool
from server.pool_model import (
    Action,
    CallRecord,
    IllegalTransitionError,
    PoolRefusedError,
    SaveCall,
    SendToKiosk,
    SendToLawyer,
)
from server.storage import Storage
from server.turn import ice_servers

log = logging.getLogger(__name__)

OUTGOING_QUEUE_SIZE = 256  # messages waiting for a slow client before it is dropped
SEND_TIMEOUT_S = 5.0  # one frame not written within this: the client is dropped
CLOSE_TIMEOUT_S = 2.0  # a close handshake taking longer: the TCP connection is cut
CLOSE_REPLACED = 4001  # WebSocket close code: the same account connected again elsewhere
CLOSE_TOO_SLOW = 4002  # WebSocket close code: the client did not read its messages

KIOSK_MESSAGES = (CallRequest, CancelCall, Offer, IceCandidate, Hangup, CallStats)
LAWYER_MESSAGES = (SetDuty, Accept, Decline, Answer, IceCandidate, Hangup, CallStats)


class Connection:
    """One authenticated WebSocket with its own bounded outgoing queue and writer task.

    Attributes:
        role: kiosk or lawyer.
        party_id: the kiosk's or lawyer's database id.
        client_id: the id given in Welcome and in TURN usernames ("kiosk-3", "lawyer-5").
        display_name: the terminal's name or the lawyer's name.
        detail: the terminal's village or the lawyer's law firm.
    """

    def __init__(
        self,
        ws: web.WebSocketResponse,
        role: Role,
        party_id: int,
        display_name: str,
        detail: str,
        *,
        transport: asyncio.Transport | None = None,
    ) -> None:
        self.ws = ws
        self._transport = transport
        self.role = role
        self.party_id = party_id
        self.client_id = f"{role.value}-{party_id}"
        self.display_name = display_name
        self.detail = detail
        self._outgoing: asyncio.Queue[str | None] = asyncio.Queue(OUTGOING_QUEUE_SIZE)
        self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.client_id}")
        self._closing = False
        self._close_task: asyncio.Task[None] | None = None  # held so the close runs to its end

    def send(self, message: Message) -> None:
        """Queue a message without waiting; a client too slow to keep up is disconnected."""
        if self._closing:
            return
        try:
            self._outgoing.put_nowait(encode(message))
        except asyncio.QueueFull:
            log.warning("%s does not read its messages; disconnecting it", self.client_id)
            self.close_soon(CLOSE_TOO_SLOW, "too slow")

    def close_soon(self, code: int, reason: str) -> None:
        """Close the socket from outside its reader; the reader then sees the end and leaves."""
        if self._closing:
            return
        self._closing = True
        with contextlib.suppress(asyncio.QueueFull):
            self._outgoing.put_nowait(None)
        self._close_task = asyncio.create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        """Close politely; a peer that does not even take the close frame has its connection cut."""
        try:
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), CLOSE_TIMEOUT_S)
        except (TimeoutError, ConnectionError):
            if self._transport is not None:
                self._transport.abort()

    async def stop(self) -> None:
        """Let queued messages go out (briefly), then end the writer."""
        self._closing = True
        with contextlib.suppress(asyncio.QueueFull):
            self._outgoing.put_nowait(None)
        try:
            await asyncio.wait_for(asyncio.shield(self._writer), SEND_TIMEOUT_S)
        except TimeoutError:
            self._writer.cancel()

    async def _write_loop(self) -> None:
        while (text := await self._outgoing.get()) is not None:
            if self.ws.closed:
                return
            try:
                await asyncio.wait_for(self.ws.send_str(text), SEND_TIMEOUT_S)
            except (TimeoutError, ConnectionError, RuntimeError):
                log.warning("sending to %s failed; disconnecting it", self.client_id)
                self.close_soon(CLOSE_TOO_SLOW, "too slow")
                return


class Hub:
    """All live connections of one server, the pool they drive, and the records writer."""

    def __init__(
        self,
        settings: ServerSettings,
        storage: Storage,
        pool: Pool | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self.pool = pool or Pool.from_settings(settings)
        self.clock = clock
        self.connections: dict[tuple[Role, int], Connection] = {}
        self._records: asyncio.Queue[CallRecord | None] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._records_pending = 0
        self._records_written = asyncio.Condition()
        self.incall = InCall(  # resil: redial, rejoin, link mode, help, consent (server/incall.py)
            self.pool, storage, self._perform, recording_enabled=settings.recording_enabled, clock=clock
        )

    async def start(self) -> None:
        """Start the timer (ring timeouts, longest waits) and the records writer."""
        self._tasks = [
            asyncio.create_task(self._timer_loop(), name="pool-timer"),
            asyncio.create_task(self._records_loop(), name="call-records"),
        ]

    async def stop(self) -> None:
        """Stop the timer and write every record still queued."""
        self._tasks[0].cancel()
        self._records.put_nowait(None)
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close_all(self) -> None:
        """Close every client's socket at once (server shutdown)."""
        closing = [conn.ws.close(code=1001, message=b"server shutdown") for conn in self.connections.values()]
        await asyncio.gather(*closing, return_exceptions=True)

    def join(self, conn: Connection) -> None:
        """A client authenticated: greet it and tell the pool; an older socket of the same client goes."""
        key = (conn.role, conn.party_id)
        older = self.connections.get(key)
        if older is not None:
            self.leave(older)
            older.close_soon(CLOSE_REPLACED, "connected elsewhere")
        self.connections[key] = conn
        welcome = Welcome(
            client_id=conn.client_id,
            role=conn.role.value,
            display_name=conn.display_name,
            hotline=self.settings.hotline,
            server_time=self.clock(),
        )
        conn.send(welcome)
        if conn.role is Role.KIOSK:
            self._perform(self.pool.kiosk_connected(conn.party_id, conn.display_name, conn.detail))
        else:
            self._perform(self.pool.lawyer_connected(conn.party_id, conn.display_name, conn.detail))
        log.info("%s connected", conn.client_id)

    def leave(self, conn: Connection) -> None:
        """A client's socket closed (or was replaced): the pool re-offers or ends its call."""
        key = (conn.role, conn.party_id)
        if self.connections.get(key) is not conn:
            return
        del self.connections[key]
        now = self.clock()
        if conn.role is Role.KIOSK:
            self._perform(self.pool.kiosk_disconnected(conn.party_id, now))
        else:
            self._perform(self.pool.lawyer_disconnected(conn.party_id, now))
        self._wake.set()
        log.info("%s disconnected", conn.client_id)

    def handle(self, conn: Connection, message: Message) -> None:
        """One decoded message from a client: route it to the pool, answer refusals with Error."""
        if self.incall.handles(message):  # resil: in-call messages go to server/incall.py
            self.incall.handle(conn, message)
            return
        allowed = KIOSK_MESSAGES if conn.role is Role.KIOSK else LAWYER_MESSAGES
        if not isinstance(message, allowed):
            text = f"{'终端' if conn.role is Role.KIOSK else '律师'}不能发送 {message.TYPE} 消息。"
            conn.send(Error(ErrorCode.FORBIDDEN.value, text, getattr(message, "call_id", None)))
            return
        try:
            actions = self._route(conn, message, self.clock())
        except PoolRefusedError as exc:
            conn.send(Error(exc.code.value, exc.message, exc.call_id))
            return
        except IllegalTransitionError:
            log.exception("the pool refused a state change for %s's %s", conn.client_id, message.TYPE)
            conn.send(Error(ErrorCode.WRONG_STATE.value, "服务器暂时处理不了这个请求，请稍后再试。"))
            return
        self._perform(actions)
        self._wake.set()

    def _route(self, conn: Connection, message: Message, now: float) -> list[Action]:
        pool, who, role = self.pool, conn.party_id, conn.role
        match message:
            case CallRequest(request_id=request_id, topic=topic):
                if topic not in Topic.__members__.values():
                    raise PoolRefusedError(ErrorCode.MALFORMED, f"没有这个咨询类别：{topic}")
                return pool.request_call(who, request_id, topic, now)
            case CancelCall(call_id=call_id):
                return pool.cancel(who, call_id, now)
            case SetDuty(on_duty=on_duty):
                return pool.set_duty(who, on_duty, now)
            case Accept(call_id=call_id):
                return pool.accept(who, call_id, now)
            case Decline(call_id=call_id):
                return pool.decline(who, call_id, now)
            case Offer(call_id=call_id, sdp=sdp):
                return pool.offer(who, call_id, sdp)
            case Answer(call_id=call_id, sdp=sdp):
                return pool.answer(who, call_id, sdp)
            case IceCandidate():
                return pool.ice_candidate(role, who, message)
            case Hangup(call_id=call_id, reason=reason):
                return pool.hangup(role, who, call_id, reason, now)
            case CallStats(call_id=call_id, stats=stats):
                return pool.report_stats(role, who, call_id, stats)
        raise PoolRefusedError(ErrorCode.FORBIDDEN, f"不能发送 {message.TYPE} 消息。")

    def _perform(self, actions: list[Action]) -> None:
        """Carry out the pool's actions: sends go to per-client queues, records to the writer."""
        for action in actions:
            match action:
                case SendToKiosk(kiosk_id=kiosk_id, message=message):
                    self._send((Role.KIOSK, kiosk_id), message)
                case SendToLawyer(lawyer_id=lawyer_id, message=message):
                    self._send((Role.LAWYER, lawyer_id), message)
                case SaveCall(record=record):
                    self._records_pending += 1
                    self._records.put_nowait(record)
                    if record.outcome is not None:
                        log.info("call %s ended: %s by %s", record.call_id, record.outcome, record.ended_by)

    def _send(self, key: tuple[Role, int], message: Message) -> None:
        conn = self.connections.get(key)
        if conn is None:
            return
        if isinstance(message, CallQueued | CallAccepted):
            servers = ice_servers(self.settings.turn, conn.client_id, self.clock())
            message = dataclasses.replace(message, ice_servers=servers)
        conn.send(message)

    async def _timer_loop(self) -> None:
        """Wake at the pool's next deadline (or when something changed) and let it expire calls."""
        while True:
            self._wake.clear()
            deadline = self.pool.next_deadline()
            timeout = None if deadline is None else max(0.0, deadline - self.clock())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            if deadline is not None and self.clock() >= deadline:
                try:
                    self._perform(self.pool.expire(self.clock()))
                except Exception:  # a bug must not stop every later ring timeout
                    log.exception("the pool failed to expire calls")

    async def _records_loop(self) -> None:
        """Write call records in the order the pool produced them."""
        while (record := await self._records.get()) is not None:
            try:
                await self.storage.save_call(record)
            except Exception:
                log.exception("writing the record of call %s failed", record.call_id)
            async with self._records_written:
                self._records_pending -= 1
                self._records_written.notify_all()

    async def records_flushed(self) -> None:
        """Wait until every record queued so far is written (for tests and shutdown)."""
        async with self._records_written:
            await self._records_written.wait_for(lambda: self._records_pending == 0)
