"""The kiosk's side of a call (media.flows.CallerFlow) as an asyncio state machine over signaling."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
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
    REDIAL_GAVE_UP,
    STALL_AFTER_S,
    STALL_GIVE_UP_S,
    FlowCore,
)
from media.flows import CALLER_TRANSITIONS, CallerState, CallInfo
from media.servers import ServerList
from media.signaling import CONNECTION_LOST, SERVER_PROBLEM, AuthRefused, SignalingError
from protocol.messages import (
    Answer,
    CallAccepted,
    CallbackRegistered,
    CallbackRequest,
    CallQueued,
    CallRequest,
    CancelCall,
    EndReason,
    Error,
    Hangup,
    Message,
    NoLawyerAvailable,
    Offer,
    QueueUpdate,
    Rating,
    Reconnect,
    RecordingConsent,
    Redial,
    RedialAnswer,
    ResumeCall,
    Welcome,
)

log = logging.getLogger(__name__)

REQUESTING = "正在为您接通值班律师…"
WAITING = "正在等待律师接听，请稍候。"
CONNECTING = "律师已接听，正在打开视频…"
STALLED = "网络不太好，画面暂时卡住了，请稍等。"
REFUSED = "这次呼叫没有成功，请稍后再试。"


CALLBACK_NO_ANSWER = "回拨请求没有送到，请拨打热线。"


def waiting_message(position: int, estimated_wait_s: float) -> str:
    """What the kiosk says while the villager waits: their place and an honest estimate."""
    if position <= 1 and 0 <= estimated_wait_s < 60:
        return "马上轮到您了，请稍候。"
    ahead = f"您前面还有 {position - 1} 位。" if position > 1 else "下一位就是您。"
    if estimated_wait_s < 0:
        return ahead + "请稍候。"
    minutes = max(1, round(estimated_wait_s / 60))
    return f"{ahead}大约还要等 {minutes} 分钟。"


def no_lawyer_message(hotline: str) -> str:
    """What the kiosk says when nobody can answer."""
    return f"现在没有律师能接听。您可以拨打 {hotline} 法律援助热线，或者稍后再试。"


_SETTLED = frozenset(
    {CallerState.IN_CALL, CallerState.ENDED, CallerState.NO_LAWYER, CallerState.FAILED, CallerState.IDLE}
)
_CALLING = frozenset(
    {
        CallerState.REQUESTING,
        CallerState.WAITING,
        CallerState.CONNECTING,
        CallerState.IN_CALL,
        CallerState.RECONNECTING,
    }
)
_CONNECTED = frozenset({CallerState.IN_CALL, CallerState.RECONNECTING})
REDIAL_PAUSE_S = 0.3  # between two redial attempts
CONNECTING_RESUME_S = 30.0  # signaling lost while connecting: no picture by then, the call failed


class KioskCaller(FlowCore[CallerState]):
    """The villager's call: tap -> request -> queued (offer sent) -> accepted -> answer -> first frame.

    Listeners are called on the loop's thread on every state change and on info changes within a state.
    """

    def __init__(
        self,
        server_url: str | Sequence[str],
        token: str,
        media: MediaFactories,
        *,
        relay_only: bool = False,
        hotline: str = "12348",
        connect_timeout_s: float = 10.0,
        stall_after_s: float = STALL_AFTER_S,
        stall_give_up_s: float = STALL_GIVE_UP_S,
        redial_attempt_s: float = REDIAL_ATTEMPT_S,
    ) -> None:
        super().__init__(
            CallerState.IDLE,
            CALLER_TRANSITIONS,
            media,
            relay_only,
            stall_after_s=stall_after_s,
            stall_give_up_s=stall_give_up_s,
            redial_attempt_s=redial_attempt_s,
        )
        self.info = CallInfo(hotline=hotline)
        self._servers = ServerList(server_url)  # several nodes: the first that answers (issue 11)
        self._token = token
        self._hotline = hotline
        self._connect_timeout_s = connect_timeout_s
        self._request_id = ""
        self._cancelled_requests: set[str] = set()
        self._settled = asyncio.Event()
        self._callback_replies: dict[str, asyncio.Future[CallbackRegistered | Error]] = {}
        self._ice_servers: list[dict[str, Any]] = []
        self._redial_answer: asyncio.Future[str] | None = None
        self._redial_attempt = 0
        self._offer_sdp = ""  # this call's offer, sent again after a resume (a restarted server may lack it)
        self._answered = False  # the lawyer's answer is applied (one given again is ignored)
        self._request: CallRequest | None = None  # this call's request, sent again after a reconnect
        self._connecting = asyncio.Lock()  # one connection attempt at a time (background ones too)
        self._delivering: asyncio.Task[None] | None = None  # reconnecting to deliver our Hangup

    def _set_state(self, new: CallerState, **info: Any) -> None:
        super()._set_state(new, **info)
        if new in _SETTLED:
            self._settled.set()

    # ---- connection ----------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the signaling connection and wait for Welcome. Raises SignalingError (plain Chinese).

        A Hangup the server has not confirmed yet goes again first."""
        async with self._connecting:
            if self._signaling.connected:
                return
            await self._stop_reader()
            await self._signaling.connect_first(self._servers, self._token)
            try:
                first = await asyncio.wait_for(self._signaling.receive(), self._connect_timeout_s)
            except TimeoutError:
                first = None
            except BaseException:  # cancelled (a hang-up ends the resume): no socket without a reader
                await self._signaling.close()
                raise
            if not isinstance(first, Welcome):
                await self._signaling.close()
                raise SignalingError(SERVER_PROBLEM, f"expected welcome, got {type(first).__name__}")
            self._hotline = first.hotline or self._hotline
            self._start_reader()
            await self._send_unconfirmed()

    # ---- user actions --------------------------------------------------------------------------

    async def call(
        self,
        topic: str = "general",
        assisted_by: str | None = None,
        *,
        migrant_worker: bool = False,
        urgent: bool = False,
    ) -> None:
        """Tap 律师视频: ask for a lawyer and carry the call to IN_CALL (or NO_LAWYER / FAILED).

        migrant_worker (with topic labour_wages) and urgent (staff) put the call first in the queue.
        """
        if self.state in _CALLING:
            return  # a second tap while calling changes nothing
        self._settled = asyncio.Event()
        self._offer_sdp = ""
        self._answered = False
        self._shut = False
        self._request_id = request_id = uuid.uuid4().hex
        self._request = CallRequest(
            request_id=request_id,
            topic=topic,
            assisted_by=assisted_by,
            migrant_worker=migrant_worker,
            urgent=urgent,
        )
        self.info = CallInfo(topic=topic, hotline=self._hotline)
        self._mark("tap")
        self._set_state(CallerState.REQUESTING, message=REQUESTING)
        try:
            await self.connect()
        except SignalingError as exc:
            if self.state == CallerState.REQUESTING and self._request_id == request_id:
                self._set_state(CallerState.FAILED, message=exc.user_message)
            return
        if self._asking(request_id):  # not cancelled while connecting
            await self._send(self._request)  # if the socket went meanwhile, _ask_again sends it anew
        await self._settled.wait()

    async def cancel(self) -> None:
        """Give up while REQUESTING/WAITING; from ENDED/NO_LAWYER/FAILED go back to IDLE (返回)."""
        if self.state in (CallerState.CONNECTING, CallerState.IN_CALL):
            await self.hangup()
            return
        if self.state == CallerState.REQUESTING:
            self._cancelled_requests.add(self._request_id)
        elif self.state == CallerState.WAITING:
            await self._send(CancelCall(call_id=self.info.call_id))
            await self._close_session()
        elif self.state == CallerState.IDLE:
            return
        self._set_state(CallerState.IDLE, message="")

    async def hangup(self) -> None:
        """挂断: end a connecting or connected call (cancel one still waiting)."""
        if self.state in (CallerState.REQUESTING, CallerState.WAITING):
            await self.cancel()
            return
        if self.state not in (CallerState.CONNECTING, *_CONNECTED):
            return
        self._mark("ended")
        await self._end_call(self.info.call_id, EndReason.COMPLETED.value)
        self._set_state(CallerState.ENDED, message=CALL_ENDED, reconnecting=False)
        self._deliver_hangup()

    async def request_callback(self, phone: str, topic: str = "general") -> tuple[str, str]:
        """Leave a phone number for the centre to call back: (tracking number, "") or ("", why not)."""
        request_id = uuid.uuid4().hex
        reply: asyncio.Future[CallbackRegistered | Error] = asyncio.get_running_loop().create_future()
        self._callback_replies[request_id] = reply
        try:
            await self.connect()
            call_id = self.info.call_id or None
            await self._signaling.send(CallbackRequest(request_id, phone, topic, call_id))
            answer = await asyncio.wait_for(reply, self._connect_timeout_s)
        except (SignalingError, TimeoutError):
            return "", CALLBACK_NO_ANSWER
        finally:
            self._callback_replies.pop(request_id, None)
        if isinstance(answer, Error):
            return "", answer.message
        return answer.tracking_number, ""

    async def rate(self, score: int) -> None:
        """The villager's 1..3 faces after the call (sent for the last call, if any)."""
        if self.info.call_id and self._signaling.connected:
            await self._send(Rating(self.info.call_id, score))

    async def close(self) -> None:
        """Hang up if needed and release camera, microphone and the connection."""
        self._shut = True
        if self.state in _CALLING:
            await self.hangup()
        delivering, self._delivering = self._delivering, None
        if delivering is not None:
            delivering.cancel()
        await self._close_session()
        await self._stop_reader()

    # ---- server messages -----------------------------------------------------------------------

    def _is_current(self, call_id: str | None) -> bool:
        return bool(call_id) and call_id == self.info.call_id

    async def _on_message(self, message: Message) -> None:
        if await self._on_in_call_message(message):
            return
        match message:
            case CallQueued() if message.request_id in self._cancelled_requests:
                self._cancelled_requests.discard(message.request_id)
                await self._send(CancelCall(call_id=message.call_id))
            case CallQueued() if message.request_id == self._request_id:
                await self._on_queued(message)
            case NoLawyerAvailable() if message.request_id == self._request_id:
                if self.state in (CallerState.REQUESTING, CallerState.WAITING):
                    await self._close_session()
                    self._mark("ended")
                    hotline = message.hotline or self._hotline
                    self._set_state(
                        CallerState.NO_LAWYER,
                        hotline=hotline,
                        message=no_lawyer_message(hotline),
                        callback_offered=message.callback_offered,
                    )
            case QueueUpdate() if self._is_current(message.call_id) and self.state == CallerState.WAITING:
                self._update_info(
                    position=message.position,
                    estimated_wait_s=message.estimated_wait_s,
                    lawyers_on_duty=message.lawyers_on_duty,
                    callback_offered=message.callback_offered,
                    message=waiting_message(message.position, message.estimated_wait_s),
                )
            case CallbackRegistered() if message.request_id in self._callback_replies:
                self._callback_replies[message.request_id].set_result(message)
            case Error() if message.call_id is None and self._callback_replies:
                for reply in self._callback_replies.values():  # a refused callback (its number)
                    if not reply.done():
                        reply.set_result(message)
            case CallAccepted() if self._is_current(message.call_id):
                if self.state == CallerState.WAITING:
                    self._mark("accepted")
                    self._set_state(
                        CallerState.CONNECTING,
                        peer_name=message.peer_name,
                        peer_detail=message.peer_detail,
                        message=CONNECTING,
                    )
            case Answer() if self._is_current(message.call_id):
                await self._on_answer(message)
            case RedialAnswer() if self._is_current(message.call_id):
                waiting = self._redial_answer
                if waiting is not None and not waiting.done() and message.attempt == self._redial_attempt:
                    waiting.set_result(message.sdp)
            case Redial() if self._is_current(message.call_id) and self.state == CallerState.IN_CALL:
                self._start_redial()  # the lawyer's side saw the stall first
            case Hangup() if self._is_current(message.call_id):
                await self._on_peer_hangup(message)
            case Error() if self._is_current(message.call_id) or (
                message.call_id is None and self.state == CallerState.REQUESTING
            ):
                log.warning("server refused: %s", message.code)
                if self.state in (CallerState.REQUESTING, CallerState.WAITING, CallerState.CONNECTING):
                    await self._fail_call(REFUSED)
            case Reconnect():
                self._servers.rotate()  # this node drains: the socket closes next, go to another
            case _:
                log.debug("ignoring %s in %s", message.TYPE, self.state)

    async def _on_queued(self, message: CallQueued) -> None:
        if self.state == CallerState.WAITING:
            self._update_info(position=message.position)  # a later place in the queue
            return
        if self.state != CallerState.REQUESTING:
            return
        self._mark("queued")
        self._ice_servers = message.ice_servers
        self._set_state(
            CallerState.WAITING,
            call_id=message.call_id,
            position=message.position,
            tracking_number=message.tracking_number,
            message=WAITING,
        )
        # Gather while the lawyer's phone rings: the offer is ready before anyone answers.
        self._start_media_task(self._send_offer(message.call_id, message.ice_servers))

    async def _send_offer(self, call_id: str, ice_servers: list[dict[str, Any]]) -> None:
        try:
            session = await self._open_session(ice_servers)
            sdp = await session.create_offer()
        except MediaError as exc:
            await self._fail_call(exc.user_message, EndReason.MEDIA_FAILED.value)
            return
        except Exception:
            log.exception("creating the offer failed")
            await self._fail_call(MEDIA_FAILED, EndReason.MEDIA_FAILED.value)
            return
        if self.info.call_id == call_id:
            self._offer_sdp = sdp
        await self._send(Offer(call_id=call_id, sdp=sdp))

    async def _on_answer(self, message: Answer) -> None:
        if self._answered or self.state not in (CallerState.WAITING, CallerState.CONNECTING):
            return  # given again after a rejoin, or late
        task = self._media_task
        if task is not None:
            await asyncio.wait({task})  # the offer must be in place before its answer
        if self._session is None or self.state not in (CallerState.WAITING, CallerState.CONNECTING):
            return
        if self._answered:
            return
        self._answered = True
        try:
            await self._session.accept_answer(message.sdp)
        except Exception:
            log.exception("applying the answer failed")
            await self._fail_call(MEDIA_FAILED, EndReason.MEDIA_FAILED.value)

    async def _on_peer_hangup(self, message: Hangup) -> None:
        if self.state in (CallerState.CONNECTING, *_CONNECTED):
            self._mark("ended")
            await self._report_stats(message.call_id)
            await self._close_session()
            self._set_state(CallerState.ENDED, message=CALL_ENDED_BY_PEER)
        elif self.state == CallerState.WAITING:
            await self._close_session()
            self._mark("ended")
            self._set_state(CallerState.NO_LAWYER, message=no_lawyer_message(self._hotline))

    async def _fail_call(self, user_message: str, reason: str = EndReason.CANCELLED.value) -> None:
        """Give up the current call because of a local problem, telling the server."""
        call_id = self.info.call_id
        if call_id and self.state == CallerState.WAITING:
            await self._send(CancelCall(call_id=call_id))
        elif call_id and self.state in (CallerState.CONNECTING, *_CONNECTED):
            await self._hang_up(call_id, reason)
        await self._close_session()
        if self.state in (CallerState.REQUESTING, *_CALLING):
            self._mark("ended")
            self._set_state(CallerState.FAILED, message=user_message, reconnecting=False)
        self._deliver_hangup()

    async def _on_call_gone(self, call_id: str) -> None:
        await self._on_peer_hangup(Hangup(call_id=call_id, reason=EndReason.DISCONNECTED.value))

    async def _on_signaling_lost(self) -> None:
        if self.state == CallerState.WAITING and self.info.call_id:
            self._spawn(self._take_place_back(self.info.call_id))  # the server keeps the place a while
        elif self.state == CallerState.REQUESTING and self._request is not None:
            self._spawn(self._ask_again(self._request))  # the villager need not tap again
        elif self.state == CallerState.CONNECTING:
            self._update_info(reconnecting=True)  # 正在重新连接… until Rejoin went out
            self._resume_signaling()  # the lawyer answered: media is peer to peer
            self._spawn(self._connect_or_give_up(self.info.call_id))
        elif self.state in _CONNECTED:
            self._resume_signaling()  # the media is peer to peer and goes on meanwhile
        else:
            self._deliver_hangup()  # our Hangup may have gone down with the socket

    async def _connect_or_give_up(self, call_id: str) -> None:
        """A call still without a picture long after its signaling went is over (the server's grace)."""
        await asyncio.sleep(CONNECTING_RESUME_S)
        if self.state == CallerState.CONNECTING and self.info.call_id == call_id:
            await self._fail_call(CONNECTION_LOST, EndReason.DISCONNECTED.value)

    def _still_in(self, call_id: str) -> bool:
        return self.info.call_id == call_id and self.state in (CallerState.CONNECTING, *_CONNECTED)

    async def _rejoin_sent(self, call_id: str) -> None:
        await super()._rejoin_sent(call_id)
        if self.state == CallerState.CONNECTING and not self._answered and self._offer_sdp:
            # The offer, or the lawyer's answer to it, may have died with the old node: the server
            # passes the offer on, or gives the answer again.
            await self._send(Offer(call_id=call_id, sdp=self._offer_sdp))

    async def _reconnect_signaling(self) -> None:
        await self.connect()

    def _asking(self, request_id: str) -> bool:
        """Still asking for a lawyer with this request (no answer yet, not cancelled)."""
        return self.state == CallerState.REQUESTING and self._request_id == request_id

    async def _ask_again(self, request: CallRequest) -> None:
        """While REQUESTING the socket went (its node died): reconnect, rotating servers, and send the
        very same request. The server knows a request by its id: one that did reach the queue is that
        call again (its CallQueued, or NoLawyerAvailable), never a second call."""

        def still() -> bool:
            return self._asking(request.request_id)

        async def send_again() -> None:
            await self._send(request)

        await self._reconnect_then(still, send_again)

    def _deliver_hangup(self) -> None:
        """Our Hangup may be lost with the socket: reconnect in the background until it went again."""
        if self._signaling.connected or self._shut or not self._hangup_unconfirmed():
            return
        if self._delivering is None or self._delivering.done():
            self._delivering = asyncio.ensure_future(self._deliver_hangup_loop())

    async def _deliver_hangup_loop(self) -> None:
        attempt = 0
        while self._hangup_unconfirmed() and not self._signaling.connected and not self._shut:
            await asyncio.sleep(self._servers.backoff_s(attempt))
            attempt += 1
            try:
                await self.connect()  # sends the Hangup again
            except AuthRefused:
                return
            except SignalingError as exc:
                log.info("no server back yet for the hangup: %s", exc.detail)
                self._servers.rotate()

    async def _take_place_back(self, call_id: str) -> None:
        """While WAITING the socket went (a node drained or died): reconnect, rotating, and resume."""

        def still() -> bool:
            return self.state == CallerState.WAITING and self.info.call_id == call_id

        async def resume() -> None:
            await self._send(ResumeCall(call_id=call_id))  # CallQueued (place) or Error (too late)
            if self._offer_sdp:  # before anyone can accept: the offer rides right behind it
                await self._send(Offer(call_id=call_id, sdp=self._offer_sdp))

        await self._reconnect_then(still, resume)

    async def _reconnect_then(self, still: Callable[[], bool], then: Callable[[], Awaitable[None]]) -> None:
        """Reconnect (rotating servers, with backoff, 正在重新连接… meanwhile) while `still()` holds,
        then `then()`; the call fails when the token is refused and `still()` holds."""
        self._update_info(reconnecting=True)
        attempt = 0
        while still():
            await asyncio.sleep(self._servers.backoff_s(attempt))
            attempt += 1
            try:
                await self.connect()
            except SignalingError as exc:
                if isinstance(exc, AuthRefused):
                    break
                log.info("no server back yet: %s", exc.detail)
                self._servers.rotate()
                continue
            if still():
                self._update_info(reconnecting=False)
                await then()
            return
        if still():
            await self._close_session()
            self._mark("ended")
            self._set_state(CallerState.FAILED, message=CONNECTION_LOST, reconnecting=False)

    # ---- media ---------------------------------------------------------------------------------

    def _on_media_state(self, state: MediaState) -> None:
        if state == MediaState.FLOWING:
            if self.state == CallerState.CONNECTING:
                self._mark("first_frame")
                self._set_state(CallerState.IN_CALL, message=self._device_notice, reconnecting=False)
            elif self.state == CallerState.RECONNECTING:
                self._mark("recovered")
                self._set_state(
                    CallerState.IN_CALL,
                    message=self._device_notice,
                    reconnections=self.info.reconnections + 1,
                )
            elif self.state == CallerState.IN_CALL and self.info.message == STALLED:
                self._update_info(message=self._device_notice)
        elif state in (MediaState.STALLED, MediaState.FAILED) and self.state == CallerState.IN_CALL:
            self._arm_stall_timer()
            self._start_redial()
        elif state == MediaState.FAILED and self.state == CallerState.CONNECTING:
            self._spawn(self._fail_call(MEDIA_FAILED, EndReason.MEDIA_FAILED.value))

    # ---- redial after a stall ------------------------------------------------------------------

    def _start_redial(self) -> None:
        """Show RECONNECTING on both sides and redial the same lawyer until media flows again."""
        if self.state == CallerState.IN_CALL:
            self._mark("stalled")
            self._set_state(CallerState.RECONNECTING, message=RECONNECTING)
            self._start_media_task(self._redial_loop(self.info.call_id))

    async def _redial_loop(self, call_id: str) -> None:
        while self.state == CallerState.RECONNECTING and self.info.call_id == call_id:
            try:
                await asyncio.wait_for(self._redial_once(call_id), self._redial_attempt_s)
            except (TimeoutError, MediaError, ConnectionError) as exc:
                log.info("redial attempt failed: %s", type(exc).__name__)
            except Exception:
                log.exception("redial attempt failed")
            else:
                return
            await asyncio.sleep(REDIAL_PAUSE_S)

    async def _redial_once(self, call_id: str) -> None:
        """One attempt: a fresh connection, offered through the server to the same lawyer."""
        session = await self._reopen_session(self._ice_servers)
        flowing = self._flowing
        sdp = await session.create_offer()
        self._redial_answer = asyncio.get_running_loop().create_future()
        self._redial_attempt += 1
        if not await self._send(Redial(call_id=call_id, sdp=sdp, attempt=self._redial_attempt)):
            raise ConnectionError("signaling is down")
        await session.accept_answer(await self._redial_answer)
        await flowing.wait()

    async def _give_up_stalled(self) -> None:
        if self.state in _CONNECTED:
            await self._fail_call(REDIAL_GAVE_UP, EndReason.DISCONNECTED.value)
            self._update_info(callback_offered=True)

    # ---- in-call help and consent --------------------------------------------------------------

    def _origin(self) -> str:
        return "kiosk"

    def _on_consent(self, agreed: bool) -> None:
        if not agreed and self.info.recording in ("agreed", "stopped"):
            self._update_info(recording="stopped")  # the lawyer pressed 停止录音
        elif self.info.recording not in ("agreed", "stopped"):
            self._update_info(recording="asked" if agreed else "refused")

    async def answer_recording(self, agreed: bool) -> None:
        """The villager agrees (同意录音) or refuses; a refusal keeps the call unrecorded."""
        if self.info.recording != "asked" or self.state not in _CONNECTED:
            return
        self._update_info(recording="agreed" if agreed else "refused")
        await self._send(RecordingConsent(call_id=self.info.call_id, agreed=agreed))

    async def submit_form(self, form_id: str) -> bool:
        """The villager confirmed and signed the co-filled form: hand it to the outbox hook."""
        if self._form_submit is None:
            return False
        self._form_submit(form_id, self.form_values(form_id))
        return True
