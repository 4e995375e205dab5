"""The lawyer desk's view-model: the desk flow's state mapped to login, duty, ringing and call screens."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any, Protocol

from PySide6.QtCore import Property, QObject, Signal, Slot

from media.flows import CallInfo, DeskFlow, DeskState
from ui import texts
from ui.background import BackgroundRunner
from ui.video import VideoFrameBridge

log = logging.getLogger(__name__)

LOCAL_PREVIEW_FPS = 15.0  # the small self-view; the remote picture is shown at its full rate


class DeskScreen(StrEnum):
    """Which screen the desk shows."""

    LOGIN = "login"
    DUTY = "duty"  # off duty / on duty, waiting for calls
    RINGING = "ringing"
    CALL = "call"


SCREEN_FOR_STATE: dict[DeskState, DeskScreen] = {
    DeskState.LOGGED_OUT: DeskScreen.LOGIN,
    DeskState.OFF_DUTY: DeskScreen.DUTY,
    DeskState.AVAILABLE: DeskScreen.DUTY,
    DeskState.RINGING: DeskScreen.RINGING,
    DeskState.CONNECTING: DeskScreen.CALL,
    DeskState.IN_CALL: DeskScreen.CALL,
    DeskState.RECONNECTING: DeskScreen.CALL,  # media stalled: the call screen says 正在重新连接…
    # FAILED: the login screen before the first login, else the duty screen with the message.
}

ON_DUTY_STATES = frozenset(
    {DeskState.AVAILABLE, DeskState.RINGING, DeskState.CONNECTING, DeskState.IN_CALL, DeskState.RECONNECTING}
)


class RingerLike(Protocol):
    """What the view-model needs of a ringer (ui.ringtone.Ringer)."""

    def start(self) -> None:
        """Start ringing."""

    def stop(self) -> None:
        """Stop ringing."""


class DeskViewModel(QObject):
    """Wraps a DeskFlow for the desk's QML; slots are what a click does.

    Signals:
        changed: any displayed property changed.
        flowChanged: the flow reported a state change (for automation and benches).
        ringStarted: a call is being offered (the window comes to the front).
    """

    changed = Signal()
    flowChanged = Signal()
    ringStarted = Signal()

    def __init__(
        self,
        flow: DeskFlow,
        runner: BackgroundRunner,
        *,
        ringer: RingerLike | None = None,
        username: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.flow = flow
        self._runner = runner
        self._ringer = ringer
        self._username = username
        self._logged_in = False
        self._help: QObject | None = None  # in-call help (ui/desk_help_vm.py), set with use_help()
        self._busy = False
        self._error = ""
        self._last_on_duty = False
        self._last_state = DeskState(flow.state)
        self.remote_video = VideoFrameBridge("remoteVideo", self)
        self.local_video = VideoFrameBridge("localVideo", self, max_fps=LOCAL_PREVIEW_FPS)
        flow.add_state_listener(self._on_state)
        flow.set_video_listeners(self.remote_video.push, self.local_video.push)

    # --- flow events -------------------------------------------------------------------------------
    def _on_state(self, state: Any, info: CallInfo) -> None:
        state = DeskState(state)
        if state is not self._last_state:  # not just new info within the same state
            self._last_state = state
            self._entered(state)
        self.changed.emit()
        self.flowChanged.emit()

    def _entered(self, state: DeskState) -> None:
        """Bookkeeping when the flow enters a new state: login, duty, ringing."""
        self._busy = False  # the state change is the answer the lawyer was waiting for
        if state is DeskState.LOGGED_OUT:
            self._logged_in = False
        elif state is not DeskState.FAILED:
            self._logged_in = True
            self._error = ""
        if state in ON_DUTY_STATES:
            self._last_on_duty = True
        elif state is not DeskState.FAILED:
            self._last_on_duty = False
        if state is DeskState.RINGING:
            self.remote_video.reset()
            self.local_video.reset()
            if self._ringer is not None:
                self._ringer.start()
            self.ringStarted.emit()
        elif self._ringer is not None:
            self._ringer.stop()

    def _done(self, _result: Any = None) -> None:
        self._busy = False
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self._busy = False
        self._error = message
        self.changed.emit()

    # --- properties --------------------------------------------------------------------------------
    @property
    def desk_screen(self) -> DeskScreen:
        """The screen for the flow's state."""
        state = DeskState(self.flow.state)
        if state is DeskState.FAILED:
            return DeskScreen.DUTY if self._logged_in else DeskScreen.LOGIN
        if state is DeskState.LOGGED_OUT or not self._logged_in:
            return DeskScreen.LOGIN
        return SCREEN_FOR_STATE[state]

    def _screen(self) -> str:
        return self.desk_screen.value

    def _state(self) -> str:
        return DeskState(self.flow.state).value

    def _on_duty(self) -> bool:
        if self.flow.state is DeskState.FAILED:
            return self._last_on_duty
        return self.flow.state in ON_DUTY_STATES

    def _error_text(self) -> str:
        if self._error:
            return self._error
        if self.flow.state is DeskState.FAILED:
            return self.flow.info.message or texts.default_failure()
        return ""

    def _busy_now(self) -> bool:
        return self._busy

    def _peer_name(self) -> str:
        return self.flow.info.peer_name

    def _peer_detail(self) -> str:
        return self.flow.info.peer_detail

    def _topic_text(self) -> str:
        return texts.topic_with_priority(self.flow.info.topic, self.flow.info.priority)

    def _user(self) -> str:
        return self._username

    def _lawyer_name(self) -> str:
        # the name the centre knows the lawyer by (王明), once logged in; the login name before
        return getattr(self.flow, "display_name", "") or self._username

    def _reconnecting(self) -> bool:
        # the media waits for the kiosk's redial, or the server connection comes back (issue 11)
        return self.flow.state is DeskState.RECONNECTING or self.flow.info.reconnecting

    def _ringing(self) -> bool:
        return self.flow.state is DeskState.RINGING

    def _remote(self) -> QObject:
        return self.remote_video

    def _local(self) -> QObject:
        return self.local_video

    screen = Property(str, _screen, notify=changed)
    state = Property(str, _state, notify=changed)
    onDuty = Property(bool, _on_duty, notify=changed)
    errorText = Property(str, _error_text, notify=changed)
    busy = Property(bool, _busy_now, notify=changed)
    peerName = Property(str, _peer_name, notify=changed)
    peerDetail = Property(str, _peer_detail, notify=changed)
    topicText = Property(str, _topic_text, notify=changed)
    username = Property(str, _user, notify=changed)
    lawyerName = Property(str, _lawyer_name, notify=changed)
    ringing = Property(bool, _ringing, notify=changed)
    reconnecting = Property(bool, _reconnecting, notify=changed)
    remoteVideo = Property(QObject, _remote, constant=True)
    localVideo = Property(QObject, _local, constant=True)
    helpChanged = Signal()
    help = Property(QObject, lambda self: self._help, notify=helpChanged)

    def use_help(self, help_vm: QObject) -> None:
        """The in-call help panel (ui/desk_help_vm.py) beside the call."""
        self._help = help_vm
        self.helpChanged.emit()

    # --- slots -------------------------------------------------------------------------------------
    def _start(self, work: Any, name: str) -> None:
        self._busy = True
        self._error = ""
        self.changed.emit()
        self._runner.run(work, name=name, on_success=self._done, on_failure=self._failed)

    @Slot(str, str)
    def login(self, username: str, password: str) -> None:
        """登录."""
        if self._busy:
            return
        if not username.strip() or not password:
            self._error = texts.login_missing_fields()
            self.changed.emit()
            return
        self._username = username.strip()
        self._start(self.flow.login(self._username, password), "login")

    @Slot(bool)
    def setDuty(self, on_duty: bool) -> None:
        """在岗 / 离岗."""
        if self._busy or on_duty == self._on_duty():
            return
        self._start(self.flow.set_duty(on_duty), "duty")

    @Slot()
    def accept(self) -> None:
        """接听."""
        if self.flow.state is DeskState.RINGING:
            self._start(self.flow.accept(), "accept")

    @Slot()
    def decline(self) -> None:
        """拒接."""
        if self.flow.state is DeskState.RINGING:
            self._start(self.flow.decline(), "decline")

    @Slot()
    def hangup(self) -> None:
        """挂断."""
        self._start(self.flow.hangup(), "hangup")

    @Slot()
    def clearError(self) -> None:
        """Dismiss the error message."""
        self._error = ""
        self.changed.emit()
