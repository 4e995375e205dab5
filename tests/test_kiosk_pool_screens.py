"""The lawyer-pool screens of the kiosk (issue 3), tapped through real QML offscreen over a fake flow:
topic tiles, the wait in minutes, 请律师回电 with the number pad, and the three faces after a call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from media.flows import CallerState
from server.phone import BadPhoneError, normalise_phone
from tests.access_fixtures import AccessKiosk, build_access_kiosk
from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.call_topics import phone_problem
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")

Kiosk = tuple[FakeCallerFlow, KioskViewModel, QmlHarness]


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[Kiosk]:
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()
        vm = KioskViewModel(flow, BackgroundRunner(), ended_return_ms=200, rating_return_ms=60_000)
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        yield flow, vm, harness
        harness.close()


def _call_about(tile: str, flow: FakeCallerFlow, h: QmlHarness) -> None:
    h.tap("callTile")
    h.tap(h.wait_for(f"callTopic_{tile}").objectName())
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)


def _tap_shown(h: QmlHarness, name: str) -> None:
    """Tap a button that just appeared, once Qt Quick has laid it out and drawn it."""
    h.wait_for(name)
    _settle(h)
    h.tap(name)


def _settle(h: QmlHarness) -> None:
    """Let Qt Quick lay out and draw what the last change showed (two frames)."""
    for _ in range(2):
        with h.qtbot.waitSignal(h.window.frameSwapped, timeout=5000):
            h.window.update()


def _type(h: QmlHarness, digits: str) -> None:
    """Tap the pad's keys one by one, each once the display shows the last (as a person checks)."""
    _settle(h)  # the pad laid out and drawn before the first key
    for digit in digits:
        shown = h.text("padDisplay")
        h.tap(f"padKey{digit}")
        h.qtbot.waitUntil(lambda shown=shown: h.text("padDisplay") != shown, timeout=5000)


# --- topic tiles --------------------------------------------------------------------------------------


def test_call_tile_shows_topic_tiles_in_words_and_calls_with_the_chosen_topic(kiosk):
    flow, _vm, h = kiosk
    h.tap("callTile")
    h.wait_for("callTopicsScreen")
    assert flow.actions == []  # nothing is called before a topic is chosen
    words = [h.text(name) for name in ("callTopic_marriage_family", "callTopic_traffic", "callTopic_unknown")]
    assert words == ["婚姻家庭", "交通事故", "不知道"]
    labels = {t.property("text") for t in _texts_under(h, "callTopic_labour_wages")}
    assert labels == {"劳动争议", "工伤、欠薪"}
    h.tap("callTopic_marriage_family")
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    assert flow.info.topic == "marriage_family" and flow.migrant_worker is False
    h.wait_for("connectingTitle")


def test_every_topic_tile_shows_its_picture_at_one_size_hint_or_not(kiosk):
    _flow, _vm, h = kiosk
    h.tap("callTile")
    h.wait_for("callTopicsScreen")
    sizes = {}
    for tile in ("marriage_family", "migrant_wages", "labour_wages", "traffic", "unknown", "criminal"):
        stack, pictures = [h.item(f"callTopic_{tile}")], []
        while stack:
            node = stack.pop()
            if node.inherits("QQuickImage") and node.isVisible():
                pictures.append(node)
            stack.extend(node.childItems())
        (picture,) = pictures
        sizes[tile] = picture.width()
    assert min(sizes.values()) >= 40 and len(set(sizes.values())) == 1, sizes  # 农民工欠薪 has a hint line


def test_migrant_wage_tile_asks_for_the_wage_claim_priority(kiosk):
    flow, _vm, h = kiosk
    _call_about("migrant_wages", flow, h)
    assert flow.info.topic == "labour_wages"
    assert flow.migrant_worker is True  # with labour_wages: the server's 农民工欠薪 green channel


def test_not_sure_calls_for_general_advice_and_back_returns_home(kiosk):
    flow, vm, h = kiosk
    h.tap("callTile")
    h.tap(h.wait_for("topicsBackButton").objectName())
    h.wait_for("homeScreen")
    assert flow.actions == []
    _call_about("unknown", flow, h)
    assert flow.info.topic == "general" and flow.migrant_worker is False
    assert vm.topicText == "一般咨询"  # the callback pad's header: 咨询：一般咨询, not 咨询：不知道


def _texts_under(h: QmlHarness, name: str) -> list[Any]:
    found: list[Any] = []
    stack = [h.item(name)]
    while stack:
        node = stack.pop()
        if node.inherits("QQuickText") and node.isVisible() and node.property("text"):
            found.append(node)
        stack.extend(node.childItems())
    return found


# --- the wait ------------------------------------------------------------------------------------------


