"""The pool's vocabulary: lawyer and call states with their transitions, actions, call records."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from protocol.messages import (
    EndReason,
    ErrorCode,
    IceCandidate,
    Message,
)
from server.routing import Priority

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone


def new_tracking_number() -> str:
    """A matter's tracking number: 8 characters a villager can read and say without confusion."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))


class LawyerState(StrEnum):
    """A connected lawyer's state in the pool."""

    OFFLINE = "offline"  # connected but off duty (or about to leave)
    AVAILABLE = "available"  # on duty and free
    RINGING = "ringing"  # one call is offered to this lawyer
    IN_CALL = "in_call"
    WRAP_UP = "wrap_up"  # the call ended; time for notes before the next one rings
    BREAK = "break"  # missed too many rings in a row: off duty until they go back on themselves


LAWYER_TRANSITIONS: dict[LawyerState, frozenset[LawyerState]] = {
    LawyerState.OFFLINE: frozenset({LawyerState.AVAILABLE}),
    LawyerState.AVAILABLE: frozenset({LawyerState.RINGING, LawyerState.OFFLINE}),
    LawyerState.RINGING: frozenset(
        {LawyerState.IN_CALL, LawyerState.AVAILABLE, LawyerState.OFFLINE, LawyerState.BREAK}
    ),
    LawyerState.IN_CALL: frozenset({LawyerState.WRAP_UP, LawyerState.AVAILABLE, LawyerState.OFFLINE}),
    LawyerState.WRAP_UP: frozenset({LawyerState.AVAILABLE, LawyerState.OFFLINE}),
    LawyerState.BREAK: frozenset({LawyerState.AVAILABLE, LawyerState.OFFLINE}),
}


class CallState(StrEnum):
    """A call's state in the pool."""

    WAITING = "waiting"  # looking for a free lawyer
    RINGING = "ringing"  # offered to one lawyer (or to several at once with ring_all)
    CONNECTED = "connected"  # a lawyer accepted; signaling relayed
    ENDED = "ended"


CALL_TRANSITIONS: dict[CallState, frozenset[CallState]] = {
    CallState.WAITING: frozenset({CallState.RINGING, CallState.ENDED}),
    CallState.RINGING: frozenset({CallState.CONNECTED, CallState.WAITING, CallState.ENDED}),
    CallState.CONNECTED: frozenset({CallState.ENDED}),
    CallState.ENDED: frozenset(),
}


class EndedBy(StrEnum):
    """Which side ended a call, for the record."""

    KIOSK = "kiosk"
    LAWYER = "lawyer"
    SERVER = "server"


class IllegalTransitionError(RuntimeError):
    """A state change not listed in the transition tables: a bug in the pool, never a client's fault."""


