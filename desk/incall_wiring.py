"""The lawyer's in-call help panel with the bundled FAQ, forms and statute pack (index cached per user)."""

from __future__ import annotations

import os
from pathlib import Path

from content.faq import load_faq
from content.forms import load_all_forms
from content.pack import BUNDLED_PACK, open_pack
from content.search import Progress, SearchEngine
from media.flows import DeskFlow
from ui.background import BackgroundRunner
from ui.desk_help_vm import DeskHelpViewModel


def index_cache_dir() -> Path:
    """Where the desk keeps its statute search index: $XDG_CACHE_HOME/village-legal-kiosk/desk."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "village-legal-kiosk" / "desk"


def build_desk_help(flow: DeskFlow, runner: BackgroundRunner, pack: Path = BUNDLED_PACK) -> DeskHelpViewModel:
    """The panel's view-model; its statute search builds (or loads) in a thread once the loop runs."""
    faq = load_faq()

    def engine(progress: Progress) -> SearchEngine:
        cache = index_cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        return SearchEngine.from_pack(open_pack(pack), faq, cache_dir=cache, progress=progress)

    return DeskHelpViewModel(flow, runner, load_all_forms(), faq, engine_factory=engine)
