"""法律咨询 screens through real QML offscreen: browse, answer, read aloud, QR, call, search, law browse."""

from __future__ import annotations

import base64
import shutil
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QCoreApplication, QPointF
from PySide6.QtGui import QImage, QInputMethodEvent
from PySide6.QtMultimedia import QMediaDevices

from content.faq import load_faq
from media.flows import CallerState
from tests.faqui_packs import make_pack, small_statute_lines
from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.consult_setup import build_consult
from ui.consult_vm import ConsultViewModel
from ui.kiosk_vm import KioskViewModel
from ui.qr import qr_matrix

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(
    r"PopupList_QMLTYPE_\d+ overrides a member", r"pipewire", r"QAudioSink|audio device|ALSA|PulseAudio"
)
WAGE_QUESTION = "老板欠我工资不给，怎么办？"


class ConsultHarness(QmlHarness):
    """QmlHarness that also finds delegates of Repeaters and ListViews (they have no QObject parent)."""

    def _visible_named(self, name: str) -> list[Any]:
        found: list[Any] = []

        def walk(item: Any) -> None:
            for child in item.childItems():
                if child.objectName() == name and child.isVisible():
                    found.append(child)
                walk(child)

        walk(self.window.contentItem())
        return found

    def item(self, name: str) -> Any:
        """The visible item with this objectName, wherever it sits in the scene."""
        found = self._visible_named(name)
        assert found, f"no visible item named {name!r}"
        return found[0]

    def has(self, name: str) -> bool:
        """Whether a visible item with this objectName is in the scene."""
        return bool(self._visible_named(name))

    def tap(self, name: str) -> None:
        """Tap once the page holding the item has been drawn and has stopped moving (a new page is laid
        out on its first frame, then slides in; on a loaded machine a tap could land mid-slide)."""
        item, where = self.item(name), None
        for _ in range(100):
            with self.qtbot.waitSignal(self.window.frameSwapped, timeout=5000):
                self.window.update()
            now = item.mapToScene(QPointF(0, 0))
            if now == where and item.isVisible():
                break
            where = now
        super().tap(name)


@dataclass
class Consult:
    """A kiosk window over a fake flow, with the consult view-model on a small real statute pack."""

    flow: FakeCallerFlow
    vm: KioskViewModel
    consult: ConsultViewModel
    h: ConsultHarness

    def open(self) -> None:
        """Tap 法律咨询 and wait for the topic tiles."""
        self.h.tap("consultTile")
        self.h.wait_for("topic_labour_wages")

    def ready(self) -> None:
        """Wait until the statutes are searchable."""
        self.h.qtbot.waitUntil(lambda: self.consult.engineReady, timeout=60_000)

    def type(self, text: str) -> None:
        """Type as the Pinyin keyboard does: words committed two characters at a time."""
        field = self.h.wait_for("searchField")
        self.h.qtbot.waitUntil(field.hasActiveFocus, timeout=5000)
        for start in range(0, len(text), 2):
            event = QInputMethodEvent()
            event.setCommitString(text[start : start + 2])
            QCoreApplication.sendEvent(field, event)
            self.h.qtbot.wait(20)  # a person's pace between words (nothing is asserted on time)


@pytest.fixture(scope="session")
def small_pack(tmp_path_factory: Any) -> Path:
    return make_pack(
        tmp_path_factory.mktemp("packs") / "statutes.pack", "2026.11.24.1", small_statute_lines()
    )


@pytest.fixture(scope="session")
def index_cache(tmp_path_factory: Any) -> Path:
    return tmp_path_factory.mktemp("index-cache")


def _consult(qtbot: Any, tmp_path: Path, pack: Path, cache: Path, *, start: bool = True) -> Consult:
    flow = FakeCallerFlow()
    runner = BackgroundRunner()
    vm = KioskViewModel(flow, runner, keyboard_data_path=str(tmp_path / "keyboard"))
    consult = build_consult(
        vm,
        runner,
        data_dir=tmp_path / "data",
        session_dir=tmp_path / "session",
        bundled_pack=pack,
        cache_dir=cache,
    )
    if start:
        consult.start_engine()
    h = ConsultHarness(qtbot, "kiosk/Main.qml", {"vm": vm, "consultVm": consult})
    return Consult(flow, vm, consult, h)


