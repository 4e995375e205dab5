"""A throwaway PostgreSQL server for tests and benches, run as an unprivileged user in a temp dir."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tools.appdriver import free_port


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server binaries (Debian package postgresql)."""


def _bin_dir() -> Path:
    """The newest installed PostgreSQL server's bin directory."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise PostgresUnavailableError("PostgreSQL server not installed: apt-get install postgresql")
    return Path(found[-1]).parent


class PostgresServer:
    """initdb + pg_ctl start on 127.0.0.1:port with user `app` and trust auth; stop() removes it all."""

    def __init__(self, user: str = "app") -> None:
        self.bin = _bin_dir()
        self.user = user
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="pg-"))
        self._run_as: str | None = None
        if os.geteuid() == 0:  # the server refuses to run as root
            self._run_as = "nobody"
            pw = pwd.getpwnam("nobody")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    @property
    def url(self) -> str:
        """SQLAlchemy URL for asyncpg."""
        return f"postgresql+asyncpg://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._run_as:
            cmd = ["runuser", "-u", self._run_as, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=self.dir)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> None:
        """Create the cluster and start it; returns when it accepts connections."""
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", self.user, "--no-sync", "-E", "UTF8")
        options = f"-k {self.dir} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        """Stop the server and delete its files."""
        data = self.dir / "data"
        if data.exists():
            with contextlib.suppress(RuntimeError):
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
