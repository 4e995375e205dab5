"""Start-up shared by the kiosk and the desk: Qt environment, fonts, translations, QML window, quitting."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, QTimer, QTranslator, QUrl
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow

from ui import main_thread_gc

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent
QML_DIR = UI_DIR / "qml"
TRANSLATIONS_DIR = UI_DIR / "i18n"  # .qm files built by tools/build_translations.sh from i18n/*.ts
TRANSLATION_PREFIX = "village"

FONT_FOR_LANGUAGE = {"zh_TW": "Noto Sans CJK TC", "zh_HK": "Noto Sans CJK HK"}
DEFAULT_FONT = "Noto Sans CJK SC"


def keyboard_locale(language: str) -> str:
    """The on-screen keyboard's locale for an app language (zh_CN: Pinyin, zh_TW: Zhuyin/Cangjie)."""
    return {"zh": "zh_CN", "en": "en_US"}.get(language, language)


def prepare_environment(*, virtual_keyboard: bool) -> None:
    """Set the Qt environment a process needs before its QGuiApplication exists."""
    if virtual_keyboard:
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
        # The kiosk puts the keyboard in its own scene; never a separate keyboard window.
        os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")
        # Under a Wayland kiosk compositor (cage) Qt would draw its own title bar with a close button.
        os.environ.setdefault("QT_WAYLAND_DISABLE_WINDOWDECORATION", "1")
    os.environ.setdefault("QT_QUICK_CONTROLS_STYLE", "Basic")
    # Two harmless notices from inside Qt's own modules (the keyboard's QML, multimedia's optional
    # PipeWire backend) that would otherwise greet every start as warnings.
    os.environ.setdefault(
        "QT_LOGGING_RULES", "qt.qml.propertyCache.append=false;qt.multimedia.symbolsresolver=false"
    )


def translation_file(language: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    """The .qm file for a language such as zh_CN, zh_TW or en (en_US falls back to en)."""
    exact = directory / f"{TRANSLATION_PREFIX}_{language}.qm"
    if exact.exists():
        return exact
    return directory / f"{TRANSLATION_PREFIX}_{language.split('_', maxsplit=1)[0]}.qm"


def install_translation(
    app: QGuiApplication, language: str, directory: Path = TRANSLATIONS_DIR
) -> QTranslator | None:
    """Load the language pack into the app (the Simplified Chinese source needs none); return it."""
    QLocale.setDefault(QLocale(language))
    path = translation_file(language, directory)
    translator = QTranslator(app)
    if path.exists() and translator.load(str(path)):
        app.installTranslator(translator)
        return translator
    if not language.startswith("zh_CN"):
        log.warning("no translation pack for %s at %s; showing Simplified Chinese", language, path)
    return None


def create_application(argv: list[str], *, name: str, language: str) -> QGuiApplication:
    """The QGuiApplication with the CJK font for `language` and its translations installed."""
    app = QGuiApplication(argv)
    app.setApplicationName(name)
    app.setOrganizationName("village-legal-kiosk")
    app.setQuitOnLastWindowClosed(False)  # quitting waits for the call to hang up (see run_until_closed)
    font = QFont(FONT_FOR_LANGUAGE.get(language, DEFAULT_FONT))
    font.setPixelSize(30)
    app.setFont(font)
    install_translation(app, language)
    main_thread_gc.install(app)  # Qt objects in reference cycles are destroyed on their own thread
    return app


def load_window(
    engine: QQmlApplicationEngine, qml_file: Path, properties: Mapping[str, object]
) -> QQuickWindow:
    """Load a root QML Window with its required properties; raise with QML's own errors if it fails."""
    engine.addImportPath(str(QML_DIR))
    engine.setInitialProperties(dict(properties))
    errors: list[str] = []
    engine.warnings.connect(lambda warnings: errors.extend(w.toString() for w in warnings))
    engine.load(QUrl.fromLocalFile(str(qml_file)))
    roots = engine.rootObjects()
    if not roots or not isinstance(roots[0], QQuickWindow):
        raise RuntimeError(f"could not load {qml_file.name}: {'; '.join(errors) or 'no window'}")
    return roots[0]


def show_kiosk_window(window: QQuickWindow, *, fullscreen: bool) -> None:
    """Show the kiosk filling the screen, in the way that works on the platform in use.

    Under Wayland (cage) `showFullScreen()` or a window of exactly the output's size showed black
    (DESIGN.md); a window one pixel smaller, shown plainly, is maximised by cage and shows it all.
    """
    if not fullscreen:
        window.show()
        return
    if QGuiApplication.platformName().startswith("wayland"):
        screen = window.screen().size()
        window.resize(screen.width() - 1, screen.height() - 1)
        window.show()
        return
    window.showFullScreen()


class QuitRequest(QObject):
    """One place to ask the app to quit: the window closing, SIGTERM/SIGINT, or automation."""

    def __init__(self, window: QQuickWindow) -> None:
        super().__init__(window)
        self._requested = asyncio.Event()
        window.visibleChanged.connect(self._on_visible)
        # Python runs signal handlers only between bytecodes: a slow timer lets them through.
        self._tick = QTimer(self)
        self._tick.start(250)
        self._tick.timeout.connect(lambda: None)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.request())

    def _on_visible(self, visible: bool) -> None:
        if not visible:
            self.request()

    async def wait(self) -> None:
        """Return once a quit was requested."""
        await self._requested.wait()

    def request(self) -> None:
        """Ask to quit; the app hangs up and releases devices first."""
        self._requested.set()


async def run_until_closed(
    window: QQuickWindow, quit_request: QuitRequest, cleanups: Sequence[Callable[[], Awaitable[None]]]
) -> None:
    """Wait until the window closes or a quit is requested, then run the clean-ups in order."""
    await quit_request.wait()
    window.hide()
    for cleanup in cleanups:
        try:
            await asyncio.wait_for(cleanup(), timeout=5)
        except Exception:  # a failing clean-up must not keep the app from quitting
            log.exception("clean-up failed while quitting")


def fail_start(message: str, code: int) -> None:
    """Print a start-up problem in plain words and exit with `code`."""
    print(message, file=sys.stderr)
    raise SystemExit(code)
