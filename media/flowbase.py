"""What the kiosk and desk flows share: state with checked transitions, listeners, signaling, the session."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Coroutine, Mapping
from typing import Any, Protocol

import av
from aiortc import MediaStreamTrack

from media.audio import AudioSink
from media.bandwidth import QualityLog, worse
from media.call import CallSession, MediaState
from media.errors import InvalidTransition
from media.factories import MediaFactories
from media.flows import (
    CallInfo,
    FieldEdit,
    FormListener,
    FormSubmitHook,
    FrameListener,
    PushedContent,
    StateListener,
)
from media.signaling import SignalingClient, SignalingError
from protocol.messages import (
    CallEnded,
    CallStats,
    FormPatch,
    Hangup,
    LinkMode,
    MediaMode,
    Message,
    PushContent,
    RecordingConsent,
    Rejoin,
    Rejoined,
)

log = logging.getLogger(__name__)

_READER_FINISH_S = 5.0  # how long close() lets the reader finish handling the message in hand

MEDIA_FAILED = "视频连接没有建立起来，请稍后再试。"
NETWORK_LOST = "网络断了，通话已经结束。请稍后再试。"
STALL_AFTER_S = 3.0  # no remote media this long = stalled: both sides show RECONNECTING, the kiosk redials
STALL_GIVE_UP_S = 40.0  # the lawyer not reached again within this after the stall = the call is over
REDIAL_ATTEMPT_S = 5.0  # one redial (gather, offer, answer, first media) given up after this
SIGNALING_BACKOFF_S = (0.5, 1.0, 2.0, 4.0)  # waits between reconnects of a lost signaling socket
HANGUP_KEPT_S = 120.0  # an unconfirmed Hangup (no CallEnded yet) is sent again after reconnects this long
RECONNECTING = "网络不稳定，正在重新连接…"
REDIAL_GAVE_UP = "网络一直连不上，通话已经结束。您可以重新排队，或者留下电话请律师回电。"
POOR_LINK = "网络太差，声音也听不清。您可以挂断后留下电话，请律师回电。"
CALL_ENDED_BY_PEER = "对方已挂断。"
CALL_ENDED = "通话已结束。"


@dataclasses.dataclass
class Devices:
    """One call's opened local tracks and remote-audio playout."""

    video: MediaStreamTrack
    audio: MediaStreamTrack
    sink: AudioSink

    async def release(self) -> None:
        """Close them all (camera light off, microphone closed)."""
        self.video.stop()
        self.audio.stop()
        await self.sink.stop()


@dataclasses.dataclass(frozen=True)
class Unconfirmed:
    """The end of a call the server has not confirmed yet: its messages, sent again after reconnects."""

    call_id: str
    messages: tuple[Message, ...]
    until: float  # time.monotonic() after which they are no longer sent


class RecordingTap(Protocol):
    """What sees the call's pictures and sounds while it is recorded (media.recorder.CallRecorder)."""

    def video(self, remote: bool, frame: av.VideoFrame) -> None:
        """A picture of one side."""

    def audio(self, remote: bool, frame: av.AudioFrame) -> None:
        """Audio of one side."""


