"""Start a real coturn (TURN REST auth) on 127.0.0.1 for tests, benches and the demo."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import typing
from pathlib import Path

from tools.appdriver import free_port


class CoturnUnavailableError(RuntimeError):
    """turnserver is not installed (Debian package coturn)."""


class CoturnProcess:
    """A turnserver with use-auth-secret listening on 127.0.0.1, relaying on 127.0.0.1."""

    def __init__(self, work_dir: Path, secret: str = "kiosk-test-secret", relay_ports: int = 10) -> None:
        binary = shutil.which("turnserver")
        if binary is None:
            raise CoturnUnavailableError("turnserver not found: apt-get install coturn")
        self.binary = binary
        self.work_dir = work_dir
        self.secret = secret
        self.relay_ports = relay_ports  # relay allocations at once (many redials need more)
        self.port = free_port()
        self.url = f"turn:127.0.0.1:{self.port}?transport=udp"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Start turnserver and wait until its port answers."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        relay_lo = 50000 + (self.port % 1000) * 10
        with (self.work_dir / "turnserver.log").open("ab") as log:
            self.proc = self._spawn(log, relay_lo)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"turnserver exited with {self.proc.returncode}")
            if _tcp_listening(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("turnserver did not start in time")

    def _spawn(self, log: typing.BinaryIO, relay_lo: int) -> subprocess.Popen[bytes]:
        """Start the turnserver process, its output going to the log."""
        return subprocess.Popen(
            [
                self.binary,
                "-n",
                "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1",
                f"--listening-port={self.port}",
                f"--min-port={relay_lo}",
                f"--max-port={relay_lo + self.relay_ports - 1}",
                "--use-auth-secret",
                f"--static-auth-secret={self.secret}",
                "--realm=kiosk.test",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--allow-loopback-peers",
                "--fingerprint",
                "--no-software-attribute",
                f"--pidfile={self.work_dir / 'turnserver.pid'}",
                f"--userdb={self.work_dir / 'turndb'}",
                "--log-file=stdout",
                "--simple-log",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        """Stop turnserver."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _tcp_listening(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:port (coturn listens on TCP too)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False
