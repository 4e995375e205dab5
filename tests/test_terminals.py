"""Terminals in the field: enrolment with a one-time code, heartbeats, the broken-terminal flag."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import aiohttp
import pytest

from kiosk.heartbeat_data import DeviceState, collect
from kiosk.registration import Failure, RegistrationError, register
from server.keys import TERMINALS
from tests.server_helpers import running_server, server_settings


async def _register(url: str, code: str, config_file: Path):
    return await asyncio.to_thread(register, url, code, config_file, "红星村一号机")


async def test_a_code_enrols_one_terminal_once_and_its_token_works(tmp_path: Path):
    async with running_server(server_settings(tmp_path)) as server:
        code = await server.app[TERMINALS].new_code("红星村服务室", "红星村")
        granted = await _register(server.url, code, tmp_path / "kiosk.toml")
        assert granted.village == "红星村"
        client = await server.connect(granted.token)  # the token opens the signaling socket
        assert client.welcome.role == "kiosk"
        await client.close()
        with pytest.raises(RegistrationError) as refused:
            await _register(server.url, code, tmp_path / "other.toml")
        assert refused.value.failure is Failure.WRONG_CODE


async def test_an_expired_or_made_up_code_is_refused(tmp_path: Path):
    async with running_server(server_settings(tmp_path)) as server:
        expired = await server.app[TERMINALS].new_code("白杨村", "白杨村", valid_s=-1)
        for code in (expired, "23456789"):
            with pytest.raises(RegistrationError) as refused:
                await _register(server.url, code, tmp_path / "kiosk.toml")
            assert refused.value.failure is Failure.WRONG_CODE


async def _heartbeat(http: aiohttp.ClientSession, url: str, token: str, camera: DeviceState, state: Path):
    payload = collect(state_dir=state, content_pack_version="2025.04.19-1", camera=camera, microphone=camera)
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(f"{url}/api/terminals/heartbeat", json=payload, headers=headers) as resp:
        assert resp.status == 200
        return await resp.json()


async def test_console_flags_silent_and_broken_terminals(tmp_path: Path):
    settings = server_settings(tmp_path, terminal_silent_s=600)
    async with running_server(settings) as server, aiohttp.ClientSession() as http:
        registry = server.app[TERMINALS]
        healthy = await server.add_kiosk("一号机", "东村")
        broken = await server.add_kiosk("二号机", "西村")
        await server.add_kiosk("三号机", "南村")  # enrolled, never heard from
        await _heartbeat(http, server.url, healthy, DeviceState.OK, tmp_path)
        await _heartbeat(http, server.url, broken, DeviceState.MISSING, tmp_path)
        now = {t.name: t for t in await registry.fleet(time.time(), 600)}
        assert now["一号机"].flags == []
        assert set(now["二号机"].flags) == {"camera", "microphone"}
        assert now["三号机"].flags == ["never_seen"]
        later = {t.name: t for t in await registry.fleet(time.time() + 3600, 600)}
        assert "silent" in later["一号机"].flags
        # A lawyer (or the console) sees the same list with plain words.
        await server.add_lawyer("wang", "王律师", "明理律师事务所")
        token = await server.login("wang")
        async with http.get(f"{server.url}/api/terminals", headers={"Authorization": f"Bearer {token}"}) as r:
            rows = {t["name"]: t for t in (await r.json())["terminals"]}
        assert rows["二号机"]["flag_text"] == ["摄像头故障", "麦克风故障"]
        assert rows["一号机"]["healthy"] is True


async def test_settings_pushed_from_the_centre_arrive_with_the_next_heartbeat(tmp_path: Path):
    async with running_server(server_settings(tmp_path)) as server, aiohttp.ClientSession() as http:
        token = await server.add_kiosk("一号机", "东村")
        first = await _heartbeat(http, server.url, token, DeviceState.OK, tmp_path)
        assert "config" not in first
        (row,) = await server.app[TERMINALS].fleet(time.time(), 600)
        version = await server.app[TERMINALS].push_config(row.kiosk_id, {"hotline": "0951-12348"})
        reply = await _heartbeat(http, server.url, token, DeviceState.OK, tmp_path)
        assert reply["config"] == {"hotline": "0951-12348"} and reply["config_version"] == version


async def test_update_manifest_only_for_terminals(tmp_path: Path):
    updates = tmp_path / "updates" / "kiosk"
    updates.mkdir(parents=True)
    (updates / "manifest.json").write_text(json.dumps({"version": "1.2.0"}))
    settings = server_settings(tmp_path, updates_dir=str(tmp_path / "updates"))
    async with running_server(settings) as server, aiohttp.ClientSession() as http:
        token = await server.add_kiosk("一号机", "东村")
        async with http.get(f"{server.url}/api/updates/kiosk") as resp:
            assert resp.status == 401
        headers = {"Authorization": f"Bearer {token}"}
        async with http.get(f"{server.url}/api/updates/kiosk", headers=headers) as resp:
            assert (await resp.json())["version"] == "1.2.0"
        async with http.get(f"{server.url}/api/updates/kiosk/..%2Fsecret", headers=headers) as resp:
            assert resp.status == 404


async def test_kiosk_heartbeat_survives_a_missing_server_and_applies_pushed_settings(tmp_path: Path):
    from kiosk.heartbeat import Heartbeat

    applied: list[dict] = []

    def payload() -> dict:
        return collect(
            state_dir=tmp_path, content_pack_version="1", camera=DeviceState.OK, microphone=DeviceState.OK
        )

    async with aiohttp.ClientSession() as http:
        offline = Heartbeat("http://127.0.0.1:9", "t", payload, applied.append)
        assert not await offline.beat_once(http)
        assert offline.failures == 1
        async with running_server(server_settings(tmp_path)) as server:
            token = await server.add_kiosk("一号机", "东村")
            beat = Heartbeat(server.url, token, payload, applied.append)
            assert await beat.beat_once(http)
            (row,) = await server.app[TERMINALS].fleet(time.time(), 600)
            await server.app[TERMINALS].push_config(row.kiosk_id, {"language": "zh_TW"})
            assert await beat.beat_once(http)
            assert await beat.beat_once(http)  # the same version is applied only once
    assert applied == [{"language": "zh_TW"}]
