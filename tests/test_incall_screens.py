"""In-call help on both screens, real QML offscreen: the lawyer pushes and co-fills, the kiosk shows."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from content.faq import load_faq
from content.forms import FieldType, display_tracking_number, load_all_forms
from content.forms.examples import example_values
from content.pack import open_pack
from content.search import SearchEngine
from media.flows import CallerState, DeskState, FieldEdit, PushedContent
from tests.faqui_packs import make_pack, small_statute_lines
from tests.formui_helpers import NOW, FormsKiosk, ItemHarness, forms_kiosk, run
from tests.ui_fakes import FakeCallerFlow, FakeDeskFlow, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.desk_help_vm import DeskHelpViewModel
from ui.desk_vm import DeskViewModel
from ui.forms_fields import to_display
from ui.kiosk_help_vm import KioskHelpViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore("PulseAudioService", r"PopupList_QMLTYPE_\d+ overrides a member")

SHOTS = Path("/tmp/incall-shots")
ARTICLE = "第三十二条 承包方有权依法自主决定土地经营权是否流转和流转的方式。"


def shot(h: ItemHarness, name: str) -> None:
    """Save the screen for a person to look at."""
    SHOTS.mkdir(exist_ok=True)
    h.wait_frame()
    h.shot(SHOTS / f"{name}.png")


def type_into(h: ItemHarness, name: str, text: str) -> None:
    """Click into a text field and type, as a person at a keyboard."""
    item = h.wait_for(name)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(h.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    h.qtbot.waitUntil(item.hasActiveFocus, timeout=5000)
    event = QInputMethodEvent()  # what the keyboard (or the desk's IME) commits
    event.setCommitString(text)
    QCoreApplication.sendEvent(item, event)


def scroll_to(h: ItemHarness, flick: str, name: str) -> None:
    """Flick the list until the named item is in view, as a person scrolls with a finger."""
    view, item = h.item(flick), h.wait_for(name)
    top = item.mapToItem(view.property("contentItem"), QPointF(0, 0)).y()
    most = max(0.0, view.property("contentHeight") - view.height())
    view.setProperty("contentY", min(most, max(0.0, top - 20)))
    h.wait_frame()


def row_value(help_vm: Any, field_id: str) -> str:
    """A co-filled field's value as the panel shows it."""
    return next(str(r["value"]) for r in help_vm.fields if r["id"] == field_id)


class HookedCaller(FakeCallerFlow):
    """The fake kiosk flow with the real flow's submit hook: submit_form hands the values to the hook."""

    def __init__(self) -> None:
        super().__init__()
        self.hook: Any = None

    def set_form_submit_hook(self, hook: Any) -> None:
        """Where a confirmed co-filled form goes."""
        self.hook = hook

    async def submit_form(self, form_id: str) -> bool:
        """Confirm a co-filled form: the hook receives its values."""
        self.actions.append(f"submit_form:{form_id}")
        self.hook(form_id, dict(self.form_values.get(form_id, {})))
        return True


# --- the lawyer's desk --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def small_pack(tmp_path_factory: Any) -> Path:
    return make_pack(
        tmp_path_factory.mktemp("packs") / "statutes.pack", "2026.11.24.1", small_statute_lines()
    )


