"""Wire messages: round trips, and precise refusals of bad input."""

from __future__ import annotations

import json

import pytest

from protocol.messages import (
    MAX_MESSAGE_BYTES,
    CallEnded,
    CallQueued,
    CallRequest,
    ErrorCode,
    Hangup,
    ProtocolError,
    SetDuty,
    decode,
    encode,
)


@pytest.mark.parametrize(
    "message",
    [
        CallRequest(request_id="r1", topic="labour_wages"),
        SetDuty(on_duty=True),
        Hangup(call_id="c1"),
        CallEnded(call_id="c1"),
        CallQueued(request_id="r1", call_id="c1", position=2, ice_servers=[{"urls": ["turn:x"]}]),
    ],
)
def test_round_trip_keeps_every_field(message):
    assert decode(encode(message)) == message


def test_chinese_text_is_sent_as_is():
    assert "离婚" in encode(CallRequest(request_id="离婚"))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", ErrorCode.MALFORMED),
        ("[1, 2]", ErrorCode.MALFORMED),
        (json.dumps({"type": "hangup", "call_id": "c"}), ErrorCode.BAD_VERSION),
        (json.dumps({"v": 1, "type": "launch_missiles"}), ErrorCode.UNKNOWN_TYPE),
        (json.dumps({"v": 1, "type": "hangup"}), ErrorCode.MALFORMED),
        (json.dumps({"v": 1, "type": "hangup", "call_id": 5}), ErrorCode.MALFORMED),
        (json.dumps({"v": 1, "type": "set_duty", "on_duty": 1}), ErrorCode.MALFORMED),
        (json.dumps({"v": 1, "type": "hangup", "call_id": "c", "extra": 1}), ErrorCode.MALFORMED),
        ("x" * (MAX_MESSAGE_BYTES + 1), ErrorCode.TOO_LARGE),
    ],
)
def test_bad_messages_are_refused_with_a_reason(raw, code):
    with pytest.raises(ProtocolError) as info:
        decode(raw)
    assert info.value.code is code
