"""Connects WebSockets to the pool: routes client messages, carries out the pool's actions, keeps time."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web

from config.settings import ServerSettings
from protocol.messages import (
    Accept,
    Answer,
    CallAccepted,
    CallbackDone,
    CallbackList,
    CallbackRegistered,
    CallbackRequest,
    CallNotes,
    CallQueued,
    CallRequest,
    CallStats,
    CancelCall,
    Decline,
    EndWrapUp,
    Error,
    ErrorCode,
    Hangup,
    IceCandidate,
    Message,
    Offer,
    Rating,
    ResumeCall,
    Role,
    SetDuty,
    Topic,
    Welcome,
    encode,
)
from server.gcpacer import GcPacer
from server.incall import InCall  # resil: in-call messages
from server.phone import BadPhoneError, normalise_phone
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
from server.storage_records import CallbackRecord
from server.turn import ice_servers, region_of
from server.turn_probe import TurnHealth, probe_forever

log = logging.getLogger(__name__)

OUTGOING_QUEUE_SIZE = 256  # messages waiting for a slow client before it is dropped
SEND_TIMEOUT_S = 5.0  # one frame not written within this: the client is dropped
CLOSE_TIMEOUT_S = 2.0  # a close handshake taking longer: the TCP connection is cut
CLOSE_REPLACED = 4001  # WebSocket close code: the same account connected again elsewhere
CLOSE_TOO_SLOW = 4002  # WebSocket close code: the client did not read its messages
ROSTER_RELOAD_S = 60.0  # roster edits made outside this process (CLI, another node) apply within this
RECORDS_BATCH = 100  # call records written in one transaction at most

KIOSK_MESSAGES = (
    CallRequest,
    CancelCall,
    Offer,
    IceCandidate,
    Hangup,
    CallStats,
    ResumeCall,
    CallbackRequest,
    Rating,
)
LAWYER_MESSAGES = (
    SetDuty,
    Accept,
    Decline,
    Answer,
    IceCandidate,
    Hangup,
    CallStats,
    EndWrapUp,
    CallNotes,
    CallbackDone,
)
TOPICS = frozenset(Topic.__members__.values())


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

    records_gather_s = 0.0  # after a call record, wait this long for more to write with it

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
        self._background: set[asyncio.Task[None]] = set()  # callback requests and lists in flight
        self.turn_health = TurnHealth()  # regional coturn servers the probe found dead
        self.incall = InCall(  # resil: redial, rejoin, link mode, help, consent (server/incall.py)
            self.pool,
            storage,
            self._perform,
            recording_enabled=settings.recording_enabled,
            recording_topics=frozenset(settings.recording_topics),
            clock=clock,
        )

    async def start(self) -> None:
        """Load the roster, start the timer (rings, waits, queue updates) and the records writer."""
        await self.reload_roster()
        self._tasks = [
            asyncio.create_task(self._timer_loop(), name="pool-timer"),
            asyncio.create_task(self._records_loop(), name="call-records"),
            asyncio.create_task(self._roster_loop(), name="roster-reload"),
            asyncio.create_task(GcPacer(self._no_call_waiting).run(), name="gc-pacer"),
        ]
        turn = self.settings.turn
        if turn.regions and turn.probe_s > 0:
            self._tasks.append(asyncio.create_task(probe_forever(turn, self.turn_health), name="turn-probe"))

    async def stop(self) -> None:
        """End calls still waiting for a side to rejoin, stop the timer, write every record still queued."""
        await self.background_done()
        self._perform(self.pool.end_rejoin_waits(self.clock()))
        for task in self._tasks:
            if task.get_name() != "call-records":  # the writer ends by itself once the queue is empty
                task.cancel()
        self._records.put_nowait(None)
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def reload_roster(self) -> None:
        """Give the pool the stored roster, specialties and advisers (after the console edits them)."""
        data = await self.storage.load_roster()
        self._perform(self.pool.set_roster(data.roster, data.specialties, data.advisers, self.clock()))
        self._wake.set()

    def wake(self) -> None:
        """Let the timer look at the pool's deadlines again (after the pool changed from outside)."""
        self._wake.set()

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
            self._spawn(self._send_callback_list(conn))
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
        if isinstance(message, CallbackRequest | CallbackDone):
            self._spawn(self._callback_message(conn, message))
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
                if topic not in TOPICS:
                    raise PoolRefusedError(ErrorCode.MALFORMED, f"没有这个咨询类别：{topic}")
                return pool.request_call(
                    who, request_id, topic, now, migrant_worker=message.migrant_worker, urgent=message.urgent
                )
            case ResumeCall(call_id=call_id):
                return pool.resume(who, call_id, now)
            case Rating(call_id=call_id, score=score):
                return pool.rate(who, call_id, score)
            case EndWrapUp():
                return pool.end_wrap_up(who, now)
            case CallNotes(call_id=call_id, notes=notes):
                return pool.call_notes(who, call_id, notes)
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
        """Carry out the pool's actions (and tell waiting kiosks their place): sends, then records."""
        if self.pool.calls:
            actions = actions + self.pool.queue_updates(self.clock())
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
            turn = self.settings.turn
            region = region_of(turn, conn.detail if conn.role is Role.KIOSK else None)
            servers = ice_servers(turn, conn.client_id, self.clock(), region, self.turn_health.dead)
            message = dataclasses.replace(message, ice_servers=servers)
        conn.send(message)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _callback_message(self, conn: Connection, message: CallbackRequest | CallbackDone) -> None:
        """Store a callback request or mark one done, then give every desk the new list."""
        try:
            if isinstance(message, CallbackRequest):
                if not await self._register_callback(conn, message):
                    return
            elif not await self.storage.complete_callback(
                message.callback_id, conn.party_id, message.notes[:2000], self.clock()
            ):
                conn.send(Error(ErrorCode.NOT_FOUND.value, "这个回拨已经处理过了。"))
                return
        except Exception:
            log.exception("a callback could not be stored")
            conn.send(Error(ErrorCode.WRONG_STATE.value, "服务器暂时存不下回拨请求，请拨打热线。"))
            return
        await self.broadcast_callbacks()

    async def _register_callback(self, conn: Connection, message: CallbackRequest) -> bool:
        """Validate and store; False (the kiosk told why) when the request is refused."""
        if message.topic not in TOPICS:
            conn.send(Error(ErrorCode.MALFORMED.value, f"没有这个咨询类别：{message.topic}"))
            return False
        try:
            phone = normalise_phone(message.phone)
        except BadPhoneError as exc:
            conn.send(Error(ErrorCode.MALFORMED.value, str(exc)))
            return False
        stored = await self.storage.add_callback(
            conn.party_id, phone, message.topic, self.clock(), message.call_id
        )
        conn.send(CallbackRegistered(message.request_id, stored.callback_id, stored.tracking_number))
        log.info("callback %s registered for kiosk-%d", stored.tracking_number, conn.party_id)
        return True

    async def broadcast_callbacks(self) -> None:
        """Send the open callbacks to every connected lawyer desk."""
        listing = _callback_list(await self.storage.open_callbacks())
        for (role, _), conn in list(self.connections.items()):
            if role is Role.LAWYER:
                conn.send(listing)

    async def _send_callback_list(self, conn: Connection) -> None:
        try:
            conn.send(_callback_list(await self.storage.open_callbacks()))
        except Exception:
            log.exception("the callback list could not be read")

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

    def _no_call_waiting(self) -> bool:
        """Nobody waits for a ring: a good moment for a full garbage collection."""
        return not self.pool.waiting_calls()

    async def _roster_loop(self) -> None:
        """Pick up roster edits made elsewhere (the CLI) now and then."""
        while True:
            await asyncio.sleep(ROSTER_RELOAD_S)
            try:
                await self.reload_roster()
            except Exception:
                log.exception("reloading the roster failed; keeping the one loaded before")

    async def _records_loop(self) -> None:
        """Write call records in the order the pool produced them, all those waiting in one go."""
        while True:
            batch = [await self._records.get()]
            if self.records_gather_s > 0 and batch[-1] is not None:
                await asyncio.sleep(self.records_gather_s)  # a call's records in between are replaced
            while not self._records.empty() and len(batch) < RECORDS_BATCH and batch[-1] is not None:
                batch.append(self._records.get_nowait())
            records = [r for r in batch if r is not None]
            if records:
                try:
                    await self._write_records(records)
                except Exception:
                    calls = sorted({r.call_id for r in records})
                    log.exception("writing the records of calls %s failed", calls)
                async with self._records_written:
                    self._records_pending -= len(records)
                    self._records_written.notify_all()
            if batch[-1] is None:
                return

    async def _write_records(self, records: list[CallRecord]) -> None:
        """Write call records to the database in one transaction."""
        await self.storage.save_calls(records)

    async def background_done(self) -> None:
        """Wait until callback requests and lists in flight are handled (shutdown and tests)."""
        # Only unfinished tasks: a task that has just finished stays in the set until its done
        # callback runs, and gathering finished tasks returns without yielding to let it run.
        while pending := [task for task in self._background if not task.done()]:
            await asyncio.wait(pending)

    async def records_flushed(self) -> None:
        """Wait until every record queued so far is written (for tests and shutdown)."""
        async with self._records_written:
            await self._records_written.wait_for(lambda: self._records_pending == 0)


def _callback_list(callbacks: list[CallbackRecord]) -> CallbackList:
    return CallbackList(
        [
            {
                "callback_id": c.callback_id,
                "tracking_number": c.tracking_number,
                "phone": c.phone,
                "topic": c.topic,
                "village": c.village,
                "kiosk_name": c.kiosk_name,
                "requested_at": c.requested_at,
            }
            for c in callbacks
        ]
    )
