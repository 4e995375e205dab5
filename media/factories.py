"""Where a call's local tracks and remote-audio playout come from: the devices, or synthetic sources."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiortc import MediaStreamTrack

from config.settings import AudioSettings, CameraSettings
from media.audio import AudioSink, MeasuringAudioSink, open_microphone, open_speaker, voice_processor
from media.camera import open_camera
from media.echo import VoiceProcessor
from media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack

DeviceLostCallback = Callable[[str], None]  # called on the loop with a plain-Chinese message
TrackFactory = Callable[[DeviceLostCallback], Awaitable[MediaStreamTrack]]
SinkFactory = Callable[[DeviceLostCallback], Awaitable[AudioSink]]


@dataclass
class MediaFactories:
    """How a flow opens its camera and microphone tracks and its remote-audio playout for each call.

    Each factory receives the flow's device-lost callback and may raise MediaDeviceError.
    """

    video: TrackFactory
    audio: TrackFactory
    audio_sink: SinkFactory


def device_media(camera: CameraSettings, audio: AudioSettings) -> MediaFactories:
    """Factories honouring the settings' MediaSource (auto: the device if it opens, else synthetic)."""

    async def video(lost: DeviceLostCallback) -> MediaStreamTrack:
        return await open_camera(camera, lost)

    voice: list[VoiceProcessor | None] = [None]  # one per call: the mic's, told what the speaker plays

    async def mic(lost: DeviceLostCallback) -> MediaStreamTrack:
        voice[0] = voice_processor(audio)
        return await open_microphone(audio, lost, voice[0])

    async def speaker(lost: DeviceLostCallback) -> AudioSink:
        return await open_speaker(audio, lost, voice[0])

    return MediaFactories(video=video, audio=mic, audio_sink=speaker)


def synthetic_media(
    width: int = 640, height: int = 480, fps: int = 30, tone_hz: float = 440.0
) -> MediaFactories:
    """Factories for the stamped moving pattern, a tone, and a measuring (silent) audio sink."""

    async def video(lost: DeviceLostCallback) -> MediaStreamTrack:
        return SyntheticVideoTrack(width, height, fps)

    async def mic(lost: DeviceLostCallback) -> MediaStreamTrack:
        return SyntheticAudioTrack(tone_hz)

    async def sink(lost: DeviceLostCallback) -> AudioSink:
        return MeasuringAudioSink()

    return MediaFactories(video=video, audio=mic, audio_sink=sink)
