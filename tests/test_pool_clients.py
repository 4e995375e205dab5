"""The kiosk's and the desk's flows against the real pool server: the place in the queue in plain words,
the callback offer and request, the callback list on the desk, and being put on break."""

from __future__ import annotations

import asyncio

from media.answerer import PUT_ON_BREAK, DeskAnswerer
from media.caller import KioskCaller, waiting_message
from media.factories import synthetic_media
from media.flows import CallerState, CallInfo, DeskState
from protocol.messages import Accept, CallAccepted, CallQueued, CallRequest, Ring
from tests.server_helpers import running_server, server_settings


def _until(flow: KioskCaller | DeskAnswerer, check) -> asyncio.Event:
    """An event set once a state change or info update satisfies check(state, info)."""
    reached = asyncio.Event()

    def listener(state, info: CallInfo) -> None:
        if check(state, info):
            reached.set()

    flow.add_state_listener(listener)
    return reached


async def test_the_waiting_villager_is_told_the_place_and_wait_in_plain_words(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        talking = await server.kiosk("一号终端", "东村")
        await talking.send(CallRequest(request_id="busy"))
        busy = (await talking.expect(CallQueued)).call_id
        await desk.expect(Ring)
        await desk.send(Accept(busy))
        await talking.expect(CallAccepted)

        caller = KioskCaller(
            server.url, await server.add_kiosk("二号终端", "西村"), synthetic_media(160, 120, 5)
        )
        told = _until(caller, lambda state, info: state == CallerState.WAITING and info.estimated_wait_s >= 0)
        calling = asyncio.create_task(caller.call("land"))
        await told.wait()
        assert caller.info.position == 1 and caller.info.lawyers_on_duty == 1
        assert len(caller.info.tracking_number) == 8
        assert caller.info.message == waiting_message(1, caller.info.estimated_wait_s)
        await caller.cancel()
        await calling
        await caller.close()


def test_waiting_messages_say_place_and_minutes():
    assert waiting_message(1, 5.0) == "马上轮到您了，请稍候。"
    assert waiting_message(3, 400.0) == "您前面还有 2 位。大约还要等 7 分钟。"
    assert waiting_message(1, 150.0) == "下一位就是您。大约还要等 2 分钟。"


async def test_nobody_on_duty_the_villager_leaves_a_number_and_the_desk_calls_back(tmp_path):
    async with running_server(server_settings(tmp_path)) as server:
        await server.add_lawyer("wang", "王律师", "明理律师事务所")
        desk = DeskAnswerer(server.url, synthetic_media(160, 120, 5))
        lists: asyncio.Queue[list] = asyncio.Queue()
        desk.on_callbacks = lists.put_nowait
        await desk.login("wang", "pw-123456")
        assert desk.state == DeskState.OFF_DUTY
        assert await lists.get() == []

        caller = KioskCaller(
            server.url, await server.add_kiosk("一号终端", "红星村"), synthetic_media(160, 120, 5)
        )
        await caller.call("labour_wages")
        assert caller.state == CallerState.NO_LAWYER and caller.info.callback_offered
        number, why = await caller.request_callback("12345", "labour_wages")
        assert number == "" and "手机号" in why
        number, why = await caller.request_callback("13812345678", "labour_wages")
        assert len(number) == 8 and why == ""

        (entry,) = await lists.get()
        assert (entry["phone"], entry["tracking_number"], entry["village"]) == (
            "13812345678",
            number,
            "红星村",
        )
        assert await desk.callback_done(entry["callback_id"], "已回电，约了周五")
        assert await lists.get() == []
        await caller.close()
        await desk.close()


async def test_a_desk_that_misses_a_ring_is_put_on_break_with_a_plain_message(tmp_path):
    settings = server_settings(tmp_path, ring_timeout_s=0.3, missed_calls_break=1)
    async with running_server(settings) as server:
        await server.add_lawyer("wang", "王律师", "明理律师事务所")
        desk = DeskAnswerer(server.url, synthetic_media(160, 120, 5))
        await desk.login("wang", "pw-123456")
        await desk.set_duty(True)
        on_break = _until(
            desk, lambda state, info: state == DeskState.OFF_DUTY and info.message == PUT_ON_BREAK
        )
        kiosk = await server.kiosk()
        await kiosk.send(CallRequest(request_id="r1"))
        await on_break.wait()
        assert desk.server_state == "break"
        await desk.close()
