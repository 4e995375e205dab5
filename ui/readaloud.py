"""朗读 on the consult screens: espeak-ng renders the text (ui/speech.py), Qt Multimedia plays it."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Q_ARG, Property, QCoreApplication, QMetaObject, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

from ui.background import BackgroundRunner
from ui.speech import SpeechRenderer, SpeechUnavailableError, Voice

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class ReadAloud(QObject):
    """Reads a text aloud, can stop and read again; says plainly when it cannot.

    Signals:
        changed: speaking, preparing or message changed.
        rendered: the text was rendered to a WAV (its path), before playing.
        playbackStarted: the player began playing a rendered WAV (its path).
    """

    changed = Signal()
    rendered = Signal(str)
    playbackStarted = Signal(str)

    def __init__(
        self,
        renderer: SpeechRenderer,
        runner: BackgroundRunner,
        voice: Voice = Voice.MANDARIN,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self._runner = runner
        self._voice = voice
        self._preparing = False
        self._message = ""
        self._request = 0
        self.last_wav: Path | None = None
        self._audio = QAudioOutput(self)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._audio)
        self._player.playbackStateChanged.connect(self._on_playback)
        self._player.errorOccurred.connect(self._on_error)

    def _speaking(self) -> bool:
        return self._preparing or self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def _message_text(self) -> str:
        return self._message

    speaking = Property(bool, _speaking, notify=changed)
    message = Property(str, _message_text, notify=changed)

    @Slot(str)
    def speak(self, text: str) -> None:
        """Render text to speech and play it from the start (replaces anything playing)."""
        self.stop()
        self._request += 1
        request = self._request
        self._preparing = True
        self._message = ""
        self.changed.emit()
        self._runner.run(
            self._render(text),
            name="read-aloud",
            on_success=lambda result: self._rendered(request, result),
            on_failure=lambda message: self._failed(request, message),
        )

    async def _render(self, text: str) -> Path | str:
        """The WAV path, or the plain sentence saying why there is none."""
        try:
            return await self._renderer.render(text, self._voice)
        except SpeechUnavailableError as exc:
            return str(exc)

    @Slot()
    def stop(self) -> None:
        """停止: stop playing (and forget a rendering still under way)."""
        self._request += 1
        self._preparing = False
        self._player_call("stop")
        self.changed.emit()

    @Slot()
    def clear(self) -> None:
        """Stop and drop any message (when the screen changes)."""
        self.stop()
        self._message = ""
        self.changed.emit()

    def _rendered(self, request: int, result: Path | str) -> None:
        if isinstance(result, str):
            self._failed(request, result)
        else:
            self._play(request, result)

    def _play(self, request: int, path: Path) -> None:
        if request != self._request:
            return
        self._preparing = False
        self.last_wav = Path(path)
        self.rendered.emit(str(path))
        if not QMediaDevices.audioOutputs():  # no speaker: say so instead of playing into nothing
            self._message = translate("ReadAloud", "这台终端没有找到喇叭，暂时不能朗读。请找工作人员。")
            self.changed.emit()
            return
        self._player_call("setSource", QUrl.fromLocalFile(str(path)))
        self._player_call("play")
        self.playbackStarted.emit(str(path))
        self.changed.emit()

    def _failed(self, request: int, message: str) -> None:
        if request != self._request:
            return
        self._preparing = False
        self._message = message
        self.changed.emit()

    def _player_call(self, slot: str, *args: QUrl) -> None:
        """Call a player slot from Qt's event loop, not from Python.

        The FFmpeg backend's stop()/play() wait for its audio thread; if that thread is logging through
        a Python message handler (tests, the app's log bridge) it needs the GIL this thread would hold.
        Queued, the call runs from the event loop with the GIL released.
        """
        arguments = [Q_ARG(QUrl, arg) for arg in args]
        QMetaObject.invokeMethod(self._player, slot, Qt.ConnectionType.QueuedConnection, *arguments)

    def _on_playback(self, _state: QMediaPlayer.PlaybackState) -> None:
        self.changed.emit()

    def _on_error(self, _error: QMediaPlayer.Error, detail: str) -> None:
        log.warning("read-aloud playback failed: %s", detail)
        self._message = translate("ReadAloud", "声音放不出来，请找工作人员检查喇叭。")
        self.changed.emit()
