"""When a person has left: idle detection with a warning and a countdown before the session ends."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IdleState(StrEnum):
    """Where the idle watch stands."""

    ACTIVE = "active"
    ASKING = "asking"  # 还需要更多时间吗？ with a countdown
    EXPIRED = "expired"  # the session ends and the attract screen shows


IDLE_TRANSITIONS = {
    IdleState.ACTIVE: {IdleState.ASKING},
    IdleState.ASKING: {IdleState.ACTIVE, IdleState.EXPIRED},
    IdleState.EXPIRED: {IdleState.ACTIVE},
}


@dataclass
class IdleWatch:
    """Pure logic: feed it touches and clock ticks; it says when to ask and when to wipe.

    Nothing times out while a person is reading without asking first; during a call or while the
    answer is being read aloud, the watch is held.
    """

    idle_s: float = 120.0
    countdown_s: float = 30.0
    state: IdleState = IdleState.ACTIVE
    last_touch: float = 0.0
    asked_at: float = 0.0
    held: bool = False

    def _move(self, new: IdleState) -> None:
        if new not in IDLE_TRANSITIONS[self.state]:
            raise ValueError(f"idle watch cannot go from {self.state} to {new}")
        self.state = new

    def touch(self, now: float) -> None:
        """Any tap: the person is here."""
        self.last_touch = now
        if self.state is not IdleState.ACTIVE:
            self._move(IdleState.ACTIVE)

    def hold(self, held: bool, now: float) -> None:
        """Hold the watch during a call or read-aloud; releasing counts as a touch."""
        self.held = held
        if not held:
            self.touch(now)

    def tick(self, now: float) -> IdleState:
        """Advance with the clock; returns the state after it."""
        if self.held:
            return self.state
        if self.state is IdleState.ACTIVE and now - self.last_touch >= self.idle_s:
            self.asked_at = now
            self._move(IdleState.ASKING)
        elif self.state is IdleState.ASKING and now - self.asked_at >= self.countdown_s:
            self._move(IdleState.EXPIRED)
        return self.state

    def seconds_left(self, now: float) -> int:
        """The countdown shown while asking."""
        if self.state is not IdleState.ASKING:
            return 0
        return max(0, round(self.countdown_s - (now - self.asked_at)))
