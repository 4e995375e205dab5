"""The desk really rings: the ringtone plays on a speaker (a private PulseAudio null sink here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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


@pytest.fixture
def speaker(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private PulseAudio daemon with one null sink, as the environment a child process needs."""
    if shutil.which("pulseaudio") is None:
        pytest.skip("needs pulseaudio (Debian package pulseaudio)")
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
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "-n",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            "--load=module-null-sink sink_name=speaker",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=30,
    )
    env["PULSE_SERVER"] = f"unix:{socket}"
    try:
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, check=False, capture_output=True, timeout=30)


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
