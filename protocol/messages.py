"""Versioned wire messages between kiosk, desk and pool server, with pure JSON (de)serialisation."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 64 * 1024  # an SDP with many candidates is ~6 KB; anything near this is abuse


class ErrorCode(StrEnum):
    """Machine-readable reasons carried by an `Error` message."""

    MALFORMED = "malformed"
    TOO_LARGE = "too_large"
    UNKNOWN_TYPE = "unknown_type"
    BAD_VERSION = "bad_version"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    WRONG_STATE = "wrong_state"
    RATE_LIMITED = "rate_limited"


class ProtocolError(ValueError):
    """A message could not be decoded or validated.

    Attributes:
        code: the `ErrorCode` to send back to the peer.
        detail: a human-readable explanation (English, for logs and developers).
    """

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class Role(StrEnum):
    """Who is on the other end of a WebSocket."""

    KIOSK = "kiosk"
    LAWYER = "lawyer"
    ADMIN = "admin"


class EndReason(StrEnum):
    """Why a call ended; stored in the call record as its outcome."""

    COMPLETED = "completed"  # connected, then someone hung up
    CANCELLED = "cancelled"  # the villager cancelled before anyone answered
    NO_LAWYER = "no_lawyer"  # nobody on duty, or everybody declined / missed it
    DISCONNECTED = "disconnected"  # a side's connection dropped
    MEDIA_FAILED = "media_failed"  # the peer connection could not be established
    DEVICE_LOST = "device_lost"  # camera or microphone disappeared mid-call


class NoLawyerReason(StrEnum):
    """Why a `NoLawyerAvailable` was sent; the kiosk may word its screen by it."""

    NOBODY_ON_DUTY = "nobody_on_duty"  # no lawyer is on duty right now
    NOBODY_ANSWERED = "nobody_answered"  # every lawyer on duty declined or missed the call
    WAIT_TOO_LONG = "wait_too_long"  # all lawyers stayed busy longer than the longest wait
    OUTSIDE_HOURS = "outside_hours"  # the centre takes video calls only in its service hours
    CALLER_AWAY = "caller_away"  # the kiosk's connection dropped and did not come back in time


class Topic(StrEnum):
    """What a call is about; chosen on the kiosk with picture tiles."""

    GENERAL = "general"  # 不知道 / 其他
    MARRIAGE_FAMILY = "marriage_family"  # 婚姻家庭
    LABOUR_WAGES = "labour_wages"  # 劳动争议/欠薪
    TRAFFIC = "traffic"  # 交通事故
    LOANS_CONTRACTS = "loans_contracts"  # 借贷合同
    LAND = "land"  # 土地承包
    HOUSING = "housing"  # 房产物业
    INHERITANCE_SUPPORT = "inheritance_support"  # 继承赡养
    CRIMINAL = "criminal"  # 刑事


@dataclass(frozen=True)
class Message:
    """Base of every wire message; subclasses set TYPE."""

    TYPE: ClassVar[str] = ""


# ---- client -> server ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CallRequest(Message):
    """Kiosk asks for a lawyer. request_id is the kiosk's own id, echoed back; the server dedupes it per
    kiosk, so the same request sent again after a reconnect is the same call, never a second one."""

    TYPE: ClassVar[str] = "call_request"
    request_id: str
    topic: str = Topic.GENERAL.value
    assisted_by: str | None = None
    migrant_worker: bool = False  # 农民工: with topic labour_wages the call takes the green channel
    urgent: bool = False  # flagged urgent by community staff: served first


@dataclass(frozen=True)
class CancelCall(Message):
    """Kiosk gives up waiting before the call is answered."""

    TYPE: ClassVar[str] = "cancel_call"
    call_id: str


@dataclass(frozen=True)
class SetDuty(Message):
    """Lawyer goes on or off duty."""

    TYPE: ClassVar[str] = "set_duty"
    on_duty: bool


@dataclass(frozen=True)
class Accept(Message):
    """Lawyer answers a ringing call."""

    TYPE: ClassVar[str] = "accept"
    call_id: str


@dataclass(frozen=True)
class Decline(Message):
    """Lawyer declines a ringing call; it passes to the next lawyer."""

    TYPE: ClassVar[str] = "decline"
    call_id: str


@dataclass(frozen=True)
class Offer(Message):
    """SDP offer (kiosk -> server -> lawyer). aiortc offers carry their candidates inline."""

    TYPE: ClassVar[str] = "offer"
    call_id: str
    sdp: str


@dataclass(frozen=True)
class Answer(Message):
    """SDP answer (lawyer -> server -> kiosk)."""

    TYPE: ClassVar[str] = "answer"
    call_id: str
    sdp: str


@dataclass(frozen=True)
class IceCandidate(Message):
    """One trickled ICE candidate (browser peers); None candidate means end of candidates."""

    TYPE: ClassVar[str] = "ice_candidate"
    call_id: str
    candidate: str | None = None
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None


@dataclass(frozen=True)
class Hangup(Message):
    """Either side ends the call; also used by the server to tell the other side."""

    TYPE: ClassVar[str] = "hangup"
    call_id: str
    reason: str = EndReason.COMPLETED.value


@dataclass(frozen=True)
class CallStats(Message):
    """A side reports media figures for the call record when the call ends."""

    TYPE: ClassVar[str] = "call_stats"
    call_id: str
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResumeCall(Message):
    """Kiosk reconnected and takes back its held place in the queue (its token proves who it is)."""

    TYPE: ClassVar[str] = "resume_call"
    call_id: str


@dataclass(frozen=True)
class CallbackRequest(Message):
    """Kiosk leaves a phone number for the centre to call back (mainland mobile or landline)."""

    TYPE: ClassVar[str] = "callback_request"
    request_id: str
    phone: str
    topic: str = Topic.GENERAL.value
    call_id: str | None = None  # the call that ended with a callback offer, if any


@dataclass(frozen=True)
class Rating(Message):
    """Kiosk: the villager's satisfaction with a finished call, 1 (unhappy) .. 3 (happy)."""

    TYPE: ClassVar[str] = "rating"
    call_id: str
    score: int


