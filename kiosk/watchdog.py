"""systemd service notifications (sd_notify) and a watchdog pinger driven by the app's asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)

# Under cage the service's main process is the compositor, not the kiosk: systemd's WATCHDOG_PID then
# names cage, so (unlike sd_watchdog_enabled) we do not require it to be our pid. The unit file sets
# NotifyAccess=all so systemd accepts our messages from the compositor's child.


class Notifier:
    """Sends sd_notify datagrams to the socket systemd names in NOTIFY_SOCKET; a no-op without one.

    Attributes:
        address: the socket address (abstract names start with a NUL byte), or None when disabled.
    """

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.address = _socket_address(env.get("NOTIFY_SOCKET", ""))
        self._sock: socket.socket | None = None
        self._warned = False

    @property
    def enabled(self) -> bool:
        """True when a service manager is listening."""
        return self.address is not None

    def send(self, *assignments: str) -> bool:
        """Send one datagram of newline-separated KEY=VALUE lines; False if it could not be sent."""
        if self.address is None:
            return False
        payload = "\n".join(assignments).encode()
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(payload, self.address)
        except OSError as exc:
            if not self._warned:  # the manager may be restarting; say it once, keep the app running
                log.warning("sd_notify to %r failed: %s", self.address, exc)
                self._warned = True
            return False
        return True

    def ready(self, status: str = "") -> bool:
        """Tell the manager the app reached its first screen (READY=1)."""
        return self.send("READY=1", *([f"STATUS={_one_line(status)}"] if status else []))

    def status(self, text: str) -> bool:
        """Set the free-text status shown by `systemctl status`."""
        return self.send(f"STATUS={_one_line(text)}")

    def ping(self) -> bool:
        """Reset the manager's watchdog timer (WATCHDOG=1)."""
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        """Tell the manager the app is shutting down on purpose (STOPPING=1)."""
        return self.send("STOPPING=1")

    def close(self) -> None:
        """Close the socket; later sends reopen it."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watchdog_interval(env: Mapping[str, str] | None = None) -> float | None:
    """Seconds between pings (half of WATCHDOG_USEC), or None when no watchdog is configured."""
    env = os.environ if env is None else env
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0 or not env.get("NOTIFY_SOCKET"):
        return None
    return usec / 2 / 1_000_000


class Watchdog:
    """Pings the service manager from an asyncio task, so a blocked event loop stops the pings.

    Run it on the app's own loop (qasync's loop in the kiosk): if a handler hangs, the task never
    runs again, systemd's WatchdogSec expires and the service is restarted.
    """

    def __init__(self, notifier: Notifier | None = None, env: Mapping[str, str] | None = None) -> None:
        self.notifier = notifier if notifier is not None else Notifier(env)
        self.interval = watchdog_interval(env)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start pinging on the running loop; a no-op when no watchdog is configured."""
        if self.interval is None or self._task is not None:
            return
        self._task = asyncio.get_running_loop().create_task(self._run(self.interval), name="sd-watchdog")

    async def _run(self, interval: float) -> None:
        """Ping, then yield to the loop for one interval, forever."""
        while True:
            self.notifier.ping()
            await asyncio.sleep(interval)

    def ready(self, status: str = "") -> None:
        """Report the first screen reached and start pinging."""
        self.notifier.ready(status)
        self.start()

    async def stop(self) -> None:
        """Stop pinging and tell the manager the app is stopping on purpose."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.notifier.stopping()
        self.notifier.close()


def _socket_address(value: str) -> str | None:
    """NOTIFY_SOCKET as an AF_UNIX address: a path, or '@name' for the abstract namespace."""
    if value.startswith("/"):
        return value
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]
    return None  # unset, or a transport we do not speak (vsock:)


def _one_line(text: str) -> str:
    """Status text on one line (a newline would start a new assignment)."""
    return " ".join(text.split())
