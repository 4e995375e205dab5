"""Drive the real programs as separate processes: the server, and the kiosk/desk over --automation."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Event = dict[str, Any]


class AppError(RuntimeError):
    """A driven program died, printed an error, or did not do what was asked in time."""


def free_port() -> int:
    """A port on 127.0.0.1 free right now for both TCP and UDP (servers like coturn take both)."""
    for _ in range(50):
        with socket.socket() as tcp, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            try:
                udp.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken for UDP: try another
            return port
    raise OSError("no port free for both TCP and UDP on 127.0.0.1")


def python_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child program: ours, the repo on the path, unbuffered output."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class ServerProcess:
    """The pool server on 127.0.0.1 with its own SQLite file and data dir (key file), seeded with accounts."""

    def __init__(self, data_dir: Path, settings: Sequence[str] = (), port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = data_dir / "pool.sqlite3"
        self.log_path = data_dir / "server.log"
        self.key_dir = (
            data_dir / "data"
        )  # the server's data_dir setting: its data key file, never var/ in the repo
        self.settings = [
            f"port={self.port}",
            f"database_url=sqlite+aiosqlite:///{self.db_path}",
            f"data_dir={self.key_dir}",
            *settings,
        ]
        self.proc: subprocess.Popen[bytes] | None = None

    def _cli(self, *args: str, stdin: str | None = None) -> str:
        sets = [a for s in self.settings for a in ("--set", s)]
        done = subprocess.run(
            [sys.executable, "-m", "server", *sets, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=python_env(),
            cwd=ROOT,
            check=False,
        )
        if done.returncode != 0:
            raise AppError(f"server {args[0]} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def add_lawyer(self, username: str, name: str, firm: str, password: str) -> None:
        """Register a lawyer account."""
        self._cli("add-lawyer", "--username", username, "--name", name, "--firm", firm, stdin=password)

    def add_kiosk(self, name: str, village: str, token: str) -> str:
        """Register a terminal with a known token; returns the token."""
        self._cli("add-kiosk", "--name", name, "--village", village, "--token", token)
        return token

    def start(self, timeout: float = 20.0) -> None:
        """Start `python -m server run` and wait for /healthz."""
        sets = [a for s in self.settings for a in ("--set", s)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server", *sets, "run"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=python_env(),
                cwd=ROOT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AppError(f"server exited with {self.proc.returncode}: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise AppError("server did not become healthy in time")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class AppProcess:
    """A kiosk or desk started with --automation: JSON-line commands in, JSON-line events out."""

    def __init__(
        self,
        module: str,
        args: Sequence[str],
        log_path: Path,
        env: Mapping[str, str] | None = None,
        loopback_ice: bool = True,
    ) -> None:
        self.module = module
        launcher = [str(ROOT / "tools" / "loopback_ice.py")] if loopback_ice else []
        cmd = [sys.executable, *launcher, "-m", module, "--automation", *args]
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=python_env(env),
                cwd=ROOT,
            )
        self.events: queue.Queue[Event] = queue.Queue()
        self.history: list[Event] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").strip()
            if not line.startswith("{"):
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            self.events.put(event)
        self.events.put({"event": "exited", "code": self.proc.wait()})

    def send(self, cmd: str, **fields: Any) -> None:
        """Send one automation command."""
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"cmd": cmd, **fields}) + "\n").encode())
        self.proc.stdin.flush()

    def wait_for(self, predicate: Callable[[Event], bool], timeout: float = 20.0, what: str = "") -> Event:
        """Wait for the first event (new or already seen since the last wait) matching predicate."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [f"{e.get('event')}:{e.get('state', '')}" for e in self.history[-12:]]
                raise AppError(f"{self.module}: timed out waiting for {what or 'event'}; last {seen}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            self.history.append(event)
            if event.get("event") == "exited":
                raise AppError(f"{self.module} exited with {event.get('code')} waiting for {what}")
            if predicate(event):
                return event

    def wait_state(self, state: str, timeout: float = 20.0) -> Event:
        """Wait until the app reports the given flow state."""
        return self.wait_for(
            lambda e: e.get("event") in ("state", "ready") and e.get("state") == state,
            timeout,
            f"state {state}",
        )

    def request(self, cmd: str, reply_event: str, timeout: float = 20.0, **fields: Any) -> Event:
        """Send a command and wait for the event that answers it."""
        self.send(cmd, **fields)
        return self.wait_for(lambda e: e.get("event") == reply_event, timeout, reply_event)

    def close(self, timeout: float = 15.0) -> int:
        """Ask the app to quit; kill it if it does not."""
        if self.proc.poll() is None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.send("quit")
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                with contextlib.suppress(OSError):
                    stream.close()
        return self.proc.returncode