def test_waiting_shows_place_and_minutes_updated_live(kiosk):
    flow, _vm, h = kiosk
    _call_about("land", flow, h)
    flow.move_to(CallerState.WAITING, position=3)
    h.wait_for("queuePosition")
    assert not h.has("waitEstimate")  # no honest estimate yet: no number is made up
    flow.update_info(estimated_wait_s=400.0)
    h.qtbot.waitUntil(lambda: h.has("waitMinutes") and h.text("waitMinutes") == "7")
    assert {t.property("text") for t in _texts_under(h, "waitEstimate")} == {"大约还要等", "7", "分钟"}
    flow.update_info(position=2, estimated_wait_s=150.0)  # a QueueUpdate: someone ahead was served
    h.qtbot.waitUntil(lambda: h.text("waitMinutes") == "2" and h.text("queuePosition") == "2")
    flow.update_info(position=1, estimated_wait_s=20.0)
    h.wait_for("waitSoon")
    assert h.text("waitSoon") == "马上就轮到您了" and not h.has("waitEstimate")
    assert not h.has("callbackButton")  # the wait is short: no callback offered


# --- 请律师回电 ------------------------------------------------------------------------------------------


def test_long_wait_offers_a_callback_number_pad_checks_the_number_and_shows_the_tracking_number(kiosk):
    flow, _vm, h = kiosk
    _call_about("inheritance_support", flow, h)
    flow.move_to(CallerState.WAITING, position=9, call_id="c9")
    flow.update_info(estimated_wait_s=1500.0, callback_offered=True)
    _tap_shown(h, "callbackButton")
    h.wait_for("callbackScreen")
    assert not h.has("inputPanel")  # the pad, never the system keyboard
    _type(h, "1381234")
    assert h.text("padDisplay") == "138 1234"
    h.tap("callbackSendButton")
    assert h.wait_for("phoneError").property("text") == "手机号码是1开头的11位数字，请再核对一下。"
    assert not any(a.startswith("callback") for a in flow.actions)  # a bad number never leaves the kiosk
    _type(h, "5678")
    h.qtbot.waitUntil(lambda: not h.has("phoneError"))  # typing again clears the complaint
    h.tap("callbackSendButton")
    assert h.wait_for("callbackTracking").property("text") == "K7Q2 M9XA"
    assert "callback:13812345678:inheritance_support" in flow.actions  # the topic came along
    h.qtbot.waitUntil(lambda: flow.state is CallerState.IDLE)  # the place in the queue is given up
    assert flow.actions[-1] == "cancel"
    h.tap("callbackHomeButton")
    h.wait_for("homeScreen")


def test_back_from_the_pad_returns_to_the_waiting_screen_with_the_place_kept(kiosk):
    flow, _vm, h = kiosk
    _call_about("traffic", flow, h)
    flow.move_to(CallerState.WAITING, position=4)
    flow.update_info(estimated_wait_s=900.0, callback_offered=True)
    _tap_shown(h, "callbackButton")
    _tap_shown(h, "callbackBackButton")
    assert h.wait_for("queuePosition").property("text") == "4"
    assert flow.state is CallerState.WAITING and "cancel" not in flow.actions


def test_nobody_on_duty_a_landline_with_area_code_is_taken_and_a_refusal_is_shown_plainly(kiosk):
    flow, _vm, h = kiosk
    _call_about("criminal", flow, h)
    flow.move_to(CallerState.NO_LAWYER, message="现在没有值班律师。", callback_offered=True)
    _tap_shown(h, "callbackButton")
    _type(h, "12345678")  # a landline without its area code
    h.tap("callbackSendButton")
    assert "手机号码" in h.wait_for("phoneError").property("text")
    h.tap("padKeyClear")
    _type(h, "0371123")  # the area code is there, the number is too short
    h.tap("callbackSendButton")
    h.qtbot.waitUntil(lambda: h.has("phoneError") and "7到8位" in h.text("phoneError"))
    h.tap("padKeyClear")
    refusal = "服务器暂时存不下回拨请求，请拨打热线。"
    flow.callback_reply = ("", refusal)  # the server said no (storage trouble)
    _type(h, "037112345678")
    assert h.text("padDisplay") == "0371 1234 5678"  # a landline grouped by its area code
    h.tap("callbackSendButton")
    h.qtbot.waitUntil(lambda: h.has("phoneError") and h.text("phoneError") == refusal)
    assert "callback:037112345678:criminal" in flow.actions
    flow.callback_reply = ("AB12CD34", "")
    h.tap("callbackSendButton")  # the number is still there: try again
    assert h.wait_for("callbackTracking").property("text") == "AB12 CD34"


def test_no_callback_button_unless_the_server_offers_one(kiosk):
    flow, _vm, h = kiosk
    _call_about("housing", flow, h)
    flow.move_to(CallerState.NO_LAWYER, message="现在没有值班律师。")
    h.wait_for("backButton")
    assert not h.has("callbackButton")


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "19912345678",
        "12812345678",
        "1381234567",
        "037112345678",
        "01012345678",
        "0101234567",
        "12345678",
        "0371123",
        "23812345678",
        "0371123456789",
        "",
    ],
)
def test_the_kiosk_checks_numbers_exactly_as_the_server_does(number):
    try:
        normalise_phone(number)
        server_takes = True
    except BadPhoneError:
        server_takes = False
    assert (phone_problem(number) == "") is server_takes


