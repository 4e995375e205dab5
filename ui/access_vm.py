"""Elder mode, languages, read-aloud, idle wipe and the access screens (help, attract, 暂停服务)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Property, QCoreApplication, QEvent, QObject, QTimer, Signal, Slot

from ui.background import BackgroundRunner
from ui.keyboard_words import pinyin_user_dictionary, shred
from ui.language import LanguageSwitcher
from ui.read_aloud import ReadAloud

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

ELDER_TEXT_SCALE = 1.3  # the largest text size; every kiosk screen is tested at it
LANGUAGES = ("zh_CN", "zh_TW", "en")
OUT_OF_SERVICE_S = 8  # the 暂停服务 screen shows this long, then the UI starts again
CALL_SCREENS = frozenset({"connecting", "call"})  # no idle question while a call is on


class SessionLike(Protocol):
    """What this view-model needs of kiosk.session.Session (ui never imports the apps)."""

    number: int

    def path(self, name: str) -> Path:
        """A name inside the session folder."""

    def on_end(self, wiper: Callable[[], None]) -> None:
        """Register a wiper."""

    def end(self) -> Path:
        """Wipe and start a new session."""


class IdleLike(Protocol):
    """What this view-model needs of kiosk.idle.IdleWatch (states by their values)."""

    state: Any
    held: bool

    def touch(self, now: float) -> None:
        """A tap."""

    def hold(self, held: bool, now: float) -> None:
        """Hold during calls and read-aloud."""

    def tick(self, now: float) -> Any:
        """Advance with the clock."""

    def seconds_left(self, now: float) -> int:
        """The countdown."""


ACTIVE, ASKING, EXPIRED = "active", "asking", "expired"  # kiosk.idle.IdleState values


class AccessScreen(StrEnum):
    """A screen of this module shown over the kiosk's own ("" = the kiosk's screen shows)."""

    NONE = ""
    ATTRACT = "attract"  # 请点击屏幕开始, after a session ended
    HELP = "help"
    STAFF_PIN = "staff_pin"
    STAFF_MENU = "staff_menu"
    STAFF_MATTERS = "staff_matters"
    SELFTEST = "selftest"
    OUT_OF_SERVICE = "out_of_service"  # 暂停服务 after an unexpected failure


_ANYWHERE = frozenset({AccessScreen.ATTRACT, AccessScreen.OUT_OF_SERVICE})
ACCESS_TRANSITIONS: dict[AccessScreen, frozenset[AccessScreen]] = {
    AccessScreen.NONE: frozenset(
        {AccessScreen.HELP, AccessScreen.STAFF_PIN, AccessScreen.STAFF_MENU, AccessScreen.SELFTEST}
    )
    | _ANYWHERE,
    AccessScreen.ATTRACT: frozenset({AccessScreen.NONE, AccessScreen.SELFTEST}) | _ANYWHERE,
    AccessScreen.HELP: frozenset({AccessScreen.NONE, AccessScreen.STAFF_PIN, AccessScreen.STAFF_MENU})
    | _ANYWHERE,
    AccessScreen.STAFF_PIN: frozenset({AccessScreen.NONE, AccessScreen.STAFF_MENU}) | _ANYWHERE,
    AccessScreen.STAFF_MENU: frozenset({AccessScreen.NONE, AccessScreen.SELFTEST, AccessScreen.STAFF_MATTERS})
    | _ANYWHERE,
    AccessScreen.STAFF_MATTERS: frozenset({AccessScreen.STAFF_MENU, AccessScreen.NONE}) | _ANYWHERE,
    AccessScreen.SELFTEST: frozenset({AccessScreen.NONE, AccessScreen.STAFF_MENU}) | _ANYWHERE,
    AccessScreen.OUT_OF_SERVICE: frozenset({AccessScreen.NONE, AccessScreen.OUT_OF_SERVICE}),
}


class ActivityFilter(QObject):
    """Counts every tap or key on the window as the person still being there."""

    def __init__(self, on_activity: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_activity = on_activity

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Pass every event on; note finished taps and keys.

        The end of a tap, not its start: were the idle question closed on the press, the release
        would land on whatever lies beneath it and start that.
        """
        if event.type() in (
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.TouchEnd,
            QEvent.Type.KeyPress,
        ):
            self._on_activity()
        return False


