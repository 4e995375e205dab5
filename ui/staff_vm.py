"""Staff mode (司法专干): PIN pad, the staff menu and this terminal's matters awaiting follow-up."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Property, QCoreApplication, QObject, Signal, Slot

from ui.access_vm import AccessScreen, AccessViewModel
from ui.background import BackgroundRunner

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

PIN_MAX = 8
UNLOCKED, BLOCKED = "unlocked", "blocked"  # kiosk.staff.StaffState values
MattersSource = Callable[[], Coroutine[Any, Any, list[dict[str, Any]]]]


class StaffViewModel(QObject):
    """The PIN pad and staff menu; every staff action goes into the gate's log with the staff id.

    Signals:
        changed: a displayed property changed.
    """

    changed = Signal()

    def __init__(
        self,
        gate: Any,  # kiosk.staff.StaffGate: unlock(pin, now), leave(), record(action), state, staff_id
        access: AccessViewModel,
        runner: BackgroundRunner,
        flow: Any,
        *,
        matters: MattersSource | None = None,
        scan_badge: Callable[[], str | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.gate = gate
        self._access = access
        self._runner = runner
        self._flow = flow
        self._matters_source = matters
        self._scan_badge = scan_badge
        self._scanning = False
        self._pin = ""
        self._message = ""
        self._checking = False
        self._assisted_by = ""
        self._matters: list[dict[str, Any]] = []
        self._matters_message = ""
        access.session.on_end(self._wipe)

    def _wipe(self) -> None:
        """The session ended: staff mode closes, the pad forgets."""
        self.gate.leave()
        self._pin, self._message, self._assisted_by = "", "", ""
        self._matters, self._matters_message = [], ""
        self.changed.emit()

    # --- PIN pad -------------------------------------------------------------------------------
    @Slot()
    def open(self) -> None:
        """工作人员: the PIN pad, or the menu if staff mode is already open."""
        unlocked = str(self.gate.state) == UNLOCKED
        self._access.show(AccessScreen.STAFF_MENU if unlocked else AccessScreen.STAFF_PIN)
        self._pin, self._message = "", ""
        self.changed.emit()

    @Slot(str)
    def digit(self, digit: str) -> None:
        """A number key."""
        if digit.isdigit() and len(digit) == 1 and len(self._pin) < PIN_MAX:
            self._pin += digit
            self.changed.emit()

    @Slot()
    def erase(self) -> None:
        """删除: the last digit."""
        self._pin = self._pin[:-1]
        self.changed.emit()

    @Slot()
    def submit(self) -> None:
        """确定: check the PIN (argon2 takes a moment: off the UI thread)."""
        if self._checking or not self._pin:
            return
        pin, self._pin = self._pin, ""
        self._checking = True
        self._message = translate("staff", "正在核对…")
        self.changed.emit()
        self._runner.run(
            asyncio.to_thread(self.gate.unlock, pin, time.monotonic()),
            name="staff-unlock",
            on_success=self._on_checked,
            on_failure=self._on_check_failed,
        )

    @Slot()
    def scanBadge(self) -> None:
        """出示工作证: look for a staff badge's QR code with the camera, then check it like a PIN."""
        if self._scan_badge is None or self._scanning or self._checking:
            return
        self._scanning = True
        self._message = translate("staff", "请把工作证上的二维码对准摄像头")
        self.changed.emit()
        self._runner.run(
            asyncio.to_thread(self._scan_badge),
            name="staff-badge",
            on_success=self._on_badge,
            on_failure=self._on_check_failed,
        )

    def _on_badge(self, code: Any) -> None:
        self._scanning = False
        if not code:
            self._message = translate("staff", "没有看到工作证，请再试一次，或输入密码")
            self.changed.emit()
            return
        self._checking = True
        self._runner.run(
            asyncio.to_thread(self.gate.unlock, str(code), time.monotonic()),
            name="staff-unlock",
            on_success=self._on_checked,
            on_failure=self._on_check_failed,
        )

    def _on_checked(self, result: Any) -> None:
        self._checking = False
        self._message = result.message
        if result.ok:
            self._message = ""
            self._access.show(AccessScreen.STAFF_MENU)
        self.changed.emit()

    def _on_check_failed(self, message: str) -> None:
        self._checking = self._scanning = False
        self._message = message
        self.changed.emit()

    # --- the menu ------------------------------------------------------------------------------
    @Slot()
    def callForVillager(self) -> None:
        """代为呼叫律师: a call marked as assisted by this staff member."""
        if not self._unlocked():
            return
        self.gate.record("assisted_call")
        self._access.show(AccessScreen.NONE)
        self._runner.run(
            self._flow.call("general", assisted_by=self.gate.staff_id),
            name="assisted-call",
            on_failure=self._on_check_failed,
        )

    @Slot()
    def assistForm(self) -> None:
        """协助填表: forms filled from now on carry this staff member's id (assistedBy)."""
        if not self._unlocked():
            return
        self._assisted_by = self.gate.staff_id
        self.gate.record("assist_form")
        self._access.show(AccessScreen.NONE)
        self.changed.emit()

    @Slot()
    def showMatters(self) -> None:
        """本机事项: submissions and callbacks of this terminal awaiting follow-up."""
        if not self._unlocked():
            return
        self.gate.record("view_matters")
        self._matters, self._matters_message = [], translate("staff", "正在读取…")
        self._access.show(AccessScreen.STAFF_MATTERS)
        self.changed.emit()
        if self._matters_source is None:
            self._on_matters([])
            return
        self._runner.run(
            self._matters_source(),
            name="staff-matters",
            on_success=self._on_matters,
            on_failure=self._on_matters_failed,
        )

    def _on_matters(self, rows: Any) -> None:
        self._matters = list(rows)
        self._matters_message = "" if self._matters else translate("staff", "没有等待处理的事项。")
        self.changed.emit()

    def _on_matters_failed(self, message: str) -> None:
        self._matters, self._matters_message = [], message
        self.changed.emit()

    @Slot()
    def selfTest(self) -> None:
        """设备自检."""
        if self._unlocked():
            self.gate.record("selftest")
            self._access.show(AccessScreen.SELFTEST)

    @Slot()
    def backToMenu(self) -> None:
        """返回 to the staff menu (or the kiosk when staff mode is closed)."""
        unlocked = str(self.gate.state) == UNLOCKED
        self._access.show(AccessScreen.STAFF_MENU if unlocked else AccessScreen.NONE)

    @Slot()
    def leave(self) -> None:
        """退出工作人员模式."""
        self.gate.leave()
        self._assisted_by = ""
        self._pin, self._message = "", ""
        self._access.show(AccessScreen.NONE)
        self.changed.emit()

    def _unlocked(self) -> bool:
        return str(self.gate.state) == UNLOCKED

    # --- properties ------------------------------------------------------------------------------
    def _get_pin_length(self) -> int:
        return len(self._pin)

    def _get_message(self) -> str:
        return self._message

    def _get_unlocked(self) -> bool:
        return self._unlocked()

    def _get_blocked(self) -> bool:
        return str(self.gate.state) == BLOCKED

    def _get_staff_id(self) -> str:
        return self.gate.staff_id

    def _get_assisted_by(self) -> str:
        return self._assisted_by

    def _get_matters(self) -> list[dict[str, Any]]:
        return self._matters

    def _get_matters_message(self) -> str:
        return self._matters_message

    def _get_checking(self) -> bool:
        return self._checking or self._scanning

    def _get_badge_available(self) -> bool:
        return self._scan_badge is not None

    pinLength = Property(int, _get_pin_length, notify=changed)
    message = Property(str, _get_message, notify=changed)
    unlocked = Property(bool, _get_unlocked, notify=changed)
    blocked = Property(bool, _get_blocked, notify=changed)
    checking = Property(bool, _get_checking, notify=changed)
    badgeAvailable = Property(bool, _get_badge_available, constant=True)
    staffId = Property(str, _get_staff_id, notify=changed)
    assistedBy = Property(str, _get_assisted_by, notify=changed)
    matters = Property(list, _get_matters, notify=changed)
    mattersMessage = Property(str, _get_matters_message, notify=changed)
