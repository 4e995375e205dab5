"""The sd_notify watchdog: real AF_UNIX datagram sockets, and a tiny supervisor that restarts a hung app."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.watchdog import Notifier, Watchdog, watchdog_interval

REPO = Path(__file__).resolve().parent.parent

# The stand-in for the kiosk app: reports ready, pings from its asyncio loop, and on the test hook
# ("hang" on stdin) blocks its event loop the way a stuck handler would.
CHILD = """
import asyncio, sys, time
from kiosk.watchdog import Watchdog

async def main():
    watchdog = Watchdog()
    watchdog.ready("home")
    loop = asyncio.get_running_loop()
    def on_command():
        if sys.stdin.readline().strip() == "hang":
            print("hanging", flush=True)
            time.sleep(3600)
    loop.add_reader(sys.stdin.fileno(), on_command)
    await asyncio.Event().wait()

asyncio.run(main())
"""


@dataclass
class Datagram:
    """One notification as a service manager sees it: sender pid and assignments."""

    pid: int
    fields: dict[str, str]


class NotifyListener:
    """A datagram socket standing in for systemd's notify socket, reading sender credentials."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(str(path))

    def receive(self, timeout: float) -> Datagram | None:
        """The next datagram, or None if none arrives within timeout seconds."""
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return None
        data, ancdata, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(struct.calcsize("3i")))
        pid = -1
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("3i", payload[: struct.calcsize("3i")])[0]
        fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
        return Datagram(pid, fields)

    def close(self) -> None:
        """Close and remove the socket."""
        self.sock.close()
        self.path.unlink(missing_ok=True)


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[NotifyListener]:
    sock = NotifyListener(tmp_path / "notify")
    yield sock
    sock.close()


class MiniSupervisor:
    """Honours READY=1 and WATCHDOG=1 like systemd's Type=notify + WatchdogSec, with Restart=always."""

    def __init__(self, listener: NotifyListener, watchdog_sec: float) -> None:
        self.listener = listener
        self.watchdog_sec = watchdog_sec
        self.child: subprocess.Popen[str] | None = None
        self.children: list[subprocess.Popen[str]] = []
        self.log: list[str] = []

    def start(self) -> subprocess.Popen[str]:
        """Start the app with NOTIFY_SOCKET and WATCHDOG_USEC set, as systemd does."""
        env = dict(os.environ)
        env.update(
            NOTIFY_SOCKET=str(self.listener.path),
            WATCHDOG_USEC=str(int(self.watchdog_sec * 1_000_000)),
            PYTHONPATH=str(REPO),
        )
        self.child = subprocess.Popen(
            [sys.executable, "-c", CHILD], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.children.append(self.child)
        self.log.append(f"started {self.child.pid}")
        return self.child

    def wait_ready(self, limit: float = 60.0) -> None:
        """Wait for READY=1 from the current child (a service start timeout as the failure guard)."""
        assert self.child is not None
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            msg = self.listener.receive(deadline - time.monotonic())
            if msg and msg.pid == self.child.pid and msg.fields.get("READY") == "1":
                self.log.append(f"ready {msg.pid} {msg.fields.get('STATUS', '')}")
                return
        raise AssertionError(f"no READY=1 from {self.child.pid}: {self.log}")

    def supervise_until_expiry(self, max_pings: int) -> int:
        """Count pings until the watchdog expires (then kill the child, as systemd does); -1 if never."""
        assert self.child is not None
        pings = 0
        while pings <= max_pings:
            msg = self.listener.receive(self.watchdog_sec)
            if msg is None:
                self.log.append(f"watchdog expired {self.child.pid}")
                self.child.send_signal(signal.SIGKILL)
                self.child.wait()
                return pings
            if msg.pid == self.child.pid and msg.fields.get("WATCHDOG") == "1":
                pings += 1
        return -1

    def stop(self) -> None:
        """Kill whatever child is left and close the pipes."""
        for child in self.children:
            if child.poll() is None:
                child.kill()
                child.wait()
            for pipe in (child.stdin, child.stdout):
                if pipe is not None:
                    pipe.close()


def test_hung_event_loop_stops_pings_and_supervisor_restarts_the_app(listener: NotifyListener) -> None:
    supervisor = MiniSupervisor(listener, watchdog_sec=2.0)
    try:
        first = supervisor.start()
        supervisor.wait_ready()
        # A healthy loop keeps the watchdog fed: three pings arrive without it expiring.
        assert supervisor.supervise_until_expiry(max_pings=2) == -1
        assert first.stdin is not None and first.stdout is not None
        first.stdin.write("hang\n")
        first.stdin.flush()
        assert first.stdout.readline().strip() == "hanging"
        # Blocked loop: only pings already in flight arrive, then the watchdog expires.
        assert supervisor.supervise_until_expiry(max_pings=5) in (0, 1)
        assert first.returncode == -signal.SIGKILL
        second = supervisor.start()
        supervisor.wait_ready()
        assert second.pid != first.pid
        assert supervisor.supervise_until_expiry(max_pings=1) == -1
    finally:
        supervisor.stop()
    events = [entry.split()[0] for entry in supervisor.log]
    assert events == ["started", "ready", "watchdog", "started", "ready"]


async def test_notifier_sends_systemd_assignments(listener: NotifyListener) -> None:
    env = {"NOTIFY_SOCKET": str(listener.path), "WATCHDOG_USEC": "30000000"}
    watchdog = Watchdog(env=env)
    assert watchdog.interval == 15.0
    watchdog.ready("主页\n就绪")
    first = listener.receive(5)
    assert first is not None and first.pid == os.getpid()
    assert first.fields == {"READY": "1", "STATUS": "主页 就绪"}
    ping = await asyncio.to_thread(listener.receive, 5)
    assert ping is not None and ping.fields == {"WATCHDOG": "1"}
    await watchdog.stop()
    stopping = listener.receive(5)
    assert stopping is not None and stopping.fields == {"STOPPING": "1"}


async def test_abstract_namespace_socket_is_reached() -> None:
    name = f"legal-kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    try:
        notifier = Notifier({"NOTIFY_SOCKET": "@" + name})
        assert notifier.status("正在更新")
        assert sock.recv(100).decode() == "STATUS=正在更新"
        notifier.close()
    finally:
        sock.close()


async def test_without_notify_socket_everything_is_a_no_op() -> None:
    watchdog = Watchdog(env={"WATCHDOG_USEC": "30000000"})
    assert not watchdog.notifier.enabled
    assert watchdog.interval is None
    watchdog.ready("home")
    assert not watchdog.notifier.ping()
    await watchdog.stop()
    await asyncio.sleep(0)
    assert asyncio.all_tasks() == {asyncio.current_task()}


def test_gone_manager_does_not_crash_the_app(tmp_path: Path) -> None:
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    assert notifier.enabled
    assert not notifier.ping()
    assert not notifier.ping()
    notifier.close()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000"}, 15.0),
        ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "0"}, None),
        ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "soon"}, None),
        ({"WATCHDOG_USEC": "30000000"}, None),
    ],
)
def test_watchdog_interval_is_half_of_watchdog_usec(env: dict[str, str], expected: float | None) -> None:
    assert watchdog_interval(env) == expected
