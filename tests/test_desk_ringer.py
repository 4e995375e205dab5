"""The desk really rings: the ringtone plays on a speaker (a private PulseAudio null sink here)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent

RING = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
from ui.ringtone import Ringer
ringer = Ringer(Path(sys.argv[1]))
ringer.start()
loop = QEventLoop()
def check():
    effect = ringer._effect
    if effect is not None and effect.isPlaying():
        loop.quit()
poll = QTimer(); poll.timeout.connect(check); poll.start(20)
QTimer.singleShot(10000, loop.quit)
loop.exec()
playing = ringer._effect is not None and ringer._effect.isPlaying()
ringer.stop()
print(json.dumps({"audible": ringer.audible or playing, "playing": playing}))
"""


def _answers(env: dict[str, str]) -> bool:
    """Whether the PulseAudio server in `env` answers."""
    return subprocess.run(["pactl", "info"], env=env, capture_output=True, check=False).returncode == 0


@pytest.fixture
def speaker(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private PulseAudio daemon with one null sink, as the environment a child process needs."""
    if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
        pytest.skip("needs pulseaudio and pactl (Debian packages pulseaudio, pulseaudio-utils)")
    run = tmp_path / "run"
    (tmp_path / "home").mkdir()
    run.mkdir()
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_RUNTIME_DIR": str(run),
        "PULSE_RUNTIME_PATH": str(run / "pulse"),
        "PULSE_STATE_PATH": str(tmp_path / "state"),
    }
    socket = run / "native"
    # In the foreground, as our own child: stopped and reaped by this fixture, no stray daemon.
    daemon = subprocess.Popen(
        [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "-n",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            "--load=module-null-sink sink_name=speaker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env["PULSE_SERVER"] = f"unix:{socket}"
    try:
        deadline = time.monotonic() + 10
        while not _answers(env):  # wait (on the daemon itself) until it listens
            if daemon.poll() is not None or time.monotonic() > deadline:
                pytest.skip("the private PulseAudio daemon did not start")
            with contextlib.suppress(subprocess.TimeoutExpired):
                daemon.wait(timeout=0.1)
        yield env
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def test_the_ringtone_plays_on_the_speaker(speaker, tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-c", RING, str(tmp_path / "ring.wav")],
        cwd=ROOT,
        env={**speaker, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"audible": True, "playing": True}
