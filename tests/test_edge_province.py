"""installer/province/: the systemd units verify, and the example settings load and agree with them."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import load_settings
from config.settings import ServerSettings

PROVINCE = Path(__file__).resolve().parent.parent / "installer" / "province"
UNITS = {  # unit file -> the name systemd verifies it as (templates with an instance)
    "legal-kiosk-server@.service": "legal-kiosk-server@8471.service",
    "legal-kiosk-postgresql.service": "legal-kiosk-postgresql.service",
    "legal-kiosk-redis.service": "legal-kiosk-redis.service",
    "legal-kiosk-coturn@.service": "legal-kiosk-coturn@north.service",
    "legal-kiosk-haproxy.service": "legal-kiosk-haproxy.service",
    "legal-kiosk-province.target": "legal-kiosk-province.target",
}
# Programs a unit starts that this test machine may lack: verified with a stand-in of the same role.
STAND_INS = {
    "/opt/legal-kiosk-server/.venv/bin/python": sys.executable,
    "/usr/sbin/haproxy": shutil.which("haproxy") or "/bin/true",
    "/usr/lib/postgresql/15/bin/postgres": shutil.which("postgres") or "/bin/true",
    "/usr/bin/redis-server": shutil.which("redis-server") or "/bin/true",
    "/usr/bin/turnserver": shutil.which("turnserver") or "/bin/true",
}


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_every_unit_passes_systemd_analyze_verify(unit: str, tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    for name in UNITS:
        text = (PROVINCE / name).read_text()
        for path, stand_in in STAND_INS.items():
            text = text.replace(path, stand_in)
        (tmp_path / name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / UNITS[unit])],
        capture_output=True,
        text=True,
        env={"SYSTEMD_LOG_LEVEL": "warning", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_the_example_province_settings_load_and_fit_the_node_unit(tmp_path: Path) -> None:
    text = (PROVINCE / "province.toml").read_text()
    if "redis_url" not in {f.name for f in dataclasses.fields(ServerSettings)}:
        text = re.sub(r"(?m)^redis_url = .*$", "", text)  # the cluster core adds this setting
    config = tmp_path / "province.toml"
    config.write_text(text)
    settings = load_settings(ServerSettings, "server", config, env={"POOL_PORT": "8471"})
    assert settings.storage.value == "postgresql" and settings.port == 8471
    assert settings.turn.regions["north"] and settings.turn.village_regions["东村"] == "north"
    assert set(settings.turn.fallback) <= set(settings.turn.regions)
    unit = (PROVINCE / "legal-kiosk-server@.service").read_text()
    stop_s = float(re.search(r"(?m)^TimeoutStopSec=(\d+)$", unit).group(1))  # type: ignore[union-attr]
    assert stop_s > settings.drain_timeout_s + 5  # systemd must not SIGKILL a node still draining
    haproxy = (PROVINCE / "haproxy.cfg").read_text()
    assert "option httpchk GET /readyz" in haproxy  # a draining node (503) gets no new clients
    assert "shutdown-sessions" not in haproxy.replace('No "on-marked-down shutdown-sessions"', "")
