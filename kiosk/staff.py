"""Staff mode for community legal staff (司法专干): PIN unlock with lockout, and an action log."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MAX_FAILURES = 5
LOCKOUT_S = 300.0


class StaffState(StrEnum):
    """Whether staff mode is open."""

    LOCKED = "locked"  # normal villager use
    UNLOCKED = "unlocked"  # a staff member is signed in
    BLOCKED = "blocked"  # too many wrong PINs; waits out the lockout


@dataclass(frozen=True)
class UnlockResult:
    """What the PIN screen shows after a try."""

    ok: bool
    message: str
    staff_id: str = ""


def hash_pin(pin: str) -> str:
    """The stored form of a staff PIN (argon2id)."""
    return PasswordHasher().hash(pin)


@dataclass
class StaffGate:
    """Checks PINs against `staff` (id -> argon2 hash); 5 wrong tries lock the gate for a while."""

    staff: dict[str, str]
    log_path: Path
    max_failures: int = MAX_FAILURES
    lockout_s: float = LOCKOUT_S
    state: StaffState = StaffState.LOCKED
    staff_id: str = ""
    failures: int = 0
    blocked_until: float = 0.0
    _hasher: PasswordHasher = field(default_factory=PasswordHasher)

    def unlock(self, pin: str, now: float | None = None) -> UnlockResult:
        """Try a PIN; never says which staff member a wrong PIN was close to."""
        now = time.monotonic() if now is None else now
        if self.state is StaffState.BLOCKED:
            if now < self.blocked_until:
                minutes = max(1, round((self.blocked_until - now) / 60))
                return UnlockResult(False, f"密码错误次数太多，请{minutes}分钟后再试")
            self.state, self.failures = StaffState.LOCKED, 0
        for staff_id, stored in self.staff.items():
            try:
                if self._hasher.verify(stored, pin):
                    self.state, self.staff_id, self.failures = StaffState.UNLOCKED, staff_id, 0
                    self.record("staff_mode_entered")
                    return UnlockResult(True, "已进入工作人员模式", staff_id)
            except (VerificationError, InvalidHashError):
                continue
        self.failures += 1
        self.record("staff_pin_refused", staff="")
        if self.failures >= self.max_failures:
            self.state, self.blocked_until = StaffState.BLOCKED, now + self.lockout_s
            return UnlockResult(False, f"密码错误次数太多，请{round(self.lockout_s / 60)}分钟后再试")
        return UnlockResult(False, f"密码不对，还可以再试{self.max_failures - self.failures}次")

    def leave(self) -> None:
        """Leave staff mode."""
        if self.state is StaffState.UNLOCKED:
            self.record("staff_mode_left")
        self.state, self.staff_id = StaffState.LOCKED, ""

    def record(self, action: str, staff: str | None = None, **detail: str) -> None:
        """Append a staff action (who, what, when; never a villager's personal data) to the log."""
        entry = {"t": time.time(), "staff_id": self.staff_id if staff is None else staff, "action": action}
        entry.update(detail)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
