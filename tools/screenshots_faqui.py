"""Screenshots of every 法律咨询 screen (topics, questions, answer, search, law browse, article)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


async def _shoot(window: object, out: Path, name: str, settle_s: float = 0.4) -> None:
    from PySide6.QtQuick import QQuickWindow

    assert isinstance(window, QQuickWindow)
    await asyncio.sleep(settle_s)  # let the new page load and render
    path = out / f"{name}.png"
    window.grabWindow().save(str(path))
    print(f"  {path}", flush=True)


async def _until(condition: Callable[[], bool], timeout_s: float = 120.0) -> None:
    for _ in range(int(timeout_s * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the consult screens did not get ready in time")


async def consult_screens(out: Path, language: str = "zh_CN") -> None:
    """Render the consult screens into out/consult_*.png (on a running qasync loop)."""
    from PySide6.QtQml import QQmlApplicationEngine

    from content.faq import load_faq
    from tests.ui_fakes import FakeCallerFlow
    from ui.app import QML_DIR, keyboard_locale, load_window
    from ui.background import BackgroundRunner
    from ui.consult_setup import build_consult
    from ui.kiosk_vm import KioskViewModel

    flow = FakeCallerFlow()
    runner = BackgroundRunner()
    vm = KioskViewModel(flow, runner, ended_return_ms=60_000)
    work = Path(tempfile.mkdtemp(prefix="consult-shots-"))
    data_dir = Path("var/kiosk")  # the app's own cache: the index is built once
    consult = build_consult(vm, runner, data_dir=data_dir, session_dir=work / "session")
    engine = QQmlApplicationEngine()
    properties = {"vm": vm, "consultVm": consult, "keyboardLocale": keyboard_locale(language)}
    window = load_window(engine, QML_DIR / "kiosk" / "Main.qml", properties)
    window.show()
    entry = next(e for e in load_faq() if e.id == "labour_wages-001")

    vm.tapTile("consult")
    await _shoot(window, out, "consult_1_topics_preparing", 0.2)
    consult.start_engine()
    await _until(lambda: consult.engine is not None)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("consult_2_topics", lambda: None),
        ("consult_3_questions", lambda: consult.openTopic("labour_wages")),
        ("consult_4_answer", lambda: consult.openQuestion(entry.id)),
        ("consult_5_answer_larger_text", lambda: (consult.biggerText(), consult.biggerText(), None)[-1]),
        ("consult_6_article_from_answer", lambda: consult.openAnswerLaw(0)),
        ("consult_7_form_notice", lambda: (consult.back(), consult.openAnswerForm())[-1]),
    ]
    for name, action in steps:
        action()
        await _shoot(window, out, name)
    await _search_and_laws(window, out, consult, vm)
    consult.close()
    window.close()
    del engine


async def _search_and_laws(window: object, out: Path, consult: Any, vm: Any) -> None:
    """The search pages (typed, results, nothing found) and the law browse down to an article."""
    from PySide6.QtGui import QGuiApplication

    consult.dismissNotice()
    consult.home()
    vm.tapTile("consult")
    consult.openSearch()
    await _shoot(window, out, "consult_8_search_empty")
    for name, text in (
        ("consult_9_search_wages", "老板欠我工资不给怎么办"),
        ("consult_10_search_article_number", "民法典1079"),
        ("consult_11_search_nothing", "😀🙈🎉"),
    ):
        consult.setQuery(text)
        await _shoot(window, out, name, 1.0)
        QGuiApplication.inputMethod().hide()  # 看结果
        await _shoot(window, out, name + "_results")
        consult.openSearch() if consult.page != "search" else None
    consult.home()
    vm.tapTile("consult")
    consult.openLaws()
    await _shoot(window, out, "consult_12_laws_categories")
    for name in ("consult_13_laws_of_category", "consult_14_law_parts", "consult_15_law_chapters"):
        consult.law_browser.open(2 if name == "consult_13_laws_of_category" else 0)
        await _shoot(window, out, name)
    while consult.page != "article":
        consult.law_browser.open(0)
        await asyncio.sleep(0.05)
    await _shoot(window, out, "consult_16_article")
    consult.readArticle()
    await _until(lambda: bool(consult.read_aloud.speaking or consult.read_aloud.message), 60)
    await _shoot(window, out, "consult_17_article_reading")
