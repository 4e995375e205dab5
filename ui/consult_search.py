"""The consult's search as you type: debounced, off the UI thread, with the missed-search question."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, SignalInstance, Slot

from content.search import SearchEngine, SearchResults
from content.search_missed import MissedSearchLog
from content.statutes import Article
from ui.background import BackgroundRunner
from ui.consult_engine import EngineState
from ui.consult_pages import ConsultPage

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class ConsultSearchSlots:
    """What the search page does; mixed into ConsultViewModel, whose state it uses."""

    searchChanged: SignalInstance
    searchFinished: SignalInstance
    engine: SearchEngine | None
    missed_log: MissedSearchLog | None
    _runner: BackgroundRunner
    _engine_state: EngineState
    _query: str
    _results: SearchResults | None
    _search_seq: int
    _search_pool: ThreadPoolExecutor
    _searching: bool
    _missed_query: str
    _debounce: QTimer
    _go: Callable[[ConsultPage], None]
    _show_article: Callable[[Article], None]
    _engine_ready: Callable[[], bool]

    @Slot()
    def openSearch(self) -> None:
        """The search field's page."""
        self._go(ConsultPage.SEARCH)

    @Slot(str)
    def setQuery(self, text: str) -> None:
        """The search text changed: search again shortly (debounced), off the UI thread."""
        if text == self._query:
            return
        self._query = text
        self._missed_query = ""
        self._debounce.start()
        self.searchChanged.emit()

    @Slot()
    def submitSearch(self) -> None:
        """The keyboard's Enter: an article named by number opens at once; else search now."""
        results = self._results
        if results is not None and results.exact_article is not None and results.query:
            self._show_article(results.exact_article)
            return
        self._debounce.stop()
        self._run_search()

    def _run_search(self) -> None:
        self._search_seq += 1
        seq = self._search_seq
        query = self._query
        engine = self.engine
        if not query.strip():
            self._results = None
            self._searching = False
            self.searchChanged.emit()
            self.searchFinished.emit("")
            return
        if engine is None or self._engine_state is not EngineState.READY:
            self.searchChanged.emit()  # shown again once the engine is ready
            return
        self._searching = True
        self.searchChanged.emit()
        self._runner.run(
            self._search_off_thread(engine, query),
            name="search",
            on_success=lambda results: self._on_results(seq, results),
            on_failure=lambda _message: self._on_results(seq, SearchResults(query="")),
        )

    async def _search_off_thread(self, engine: SearchEngine, query: str) -> SearchResults:
        """The search on the consult's own worker thread (never the UI thread)."""
        return await asyncio.get_running_loop().run_in_executor(self._search_pool, engine.search, query)

    def _on_results(self, seq: int, results: SearchResults) -> None:
        if seq != self._search_seq:
            return  # an older keystroke's answer
        self._results = results
        self._searching = False
        self._missed_query = results.query if results.query and results.weak else ""
        self.searchChanged.emit()
        self.searchFinished.emit(results.query)

    def _search_state(self) -> str:
        if not self._query.strip():
            return "idle"
        if not self._engine_ready():
            return "waiting"
        if self._results is None:
            return "searching"
        return "nothing" if self._results.empty else "results"

    def _faq_results(self) -> list[dict[str, Any]]:
        if self._results is None:
            return []
        return [{"id": h.entry.id, "question": h.entry.question} for h in self._results.faq]

    def _article_results(self) -> list[dict[str, Any]]:
        if self._results is None:
            return []
        return [
            {"index": h.article.index, "title": h.article.title, "snippet": h.snippet, "exact": h.exact}
            for h in self._results.articles
        ]

    def _also_searched(self) -> str:
        if self._results is None or not self._results.interpreted:
            return ""
        words = "、".join(self._results.interpreted[:6])
        return translate("ConsultViewModel", "也搜索了：%1").replace("%1", words)

    def _query_value(self) -> str:
        return self._query

    def _ask_missed(self) -> bool:
        return bool(self._missed_query)

    @Slot(bool)
    def answerMissed(self, consent: bool) -> None:
        """The yes/no under a search that found nothing good: count it, keep the words only on yes."""
        if self._missed_query:
            self._record_missed(consent=consent)
            self.searchChanged.emit()

    def _record_missed(self, *, consent: bool) -> None:
        query, self._missed_query = self._missed_query, ""
        if self.missed_log is not None:
            try:
                self.missed_log.record(query, consent=consent)
            except Exception:  # the terminal's database being unwell must not stop a search
                log.exception("a missed search could not be counted")
