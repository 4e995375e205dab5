"""Terminal registration against a real aiohttp server implementing the enrolment contract."""

from __future__ import annotations

import asyncio
import socket
import stat
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from config.loader import load_settings
from config.settings import KioskSettings
from kiosk import registration
from kiosk.registration import Failure, RegistrationError

CODES = web.AppKey("codes", dict[str, str])
SEEN = web.AppKey("seen", list[dict[str, Any]])
type Server = tuple[str, web.Application]


async def enrol_view(request: web.Request) -> web.Response:
    """The contract: one-time code -> token, terminal id, village and config; 403 for a bad code."""
    body = await request.json()
    village = request.app[CODES].pop(body.get("code", ""), None)
    request.app[SEEN].append(body)
    if village is None:
        return web.json_response({"error": "invalid_code"}, status=403)
    if village == "boom":
        return web.json_response({"error": "internal"}, status=500)
    return web.json_response(
        {
            "token": "tok-" + body["hardware_id"][:8],
            "terminal_id": "T-0042",
            "village": village,
            "config": {
                "hotline": "0731-12348",
                "camera": {"fps": 15},
                "idle_timeout_s": 90,  # a setting this kiosk version does not know yet
                "connect_timeout_s": 9999,  # out of bounds: must not brick the terminal
                "token": "server-may-not-overwrite",
            },
        }
    )


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    app = web.Application()
    app[CODES] = {"123456": "石门村", "666666": "boom"}
    app[SEEN] = []
    app.router.add_post("/api/terminals/enrol", enrol_view)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", app
    await runner.cleanup()


async def test_registration_stores_token_village_and_known_config(server: Server, tmp_path: Path) -> None:
    url, app = server
    config_file = tmp_path / "state" / "kiosk.toml"
    config_file.parent.mkdir()
    config_file.write_text("fullscreen = false\n[audio]\nsample_rate = 16000\n")
    result = await asyncio.to_thread(registration.register, url + "/", " 123456 ", config_file, "村委会一楼")
    assert (result.village, result.terminal_id) == ("石门村", "T-0042")
    assert app[SEEN][0]["name"] == "村委会一楼" and len(app[SEEN][0]["hardware_id"]) == 32
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert sorted(result.applied) == ["camera.fps", "hotline"]
    assert sorted(result.ignored) == ["connect_timeout_s", "idle_timeout_s", "token"]
    settings = load_settings(KioskSettings, "kiosk", config_file, env={})
    assert settings.token == result.token and settings.token.startswith("tok-")
    assert (settings.village, settings.terminal_id, settings.server_url) == ("石门村", "T-0042", url)
    assert (settings.hotline, settings.camera.fps) == ("0731-12348", 15)
    assert (settings.fullscreen, settings.audio.sample_rate) == (False, 16000)  # kept from before
    assert list(config_file.parent.iterdir()) == [config_file]  # no temp files left behind


async def test_wrong_or_used_code_says_so_in_chinese(server: Server, tmp_path: Path) -> None:
    url, _ = server
    config_file = tmp_path / "kiosk.toml"
    await asyncio.to_thread(registration.register, url, "123456", config_file)
    before = config_file.read_bytes()
    with pytest.raises(RegistrationError) as raised:
        await asyncio.to_thread(registration.register, url, "123456", config_file)  # already used
    assert raised.value.failure is Failure.WRONG_CODE
    assert "登记码不对" in str(raised.value)
    assert config_file.read_bytes() == before


async def test_server_error_is_not_blamed_on_the_code(server: Server, tmp_path: Path) -> None:
    url, _ = server
    with pytest.raises(RegistrationError) as raised:
        await asyncio.to_thread(registration.register, url, "666666", tmp_path / "kiosk.toml")
    assert raised.value.failure is Failure.SERVER_ERROR
    assert not (tmp_path / "kiosk.toml").exists()


def test_unreachable_server_says_check_the_network(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RegistrationError) as raised:
        registration.register(f"http://127.0.0.1:{port}", "123456", tmp_path / "kiosk.toml")
    assert raised.value.failure is Failure.UNREACHABLE
    assert "连不上服务器" in str(raised.value)
    assert not (tmp_path / "kiosk.toml").exists()


@pytest.mark.parametrize("typed", ["", "ftp://x", "http://", "https://a.cn/?x=1"])
def test_bad_server_address_is_refused(typed: str) -> None:
    with pytest.raises(RegistrationError) as raised:
        registration.normalise_server_url(typed)
    assert raised.value.failure is Failure.BAD_ADDRESS


def test_typed_address_gets_https_and_qr_link_is_read() -> None:
    assert registration.normalise_server_url(" fw.example.cn:8443/ ") == "https://fw.example.cn:8443"
    link = "legalkiosk://enrol?server=http%3A%2F%2F10.0.0.5%3A8470&code=778899"
    assert registration.parse_enrolment_link(link) == ("http://10.0.0.5:8470", "778899")


async def test_command_line_exit_codes_and_messages(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = server
    args = ["--server", url, "--code", "123456", "--config", str(tmp_path / "k.toml")]
    assert await asyncio.to_thread(registration.main, args) == 0
    assert "登记成功：石门村" in capsys.readouterr().out
    assert await asyncio.to_thread(registration.main, args) == Failure.WRONG_CODE.exit_code
    err = capsys.readouterr().err
    assert "登记码不对" in err and "123456" not in err
    written = tomllib.loads((tmp_path / "k.toml").read_text())
    assert written["terminal_id"] == "T-0042"
