"""One call's media: an aiortc RTCPeerConnection with VP8, local tracks, remote frames, audio and stats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import time
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError

from media.audio import AudioSink, MeasuringAudioSink
from media.bandwidth import (
    LOW_BITRATE,
    AdaptiveVideoTrack,
    KeptTrack,
    LinkMeter,
    LinkSample,
    ModeLadder,
    QualityLog,
    cap_encoder_bitrate,
    restart_video_reception,
    tolerate_audio_loss,
    use_speech_bitrate,
)
from media.errors import InvalidTransition, NoRelayCandidates
from media.synthetic import monotonic_ms, read_stamp
from protocol.messages import LinkMode

log = logging.getLogger(__name__)

FrameListener = Callable[[av.VideoFrame], None]
AudioTap = Callable[[bool, av.AudioFrame], None]  # (remote?, frame)

TURN_NO_RELAY = "视频通话的中转服务器连不上，请联系管理员检查中转服务器的设置。"
_STALL_AFTER_S = 4.0  # no remote frame for this long while flowing = stalled (aiortc notices after ~30 s)
_STATS_INTERVAL_S = 1.0
_KEYFRAME_AFTER_S = 1.5  # video packets arriving without a decoded picture this long: ask for a keyframe


class MediaState(StrEnum):
    """Where a call's media connection stands."""

    NEW = "new"
    GATHERING = "gathering"  # creating the local description, gathering candidates
    NEGOTIATING = "negotiating"  # local description ready; waiting for the other side / ICE + DTLS
    CONNECTED = "connected"  # ICE and DTLS are up
    FLOWING = "flowing"  # remote video frames are arriving
    STALLED = "stalled"  # frames stopped arriving for a few seconds
    FAILED = "failed"
    CLOSED = "closed"


MEDIA_TRANSITIONS: dict[MediaState, frozenset[MediaState]] = {
    MediaState.NEW: frozenset({MediaState.GATHERING, MediaState.FAILED, MediaState.CLOSED}),
    MediaState.GATHERING: frozenset({MediaState.NEGOTIATING, MediaState.FAILED, MediaState.CLOSED}),
    MediaState.NEGOTIATING: frozenset(
        {MediaState.CONNECTED, MediaState.FLOWING, MediaState.FAILED, MediaState.CLOSED}
    ),
    MediaState.CONNECTED: frozenset({MediaState.FLOWING, MediaState.FAILED, MediaState.CLOSED}),
    MediaState.FLOWING: frozenset({MediaState.STALLED, MediaState.FAILED, MediaState.CLOSED}),
    MediaState.STALLED: frozenset({MediaState.FLOWING, MediaState.FAILED, MediaState.CLOSED}),
    MediaState.FAILED: frozenset({MediaState.CLOSED}),
    MediaState.CLOSED: frozenset(),
}


def ice_servers_from_dicts(servers: list[dict[str, Any]]) -> list[RTCIceServer]:
    """RTCIceServer objects from the server's WebRTC-style dicts (urls, username, credential)."""
    result = []
    for server in servers:
        urls = server.get("urls") or server.get("url")
        if not urls:
            continue
        result.append(
            RTCIceServer(urls=urls, username=server.get("username"), credential=server.get("credential"))
        )
    return result


def has_turn(servers: list[dict[str, Any]]) -> bool:
    """True when the list names at least one TURN server."""
    for server in servers:
        urls = server.get("urls") or server.get("url") or []
        for url in [urls] if isinstance(urls, str) else urls:
            if str(url).startswith(("turn:", "turns:")):
                return True
    return False


def candidate_types(sdp: str) -> list[str]:
    """The type (host, srflx, relay, ...) of every candidate line in an SDP."""
    types = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            parts = line.split()
            if "typ" in parts:
                types.append(parts[parts.index("typ") + 1])
    return types


