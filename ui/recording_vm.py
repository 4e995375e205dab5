"""The recording panel's view-model: kiosk 同意 / 不同意, desk 请求录音, both 停止录音."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from media.flows import CallerState, CallInfo, DeskState
from ui.background import BackgroundRunner

_CONNECTED = frozenset(
    {CallerState.IN_CALL, CallerState.RECONNECTING, DeskState.IN_CALL, DeskState.RECONNECTING}
)


class RecordingStep(StrEnum):
    """What the recording panel shows."""

    HIDDEN = "hidden"  # not in a call, or nothing to show
    CAN_REQUEST = "can_request"  # desk: the 请求录音 button
    ASKING = "asking"  # kiosk: the consent question; desk: waiting for the villager's answer
    RECORDING = "recording"  # both agreed: the red 录音录像中 and 停止录音
    REFUSED = "refused"  # a short note: not recorded
    STOPPED = "stopped"  # a short note: recording stopped, what was recorded is kept


class RecordingViewModel(QObject):
    """Maps CallInfo.recording to the panel; its slots answer, request and stop.

    `allowed(topic)` says whether the centre records calls of a topic (the desk's policy); the kiosk
    passes None: the villager never requests, only answers.
    """

    changed = Signal()

    def __init__(
        self,
        flow: Any,
        runner: BackgroundRunner,
        *,
        desk: bool,
        allowed: Callable[[str], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.flow = flow
        self._runner = runner
        self._desk = desk
        self._allowed = allowed
        self._step = RecordingStep.HIDDEN
        flow.add_state_listener(self._flow_changed)
        self._flow_changed(flow.state, flow.info)

    def _flow_changed(self, state: Any, info: CallInfo) -> None:
        step = self._step_for(state, info)
        if step != self._step:
            self._step = step
            self.changed.emit()

    def policy_changed(self) -> None:
        """The centre's policy was (re)read: the 请求录音 button may appear or go."""
        self._flow_changed(self.flow.state, self.flow.info)

    def _step_for(self, state: Any, info: CallInfo) -> RecordingStep:
        if state not in _CONNECTED:
            return RecordingStep.HIDDEN
        match info.recording:
            case "asked":
                return RecordingStep.ASKING
            case "agreed":
                return RecordingStep.RECORDING
            case "refused":
                return RecordingStep.REFUSED
            case "stopped":
                return RecordingStep.STOPPED
        if self._desk and self._allowed is not None and self._allowed(info.topic):
            return RecordingStep.CAN_REQUEST
        return RecordingStep.HIDDEN

    def _step_name(self) -> str:
        return self._step.value

    def _is_desk(self) -> bool:
        return self._desk

    step = Property(str, _step_name, notify=changed)
    desk = Property(bool, _is_desk, constant=True)

    @Slot()
    def request(self) -> None:
        """请求录音 (desk)."""
        if self._step is RecordingStep.CAN_REQUEST:
            self._runner.run(self.flow.request_recording(), name="request-recording")

    @Slot()
    def agree(self) -> None:
        """同意录音录像 (kiosk)."""
        if self._step is RecordingStep.ASKING and not self._desk:
            self._runner.run(self.flow.answer_recording(True), name="agree-recording")

    @Slot()
    def refuse(self) -> None:
        """不同意 (kiosk)."""
        if self._step is RecordingStep.ASKING and not self._desk:
            self._runner.run(self.flow.answer_recording(False), name="refuse-recording")

    @Slot()
    def stop(self) -> None:
        """停止录音 (either side)."""
        if self._step is RecordingStep.RECORDING:
            self._runner.run(self.flow.stop_recording(), name="stop-recording")