@pytest.fixture
def app(qtbot: Any, qapp: Any, tmp_path: Path, small_pack: Path, index_cache: Path) -> Iterator[Consult]:
    with running_qasync_loop(qapp):
        made = _consult(qtbot, tmp_path, small_pack, index_cache)
        yield made
        made.consult.close()
        made.h.close()


def _qr_modules(source: str) -> list[list[bool]]:
    """The dark/light modules of a QR PNG data URI (quiet zone of 4 modules), sampled at their centres."""
    image = QImage()
    assert image.loadFromData(QByteArray(base64.b64decode(source.split(",", 1)[1])), "PNG")
    quiet = 4
    # The finder pattern's corner is the first dark pixel on the diagonal: quiet zone * scale.
    offset = next(i for i in range(image.width()) if image.pixelColor(i, i).lightness() < 128)
    scale = offset // quiet
    n = image.width() // scale - 2 * quiet
    return [
        [
            QImage.pixelColor(
                image, (quiet + c) * scale + scale // 2, (quiet + r) * scale + scale // 2
            ).lightness()
            < 128
            for c in range(n)
        ]
        for r in range(n)
    ]


def test_browse_topic_to_answer_read_aloud_qr_and_call_about_the_topic(app: Consult):
    entry = next(e for e in load_faq() if e.topic == "labour_wages")
    h = app.h
    app.open()
    h.tap("topic_labour_wages")
    h.wait_for("question_0")
    assert entry.question in str(h.item("question_0").property("text"))
    h.tap("question_0")
    assert h.wait_for("answerQuestion").property("text") == entry.question
    assert h.text("answerText") == entry.answer
    assert [h.text(f"answerStep_{i}") for i in range(len(entry.steps))] == list(entry.steps)

    size = h.item("answerText").property("font").pixelSize()
    h.tap("textBigger")
    h.qtbot.waitUntil(lambda: h.item("answerText").property("font").pixelSize() > size)

    speech = app.consult.read_aloud
    if shutil.which("espeak-ng"):
        with h.qtbot.waitSignal(speech.rendered, timeout=30_000) as rendered:
            h.tap("readAloudButton")
        wav = Path(rendered.args[0])
        with wave.open(str(wav)) as audio:
            assert audio.getnframes() / audio.getframerate() > 1.0  # a real spoken answer
        if QMediaDevices.audioOutputs():
            h.qtbot.waitUntil(lambda: h.text("readAloudButton") == "停止")
            h.tap("readAloudButton")  # 停止
            h.qtbot.waitUntil(lambda: not speech.speaking)
        else:  # no speaker on this machine: said plainly, nothing plays
            h.qtbot.waitUntil(lambda: "没有找到喇叭" in h.text("speechMessage"))
    else:
        h.tap("readAloudButton")
        h.qtbot.waitUntil(lambda: "朗读功能暂不可用" in h.text("speechMessage"))

    payload = app.consult.share_payload()
    assert entry.answer in payload and entry.question in payload
    source = h.item("answerQr").property("source").toString()
    assert _qr_modules(source) == qr_matrix(payload)

    h.tap("answerCall")
    h.qtbot.waitUntil(lambda: app.flow.state is CallerState.REQUESTING)
    assert app.flow.actions == ["call"]
    assert app.flow.info.topic == entry.call_topic
    h.wait_for("connectingTitle")


def test_form_button_says_plainly_while_the_form_screens_are_not_built(app: Consult):
    entry = next(e for e in load_faq() if any(s.startswith("form:") for s in e.next_steps))
    app.open()
    app.consult.openTopic(entry.topic)
    app.consult.openQuestion(entry.id)
    app.h.tap("answerForm")
    assert "正在建设中" in app.h.wait_for("consultNoticeText").property("text")
    app.h.tap("consultNoticeOk")
    app.h.qtbot.waitUntil(lambda: not app.h.has("consultNoticeOverlay"))


def test_search_as_you_type_finds_the_wage_question(app: Consult):
    app.open()
    app.ready()
    app.h.tap("consultSearchBox")
    app.type("老板欠我工资不给怎么办")
    first = app.h.wait_for("faqResult_0")
    assert first.property("title") == WAGE_QUESTION
    assert app.h.text("alsoSearched").startswith("也搜索了：")
    assert app.h.has("articleResult_0")  # 法律条文 after 常见问题
    app.h.tap("showResults")  # 看结果: the keyboard goes away
    app.h.qtbot.waitUntil(lambda: not app.h.has("showResults"))
    app.h.tap("faqResult_0")
    assert app.h.wait_for("answerQuestion").property("text") == WAGE_QUESTION


