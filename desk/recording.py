"""The desk records a call both sides agreed to: starts and stops the recorder, queues the file for upload."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from desk.recording_queue import RecordingQueue
from media.flowbase import RecordingTap
from media.flows import CallInfo, DeskState
from media.recorder import CallRecorder

log = logging.getLogger(__name__)

POLICY_PATH = "/api/recording-policy"
_RECORDING = frozenset({DeskState.IN_CALL, DeskState.RECONNECTING})


class RecordableFlow(Protocol):
    """What the recording needs of the desk's call flow (media.answerer.DeskAnswerer)."""

    state: DeskState
    info: CallInfo

    def add_state_listener(self, listener: Callable[[Any, CallInfo], None]) -> None:
        """Be told of every state and info change."""

    def set_recording_tap(self, tap: RecordingTap | None) -> None:
        """Show the call's pictures and sounds to the recorder."""

    async def stop_recording(self) -> bool:
        """停止录音 (tells the villager)."""


@dataclass(frozen=True)
class RecordingPolicy:
    """The centre's recording settings as the server tells them (off until it says otherwise)."""

    enabled: bool = False
    topics: frozenset[str] = field(default_factory=frozenset)  # empty: every topic
    max_mb: int = 300

    def allows(self, topic: str) -> bool:
        """May a call of this topic be recorded?"""
        return self.enabled and (not self.topics or topic in self.topics)


class DeskRecording:
    """Watches the call: records from both sides' agreement until 停止录音 or hang-up, then queues it."""

    def __init__(
        self, flow: RecordableFlow, server_url: str, token: Callable[[], str], queue: RecordingQueue
    ) -> None:
        self.flow = flow
        self.policy = RecordingPolicy()
        self.policy_listeners: list[Callable[[], None]] = []
        self.last_size = 0  # bytes of the last finished recording (for figures)
        self._server_url = server_url.rstrip("/")
        self._token = token
        self.queue = queue
        self._recorder: CallRecorder | None = None
        self._call_id = ""
        self._tasks: set[asyncio.Task[None]] = set()
        self._uploads: asyncio.Task[None] | None = None
        self._last_state: DeskState | None = None
        flow.add_state_listener(self._changed)

    def allowed(self, topic: str) -> bool:
        """Show 请求录音 for a call of this topic?"""
        return self.policy.allows(topic)

    @property
    def recording(self) -> bool:
        """A recorder is running."""
        return self._recorder is not None

    async def refresh_policy(self) -> RecordingPolicy:
        """Ask the server for the centre's recording policy (kept as it was when the server is away)."""
        token = self._token()
        if not token:
            return self.policy
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
                http.get(
                    self._server_url + POLICY_PATH, headers={"Authorization": f"Bearer {token}"}
                ) as reply,
            ):
                if reply.status == 200:
                    body = await reply.json()
                    self.policy = RecordingPolicy(
                        bool(body.get("enabled")),
                        frozenset(body.get("topics") or ()),
                        int(body.get("max_mb", 300)),
                    )
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("could not read the recording policy: %s", type(exc).__name__)
        for listener in list(self.policy_listeners):
            listener()
        return self.policy

    def start_uploads(self) -> None:
        """Upload queued recordings in the background (with retries) from now on."""
        if self._uploads is None:
            self._uploads = asyncio.ensure_future(self.queue.run(self._server_url, self._token))

    # ---- following the call --------------------------------------------------------------------

    def _changed(self, state: DeskState, info: CallInfo) -> None:
        entered = state in _RECORDING and self._last_state not in _RECORDING
        self._last_state = state
        if entered:
            self._spawn(self._refresh_quietly())
        if self._recorder is None:
            if state in _RECORDING and info.recording == "agreed" and info.call_id:
                self._start(info.call_id)
        elif state not in _RECORDING or info.recording != "agreed" or info.call_id != self._call_id:
            self._stop()

    def _start(self, call_id: str) -> None:
        loop = asyncio.get_running_loop()
        recorder = CallRecorder(
            self.policy.max_mb * 1024 * 1024,
            on_capped=lambda: loop.call_soon_threadsafe(self._capped, recorder),
        )
        self._recorder, self._call_id = recorder, call_id
        recorder.start()
        self.flow.set_recording_tap(recorder)
        log.info("recording call %s", call_id)

    def _capped(self, recorder: CallRecorder) -> None:
        if recorder is self._recorder:
            log.warning("recording reached its size limit; stopping it")
            self._spawn(self.flow.stop_recording())  # both screens drop 录音录像中; _changed then stops

    def _stop(self) -> None:
        recorder, call_id = self._recorder, self._call_id
        self._recorder, self._call_id = None, ""
        self.flow.set_recording_tap(None)
        if recorder is not None:
            self._spawn(self._finish(recorder, call_id))

    async def _finish(self, recorder: CallRecorder, call_id: str) -> None:
        recording = await asyncio.to_thread(recorder.finish)
        await asyncio.to_thread(self.queue.put, call_id, recording.data, recording.duration_s)
        self.last_size = len(recording.data)
        log.info(
            "recording of call %s queued: %.1f s, %d bytes", call_id, recording.duration_s, self.last_size
        )

    async def _refresh_quietly(self) -> None:
        await self.refresh_policy()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Wait until recordings being closed are in the queue."""
        # Only unfinished tasks: see server.hub.Hub.background_done for why not gather.
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.wait(pending)

    async def close(self) -> None:
        """Close a recording still running (it is queued), then stop uploading."""
        if self._recorder is not None:
            self._stop()
        await self.settled()
        if self._uploads is not None:
            self._uploads.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._uploads
