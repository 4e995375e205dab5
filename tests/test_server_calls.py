"""Whole calls through the real server: ring, accept, relay, hang up, records; decline, timeout, drops."""

from __future__ import annotations

import pytest

from protocol.messages import (
    Accept,
    Answer,
    CallAccepted,
    CallQueued,
    CallRequest,
    CallStats,
    CancelCall,
    Decline,
    DutyState,
    Error,
    ErrorCode,
    Hangup,
    IceCandidate,
    NoLawyerAvailable,
    Offer,
    Ring,
    RingCancelled,
    Role,
    SetDuty,
)
from tests.server_helpers import running_server, server_settings

OFFER_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=kiosk\r\n"
ANSWER_SDP = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=desk\r\n"


@pytest.fixture
async def server(tmp_path):
    async with running_server(server_settings(tmp_path)) as running:
        yield running


async def connected_call(server, kiosk, desk):
    """Kiosk asks, the desk rings and accepts, the offer and answer cross; returns the call id."""
    await kiosk.send(CallRequest(request_id="r1", topic="labour_wages"))
    call_id = (await kiosk.expect(CallQueued)).call_id
    await desk.expect(Ring)
    await desk.send(Accept(call_id))
    await kiosk.expect(CallAccepted)
    await desk.expect(CallAccepted)
    await kiosk.send(Offer(call_id, OFFER_SDP))
    await desk.expect(Offer)
    await desk.send(Answer(call_id, ANSWER_SDP))
    await kiosk.expect(Answer)
    return call_id


async def test_a_call_from_tap_to_hangup_is_relayed_and_recorded(server):
    desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    kiosk = await server.kiosk("一号终端", "东村")

    await kiosk.send(CallRequest(request_id="r1", topic="labour_wages"))
    queued = await kiosk.expect(CallQueued)
    assert (queued.request_id, queued.position) == ("r1", 1)
    assert queued.ice_servers  # TURN credentials come with the call
    ring = await desk.expect(Ring)
    assert (ring.call_id, ring.kiosk_name, ring.village, ring.topic) == (
        queued.call_id,
        "一号终端",
        "东村",
        "labour_wages",
    )
    call_id = queued.call_id

    await kiosk.send(Offer(call_id, OFFER_SDP))  # sent while ringing: the server keeps it
    early = IceCandidate(call_id, "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host", "0", 0)
    await kiosk.send(early)
    await desk.send(Accept(call_id))
    to_kiosk = await kiosk.expect(CallAccepted)
    assert (to_kiosk.peer_name, to_kiosk.peer_detail) == ("王律师", "明理律师事务所")
    assert to_kiosk.ice_servers[0]["username"].endswith(kiosk.welcome.client_id)
    to_desk = await desk.expect(CallAccepted)
    assert (to_desk.peer_name, to_desk.peer_detail) == ("一号终端", "东村")
    assert to_desk.ice_servers[0]["username"].endswith(desk.welcome.client_id)
    assert await desk.expect(Offer) == Offer(call_id, OFFER_SDP)
    assert await desk.expect(IceCandidate) == early

    await desk.send(Answer(call_id, ANSWER_SDP))
    assert await kiosk.expect(Answer) == Answer(call_id, ANSWER_SDP)
    from_desk = IceCandidate(call_id, "candidate:2 1 udp 2130706431 127.0.0.1 50001 typ host", "0", 0)
    await desk.send(from_desk)
    assert await kiosk.expect(IceCandidate) == from_desk

    await kiosk.send(Hangup(call_id, "completed"))
    assert await desk.expect(Hangup) == Hangup(call_id, "completed")
    await desk.send(CallStats(call_id, {"received_fps": 29.7}))
    assert await desk.expect(DutyState) == DutyState("available", True)
    await server.hub.records_flushed()

    record = await server.storage.get_call(call_id)
    assert record is not None
    assert (record.kiosk_id, record.topic, record.outcome, record.ended_by) == (
        int(kiosk.welcome.client_id.split("-")[1]),
        "labour_wages",
        "completed",
        "kiosk",
    )
    assert record.lawyer_id == int(desk.welcome.client_id.split("-")[1])
    assert record.requested_at <= record.first_ring_at <= record.answered_at <= record.ended_at
    assert record.ended_at - record.answered_at >= 0  # the call's duration
    assert record.stats == {"lawyer": {"received_fps": 29.7}}