def test_an_article_number_opens_the_article(app: Consult):
    app.open()
    app.ready()
    app.h.tap("consultSearchBox")
    app.type("民法典1079")
    app.h.wait_for("exactArticle")
    app.h.tap("showResults")
    app.h.qtbot.waitUntil(lambda: not app.h.has("showResults"))
    app.h.tap("exactArticle")
    assert app.h.wait_for("articleTitle").property("text") == "《民法典》第一千零七十九条"
    assert "离婚" in app.h.text("articleText")


@pytest.mark.parametrize("absurd", ["😀🙈🎉", "\x00\x07\x1b[2J", "🐟" * 10_000])
def test_absurd_input_gets_the_calm_empty_state(app: Consult, absurd: str):
    app.open()
    app.ready()
    app.consult.openSearch()
    app.h.wait_for("searchField")
    with app.h.qtbot.waitSignal(app.consult.searchFinished, timeout=10_000):
        app.consult.setQuery(absurd)
    assert "没有找到相关的内容" in app.h.wait_for("searchStatus").property("text")
    assert app.consult.searchState == "nothing"


def test_a_weak_search_left_unanswered_is_counted_without_its_words(app: Consult):
    app.open()
    app.ready()
    app.consult.openSearch()
    with app.h.qtbot.waitSignal(app.consult.searchFinished, timeout=10_000):
        app.consult.setQuery("飞碟降落在我家菜地")
    app.h.wait_for("missedAsk")
    app.h.tap("missedNo")
    app.h.qtbot.waitUntil(lambda: not app.h.has("missedAsk"))
    log = app.consult.missed_log
    assert log is not None and [m.query for m in log.pending()] == [None]  # counted, words not kept


def test_a_weak_search_keeps_the_words_only_when_the_villager_agrees(app: Consult):
    app.open()
    app.ready()
    app.consult.openSearch()
    with app.h.qtbot.waitSignal(app.consult.searchFinished, timeout=10_000):
        app.consult.setQuery("飞碟降落在我家菜地")
    app.h.tap("missedYes")
    log = app.consult.missed_log
    assert log is not None
    app.h.qtbot.waitUntil(lambda: log.total() == 1)
    assert [m.query for m in log.pending()] == ["飞碟降落在我家菜地"]


def test_sql_text_is_just_text(app: Consult):
    app.open()
    app.ready()
    app.consult.openSearch()
    with app.h.qtbot.waitSignal(app.consult.searchFinished, timeout=10_000):
        app.consult.setQuery("'; DROP TABLE faq; --")
    assert app.consult.searchState in ("nothing", "results")
    assert app.h.has("searchStatus") or app.h.has("searchResults")


def test_law_browse_reaches_an_article_and_back(app: Consult):
    app.open()
    app.ready()
    app.h.tap("consultLawsButton")
    for _ in range(8):
        if app.consult.page == "article":
            break
        app.h.wait_for("lawRow_0")
        app.h.tap("lawRow_0")
        app.h.qtbot.wait(50)  # a frame for the next list (nothing asserted on time)
    assert app.consult.page == "article"
    assert app.h.wait_for("articleText").property("text")
    app.h.tap("consultBack")
    app.h.wait_for("lawRow_0")


def test_faq_works_before_the_statutes_are_ready(qtbot: Any, qapp: Any, tmp_path: Path, small_pack: Path):
    with running_qasync_loop(qapp):
        made = _consult(qtbot, tmp_path, small_pack, tmp_path / "fresh-cache", start=False)
        try:
            made.open()
            assert made.h.text("engineLine").startswith("正在准备法律条文")
            made.h.tap("topic_marriage_family")
            made.h.tap(made.h.wait_for("question_0").objectName())
            made.h.wait_for("answerText")
            made.consult.start_engine()
            made.ready()
            made.h.qtbot.waitUntil(lambda: not made.h.has("engineLine"))
        finally:
            made.consult.close()
            made.h.close()


def test_back_and_home_leave_the_consult_screens(app: Consult):
    app.open()
    app.h.tap("topic_traffic")
    app.h.wait_for("question_0")
    app.h.tap("consultBack")
    app.h.wait_for("topic_traffic")
    app.h.tap("consultHome")
    app.h.wait_for("callTile")
