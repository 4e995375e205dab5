"""Behaving fake call flows for the UI: they move through the real states on command and make frames.

They satisfy media.flows.CallerFlow / DeskFlow, check every transition against the real transition
tables, and produce synthetic av.VideoFrame frames (a colour split with a moving bar). With
`auto=True` they also play a whole call by themselves (used by the screenshots tool and the
automation tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import av
import numpy as np

from media.flows import (
    CALLER_TRANSITIONS,
    DESK_TRANSITIONS,
    CallerState,
    CallInfo,
    DeskState,
    FieldEdit,
    FormListener,
    FrameListener,
    StateListener,
)

REMOTE_LEFT = (200, 30, 30)  # the remote picture: red left half, blue right half
REMOTE_RIGHT = (30, 60, 200)
LOCAL_COLOUR = (40, 160, 60)  # the local preview: green


def synthetic_frame(
    width: int = 640,
    height: int = 480,
    index: int = 0,
    colours: tuple[Any, ...] = (REMOTE_LEFT, REMOTE_RIGHT),
) -> av.VideoFrame:
    """A yuv420p frame split into the given colours, with a white bar moving with `index`."""
    rgb = np.zeros((height, width, 3), dtype=np.uint8)
    step = width // len(colours)
    for i, colour in enumerate(colours):
        rgb[:, i * step : (i + 1) * step if i < len(colours) - 1 else width] = colour
    bar = (index * 8) % max(1, width - 16)
    rgb[height - 24 :, bar : bar + 16] = 255
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")


class _FakeFlowBase:
    """State, listeners and frame production shared by both fakes."""

    transitions: ClassVar[dict[Any, frozenset[Any]]] = {}

    def __init__(self, initial: Any, hotline: str) -> None:
        self.state = initial
        self.info = CallInfo(hotline=hotline)
        self.actions: list[str] = []
        self.closed = False
        self._listeners: list[StateListener] = []
        self._remote: FrameListener | None = None
        self._local: FrameListener | None = None
        self._frames_sent = 0
        self._producer: asyncio.Task[None] | None = None
        self.fail_next: BaseException | None = None
        self._form_listeners: list[FormListener] = []
        self.form_values: dict[str, dict[str, str]] = {}

    def add_state_listener(self, listener: StateListener) -> None:
        """Be told of every state change."""
        self._listeners.append(listener)

    def set_video_listeners(self, remote: FrameListener | None, local: FrameListener | None) -> None:
        """Receive synthetic remote frames and local preview frames."""
        self._remote, self._local = remote, local

    def move_to(self, state: Any, **info: Any) -> None:
        """Change state (checked against the real transition table) and tell the listeners."""
        if state not in self.transitions[self.state]:
            raise AssertionError(f"{self.state} -> {state} is not an allowed transition")
        self.state = state
        self.info = dataclasses.replace(self.info, **info)
        for listener in list(self._listeners):
            listener(self.state, self.info)

    def update_info(self, **info: Any) -> None:
        """New information within the same state (the real flows report these too)."""
        self.info = dataclasses.replace(self.info, **info)
        for listener in list(self._listeners):
            listener(self.state, self.info)

    def send_frames(self, count: int = 1, width: int = 640, height: int = 480) -> None:
        """Deliver `count` remote frames and as many local preview frames."""
        for _ in range(count):
            self._frames_sent += 1
            if self._remote is not None:
                self._remote(synthetic_frame(width, height, self._frames_sent))
            if self._local is not None:
                self._local(synthetic_frame(320, 240, self._frames_sent, (LOCAL_COLOUR,)))

    def start_frames(self, fps: float = 15.0) -> None:
        """Keep sending frames on the loop until the call ends."""
        if self._producer is None or self._producer.done():
            self._producer = asyncio.get_running_loop().create_task(self._produce(fps))

    async def _produce(self, fps: float) -> None:
        while True:
            self.send_frames()
            await asyncio.sleep(1 / fps)

    async def _stop_frames(self) -> None:
        if self._producer is not None:
            self._producer.cancel()
            await asyncio.gather(self._producer, return_exceptions=True)
            self._producer = None

    def _record(self, action: str) -> None:
        self.actions.append(action)
        if self.fail_next is not None:
            exc, self.fail_next = self.fail_next, None
            raise exc

    def media_stats(self) -> dict[str, Any]:
        """Frames sent so far, as the real flows report frames received."""
        return {"frames_received": self._frames_sent, "fps": 15.0 if self._producer else 0.0}

    async def close(self) -> None:
        """Stop producing frames."""
        self.actions.append("close")
        await self._stop_frames()
        self.closed = True

    def add_form_listener(self, listener: FormListener) -> None:
        """Be told of every field edited together during a call."""
        self._form_listeners.append(listener)

    async def patch_form(self, form_id: str, field_name: str, value: str) -> bool:
        """Edit a co-filled field: kept, and echoed to the listeners as the peer would see it."""
        self._record(f"patch_form:{form_id}.{field_name}")
        self.form_values.setdefault(form_id, {})[field_name] = value
        edit = FieldEdit(form_id, field_name, value, "local")
        for listener in list(self._form_listeners):
            listener(edit)
        return True

    async def submit_form(self, form_id: str) -> bool:
        """Confirm a co-filled form."""
        self._record(f"submit_form:{form_id}")
        return form_id in self.form_values

    async def answer_recording(self, agreed: bool) -> None:
        """The villager's answer to the recording question."""
        self._record(f"recording:{agreed}")
        self.update_info(recording="agreed" if agreed else "refused")

    async def stop_recording(self) -> bool:
        """停止录音 on this side."""
        self._record("stop_recording")
        if self.info.recording != "agreed":
            return False
        self.update_info(recording="stopped")
        return True

    async def push_content(self, kind: str, ref: str, title: str = "", text: str = "") -> bool:
        """The lawyer puts an answer, article or form on the terminal's screen."""
        self._record(f"push:{kind}:{ref}")
        return True

    async def request_recording(self) -> bool:
        """The lawyer asks to record."""
        self._record("request_recording")
        self.update_info(recording="asked")
        return True


