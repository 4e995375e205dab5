"""Device self-test: camera, microphone, speaker, server, TURN and printer, each with plain advice."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import struct
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlparse

import aiohttp


class CheckStatus(StrEnum):
    """The outcome of one check."""

    OK = "ok"
    WARNING = "warning"
    FAILED = "failed"
    SKIPPED = "skipped"  # not configured on this terminal (e.g. no printer)


@dataclass(frozen=True)
class CheckResult:
    """One line of the self-test screen, and what is sent to the centre."""

    name: str  # machine name: camera, microphone, speaker, server, turn, printer
    title: str  # 摄像头
    status: CheckStatus
    message: str  # what was found, in plain Chinese
    advice: str = ""  # what to do about a failure

    def to_json(self) -> dict[str, Any]:
        """The form sent with the heartbeat."""
        return {**asdict(self), "status": self.status.value}


def check_camera(index: int = 0) -> CheckResult:
    """Open the camera and read one frame."""
    import cv2

    cap = cv2.VideoCapture(index)
    try:
        if not cap.isOpened():
            return CheckResult(
                "camera",
                "摄像头",
                CheckStatus.FAILED,
                "没有找到摄像头",
                "请检查摄像头的线是否插好，然后重新检测",
            )
        ok, frame = cap.read()
        if not ok or frame is None:
            return CheckResult(
                "camera",
                "摄像头",
                CheckStatus.FAILED,
                "摄像头没有画面",
                "请把摄像头拔下来重新插上，然后重新检测",
            )
        height, width = frame.shape[:2]
        return CheckResult("camera", "摄像头", CheckStatus.OK, f"摄像头正常（{width}×{height}）")
    finally:
        cap.release()


def check_microphone(seconds: float = 1.0) -> CheckResult:
    """Record a moment and report the level (a meter on screen uses the same figure)."""
    try:
        import numpy as np
        import sounddevice as sd

        recording = sd.rec(int(48000 * seconds), samplerate=48000, channels=1, dtype="int16")
        sd.wait()
    except Exception as exc:  # PortAudioError and friends: no device or no sound server
        return CheckResult(
            "microphone",
            "麦克风",
            CheckStatus.FAILED,
            "没有找到麦克风",
            f"请检查麦克风连接（{type(exc).__name__}）",
        )
    level = float(np.sqrt(np.mean(np.square(recording.astype(np.float64))))) if len(recording) else 0.0
    if level < 1.0:
        return CheckResult(
            "microphone", "麦克风", CheckStatus.WARNING, "麦克风没有收到声音", "请对着麦克风说话后重新检测"
        )
    return CheckResult("microphone", "麦克风", CheckStatus.OK, f"麦克风正常（音量 {level:.0f}）")


def check_speaker(seconds: float = 0.5) -> CheckResult:
    """Play a short test tone."""
    try:
        import numpy as np
        import sounddevice as sd

        t = np.arange(int(48000 * seconds)) / 48000
        tone = (np.sin(2 * np.pi * 660 * t) * 8000).astype(np.int16)
        sd.play(tone, 48000)
        sd.wait()
    except Exception as exc:
        return CheckResult(
            "speaker",
            "喇叭",
            CheckStatus.FAILED,
            "喇叭无法播放声音",
            f"请检查喇叭电源和音量（{type(exc).__name__}）",
        )
    return CheckResult("speaker", "喇叭", CheckStatus.OK, "已播放测试音，请确认听到“嘟”的一声")


async def check_server(server_url: str, timeout_s: float = 5.0) -> CheckResult:
    """Reach the pool server's health endpoint."""
    started = time.monotonic()
    try:
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as http, http.get(f"{server_url}/healthz") as resp:
            ok = resp.status == 200
    except (aiohttp.ClientError, TimeoutError, OSError):
        ok = False
    if not ok:
        return CheckResult(
            "server",
            "网络和服务器",
            CheckStatus.FAILED,
            "连不上法律援助中心的服务器",
            "请检查网线或无线网络；仍不行请联系县法律援助中心",
        )
    ms = (time.monotonic() - started) * 1000
    return CheckResult("server", "网络和服务器", CheckStatus.OK, f"服务器连接正常（{ms:.0f} 毫秒）")


def _stun_binding_request() -> tuple[bytes, bytes]:
    """A STUN Binding request (RFC 5389) and its transaction id."""
    txid = os.urandom(12)
    return struct.pack("!HHI12s", 0x0001, 0, 0x2112A442, txid), txid


async def check_turn(turn_url: str, timeout_s: float = 3.0) -> CheckResult:
    """Send a STUN binding request to the TURN server over UDP and wait for its answer."""
    if not turn_url:
        return CheckResult("turn", "视频中转服务器", CheckStatus.SKIPPED, "未配置中转服务器")
    parsed = urlparse(turn_url.replace("turn:", "turn://", 1).replace("stun:", "stun://", 1))
    host, port = parsed.hostname or "", parsed.port or 3478
    request, txid = _stun_binding_request()
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        await loop.sock_sendall(sock, request)
        reply = await asyncio.wait_for(loop.sock_recv(sock, 2048), timeout_s)
        ok = len(reply) >= 20 and reply[8:20] == txid and reply[0:2] == b"\x01\x01"
    except (OSError, TimeoutError):
        ok = False
    finally:
        sock.close()
    if not ok:
        return CheckResult(
            "turn",
            "视频中转服务器",
            CheckStatus.WARNING,
            "视频中转服务器没有回应",
            "网络较差时视频可能接不通；请联系县法律援助中心检查",
        )
    return CheckResult("turn", "视频中转服务器", CheckStatus.OK, "视频中转服务器正常")


def check_printer(printer: str = "") -> CheckResult:
    """Is the configured printer known to CUPS?"""
    if not printer:
        return CheckResult(
            "printer", "打印机", CheckStatus.SKIPPED, "这台终端没有配置打印机，回执显示在屏幕上"
        )
    if shutil.which("lpstat") is None:
        return CheckResult(
            "printer", "打印机", CheckStatus.FAILED, "打印系统没有安装", "请联系技术人员安装 CUPS"
        )
    import subprocess

    done = subprocess.run(["lpstat", "-p", printer], capture_output=True, text=True, check=False)
    if done.returncode != 0 or "disabled" in done.stdout:
        return CheckResult(
            "printer", "打印机", CheckStatus.FAILED, "打印机没有准备好", "请检查打印机电源、纸张和连线"
        )
    return CheckResult("printer", "打印机", CheckStatus.OK, "打印机正常")