@dataclass(frozen=True)
class EndWrapUp(Message):
    """Lawyer: done with notes; ready for the next call before the wrap-up time ends."""

    TYPE: ClassVar[str] = "end_wrap_up"


@dataclass(frozen=True)
class CallNotes(Message):
    """Lawyer: short notes on a call they answered (written in wrap-up; the last ones count)."""

    TYPE: ClassVar[str] = "call_notes"
    call_id: str
    notes: str


@dataclass(frozen=True)
class CallbackDone(Message):
    """Lawyer: a callback was made; with what came of it."""

    TYPE: ClassVar[str] = "callback_done"
    callback_id: int
    notes: str = ""


# ---- server -> client ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Welcome(Message):
    """First message after a WebSocket is authenticated."""

    TYPE: ClassVar[str] = "welcome"
    client_id: str
    role: str
    display_name: str
    hotline: str
    server_time: float


@dataclass(frozen=True)
class DutyState(Message):
    """The server's view of a lawyer's state, sent on every change."""

    TYPE: ClassVar[str] = "duty_state"
    state: str  # server.pool.LawyerState value
    on_duty: bool
    reason: str = ""  # why it changed when the lawyer did not ask: "missed_calls" (put on break)
    wrap_up_until: float | None = None  # server time the wrap-up ends, in WRAP_UP


@dataclass(frozen=True)
class CallQueued(Message):
    """The kiosk's request is accepted and is looking for a lawyer; TURN servers come with it."""

    TYPE: ClassVar[str] = "call_queued"
    request_id: str
    call_id: str
    position: int
    ice_servers: list[dict[str, Any]] = field(default_factory=list)
    tracking_number: str = ""  # the matter's number, for the villager's receipt


@dataclass(frozen=True)
class QueueUpdate(Message):
    """A waiting kiosk's place, sent when it changes and at least every few seconds."""

    TYPE: ClassVar[str] = "queue_update"
    call_id: str
    position: int  # 1 = next
    estimated_wait_s: float  # honest estimate; -1 when unknown
    lawyers_on_duty: int
    callback_offered: bool = False  # the wait is long: the kiosk may offer a callback


@dataclass(frozen=True)
class CallbackRegistered(Message):
    """The callback request is stored; the villager's receipt shows the tracking number."""

    TYPE: ClassVar[str] = "callback_registered"
    request_id: str
    callback_id: int
    tracking_number: str


