"""The rejoin grace through the real server and real WebSockets: a side whose signaling socket drops
mid-call (the server staying up) comes back into the same call; too late, the call ends."""

from __future__ import annotations

import asyncio

import pytest

from config.settings import TurnSettings
from media.flows import CallerState, DeskState
from protocol.messages import (
    CallEnded,
    CallQueued,
    CallRequest,
    DutyState,
    Hangup,
    IceCandidate,
    Rejoin,
    Rejoined,
    Ring,
    Role,
    SetDuty,
)
from tests.media_fixtures import use_loopback_host_candidates
from tests.server_helpers import RunningServer, SignalClient, running_server, server_settings
from tests.test_resilience_server import LAWYER, connect
from tests.test_server_calls import connected_call


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


CANDIDATE = "candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host"


async def gone(server: RunningServer, role: Role, client: SignalClient) -> None:
    """Wait until the server has noticed this client's socket closed."""
    party_id = int(client.welcome.client_id.split("-")[1])
    async with asyncio.timeout(10):
        while (role, party_id) in server.hub.connections:  # noqa: ASYNC110 - the hub has no event for it
            await asyncio.sleep(0.02)


async def test_a_kiosk_reconnecting_within_the_grace_rejoins_the_same_call(tmp_path) -> None:
    async with running_server(server_settings(tmp_path)) as server:  # the default 30 s grace
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        token = await server.add_kiosk("一号终端", "东村")
        kiosk = await server.connect(token)
        call_id = await connected_call(server, kiosk, desk)
        await kiosk.close()
        await gone(server, Role.KIOSK, kiosk)
        kiosk = await server.connect(token)  # the same terminal, a new socket
        await kiosk.send(Rejoin(call_id))
        assert await kiosk.expect(Rejoined) == Rejoined(call_id, True)
        await desk.send(IceCandidate(call_id, CANDIDATE, "0", 0))  # the lawyer's side still relays to it
        assert (await kiosk.expect(IceCandidate)).candidate == CANDIDATE
        other = await server.kiosk("二号终端", "西村")  # the lawyer is still busy with the first call
        await other.send(CallRequest(request_id="r2"))
        await other.expect(CallQueued)
        await kiosk.send(Hangup(call_id, "completed"))
        assert await desk.expect(Hangup) == Hangup(call_id, "completed")  # no "disconnected" before it
        assert (await desk.expect(Ring)).call_id != call_id  # free again: the waiting call rings
        await server.hub.records_flushed()
        record = await server.storage.get_call(call_id)
        assert record is not None and (record.outcome, record.ended_by) == ("completed", "kiosk")
        assert record.stats["rejoins"] == 1


async def test_a_desk_reconnecting_within_the_grace_rejoins_and_the_kiosk_never_hears_of_it(tmp_path) -> None:
    async with running_server(server_settings(tmp_path)) as server:
        await server.add_lawyer("wang", "王律师", "明理律师事务所")
        session = await server.login("wang")
        desk = await server.connect(session)
        await desk.expect(DutyState)
        await desk.send(SetDuty(on_duty=True))
        assert await desk.expect(DutyState) == DutyState("available", True)
        kiosk = await server.kiosk()
        call_id = await connected_call(server, kiosk, desk)
        await desk.close()
        await gone(server, Role.LAWYER, desk)
        desk = await server.connect(session)
        await desk.send(Rejoin(call_id))
        assert await desk.expect(Rejoined) == Rejoined(call_id, True)
        await kiosk.send(IceCandidate(call_id, CANDIDATE, "0", 0))
        assert (await desk.expect(IceCandidate)).candidate == CANDIDATE
        await desk.send(Hangup(call_id, "completed"))
        assert await kiosk.expect(Hangup) == Hangup(call_id, "completed")
        assert (await desk.expect(DutyState)).state != "in_call"