class FakeCallerFlow(_FakeFlowBase):
    """A kiosk call flow moved by the test (or by itself with auto=True)."""

    transitions = CALLER_TRANSITIONS

    def __init__(self, *, auto: bool = False, step_s: float = 0.2, hotline: str = "12348") -> None:
        super().__init__(CallerState.IDLE, hotline)
        self.auto = auto
        self.step_s = step_s
        self.state: CallerState
        self.migrant_worker = False
        self.callback_reply: tuple[str, str] = ("K7Q2M9XA", "")

    async def call(
        self, topic: str = "general", assisted_by: str | None = None, *, migrant_worker: bool = False
    ) -> None:
        """Tap 律师视频: REQUESTING, then (auto) WAITING 2, WAITING 1, CONNECTING, IN_CALL."""
        self.migrant_worker = migrant_worker
        self._record("call")
        self.info = CallInfo(hotline=self.info.hotline)
        self.move_to(CallerState.REQUESTING, topic=topic, timings={"tap": time.monotonic()})
        if not self.auto:
            return
        for position in (2, 1):
            await asyncio.sleep(self.step_s)
            self.move_to(CallerState.WAITING, position=position)
        await asyncio.sleep(self.step_s)
        self.answer()
        await asyncio.sleep(self.step_s)
        self.start_frames()
        self.move_to(CallerState.IN_CALL)

    def answer(self, name: str = "王明律师", firm: str = "县法律援助中心") -> None:
        """A lawyer accepted: CONNECTING with the lawyer's name and firm."""
        self.move_to(CallerState.CONNECTING, peer_name=name, peer_detail=firm, call_id="c1")

    async def request_callback(self, phone: str, topic: str = "general") -> tuple[str, str]:
        """Leave a number: `callback_reply` (a tracking number, or a refusal the server might send)."""
        self._record(f"callback:{phone}:{topic}")
        await asyncio.sleep(0)
        return self.callback_reply

    async def rate(self, score: int) -> None:
        """The faces after the call."""
        self._record(f"rate:{score}")

    async def cancel(self) -> None:
        """Give up while REQUESTING/WAITING."""
        self._record("cancel")
        if self.state in (CallerState.REQUESTING, CallerState.WAITING):
            self.move_to(CallerState.IDLE)

    async def hangup(self) -> None:
        """End the call."""
        self._record("hangup")
        await self._stop_frames()
        if self.state in (CallerState.CONNECTING, CallerState.IN_CALL):
            self.move_to(CallerState.ENDED, message="通话已结束")


