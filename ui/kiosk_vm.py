"""The kiosk's view-model: the call flow's state mapped to what the touch screens show."""

from __future__ import annotations

import logging
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from media.flows import CallerFlow, CallerState, CallInfo
from ui import texts
from ui.background import BackgroundRunner
from ui.call_topics import (
    CALL_TOPICS,
    MAX_PHONE_DIGITS,
    TOPIC_BY_TILE,
    phone_digits,
    phone_problem,
    tile_hint,
    tile_label,
)
from ui.video import VideoFrameBridge

log = logging.getLogger(__name__)

LOCAL_PREVIEW_FPS = 15.0  # the small self-view; the remote picture is shown at its full rate


class KioskScreen(StrEnum):
    """Which screen the kiosk shows."""

    HOME = "home"
    CONNECTING = "connecting"  # 正在为您接通值班律师… (requesting, waiting in the queue, media setup)
    CALL = "call"
    NO_LAWYER = "no_lawyer"
    FAILED = "failed"
    ENDED = "ended"
    APPLY = "apply"  # 办事申请: the form screens (ui/forms_vm.py)
    CONSULT = "consult"  # 法律咨询: FAQ, search, law browse (ui/consult_vm.py)
    TOPICS = "topics"  # 律师视频: what is it about? picture tiles before the call
    CALLBACK = "callback"  # 请律师回电: the number pad, then the tracking number
    RATING = "rating"  # after a call: 满意 / 一般 / 不满意


class CallbackStep(StrEnum):
    """Where the villager is in leaving a number for a callback."""

    ENTRY = "entry"  # typing the number on the pad (with a plain message when it is wrong)
    SENDING = "sending"  # waiting for the server to store it
    DONE = "done"  # stored: the tracking number shows


class Score(IntEnum):
    """The three faces after a call, as the server stores them."""

    UNHAPPY = 1
    SO_SO = 2
    HAPPY = 3


SCREEN_FOR_STATE: dict[CallerState, KioskScreen] = {
    CallerState.IDLE: KioskScreen.HOME,
    CallerState.REQUESTING: KioskScreen.CONNECTING,
    CallerState.WAITING: KioskScreen.CONNECTING,
    CallerState.CONNECTING: KioskScreen.CONNECTING,
    CallerState.IN_CALL: KioskScreen.CALL,
    CallerState.RECONNECTING: KioskScreen.CALL,  # media stalled: the call screen says 正在重新连接…
    CallerState.ENDED: KioskScreen.ENDED,
    CallerState.NO_LAWYER: KioskScreen.NO_LAWYER,
    CallerState.FAILED: KioskScreen.FAILED,
}

# Screens the villager may leave with 返回 (the flow stays in its end state until the next call).
DISMISSABLE = frozenset({KioskScreen.ENDED, KioskScreen.NO_LAWYER, KioskScreen.FAILED, KioskScreen.RATING})
# A lawyer is on the line: no callback screen hides it.
LIVE = frozenset({CallerState.CONNECTING, CallerState.IN_CALL, CallerState.RECONNECTING})
# The states a 请律师回电 button may show in when the server offers it.
CALLBACK_STATES = frozenset({CallerState.WAITING, CallerState.NO_LAWYER, CallerState.FAILED})

# Home tiles: id -> built yet? Later issues flip their tile to True and give it a screen.
DEFAULT_HOTLINE = CallInfo().hotline

TILES: dict[str, bool] = {"consult": True, "apply": True, "call": True, "help": True}