async def test_a_kiosk_not_back_within_the_grace_ends_the_call_and_frees_the_lawyer(tmp_path) -> None:
    settings = server_settings(tmp_path, call_rejoin_grace_s=1.0, wrap_up_s=0.0)
    async with running_server(settings) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        token = await server.add_kiosk("一号终端", "东村")
        kiosk = await server.connect(token)
        call_id = await connected_call(server, kiosk, desk)
        await kiosk.close()
        assert await desk.expect(Hangup) == Hangup(call_id, "disconnected")
        assert await desk.expect(DutyState) == DutyState("available", True)
        kiosk = await server.connect(token)  # too late: the call is over, even for a rejoin
        await kiosk.send(Rejoin(call_id))
        assert await kiosk.expect(Rejoined) == Rejoined(call_id, False)
        await kiosk.send(CallRequest(request_id="r2"))  # and the terminal may call again at once
        new_call = (await kiosk.expect(CallQueued)).call_id
        assert (await desk.expect(Ring)).call_id == new_call
        await server.hub.records_flushed()
        record = await server.storage.get_call(call_id)
        assert record is not None and (record.outcome, record.ended_by) == ("disconnected", "kiosk")


async def test_the_kiosk_app_whose_socket_is_cut_mid_call_rejoins_by_itself_and_the_picture_goes_on(
    tmp_path, loopback: None
) -> None:
    settings = server_settings(tmp_path, turn=TurnSettings())
    async with running_server(settings) as server:
        await server.add_lawyer(LAWYER[0], LAWYER[1], LAWYER[2], LAWYER[3])
        call = await connect(server.url, await server.add_kiosk("红星村服务室", "红星村"))
        call_id = call.kiosk.info.call_id
        try:
            kiosk_id = next(party for role, party in server.hub.connections if role is Role.KIOSK)
            cut = server.hub.connections[(Role.KIOSK, kiosk_id)]
            assert cut._transport is not None
            cut._transport.abort()  # the village link drops the TCP connection; the server stays up
            await call.kiosk_info.until(lambda s, i: call.kiosk.rejoined)  # reconnected and rejoined
            assert call.desk.state == DeskState.IN_CALL and call.kiosk.state == CallerState.IN_CALL
            call.at_kiosk.enough.clear()
            call.at_kiosk._wanted = len(call.at_kiosk.seqs) + 15  # the lawyer's picture still arrives
            async with asyncio.timeout(30):
                await call.at_kiosk.enough.wait()
            await call.kiosk.hangup()
            await call.desk_log.reach(DeskState.AVAILABLE)
        finally:
            await call.kiosk.close()
            await call.desk.close()
        await server.hub.records_flushed()
        record = await server.storage.get_call(call_id)
        assert record is not None and (record.outcome, record.ended_by) == ("completed", "kiosk")
        assert record.stats["rejoins"] == 1


async def test_a_hangup_a_restarted_server_never_saw_ends_the_call_from_its_record(tmp_path) -> None:
    settings = server_settings(tmp_path)
    async with running_server(settings) as server:
        await server.add_lawyer("wang", "王律师", "明理律师事务所")
        session = await server.login("wang")
        desk = await server.connect(session)
        await desk.expect(DutyState)
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)
        token = await server.add_kiosk("一号终端", "东村")
        kiosk = await server.connect(token)
        call_id = await connected_call(server, kiosk, desk)
    async with running_server(settings) as server:  # restarted: its pool knows no call
        kiosk = await server.connect(token)
        desk = await server.connect(session)
        await desk.send(Hangup(call_id, "completed"))  # the lawyer hung up while the server was away
        assert await desk.expect(CallEnded) == CallEnded(call_id)
        assert await kiosk.expect(Hangup) == Hangup(call_id, "completed")
        await kiosk.send(Rejoin(call_id))
        assert await kiosk.expect(Rejoined) == Rejoined(call_id, False)  # over, even for a rejoin
        await desk.send(Hangup(call_id, "completed"))  # sent again after another reconnect
        assert await desk.expect(CallEnded) == CallEnded(call_id)
        await kiosk.send(Hangup(call_id, "completed"))  # the villager's own, crossing it
        assert await kiosk.expect(CallEnded) == CallEnded(call_id)
        await server.hub.records_flushed()
        record = await server.storage.get_call(call_id)
        assert record is not None and (record.outcome, record.ended_by) == ("completed", "lawyer")
