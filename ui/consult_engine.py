"""The consult's statute search engine: built (or loaded) from the content pack on a worker thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, SignalInstance, Slot

from content.faq import FaqEntry
from content.pack import PackError, PackStore
from content.search import SearchEngine
from ui.law_vm import LawBrowser

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class EngineState(StrEnum):
    """The statute search engine: being prepared in the background, ready, or unusable."""

    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


ENGINE_MOVES: dict[EngineState, frozenset[EngineState]] = {
    EngineState.LOADING: frozenset({EngineState.READY, EngineState.FAILED}),
    EngineState.READY: frozenset({EngineState.LOADING}),  # a new content pack was installed
    EngineState.FAILED: frozenset({EngineState.LOADING}),
}


class _CancelledError(Exception):
    """The engine build was abandoned (the app is quitting or a newer pack arrived)."""


class ConsultEngineSlots:
    """Starting, tracking and replacing the search engine; mixed into ConsultViewModel (its state)."""

    engineChanged: SignalInstance
    _engineProgress: SignalInstance
    _engineBuilt: SignalInstance
    faq: list[FaqEntry]
    pack_store: PackStore
    law_browser: LawBrowser
    engine: SearchEngine | None
    _cache_dir: Path
    _quitting: threading.Event
    _engine_state: EngineState
    _engine_progress: float
    _engine_generation: int
    _query: str
    _run_search: Callable[[], None]

    def start_engine(self) -> None:
        """Open the content pack and build (or load) the search index on a worker thread."""
        self._set_engine_state(EngineState.LOADING)
        self._engine_generation += 1
        generation = self._engine_generation
        self._engine_progress = 0.0
        self.engineChanged.emit()
        worker = threading.Thread(
            target=self._build_engine, args=(generation,), name="consult-engine", daemon=True
        )
        worker.start()

    def _build_engine(self, generation: int) -> None:
        """Runs on the worker thread: results go back to the Qt thread through a queued signal."""

        def progress(share: float) -> None:
            if self._quitting.is_set() or generation != self._engine_generation:
                raise _CancelledError
            self._engineProgress.emit(share, generation)

        try:
            pack = self.pack_store.load()
            engine = SearchEngine.from_pack(pack, self.faq, cache_dir=self._cache_dir, progress=progress)
        except _CancelledError:
            return
        except (PackError, OSError, ValueError) as exc:
            log.error("the statute pack could not be opened: %s", exc)
            if not self._quitting.is_set():
                self._engineBuilt.emit(None, generation)
            return
        if not self._quitting.is_set():
            self._engineBuilt.emit(engine, generation)

    def _set_engine_state(self, state: EngineState) -> None:
        if state is not self._engine_state and state not in ENGINE_MOVES[self._engine_state]:
            raise RuntimeError(f"engine {self._engine_state} -> {state} is not allowed")
        self._engine_state = state

    @Slot(float, int)
    def _on_engine_progress(self, share: float, generation: int) -> None:
        if generation == self._engine_generation:
            self._engine_progress = max(0.0, min(1.0, share))
            self.engineChanged.emit()

    @Slot(object, int)
    def _on_engine_built(self, engine: SearchEngine | None, generation: int) -> None:
        if generation != self._engine_generation:
            return
        if engine is None:
            if self.engine is None:
                self._set_engine_state(EngineState.FAILED)
            else:
                self._set_engine_state(EngineState.READY)  # keep using the engine we had
        else:
            self.engine = engine
            self.law_browser.set_library(engine.library)
            self._set_engine_state(EngineState.READY)
        self._engine_progress = 1.0
        self.engineChanged.emit()
        if self._query and self._engine_state is EngineState.READY:
            self._run_search()

    @Slot()
    def reloadContent(self) -> None:
        """A newer content pack was installed: build the engine again (the old one serves meanwhile)."""
        self._engine_state = EngineState.READY if self.engine is not None else self._engine_state
        self.start_engine()

    def _engine_ready(self) -> bool:
        return self._engine_state is EngineState.READY and self.engine is not None

    def _engine_line(self) -> str:
        if self._engine_state is EngineState.FAILED:
            return translate("ConsultViewModel", "法律条文暂时打不开，常见问题仍可查看。")
        if self._engine_ready():
            return ""
        percent = round(self._engine_progress * 100)
        return translate("ConsultViewModel", "正在准备法律条文… %1%").replace("%1", str(percent))

    def _engine_state_value(self) -> str:
        return self._engine_state.value
