"""Switching the kiosk's language at run time: translation pack, font and QML texts together."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTranslator
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtQml import QQmlEngine

from ui.app import DEFAULT_FONT, FONT_FOR_LANGUAGE, TRANSLATIONS_DIR, install_translation

log = logging.getLogger(__name__)


class LanguageSwitcher:
    """Owns the installed QTranslator; `switch` swaps it and makes QML re-read every qsTr."""

    def __init__(
        self,
        app: QGuiApplication,
        default: str = "zh_CN",
        directory: Path = TRANSLATIONS_DIR,
        translator: QTranslator | None = None,
    ) -> None:
        self.app = app
        self.default = default
        self.current = default
        self.directory = directory
        self._translator = translator
        self._engines: list[QQmlEngine] = []

    def attach(self, engine: QQmlEngine) -> None:
        """Retranslate this engine's QML on every switch."""
        self._engines.append(engine)

    def switch(self, language: str) -> bool:
        """Show `language` from now on; False when it was already shown."""
        if language == self.current:
            return False
        if self._translator is not None:
            self.app.removeTranslator(self._translator)
            self._translator = None
        self._translator = install_translation(self.app, language, self.directory)
        font = QFont(self.app.font())
        font.setFamily(FONT_FOR_LANGUAGE.get(language, DEFAULT_FONT))
        self.app.setFont(font)
        self.current = language
        for engine in self._engines:
            engine.retranslate()
        log.info("language switched to %s", language)
        return True
