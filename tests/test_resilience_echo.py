"""Echo cancellation in the terminal's real microphone path (private PulseAudio, speaker looped to mic)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import AudioSettings, CameraSettings, MediaSource
from media.audio import MeasuringAudioSink, voice_processor
from media.factories import device_media
from media.synthetic import SyntheticAudioTrack
from tests.media_fixtures import PulseServer, run_pulseaudio

WAIT_S = 30.0
CONVERGED_FRAMES = 300  # 6 s of 20 ms microphone frames: AEC3 has found the echo path by then


@pytest.fixture
def pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseServer]:
    with run_pulseaudio(tmp_path, monkeypatch) as server:
        yield server


async def _mic_level_while_the_lawyer_speaks(settings: AudioSettings) -> float:
    """Play the far end on the speaker (heard by the mic), return the mic's level once converged."""
    media = device_media(CameraSettings(source=MediaSource.SYNTHETIC), settings)
    lost: list[str] = []
    mic = await media.audio(lost.append)  # opened first, as a call does: the speaker shares its processor
    speaker = await media.audio_sink(lost.append)
    far_end = SyntheticAudioTrack(freq_hz=440)
    meter = MeasuringAudioSink()
    try:
        speaker.start(far_end)
        meter.start(mic)
        async with asyncio.timeout(WAIT_S):
            while meter.stats()["audio_frames"] < CONVERGED_FRAMES:  # noqa: ASYNC110 - frames have no event
                await asyncio.sleep(0.05)
        assert lost == []
        return float(meter.stats()["audio_rms_dbfs"])
    finally:
        await meter.stop()
        await speaker.stop()
        mic.stop()
        far_end.stop()


async def test_the_lawyers_voice_from_the_speaker_is_taken_out_of_the_microphone(pulse: PulseServer) -> None:
    plain = AudioSettings(
        source=MediaSource.DEVICE, echo_cancellation=False, noise_suppression=False, gain_control=False
    )
    cancelled = AudioSettings(
        source=MediaSource.DEVICE, echo_cancellation=True, noise_suppression=False, gain_control=False
    )
    without = await _mic_level_while_the_lawyer_speaks(plain)
    with_aec = await _mic_level_while_the_lawyer_speaks(cancelled)
    assert without > -25  # without AEC the lawyer hears himself at full level
    assert without - with_aec > 20, (without, with_aec)  # with AEC (on by default) far quieter


def test_processing_is_on_by_default_and_can_be_switched_off() -> None:
    defaults = voice_processor(AudioSettings())
    assert defaults is not None
    assert defaults.settings.echo_cancellation and defaults.settings.noise_suppression
    assert defaults.settings.gain_control
    off = AudioSettings(echo_cancellation=False, noise_suppression=False, gain_control=False)
    assert voice_processor(off) is None
