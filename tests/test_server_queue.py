"""The queue through the real server and real WebSockets: places and estimates, held places resumed,
callbacks, wrap-up with notes, ratings, breaks, and the village adviser from the stored roster."""

from __future__ import annotations

import pytest

from protocol.messages import (
    Accept,
    CallAccepted,
    CallbackDone,
    CallbackList,
    CallbackRegistered,
    CallbackRequest,
    CallNotes,
    CallQueued,
    CallRequest,
    DutyState,
    EndWrapUp,
    Error,
    ErrorCode,
    Hangup,
    NoLawyerAvailable,
    QueueUpdate,
    Rating,
    ResumeCall,
    Ring,
    RingCancelled,
)
from server.phone import BadPhoneError, normalise_phone
from tests.server_helpers import running_server, server_settings


async def _busy_lawyer(server, kiosk, desk) -> str:
    await kiosk.send(CallRequest(request_id="busy", topic="general"))
    call_id = (await kiosk.expect(CallQueued)).call_id
    await desk.expect(Ring)
    await desk.send(Accept(call_id))
    await desk.expect(CallAccepted)
    await kiosk.expect(CallAccepted)
    return call_id


async def test_waiting_kiosks_hear_their_place_and_an_urgent_call_goes_ahead(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        talking = await server.kiosk("一号终端", "东村")
        await _busy_lawyer(server, talking, desk)
        waiting = await server.kiosk("二号终端", "西村")
        await waiting.send(CallRequest(request_id="r2", topic="traffic"))
        queued = await waiting.expect(CallQueued)
        assert len(queued.tracking_number) == 8
        first = await waiting.expect(QueueUpdate)
        assert (first.call_id, first.position, first.lawyers_on_duty) == (queued.call_id, 1, 1)
        assert first.estimated_wait_s > 0
        urgent = await server.kiosk("三号终端", "南村")
        await urgent.send(CallRequest(request_id="r3", topic="general", urgent=True))
        await urgent.expect(CallQueued)
        assert (await urgent.expect(QueueUpdate)).position == 1
        assert (await waiting.expect(QueueUpdate)).position == 2  # pushed back by the urgent call


async def test_a_dropped_kiosk_reconnects_and_resumes_its_place(tmp_path):
    async with running_server(server_settings(tmp_path, hold_place_s=60.0)) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        talking = await server.kiosk("一号终端", "东村")
        busy = await _busy_lawyer(server, talking, desk)
        token = await server.add_kiosk("二号终端", "西村")
        kiosk = await server.connect(token)
        await kiosk.send(CallRequest(request_id="r2", topic="land"))
        call_id = (await kiosk.expect(CallQueued)).call_id
        await kiosk.close()  # the village link drops
        again = await server.connect(token)
        await again.send(ResumeCall(call_id))
        resumed = await again.expect(CallQueued)
        assert (resumed.call_id, resumed.request_id, resumed.position) == (call_id, "r2", 1)
        assert resumed.ice_servers  # fresh TURN credentials come with it
        await desk.send(Hangup(busy))
        assert (await desk.expect(Ring)).call_id == call_id  # its turn came


async def test_a_resume_for_a_place_not_held_is_refused_plainly(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        kiosk = await server.kiosk()
        await kiosk.send(ResumeCall("no-such-call"))
        refused = await kiosk.expect(Error)
        assert refused.code == ErrorCode.NOT_FOUND and "重新呼叫" in refused.message


async def test_nobody_on_duty_offers_a_callback_that_reaches_the_desks_until_done(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        await server.add_lawyer("wang", "王律师", "明理律师事务所")
        desk = await server.connect(await server.login("wang"))  # connected, off duty
        assert (await desk.expect(CallbackList)).callbacks == []
        kiosk = await server.kiosk("一号终端", "红星村")
        await kiosk.send(CallRequest(request_id="r1", topic="labour_wages"))
        told = await kiosk.expect(NoLawyerAvailable)
        assert told.callback_offered
        await kiosk.send(CallbackRequest("cb1", "12345", "labour_wages", told.call_id))
        bad = await kiosk.expect(Error)
        assert bad.code == ErrorCode.MALFORMED and "手机号" in bad.message
        await kiosk.send(CallbackRequest("cb2", "138 1234 5678", "labour_wages", told.call_id))
        registered = await kiosk.expect(CallbackRegistered)
        assert registered.request_id == "cb2" and len(registered.tracking_number) == 8
        (entry,) = (await desk.expect(CallbackList)).callbacks
        assert (entry["phone"], entry["village"], entry["topic"]) == ("13812345678", "红星村", "labour_wages")
        await desk.send(CallbackDone(entry["callback_id"], "已回电"))
        assert (await desk.expect(CallbackList)).callbacks == []
        matters = await server.storage.search_matters("已回电")
        assert [m.tracking_number for m in matters] == [registered.tracking_number]


async def test_wrap_up_notes_and_the_villagers_rating_land_in_the_record(tmp_path):
    async with running_server(server_settings(tmp_path, wrap_up_s=120.0)) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        kiosk = await server.kiosk("一号终端", "东村")
        call_id = await _busy_lawyer(server, kiosk, desk)
        await kiosk.send(Hangup(call_id))
        await desk.expect(Hangup)
        wrap_up = await desk.expect(DutyState)
        while wrap_up.state == "in_call":
            wrap_up = await desk.expect(DutyState)
        assert wrap_up.state == "wrap_up" and wrap_up.wrap_up_until is not None
        await desk.send(CallNotes(call_id, "咨询欠薪，已告知仲裁流程"))
        await kiosk.send(Rating(call_id, 3))
        await desk.send(EndWrapUp())
        assert (await desk.expect(DutyState)).state == "available"
        await server.hub.records_flushed()
        record = await server.storage.get_call(call_id)
        assert record is not None
        assert (record.notes, record.rating, record.outcome) == ("咨询欠薪，已告知仲裁流程", 3, "completed")
        await kiosk.send(Rating(call_id, 9))
        assert (await kiosk.expect(Error)).code == ErrorCode.MALFORMED


async def test_a_lawyer_who_misses_rings_is_put_on_break_and_told(tmp_path):
    settings = server_settings(tmp_path, ring_timeout_s=0.2, missed_calls_break=1)
    async with running_server(settings) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        kiosk = await server.kiosk()
        await kiosk.send(CallRequest(request_id="r1"))
        await desk.expect(Ring)
        assert (await desk.expect(RingCancelled)).reason == "timeout"
        told = await desk.expect(DutyState)
        assert (told.state, told.on_duty, told.reason) == ("break", False, "missed_calls")


@pytest.mark.parametrize("village", ["红星村"])
async def test_the_village_adviser_from_the_stored_roster_rings_first(tmp_path, village):
    async with running_server(server_settings(tmp_path)) as server:
        first = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")  # idle longest
        adviser = await server.lawyer_on_duty("li", "李律师", "公正律师事务所")
        account = await server.storage.lawyer_by_username("li")
        assert account is not None
        await server.storage.set_adviser(village, account.lawyer_id)
        await server.hub.reload_roster()
        kiosk = await server.kiosk("一号终端", village)
        await kiosk.send(CallRequest(request_id="r1", topic="land"))
        ring = await adviser.expect(Ring)
        assert ring.village == village
        await adviser.send(Accept(ring.call_id))
        await kiosk.expect(CallQueued)
        assert (await kiosk.expect(CallAccepted)).peer_name == "李律师"
        await first.close()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0371-12345678", "037112345678"),
        ("(010) 1234 5678", "01012345678"),
    ],
)
def test_phone_numbers_a_villager_types_are_accepted_and_cleaned(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["", "12345678901", "1381234567", "138123456789", "abc", "0371-123"])
def test_numbers_that_are_no_phone_are_refused_in_plain_chinese(typed):
    with pytest.raises(BadPhoneError, match="11位手机号"):
        normalise_phone(typed)
