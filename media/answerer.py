"""The lawyer desk's side of a call (media.flows.DeskFlow) as an asyncio state machine over signaling."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from media.call import MediaState
from media.errors import MediaError
from media.factories import MediaFactories
from media.flowbase import (
    CALL_ENDED,
    CALL_ENDED_BY_PEER,
    MEDIA_FAILED,
    RECONNECTING,
    REDIAL_ATTEMPT_S,
    STALL_AFTER_S,
    STALL_GIVE_UP_S,
    FlowCore,
)
from media.flows import DESK_TRANSITIONS, CallInfo, DeskState
from media.servers import ServerList
from media.signaling import (
    CONNECTION_LOST,
    SERVER_PROBLEM,
    AuthRefused,
    LoginResult,
    ServerUnreachable,
    SignalingError,
    login,
)
from protocol.messages import (
    Accept,
    Answer,
    CallAccepted,
    CallbackDone,
    CallbackList,
    CallNotes,
    Decline,
    DutyState,
    EndReason,
    EndWrapUp,
    Error,
    Hangup,
    Message,
    Offer,
    PushContent,
    Reconnect,
    RecordingConsent,
    Redial,
    RedialAnswer,
    Ring,
    RingCancelled,
    SetDuty,
    Welcome,
)

log = logging.getLogger(__name__)

NO_RESPONSE = "服务器没有回应，请检查网络后再试。"
RING_CANCELLED = "对方已经取消了呼叫。"
CONNECTING = "正在打开视频…"
STALLED = "网络不太好，画面暂时卡住了。"
ACCEPT_REFUSED = "这个呼叫已经不在了。"
PUT_ON_BREAK = "您连续几次没有接听来电，已暂停派单。准备好后请重新点“上班”。"
BREAK_REASON = "missed_calls"
REDIAL_GAVE_UP = "对方网络一直连不上，通话已经结束。可以稍后回电。"

_IN_A_CALL = frozenset({DeskState.RINGING, DeskState.CONNECTING, DeskState.IN_CALL, DeskState.RECONNECTING})
_CONNECTED = frozenset({DeskState.IN_CALL, DeskState.RECONNECTING})


class DeskAnswerer(FlowCore[DeskState]):
    """The lawyer's desk: login -> duty -> ring -> accept -> answer the stored offer -> first frame.

    Attributes:
        display_name: the lawyer's name from the login ("" before).
        law_firm: the lawyer's law firm from the login ("" before).
    """

    def __init__(
        self,
        server_url: str | Sequence[str],
        media: MediaFactories,
        *,
        relay_only: bool = False,
        timeout_s: float = 10.0,
        stall_after_s: float = STALL_AFTER_S,
        stall_give_up_s: float = STALL_GIVE_UP_S,
        redial_attempt_s: float = REDIAL_ATTEMPT_S,
    ) -> None:
        super().__init__(
            DeskState.LOGGED_OUT,
            DESK_TRANSITIONS,
            media,
            relay_only,
            stall_after_s=stall_after_s,
            stall_give_up_s=stall_give_up_s + redial_attempt_s,  # the kiosk gives up first
            redial_attempt_s=redial_attempt_s,
        )
        self.display_name = ""
        self.law_firm = ""
        self.session_token = ""  # the login's bearer token (the desk's 申请 tab uses it for /api/submissions)
        self._servers = ServerList(server_url)  # several nodes: the first that answers (issue 11)
        self._timeout_s = timeout_s
        self._duty_answer = asyncio.Event()
        self._duty_wanted: bool | None = None  # what the pending set_duty asked for
        self._ice_servers: list[dict[str, Any]] | None = None
        self._offer_sdp: str | None = None
        self.server_state = ""  # the pool's own word for this lawyer: available, wrap_up, break, ...
        self.wrap_up_until: float | None = None  # server time the wrap-up ends, while in wrap-up
        self.callbacks: list[dict[str, Any]] = []  # open callback requests, oldest first
        self.on_callbacks: Callable[[list[dict[str, Any]]], None] | None = None  # told on each change
        self.server_clock_offset_s = 0.0  # server time minus this machine's time.time(), from Welcome
        self._token = ""
        self._reconnecting = asyncio.Lock()  # one reconnection at a time (resume, come back)

    # ---- user actions --------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> None:
        """Log in and open the signaling connection (-> OFF_DUTY, or FAILED with a message)."""
        if self.state not in (DeskState.LOGGED_OUT, DeskState.FAILED):
            return
        self._shut = False
        await self._stop_reader()
        try:
            result = await self._login_anywhere(username, password)
            await self._signaling.connect_first(self._servers, result.token)
            first = await asyncio.wait_for(self._signaling.receive(), self._timeout_s)
            if not isinstance(first, Welcome):
                raise SignalingError(SERVER_PROBLEM, f"expected welcome, got {type(first).__name__}")
        except SignalingError as exc:
            await self._signaling.close()
            self._set_state(DeskState.FAILED, message=exc.user_message)
            return
        except TimeoutError:
            await self._signaling.close()
            self._set_state(DeskState.FAILED, message=NO_RESPONSE)
            return
        self._token = result.token
        self.server_clock_offset_s = first.server_time - time.time()
        self.display_name = result.display_name or first.display_name
        self.law_firm = result.law_firm
        self.session_token = result.token
        self._start_reader()
        self._set_state(DeskState.OFF_DUTY, message="")

    async def _login_anywhere(self, username: str, password: str) -> LoginResult:
        """Log in on the first server that answers (they share one database, so any will do)."""
        unreachable: SignalingError | None = None
        for url in self._servers.round():
            try:
                result = await login(url, username, password, self._timeout_s)
            except ServerUnreachable as exc:
                unreachable = exc
                continue
            self._servers.settle(url)
            return result
        assert unreachable is not None
        raise unreachable

    async def write_notes(self, call_id: str, notes: str) -> bool:
        """Short notes on a call this lawyer answered (in wrap-up or later); False if not sent."""
        return await self._send(CallNotes(call_id, notes))

    async def end_wrap_up(self) -> bool:
        """Done with the notes: ready for the next call now."""
        return await self._send(EndWrapUp())

    async def callback_done(self, callback_id: int, notes: str = "") -> bool:
        """A villager was called back; the list on every desk drops it."""
        return await self._send(CallbackDone(callback_id, notes))

    async def set_duty(self, on_duty: bool) -> None:
        """Go on (AVAILABLE) or off (OFF_DUTY) duty; returns once the server confirmed."""
        if self.state not in (DeskState.OFF_DUTY, DeskState.AVAILABLE, DeskState.FAILED):
            return
        if not self._signaling.connected:
            return
        self._duty_answer = asyncio.Event()
        self._duty_wanted = on_duty  # the DutyState sent at connect may still be on its way: not the answer
        if not await self._send(SetDuty(on_duty=on_duty)):
            self._set_state(DeskState.FAILED, message=CONNECTION_LOST)
            return
        try:
            await asyncio.wait_for(self._duty_answer.wait(), self._timeout_s)
        except TimeoutError:
            self._set_state(DeskState.FAILED, message=NO_RESPONSE)

    async def accept(self) -> None:
        """接听 the ringing call."""
        if self.state != DeskState.RINGING:
            return
        self._mark("accepted")
        self._set_state(DeskState.CONNECTING, message=CONNECTING)
        if not await self._send(Accept(call_id=self.info.call_id)):
            await self._on_signaling_lost()

    async def decline(self) -> None:
        """拒接 the ringing call; it passes to the next lawyer."""
        if self.state != DeskState.RINGING:
            return
        await self._send(Decline(call_id=self.info.call_id))
        await self._close_session()
        self._forget_call()
        self._set_state(DeskState.AVAILABLE, message="")

    async def hangup(self) -> None:
        """挂断 (declines a call still ringing)."""
        if self.state == DeskState.RINGING:
            await self.decline()
            return
        if self.state not in (DeskState.CONNECTING, *_CONNECTED):
            return
        self._mark("ended")
        # The Hangup may be lost (the socket is down, or its node dies before passing it on): it is
        # kept until the server confirms the end, and sent again after each reconnect.
        await self._end_call(self.info.call_id, EndReason.COMPLETED.value)
        self._forget_call()
        self._set_state(DeskState.AVAILABLE, message=CALL_ENDED)
        self._come_back_for_hangup()

    async def close(self) -> None:
        """Hang up, go off duty, release devices and the connection."""
        self._shut = True
        await self.hangup()
        if self.state == DeskState.AVAILABLE and self._signaling.connected:
            await self._send(SetDuty(on_duty=False))
            self._set_state(DeskState.OFF_DUTY)
        await self._close_session()
        await self._stop_reader()
        if self.state in (DeskState.OFF_DUTY, DeskState.FAILED):
            self._set_state(DeskState.LOGGED_OUT, message="")

    # ---- server messages -----------------------------------------------------------------------

    def _is_current(self, call_id: str | None) -> bool:
        return bool(call_id) and call_id == self.info.call_id and self.state in _IN_A_CALL

    def _forget_call(self) -> None:
        self._ice_servers = None
        self._offer_sdp = None
        if self.rejoined:  # a restarted server took us back as off duty; we were on duty before
            self.rejoined = False
            self._spawn(self._send_quietly(SetDuty(on_duty=True)))

    async def _on_message(self, message: Message) -> None:
        if await self._on_in_call_message(message):
            return
        match message:
            case Reconnect():
                self._servers.rotate()  # this node drains: the socket closes next, go to another
            case DutyState():
                self.server_state = message.state
                self.wrap_up_until = message.wrap_up_until
                await self._on_duty_state(message)
            case CallbackList():
                self.callbacks = list(message.callbacks)
                if self.on_callbacks is not None:
                    self.on_callbacks(self.callbacks)
            case Ring() if self.state == DeskState.AVAILABLE:
                self._forget_call()
                self.info = CallInfo(
                    call_id=message.call_id,
                    peer_name=message.kiosk_name,
                    peer_detail=message.village,
                    topic=message.topic,
                    tracking_number=message.tracking_number,
                    priority=message.priority,
                )
                self._mark("ring")
                self._prepare_devices()  # open camera and microphone while it rings, not after 接听
                self._set_state(DeskState.RINGING, message="")
            case RingCancelled() if self._is_current(message.call_id):
                if self.state in (DeskState.RINGING, DeskState.CONNECTING):
                    await self._close_session()
                    self._forget_call()
                    self._set_state(DeskState.AVAILABLE, message=RING_CANCELLED)
            case CallAccepted() if self._is_current(message.call_id):
                self._mark("accept_confirmed")
                self._ice_servers = message.ice_servers
                if message.peer_name:
                    self._update_info(peer_name=message.peer_name, peer_detail=message.peer_detail)
                self._maybe_answer()
            case Offer() if self._is_current(message.call_id):
                self._offer_sdp = message.sdp
                self._maybe_answer()
            case Redial() if self._is_current(message.call_id) and self.state in _CONNECTED:
                if message.sdp:
                    self._answer_redial(message.call_id, message.sdp, message.attempt)
            case Hangup() if self._is_current(message.call_id):
                await self._ended_by_peer(message.call_id)
            case Error() if self._is_current(message.call_id) and self.state == DeskState.CONNECTING:
                log.warning("server refused: %s", message.code)
                await self._close_session()
                self._forget_call()
                self._set_state(DeskState.AVAILABLE, message=ACCEPT_REFUSED)
            case Error() if self._is_current(message.call_id) and self.info.recording == "asked":
                self._update_info(recording="", message=message.message)  # the centre does not record
            case _:
                log.debug("ignoring %s in %s", message.TYPE, self.state)

    async def _ended_by_peer(self, call_id: str) -> None:
        self._mark("ended")
        await self._report_stats(call_id)
        await self._close_session()
        self._forget_call()
        self._set_state(DeskState.AVAILABLE, message=CALL_ENDED_BY_PEER)

    async def _on_call_gone(self, call_id: str) -> None:
        if not self._is_current(call_id) or self.state == DeskState.RINGING:
            return
        await self._ended_by_peer(call_id)
        await self._send(SetDuty(on_duty=True))  # a server that saw us leave mid-call forgot our duty

    def _come_back_for_hangup(self) -> None:
        """Our Hangup went into a dead socket: reconnect (sending it again) and go back on duty."""
        if not self._signaling.connected and not self._shut and self._hangup_unconfirmed():
            self._spawn(self._come_back(on_duty=True))

    async def _on_duty_state(self, message: DutyState) -> None:
        told = PUT_ON_BREAK if message.reason == BREAK_REASON else ""
        if self.state in (DeskState.OFF_DUTY, DeskState.AVAILABLE, DeskState.FAILED):
            self._set_state(DeskState.AVAILABLE if message.on_duty else DeskState.OFF_DUTY, message=told)
        elif self.state == DeskState.RINGING and not message.on_duty:
            await self._close_session()
            self._forget_call()
            self._set_state(DeskState.OFF_DUTY, message=told)
        if self._duty_wanted is None or message.on_duty == self._duty_wanted or message.reason:
            self._duty_answer.set()
            self._duty_wanted = None

    def _maybe_answer(self) -> None:
        """Answer once both the ICE servers (CallAccepted) and the kiosk's offer are here."""
        if (
            self.state == DeskState.CONNECTING
            and self._ice_servers is not None
            and self._offer_sdp is not None
            and self._session is None
            and self._media_task is None
        ):
            self._start_media_task(self._answer(self.info.call_id, self._ice_servers, self._offer_sdp))

    async def _answer(self, call_id: str, ice_servers: list[dict[str, Any]], offer_sdp: str) -> None:
        try:
            session = await self._open_session(ice_servers)
            sdp = await session.answer(offer_sdp)
        except MediaError as exc:
            await self._give_up(exc.user_message)
            return
        except Exception:
            log.exception("answering the offer failed")
            await self._give_up(MEDIA_FAILED)
            return
        await self._send(Answer(call_id=call_id, sdp=sdp))

    async def _give_up(self, user_message: str) -> None:
        """End the current call because of a local problem and be ready for the next one."""
        if self.state not in (DeskState.CONNECTING, *_CONNECTED):
            return
        self._mark("ended")
        await self._hang_up(self.info.call_id, EndReason.MEDIA_FAILED.value)
        await self._close_session()
        self._forget_call()
        self._set_state(DeskState.AVAILABLE, message=user_message)
        self._come_back_for_hangup()

    async def _on_signaling_lost(self) -> None:
        if self.state in _CONNECTED:
            self._resume_signaling()  # the media is peer to peer and goes on meanwhile
            return
        if self.state in (DeskState.OFF_DUTY, DeskState.AVAILABLE, DeskState.RINGING) and self._token:
            self._spawn(self._come_back(on_duty=self.state is not DeskState.OFF_DUTY))
            return
        await self._close_session()
        self._forget_call()
        if self.state != DeskState.LOGGED_OUT:
            self._set_state(DeskState.FAILED, message=CONNECTION_LOST)

    # ---- media ---------------------------------------------------------------------------------

    def _on_media_state(self, state: MediaState) -> None:
        if state == MediaState.FLOWING:
            if self.state == DeskState.CONNECTING:
                self._mark("first_frame")
                self._set_state(DeskState.IN_CALL, message=self._device_notice)
            elif self.state == DeskState.RECONNECTING:
                self._mark("recovered")
                self._set_state(
                    DeskState.IN_CALL, message=self._device_notice, reconnections=self.info.reconnections + 1
                )
            elif self.state == DeskState.IN_CALL and self.info.message == STALLED:
                self._update_info(message=self._device_notice)
        elif state in (MediaState.STALLED, MediaState.FAILED) and self.state == DeskState.IN_CALL:
            self._arm_stall_timer()
            self._enter_reconnecting()
            self._spawn(self._send_quietly(Redial(call_id=self.info.call_id)))  # ask the kiosk to redial
        elif state == MediaState.FAILED and self.state == DeskState.CONNECTING:
            self._spawn(self._give_up(MEDIA_FAILED))

    def _enter_reconnecting(self) -> None:
        if self.state == DeskState.IN_CALL:
            self._mark("stalled")
            self._set_state(DeskState.RECONNECTING, message=RECONNECTING)

    def _answer_redial(self, call_id: str, offer_sdp: str, attempt: int) -> None:
        """The kiosk redials after a stall: answer on a fresh connection (a newer redial replaces this)."""
        self._arm_stall_timer()
        self._enter_reconnecting()
        task = self._media_task
        if task is not None and not task.done():
            task.cancel()
        self._start_media_task(self._redial_answer(call_id, offer_sdp, attempt))

    async def _redial_answer(self, call_id: str, offer_sdp: str, attempt: int) -> None:
        try:
            session = await self._reopen_session(self._ice_servers or [])
            sdp = await session.answer(offer_sdp)
        except MediaError as exc:
            log.info("answering a redial failed: %s", exc.detail)
            return  # the link is still down; the kiosk tries again
        await self._send(RedialAnswer(call_id=call_id, sdp=sdp, attempt=attempt))

    async def _give_up_stalled(self) -> None:
        await self._give_up(REDIAL_GAVE_UP)

    async def _come_back(self, on_duty: bool) -> None:
        """The socket went while waiting for calls (a node drained or died): reconnect, rotating servers."""
        if self.state == DeskState.RINGING:
            await self._close_session()
            self._forget_call()
            self._set_state(DeskState.AVAILABLE, message="")
        self._update_info(reconnecting=True)
        attempt = 0
        while self.state in (DeskState.OFF_DUTY, DeskState.AVAILABLE) and not self._signaling.connected:
            if self._shut:
                return
            await asyncio.sleep(self._servers.backoff_s(attempt))
            attempt += 1
            try:
                await self._reconnect_signaling()
            except AuthRefused as exc:
                self._set_state(DeskState.FAILED, message=exc.user_message, reconnecting=False)
                return
            except (SignalingError, TimeoutError) as exc:
                log.info("no server back yet: %s", exc)
                self._servers.rotate()
                continue
        if self._signaling.connected and self.state in (DeskState.OFF_DUTY, DeskState.AVAILABLE):
            self._update_info(reconnecting=False)
            if on_duty:
                await self._send(SetDuty(on_duty=True))  # a new node knows this lawyer as off duty

    async def _reconnect_signaling(self) -> None:
        async with self._reconnecting:
            if self._signaling.connected:
                return  # another reconnection got there first
            await self._signaling.connect_first(self._servers, self._token)
            try:
                first = await asyncio.wait_for(self._signaling.receive(), self._timeout_s)
            except BaseException:  # also cancelled (a hang-up ends the resume): no socket without reader
                await self._signaling.close()
                raise
            if not isinstance(first, Welcome):
                await self._signaling.close()
                raise SignalingError(SERVER_PROBLEM, f"expected welcome, got {type(first).__name__}")
            self._start_reader()
            await self._send_unconfirmed()  # a Hangup lost with the old socket goes first

    # ---- in-call help and consent --------------------------------------------------------------

    def _origin(self) -> str:
        return "lawyer"

    def _on_consent(self, agreed: bool) -> None:
        if self.info.recording == "agreed" and not agreed:
            self._update_info(recording="stopped")  # the villager pressed 停止录音
        elif self.info.recording == "asked":
            self._update_info(recording="agreed" if agreed else "refused")

    async def push_content(self, kind: str, ref: str, title: str = "", text: str = "") -> bool:
        """Put an FAQ answer, a law article or a form (ContentKind) on the terminal's screen."""
        if self.state not in _CONNECTED:
            return False
        return await self._send(PushContent(self.info.call_id, kind, ref, title, text))

    async def request_recording(self) -> bool:
        """Ask to record the call (the lawyer agrees by asking); the villager must agree on screen."""
        if self.state not in _CONNECTED:
            return False
        self._update_info(recording="asked")
        return await self._send(RecordingConsent(call_id=self.info.call_id, agreed=True))
