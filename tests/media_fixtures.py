"""Helpers behind the media tests' fixtures: loopback ICE, a real coturn, a private PulseAudio, TURN creds."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from media.flows import CallInfo
from media.synthetic import read_stamp


def free_port() -> int:
    """A port on 127.0.0.1 free right now for both TCP and UDP."""
    from tools.appdriver import free_port as free_tcp_and_udp_port

    return free_tcp_and_udp_port()


def use_loopback_host_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """aioice never offers 127.0.0.1; for in-process tests offer only that (test code only)."""
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


def _wait_for(condition: Any, what: str, timeout_s: float = 10.0) -> None:
    """Poll a condition of an external process starting up (not a timing assertion)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout_s} s")
        time.sleep(0.02)


@dataclass
class Coturn:
    """A running coturn on 127.0.0.1 with REST (use-auth-secret) credentials."""

    port: int
    secret: str

    def ice_servers(self, secret: str | None = None, ttl_s: int = 600) -> list[dict[str, Any]]:
        """WebRTC-style ice_servers with coturn REST credentials (as the pool server mints them)."""
        username = f"{int(time.time()) + ttl_s}:test"
        key = (self.secret if secret is None else secret).encode()
        password = base64.b64encode(hmac.new(key, username.encode(), hashlib.sha1).digest()).decode()
        return [
            {
                "urls": [f"turn:127.0.0.1:{self.port}?transport=udp"],
                "username": username,
                "credential": password,
            }
        ]


@contextlib.contextmanager
def run_coturn(workdir: Path) -> Iterator[Coturn]:
    """Start `turnserver` on a free 127.0.0.1 port, relaying on 127.0.0.1, and stop it after."""
    if shutil.which("turnserver") is None:
        pytest.skip("coturn (turnserver) is not installed; tools/debian-packages.txt lists it")
    port = free_port()
    secret = "media-test-secret"
    log_path = workdir / "turn.log"
    args = [
        "turnserver",
        "-n",
        "--listening-ip=127.0.0.1",
        f"--listening-port={port}",
        "--relay-ip=127.0.0.1",
        "--min-port=49160",
        "--max-port=49400",
        "--use-auth-secret",
        f"--static-auth-secret={secret}",
        "--realm=media.test",
        "--no-tls",
        "--no-dtls",
        "--allow-loopback-peers",
        "--no-cli",
        f"--log-file={log_path}",
        "--simple-log",
        f"--pidfile={workdir / 'turn.pid'}",
        f"--userdb={workdir / 'turn.db'}",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listening() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"turnserver exited: {log_path.read_text(errors='replace')[-2000:]}")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        _wait_for(listening, "turnserver")
        yield Coturn(port=port, secret=secret)
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class PulseServer:
    """A private PulseAudio daemon with one null sink; its monitor is the default microphone."""

    process: subprocess.Popen[bytes]
    server: str

    def kill(self) -> None:
        """Take the sound server away, as when a USB sound card is pulled."""
        self.process.kill()
        self.process.wait(timeout=10)


def _reinitialise_portaudio() -> None:
    """PortAudio lists devices when it starts: restart it so it sees the current sound server."""
    if "sounddevice" in sys.modules:
        import sounddevice

        sounddevice._terminate()
        sounddevice._initialize()