async def test_the_lawyer_hanging_up_ends_the_call_for_the_kiosk(server):
    desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    kiosk = await server.kiosk()
    call_id = await connected_call(server, kiosk, desk)
    await desk.send(Hangup(call_id, "completed"))
    assert await kiosk.expect(Hangup) == Hangup(call_id, "completed")
    await kiosk.send(Hangup(call_id, "completed"))  # crossing hang-up: no error, no second end
    await server.hub.records_flushed()
    record = await server.storage.get_call(call_id)
    assert record is not None and (record.outcome, record.ended_by) == ("completed", "lawyer")
    # The lawyer is free again: the next call rings them.
    await kiosk.send(CallRequest(request_id="r2"))
    assert (await desk.expect(Ring)).call_id == (await kiosk.expect(CallQueued)).call_id


async def test_a_declined_call_rings_the_next_lawyer(server):
    first = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    second = await server.lawyer_on_duty("li", "李律师", "公正律师事务所")
    kiosk = await server.kiosk()
    await kiosk.send(CallRequest(request_id="r1"))
    call_id = (await kiosk.expect(CallQueued)).call_id
    await first.expect(Ring)  # on duty first: idle longest
    await first.send(Decline(call_id))
    assert (await second.expect(Ring)).call_id == call_id
    await second.send(Accept(call_id))
    assert (await kiosk.expect(CallAccepted)).peer_name == "李律师"


async def test_an_unanswered_ring_passes_to_the_next_lawyer(tmp_path):
    async with running_server(server_settings(tmp_path, ring_timeout_s=0.3)) as server:
        first = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        second = await server.lawyer_on_duty("li", "李律师", "公正律师事务所")
        kiosk = await server.kiosk()
        await kiosk.send(CallRequest(request_id="r1"))
        call_id = (await kiosk.expect(CallQueued)).call_id
        assert (await first.expect(Ring)).ring_timeout_s == 0.3
        assert await first.expect(RingCancelled) == RingCancelled(call_id, "timeout")
        assert (await second.expect(Ring)).call_id == call_id
        assert await second.expect(RingCancelled) == RingCancelled(call_id, "timeout")
        told = await kiosk.expect(NoLawyerAvailable)
        assert (told.call_id, told.hotline, told.reason) == (call_id, "12348", "nobody_answered")
        await server.hub.records_flushed()
        record = await server.storage.get_call(call_id)
        assert record is not None and record.outcome == "no_lawyer"
        assert [entry["reason"] for entry in record.declined_by] == ["timeout", "timeout"]


async def test_nobody_on_duty_shows_the_hotline_at_once(server):
    await server.add_lawyer("wang", "王律师", "明理律师事务所")
    desk = await server.connect(await server.login("wang"))  # logged in but off duty
    kiosk = await server.kiosk()
    await kiosk.send(CallRequest(request_id="r1"))
    told = await kiosk.expect(NoLawyerAvailable)
    assert (told.request_id, told.hotline, told.reason) == ("r1", "12348", "nobody_on_duty")
    await server.hub.records_flushed()
    record = await server.storage.get_call(told.call_id or "")
    assert record is not None and (record.outcome, record.lawyer_id) == ("no_lawyer", None)
    await desk.close()


async def test_cancelling_while_ringing_tells_the_lawyer(server):
    desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    kiosk = await server.kiosk()
    await kiosk.send(CallRequest(request_id="r1"))
    call_id = (await kiosk.expect(CallQueued)).call_id
    await desk.expect(Ring)
    await kiosk.send(CancelCall(call_id))
    assert await desk.expect(RingCancelled) == RingCancelled(call_id, "cancelled")
    await desk.send(Accept(call_id))  # too late
    assert (await desk.expect(Error)).code == ErrorCode.NOT_FOUND
    await server.hub.records_flushed()
    record = await server.storage.get_call(call_id)
    assert record is not None and (record.outcome, record.ended_by) == ("cancelled", "kiosk")