class AccessViewModel(QObject):
    """What the corner bar, the idle question and the access screens show; slots are taps.

    Signals:
        changed: a displayed property changed.
        sessionEnded: the session was wiped; QML reloads its screens and the keyboard's data path.
        languageSwitched: the language changed (QML moves the keyboard to it).
    """

    changed = Signal()
    sessionEnded = Signal()
    languageSwitched = Signal()

    def __init__(
        self,
        session: SessionLike,
        runner: BackgroundRunner,
        idle: IdleLike,
        *,
        languages: LanguageSwitcher | None = None,
        read_aloud: ReadAloud | None = None,
        kiosk_vm: Any = None,
        tick_ms: int = 1000,
        read_on_arrival: bool = False,
        hotline: str = "12348",
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._runner = runner
        self._languages = languages
        self._read_aloud = read_aloud or ReadAloud(lambda: session.path("speech"))
        self._read_aloud.finished.connect(self._on_reading_finished)
        self._kiosk_vm = kiosk_vm
        self._clock = clock
        self._hotline = hotline
        self._default_read_on_arrival = read_on_arrival
        self._read_on_arrival = read_on_arrival
        self._elder = False
        self._screen = AccessScreen.NONE
        self._notice = ""
        self._restart_left = 0
        self.idle = idle
        idle.touch(clock())
        self._keyboard_path = self._keyboard_dir()
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self._restart = QTimer(self)
        self._restart.setInterval(1000)
        self._restart.timeout.connect(self._on_restart_tick)
        self._filters: list[ActivityFilter] = []
        session.on_end(self._wipe_own_state)
        if kiosk_vm is not None:
            kiosk_vm.changed.connect(self._follow_kiosk)
            kiosk_vm.tileOpened.connect(self._on_tile)

    # --- screens -----------------------------------------------------------------------------------
    def show(self, screen: AccessScreen) -> None:
        """Move to another access screen (checked against ACCESS_TRANSITIONS)."""
        if screen is self._screen:
            return
        if screen not in ACCESS_TRANSITIONS[self._screen]:
            raise ValueError(f"access screen cannot go from {self._screen!r} to {screen!r}")
        self._screen = screen
        self.changed.emit()

    @property
    def access_screen(self) -> AccessScreen:
        """The access screen showing now (NONE: the kiosk's own)."""
        return self._screen

    def _on_tile(self, tile: str) -> None:
        if tile == "help":
            self.showHelp()

    def _follow_kiosk(self) -> None:
        held = str(self._kiosk_vm.screen) in CALL_SCREENS or self._read_aloud.speaking
        if held != self.idle.held:
            self.idle.hold(held, self._clock())
            self.changed.emit()

    # --- idle and the session wipe -------------------------------------------------------------
    def watch_window(self, window: QObject) -> None:
        """Count presses and keys on this window as activity."""
        activity = ActivityFilter(self.touch, self)
        window.installEventFilter(activity)
        self._filters.append(activity)

    @Slot()
    def touch(self) -> None:
        """Someone touched the screen (also 还要用 in the idle question)."""
        was = str(self.idle.state)
        self.idle.touch(self._clock())
        if was != ACTIVE:
            self.changed.emit()

    def _on_tick(self) -> None:
        if self._screen in (AccessScreen.ATTRACT, AccessScreen.OUT_OF_SERVICE):
            return
        was = str(self.idle.state)
        now = str(self.idle.tick(self._clock()))
        if now == EXPIRED and was != EXPIRED:
            self.end_session()
            self.show(AccessScreen.ATTRACT)
        elif ASKING in (now, was):
            self.changed.emit()  # the countdown moved

    @Slot()
    def endNow(self) -> None:
        """不用了 in the idle question: end the session at once."""
        self.end_session()
        self.show(AccessScreen.ATTRACT)

    @Slot()
    def start(self) -> None:
        """The attract screen was tapped: a new person starts on the home screen."""
        self.idle.touch(self._clock())
        self.show(AccessScreen.NONE)

    def end_session(self) -> None:
        """Wipe everything of this person: files, view-model state, QML fields, learned words."""
        self._read_aloud.stop()
        self.session.end()  # runs every registered wiper, then shreds the session folder
        self._keyboard_path = self._keyboard_dir()
        self.idle.touch(self._clock())  # the attract screen stops the clock until the next person
        self.sessionEnded.emit()
        self.changed.emit()

    @Slot()
    def forgetKeyboardWords(self) -> None:
        """Shred the Pinyin plugin's learned words (Main.qml has just made it write and close them)."""
        if shred(pinyin_user_dictionary()):
            log.info("keyboard learned words shredded")

    def _keyboard_dir(self) -> str:
        folder = self.session.path("keyboard")
        folder.mkdir(exist_ok=True)
        return str(folder)

    def _wipe_own_state(self) -> None:
        self._elder = False
        self._read_on_arrival = self._default_read_on_arrival
        self._notice = ""
        if self._kiosk_vm is not None:
            self._kiosk_vm.dismissNotice()
            self._kiosk_vm.goHome()
        if self._languages is not None and self._languages.current != self._languages.default:
            self._languages.switch(self._languages.default)
            self.languageSwitched.emit()

    def stop(self) -> None:
        """Stop the idle clock and the restart countdown (the window is closing)."""
        self._tick.stop()
        self._restart.stop()
        self._read_aloud.stop()

    # --- elder mode, language, read-aloud ------------------------------------------------------
    @Slot()
    def toggleElderMode(self) -> None:
        """大字: larger text and buttons, high contrast; tap again for normal."""
        self._elder = not self._elder
        self.changed.emit()

    @Slot(bool)
    def setElderMode(self, on: bool) -> None:
        """Elder mode on or off."""
        if on != self._elder:
            self.toggleElderMode()

    @Slot(str)
    def setLanguage(self, language: str) -> None:
        """简体 / 繁體 / English: swap the translation and the keyboard at once."""
        if self._languages is None or language not in LANGUAGES:
            return
        if self._languages.switch(language):
            self.languageSwitched.emit()
            self.changed.emit()

    @Slot()
    def toggleReadOnArrival(self) -> None:
        """进入页面自动朗读 on or off."""
        self._read_on_arrival = not self._read_on_arrival
        self.changed.emit()

    @Slot(str)
    def readAloud(self, text: str) -> None:
        """朗读: read the screen's words aloud (tap again to stop)."""
        if self._read_aloud.speaking:
            self._read_aloud.stop()
            return
        language = self._languages.current if self._languages is not None else "zh_CN"
        self._notice = ""
        self.idle.hold(True, self._clock())
        self._runner.run(
            self._read_aloud.read(text, language),
            name="read-aloud",
            on_failure=self._on_reading_failed,
        )
        self.changed.emit()

    def _on_reading_finished(self, message: str) -> None:
        self._notice = message
        self._follow_kiosk_or_release()
        self.changed.emit()

    def _on_reading_failed(self, message: str) -> None:
        self._on_reading_finished(translate("access", "朗读功能暂时不能用。"))

    def _follow_kiosk_or_release(self) -> None:
        in_call = self._kiosk_vm is not None and str(self._kiosk_vm.screen) in CALL_SCREENS
        self.idle.hold(in_call, self._clock())

    @Slot()
    def dismissNotice(self) -> None:
        """Close the corner bar's short message."""
        self._notice = ""
        self.changed.emit()

    # --- help, staff entry, 暂停服务 -------------------------------------------------------------
    @Slot()
    def showHelp(self) -> None:
        """使用帮助."""
        self.show(AccessScreen.HELP)

    @Slot()
    def close(self) -> None:
        """返回 from an access screen to the kiosk's own."""
        self.show(AccessScreen.NONE)

    def out_of_service(self) -> None:
        """An unexpected failure: show 暂停服务, then start the UI again."""
        self._read_aloud.stop()
        self._screen = AccessScreen.OUT_OF_SERVICE
        self._restart_left = OUT_OF_SERVICE_S
        self._restart.start()
        self.changed.emit()

    def _on_restart_tick(self) -> None:
        self._restart_left -= 1
        if self._restart_left <= 0:
            self.restartUi()
        else:
            self.changed.emit()

    @Slot()
    def restartUi(self) -> None:
        """Start the UI again after 暂停服务: a clean session on the home screen."""
        self._restart.stop()
        self._restart_left = 0
        self.end_session()
        self.show(AccessScreen.NONE)

    # --- properties --------------------------------------------------------------------------------
    def _get_screen(self) -> str:
        return self._screen.value

    def _get_elder(self) -> bool:
        return self._elder

    def _get_scale(self) -> float:
        return ELDER_TEXT_SCALE if self._elder else 1.0

    def _get_language(self) -> str:
        return self._languages.current if self._languages is not None else "zh_CN"

    def _get_keyboard_locale(self) -> str:
        return {"zh_CN": "zh_CN", "zh_TW": "zh_TW", "en": "en_US"}.get(self._get_language(), "zh_CN")

    def _get_asking(self) -> bool:
        return str(self.idle.state) == ASKING and self._screen is not AccessScreen.ATTRACT

    def _get_seconds_left(self) -> int:
        return self.idle.seconds_left(self._clock())

    def _get_speaking(self) -> bool:
        return self._read_aloud.speaking

    def _get_read_on_arrival(self) -> bool:
        return self._read_on_arrival

    def _get_notice(self) -> str:
        return self._notice

    def _get_keyboard_path(self) -> str:
        return self._keyboard_path

    def _get_restart_seconds(self) -> int:
        return self._restart_left

    def _get_hotline(self) -> str:
        return self._hotline

    def _get_session_number(self) -> int:
        return self.session.number

    screen = Property(str, _get_screen, notify=changed)
    elderMode = Property(bool, _get_elder, notify=changed)
    textScale = Property(float, _get_scale, notify=changed)
    language = Property(str, _get_language, notify=changed)
    keyboardLocale = Property(str, _get_keyboard_locale, notify=changed)
    asking = Property(bool, _get_asking, notify=changed)
    secondsLeft = Property(int, _get_seconds_left, notify=changed)
    speaking = Property(bool, _get_speaking, notify=changed)
    readOnArrival = Property(bool, _get_read_on_arrival, notify=changed)
    notice = Property(str, _get_notice, notify=changed)
    keyboardDataPath = Property(str, _get_keyboard_path, notify=changed)
    restartSeconds = Property(int, _get_restart_seconds, notify=changed)
    hotline = Property(str, _get_hotline, constant=True)
    sessionNumber = Property(int, _get_session_number, notify=changed)