@pytest.fixture
def desk(
    qtbot: Any, qapp: Any, small_pack: Path, tmp_path: Path
) -> Iterator[tuple[FakeDeskFlow, DeskHelpViewModel, ItemHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeDeskFlow({"wangming": "secret"})
        runner = BackgroundRunner()
        vm = DeskViewModel(flow, runner, username="wangming")
        faq = load_faq()
        help_vm = DeskHelpViewModel(
            flow,
            runner,
            load_all_forms(),
            faq,
            engine_factory=lambda progress: SearchEngine.from_pack(
                open_pack(small_pack), faq, cache_dir=tmp_path, progress=progress
            ),
        )
        help_vm.start_engine()
        vm.use_help(help_vm)
        h = ItemHarness(qtbot, "desk/Main.qml", {"vm": vm})
        run(qtbot, flow.login("wangming", "secret"))
        run(qtbot, flow.set_duty(True))
        flow.ring(terminal="红星村服务室", village="红星村", topic="labour_wages")
        run(qtbot, flow.accept())
        flow.move_to(DeskState.IN_CALL)
        h.wait_for("deskHelpOpen")
        yield flow, help_vm, h
        h.close()
        run(qtbot, runner.shutdown())


def test_the_help_panel_starts_collapsed_and_lists_the_call_topics_faq_first(desk):
    flow, help_vm, h = desk
    video = h.item("remoteVideo")
    large = video.width()
    assert not h.has("deskHelpPanel") and h.has("deskHelpOpen")  # the villager's picture fills the view
    assert large > h.window.width() / 2
    shot(h, "desk-call-closed")
    h.tap("deskHelpOpen")  # 查资料 / 推送
    h.wait_for("deskHelpPanel")
    assert not h.has("deskHelpOpen")
    assert h.has("remoteVideo") and 0 < video.width() < large  # still seen, smaller
    # A 劳动争议 call: its wage and work-injury answers lead the list, not marriage.
    first = help_vm.results[0]
    assert first["ref"].startswith("labour_wages-") and h.has("deskPushResult_0")
    topics = [r["ref"].rsplit("-", 1)[0] for r in help_vm.results]
    assert topics[: topics.count("labour_wages")] == ["labour_wages"] * topics.count("labour_wages")
    assert "marriage_family" in topics  # the rest stay below, to browse
    shot(h, "desk-call-open")
    h.tap("deskHelpCollapse")  # 收起
    h.qtbot.waitUntil(lambda: not h.has("deskHelpPanel"))
    h.qtbot.waitUntil(lambda: video.width() == large)
    # The next call, about marriage, starts collapsed again with its own answers first.
    h.tap("deskHelpOpen")
    h.wait_for("deskHelpPanel")
    flow.move_to(DeskState.AVAILABLE)
    flow.ring(terminal="红星村服务室", village="红星村", topic="marriage_family")
    run(h.qtbot, flow.accept())
    flow.move_to(DeskState.IN_CALL)
    h.wait_for("deskHelpOpen")
    assert not h.has("deskHelpPanel")
    assert help_vm.results[0]["ref"].startswith("marriage_family-")


def test_the_lawyer_finds_an_article_and_pushes_it_with_one_click(desk):
    flow, help_vm, h = desk
    h.qtbot.waitUntil(lambda: help_vm.searchReady, timeout=60000)
    h.tap("deskHelpOpen")
    assert h.has("deskPushResult_0")  # an empty search lists the FAQ to browse
    type_into(h, "deskHelpSearch", "民法典 1079")
    h.qtbot.waitUntil(lambda: any(r["kind"] == "law" for r in help_vm.results), timeout=10000)
    law = help_vm.results[0]  # the article named by number comes first
    assert law["title"] == "《民法典》第一千零七十九条"
    h.tap("deskPushResult_0")
    h.qtbot.waitUntil(lambda: any(a.startswith("push:law:") for a in flow.actions))
    assert f"push:law:{law['ref']}" in flow.actions
    assert law["title"] in h.text("deskHelpNotice")
    shot(h, "desk-search")
    # 按法律浏览: a law's articles in order, to push any of them.
    choices = {c["title"]: c["law"] for c in help_vm.lawChoices}
    assert "民法典" in choices
    help_vm.browseLaw(choices["民法典"])
    assert help_vm.results[0]["title"] == "《民法典》第一条" and len(help_vm.results) > 1000


def test_the_lawyer_pushes_a_form_and_sees_the_villager_fill_it_and_corrects_it(desk):
    flow, help_vm, h = desk
    h.tap("deskHelpOpen")
    h.tap("deskHelpTab_forms")
    shot(h, "desk-forms")
    h.tap("deskPushForm_callback")
    h.qtbot.waitUntil(lambda: "push:form:callback" in flow.actions)
    assert h.wait_for("deskCofillTitle").property("text") == "请律师回电话"
    # The villager types their name on the terminal: it appears here, marked as theirs.
    for listener in flow._form_listeners:
        listener(FieldEdit("callback", "name", "王大爷", "kiosk"))
    h.qtbot.waitUntil(lambda: h.item("deskCofillInput_name").property("text") == "王大爷")
    assert h.text("deskCofillBy_name") == "村民填的"
    # The lawyer types the phone number: it goes to the terminal as a patch.
    type_into(h, "deskCofillInput_phone", "13800138000")
    h.qtbot.waitUntil(lambda: flow.form_values.get("callback", {}).get("phone") == "13800138000")
    assert "patch_form:callback.phone" in flow.actions
    h.tap("deskCofillOption_topic_land")
    h.qtbot.waitUntil(lambda: flow.form_values["callback"].get("topic") == "land")
    for listener in flow._form_listeners:
        listener(FieldEdit("callback", "_submitted", "ABCD-EFGH", "kiosk"))
    assert "ABCD-EFGH" in h.wait_for("deskCofillSubmitted").property("text")
    shot(h, "desk-cofill")
    flow.move_to(DeskState.RECONNECTING)  # a stalled link is redialled: the form stays
    flow.move_to(DeskState.IN_CALL)
    assert help_vm.formId == "callback" and row_value(help_vm, "name") == "王大爷"
    flow.move_to(DeskState.AVAILABLE)  # the call ends: the form goes with it
    h.qtbot.waitUntil(lambda: help_vm.formId == "")


def test_closing_the_desk_stops_the_index_build(qtbot: Any, qapp: Any, small_pack: Path) -> None:
    with running_qasync_loop(qapp):
        runner = BackgroundRunner()
        faq = load_faq()
        help_vm: Any = DeskHelpViewModel(
            FakeDeskFlow(),
            runner,
            load_all_forms(),
            faq,
            engine_factory=lambda progress: SearchEngine.from_pack(
                open_pack(small_pack), faq, progress=progress
            ),
        )
        help_vm.close()  # the lawyer quits while the index is still being built
        help_vm.start_engine()
        qtbot.waitUntil(lambda: not runner.busy, timeout=20000)
        assert not help_vm.searchReady
        help_vm.search("欠工资")  # the FAQ still answers
        assert help_vm.results and all(r["kind"] == "faq" for r in help_vm.results)


# --- the kiosk ----------------------------------------------------------------------------------


@pytest.fixture
def kiosk(
    qtbot: Any, qapp: Any, tmp_path: Path
) -> Iterator[tuple[FormsKiosk, HookedCaller, KioskHelpViewModel]]:
    with forms_kiosk(qtbot, qapp, tmp_path) as k:
        flow = HookedCaller()
        k.vm.flow = flow  # the window's call screen shows this flow's call
        flow.add_state_listener(k.vm._on_state)
        spoken: list[str] = []
        help_vm = KioskHelpViewModel(
            flow, k.runner, k.forms.forms, k.outbox, speak=spoken.append, clock=lambda: NOW
        )
        help_vm.spoken = spoken  # type: ignore[attr-defined]
        k.vm.use_help(help_vm)
        run(qtbot, flow.call())
        flow.move_to(CallerState.WAITING, position=1)
        flow.answer()
        flow.move_to(CallerState.IN_CALL)
        k.h.wait_for("callScreen")
        yield k, flow, help_vm


def test_a_pushed_article_shows_large_beside_the_small_video_and_can_be_read_and_closed(kiosk):
    k, flow, help_vm = kiosk
    flow.update_info(
        pushed=PushedContent("law", "农村土地承包法/第三十二条", "《农村土地承包法》第三十二条", ARTICLE)
    )
    assert k.h.wait_for("helpText").property("text") == ARTICLE
    assert k.h.text("helpKind") == "律师给您看的法律条文"
    remote = k.h.item("remoteVideo")
    assert remote.width() < k.h.window.width() / 3  # the lawyer stays in sight, small
    shot(k.h, "kiosk-article")
    k.h.tap("helpReadAloud")
    assert help_vm.spoken == [f"《农村土地承包法》第三十二条。{ARTICLE}"]
    k.h.tap("helpClose")
    k.h.qtbot.waitUntil(lambda: not k.h.has("helpOverlay"))
    assert k.h.item("remoteVideo").width() > k.h.window.width() / 2  # the lawyer large again
    assert k.h.text("helpReopen") == "再看律师发的内容"
    k.h.tap("helpReopen")
    assert k.h.wait_for("helpText").property("text") == ARTICLE


def test_a_pushed_form_is_filled_together_confirmed_and_lands_in_the_outbox(kiosk):
    k, flow, _help_vm = kiosk
    flow.update_info(pushed=PushedContent("form", "callback", "请律师回电话"))
    assert k.h.wait_for("cofillTitle").property("text") == "请律师回电话"
    # The lawyer fills the phone number: it appears on the terminal, marked 律师填的.
    for listener in flow._form_listeners:
        listener(FieldEdit("callback", "phone", "13800138000", "lawyer"))
    k.h.qtbot.waitUntil(lambda: k.h.item("cofillInput_phone").property("text") == "13800138000")
    assert k.h.has("cofillByLawyer_phone")
    # Confirming too early says what is missing, beside the field.
    k.h.tap("cofillConfirm")
    assert k.h.wait_for("cofillMessage_topic").property("text")
    shot(k.h, "kiosk-cofill-missing")
    flow.move_to(CallerState.RECONNECTING)  # the link stalls and is redialled: the form stays
    flow.move_to(CallerState.IN_CALL)
    assert k.h.wait_for("cofillInput_phone").property("text") == "13800138000"
    k.h.tap("cofillClose")  # put away for a moment: the answers stay
    k.h.tap("helpReopen")
    assert k.h.wait_for("cofillInput_phone").property("text") == "13800138000"
    # The lawyer shows an article meanwhile: it comes first; 关闭 goes back to the form.
    flow.update_info(pushed=PushedContent("law", "农村土地承包法/第三十二条", "第三十二条", ARTICLE))
    assert k.h.wait_for("helpText").property("text") == ARTICLE
    k.h.tap("helpClose")
    assert k.h.wait_for("cofillInput_phone").property("text") == "13800138000"
    # The villager taps their answers: each goes to the lawyer.
    k.h.tap("cofillOption_topic_land")
    scroll_to(k.h, "cofillList", "cofillOption_best_time_morning")
    k.h.tap("cofillOption_best_time_morning")
    k.h.qtbot.waitUntil(lambda: flow.form_values.get("callback", {}).get("best_time") == "morning")
    assert "patch_form:callback.topic" in flow.actions
    shot(k.h, "kiosk-cofill")
    scroll_to(k.h, "cofillList", "cofillInput_name")
    k.h.tap("cofillInput_name")  # the on-screen keyboard opens; the field stays in sight above it
    panel = k.h.window.findChild(QQuickItem, "inputPanel")
    k.h.qtbot.waitUntil(lambda: bool(panel.property("active")))
    k.h.wait_frame()
    shot(k.h, "kiosk-cofill-keyboard")
    view, name = k.h.item("cofillList"), k.h.item("cofillInput_name")
    top = name.mapToItem(view, QPointF(0, 0)).y()
    assert top >= 0 and top + name.height() <= view.height()
    shot(k.h, "kiosk-cofill-keyboard")
    name.setFocus(False)
    k.h.tap("cofillConfirm")
    tracking = k.h.wait_for("cofillTracking")
    k.h.qtbot.waitUntil(lambda: tracking.property("text") != "")
    shot(k.h, "kiosk-cofill-receipt")
    entries = run(k.h.qtbot, k.outbox.entries())
    assert [e.form_id for e in entries] == ["callback"]
    assert tracking.property("text") == display_tracking_number(entries[0].tracking_number)
    body = json.loads(run(k.h.qtbot, k.outbox.body(entries[0].idempotency_key)))
    assert body["values"] == {"phone": "13800138000", "topic": "land", "best_time": "morning"}
    k.h.qtbot.waitUntil(lambda: "patch_form:callback._submitted" in flow.actions)  # the lawyer is told
    assert flow.form_values["callback"]["_submitted"] == tracking.property("text")
    k.h.tap("cofillReceiptClose")
    k.h.qtbot.waitUntil(lambda: not k.h.has("helpOverlay"))


def test_a_co_filled_form_with_a_signature_is_signed_on_the_terminal_and_the_signature_stays_local(kiosk):
    k, flow, help_vm = kiosk
    spec = k.forms.forms["mediation"]
    flow.update_info(pushed=PushedContent("form", "mediation", spec.title))
    k.h.wait_for("cofillTitle")
    answers = example_values(spec, NOW.date())
    for field_id, value in answers.items():  # the lawyer types what the villager tells him
        field = spec.field(field_id)
        if field.type is not FieldType.SIGNATURE:
            for listener in flow._form_listeners:
                listener(FieldEdit("mediation", field_id, to_display(field, value), "lawyer"))
    k.h.tap("cofillConfirm")
    assert k.h.wait_for("cofillMessage_signature").property("text")  # unsigned: it says so beside the pad
    pad = k.h.wait_for("signaturePad")
    scroll_to(k.h, "cofillList", "signaturePad")
    origin = pad.mapToScene(QPointF(0, 0))
    points = [QPointF(origin.x() + pad.width() * x, origin.y() + pad.height() * 0.5) for x in (0.2, 0.4, 0.6)]
    QTest.mousePress(
        k.h.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0].toPoint()
    )
    for point in points[1:]:
        QTest.mouseMove(k.h.window, point.toPoint())
    QTest.mouseRelease(
        k.h.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1].toPoint()
    )
    k.h.qtbot.waitUntil(lambda: help_vm.signatureUrl != "")
    assert not k.h.has("cofillMessage_signature") and help_vm.message == ""  # nothing left to fix
    consent = k.h.item("cofillConsent").property("text")  # what confirming agrees to is on screen
    assert spec.consent is not None and spec.consent.text in consent and "同意" in consent
    shot(k.h, "kiosk-cofill-signed")
    k.h.tap("cofillConfirm")
    k.h.qtbot.waitUntil(lambda: k.h.has("cofillTracking") and k.h.text("cofillTracking") != "", timeout=20000)
    (entry,) = run(k.h.qtbot, k.outbox.entries())
    body = json.loads(run(k.h.qtbot, k.outbox.body(entry.idempotency_key)))
    assert base64.b64decode(body["values"]["signature"]).startswith(b"\x89PNG")
    assert body["consent"]["granted"] is True  # confirming on the terminal gives the form's consent
    assert "signature" not in flow.form_values.get("mediation", {})  # never sent over the call