def check_relay_candidates(sdp: str) -> int:
    """Count relay candidates; raise NoRelayCandidates when there are none (e.g. a wrong TURN secret)."""
    relays = candidate_types(sdp).count("relay")
    if relays == 0:
        raise NoRelayCandidates(
            TURN_NO_RELAY,
            "TURN servers were configured but the SDP holds no relay candidate: "
            "check the TURN address and that the server's secret matches coturn's static-auth-secret",
        )
    return relays


class _ArrivalTrack(MediaStreamTrack):
    """Passes a remote audio track's frames on, telling the session each time one arrives."""

    kind = "audio"

    def __init__(
        self, source: MediaStreamTrack, arrived: Callable[[], None], tap: Callable[[Any], None] | None = None
    ) -> None:
        super().__init__()
        self.source = source
        self._arrived = arrived
        self._tap = tap

    async def recv(self) -> Any:
        """The remote track's next frame."""
        frame = await self.source.recv()
        self._arrived()
        if self._tap is not None:
            self._tap(frame)
        return frame


class _TappedTrack(KeptTrack):
    """The local microphone's frames on their way out, shown to a tap (the call recorder) too."""

    def __init__(self, source: MediaStreamTrack, tap: Callable[[Any], None]) -> None:
        super().__init__(source)
        self._tap = tap

    async def recv(self) -> Any:
        """The source's next frame."""
        frame = await self.source.recv()
        self._tap(frame)
        return frame


