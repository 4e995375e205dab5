"""Builds the consult view-model with its parts: FAQ, statute pack store, read-aloud, missed searches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from content.faq import load_faq
from content.pack import BUNDLED_PACK, PackStore
from content.search_missed import MissedSearchLog
from ui.background import BackgroundRunner
from ui.consult_vm import CallerOfKiosk, ConsultViewModel
from ui.readaloud import ReadAloud
from ui.speech import SpeechRenderer

MISSED_DB = "missed_searches.sqlite3"


def build_consult(
    kiosk: CallerOfKiosk,
    runner: BackgroundRunner,
    *,
    data_dir: Path,
    session_dir: Path | Callable[[], Path],
    bundled_pack: Path = BUNDLED_PACK,
    share_base_url: str = "",
    cache_dir: Path | None = None,
    parent: QObject | None = None,
) -> ConsultViewModel:
    """The consult view-model over the terminal's data folder; call start_engine() once the loop runs.

    The statute pack and the search index cache live in data_dir; read-aloud audio in session_dir
    (wiped with the session).
    """
    data_dir.mkdir(parents=True, exist_ok=True)

    def speech_dir() -> Path:  # follows the current session when given a callable
        return (session_dir() if callable(session_dir) else session_dir) / "speech"

    read_aloud = ReadAloud(SpeechRenderer(speech_dir), runner)
    return ConsultViewModel(
        load_faq(),
        runner,
        read_aloud,
        kiosk=kiosk,
        pack_store=PackStore(data_dir, bundled=bundled_pack),
        cache_dir=cache_dir or data_dir / "cache",
        missed_log=MissedSearchLog(data_dir / MISSED_DB),
        share_base_url=share_base_url,
        parent=parent,
    )
