"""法律咨询 view-model: topics, questions, answers, search as you type, law browse and articles."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Property, QCoreApplication, QObject, QTimer, Signal, Slot

from content.faq import TOPICS, FaqEntry
from content.pack import PackStore
from content.search import SearchEngine, SearchResults
from content.search_missed import MissedSearchLog
from content.statutes import Article
from ui import texts
from ui.background import BackgroundRunner
from ui.consult_engine import ConsultEngineSlots, EngineState
from ui.consult_pages import PAGE_MOVES, ConsultPage
from ui.consult_search import ConsultSearchSlots
from ui.law_vm import BrowsePlace, LawBrowser
from ui.qr import fit_for_qr, qr_data_uri
from ui.readaloud import ReadAloud

translate = QCoreApplication.translate

SEARCH_DEBOUNCE_MS = 150
TEXT_SIZES = (30, 36, 44, 52, 62)  # answer and article text, before Theme's zoom and elder scale
DEFAULT_TEXT_LEVEL = 1


def form_label(step: str) -> str:
    """The words on an answer's form button (each a literal translate call so lupdate finds it)."""
    labels = {
        "form:legal_aid": translate("ConsultViewModel", "申请法律援助"),
        "form:mediation": translate("ConsultViewModel", "申请人民调解"),
        "form:notary": translate("ConsultViewModel", "公证预约"),
        "form:adviser": translate("ConsultViewModel", "预约法律顾问"),
        "form:callback": translate("ConsultViewModel", "请律师回电话"),
    }
    return labels.get(step, "")


class CallerOfKiosk(Protocol):
    """What consult needs of the kiosk view-model: a call about a topic (and openForm when built)."""

    def callAbout(self, topic: str) -> None: ...


def answer_share_text(entry: FaqEntry) -> str:
    """What the QR code carries when no server link is configured: question, answer, steps, laws."""
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(entry.steps, 1))
    laws = "、".join(ref.label() for ref in entry.laws)
    text = (
        f"问：{entry.question}\n答：{entry.answer}\n您可以这样做：\n{steps}\n依据：{laws}\n法律服务热线 12348"
    )
    return fit_for_qr(text)


