"""The call flows' public surface: states, what a state change carries, and the two flow protocols.

The kiosk side (`media.caller.KioskCaller`) and the desk side (`media.answerer.DeskAnswerer`)
implement these protocols; the Qt view-models in ui/ wrap them and only render what they report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import av


class CallerState(StrEnum):
    """The kiosk's call, as the villager sees it."""

    IDLE = "idle"  # home screen, no call
    REQUESTING = "requesting"  # tapped; asking the server (正在为您接通值班律师…)
    WAITING = "waiting"  # queued or ringing a lawyer; position known
    CONNECTING = "connecting"  # a lawyer answered; media is being set up
    IN_CALL = "in_call"  # first remote frame shown
    RECONNECTING = "reconnecting"  # media stalled: redialling the same lawyer (网络不稳定，正在重新连接…)
    ENDED = "ended"  # the call is over (either side hung up)
    NO_LAWYER = "no_lawyer"  # nobody on duty / nobody answered: show the hotline
    FAILED = "failed"  # server unreachable, media failed, device error: show why and offer retry


CALLER_TRANSITIONS: dict[CallerState, frozenset[CallerState]] = {
    CallerState.IDLE: frozenset({CallerState.REQUESTING}),
    CallerState.REQUESTING: frozenset(
        {CallerState.WAITING, CallerState.NO_LAWYER, CallerState.FAILED, CallerState.IDLE}
    ),
    CallerState.WAITING: frozenset(
        {
            CallerState.WAITING,
            CallerState.CONNECTING,
            CallerState.NO_LAWYER,
            CallerState.FAILED,
            CallerState.IDLE,
        }
    ),
    CallerState.CONNECTING: frozenset({CallerState.IN_CALL, CallerState.ENDED, CallerState.FAILED}),
    CallerState.IN_CALL: frozenset({CallerState.ENDED, CallerState.FAILED, CallerState.RECONNECTING}),
    CallerState.RECONNECTING: frozenset({CallerState.IN_CALL, CallerState.ENDED, CallerState.FAILED}),
    CallerState.ENDED: frozenset({CallerState.IDLE, CallerState.REQUESTING}),
    CallerState.NO_LAWYER: frozenset({CallerState.IDLE, CallerState.REQUESTING}),
    CallerState.FAILED: frozenset({CallerState.IDLE, CallerState.REQUESTING}),
}


class DeskState(StrEnum):
    """The lawyer desk, as the lawyer sees it."""

    LOGGED_OUT = "logged_out"
    OFF_DUTY = "off_duty"
    AVAILABLE = "available"  # on duty, waiting for calls
    RINGING = "ringing"  # a call is offered: 接听 / 拒接
    CONNECTING = "connecting"  # accepted; media being set up
    IN_CALL = "in_call"
    RECONNECTING = "reconnecting"  # media stalled: waiting for the kiosk to redial
    FAILED = "failed"  # login refused, server unreachable, media failed


DESK_TRANSITIONS: dict[DeskState, frozenset[DeskState]] = {
    DeskState.LOGGED_OUT: frozenset({DeskState.OFF_DUTY, DeskState.FAILED}),
    DeskState.OFF_DUTY: frozenset({DeskState.AVAILABLE, DeskState.LOGGED_OUT, DeskState.FAILED}),
    DeskState.AVAILABLE: frozenset({DeskState.RINGING, DeskState.OFF_DUTY, DeskState.FAILED}),
    DeskState.RINGING: frozenset(
        {DeskState.CONNECTING, DeskState.AVAILABLE, DeskState.OFF_DUTY, DeskState.FAILED}
    ),
    DeskState.CONNECTING: frozenset({DeskState.IN_CALL, DeskState.AVAILABLE, DeskState.FAILED}),
    DeskState.IN_CALL: frozenset(
        {DeskState.AVAILABLE, DeskState.OFF_DUTY, DeskState.FAILED, DeskState.RECONNECTING}
    ),
    DeskState.RECONNECTING: frozenset(
        {DeskState.IN_CALL, DeskState.AVAILABLE, DeskState.OFF_DUTY, DeskState.FAILED}
    ),
    DeskState.FAILED: frozenset({DeskState.LOGGED_OUT, DeskState.OFF_DUTY, DeskState.AVAILABLE}),
}


