"""One villager's session on the shared terminal: a private scratch folder, wiped when they leave."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
PREFIX = "session-"


def _shred(path: Path) -> None:
    """Overwrite a file with zeros before unlinking it (best effort on flash storage)."""
    try:
        size = path.stat().st_size
        with path.open("r+b", buffering=0) as fh:
            fh.write(b"\0" * size)
            os.fsync(fh.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


class Session:
    """Holds the current session's folder and the wipers of in-memory state.

    Attributes:
        base: where session folders live (in the terminal's data dir, never shared).
        folder: this session's folder (keyboard learned words, photos, read-aloud audio, drafts).
        number: how many sessions this process has started.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self.base.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._wipers: list[Callable[[], None]] = []
        self.number = 0
        self.folder = self._new_folder()
        self.sweep_stale()

    def _new_folder(self) -> Path:
        self.number += 1
        folder = self.base / f"{PREFIX}{secrets.token_hex(8)}"
        folder.mkdir(mode=0o700)
        return folder

    def path(self, name: str) -> Path:
        """A file or folder name inside this session's folder."""
        return self.folder / name

    def on_end(self, wiper: Callable[[], None]) -> None:
        """Call `wiper` when the session ends (view-models clear forms, search, photos in memory)."""
        self._wipers.append(wiper)

    def end(self) -> Path:
        """Wipe everything of this person and start a clean session; returns the new folder."""
        for wiper in self._wipers:
            try:
                wiper()
            except Exception:  # one failing wiper must not keep the others from running
                log.exception("a session wiper failed")
        self._wipe_folder(self.folder)
        self.folder = self._new_folder()
        return self.folder

    def sweep_stale(self) -> int:
        """Remove folders left by a crash or power cut; returns how many were removed."""
        removed = 0
        for old in self.base.glob(f"{PREFIX}*"):
            if old != self.folder and old.is_dir():
                self._wipe_folder(old)
                removed += 1
        return removed

    @staticmethod
    def _wipe_folder(folder: Path) -> None:
        for item in sorted(folder.rglob("*"), reverse=True):
            if item.is_file() or item.is_symlink():
                _shred(item)
        shutil.rmtree(folder, ignore_errors=True)