class FakeDeskFlow(_FakeFlowBase):
    """A lawyer desk flow: accounts in a dict, calls offered by the test with `ring()`."""

    transitions = DESK_TRANSITIONS

    def __init__(self, accounts: dict[str, str] | None = None, *, auto: bool = False) -> None:
        super().__init__(DeskState.LOGGED_OUT, "12348")
        self.accounts = accounts if accounts is not None else {"wangming": "secret"}
        self.names = {"wangming": "王明律师"}  # the lawyer's name the centre knows
        self.display_name = ""
        self.auto = auto
        self.state: DeskState
        self.server_state = ""
        self.wrap_up_until: float | None = None
        self.callbacks: list[dict[str, Any]] = []
        self.on_callbacks: Callable[[list[dict[str, Any]]], None] | None = None
        self.server_clock_offset_s = 0.0
        self.notes: dict[str, str] = {}  # call id -> the last notes sent
        self.callbacks_done: list[int] = []

    def server_says(self, state: str, *, on_duty: bool = True, wrap_up_until: float | None = None) -> None:
        """The pool reports this lawyer's state (as DutyState does): wrap_up, break, available..."""
        self.server_state = state
        self.wrap_up_until = wrap_up_until
        target = DeskState.AVAILABLE if on_duty else DeskState.OFF_DUTY
        if target is self.state:
            self.update_info()  # told again, as the real flow does on every DutyState
        else:
            self.move_to(target)

    def send_callbacks(self, callbacks: list[dict[str, Any]]) -> None:
        """The pool sends the open callbacks (CallbackList)."""
        self.callbacks = list(callbacks)
        if self.on_callbacks is not None:
            self.on_callbacks(self.callbacks)

    async def write_notes(self, call_id: str, notes: str) -> bool:
        """CallNotes."""
        self._record("notes")
        self.notes[call_id] = notes
        return True

    async def end_wrap_up(self) -> bool:
        """EndWrapUp: the server makes the lawyer available."""
        self._record("end_wrap_up")
        self.server_says("available")
        return True

    async def callback_done(self, callback_id: int, notes: str = "") -> bool:
        """CallbackDone: the server sends the list without it."""
        self._record("callback_done")
        self.callbacks_done.append(callback_id)
        self.send_callbacks([c for c in self.callbacks if c["callback_id"] != callback_id])
        return True

    async def login(self, username: str, password: str) -> None:
        """OFF_DUTY when the account matches, else FAILED with a plain message."""
        self._record("login")
        await asyncio.sleep(0)
        if self.accounts.get(username) == password:
            self.display_name = self.names.get(username, "")  # as the server's login answer says
            self.move_to(DeskState.OFF_DUTY, message="")
            return
        if self.state is DeskState.FAILED:
            self.move_to(DeskState.LOGGED_OUT)
        self.move_to(DeskState.FAILED, message="用户名或密码不对，请再输入一次。")

    async def set_duty(self, on_duty: bool) -> None:
        """AVAILABLE or OFF_DUTY."""
        self._record("duty_on" if on_duty else "duty_off")
        self.server_state = "available" if on_duty else "offline"
        self.move_to(DeskState.AVAILABLE if on_duty else DeskState.OFF_DUTY)

    def ring(
        self,
        terminal: str = "石桥村服务点",
        village: str = "石桥村",
        topic: str = "labour_wages",
        priority: str = "normal",
    ) -> None:
        """Offer a call from a village terminal."""
        self.info = CallInfo()
        self.move_to(
            DeskState.RINGING,
            peer_name=terminal,
            peer_detail=village,
            topic=topic,
            call_id="c1",
            priority=priority,
        )

    async def accept(self) -> None:
        """接听: CONNECTING, then (auto) IN_CALL with frames."""
        self._record("accept")
        self.move_to(DeskState.CONNECTING)
        if self.auto:
            await asyncio.sleep(0.05)
            self.start_frames()
            self.move_to(DeskState.IN_CALL)

    async def decline(self) -> None:
        """拒接: back to AVAILABLE."""
        self._record("decline")
        self.move_to(DeskState.AVAILABLE)

    async def hangup(self) -> None:
        """挂断: back to AVAILABLE."""
        self._record("hangup")
        await self._stop_frames()
        if self.state in (DeskState.CONNECTING, DeskState.IN_CALL):
            self.move_to(DeskState.AVAILABLE)


# --- harness: a real QML window over a fake flow, on a running qasync loop --------------------------


@contextlib.contextmanager
def running_qasync_loop(app: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop marked running while pytest-qt spins Qt, so view-model slots can start tasks."""
    import qasync

    from ui.main_thread_gc import install

    install(app)  # as create_application does: no view-model is destroyed on a worker thread
    loop = qasync.QEventLoop(app, already_running=True)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            from PySide6.QtCore import QCoreApplication

            for _ in range(20):
                QCoreApplication.processEvents()
                if all(t.done() for t in pending):
                    break
        # asyncio.to_thread ran on qasync's QThread executor: stop its threads before the loop goes,
        # or Qt aborts at exit ("QThread: Destroyed while thread is still running").
        for name, executor in list(vars(loop).items()):
            if name.endswith("__default_executor") and executor is not None:
                executor.shutdown(wait=True)
                setattr(loop, name, None)
        asyncio.events._set_running_loop(None)


class QmlHarness:
    """Loads a root QML window for a view-model and taps its items by objectName."""

    def __init__(
        self, qtbot: Any, qml: str, properties: dict[str, Any], context: dict[str, Any] | None = None
    ) -> None:
        from PySide6.QtQml import QQmlApplicationEngine

        from ui.app import QML_DIR, load_window

        self.qtbot = qtbot
        self.engine = QQmlApplicationEngine()
        for name, value in (context or {}).items():  # context properties (e.g. recordingVm)
            self.engine.rootContext().setContextProperty(name, value)
        self.window = load_window(self.engine, QML_DIR / qml, properties)
        frames: list[bool] = []
        self.window.frameSwapped.connect(lambda: frames.append(True))
        self.window.show()
        self.window.requestActivate()
        qtbot.waitActive(self.window)
        # Qt Quick delivers a click only once the scene has been drawn: wait for the first frame.
        qtbot.waitUntil(lambda: bool(frames), timeout=5000)

    def _named(self, name: str) -> list[Any]:
        """Visible items with this objectName: QObject children, then the visual tree (Repeater
        delegates inside a Loader have no QObject parent there)."""
        from PySide6.QtQuick import QQuickItem

        found = [i for i in self.window.findChildren(QQuickItem, name) if i.isVisible()]
        if found:
            return found
        stack = [self.window.contentItem()]
        while stack:
            node = stack.pop()
            if node.objectName() == name and node.isVisible():
                found.append(node)
            stack.extend(node.childItems())
        return found

    def item(self, name: str) -> Any:
        """The visible QML item with this objectName (fails the test if there is none)."""
        found = self._named(name)
        assert found, f"no visible item named {name!r}"
        return found[0]

    def has(self, name: str) -> bool:
        """Whether a visible item with this objectName exists."""
        return bool(self._named(name))

    def text(self, name: str) -> str:
        """The text of a visible item."""
        return str(self.item(name).property("text"))

    def tap(self, name: str) -> None:
        """A real mouse click at the centre of the item, through Qt's event delivery."""
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtTest import QTest

        item = self.item(name)
        self.qtbot.waitUntil(item.isEnabled, timeout=5000)  # a person taps once the button is enabled
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        QTest.mouseMove(self.window, centre)  # the finger arrives first, as on a touch screen
        QTest.mouseClick(self.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)

    def wait_for(self, name: str) -> Any:
        """Wait until an item with this objectName is visible, and return it."""
        self.qtbot.waitUntil(lambda: self.has(name), timeout=5000)
        return self.item(name)

    def close(self) -> None:
        """Close the window and delete the engine before the view-model goes."""
        self.window.close()
        self.engine.deleteLater()
        del self.engine


# --- the real app processes, with a fake flow wired in, driven over --automation --------------------

KIOSK_LAUNCHER = """
import json, sys
import kiosk.wiring, tests.ui_fakes as fakes
made = []
def build(settings):
    made.append(fakes.FakeCallerFlow(auto=True, step_s=0.05, hotline=settings.hotline))
    return made[0]
kiosk.wiring.build_caller = build
from kiosk.__main__ import main
code = main(sys.argv[1:])
print(json.dumps({"event": "exited", "flow_closed": made[0].closed, "actions": made[0].actions}), flush=True)
raise SystemExit(code)
"""

DESK_LAUNCHER = """
import asyncio, json, sys
import desk.wiring, tests.ui_fakes as fakes
from media.flows import DeskState
made = []
def build(settings):
    flow = fakes.FakeDeskFlow({"wangming": "secret"}, auto=True)
    def ring_when_available(state, info):  # the pool server would offer a call
        if state is DeskState.AVAILABLE and "accept" not in flow.actions:
            asyncio.get_running_loop().call_later(0.05, flow.ring)
    flow.add_state_listener(ring_when_available)
    made.append(flow)
    return flow
desk.wiring.build_answerer = build
from desk.__main__ import main
code = main(sys.argv[1:])
print(json.dumps({"event": "exited", "flow_closed": made[0].closed, "actions": made[0].actions}), flush=True)
raise SystemExit(code)
"""


class AppProcess:
    """`python -m kiosk|desk --automation` in a child process, with a fake flow wired in."""

    def __init__(
        self, launcher: str, *args: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
    ) -> None:
        import os
        import queue
        import subprocess
        import sys
        import threading
        from pathlib import Path

        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [*prefix, sys.executable, "-c", launcher, "--automation", *args],
            cwd=root,
            env={**os.environ, **(env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.events: list[dict[str, Any]] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def send(self, **command: Any) -> None:
        """Write one command line."""
        import json

        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def wait_event(self, event: str, timeout: float = 20.0, **match: Any) -> dict[str, Any]:
        """Block until an event with these fields arrives (events seen earlier count too)."""
        import json
        import queue

        def matches(e: dict[str, Any]) -> bool:
            return e.get("event") == event and all(e.get(k) == v for k, v in match.items())

        for seen in self.events:
            if matches(seen):
                return seen
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {event} {match} within {timeout} s; saw {self.events}") from None
            if line is None:
                raise AssertionError(f"the app ended before {event} {match}; saw {self.events}")
            if line.startswith("{"):
                self.events.append(json.loads(line))
                if matches(self.events[-1]):
                    return self.events[-1]

    def finish(self, timeout: float = 20.0) -> tuple[int, str]:
        """Wait for the process to end; its exit code and stderr."""
        import subprocess

        assert self.process.stdin is not None and self.process.stderr is not None
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        stderr = self.process.stderr.read()
        self.process.stdin.close()
        self.process.stderr.close()
        self._reader.join(timeout=10)  # it reaches the end of stdout once the process is gone
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code, stderr