@pytest.fixture
async def no_grace_server(tmp_path):
    async with running_server(server_settings(tmp_path, call_rejoin_grace_s=0.0)) as running:
        yield running


async def test_a_dropped_kiosk_mid_call_hangs_up_the_lawyer(no_grace_server):
    server = no_grace_server
    desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    kiosk = await server.kiosk()
    call_id = await connected_call(server, kiosk, desk)
    await kiosk.close()
    assert await desk.expect(Hangup) == Hangup(call_id, "disconnected")


async def test_a_dropped_desk_mid_call_hangs_up_the_kiosk(no_grace_server):
    server = no_grace_server
    desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    kiosk = await server.kiosk()
    call_id = await connected_call(server, kiosk, desk)
    await desk.close()
    assert await kiosk.expect(Hangup) == Hangup(call_id, "disconnected")
    await server.hub.records_flushed()
    record = await server.storage.get_call(call_id)
    assert record is not None and (record.outcome, record.ended_by) == ("disconnected", "lawyer")


async def test_a_lawyer_leaving_while_ringing_passes_the_call_on(server):
    first = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    second = await server.lawyer_on_duty("li", "李律师", "公正律师事务所")
    kiosk = await server.kiosk()
    await kiosk.send(CallRequest(request_id="r1"))
    call_id = (await kiosk.expect(CallQueued)).call_id
    await first.expect(Ring)
    await first.send(SetDuty(on_duty=False))
    assert await first.expect(RingCancelled) == RingCancelled(call_id, "off_duty")
    assert await first.expect(DutyState) == DutyState("offline", False)
    assert (await second.expect(Ring)).call_id == call_id


async def test_messages_about_someone_elses_call_are_refused(server):
    desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
    other_desk = await server.lawyer_on_duty("li", "李律师", "公正律师事务所")
    kiosk = await server.kiosk()
    other_kiosk = await server.kiosk("二号终端", "西村")
    call_id = await connected_call(server, kiosk, desk)
    await other_kiosk.send(Hangup(call_id))
    assert (await other_kiosk.expect(Error)).code == ErrorCode.NOT_FOUND
    await other_desk.send(Answer(call_id, ANSWER_SDP))
    assert (await other_desk.expect(Error)).code == ErrorCode.NOT_FOUND
    await desk.send(CallRequest(request_id="r9"))  # a lawyer cannot place calls
    assert (await desk.expect(Error)).code == ErrorCode.FORBIDDEN


async def test_a_desk_that_stops_reading_is_dropped_without_holding_up_others(tmp_path):
    settings = server_settings(
        tmp_path, messages_per_s=1000.0, messages_burst=10_000, call_rejoin_grace_s=0.0
    )
    async with running_server(settings) as server:
        stuck_desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        kiosk = await server.kiosk()
        call_id = await connected_call(server, kiosk, stuck_desk)
        lawyer_id = int(stuck_desk.welcome.client_id.removeprefix("lawyer-"))
        # From here on the desk reads nothing; the kiosk floods it with big offers through the server
        # (each a new one: the same offer again would only bring the kiosk the lawyer's answer again).
        padding = "a=x-padding:" + "p" * 60_000 + "\r\n"
        for n in range(600):
            if kiosk.ws.closed:
                break
            await kiosk.send(Offer(call_id, f"v=0\r\na=x-n:{n}\r\n{padding}"))
            if (Role.LAWYER, lawyer_id) not in server.hub.connections:
                break  # dropped: no need to send more
        assert await kiosk.expect(Hangup) == Hangup(call_id, "disconnected")
        # Everyone else carries on: a new desk and a new kiosk place a call.
        other_desk = await server.lawyer_on_duty("li", "李律师", "公正律师事务所")
        other_kiosk = await server.kiosk("二号终端", "西村")
        assert await connected_call(server, other_kiosk, other_desk)
