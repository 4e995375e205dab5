"""朗读: the screen's words rendered by espeak-ng into the session folder and played to the speaker."""

from __future__ import annotations

import asyncio
import logging
import wave
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from ui.speech import VOICE_FOR_LANGUAGE, SpeechRenderer, SpeechUnavailableError, Voice

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def play_wav(path: Path) -> None:
    """Play a WAV file on the default output and wait until it has been played (worker thread)."""
    import numpy as np
    import sounddevice as sd

    with wave.open(str(path), "rb") as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    sd.play(samples.reshape(-1, channels), rate)
    sd.wait()


class ReadAloud(QObject):
    """Renders and plays one text at a time; the audio files live in the session folder.

    Signals:
        finished(message): reading ended; message is "" or a plain sentence about why nothing was heard.
    """

    finished = Signal(str)

    def __init__(self, folder: Callable[[], Path], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder  # the current session's speech folder (it changes with each session)
        self.speaking = False

    async def read(self, text: str, language: str) -> None:
        """Read `text` in the voice for `language`; reports through `finished`."""
        renderer = SpeechRenderer(self._folder())
        self.speaking = True
        message = ""
        try:
            wav = await renderer.render(text, VOICE_FOR_LANGUAGE.get(language, Voice.MANDARIN))
            await asyncio.to_thread(play_wav, wav)
        except SpeechUnavailableError as exc:
            message = str(exc)
        except Exception as exc:  # PortAudioError and friends: no speaker or no sound server
            log.warning("read-aloud could not play: %s", type(exc).__name__)
            message = translate("access", "朗读没有声音：喇叭没有接好，请告诉工作人员。")
        finally:
            self.speaking = False
        self.finished.emit(message)

    def stop(self) -> None:
        """Stop playing at once."""
        if not self.speaking:
            return
        try:
            import sounddevice as sd

            sd.stop()
        except Exception:  # nothing was playing on a device
            log.debug("nothing to stop")
