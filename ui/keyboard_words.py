"""The Pinyin keyboard's learned words: the file it keeps outside userDataPath, and its shredding.

Qt Virtual Keyboard's Pinyin plugin ignores VirtualKeyboardSettings.userDataPath: it learns phrases
in memory and writes them to ConfigLocation/qtvirtualkeyboard/pinyin/usr_dict.dat (~/.config on
Linux) only when it closes its user dictionary. It closes it when a field with Qt.ImhSensitiveData
gets focus and reopens it (from the file, or empty once the file is gone) when an ordinary field
does. At the session wipe Main.qml focuses a hidden sensitive field, has the file shredded, then
focuses a hidden ordinary one (tests/test_access_keyboard_words.py checks each step).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

PINYIN_USER_DICT = Path("qtvirtualkeyboard") / "pinyin" / "usr_dict.dat"


def pinyin_user_dictionary() -> Path:
    """Where the Pinyin plugin keeps learned words (the path it computes each time it opens them)."""
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.ConfigLocation)
    return Path(config) / PINYIN_USER_DICT


def shred(path: Path) -> bool:
    """Overwrite a file with zeros, then unlink it; True if there was one."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    try:
        with path.open("r+b", buffering=0) as fh:
            fh.write(b"\0" * size)
            os.fsync(fh.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)
    return True