@dataclass(frozen=True)
class CallbackList(Message):
    """Open callbacks for lawyer desks: [{callback_id, tracking_number, phone, topic, village,
    kiosk_name, requested_at}], oldest first; sent on connect and whenever it changes."""

    TYPE: ClassVar[str] = "callback_list"
    callbacks: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class NoLawyerAvailable(Message):
    """Nobody can take the call now; the kiosk shows the hotline instead of waiting forever."""

    TYPE: ClassVar[str] = "no_lawyer"
    request_id: str
    call_id: str | None
    hotline: str
    reason: str
    callback_offered: bool = False  # the kiosk may offer to have the centre call back


@dataclass(frozen=True)
class Ring(Message):
    """A call is offered to this lawyer."""

    TYPE: ClassVar[str] = "ring"
    call_id: str
    kiosk_id: str
    kiosk_name: str
    village: str
    topic: str
    ring_timeout_s: float
    priority: str = "normal"  # server.routing.Priority name, lower case: normal | wage_claim | urgent
    tracking_number: str = ""


@dataclass(frozen=True)
class RingCancelled(Message):
    """The offer to this lawyer is withdrawn (caller cancelled, timeout, or taken elsewhere)."""

    TYPE: ClassVar[str] = "ring_cancelled"
    call_id: str
    reason: str


@dataclass(frozen=True)
class CallAccepted(Message):
    """Sent to both sides when a lawyer answers: who is on the other end, and the ICE servers."""

    TYPE: ClassVar[str] = "call_accepted"
    call_id: str
    peer_name: str
    peer_detail: str  # law firm for the kiosk; village for the lawyer
    ice_servers: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class CallEnded(Message):
    """Server -> the side that sent a Hangup: the call is over (also for a repeated or late Hangup)."""

    TYPE: ClassVar[str] = "call_ended"
    call_id: str


@dataclass(frozen=True)
class Error(Message):
    """Something the client sent was refused; the connection stays open unless said otherwise."""

    TYPE: ClassVar[str] = "error"
    code: str
    message: str
    call_id: str | None = None


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (
        CallRequest,
        CancelCall,
        SetDuty,
        Accept,
        Decline,
        Offer,
        Answer,
        IceCandidate,
        Hangup,
        CallStats,
        ResumeCall,
        CallbackRequest,
        Rating,
        EndWrapUp,
        CallNotes,
        CallbackDone,
        Welcome,
        DutyState,
        CallQueued,
        NoLawyerAvailable,
        Ring,
        RingCancelled,
        CallAccepted,
        CallEnded,
        QueueUpdate,
        CallbackRegistered,
        CallbackList,
        Error,
    )
}


def register(cls: type[Message]) -> type[Message]:
    """Add a message class defined in another protocol module to the decoder's table."""
    if not cls.TYPE or cls.TYPE in MESSAGE_TYPES:
        raise ValueError(f"message type {cls.TYPE!r} is empty or already registered")
    MESSAGE_TYPES[cls.TYPE] = cls
    return cls


def encode(message: Message) -> str:
    """Serialise a message to its JSON wire form."""
    body = dataclasses.asdict(message)
    return json.dumps({"v": PROTOCOL_VERSION, "type": message.TYPE, **body}, ensure_ascii=False)


def decode(raw: str | bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> Message:
    """Parse and validate one wire message; raises ProtocolError with a precise reason."""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > max_bytes:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"message of {size} bytes exceeds {max_bytes}")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.MALFORMED, "a message must be a JSON object")
    if data.pop("v", None) != PROTOCOL_VERSION:
        raise ProtocolError(ErrorCode.BAD_VERSION, f"protocol version must be {PROTOCOL_VERSION}")
    kind = data.pop("type", None)
    cls = MESSAGE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {kind!r}")
    return _build(cls, data)


_SCHEMAS: dict[str, tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]] = {}


def _schema(cls: type[Message]) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """A message class's field types and fields, worked out once (resolving hints is slow)."""
    schema = _SCHEMAS.get(cls.TYPE)
    if schema is None:
        schema = _SCHEMAS[cls.TYPE] = typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls)}
    return schema


