"""The locked-down session for real: cage headless with the unit's settings, READY=1, no title bar."""

from __future__ import annotations

import os
import select
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UNIT = REPO / "installer" / "linux" / "legal-kiosk-session.service"
RED = bytes([0xC0, 0x00, 0x00])

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("cage") and shutil.which("grim") and shutil.which("setpriv")),
        reason="needs Debian's cage, grim and setpriv (tools/debian-packages.txt)",
    ),
    pytest.mark.skipif(
        os.geteuid() != 0, reason="cage refuses root; the test drops to `nobody` with setpriv"
    ),
]

# Stands in for the kiosk app, following DESIGN.md's recipe for cage: a window one pixel smaller
# than the output, plain show(); it reports READY=1 through kiosk.watchdog once its first frame is out.
APP = """
import sys
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtQuick import QQuickView
from kiosk.watchdog import Watchdog

app = QGuiApplication(sys.argv)
view = QQuickView()
view.setColor(QColor("#c00000"))
size = app.primaryScreen().size()
view.resize(size.width() - 1, size.height() - 1)
watchdog = Watchdog()
def first_frame():
    view.frameSwapped.disconnect(first_frame)
    watchdog.notifier.ready(f"home {size.width()}x{size.height()}")
view.frameSwapped.connect(first_frame)
view.show()
app.exec()
"""

# Run as nobody, keeping read access to this tree and the venv (which live under /root's pyenv).
AS_NOBODY = "setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=+dac_read_search "
AS_NOBODY += "--ambient-caps=+dac_read_search"


def unit_session() -> tuple[dict[str, str], list[str]]:
    """The unit's Environment= settings and cage's options from its ExecStart."""
    env: dict[str, str] = {}
    cage_options: list[str] = []
    for line in UNIT.read_text().splitlines():
        if line.startswith("Environment="):
            key, _, value = line.removeprefix("Environment=").partition("=")
            env[key] = value
        elif line.startswith("ExecStart="):
            argv = shlex.split(line.removeprefix("ExecStart="))
            cage_options = argv[1 : argv.index("--")]
    return env, cage_options


class Session:
    """cage on a headless output as `nobody`, running the stand-in app, with a notify socket."""

    def __init__(self, tmp: Path, env: dict[str, str], cage_options: list[str]) -> None:
        self.runtime = tmp / "run"
        self.runtime.mkdir(mode=0o700)
        shutil.chown(self.runtime, "nobody", "nogroup")
        (tmp / "app.py").write_text(APP)
        notify_dir = tmp / "notify"
        notify_dir.mkdir()
        notify_dir.chmod(0o755)
        self.notify_path = notify_dir / "sock"
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(str(self.notify_path))
        self.notify_path.chmod(0o777)  # systemd's notify socket is writable by the service's user
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "PYTHONPATH": str(REPO),
            "NOTIFY_SOCKET": str(self.notify_path),
            # Headless output; pixman composes only shared-memory buffers, so Qt Quick draws in
            # software here (a real terminal's GPU takes Qt's OpenGL buffers).
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
            "QT_QUICK_BACKEND": "software",
            **env,
        }
        cmd = [*shlex.split(AS_NOBODY), "cage", *cage_options, "--", sys.executable, str(tmp / "app.py")]
        self.cage = subprocess.Popen(cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_ready(self, timeout_s: float = 60.0) -> str:
        """Wait for the app's READY=1 (as systemd would for Type=notify); its STATUS text."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.cage.poll() is None:
            readable, _, _ = select.select([self.notify], [], [], 0.5)
            if readable:
                fields = dict(line.split("=", 1) for line in self.notify.recv(4096).decode().splitlines())
                if fields.get("READY") == "1":
                    return fields.get("STATUS", "")
        if self.cage.poll() is None:
            self.cage.terminate()
        _, stderr = self.cage.communicate(timeout=10)
        raise AssertionError(f"no READY=1 through cage: {stderr.decode()[-2000:]}")

    def screenshot(self) -> tuple[int, int, bytes]:
        """The output's pixels (width, height, RGB bytes), taken with grim."""
        sockets = [p.name for p in self.runtime.iterdir() if p.name.startswith("wayland-") and p.is_socket()]
        env = {**self.env, "WAYLAND_DISPLAY": sockets[0]}
        grim = [*shlex.split(AS_NOBODY), "grim", "-t", "ppm", "-"]
        shot = subprocess.run(grim, env=env, capture_output=True, check=False)
        assert shot.returncode == 0, shot.stderr.decode()
        magic, dims, _maxval, pixels = shot.stdout.split(b"\n", 3)
        assert magic == b"P6"
        width, height = map(int, dims.split())
        return width, height, pixels

    def close(self) -> None:
        """Stop cage and the app, close the socket."""
        if self.cage.poll() is None:
            self.cage.terminate()
            try:
                self.cage.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.cage.kill()
                self.cage.wait()
        if self.cage.stderr is not None:
            self.cage.stderr.close()
        self.notify.close()


@pytest.fixture
def session_factory(tmp_path: Path) -> Iterator[list[Session]]:
    sessions: list[Session] = []
    yield sessions
    for session in sessions:
        session.close()


def red_share_and_top_row(width: int, height: int, pixels: bytes) -> tuple[float, bool]:
    """Share of (sampled) pixels in the app's red, and whether the top row's middle is red."""
    samples = [pixels[i : i + 3] for i in range(0, len(pixels) - 2, 3 * 61)]
    middle_of_top_row = pixels[(width // 2) * 3 : (width // 2) * 3 + 3]
    return sum(s == RED for s in samples) / len(samples), middle_of_top_row == RED


def wait_for_first_paint(session: Session, timeout_s: float = 20.0) -> tuple[float, bool]:
    """Screenshots until the app's colour shows (composition trails READY by a frame or two)."""
    deadline = time.monotonic() + timeout_s
    while True:
        share, top_red = red_share_and_top_row(*session.screenshot())
        if share > 0.5 or time.monotonic() > deadline:
            return share, top_red
        time.sleep(0.2)


def test_unit_session_shows_the_app_fullscreen_without_a_title_bar(
    tmp_path: Path, session_factory: list[Session]
) -> None:
    env, cage_options = unit_session()
    assert cage_options == ["-d"] and "-s" not in cage_options  # no VT switching
    session = Session(tmp_path, env, cage_options)
    session_factory.append(session)
    status = session.wait_ready()
    assert status.startswith("home ")
    share, top_red = wait_for_first_paint(session)
    assert top_red, "a title bar (a way out of the kiosk) is drawn at the top"
    assert share > 0.99


def test_without_the_units_settings_qt_draws_a_title_bar(
    tmp_path: Path, session_factory: list[Session]
) -> None:
    # The control: the same app with decorations left on shows a title bar with a close button.
    env, _ = unit_session()
    env.pop("QT_WAYLAND_DISABLE_WINDOWDECORATION")
    session = Session(tmp_path, env, cage_options=[])
    session_factory.append(session)
    session.wait_ready()
    share, top_red = wait_for_first_paint(session)
    assert share > 0.5 and not top_red
