"""The desk's panels beside the duty switch: wrap-up after a call, the break notice, open callbacks."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from media.flows import CallInfo, DeskFlow, DeskState
from ui import texts
from ui.background import BackgroundRunner

MAX_NOTES_CHARS = 2000  # what the server keeps (server.pool_relay.MAX_NOTES_CHARS)
AGE_REFRESH_MS = 30_000  # the callbacks' "n 分钟前" is redrawn this often
WRAP_UP = "wrap_up"  # server.pool_model.LawyerState values the desk reacts to
BREAK = "break"
_IN_A_CALL = frozenset({DeskState.CONNECTING, DeskState.IN_CALL, DeskState.RECONNECTING})
_BETWEEN_CALLS = frozenset({DeskState.AVAILABLE, DeskState.OFF_DUTY})


class DeskPanel(StrEnum):
    """What the duty screen shows in place of the plain duty switch."""

    NONE = "none"
    WRAP_UP = "wrap_up"  # 整理: notes on the call that just ended, with the time left
    BREAK = "break"  # put on break after missed calls, and how to come back


def phone_for_display(phone: str) -> str:
    """A number grouped for dialling: mobiles 138 1234 5678, landlines by area code 0371 1234 5678."""
    if not phone.isdigit():
        return phone
    if len(phone) == 11 and phone.startswith("1"):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if phone.startswith("0") and 10 <= len(phone) <= 12:
        area = 3 if phone[1] in "12" else 4  # 010 and 02x are the big cities' three-digit codes
        local = phone[area:]
        split = 3 if len(local) == 7 else 4
        return f"{phone[:area]} {local[:split]} {local[split:]}"
    return phone


def place_of(terminal: str, village: str) -> str:
    """The terminal's name, with its village unless the name already says it."""
    if not village or village in terminal:
        return terminal
    return f"{terminal} · {village}" if terminal else village


