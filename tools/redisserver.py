"""A throwaway redis-server on 127.0.0.1 for tests and benches."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tools.appdriver import free_port


class RedisUnavailableError(RuntimeError):
    """redis-server is not installed (Debian package redis-server)."""


class RedisServer:
    """redis-server --port PORT --bind 127.0.0.1 --save '' in a temp dir."""

    def __init__(self, port: int | None = None, *, appendonly: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisUnavailableError("redis-server not installed: apt-get install redis-server")
        self.binary = binary
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="redis-"))
        self.appendonly = appendonly  # persist every write (AOF) so a restart keeps the data
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """redis:// URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        """Start and wait until it accepts connections."""
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes" if self.appendonly else "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start in time")

    def restart(self, down_s: float = 0.0) -> None:
        """Stop the server (it saves its AOF), stay down a while, start it again on the same port."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        time.sleep(down_s)
        self.start()

    def stop(self) -> None:
        """Stop it and remove its files."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)