class PoolRefusedError(Exception):
    """A client asked for something the pool refuses; the server turns it into an Error message.

    Attributes:
        code: the protocol `ErrorCode`.
        message: a plain-Chinese sentence for the client.
        call_id: the call concerned, if any.
    """

    def __init__(self, code: ErrorCode, message: str, call_id: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.call_id = call_id


@dataclass(frozen=True)
class SendToKiosk:
    """Action: deliver a message to a kiosk's connection."""

    kiosk_id: int
    message: Message


@dataclass(frozen=True)
class SendToLawyer:
    """Action: deliver a message to a lawyer's connection."""

    lawyer_id: int
    message: Message


@dataclass(frozen=True)
class CallRecord:
    """A snapshot of one call for the records table."""

    call_id: str
    kiosk_id: int
    lawyer_id: int | None
    topic: str
    requested_at: float
    first_ring_at: float | None
    answered_at: float | None
    ended_at: float | None
    outcome: str | None
    ended_by: str | None
    stats: dict[str, Any]
    declined_by: list[dict[str, Any]]
    tracking_number: str = ""
    village: str = ""
    priority: str = "normal"
    notes: str | None = None  # the lawyer's wrap-up notes (encrypted at rest)
    rating: int | None = None  # the villager's 1..3


@dataclass(frozen=True)
class SaveCall:
    """Action: write this snapshot of a call to the records (writes keep their order)."""

    record: CallRecord


Action = SendToKiosk | SendToLawyer | SaveCall


class Revised:
    """Counts assignments to its attributes, so a stored copy can tell cheaply that it is out of date.

    Only for classes whose attributes hold plain values (a list changed in place is not counted).
    """

    revision = 0

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        object.__setattr__(self, "revision", self.revision + 1)


@dataclass
class Lawyer(Revised):
    """A connected lawyer."""

    lawyer_id: int
    display_name: str
    law_firm: str
    state: LawyerState = LawyerState.OFFLINE
    on_duty: bool = False
    idle_since: float = 0.0
    call_id: str | None = None  # the call ringing them or connected to them
    last_offered: int = 0  # offer counter at their last ring (round robin)
    missed_in_row: int = 0  # rings timed out since they last answered
    wrap_up_until: float = 0.0  # in WRAP_UP: when it ends by itself
    online: bool = True  # False while their dropped signaling may still rejoin a connected call
    away_on_duty: bool = False  # their duty when the connection dropped mid-call (restored on return)

    def move(self, new: LawyerState) -> None:
        """Change state, refusing changes the table does not allow."""
        if new not in LAWYER_TRANSITIONS[self.state]:
            raise IllegalTransitionError(f"lawyer {self.lawyer_id}: {self.state} -> {new}")
        self.state = new


@dataclass
class Kiosk(Revised):
    """A connected village terminal."""

    kiosk_id: int
    name: str
    village: str
    call_id: str | None = None
    online: bool = True  # False while a held call waits for the kiosk to come back


@dataclass
class Call:
    """One villager's call from request to end."""

    call_id: str
    kiosk_id: int
    request_id: str
    topic: str
    requested_at: float
    wait_deadline: float
    tracking_number: str = ""
    village: str = ""
    priority: Priority = Priority.NORMAL
    state: CallState = CallState.WAITING
    lawyer_id: int | None = None  # connected lawyer (also while the call rings only one lawyer)
    ringing: set[int] = field(default_factory=set)  # lawyers this call rings now
    offered_to: set[int] = field(default_factory=set)  # every lawyer it ever rang
    held_until: float | None = None  # kiosk away: the place is kept until then
    away_until: dict[str, float] = field(default_factory=dict)  # side that dropped mid-call -> deadline
    notes: str | None = None
    rating: int | None = None
    ring_deadline: float = 0.0
    first_ring_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    outcome: EndReason | None = None
    ended_by: EndedBy | None = None
    offer_sdp: str | None = None
    answer_sdp: str | None = None  # the lawyer's answer, given again to a kiosk that missed it
    no_lawyer_reason: str = ""  # NoLawyerReason value when it ended with nobody to answer
    early_candidates: list[IceCandidate] = field(default_factory=list)
    tried: list[dict[str, Any]] = field(default_factory=list)  # {"lawyer_id", "reason"}
    stats: dict[str, Any] = field(default_factory=dict)

    def move(self, new: CallState) -> None:
        """Change state, refusing changes the table does not allow."""
        if new not in CALL_TRANSITIONS[self.state]:
            raise IllegalTransitionError(f"call {self.call_id}: {self.state} -> {new}")
        self.state = new

    def tried_ids(self) -> set[int]:
        """Lawyers this call was already offered to (it never rings them again)."""
        return {entry["lawyer_id"] for entry in self.tried}

    def record(self) -> CallRecord:
        """A snapshot for the records."""
        return CallRecord(
            call_id=self.call_id,
            kiosk_id=self.kiosk_id,
            lawyer_id=self.lawyer_id if self.answered_at is not None else None,
            topic=self.topic,
            requested_at=self.requested_at,
            first_ring_at=self.first_ring_at,
            answered_at=self.answered_at,
            ended_at=self.ended_at,
            outcome=self.outcome.value if self.outcome else None,
            ended_by=self.ended_by.value if self.ended_by else None,
            stats=dict(self.stats),
            declined_by=[dict(entry) for entry in self.tried],
            tracking_number=self.tracking_number,
            village=self.village,
            priority=self.priority.name.lower(),
            notes=self.notes,
            rating=self.rating,
        )
