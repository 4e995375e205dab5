"""Microphone and speaker through sounddevice on a private PulseAudio with a null sink (no sound card)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import AudioSettings, MediaSource
from media.audio import (
    MIC_LOST,
    MIC_MISSING,
    MeasuringAudioSink,
    MicrophoneTrack,
    SpeakerPlayer,
    open_microphone,
    open_speaker,
)
from media.errors import MediaDeviceError
from media.synthetic import SyntheticAudioTrack
from tests.media_fixtures import PulseServer, run_pulseaudio

WAIT_S = 20.0


@pytest.fixture
def pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseServer]:
    with run_pulseaudio(tmp_path, monkeypatch) as server:
        yield server


@pytest.fixture
def no_sound_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """PortAudio restarted while PULSE_SERVER points nowhere, as on a terminal whose sound server died."""
    from tests.media_fixtures import _reinitialise_portaudio

    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'nothing-here'}")
    import sounddevice  # noqa: F401 - loaded now so the restart below applies to it

    _reinitialise_portaudio()
    yield


async def test_tone_played_to_the_speaker_is_heard_by_the_microphone(pulse: PulseServer) -> None:
    """Speaker playout into the null sink, mic on its monitor: the 440 Hz tone goes round at full level."""
    lost: list[str] = []
    speaker = SpeakerPlayer(on_device_lost=lost.append)
    mic = MicrophoneTrack(on_device_lost=lost.append)
    meter = MeasuringAudioSink()
    tone = SyntheticAudioTrack(freq_hz=440)
    try:
        speaker.start(tone)
        meter.start(mic)
        async with asyncio.timeout(WAIT_S):
            while meter.stats()["audio_rms_dbfs"] < -30:  # noqa: ASYNC110 - level has no event
                await asyncio.sleep(0.05)
            while meter.stats()["audio_frames"] < 25:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        heard = meter.stats()
        assert heard["audio_dominant_hz"] == pytest.approx(440, abs=10)
        assert heard["audio_rms_dbfs"] > -20
        assert speaker.stats()["audio_dominant_hz"] == pytest.approx(440, abs=10)
        assert lost == []
    finally:
        await meter.stop()
        await speaker.stop()
        mic.stop()
        tone.stop()


async def test_losing_the_sound_server_mid_call_fires_device_lost_and_the_mic_sends_silence(
    pulse: PulseServer,
) -> None:
    lost = asyncio.Queue[str]()
    mic = MicrophoneTrack(on_device_lost=lost.put_nowait)
    try:
        await mic.recv()
        pulse.kill()
        async with asyncio.timeout(WAIT_S):
            assert await lost.get() == MIC_LOST
        frame = await mic.recv()  # the track goes on with silence rather than ending the call
        assert not frame.to_ndarray().any()
        assert mic.device_lost
    finally:
        mic.stop()


async def test_device_mode_without_a_sound_server_says_so_plainly(no_sound_server: None) -> None:
    with pytest.raises(MediaDeviceError) as raised:
        await open_microphone(AudioSettings(source=MediaSource.DEVICE))
    assert raised.value.user_message == MIC_MISSING
    with pytest.raises(MediaDeviceError):
        await open_speaker(AudioSettings(source=MediaSource.DEVICE))


async def test_auto_mode_without_a_sound_server_falls_back_to_synthetic(no_sound_server: None) -> None:
    mic = await open_microphone(AudioSettings(source=MediaSource.AUTO))
    sink = await open_speaker(AudioSettings(source=MediaSource.AUTO))
    try:
        assert isinstance(mic, SyntheticAudioTrack)
        assert isinstance(sink, MeasuringAudioSink)
    finally:
        mic.stop()