@contextlib.contextmanager
def run_pulseaudio(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseServer]:
    """Run a per-test PulseAudio (null sink 'speaker', default source its monitor); PULSE_SERVER set."""
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed; tools/debian-packages.txt lists it")
    runtime = workdir / "pulse"
    runtime.mkdir(mode=0o700)
    socket_path = runtime / "native"
    script = runtime / "default.pa"
    script.write_text(
        f"load-module module-native-protocol-unix socket={socket_path} auth-anonymous=1\n"
        "load-module module-null-sink sink_name=speaker rate=48000 channels=2\n"
        "set-default-sink speaker\n"
        "set-default-source speaker.monitor\n"
    )
    env = {
        **os.environ,
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime),
        "PULSE_STATE_PATH": str(runtime),
    }
    process = subprocess.Popen(
        [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=no",
            "--system=no",
            "-n",
            "-F",
            str(script),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError("pulseaudio exited at start")
        return socket_path.exists()

    server = f"unix:{socket_path}"
    for key in ("HOME", "XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH", "PULSE_STATE_PATH"):
        monkeypatch.setenv(key, env[key])
    monkeypatch.setenv("PULSE_SERVER", server)
    try:
        _wait_for(ready, "pulseaudio")
        _reinitialise_portaudio()
        yield PulseServer(process=process, server=server)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


class FakePool:
    """A small in-process aiohttp stand-in for the pool server, speaking only the call flow.

    One kiosk token, one lawyer; it records the messages it got and the CallStats of each side.
    """

    KIOSK_TOKEN = "kiosk-token"
    USERNAME, PASSWORD = "lawyer", "secret"

    def __init__(self, ice_servers: list[dict[str, Any]] | None = None, hotline: str = "12348") -> None:
        from aiohttp import web

        self.ice_servers = ice_servers or []
        self.hotline = hotline
        self.sockets: dict[str, Any] = {}  # role -> WebSocketResponse
        self.on_duty = False
        self.call: dict[str, Any] = {}  # the one current call
        self.ended_call_id = ""
        self._ids = itertools.count(1)
        self.stats: dict[str, dict[str, Any]] = {}
        self.hangups: list[tuple[str, str]] = []  # (role that hung up, reason)
        self.received: list[Any] = []
        app = web.Application()
        app.router.add_post("/api/login", self._login)
        app.router.add_get("/ws", self._ws)
        self._runner = web.AppRunner(app)
        self.url = ""

    async def start(self) -> str:
        from aiohttp import web

        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()  # the kernel picks a free TCP port
        port = int(self._runner.addresses[0][1])
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        for ws in list(self.sockets.values()):
            await ws.close()
        await self._runner.cleanup()

    async def _login(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.json()
        if (body.get("username"), body.get("password")) != (self.USERNAME, self.PASSWORD):
            raise web.HTTPUnauthorized()
        return web.json_response(
            {"token": "lawyer-token", "display_name": "王律师", "law_firm": "阳光律师事务所"}
        )

    async def _send(self, role: str, message: Any) -> None:
        from protocol.messages import encode

        if role in self.sockets:
            await self.sockets[role].send_str(encode(message))

    async def _ws(self, request: Any) -> Any:
        from aiohttp import web

        from protocol.messages import Welcome, decode

        roles = {f"Bearer {self.KIOSK_TOKEN}": "kiosk", "Bearer lawyer-token": "lawyer"}
        role = roles.get(request.headers.get("Authorization", ""))
        if role is None:
            raise web.HTTPUnauthorized()
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets[role] = ws
        await self._send(role, Welcome(client_id=role, role=role, display_name=role, hotline=self.hotline,
                                       server_time=time.time()))  # fmt: skip
        async for raw in ws:
            message = decode(raw.data)
            self.received.append(message)
            await self._handle(role, message)
        self.sockets.pop(role, None)
        return ws

    async def _handle(self, role: str, m: Any) -> None:
        from protocol import messages as p

        other = "lawyer" if role == "kiosk" else "kiosk"
        call_id = self.call.get("call_id", "")
        if isinstance(m, p.CallRequest):
            if not self.on_duty or "lawyer" not in self.sockets or self.call:
                await self._send(role, p.NoLawyerAvailable(m.request_id, None, self.hotline, "no_lawyer"))
                return
            self.call = {"call_id": f"call-{next(self._ids)}", "request_id": m.request_id, "offer": None}
            call_id = self.call["call_id"]
            await self._send(role, p.CallQueued(m.request_id, call_id, 1, self.ice_servers))
            await self._send("lawyer", p.Ring(call_id, "kiosk-1", "一号终端", "杨柳村", m.topic, 20.0))
        elif isinstance(m, p.SetDuty):
            self.on_duty = m.on_duty
            await self._send(role, p.DutyState("available" if m.on_duty else "off_duty", m.on_duty))
        elif isinstance(m, p.CallStats) and m.call_id in (call_id, self.ended_call_id):
            self.stats[role] = m.stats
        elif m.__dict__.get("call_id") != call_id:
            unknown = m.__dict__.get("call_id")
            await self._send(role, p.Error(p.ErrorCode.NOT_FOUND.value, "no such call", unknown))
        elif isinstance(m, p.Offer):
            self.call["offer"] = m
            if self.call.get("accepted"):
                await self._send("lawyer", m)
        elif isinstance(m, p.CancelCall):
            self.call = {}
            await self._send("lawyer", p.RingCancelled(m.call_id, "cancelled"))
        elif isinstance(m, p.Decline):
            request_id = self.call["request_id"]
            self.call = {}
            await self._send("kiosk", p.NoLawyerAvailable(request_id, call_id, self.hotline, "declined"))
        elif isinstance(m, p.Accept):
            self.call["accepted"] = True
            await self._send("kiosk", p.CallAccepted(call_id, "王律师", "阳光律师事务所", self.ice_servers))
            await self._send("lawyer", p.CallAccepted(call_id, "一号终端", "杨柳村", self.ice_servers))
            if self.call["offer"] is not None:
                await self._send("lawyer", self.call["offer"])
        elif isinstance(m, p.Answer):
            await self._send("kiosk", m)
        elif isinstance(m, p.Hangup):
            self.hangups.append((role, m.reason))
            self.ended_call_id, self.call = call_id, {}
            await self._send(other, m)


FLOW_WAIT_S = 20.0  # generous ceiling on a loaded 2-core machine; tests wait on events, not time


class StateLog:
    """Records every state a flow reports and lets a test wait for one."""

    def __init__(self, flow: Any, transitions: dict[Any, frozenset[Any]]) -> None:
        self.states: list[Any] = [flow.state]
        self.infos: list[CallInfo] = []
        self.illegal: list[tuple[Any, Any]] = []
        self._transitions = transitions
        self._changed = asyncio.Event()
        flow.add_state_listener(self)

    def __call__(self, state: Any, info: CallInfo) -> None:
        previous = self.states[-1]
        if state != previous and state not in self._transitions[previous]:
            self.illegal.append((previous, state))
        if state != previous:
            self.states.append(state)
        self.infos.append(info)
        self._changed.set()

    async def reach(self, state: Any) -> CallInfo:
        """Wait until the flow reports `state`; returns the info it carried."""
        async with asyncio.timeout(FLOW_WAIT_S):
            while self.states[-1] != state:
                self._changed.clear()
                await self._changed.wait()
        return self.infos[-1]


class Stamped:
    """Counts remote frames that carry a valid synthetic stamp."""

    def __init__(self, wanted: int = 10) -> None:
        self.seqs: list[int] = []
        self.enough = asyncio.Event()
        self._wanted = wanted

    def __call__(self, frame: Any) -> None:
        stamp = read_stamp(frame)
        if stamp is not None:
            self.seqs.append(stamp.seq)
        if len(self.seqs) >= self._wanted:
            self.enough.set()
