"""The Linux installer: units verified by systemd, scripts linted, a staged install registered and removed."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
LINUX = REPO / "installer" / "linux"
UNITS = ["legal-kiosk-session.service", "legal-kiosk-update.service", "legal-kiosk-update.timer"]
VERSION = "0.9.1+gtest"


def fake_bundle(folder: Path) -> Path:
    """A bundle folder whose tools run the real registration and updater code from this tree."""
    (folder / "_internal").mkdir(parents=True)
    (folder / "_internal" / "VERSION").write_text(VERSION + "\n")
    tools = {"kiosk-register": "kiosk.registration", "kiosk-update": "kiosk.updater"}
    for name, module in tools.items():
        script = folder / name
        script.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m {module} "$@"\n')
        script.chmod(0o755)
    (folder / "kiosk").write_text('#!/bin/sh\necho \'{"event":"ready","screen":"home"}\'\n')
    (folder / "kiosk").chmod(0o755)
    return folder


async def enrol_view(request: web.Request) -> web.Response:
    """The enrolment contract (see tests/test_registration.py): code 123456 is valid once."""
    body = await request.json()
    codes = request.app[CODES]
    if body.get("code") not in codes:
        return web.json_response({"error": "invalid_code"}, status=403)
    codes.discard(body["code"])
    reply = {"token": "secret-token", "terminal_id": "T-7", "village": "柳树湾村", "config": {}}
    return web.json_response(reply)


CODES = web.AppKey("codes", set[str])


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app[CODES] = {"123456"}
    app.router.add_post("/api/terminals/enrol", enrol_view)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


def run_script(name: str, destdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run install.sh / uninstall.sh staged into destdir."""
    env = {**os.environ, "DESTDIR": str(destdir)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run(
        ["bash", str(LINUX / name), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def files_under(root: Path) -> list[str]:
    """Every file and symlink under root (directories left empty do not count)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink())


async def test_install_registers_the_terminal_and_uninstall_removes_everything(
    server: str, tmp_path: Path
) -> None:
    bundle, dest = fake_bundle(tmp_path / "dist" / "kiosk"), tmp_path / "root"
    args = ["--bundle", str(bundle), "--server", server, "--code", "123456", "--name", "村委会"]
    done = await asyncio.to_thread(run_script, "install.sh", dest, *args)
    assert done.returncode == 0, done.stderr
    assert "登记成功：柳树湾村" in done.stdout

    opt = dest / "opt" / "legal-kiosk"
    assert os.readlink(opt / "current") == f"versions/{VERSION}"
    assert os.readlink(opt / "kiosk") == "current"
    assert os.access(opt / "kiosk" / "kiosk", os.X_OK)  # the path ExecStart runs
    units = dest / "etc" / "systemd" / "system"
    assert sorted(p.name for p in units.iterdir() if p.name.startswith("legal-kiosk")) == sorted(UNITS)
    assert os.readlink(units / "ctrl-alt-del.target") == "/dev/null"
    logind = (dest / "etc" / "systemd" / "logind.conf.d" / "50-legal-kiosk.conf").read_text()
    assert "NAutoVTs=0" in logind and "ReserveVT=0" in logind
    state = dest / "var" / "lib" / "legal-kiosk"
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    config = state / "kiosk.toml"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    settings = tomllib.loads(config.read_text())
    assert (settings["token"], settings["village"]) == ("secret-token", "柳树湾村")
    assert settings["server_url"] == server

    # The boot check the unit runs before each start works on the fresh install.
    boot_check = [str(opt / "kiosk" / "kiosk-update"), "boot-check", "--root", str(opt)]
    check = await asyncio.to_thread(subprocess.run, boot_check, capture_output=True, text=True, check=False)
    assert (check.returncode, check.stdout.strip()) == (0, VERSION)

    removed = await asyncio.to_thread(run_script, "uninstall.sh", dest)
    assert removed.returncode == 0, removed.stderr
    assert files_under(dest) == []


async def test_wrong_code_stops_the_install_with_the_reason(server: str, tmp_path: Path) -> None:
    bundle, dest = fake_bundle(tmp_path / "dist" / "kiosk"), tmp_path / "root"
    args = ["--bundle", str(bundle), "--server", server, "--code", "000000"]
    done = await asyncio.to_thread(run_script, "install.sh", dest, *args)
    assert done.returncode != 0
    assert "登记码不对" in done.stderr
    assert "secret-token" not in (dest / "var" / "lib" / "legal-kiosk" / "kiosk.toml").read_text()


def test_install_without_a_bundle_says_how_to_make_one(tmp_path: Path) -> None:
    done = run_script("install.sh", tmp_path / "root", "--bundle", str(tmp_path / "none"), "--no-register")
    assert done.returncode != 0 and "make bundle" in done.stderr
    assert not (tmp_path / "root").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    # Verify the units as installed: /opt/legal-kiosk points at a staged install's executables.
    dest = tmp_path / "root"
    done = run_script("install.sh", dest, "--bundle", str(fake_bundle(tmp_path / "b")), "--no-register")
    assert done.returncode == 0, done.stderr
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS:
        text = (LINUX / unit).read_text().replace("/opt/legal-kiosk", str(dest / "opt" / "legal-kiosk"))
        (units / unit).write_text(text)
    verify = subprocess.run(
        ["systemd-analyze", "verify", *(str(units / u) for u in UNITS)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stderr
    assert verify.stderr.strip() == ""


@pytest.mark.parametrize("script", ["install.sh", "uninstall.sh"])
def test_scripts_parse_and_pass_shellcheck(script: str) -> None:
    assert subprocess.run(["bash", "-n", str(LINUX / script)], check=False).returncode == 0
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck not installed (Debian package shellcheck)")
    lint = subprocess.run(["shellcheck", str(LINUX / script)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout
