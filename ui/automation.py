"""JSON-line automation for tests, benches and the headless demo: commands on stdin, events on stdout.

Commands invoke the same view-model slots a tap does. Every line out is one JSON object with an
"event" key and a monotonic "t". Started only with `--automation`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtQuick import QQuickWindow

from ui.call_topics import CALL_TOPICS
from ui.incall_automation import help_commands

Command = Callable[[dict[str, Any]], None]


class AutomatedViewModel(Protocol):
    """What automation needs of a view-model (KioskViewModel or DeskViewModel)."""

    flow: Any
    flowChanged: Any
    remote_video: Any
    local_video: Any


class AutomationError(ValueError):
    """A command line that cannot be carried out."""


def _target(command: dict[str, Any], key: str) -> Any:
    if key not in command:
        raise AutomationError(f"command {command.get('cmd')!r} needs {key!r}")
    return command[key]


def kiosk_commands(vm: Any, consult: Any = None) -> dict[str, Command]:
    """The kiosk's commands: tap {target}, cancel, hangup, retry, home (and consult_* taps)."""
    taps: dict[str, Callable[[], None]] = {
        "call": vm.call,  # straight to a general call (the topic tiles: call_topics, call_topic_<tile>)
        "call_topics": lambda: vm.tapTile("call"),
        "callback": vm.offerCallback,
        "callback_send": vm.sendCallback,
        "callback_back": vm.closeCallback,
        "rate_skip": vm.skipRating,
        "consult": lambda: vm.tapTile("consult"),
        "apply": lambda: vm.tapTile("apply"),
        "help": lambda: vm.tapTile("help"),
        "cancel": vm.cancel,
        "hangup": vm.hangup,
        "retry": vm.retry,
        "back": vm.goHome,
        "home": vm.goHome,
        "notice_ok": vm.dismissNotice,
    }
    for topic in CALL_TOPICS:
        taps[f"call_topic_{topic.tile}"] = functools.partial(vm.chooseTopic, topic.tile)
    for score in (1, 2, 3):
        taps[f"rate_{score}"] = functools.partial(vm.rate, score)
    if consult is not None:  # 法律咨询 (issue 4): browse -> answer -> call, search, laws
        taps.update(consult_taps(consult))

    def tap(command: dict[str, Any]) -> None:
        target = _target(command, "target")
        if target not in taps:
            raise AutomationError(f"unknown tap target {target!r}; known: {', '.join(taps)}")
        taps[target]()

    return {
        "tap": tap,
        "cancel": lambda _c: vm.cancel(),
        "hangup": lambda _c: vm.hangup(),
        "retry": lambda _c: vm.retry(),
        "home": lambda _c: vm.goHome(),
        "open_form": lambda c: vm.openForm(str(_target(c, "target"))),  # 办事申请: a form by id
        "phone": lambda c: vm.setPhone(str(_target(c, "digits"))),  # 请律师回电: the number pad
    }


def desk_commands(vm: Any, panels: Any = None) -> dict[str, Command]:
    """The desk's commands: login {username, password}, duty {on}, accept, decline, hangup, end_wrap_up."""
    commands: dict[str, Command] = {
        "login": lambda c: vm.login(str(_target(c, "username")), str(_target(c, "password"))),
        "duty": lambda c: vm.setDuty(bool(_target(c, "on"))),
        "accept": lambda _c: vm.accept(),
        "decline": lambda _c: vm.decline(),
        "hangup": lambda _c: vm.hangup(),
    }
    if panels is not None:  # 结束整理 with the notes typed so far
        commands["end_wrap_up"] = lambda c: panels.endWrapUp(str(c.get("notes", "")))
    return commands


def info_dict(info: Any) -> dict[str, Any]:
    """A CallInfo as plain JSON-able data."""
    if dataclasses.is_dataclass(info) and not isinstance(info, type):
        return dataclasses.asdict(info)
    return {}


class AutomationChannel(QObject):
    """Reads commands from a text stream on a thread, runs them on the Qt thread, writes events.

    Signals:
        lineReceived: one command line arrived (queued to the Qt thread).
    """

    lineReceived = Signal(str)

    def __init__(
        self,
        window: QQuickWindow,
        vm: Any,
        commands: dict[str, Command],
        *,
        on_quit: Callable[[], None],
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._vm = vm
        self._on_quit = on_quit
        self._in = stdin if stdin is not None else sys.stdin
        self._out = stdout if stdout is not None else sys.stdout
        self._write_lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._stopped = False
        self.commands: dict[str, Command] = {
            **commands,
            "screenshot": self._screenshot,
            "stats": self._stats,
            "state": lambda _c: self._report_state(),
            "quit": lambda _c: self._on_quit(),
        }
        help_vm = getattr(vm, "help", None)  # in-call help (ui/incall_automation.py)
        if help_vm is not None:
            self.commands |= help_commands(help_vm, self.emit_event)
        self.lineReceived.connect(self.handle_line, Qt.ConnectionType.QueuedConnection)
        self._last_screen = str(vm.screen)
        vm.flowChanged.connect(self._report_state)
        vm.changed.connect(self._report_screen)
        vm.remote_video.firstFrame.connect(lambda w, h: self._first_frame("remote", w, h))
        vm.local_video.firstFrame.connect(lambda w, h: self._first_frame("local", w, h))

    def start(self) -> None:
        """Start reading commands; say the app is ready."""
        self._reader = threading.Thread(target=self._read_lines, name="automation-stdin", daemon=True)
        self._reader.start()
        self.emit_event("ready", state=str(self._vm.flow.state))

    def stop(self) -> None:
        """Stop reporting (the reader thread ends with the process)."""
        self._stopped = True

    def _read_lines(self) -> None:
        for line in self._in:
            if line.strip():
                self.lineReceived.emit(line)
        self.lineReceived.emit('{"cmd": "quit", "why": "stdin closed"}')

    def handle_line(self, line: str) -> None:
        """Run one JSON command line; report an error event for anything wrong with it."""
        try:
            command = json.loads(line)
            if not isinstance(command, dict) or not isinstance(command.get("cmd"), str):
                raise AutomationError('a command is a JSON object with a "cmd" string')
            handler = self.commands.get(command["cmd"])
            if handler is None:
                raise AutomationError(
                    f"unknown command {command['cmd']!r}; known: {', '.join(self.commands)}"
                )
            handler(command)
        except (ValueError, TypeError, OSError) as exc:
            self.emit_event("error", message=str(exc), line=line.strip()[:200])

    def emit_event(self, event: str, **fields: Any) -> None:
        """Write one event line to stdout."""
        if self._stopped:
            return
        record = {"event": event, **fields, "t": time.monotonic()}
        with self._write_lock:
            self._out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            self._out.flush()

    def _report_state(self) -> None:
        flow = self._vm.flow
        self.emit_event("state", state=str(flow.state), screen=self._vm.screen, info=info_dict(flow.info))

    def _report_screen(self) -> None:
        screen = str(self._vm.screen)
        if screen != self._last_screen:
            self._last_screen = screen
            self.emit_event("screen", screen=screen)

    def _first_frame(self, side: str, width: int, height: int) -> None:
        self.emit_event("first_frame", side=side, width=width, height=height)

    def _screenshot(self, command: dict[str, Any]) -> None:
        path = str(_target(command, "path"))
        if not self._window.grabWindow().save(path):
            raise OSError(f"could not save a screenshot to {path}")
        self.emit_event("screenshot", path=path)

    def _stats(self, _command: dict[str, Any]) -> None:
        stats = dict(self._vm.flow.media_stats())
        ui = {
            "remote_frames": self._vm.remote_video.frames,
            "remote_shown": self._vm.remote_video.shown,
            "local_frames": self._vm.local_video.frames,
        }
        self.emit_event("stats", **stats, ui=ui)


def consult_taps(consult: Any) -> dict[str, Callable[[], None]]:
    """Tap targets of the consult screens; topic_<slug>, question_<n>, article_<n> are added per item."""
    taps: dict[str, Callable[[], None]] = {
        "consult_back": consult.back,
        "consult_home": consult.home,
        "consult_search": consult.openSearch,
        "consult_laws": consult.openLaws,
        "answer_read": consult.readAnswer,
        "answer_stop": consult.read_aloud.stop,
        "answer_call": consult.callLawyer,
        "answer_form": consult.openAnswerForm,
        "text_bigger": consult.biggerText,
        "text_smaller": consult.smallerText,
    }
    for topic in consult.topics:
        taps[f"topic_{topic['slug']}"] = functools.partial(consult.openTopic, topic["slug"])
    for n in range(40):
        taps[f"question_{n}"] = functools.partial(_open_nth, consult, n)
        taps[f"law_row_{n}"] = functools.partial(consult.law_browser.open, n)
    return taps


def _open_nth(consult: Any, n: int) -> None:
    questions = consult.questions
    if n >= len(questions):
        raise AutomationError(f"the list has {len(questions)} questions")
    consult.openQuestion(questions[n]["id"])