# --- three faces --------------------------------------------------------------------------------------


def _finish_a_call(flow: FakeCallerFlow, h: QmlHarness) -> None:
    _call_about("loans_contracts", flow, h)
    flow.move_to(CallerState.WAITING, position=1, tracking_number="K7Q2M9XA")
    flow.answer()
    flow.move_to(CallerState.IN_CALL)
    h.tap(h.wait_for("hangupButton").objectName())
    h.wait_for("ratingScreen")


def test_after_a_call_three_faces_send_the_rating_then_thanks_and_home(kiosk):
    flow, _vm, h = kiosk
    _finish_a_call(flow, h)
    assert {h.text(n) for n in ("ratingQuestion",)} == {"您对这次服务满意吗？"}
    faces = {
        name: [t.property("text") for t in _texts_under(h, name)]
        for name in ("rateHappy", "rateSoSo", "rateUnhappy")
    }
    assert faces == {"rateHappy": ["满意"], "rateSoSo": ["一般"], "rateUnhappy": ["不满意"]}
    assert any("K7Q2 M9XA" in t.property("text") for t in _texts_under(h, "ratingScreen"))
    h.tap("rateUnhappy")
    h.qtbot.waitUntil(lambda: "rate:1" in flow.actions)
    assert h.wait_for("endedThanks").property("text") == "谢谢您的评价！有需要可以随时再来。"
    h.wait_for("homeScreen")  # then home by itself (200 ms here)


def test_rating_can_be_skipped_and_sends_nothing(kiosk):
    flow, _vm, h = kiosk
    _finish_a_call(flow, h)
    h.tap("skipRatingButton")
    h.wait_for("homeScreen")
    assert not any(a.startswith("rate") for a in flow.actions)


@pytest.fixture
def access_kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[AccessKiosk]:
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path, idle_s=60.0, countdown_s=10.0, tick_ms=50)
        yield k
        k.close()


def test_the_rating_screen_does_not_hold_the_idle_timeout(access_kiosk):
    k = access_kiosk
    k.vm.chooseTopic("unknown")
    k.harness.qtbot.waitUntil(lambda: k.flow.state is CallerState.REQUESTING)
    k.flow.move_to(CallerState.WAITING, position=1)
    k.flow.answer()
    k.flow.move_to(CallerState.IN_CALL)
    k.flow.move_to(CallerState.ENDED, message="通话已结束")
    k.wait_for("ratingScreen")
    k.clock.advance(61)  # nobody rates: the villager walked away
    k.wait_for("idleCountdown")
    k.clock.advance(11)
    k.wait_for("attractScreen")  # the session ended and the next person starts clean
    assert k.vm.screen == "home" and not any(a.startswith("rate") for a in k.flow.actions)


def test_automation_taps_reach_the_topic_tiles_the_pad_and_the_faces(kiosk):
    from ui.automation import kiosk_commands

    flow, vm, h = kiosk
    commands = kiosk_commands(vm)
    commands["tap"]({"target": "call_topics"})
    h.wait_for("callTopicsScreen")
    commands["tap"]({"target": "call_topic_migrant_wages"})
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    assert (flow.info.topic, flow.migrant_worker) == ("labour_wages", True)
    flow.move_to(CallerState.NO_LAWYER, callback_offered=True)
    commands["tap"]({"target": "callback"})
    commands["phone"]({"digits": "13812345678"})
    commands["tap"]({"target": "callback_send"})
    h.wait_for("callbackTracking")
    assert "callback:13812345678:labour_wages" in flow.actions
    commands["home"]({})
    commands["tap"]({"target": "call"})  # straight to a general call, as the benches and e2e tests do
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    assert (flow.info.topic, flow.migrant_worker) == ("general", False)
    flow.move_to(CallerState.WAITING, position=1)
    flow.answer()
    flow.move_to(CallerState.IN_CALL)
    flow.move_to(CallerState.ENDED)
    h.wait_for("ratingScreen")
    commands["tap"]({"target": "rate_2"})
    h.qtbot.waitUntil(lambda: "rate:2" in flow.actions)


def test_ending_the_session_forgets_the_typed_phone_number(access_kiosk):
    k = access_kiosk
    k.vm.chooseTopic("land")
    k.harness.qtbot.waitUntil(lambda: k.flow.state is CallerState.REQUESTING)
    k.flow.move_to(CallerState.NO_LAWYER, callback_offered=True)
    k.vm.offerCallback()
    k.vm.setPhone("1381234")
    assert k.wait_for("padDisplay").property("text") == "138 1234"
    k.access.endNow()  # 不用了, or the idle countdown ran out: the next person starts clean
    k.wait_for("attractScreen")
    assert k.vm.phoneDigits == "" and k.vm.screen == "home"