class DeskPanelsViewModel(QObject):
    """Wrap-up, break and callbacks for the desk's QML; slots are what a click does.

    Signals:
        changed: the panel, the call or the notes' state changed.
        ticked: the wrap-up's seconds left may have changed (every second while in wrap-up).
        callbacksChanged: the callback list, an entry's state or the ages changed.
    """

    changed = Signal()
    ticked = Signal()
    callbacksChanged = Signal()

    def __init__(
        self,
        flow: DeskFlow,
        runner: BackgroundRunner,
        *,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.flow = flow
        self._runner = runner
        self._clock = clock
        self._last_call = CallInfo()  # the call the wrap-up is about
        self._notes_saved = ""  # what the server has for the last call
        self._notes_busy = False
        self._notes_error = ""
        self._pending_done: set[int] = set()  # 已回电 sent, the list not yet updated
        self._callback_error = ""
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.ticked.emit)
        self._age = QTimer(self)
        self._age.setInterval(AGE_REFRESH_MS)
        self._age.timeout.connect(self.callbacksChanged.emit)
        self._age.start()
        flow.add_state_listener(self._on_state)
        flow.on_callbacks = self._on_callbacks

    # --- flow events -------------------------------------------------------------------------------
    def _on_state(self, state: Any, info: CallInfo) -> None:
        if DeskState(state) in _IN_A_CALL and info.call_id:
            if info.call_id != self._last_call.call_id:  # a new call: its own notes
                self._notes_saved = ""
                self._notes_error = ""
            self._last_call = info
        if self.panel is DeskPanel.WRAP_UP:
            self._tick.start()
        else:
            self._tick.stop()
        self.changed.emit()
        self.ticked.emit()

    def _on_callbacks(self, callbacks: list[dict[str, Any]]) -> None:
        self._pending_done &= {int(c["callback_id"]) for c in callbacks}
        self.callbacksChanged.emit()

    # --- properties --------------------------------------------------------------------------------
    @property
    def panel(self) -> DeskPanel:
        """Which panel the duty screen shows now."""
        if DeskState(self.flow.state) not in _BETWEEN_CALLS:
            return DeskPanel.NONE
        if self.flow.server_state == WRAP_UP:  # also after a restart, when the call itself is unknown
            return DeskPanel.WRAP_UP
        if self.flow.server_state == BREAK and self.flow.state is DeskState.OFF_DUTY:
            return DeskPanel.BREAK
        return DeskPanel.NONE

    def _panel(self) -> str:
        return self.panel.value

    def _server_now(self) -> float:
        return self._clock() + self.flow.server_clock_offset_s

    def _seconds_left(self) -> int:
        until = self.flow.wrap_up_until
        if until is None or self.panel is not DeskPanel.WRAP_UP:
            return 0
        return max(0, math.ceil(until - self._server_now()))

    def _has_call(self) -> bool:
        return bool(self._last_call.call_id)

    def _tracking(self) -> str:
        return self._last_call.tracking_number

    def _call_place(self) -> str:
        return place_of(self._last_call.peer_name, self._last_call.peer_detail)

    def _call_topic(self) -> str:
        return texts.topic_with_priority(self._last_call.topic, self._last_call.priority)

    def _saved_notes(self) -> str:
        return self._notes_saved

    def _busy(self) -> bool:
        return self._notes_busy

    def _error(self) -> str:
        return self._notes_error

    def _callbacks(self) -> list[dict[str, Any]]:
        now = self._server_now()
        return [
            {
                "callbackId": int(c["callback_id"]),
                "trackingNumber": str(c.get("tracking_number", "")),
                "topic": texts.topic_label(str(c.get("topic", "general"))),
                "place": place_of(str(c.get("kiosk_name") or ""), str(c.get("village") or "")),
                "phone": phone_for_display(str(c.get("phone", ""))),
                "ageMinutes": max(0, int((now - float(c.get("requested_at", now))) // 60)),
                "pending": int(c["callback_id"]) in self._pending_done,
            }
            for c in self.flow.callbacks
        ]

    def _callback_count(self) -> int:
        return len(self.flow.callbacks)

    def _callback_error_text(self) -> str:
        return self._callback_error

    panelName = Property(str, _panel, notify=changed)
    wrapUpSecondsLeft = Property(int, _seconds_left, notify=ticked)
    hasCall = Property(bool, _has_call, notify=changed)
    trackingNumber = Property(str, _tracking, notify=changed)
    callPlace = Property(str, _call_place, notify=changed)
    callTopic = Property(str, _call_topic, notify=changed)
    savedNotes = Property(str, _saved_notes, notify=changed)
    busy = Property(bool, _busy, notify=changed)
    errorText = Property(str, _error, notify=changed)
    callbacks = Property(list, _callbacks, notify=callbacksChanged)
    callbackCount = Property(int, _callback_count, notify=callbacksChanged)
    callbackError = Property(str, _callback_error_text, notify=callbacksChanged)

    # --- slots -------------------------------------------------------------------------------------
    def _send_notes(self, notes: str, then_end: bool) -> None:
        call_id = self._last_call.call_id
        notes = notes.strip()
        if len(notes) > MAX_NOTES_CHARS:
            self._notes_error = texts.translate("texts", "记录太长了，请写短一些（最多 2000 字）。")
            self.changed.emit()
            return
        self._notes_busy = True
        self._notes_error = ""
        self.changed.emit()

        async def work() -> None:
            if call_id and notes and notes != self._notes_saved:
                if not await self.flow.write_notes(call_id, notes):
                    raise ConnectionError("notes not sent")
                self._notes_saved = notes
            if then_end and not await self.flow.end_wrap_up():
                raise ConnectionError("end of wrap-up not sent")

        self._runner.run(work(), name="notes", on_success=self._done, on_failure=self._failed)

    def _done(self, _result: Any = None) -> None:
        self._notes_busy = False
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self._notes_busy = False
        self._notes_error = message
        self.changed.emit()

    @Slot(str)
    def saveNotes(self, notes: str) -> None:
        """保存记录: the notes go onto the matter (encrypted by the server)."""
        if not self._notes_busy and self._last_call.call_id:
            self._send_notes(notes, then_end=False)

    @Slot(str)
    def endWrapUp(self, notes: str) -> None:
        """结束整理: save unsaved notes, then be ready for the next call."""
        if not self._notes_busy and self.panel is DeskPanel.WRAP_UP:
            self._send_notes(notes, then_end=True)

    @Slot()
    def backOnDuty(self) -> None:
        """回到在岗 after a break."""
        if self.panel is DeskPanel.BREAK and not self._notes_busy:
            self._notes_busy = True
            self.changed.emit()
            back = self.flow.set_duty(True)
            self._runner.run(back, name="duty", on_success=self._done, on_failure=self._failed)

    @Slot(int)
    def callbackDone(self, callback_id: int) -> None:
        """已回电: the callback leaves every desk's list."""
        if callback_id in self._pending_done:
            return
        self._pending_done.add(callback_id)
        self.changed.emit()

        self._callback_error = ""

        def failed(message: str) -> None:
            self._pending_done.discard(callback_id)
            self._callback_error = message
            self.changed.emit()

        self._runner.run(self._callback_done(callback_id), name="callback_done", on_failure=failed)

    async def _callback_done(self, callback_id: int) -> None:
        if not await self.flow.callback_done(callback_id):
            raise ConnectionError("callback done not sent")
