"""查询办理进度: tracking number on a big letter pad, last four phone digits, status in plain words."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from content.forms import display_tracking_number, normalise_tracking_number
from content.forms.tracking import ALPHABET, LENGTH
from ui import forms_texts as texts
from ui.background import BackgroundRunner

# (tracking number, last four digits) -> (HTTP status, JSON reply); the kiosk binds lookup_status.
StatusQuery = Callable[[str, str], Coroutine[Any, Any, tuple[int, dict[str, Any]]]]


class StatusStep(StrEnum):
    """Where the lookup stands; allowed moves are in STEP_TRANSITIONS."""

    NUMBER = "number"  # typing the tracking number
    PHONE = "phone"  # typing the last four digits
    ASKING = "asking"  # waiting for the centre
    RESULT = "result"  # the status (or why it was not found)


STEP_TRANSITIONS: dict[StatusStep, frozenset[StatusStep]] = {
    StatusStep.NUMBER: frozenset({StatusStep.PHONE}),
    StatusStep.PHONE: frozenset({StatusStep.NUMBER, StatusStep.ASKING}),
    StatusStep.ASKING: frozenset({StatusStep.RESULT}),
    StatusStep.RESULT: frozenset({StatusStep.NUMBER, StatusStep.PHONE}),
}


class StatusLookupViewModel(QObject):
    """The status lookup screen's state.

    Signals:
        changed: any displayed property changed.
        answered: a result (status or a plain reason) is on screen.
    """

    changed = Signal()
    answered = Signal()

    def __init__(
        self, runner: BackgroundRunner, query: StatusQuery | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._query = query
        self.reset()

    def reset(self) -> None:
        """Back to an empty tracking number."""
        self._step = StatusStep.NUMBER
        self._number = ""
        self._last4 = ""
        self._message = ""
        self._result_title = ""
        self._result_text = ""
        self._found = False
        self.changed.emit()

    def _go(self, step: StatusStep) -> None:
        if step is not self._step and step not in STEP_TRANSITIONS[self._step]:
            raise ValueError(f"{self._step} -> {step}")
        self._step = step
        self._message = ""
        self.changed.emit()

    step = Property(str, lambda self: self._step.value, notify=changed)
    number = Property(str, lambda self: self._number, notify=changed)
    numberDisplay = Property(
        str,
        lambda self: self._number[:4] + ("-" + self._number[4:] if len(self._number) > 4 else ""),
        notify=changed,
    )
    last4 = Property(str, lambda self: self._last4, notify=changed)
    message = Property(str, lambda self: self._message, notify=changed)
    resultTitle = Property(str, lambda self: self._result_title, notify=changed)
    resultText = Property(str, lambda self: self._result_text, notify=changed)
    found = Property(bool, lambda self: self._found, notify=changed)
    alphabet = Property(str, lambda self: ALPHABET, constant=True)

    @Slot(str)
    def key(self, key: str) -> None:
        """A key of the letter/number pad (the tracking number) or the number pad (last four)."""
        if self._step is StatusStep.NUMBER and len(self._number) < LENGTH and key.upper() in ALPHABET:
            self._number += key.upper()
        elif self._step is StatusStep.PHONE and len(self._last4) < 4 and key.isdigit():
            self._last4 += key
        self._message = ""
        self.changed.emit()

    @Slot()
    def deleteKey(self) -> None:
        """删除 the last character typed."""
        if self._step is StatusStep.NUMBER:
            self._number = self._number[:-1]
        elif self._step is StatusStep.PHONE:
            self._last4 = self._last4[:-1]
        self.changed.emit()

    @Slot()
    def next(self) -> None:
        """下一步 / 查询."""
        if self._step is StatusStep.NUMBER:
            if normalise_tracking_number(self._number) is None:
                self._message = texts.bad_tracking_number()
                self.changed.emit()
                return
            self._go(StatusStep.PHONE)
        elif self._step is StatusStep.PHONE:
            if len(self._last4) != 4:
                self._message = texts.bad_last4()
                self.changed.emit()
                return
            self._ask()

    @Slot()
    def back(self) -> None:
        """上一步 within the lookup."""
        if self._step is StatusStep.PHONE:
            self._go(StatusStep.NUMBER)
        elif self._step is StatusStep.RESULT:
            self._go(StatusStep.PHONE)

    def _ask(self) -> None:
        self._go(StatusStep.ASKING)
        if self._query is None:
            self._show(False, texts.cannot_look_up(), texts.unreachable())
            return
        number = normalise_tracking_number(self._number) or self._number
        self._runner.run(
            self._query(number, self._last4),
            name="status-lookup",
            on_success=self._replied,
            on_failure=lambda _m: self._show(False, texts.cannot_look_up(), texts.unreachable()),
        )

    def _replied(self, reply: tuple[int, dict[str, Any]]) -> None:
        status, body = reply
        if status == 200:
            title = f"{body.get('form_title', '')}：{body.get('status', '')}"
            self._show(True, title, str(body.get("text", "")))
            return
        error = body.get("error")
        if status in (404, 422) and isinstance(error, dict) and error.get("message"):
            self._show(False, texts.not_found(), str(error["message"]))
            return
        self._show(False, texts.cannot_look_up(), texts.unreachable())

    def _show(self, found: bool, title: str, text: str) -> None:
        self._found = found
        self._result_title = title
        number = normalise_tracking_number(self._number)
        prefix = texts.tracking_line(display_tracking_number(number)) + "\n" if number else ""
        self._result_text = prefix + text
        self._go(StatusStep.RESULT)
        self.answered.emit()