class FlowCore[S]:
    """State, listeners, the signaling reader and the call's media session, for one side of a call.

    Attributes:
        state: the current state (a CallerState or DeskState).
        info: the CallInfo the screens show.
    """

    def __init__(
        self,
        initial: S,
        transitions: Mapping[S, frozenset[S]],
        media: MediaFactories,
        relay_only: bool,
        *,
        stall_after_s: float = STALL_AFTER_S,
        stall_give_up_s: float = STALL_GIVE_UP_S,
        redial_attempt_s: float = REDIAL_ATTEMPT_S,
    ) -> None:
        self.state: S = initial
        self.info = CallInfo()
        self._transitions = transitions
        self._media = media
        self._relay_only = relay_only
        self._state_listeners: list[StateListener] = []
        self._remote_listener: FrameListener | None = None
        self._local_listener: FrameListener | None = None
        self._signaling = SignalingClient()
        self._reader: asyncio.Task[None] | None = None
        self._closing_signaling = False
        self._session: CallSession | None = None
        self._media_task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._last_stats: dict[str, Any] = {}
        self._device_notice = ""  # a device lost during this call; shown until the call ends
        self._stall_after_s = stall_after_s
        self._stall_give_up_s = stall_give_up_s
        self._stall_timer: asyncio.TimerHandle | None = None
        self._prepared: asyncio.Task[Devices] | None = None
        self._redial_attempt_s = redial_attempt_s
        self._devices: Devices | None = None  # the call's devices, kept across its connections
        self._quality = QualityLog()
        self._own_mode = LinkMode.FULL
        self._peer_mode = LinkMode.FULL
        self._flowing = asyncio.Event()  # the current session's media flows
        self._form_listeners: list[FormListener] = []
        self._form_submit: FormSubmitHook | None = None
        self._form_values: dict[str, dict[str, str]] = {}
        self._resuming: asyncio.Task[None] | None = None
        self.rejoined = False  # this call went on over a new signaling connection
        self._recording_tap: RecordingTap | None = None
        self._unconfirmed: Unconfirmed | None = None  # our Hangup until the server says the call ended
        self._shut = False  # close() was called: no reconnecting in the background

    # ---- state and listeners -------------------------------------------------------------------

    def add_state_listener(self, listener: StateListener) -> None:
        """Be told of every state change, and of info changes within a state (queue position, notices)."""
        self._state_listeners.append(listener)

    def set_video_listeners(self, remote: FrameListener | None, local: FrameListener | None) -> None:
        """Receive decoded remote frames and the local preview frames."""
        self._remote_listener = remote
        self._local_listener = local

    def _set_state(self, new: S, **info: Any) -> None:
        """Change state (checked against the transition table) and update info, then tell listeners."""
        if new != self.state and new not in self._transitions[self.state]:
            raise InvalidTransition(f"{self.state} -> {new}")
        if info:
            self.info = dataclasses.replace(self.info, **info)
        if new != self.state:
            log.info("%s -> %s", self.state, new)
        self.state = new
        self._notify()

    def _update_info(self, **info: Any) -> None:
        """Change what the screens show without changing state."""
        self.info = dataclasses.replace(self.info, **info)
        self._notify()

    def _mark(self, name: str) -> None:
        """Record a time.monotonic() timing in info.timings."""
        self.info = dataclasses.replace(self.info, timings={**self.info.timings, name: time.monotonic()})

    def _notify(self) -> None:
        for listener in list(self._state_listeners):
            try:
                listener(self.state, self.info)
            except Exception:
                log.exception("a state listener failed")

    # ---- signaling -----------------------------------------------------------------------------

    def _start_reader(self) -> None:
        self._reader = asyncio.ensure_future(self._read_loop())

    async def _read_loop(self) -> None:
        async for message in self._signaling.messages():
            try:
                await self._on_message(message)
            except Exception:
                log.exception("handling %s failed", message.TYPE)
        log.info("signaling closed: %s", self._signaling.close_detail)
        if not self._closing_signaling:
            await self._on_signaling_lost()

    async def _on_message(self, message: Message) -> None:
        """Handle one message from the server (the subclass's state machine)."""
        raise NotImplementedError

    async def _on_signaling_lost(self) -> None:
        """The WebSocket closed under us."""
        raise NotImplementedError

    async def _send(self, message: Message) -> bool:
        """Send, logging instead of raising when the socket is gone; True if sent."""
        try:
            await self._signaling.send(message)
        except SignalingError as exc:
            log.warning("send %s failed: %s", message.TYPE, exc.detail)
            return False
        return True

    async def _stop_reader(self) -> None:
        """Close the socket and let the reader finish the message in hand (our own close is no loss)."""
        reader, self._reader = self._reader, None
        self._closing_signaling = True
        try:
            await self._signaling.close()
            if reader is not None and reader is not asyncio.current_task():
                try:
                    await asyncio.wait_for(asyncio.shield(reader), _READER_FINISH_S)
                except TimeoutError:
                    reader.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await reader
        finally:
            self._closing_signaling = False

    # ---- media session -------------------------------------------------------------------------

    async def _open_devices(self) -> Devices:
        """Open the camera, microphone and playout through the factories."""
        video = await self._media.video(self._on_device_lost)
        try:
            audio = await self._media.audio(self._on_device_lost)
        except BaseException:  # includes cancellation: release the camera either way
            video.stop()
            raise
        try:
            sink = await self._media.audio_sink(self._on_device_lost)
        except BaseException:
            video.stop()
            audio.stop()
            raise
        return Devices(video, audio, sink)

    def _prepare_devices(self) -> None:
        """Start opening the devices ahead of need (the desk does it while ringing: cameras are slow)."""
        if self._prepared is None:
            self._device_notice = ""
            self._prepared = asyncio.ensure_future(self._open_devices())

    async def _release_prepared(self) -> None:
        """Close devices opened ahead for a call that did not happen."""
        task, self._prepared = self._prepared, None
        if task is None:
            return
        task.cancel()
        try:
            devices = await task
        except (asyncio.CancelledError, Exception):
            return  # never opened, or failed to open: nothing to release
        await devices.release()

    async def _open_session(self, ice_servers: list[dict[str, Any]]) -> CallSession:
        """Take the devices opened ahead (or open them now) and build the call's first media session."""
        task, self._prepared = self._prepared, None
        if task is None:
            self._device_notice = ""
            devices = await self._open_devices()
        else:
            devices = await task
        self._devices = devices
        self._quality = QualityLog()
        self._own_mode = self._peer_mode = LinkMode.FULL
        self._form_values = {}
        self.rejoined = False
        return self._new_session(ice_servers, devices)

    async def _reopen_session(self, ice_servers: list[dict[str, Any]]) -> CallSession:
        """Close the stalled connection (keeping camera, microphone, playout) and build a fresh one."""
        devices = self._devices
        if devices is None:
            raise RuntimeError("no call to reconnect")
        old, self._session = self._session, None
        if old is not None:
            await asyncio.shield(old.close(keep_devices=True))
        self._quality.redial_attempts += 1
        return self._new_session(ice_servers, devices)

    def _new_session(self, ice_servers: list[dict[str, Any]], devices: Devices) -> CallSession:
        session = CallSession(
            ice_servers,
            video=devices.video,
            audio=devices.audio,
            audio_sink=devices.sink,
            relay_only=self._relay_only,
            stall_after_s=self._stall_after_s,
            on_remote_frame=self._on_remote_frame,
            on_local_frame=self._on_local_frame,
            start_mode=self._own_mode if self._own_mode != LinkMode.CALLBACK else LinkMode.AUDIO_ONLY,
            on_mode=self._own_mode_changed,
            quality=self._quality,
            video_expected=self._peer_mode in (LinkMode.FULL, LinkMode.LOW),
        )
        session.on_state = lambda state: self._media_state_changed(session, state)
        session.audio_tap = self._tap_audio
        self._flowing = asyncio.Event()
        self._session = session
        return session

    def _on_remote_frame(self, frame: av.VideoFrame) -> None:
        if self._remote_listener is not None:
            self._remote_listener(frame)
        if self._recording_tap is not None:
            self._recording_tap.video(True, frame)

    def _on_local_frame(self, frame: av.VideoFrame) -> None:
        if self._local_listener is not None:
            self._local_listener(frame)
        if self._recording_tap is not None:
            self._recording_tap.video(False, frame)

    def set_recording_tap(self, tap: RecordingTap | None) -> None:
        """Show every picture and sound of the call (both directions) to `tap`; None stops it."""
        self._recording_tap = tap

    def _tap_audio(self, remote: bool, frame: av.AudioFrame) -> None:
        if self._recording_tap is not None:
            self._recording_tap.audio(remote, frame)

    def _media_state_changed(self, session: CallSession, state: MediaState) -> None:
        """Give up on a call whose media stays stalled (aiortc notices a dead path only after ~30 s)."""
        if session is not self._session:
            return  # a closed connection of this call
        if state == MediaState.FLOWING:
            self._flowing.set()
        if state == MediaState.STALLED:
            self._arm_stall_timer()
        elif state in (MediaState.FLOWING, MediaState.CLOSED):
            self._disarm_stall_timer()
        self._on_media_state(state)

    def _arm_stall_timer(self) -> None:
        """Start counting down to giving up the call, unless already counting."""
        if self._stall_timer is None:
            self._stall_timer = asyncio.get_running_loop().call_later(
                self._stall_give_up_s, self._stall_expired
            )

    def _disarm_stall_timer(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    def _stall_expired(self) -> None:
        self._stall_timer = None
        if self._session is None or self._session.state != MediaState.FLOWING:
            log.warning("no media for %.0f s; ending the call", self._stall_after_s + self._stall_give_up_s)
            self._spawn(self._give_up_stalled())

    async def _give_up_stalled(self) -> None:
        """End the call whose media stalled for good (the subclass's state machine)."""
        raise NotImplementedError

    def _on_media_state(self, state: MediaState) -> None:
        """React to the media session's state (first frame, failure)."""
        raise NotImplementedError

    def _on_device_lost(self, message: str) -> None:
        """A device went away mid-call: the call goes on with a placeholder; tell the user."""
        self._device_notice = message
        self._update_info(message=message)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine started from a synchronous callback, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _start_media_task(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run offer/answer work beside the reader, so hang-ups are handled meanwhile."""
        self._media_task = asyncio.ensure_future(coro)

    async def _close_session(self) -> None:
        """Stop offer/answer work in progress, then close the media session."""
        task, self._media_task = self._media_task, None
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._disarm_stall_timer()
        await self._release_prepared()
        session, self._session = self._session, None
        resuming, self._resuming = self._resuming, None
        if resuming is not None and resuming is not asyncio.current_task():
            resuming.cancel()
        if session is not None:
            self._last_stats = {**session.stats(), "quality": self._quality.summary()}
            await asyncio.shield(session.close())
        elif self._devices is not None:
            await self._devices.release()  # closed between two connections of a reconnecting call
        self._devices = None

    async def _end_call(self, call_id: str, reason: str) -> None:
        """Send our stats and a Hangup for the call, then close the media."""
        stats = await self._stats(call_id)
        await self._hang_up(call_id, reason, *([stats] if stats is not None else []))
        await self._close_session()

    async def _hang_up(self, call_id: str, reason: str, *before: Message) -> None:
        """Send a Hangup (after `before`), kept and sent again after each reconnect until the server
        confirms the call ended: a Hangup lost with a dead node must not leave the call open."""
        messages = (*before, Hangup(call_id=call_id, reason=reason))
        self._unconfirmed = Unconfirmed(call_id, messages, time.monotonic() + HANGUP_KEPT_S)
        for message in messages:
            await self._send(message)

    def _hangup_unconfirmed(self) -> bool:
        """Our Hangup still waits for the server's CallEnded (and is still worth sending)."""
        return self._unconfirmed is not None and time.monotonic() < self._unconfirmed.until

    async def _send_unconfirmed(self) -> None:
        """After a reconnect: send the unconfirmed Hangup (and our stats before it) again."""
        unconfirmed = self._unconfirmed
        if unconfirmed is None or not self._hangup_unconfirmed():
            self._unconfirmed = None
            return
        log.info("sending the hangup of call %s again", unconfirmed.call_id)
        for message in unconfirmed.messages:
            await self._send(message)

    def _call_ended(self, call_id: str) -> None:
        """The server confirmed a call's end: our Hangup need not go again."""
        if self._unconfirmed is not None and self._unconfirmed.call_id == call_id:
            self._unconfirmed = None

    async def _report_stats(self, call_id: str) -> None:
        """Send our stats for the call (media figures, quality summary, timings)."""
        stats = await self._stats(call_id)
        if stats is not None:
            await self._send(stats)

    async def _stats(self, call_id: str) -> CallStats | None:
        """Our stats for the call, None when it never had media."""
        if self._session is not None:
            stats = await self._session.collect_stats()
        elif self._devices is not None:
            stats = {}  # ended between two connections
        else:
            return None
        stats["quality"] = {**self._quality.summary(), "reconnections": self.info.reconnections}
        stats["timings"] = _relative_timings(self.info.timings)
        return CallStats(call_id=call_id, stats=stats)

    def media_stats(self) -> dict[str, Any]:
        """Current media figures (the last call's once it ended), with the call's quality summary."""
        if self._session is not None:
            return {**self._session.stats(), "quality": self._quality.summary()}
        return dict(self._last_stats)

    def audio_max_gap_ms(self, since: float = 0.0) -> float:
        """The longest stretch of the other side's audio missing since a time.monotonic()."""
        devices = self._devices
        return devices.sink.max_gap_ms(since) if devices is not None else 0.0

    # ---- link mode -----------------------------------------------------------------------------

    def _own_mode_changed(self, mode: LinkMode) -> None:
        """Our sending mode changed: tell the other side and show the call's mode."""
        self._own_mode = mode
        if self.info.call_id:
            self._spawn(self._send_quietly(MediaMode(call_id=self.info.call_id, mode=mode.value)))
        self._show_mode()

    def _show_mode(self) -> None:
        mode = worse(self._own_mode, self._peer_mode)
        callback = mode == LinkMode.CALLBACK
        message = POOR_LINK if callback else (self.info.message if self.info.message != POOR_LINK else "")
        self._update_info(
            media_mode=mode.value, callback_offered=callback or self.info.callback_offered, message=message
        )

    async def _send_quietly(self, message: Message) -> None:
        await self._send(message)

    # ---- in-call messages shared by both sides ---------------------------------------------------

    def add_form_listener(self, listener: FormListener) -> None:
        """Be told of every co-filled form field, from either side (the UI shows it live)."""
        self._form_listeners.append(listener)

    def set_form_submit_hook(self, hook: FormSubmitHook | None) -> None:
        """Where a confirmed co-filled form goes (the kiosk's durable outbox)."""
        self._form_submit = hook

    def form_values(self, form_id: str) -> dict[str, str]:
        """The co-filled form's fields as they stand."""
        return dict(self._form_values.get(form_id, {}))

    async def patch_form(self, form_id: str, field_name: str, value: str) -> bool:
        """Fill or correct one field; the other side sees it at once. False when not in a call."""
        if not self.info.call_id or self._devices is None:
            return False
        origin = self._origin()
        self._apply_edit(FieldEdit(form_id, field_name, value, origin))
        return await self._send(FormPatch(self.info.call_id, form_id, field_name, value, origin))

    def _apply_edit(self, edit: FieldEdit) -> None:
        self._form_values.setdefault(edit.form_id, {})[edit.field] = edit.value
        for listener in list(self._form_listeners):
            try:
                listener(edit)
            except Exception:
                log.exception("a form listener failed")

    def _origin(self) -> str:
        """'kiosk' or 'lawyer'."""
        raise NotImplementedError

    async def _on_in_call_message(self, message: Message) -> bool:
        """Handle the in-call messages both sides share; True when it was one of them."""
        if isinstance(message, CallEnded):
            self._call_ended(message.call_id)
            return True
        if not self.info.call_id or getattr(message, "call_id", None) != self.info.call_id:
            return False
        match message:
            case MediaMode(mode=mode) if mode in LinkMode.__members__.values():
                self._peer_mode = LinkMode(mode)
                self._show_mode()
            case PushContent():
                pushed = PushedContent(message.kind, message.ref, message.title, message.text)
                self._update_info(pushed=pushed)
            case FormPatch():
                self._apply_edit(FieldEdit(message.form_id, message.field, message.value, message.origin))
            case RecordingConsent(agreed=agreed):
                self._on_consent(agreed)
            case Rejoined(ok=ok):
                self.rejoined = self.rejoined or ok
                log.info("rejoined the call: %s", ok)
                self._update_info(reconnecting=False)
                if not ok:  # it ended while our socket was gone (the other side's Hangup never reached us)
                    await self._on_call_gone(message.call_id)
            case _:
                return False
        return True

    def _on_consent(self, agreed: bool) -> None:
        """The other side answered (or, for the kiosk, the lawyer asked) about recording."""
        raise NotImplementedError

    async def _on_call_gone(self, call_id: str) -> None:
        """The server says the call is over (a refused Rejoin): end it as if the other side hung up."""
        raise NotImplementedError

    async def stop_recording(self) -> bool:
        """停止录音: either side ends a recording both agreed to; what was recorded so far is kept."""
        if self.info.recording != "agreed" or not self.info.call_id:
            return False
        self._update_info(recording="stopped")
        return await self._send(RecordingConsent(call_id=self.info.call_id, agreed=False))

    # ---- signaling lost mid-call ---------------------------------------------------------------

    def _resume_signaling(self) -> None:
        """Reconnect the signaling socket in the background (media goes on peer to peer), then Rejoin."""
        if self._resuming is None or self._resuming.done():
            self._resuming = asyncio.ensure_future(self._resume_loop(self.info.call_id))

    async def _resume_loop(self, call_id: str) -> None:
        attempt = 0
        while self._still_in(call_id):
            await asyncio.sleep(SIGNALING_BACKOFF_S[min(attempt, len(SIGNALING_BACKOFF_S) - 1)])
            attempt += 1
            try:
                await self._reconnect_signaling()
            except (SignalingError, TimeoutError) as exc:
                log.info("signaling not back yet: %s", exc)
                continue
            if self._still_in(call_id):
                await self._send(Rejoin(call_id=call_id))
                await self._rejoin_sent(call_id)
            return

    def _still_in(self, call_id: str) -> bool:
        """Still in this call, whose signaling is worth resuming."""
        return self.info.call_id == call_id and self._devices is not None

    async def _rejoin_sent(self, call_id: str) -> None:
        """The signaling is back and Rejoin sent: what the side sends after it (the subclass)."""
        if self.info.reconnecting:
            self._update_info(reconnecting=False)

    async def _reconnect_signaling(self) -> None:
        """Open a new signaling socket, read Welcome, start the reader (the subclass knows its token)."""
        raise NotImplementedError


def _relative_timings(timings: dict[str, float]) -> dict[str, float]:
    """Timings as milliseconds after the first one (monotonic clocks mean nothing to the server)."""
    if not timings:
        return {}
    origin = min(timings.values())
    return {name: round((value - origin) * 1000, 1) for name, value in timings.items()}
