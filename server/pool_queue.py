"""What waiting villagers are told: place in the queue, an honest estimated wait, a callback offer."""

from __future__ import annotations

import math
from collections.abc import Sequence

from protocol.messages import QueueUpdate
from server.routing import estimated_wait_s

EWMA_WEIGHT = 0.2  # how much the latest call moves the running means
ESTIMATE_STEP_S = 30.0  # estimate changes smaller than this do not trigger an update by themselves


class QueueReporter:
    """Keeps running means of answer and handle times and decides which QueueUpdates are due."""

    def __init__(
        self,
        *,
        update_every_s: float,
        callback_offer_wait_s: float,
        mean_handle_s: float,
        mean_answer_s: float,
    ) -> None:
        self.update_every_s = update_every_s
        self.callback_offer_wait_s = callback_offer_wait_s
        self.mean_handle_s = mean_handle_s
        self.mean_answer_s = mean_answer_s
        self.last_expired = -math.inf  # the pool's last expire(): deadlines up to it are done
        self._sent: dict[str, tuple[tuple[int, int, bool, int], float]] = {}  # call -> (what, when)

    def answered(self, ring_to_answer_s: float) -> None:
        """A lawyer answered this long after the ring began."""
        self.mean_answer_s += EWMA_WEIGHT * (max(0.0, ring_to_answer_s) - self.mean_answer_s)

    def handled(self, talk_and_wrap_up_s: float) -> None:
        """A lawyer was busy this long with one call (talk and wrap-up)."""
        self.mean_handle_s += EWMA_WEIGHT * (max(0.0, talk_and_wrap_up_s) - self.mean_handle_s)

    def forget(self, call_id: str) -> None:
        """The call left the queue (or must hear its place again at once)."""
        self._sent.pop(call_id, None)

    def estimate(self, position: int, on_duty: int, free: int, wrapping_up_s: Sequence[float] = ()) -> float:
        """Seconds the call at `position` will likely wait; -1 when nobody is on duty.

        `wrapping_up_s`: for each lawyer finishing a wrap-up, the seconds left, shortest first. The
        calls after the free lawyers' take those lawyers as they come free, not half a call from now.
        """
        if on_duty <= 0:
            return -1.0
        if position <= free:
            return round(self.mean_answer_s)
        busy = estimated_wait_s(position - free, on_duty, self.mean_handle_s, self.mean_answer_s)
        nth = position - free - 1
        if nth < len(wrapping_up_s):
            return round(min(busy, wrapping_up_s[nth] + self.mean_answer_s))
        return round(busy)

    def callback_offered(self, estimate_s: float, on_duty: int, centre_open: bool) -> bool:
        """Offer a callback when the centre is closed, nobody is on duty, or the wait is long."""
        return not centre_open or on_duty <= 0 or estimate_s > self.callback_offer_wait_s

    def updates(
        self,
        order: list[str],
        listening: dict[str, int],
        *,
        on_duty: int,
        free: int,
        centre_open: bool,
        now: float,
        ringing: frozenset[str] = frozenset(),
        wrapping_up_s: Sequence[float] = (),
    ) -> list[tuple[int, QueueUpdate]]:
        """(kiosk id, update) for listening calls whose news changed or that have not heard lately.

        A call in `ringing` is being offered now and waits about the answer time; the others are
        estimated by their place among the calls nobody is ringing yet (`free` lawyers take the first).
        """
        for call_id in [c for c in self._sent if c not in listening]:
            del self._sent[call_id]
        out: list[tuple[int, QueueUpdate]] = []
        unrung = 0  # calls so far that nobody is ringing
        for index, call_id in enumerate(order):
            being_rung = call_id in ringing
            unrung += 0 if being_rung else 1
            kiosk_id = listening.get(call_id)
            if kiosk_id is None:
                continue
            position = index + 1
            wait = (
                round(self.mean_answer_s)
                if being_rung
                else self.estimate(unrung, on_duty, free, wrapping_up_s)
            )
            offered = self.callback_offered(wait, on_duty, centre_open)
            what = (position, on_duty, offered, int(wait // ESTIMATE_STEP_S))
            previous = self._sent.get(call_id)
            if previous is not None and previous[0] == what and now - previous[1] < self.update_every_s:
                continue
            self._sent[call_id] = (what, now)
            out.append((kiosk_id, QueueUpdate(call_id, position, wait, on_duty, offered)))
        return out

    def next_due(self) -> float | None:
        """When the next periodic update falls due, or None."""
        return min((sent_at + self.update_every_s for _, sent_at in self._sent.values()), default=None)