class ConsultViewModel(QObject, ConsultEngineSlots, ConsultSearchSlots):
    """The consult screens' state; slots are what a tap does.

    Signals:
        changed: page, answer, article or text size changed.
        searchChanged: search text, results or the missed-search question changed.
        engineChanged: the search engine's state or progress changed.
        searchFinished: a search's results were shown (the query searched).
    """

    changed = Signal()
    searchChanged = Signal()
    engineChanged = Signal()
    searchFinished = Signal(str)
    _engineProgress = Signal(float, int)
    _engineBuilt = Signal(object, int)

    def __init__(
        self,
        faq: Sequence[FaqEntry],
        runner: BackgroundRunner,
        read_aloud: ReadAloud,
        *,
        kiosk: CallerOfKiosk,
        pack_store: PackStore,
        cache_dir: Path,
        missed_log: MissedSearchLog | None = None,
        share_base_url: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.faq = list(faq)
        self._by_id = {e.id: e for e in self.faq}
        self._runner = runner
        self.read_aloud = read_aloud
        self.law_browser = LawBrowser(self)
        self.law_browser.articleChosen.connect(self._open_article_index)
        self._kiosk = kiosk
        self.pack_store = pack_store
        self._cache_dir = cache_dir
        self.missed_log = missed_log
        self._share_base = share_base_url.rstrip("/")
        self.engine: SearchEngine | None = None
        self._engine_state = EngineState.LOADING
        self._engine_progress = 0.0
        self._engine_generation = 0
        self._quitting = threading.Event()
        self._engineProgress.connect(self._on_engine_progress)
        self._engineBuilt.connect(self._on_engine_built)
        self._history: list[ConsultPage] = []
        self._page = ConsultPage.TOPICS
        self._topic = ""
        self._entry: FaqEntry | None = None
        self._article: Article | None = None
        self._text_level = DEFAULT_TEXT_LEVEL
        self._notice = ""
        self._query = ""
        self._results: SearchResults | None = None
        self._search_seq = 0
        self._search_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="consult-search")
        self._searching = False
        self._missed_query = ""  # a weak search not yet answered yes/no
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_search)

    async def aclose(self) -> None:
        """close() as a quit-time cleanup step."""
        self.close()

    def close(self) -> None:
        """Stop background work (the app is quitting)."""
        self._quitting.set()
        self._debounce.stop()
        self._search_pool.shutdown(wait=False, cancel_futures=True)
        self.read_aloud.stop()
        if self.missed_log is not None:
            self.missed_log.close()
            self.missed_log = None

    engineReady = Property(bool, ConsultEngineSlots._engine_ready, notify=engineChanged)
    engineState = Property(str, ConsultEngineSlots._engine_state_value, notify=engineChanged)
    engineLine = Property(str, ConsultEngineSlots._engine_line, notify=engineChanged)

    # --- pages ----------------------------------------------------------------------------------------
    def _go(self, page: ConsultPage) -> None:
        if page is not self._page:
            if page not in PAGE_MOVES[self._page]:
                raise RuntimeError(f"consult {self._page} -> {page} is not allowed")
            self._leave(self._page)
            self._history.append(self._page)
            self._page = page
        self.changed.emit()

    def _leave(self, page: ConsultPage) -> None:
        self.read_aloud.clear()
        self._notice = ""
        if page is ConsultPage.SEARCH and self._missed_query:
            self._record_missed(consent=False)  # left without answering: counted, text not kept

    @Slot()
    def back(self) -> None:
        """返回: one step back; from the topics (or an empty history) back to the kiosk's home."""
        if self._page is ConsultPage.LAWS and self.law_browser.back():
            return
        if not self._history:
            self.home()
            return
        self._leave(self._page)
        self._page = self._history.pop()
        self.changed.emit()

    @Slot()
    def home(self) -> None:
        """首页: leave the consult screens for the kiosk's home screen, starting fresh next time."""
        self._leave(self._page)
        self._history.clear()
        self._page = ConsultPage.TOPICS
        self._query = ""
        self._results = None
        self._text_level = DEFAULT_TEXT_LEVEL
        self.changed.emit()
        self.searchChanged.emit()
        go_home = getattr(self._kiosk, "goHome", None)
        if callable(go_home):
            go_home()

    def reset(self) -> None:
        """Forget this villager's consult state (session end): page, search text, answers shown."""
        self._leave(self._page)
        self._missed_query = ""
        self._history.clear()
        self._page = ConsultPage.TOPICS
        self._query = ""
        self._results = None
        self._entry = None
        self._article = None
        self._text_level = DEFAULT_TEXT_LEVEL
        self.changed.emit()
        self.searchChanged.emit()

    def _page_value(self) -> str:
        return self._page.value

    page = Property(str, _page_value, notify=changed)

    # --- topics and questions -----------------------------------------------------------------------
    def _topics(self) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for entry in self.faq:
            counts[entry.topic] = counts.get(entry.topic, 0) + 1
        return [
            {"slug": t.slug, "name": t.name, "count": counts.get(t.slug, 0)}
            for t in TOPICS
            if counts.get(t.slug)
        ]

    def _questions(self) -> list[dict[str, Any]]:
        return [{"id": e.id, "question": e.question} for e in self.faq if e.topic == self._topic]

    def _topic_name(self) -> str:
        return next((t.name for t in TOPICS if t.slug == self._topic), "")

    topics = Property(list, _topics, constant=True)
    questions = Property(list, _questions, notify=changed)
    topicName = Property(str, _topic_name, notify=changed)

    @Slot(str)
    def openTopic(self, slug: str) -> None:
        """A topic tile: its common questions."""
        if not any(t.slug == slug for t in TOPICS):
            return
        self._topic = slug
        self._go(ConsultPage.QUESTIONS)

    @Slot(str)
    def openQuestion(self, entry_id: str) -> None:
        """A question (from a topic list or the search results): its answer."""
        entry = self._by_id.get(entry_id)
        if entry is None:
            return
        self._entry = entry
        self._go(ConsultPage.ANSWER)

    # --- the answer ------------------------------------------------------------------------------------
    def _answer(self) -> dict[str, Any]:
        entry = self._entry
        if entry is None:
            return {}
        forms = [s for s in entry.next_steps if s.startswith("form:")]
        return {
            "id": entry.id,
            "topicName": entry.topic_name,
            "question": entry.question,
            "answer": entry.answer,
            "steps": list(entry.steps),
            "laws": [ref.label() for ref in entry.laws],
            "canCall": "call" in entry.next_steps,
            "formId": forms[0].removeprefix("form:") if forms else "",
            "formLabel": form_label(forms[0]) if forms else "",
        }

    def share_payload(self) -> str:
        """What the answer's QR code encodes: a link when a server address is set, else the text."""
        entry = self._entry
        if entry is None:
            return ""
        if self._share_base:
            return f"{self._share_base}/faq/{entry.id}"
        return answer_share_text(entry)

    def _qr(self) -> str:
        payload = self.share_payload()
        return qr_data_uri(payload) if payload else ""

    answer = Property(dict, _answer, notify=changed)
    answerQr = Property(str, _qr, notify=changed)

    @Slot()
    def readAnswer(self) -> None:
        """朗读 the answer: question, answer and the steps."""
        entry = self._entry
        if entry is not None:
            steps = "".join(f"第{i}步，{step}。" for i, step in enumerate(entry.steps, 1))
            self.read_aloud.speak(f"{entry.question}。{entry.answer}。您可以这样做：{steps}")

    @Slot()
    def callLawyer(self) -> None:
        """找律师视频: a call with the answer's topic passed to the pool."""
        topic = self._entry.call_topic if self._entry is not None else "general"
        self.read_aloud.stop()
        self._kiosk.callAbout(topic)

    @Slot()
    def openAnswerForm(self) -> None:
        """The answer's form button: the form screens when built, else the plain 'being built' notice."""
        entry = self._entry
        forms = [s for s in entry.next_steps if s.startswith("form:")] if entry else []
        open_form: Callable[[str], None] | None = getattr(self._kiosk, "openForm", None)
        if not forms:
            return
        self.read_aloud.stop()
        if callable(open_form) and getattr(self._kiosk, "forms", None) is not None:
            open_form(forms[0].removeprefix("form:"))
        else:
            self._notice = texts.not_built_notice()
            self.changed.emit()

    @Slot(int)
    def openAnswerLaw(self, row: int) -> None:
        """A statute under the answer was tapped: its text (once the statutes are ready)."""
        entry = self._entry
        if entry is None or not 0 <= row < len(entry.laws):
            return
        if self.engine is None:
            self._notice = translate("ConsultViewModel", "法律条文还在准备中，请稍等一会儿再点。")
            self.changed.emit()
            return
        ref = entry.laws[row]
        article = self.engine.library.by_label(ref.law, ref.article)
        if article is not None:
            self._show_article(article)

    # --- articles and text size ----------------------------------------------------------------------
    def _open_article_index(self, index: int) -> None:
        if self.engine is not None and 0 <= index < len(self.engine.library.articles):
            self._show_article(self.engine.library.articles[index])

    @Slot(int)
    def openArticle(self, index: int) -> None:
        """An article from the search results or the law list."""
        self._open_article_index(index)

    def _show_article(self, article: Article) -> None:
        self._article = article
        self._go(ConsultPage.ARTICLE)

    def _article_value(self) -> dict[str, Any]:
        article = self._article
        if article is None:
            return {}
        return {
            "title": article.title,
            "trail": " › ".join([article.short_law, *article.section]),
            "text": article.text,
        }

    article = Property(dict, _article_value, notify=changed)

    @Slot()
    def readArticle(self) -> None:
        """朗读 the article shown."""
        if self._article is not None:
            self.read_aloud.speak(f"{self._article.title}。{self._article.text}")

    @Slot()
    def openLaws(self) -> None:
        """按法律查找: the law tree (from its top)."""
        self.law_browser.go_to(BrowsePlace())
        self._go(ConsultPage.LAWS)

    def _text_size(self) -> int:
        return TEXT_SIZES[self._text_level]

    def _can_grow(self) -> bool:
        return self._text_level < len(TEXT_SIZES) - 1

    def _can_shrink(self) -> bool:
        return self._text_level > 0

    textSize = Property(int, _text_size, notify=changed)
    canGrow = Property(bool, _can_grow, notify=changed)
    canShrink = Property(bool, _can_shrink, notify=changed)

    @Slot()
    def biggerText(self) -> None:
        """A+."""
        self._text_level = min(self._text_level + 1, len(TEXT_SIZES) - 1)
        self.changed.emit()

    @Slot()
    def smallerText(self) -> None:
        """A−."""
        self._text_level = max(self._text_level - 1, 0)
        self.changed.emit()

    def _notice_text(self) -> str:
        return self._notice

    notice = Property(str, _notice_text, notify=changed)

    @Slot()
    def dismissNotice(self) -> None:
        """知道了 on a notice."""
        self._notice = ""
        self.changed.emit()

    def _law_browser(self) -> QObject:
        return self.law_browser

    def _read_aloud(self) -> QObject:
        return self.read_aloud

    laws = Property(QObject, _law_browser, constant=True)
    speech = Property(QObject, _read_aloud, constant=True)

    query = Property(str, ConsultSearchSlots._query_value, notify=searchChanged)
    searchState = Property(str, ConsultSearchSlots._search_state, notify=searchChanged)
    faqResults = Property(list, ConsultSearchSlots._faq_results, notify=searchChanged)
    articleResults = Property(list, ConsultSearchSlots._article_results, notify=searchChanged)
    alsoSearched = Property(str, ConsultSearchSlots._also_searched, notify=searchChanged)
    askMissed = Property(bool, ConsultSearchSlots._ask_missed, notify=searchChanged)