def _build(cls: type[Message], data: dict[str, Any]) -> Message:
    """Check field names and types against the dataclass, then construct it."""
    hints, fields = _schema(cls)
    unknown = set(data) - set(fields)
    if unknown:
        raise ProtocolError(ErrorCode.MALFORMED, f"{cls.TYPE}: unknown field(s) {sorted(unknown)}")
    for name, f in fields.items():
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ProtocolError(ErrorCode.MALFORMED, f"{cls.TYPE}: missing field {name!r}")
            continue
        if not _matches(data[name], hints[name]):
            raise ProtocolError(ErrorCode.MALFORMED, f"{cls.TYPE}: field {name!r} has the wrong type")
    return cls(**data)


def _matches(value: Any, hint: Any) -> bool:
    """True when a decoded JSON value fits a (simple) type hint."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is Any:
        return True
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return isinstance(value, list) and all(_matches(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    return False


# ---- in-call messages: reconnection, link mode, help, consent (issue 7) --------------------------


class LinkMode(StrEnum):
    """How much a call sends, stepped down on a bad link and up again when it recovers."""

    FULL = "full"  # 640x480 at up to 30 fps
    LOW = "low"  # 320x240 at 15 fps
    AUDIO_ONLY = "audio_only"  # no video; the lawyer's photo is shown instead
    CALLBACK = "callback"  # even audio suffers: offer a callback


class ContentKind(StrEnum):
    """What a lawyer can push to the terminal's screen during a call."""

    FAQ = "faq"  # an FAQ answer id
    LAW = "law"  # a law article reference
    FORM = "form"  # a form to fill together (ref = form id)


@dataclass(frozen=True)
class Redial(Message):
    """Kiosk -> server -> the call's lawyer: a fresh offer for the same call after its media stalled.

    An empty sdp from the lawyer asks the kiosk to redial (the lawyer's side saw the stall first).
    """

    TYPE: ClassVar[str] = "redial"
    call_id: str
    sdp: str = ""
    attempt: int = 0  # the kiosk's attempt number, echoed in the answer


@dataclass(frozen=True)
class RedialAnswer(Message):
    """Lawyer -> server -> kiosk: the answer to a Redial."""

    TYPE: ClassVar[str] = "redial_answer"
    call_id: str
    sdp: str
    attempt: int = 0  # the Redial's attempt number: a late answer to an earlier attempt is ignored


@dataclass(frozen=True)
class Rejoin(Message):
    """A side whose signaling reconnected mid-call re-attaches to the call (the server may have restarted)."""

    TYPE: ClassVar[str] = "rejoin"
    call_id: str


@dataclass(frozen=True)
class Rejoined(Message):
    """Server -> client: whether the call is known again (ok=False: it ended meanwhile)."""

    TYPE: ClassVar[str] = "rejoined"
    call_id: str
    ok: bool


@dataclass(frozen=True)
class MediaMode(Message):
    """A side tells the other which LinkMode it sends in now."""

    TYPE: ClassVar[str] = "media_mode"
    call_id: str
    mode: str


@dataclass(frozen=True)
class PushContent(Message):
    """Lawyer -> kiosk: show an FAQ answer, a law article or a form (ContentKind) during the call."""

    TYPE: ClassVar[str] = "push_content"
    call_id: str
    kind: str
    ref: str
    title: str = ""
    text: str = ""


@dataclass(frozen=True)
class FormPatch(Message):
    """One field of a form filled together, relayed both ways; origin is 'kiosk' or 'lawyer'."""

    TYPE: ClassVar[str] = "form_patch"
    call_id: str
    form_id: str
    field: str
    value: str
    origin: str = ""


@dataclass(frozen=True)
class RecordingConsent(Message):
    """A side agrees (or not) to record the call; the lawyer's agreement is the request."""

    TYPE: ClassVar[str] = "recording_consent"
    call_id: str
    agreed: bool


@dataclass(frozen=True)
class Reconnect(Message):
    """Server -> client: this server is going away (drain); reconnect to another one, or here later."""

    TYPE: ClassVar[str] = "reconnect"
    reason: str = "draining"
    retry_after_s: float = 1.0  # wait about this long before trying this same server again


for _in_call_message in (
    Reconnect,
    Redial,
    RedialAnswer,
    Rejoin,
    Rejoined,
    MediaMode,
    PushContent,
    FormPatch,
    RecordingConsent,
):
    MESSAGE_TYPES[_in_call_message.TYPE] = _in_call_message