class KioskViewModel(QObject):
    """Wraps a CallerFlow for the kiosk's QML; slots are what a tap does.

    Signals:
        changed: any displayed property changed.
        flowChanged: the flow reported a state change (for automation and benches).
    Attributes:
        flow: the wrapped call flow.
        remote_video / local_video: the lawyer's picture and the villager's own preview.
    """

    changed = Signal()
    flowChanged = Signal()
    tileOpened = Signal(str)  # a built tile other than 律师视频 was tapped; its screen's owner opens it

    def __init__(
        self,
        flow: CallerFlow,
        runner: BackgroundRunner,
        *,
        hotline: str = "12348",
        keyboard_data_path: str = "",
        ended_return_ms: int = 6000,
        rating_return_ms: int = 45_000,
        forms: QObject | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.flow = flow
        self._runner = runner
        self._hotline = hotline
        self._keyboard_data_path = keyboard_data_path
        self._dismissed = False
        self._notice = ""
        self._error = ""
        self._last_state = CallerState(flow.state)
        self._activity: KioskScreen | None = None  # a home tile's screens while no call is under way
        self._tile = "unknown"  # the topic tile of this call (carried over to a callback)
        self._callback: CallbackStep | None = None
        self._phone = ""
        self._callback_error = ""
        self._callback_tracking = ""
        self._talked = False  # the last call reached a lawyer: the faces are offered
        self._rated = False  # rated or skipped
        self._score = 0
        self._ended_return_ms = ended_return_ms
        self._rating_return_ms = rating_return_ms
        self.remote_video = VideoFrameBridge("remoteVideo", self)
        self.local_video = VideoFrameBridge("localVideo", self, max_fps=LOCAL_PREVIEW_FPS)
        self._home_timer = QTimer(self)
        self._home_timer.setSingleShot(True)
        self._home_timer.setInterval(ended_return_ms)
        self._home_timer.timeout.connect(self.goHome)
        flow.add_state_listener(self._on_state)
        flow.set_video_listeners(self.remote_video.push, self.local_video.push)
        # 办事申请 (ui/forms_vm.py): shown over home while no call is under way.
        self._forms = forms
        self._help: QObject | None = None  # in-call help (ui/kiosk_help_vm.py), set with use_help()
        if forms is not None:
            forms.finished.connect(self.goHome)  # type: ignore[attr-defined]

    # --- flow events -------------------------------------------------------------------------------
    def _on_state(self, state: Any, info: CallInfo) -> None:
        state = CallerState(state)
        if state is not self._last_state:  # not just new info (queue position) within a state
            self._last_state = state
            if state is CallerState.REQUESTING:
                self.remote_video.reset()
                self.local_video.reset()
                self._talked = self._rated = False
                self._score = 0
            elif state is CallerState.IN_CALL:
                self._talked = True
            self._dismissed = False
            self._error = ""
            if SCREEN_FOR_STATE[state] is KioskScreen.ENDED:
                rating = self._talked and not self._rated
                self._home_timer.start(self._rating_return_ms if rating else self._ended_return_ms)
            elif self._callback is not CallbackStep.DONE:
                self._home_timer.stop()
        self.changed.emit()
        self.flowChanged.emit()

    def _on_failure(self, message: str) -> None:
        self._error = message
        self.changed.emit()

    # --- properties --------------------------------------------------------------------------------
    @property
    def kiosk_screen(self) -> KioskScreen:
        """The screen for the flow's state, or home once the villager left an end screen."""
        if self._error and self._callback is None:
            return KioskScreen.FAILED
        state = CallerState(self.flow.state)
        if self._callback is not None and state not in LIVE:
            return KioskScreen.CALLBACK
        screen = SCREEN_FOR_STATE[state]
        if screen is KioskScreen.ENDED and self._talked and not self._rated:
            screen = KioskScreen.RATING
        screen = KioskScreen.HOME if self._dismissed and screen in DISMISSABLE else screen
        return self._activity if self._activity is not None and screen is KioskScreen.HOME else screen

    def _screen(self) -> str:
        return self.kiosk_screen.value

    def _state(self) -> str:
        return CallerState(self.flow.state).value

    def _peer_name(self) -> str:
        return self.flow.info.peer_name

    def _peer_detail(self) -> str:
        return self.flow.info.peer_detail

    def _position(self) -> int:
        return self.flow.info.position if self.flow.state is CallerState.WAITING else 0

    def _message(self) -> str:
        if self._error:
            return self._error
        if self.flow.state is CallerState.NO_LAWYER:
            return texts.default_no_lawyer()  # the hotline stands below in large digits: said once
        message = self.flow.info.message
        if message:
            return message
        if self.flow.state is CallerState.FAILED:
            return texts.default_failure()
        return ""

    def _reconnecting(self) -> bool:
        # the media redials (in a call), or the server connection comes back (waiting: place kept)
        return self.flow.state is CallerState.RECONNECTING or self.flow.info.reconnecting

    def _hotline_number(self) -> str:
        # The centre's number from the server when it sent one, else this terminal's setting.
        told = self.flow.info.hotline
        return told if told and told != DEFAULT_HOTLINE else self._hotline

    def _notice_text(self) -> str:
        return self._notice

    def _keyboard_path(self) -> str:
        return self._keyboard_data_path

    def _ended_return_seconds(self) -> int:
        return self._ended_return_ms // 1000

    def _remote(self) -> QObject:
        return self.remote_video

    def _local(self) -> QObject:
        return self.local_video

    def _estimated_minutes(self) -> int:
        # -1: no honest estimate yet; 0: next, under a minute; else whole minutes (at least 1).
        wait = self.flow.info.estimated_wait_s
        if self.flow.state is not CallerState.WAITING or wait < 0:
            return -1
        if wait < 60 and self.flow.info.position <= 1:
            return 0
        return max(1, round(wait / 60))

    def _callback_offered(self) -> bool:
        return self.flow.info.callback_offered and CallerState(self.flow.state) in CALLBACK_STATES

    def _call_topics(self) -> list[dict[str, str]]:
        return [{"tile": t.tile, "label": tile_label(t.tile), "hint": tile_hint(t.tile)} for t in CALL_TOPICS]

    def _topic_text(self) -> str:
        # 咨询：一般咨询 rather than 咨询：不知道 when the villager was not sure
        return tile_hint(self._tile) if self._tile == "unknown" else tile_label(self._tile)

    def _callback_step(self) -> str:
        return self._callback.value if self._callback is not None else ""

    def _tracking(self) -> str:
        number = self._callback_tracking if self._callback is not None else self.flow.info.tracking_number
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))

    screen = Property(str, _screen, notify=changed)
    estimatedMinutes = Property(int, _estimated_minutes, notify=changed)
    callbackOffered = Property(bool, _callback_offered, notify=changed)
    callTopics = Property(list, _call_topics, notify=changed)
    topicText = Property(str, _topic_text, notify=changed)
    callbackStep = Property(str, _callback_step, notify=changed)
    phoneDigits = Property(str, lambda self: self._phone, notify=changed)
    phoneError = Property(str, lambda self: self._callback_error, notify=changed)
    trackingNumber = Property(str, _tracking, notify=changed)
    ratedScore = Property(int, lambda self: self._score, notify=changed)
    state = Property(str, _state, notify=changed)
    peerName = Property(str, _peer_name, notify=changed)
    peerDetail = Property(str, _peer_detail, notify=changed)
    position = Property(int, _position, notify=changed)
    message = Property(str, _message, notify=changed)
    reconnecting = Property(bool, _reconnecting, notify=changed)
    hotline = Property(str, _hotline_number, notify=changed)
    notice = Property(str, _notice_text, notify=changed)
    keyboardDataPath = Property(str, _keyboard_path, constant=True)
    endedReturnSeconds = Property(int, _ended_return_seconds, constant=True)
    remoteVideo = Property(QObject, _remote, constant=True)
    localVideo = Property(QObject, _local, constant=True)
    forms = Property(QObject, lambda self: self._forms, constant=True)
    helpChanged = Signal()
    help = Property(QObject, lambda self: self._help, notify=helpChanged)

    def use_help(self, help_vm: QObject) -> None:
        """What the lawyer pushes during a call (ui/kiosk_help_vm.py), shown over the call screen."""
        self._help = help_vm
        self.helpChanged.emit()

    # --- slots: what a tap does ------------------------------------------------------------------
    @Slot(str)
    def tapTile(self, tile: str) -> None:
        """A home tile was tapped: 律师视频 calls; tiles not built yet say so."""
        if tile == "call":
            self._activity = KioskScreen.TOPICS  # 律师视频: first the topic tiles
            self._dismissed = True
            self._notice = ""
            self.changed.emit()
        elif tile == "apply" and self._forms is not None:
            self._forms.showChooser()  # type: ignore[attr-defined]
            self._activity = KioskScreen.APPLY
            self.changed.emit()
        elif tile == "consult":
            self._activity = KioskScreen.CONSULT
            self._dismissed = True  # an old end screen does not come back over the consult screens
            self.changed.emit()
        elif not TILES.get(tile, False) or (tile == "apply" and self._forms is None):
            self._notice = texts.not_built_notice()
            self.changed.emit()
        else:
            self.tileOpened.emit(tile)

    @Slot(str)
    def openForm(self, form_id: str) -> None:
        """Open one application form directly (e.g. from a FAQ answer)."""
        if self._forms is None:
            return
        self._forms.openForm(form_id)  # type: ignore[attr-defined]
        self._activity = KioskScreen.APPLY
        self.changed.emit()

    @Slot()
    def retranslate(self) -> None:
        """The language changed: words made here (topic tiles) are asked for again."""
        self.changed.emit()

    @Slot()
    def dismissNotice(self) -> None:
        """Close the 'not built yet' notice."""
        self._notice = ""
        self.changed.emit()

    @Slot()
    def call(self) -> None:
        """Ask for the on-duty lawyer (also 重试)."""
        if self.flow.state not in (
            CallerState.IDLE,
            CallerState.ENDED,
            CallerState.NO_LAWYER,
            CallerState.FAILED,
        ):
            return
        self._error = ""
        self._notice = ""
        self._activity = None
        chosen = TOPIC_BY_TILE.get(self._tile, TOPIC_BY_TILE["unknown"])  # 重试 keeps the topic
        call = self.flow.call(topic=chosen.topic.value, migrant_worker=chosen.migrant_worker)
        self._runner.run(call, name="call", on_failure=self._on_failure)

    @Slot(str)
    def callAbout(self, topic: str) -> None:
        """找律师视频 from an answer: ask for the on-duty lawyer, telling the pool what it is about."""
        if self.flow.state not in (
            CallerState.IDLE,
            CallerState.ENDED,
            CallerState.NO_LAWYER,
            CallerState.FAILED,
        ):
            return
        self._error = ""
        self._notice = ""
        self._activity = None
        self._tile = next(
            (t.tile for t in CALL_TOPICS if t.topic == topic and not t.migrant_worker), "unknown"
        )
        self._runner.run(self.flow.call(topic=topic or "general"), name="call", on_failure=self._on_failure)

    @Slot(str)
    def chooseTopic(self, tile: str) -> None:
        """A topic tile: call with that topic (农民工欠薪 on the wage-claim priority)."""
        if tile not in TOPIC_BY_TILE or self.flow.state in (
            CallerState.REQUESTING,
            CallerState.WAITING,
            *LIVE,
        ):
            return
        self._tile = tile
        topic = TOPIC_BY_TILE[tile]
        self._error = ""
        self._activity = None
        self._dismissed = False
        self.changed.emit()
        call = self.flow.call(topic=topic.topic.value, migrant_worker=topic.migrant_worker)
        self._runner.run(call, name="call", on_failure=self._on_failure)

    def _topic_of_tile(self) -> str:
        return TOPIC_BY_TILE[self._tile].topic.value if self._tile in TOPIC_BY_TILE else "general"

    # --- 请律师回电 ----------------------------------------------------------------------------------
    @Slot()
    def offerCallback(self) -> None:
        """请律师回电: the number pad (the call keeps its place while the number is typed)."""
        self._callback = CallbackStep.ENTRY
        self._phone = ""
        self._callback_error = ""
        self._callback_tracking = ""
        self.changed.emit()

    @Slot(str)
    def setPhone(self, text: str) -> None:
        """A key of the number pad: the digits typed so far."""
        if self._callback is not CallbackStep.ENTRY:
            return
        self._phone = phone_digits(text)[:MAX_PHONE_DIGITS]
        self._callback_error = ""
        self.changed.emit()

    @Slot()
    def sendCallback(self) -> None:
        """确定: check the number as the server does, then leave it with the topic chosen before."""
        if self._callback is not CallbackStep.ENTRY:
            return
        self._callback_error = phone_problem(self._phone)
        if not self._callback_error:
            self._callback = CallbackStep.SENDING
            work = self._send_callback(self._phone, self._topic_of_tile())
            self._runner.run(work, name="callback", on_failure=self._on_callback_failure)
        self.changed.emit()

    async def _send_callback(self, phone: str, topic: str) -> None:
        number, why = await self.flow.request_callback(phone, topic)
        if self._callback is not CallbackStep.SENDING:
            return  # the villager left meanwhile
        if not number:
            self._on_callback_failure(why or texts.default_failure())
            return
        self._callback_tracking = number
        self._callback = CallbackStep.DONE
        self._phone = ""
        self._home_timer.start(self._rating_return_ms)
        self.changed.emit()
        if self.flow.state is CallerState.WAITING:
            await self.flow.cancel()  # the lawyer calls back instead: the place is given up

    def _on_callback_failure(self, message: str) -> None:
        if self._callback is CallbackStep.SENDING:
            self._callback = CallbackStep.ENTRY
            self._callback_error = message
            self.changed.emit()

    @Slot()
    def closeCallback(self) -> None:
        """返回 from the number pad: back to waiting if the call still waits, else home."""
        if self._callback is not CallbackStep.DONE and self.flow.state is CallerState.WAITING:
            self._callback = None
            self._callback_error = ""
            self.changed.emit()
            return
        self.goHome()

    # --- after the call: three faces -------------------------------------------------------------
    @Slot(int)
    def rate(self, score: int) -> None:
        """满意 (3) / 一般 (2) / 不满意 (1): sent with the call's matter, then a thank-you and home."""
        if self.kiosk_screen is not KioskScreen.RATING or score not in tuple(Score):
            return
        self._rated = True
        self._score = score
        self._home_timer.start(self._ended_return_ms)
        self._runner.run(self.flow.rate(score), name="rate", on_failure=lambda _m: None)
        self.changed.emit()

    @Slot()
    def skipRating(self) -> None:
        """跳过: straight home, nothing sent."""
        self._rated = True
        self.goHome()

    @Slot()
    def retry(self) -> None:
        """重试 on the failed screen."""
        self.call()

    @Slot()
    def cancel(self) -> None:
        """取消 while connecting."""
        if self.flow.state in (CallerState.CONNECTING, CallerState.IN_CALL):
            self.hangup()
            return
        self._runner.run(self.flow.cancel(), name="cancel", on_failure=self._on_failure)

    @Slot()
    def hangup(self) -> None:
        """挂断."""
        self._runner.run(self.flow.hangup(), name="hangup", on_failure=self._on_failure)

    @Slot()
    def goHome(self) -> None:
        """返回: leave an end screen (ended, nobody on duty, failed) for the home screen."""
        self._home_timer.stop()
        self._dismissed = True
        self._error = ""
        self._callback = None
        self._phone = self._callback_error = self._callback_tracking = ""
        self._tile = "unknown"
        if self._activity is KioskScreen.APPLY and self._forms is not None:
            self._activity = None
            self._forms.reset()  # type: ignore[attr-defined]
        self._activity = None
        self.changed.emit()