@dataclass(frozen=True)
class CallInfo:
    """What the screens show about the current call; every field may be empty early on.

    Attributes:
        call_id: the server's id of the call ("" before the server answered).
        peer_name: lawyer's name on the kiosk; terminal's name on the desk.
        peer_detail: law firm on the kiosk; village on the desk.
        topic: the call's topic (protocol.messages.Topic value).
        position: place in the queue while WAITING (1 = next), 0 when unknown.
        message: a plain-Chinese sentence for NO_LAWYER / FAILED / ENDED screens.
        hotline: the centre's number shown when nobody can answer.
        timings: monotonic timestamps (tap, queued, ring, accepted, first_frame, ended) for benches.
        estimated_wait_s: the server's honest estimate while WAITING; -1 when unknown.
        lawyers_on_duty: lawyers on duty while WAITING (0 when unknown).
        callback_offered: offer a callback: the wait is long, nobody can answer, or the link is too poor.
        tracking_number: the matter's number, for the villager's receipt.
        priority: on the desk, why the server put the call first (wage_claim, urgent) or normal.
        media_mode: the call's link mode (protocol.messages.LinkMode value), the worse of both sides'.
        reconnections: how often the media was re-established during this call.
        pushed: the last content the lawyer pushed to the terminal (None before any).
        recording: "" (not asked), "asked" (the lawyer asks; the villager must answer), "agreed", "refused",
            "stopped" (agreed, then 停止录音 on either side).
        reconnecting: the signaling connection is being re-established (正在重新连接…), the place kept.
    """

    call_id: str = ""
    peer_name: str = ""
    peer_detail: str = ""
    topic: str = "general"
    position: int = 0
    message: str = ""
    hotline: str = "12348"
    timings: dict[str, float] = field(default_factory=dict)
    estimated_wait_s: float = -1.0
    lawyers_on_duty: int = 0
    callback_offered: bool = False
    tracking_number: str = ""
    priority: str = "normal"  # the desk's ring: normal | wage_claim (农民工欠薪) | urgent
    media_mode: str = "full"
    reconnections: int = 0
    pushed: PushedContent | None = None
    recording: str = ""
    reconnecting: bool = False


@dataclass(frozen=True)
class PushedContent:
    """An FAQ answer, law article or form the lawyer put on the terminal's screen (ContentKind)."""

    kind: str
    ref: str
    title: str = ""
    text: str = ""


@dataclass(frozen=True)
class FieldEdit:
    """One field of a form filled together; origin 'kiosk' or 'lawyer'."""

    form_id: str
    field: str
    value: str
    origin: str


FormListener = Callable[[FieldEdit], None]
FormSubmitHook = Callable[[str, dict[str, str]], None]  # (form_id, confirmed values) -> the outbox


StateListener = Callable[[Any, CallInfo], None]  # (CallerState | DeskState, CallInfo)
FrameListener = Callable[[av.VideoFrame], None]


