"""The self-test's live microphone level from a real (private) sound server, and the stand-in."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from config.settings import AudioSettings, MediaSource
from media.errors import MediaDeviceError
from media.level_meter import DeviceLevelMonitor, SyntheticLevelMonitor, open_level_monitor
from tests.media_fixtures import PulseServer, run_pulseaudio


@pytest.fixture
def pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseServer]:
    with run_pulseaudio(tmp_path, monkeypatch) as server:
        yield server


class Levels:
    """Levels as the monitor reports them, from its own thread."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.lock = threading.Lock()

    def __call__(self, rms: float) -> None:
        with self.lock:
            self.values.append(rms)

    def wait_for(self, condition: Callable[[list[float]], bool], timeout_s: float = 10.0) -> list[float]:
        """Wait until the latest levels satisfy `condition` (a callable on the list)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                values = list(self.values)
            if values and condition(values):
                return values
            time.sleep(0.05)
        raise TimeoutError(f"levels so far: {self.values[-10:]}")


def test_the_meter_hears_a_tone_on_the_sound_servers_microphone_then_silence(pulse: PulseServer):
    import sounddevice as sd

    levels = Levels()
    # The private server's default microphone is the monitor of its speaker: play a tone into it.
    t = np.arange(48000 * 30) / 48000
    tone = (np.sin(2 * np.pi * 440 * t) * 0.3 * 32767).astype(np.int16)
    monitor = open_level_monitor(AudioSettings(source=MediaSource.AUTO), levels)
    assert isinstance(monitor, DeviceLevelMonitor)
    try:
        sd.play(tone, 48000)
        loud = levels.wait_for(lambda v: v[-1] > 3000)
        sd.stop()
        levels.wait_for(lambda v: len(v) > len(loud) + 3 and v[-1] < 100)
    finally:
        sd.stop()
        monitor.stop()


def test_no_microphone_is_an_error_not_a_synthetic_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from tests.media_fixtures import _reinitialise_portaudio

    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'nothing-here'}")
    import sounddevice  # noqa: F401 - loaded now so the restart below applies to it

    _reinitialise_portaudio()
    with pytest.raises(MediaDeviceError):
        open_level_monitor(AudioSettings(source=MediaSource.AUTO), Levels())


def test_the_stand_in_hears_its_tone_then_silence():
    levels = Levels()
    monitor = open_level_monitor(AudioSettings(source=MediaSource.SYNTHETIC), levels)
    assert isinstance(monitor, SyntheticLevelMonitor)
    try:
        levels.wait_for(lambda v: len(v) >= 3 and v[-1] > 6000)  # a 0.3 full-scale sine: RMS about 6,950
        monitor.silent = True
        levels.wait_for(lambda v: v[-1] == 0.0)
    finally:
        monitor.stop()