class CallSession:
    """The media of one call over an RTCPeerConnection. Callbacks run on the asyncio loop.

    Attributes:
        state: the MediaState.
        first_frame_at: time.monotonic() of the first decoded remote frame, or None.
        relay_candidates: relay candidates in our local description (None before it exists).
        relay_problem: a plain-Chinese sentence when TURN was configured but gave no relay candidate.
    """

    def __init__(
        self,
        ice_servers: list[dict[str, Any]],
        *,
        video: MediaStreamTrack | None = None,
        audio: MediaStreamTrack | None = None,
        audio_sink: AudioSink | None = None,
        relay_only: bool = False,
        on_state: Callable[[MediaState], None] | None = None,
        on_remote_frame: FrameListener | None = None,
        on_local_frame: FrameListener | None = None,
        stall_after_s: float = _STALL_AFTER_S,
        adaptive: bool = True,
        start_mode: LinkMode = LinkMode.FULL,
        on_mode: Callable[[LinkMode], None] | None = None,
        quality: QualityLog | None = None,
        video_expected: bool = True,
    ) -> None:
        self.state = MediaState.NEW
        self.on_mode = on_mode
        self._video_expected = video_expected  # False: the other side sends no video (audio-only mode)
        self.quality = quality if quality is not None else QualityLog()
        self.ladder = ModeLadder(start_mode) if adaptive else None
        self.last_sample: LinkSample | None = None
        self._meter = LinkMeter()
        self.first_frame_at: float | None = None
        self.relay_candidates: int | None = None
        self.relay_problem: str | None = None
        self.on_state = on_state
        self.on_remote_frame = on_remote_frame
        self.on_local_frame = on_local_frame
        self._ice_servers = ice_servers
        self._relay_only = relay_only
        self._stall_after_s = stall_after_s
        self._audio_sink: AudioSink = audio_sink if audio_sink is not None else MeasuringAudioSink()
        self._local_tracks: list[MediaStreamTrack] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._first_frame = asyncio.Event()
        self._frames = 0
        self._frame_times: deque[float] = deque()
        self._last_frame_at = 0.0
        self._last_media_at = 0.0
        self._bytes_at = (0.0, 0, 0)
        self._video_packets: dict[int, int] = {}
        self._stamps_ok = 0
        self._stamps_failed = 0
        self._latencies_ms: deque[int] = deque(maxlen=300)
        self._bytes = {"bytes_sent": 0, "bytes_received": 0}
        self._pc = RTCPeerConnection(
            RTCConfiguration(
                iceServers=ice_servers_from_dicts(ice_servers),
                bundlePolicy=RTCBundlePolicy.MAX_BUNDLE,
                iceTransportPolicy=RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL,
            )
        )
        self._pc.on("track", self._on_track)
        self._pc.on("connectionstatechange", self._on_connection_state)
        self._video: AdaptiveVideoTrack | None = None
        if video is not None:
            self._video = AdaptiveVideoTrack(video, lambda: self.on_local_frame)
            self._video.set_mode(start_mode)
            self._local_tracks.append(self._video)
        self._sources = [t for t in (video, audio) if t is not None]
        self.audio_tap: AudioTap | None = None  # sees both directions' audio (the desk's recorder)
        if audio is not None:
            self._local_tracks.append(_TappedTrack(audio, lambda frame: self._tap_audio(False, frame)))

    # ---- state ---------------------------------------------------------------------------------

    def _set_state(self, new: MediaState) -> None:
        if new == self.state:
            return
        if new not in MEDIA_TRANSITIONS[self.state]:
            raise InvalidTransition(f"media {self.state} -> {new}")
        log.info("media %s -> %s", self.state, new)
        self.state = new
        if self.on_state is not None:
            self.on_state(new)

    def _fail(self) -> None:
        if self.state not in (MediaState.FAILED, MediaState.CLOSED):
            self._set_state(MediaState.FAILED)

    async def _on_connection_state(self) -> None:
        state = self._pc.connectionState
        if state == "connected" and self.state == MediaState.NEGOTIATING:
            self._set_state(MediaState.CONNECTED)
        elif state == "failed":
            self._fail()

    # ---- negotiation ---------------------------------------------------------------------------

    def _add_local_tracks(self) -> None:
        for track in self._local_tracks:
            self._pc.addTrack(track)
        # Put VP8 first (aiortc's default H264 costs about twice the CPU).
        video_codecs = [
            c
            for c in RTCRtpSender.getCapabilities("video").codecs
            if c.mimeType in ("video/VP8", "video/rtx")
        ]
        for transceiver in self._pc.getTransceivers():
            if transceiver.kind == "video":
                transceiver.setCodecPreferences(video_codecs)

    def _ensure_receiving(self) -> None:
        """Offer to receive audio and video even when we send nothing of that kind."""
        kinds = {t.kind for t in self._pc.getTransceivers()}
        for kind in ("audio", "video"):
            if kind not in kinds:
                self._pc.addTransceiver(kind, direction="recvonly")

    async def _finish_local_description(self) -> str:
        """Gather candidates, then check TURN gave a relay candidate when TURN was configured."""
        sdp = self._pc.localDescription.sdp
        self.relay_candidates = candidate_types(sdp).count("relay")
        if has_turn(self._ice_servers):
            try:
                check_relay_candidates(sdp)
            except NoRelayCandidates as exc:
                self.relay_problem = exc.user_message
                log.error("%s", exc.detail)
                if self._relay_only:
                    self._fail()
                    raise
        self._set_state(MediaState.NEGOTIATING)
        self._start_task(self._watch())
        return sdp

    async def create_offer(self) -> str:
        """Make the offer (candidates inline) and return its SDP."""
        self._set_state(MediaState.GATHERING)
        self._add_local_tracks()
        self._ensure_receiving()
        try:
            await self._pc.setLocalDescription(await self._pc.createOffer())
        except Exception:
            self._fail()
            raise
        return await self._finish_local_description()

    async def accept_answer(self, sdp: str) -> None:
        """Apply the other side's answer; ICE and DTLS then start."""
        try:
            await self._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
            use_speech_bitrate(self._pc)
            tolerate_audio_loss(self._pc)
        except Exception:
            self._fail()
            raise

    async def answer(self, offer_sdp: str) -> str:
        """Apply the other side's offer and return our answer's SDP."""
        self._set_state(MediaState.GATHERING)
        try:
            await self._pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            self._add_local_tracks()
            await self._pc.setLocalDescription(await self._pc.createAnswer())
            use_speech_bitrate(self._pc)
            tolerate_audio_loss(self._pc)
        except Exception:
            self._fail()
            raise
        return await self._finish_local_description()

    # ---- remote media --------------------------------------------------------------------------

    def _start_task(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            self._start_task(self._pull_video(track))
        else:
            self._audio_sink.start(
                _ArrivalTrack(track, self._media_arrived, lambda frame: self._tap_audio(True, frame))
            )

    def _tap_audio(self, remote: bool, frame: Any) -> None:
        if self.audio_tap is not None:
            self.audio_tap(remote, frame)

    def _media_arrived(self, video: bool = False) -> None:
        """Remote media arrived: a stall ends on any; the first FLOWING waits for a picture if one comes."""
        self._last_media_at = time.monotonic()
        first = self.state in (MediaState.NEGOTIATING, MediaState.CONNECTED)
        if self.state == MediaState.STALLED or (first and (video or not self._video_expected)):
            self._set_state(MediaState.FLOWING)

    async def _pull_video(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            assert isinstance(frame, av.VideoFrame)
            now = time.monotonic()
            self._frames += 1
            self._last_frame_at = now
            self._frame_times.append(now)
            while self._frame_times and self._frame_times[0] < now - 1.0:
                self._frame_times.popleft()
            stamp = read_stamp(frame)
            if stamp is None:
                self._stamps_failed += 1
            else:
                self._stamps_ok += 1
                self._latencies_ms.append(monotonic_ms() - stamp.sent_ms)
            self.quality.saw_resolution(frame.width, frame.height)
            if self.first_frame_at is None:
                self.first_frame_at = now
                self._first_frame.set()
            self._media_arrived(video=True)
            if self.on_remote_frame is not None:
                self.on_remote_frame(frame)

    async def _watch(self) -> None:
        """Once a second: refresh byte counts and notice a stall."""
        while self.state not in (MediaState.FAILED, MediaState.CLOSED):
            await asyncio.sleep(_STATS_INTERVAL_S)
            with contextlib.suppress(Exception):  # stats of a closing connection are not worth a crash
                await self._measure_link()
            if (
                self.state == MediaState.FLOWING
                and time.monotonic() - self._last_media_at > self._stall_after_s
            ):
                self._set_state(MediaState.STALLED)

    async def _measure_link(self) -> None:
        """Once a second: byte rates and the other side's reports feed the quality log and the ladder."""
        report = await self._pc.getStats()
        self._bytes_from(report)
        now = time.monotonic()
        then, sent_before, received_before = self._bytes_at
        self._bytes_at = (now, self._bytes["bytes_sent"], self._bytes["bytes_received"])
        if then == 0.0 or self.state != MediaState.FLOWING:
            return
        seconds = max(now - then, 0.1)
        send_kbps = (self._bytes["bytes_sent"] - sent_before) * 8 / 1000 / seconds
        recv_kbps = (self._bytes["bytes_received"] - received_before) * 8 / 1000 / seconds
        self._ask_for_keyframe(report)
        sample = self._meter.sample(report)
        self.last_sample = sample
        self.quality.add(recv_kbps, send_kbps, sample)
        if self.ladder is not None and sample is not None:
            mode = self.ladder.feed(sample)
            if mode is not None:
                self.set_mode(mode)
                if self.on_mode is not None:
                    self.on_mode(mode)
        if self.mode == LinkMode.LOW:
            self._cap_video_bitrate(LOW_BITRATE)  # the encoder appears with the first frame sent

    def _ask_for_keyframe(self, report: Any) -> None:
        """Video packets arrive but no picture decodes (its keyframe was lost): ask for a new one."""
        if time.monotonic() - self._last_frame_at < _KEYFRAME_AFTER_S:
            return
        for item in report.values():
            if item.type != "inbound-rtp" or item.kind != "video":
                continue
            arriving = item.packetsReceived > self._video_packets.get(item.ssrc, 0)
            self._video_packets[item.ssrc] = item.packetsReceived
            if not arriving:
                continue
            for receiver in self._pc.getReceivers():
                if receiver.track is not None and receiver.track.kind == "video":
                    log.info("video packets arrive but no picture: asking for a keyframe")
                    self._start_task(restart_video_reception(receiver, item.ssrc))

    @property
    def mode(self) -> LinkMode:
        """The mode we send in."""
        return self.ladder.mode if self.ladder is not None else LinkMode.FULL

    def set_mode(self, mode: LinkMode) -> None:
        """Send in this mode: the video track scales or pauses, the encoder's bitrate follows."""
        log.info("sending in mode %s", mode.value)
        if self.ladder is not None and self.ladder.mode != mode:
            self.ladder.mode = mode
        self.quality.mode_changed(mode)
        if self._video is not None:
            self._video.set_mode(mode)
        self._cap_video_bitrate(LOW_BITRATE if mode == LinkMode.LOW else None)

    def _cap_video_bitrate(self, cap: int | None) -> None:
        for sender in self._pc.getSenders():
            if sender.kind == "video":
                cap_encoder_bitrate(sender, cap)

    async def _refresh_bytes(self) -> None:
        self._bytes_from(await self._pc.getStats())

    def _bytes_from(self, report: Any) -> None:
        sent = received = 0
        for item in report.values():
            if item.type == "transport":
                sent += item.bytesSent
                received += item.bytesReceived
        self._bytes = {"bytes_sent": sent, "bytes_received": received}

    async def wait_first_frame(self) -> float:
        """Wait for the first decoded remote frame; returns its time.monotonic()."""
        await self._first_frame.wait()
        assert self.first_frame_at is not None
        return self.first_frame_at

    def stats(self) -> dict[str, Any]:
        """Figures for screens, call records and benches."""
        latency = statistics.median(self._latencies_ms) if self._latencies_ms else None
        now = time.monotonic()
        return {
            "media_state": self.state.value,
            "frames_received": self._frames,
            "fps": sum(1 for t in self._frame_times if t >= now - 1.0),
            "stamps_ok": self._stamps_ok,
            "stamps_failed": self._stamps_failed,
            "stamp_latency_ms_p50": latency,
            "relay_candidates": self.relay_candidates,
            "relay_problem": self.relay_problem,
            "media_mode": self.mode.value,
            "loss": self.last_sample.loss if self.last_sample else None,
            "rtt_ms": _ms(self.last_sample.rtt_s) if self.last_sample else None,
            **self._bytes,
            **self._audio_sink.stats(),
        }

    def audio_max_gap_ms(self, since: float = 0.0) -> float:
        """The longest stretch of remote audio missing since a time.monotonic() (lost packets)."""
        return self._audio_sink.max_gap_ms(since)

    async def collect_stats(self) -> dict[str, Any]:
        """stats() with byte counts fresh from the connection."""
        with contextlib.suppress(Exception):
            await self._refresh_bytes()
        return self.stats()

    # ---- teardown ------------------------------------------------------------------------------

    async def close(self, *, keep_devices: bool = False) -> None:
        """Stop local tracks, the audio sink and the connection; always awaits pc.close().

        keep_devices leaves the camera, microphone and playout open for the call's next connection.
        """
        try:
            for task in list(self._tasks):
                task.cancel()
            for task in list(self._tasks):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            for track in self._local_tracks:
                track.stop()
            if not keep_devices:
                for source in self._sources:
                    source.stop()
            if not keep_devices:
                await self._audio_sink.stop()
        finally:
            # Shielded: a cancelled caller must not leave aiortc's transports half closed.
            await asyncio.shield(self._pc.close())
            if self.state != MediaState.CLOSED:
                self._set_state(MediaState.CLOSED)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)