class CallerFlow(Protocol):
    """The kiosk side of a call. Listeners are called on the asyncio loop's thread."""

    state: CallerState
    info: CallInfo

    def add_state_listener(self, listener: StateListener) -> None:
        """Be told of every state change."""

    def set_video_listeners(self, remote: FrameListener | None, local: FrameListener | None) -> None:
        """Receive decoded remote frames and the local preview frames."""

    async def call(
        self, topic: str = "general", assisted_by: str | None = None, *, migrant_worker: bool = False
    ) -> None:
        """Tap 律师视频: ask the server for a lawyer and carry the call through to IN_CALL.

        migrant_worker with topic labour_wages: 农民工欠薪, on the server's wage-claim priority.
        """

    async def request_callback(self, phone: str, topic: str = "general") -> tuple[str, str]:
        """Leave a number for a callback: (tracking number, "") or ("", why not, in plain Chinese)."""

    async def rate(self, score: int) -> None:
        """The villager's 1..3 faces for the last call."""

    async def cancel(self) -> None:
        """Give up while REQUESTING/WAITING."""

    async def hangup(self) -> None:
        """End the call (挂断)."""

    def media_stats(self) -> dict[str, Any]:
        """Current media figures: frames/fps received, audio level, stamps checked, bitrate."""

    async def close(self) -> None:
        """Hang up if needed and release camera, microphone and the connection."""

    def add_form_listener(self, listener: FormListener) -> None:
        """Be told of every co-filled form field, from either side."""

    async def patch_form(self, form_id: str, field_name: str, value: str) -> bool:
        """The villager fills one field; the lawyer sees it at once."""

    async def submit_form(self, form_id: str) -> bool:
        """The villager confirmed and signed: the values go to the form-submit hook (the outbox)."""

    async def answer_recording(self, agreed: bool) -> None:
        """同意 / 不同意 recording, when info.recording == "asked"."""

    async def stop_recording(self) -> bool:
        """停止录音 while recording (info.recording == "agreed"); it becomes "stopped"."""


class DeskFlow(Protocol):
    """The lawyer side. Listeners are called on the asyncio loop's thread.

    Attributes:
        server_state: the pool's word for this lawyer (server.pool_model.LawyerState value; "" before).
        wrap_up_until: server time the wrap-up ends, while the server says wrap_up.
        callbacks: open callback requests (protocol.messages.CallbackList entries), oldest first.
        on_callbacks: told with the new list whenever the server sends one.
        server_clock_offset_s: server time minus this machine's time.time().
    """

    state: DeskState
    info: CallInfo
    server_state: str
    wrap_up_until: float | None
    callbacks: list[dict[str, Any]]
    on_callbacks: Callable[[list[dict[str, Any]]], None] | None
    server_clock_offset_s: float

    def add_state_listener(self, listener: StateListener) -> None:
        """Be told of every state change."""

    def set_video_listeners(self, remote: FrameListener | None, local: FrameListener | None) -> None:
        """Receive decoded remote frames and the local preview frames."""

    async def login(self, username: str, password: str) -> None:
        """Log in and open the signaling connection (-> OFF_DUTY, or FAILED with a message)."""

    async def set_duty(self, on_duty: bool) -> None:
        """Go on (AVAILABLE) or off (OFF_DUTY) duty."""

    async def accept(self) -> None:
        """接听 the ringing call."""

    async def decline(self) -> None:
        """拒接 the ringing call; it passes to the next lawyer."""

    async def hangup(self) -> None:
        """挂断."""

    def media_stats(self) -> dict[str, Any]:
        """Current media figures."""

    async def close(self) -> None:
        """Hang up, go off duty, release devices and the connection."""

    async def push_content(self, kind: str, ref: str, title: str = "", text: str = "") -> bool:
        """Show an FAQ answer, a law article or a form (protocol.messages.ContentKind) on the terminal."""

    def add_form_listener(self, listener: FormListener) -> None:
        """Watch the villager fill the pushed form live."""

    async def patch_form(self, form_id: str, field_name: str, value: str) -> bool:
        """Correct one field of the pushed form; the terminal shows it at once."""

    async def request_recording(self) -> bool:
        """Ask to record (where the centre enables it); info.recording becomes agreed or refused."""

    async def write_notes(self, call_id: str, notes: str) -> bool:
        """Short notes on a call this lawyer answered (stored encrypted on the matter); False if not sent."""

    async def end_wrap_up(self) -> bool:
        """结束整理: ready for the next call before the wrap-up time ends."""

    async def callback_done(self, callback_id: int, notes: str = "") -> bool:
        """已回电: the callback leaves every desk's list."""

    async def stop_recording(self) -> bool:
        """停止录音 while recording (info.recording == "agreed"); it becomes "stopped"."""
