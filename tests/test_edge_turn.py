"""TURN at scale: regional coturn servers sharing the secret, a STUN probe that skips a dead one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import aioice.turn
import pytest

from config.loader import ConfigError, load_settings
from config.settings import ServerSettings, TurnSettings
from protocol.messages import CallQueued, CallRequest, CancelCall
from server.turn import ice_servers, region_of
from server.turn_probe import parse_turn_url, turn_alive
from tests.server_helpers import TURN_SECRET, SignalClient, running_server, server_settings
from tools.appdriver import free_port
from tools.coturn import CoturnProcess, CoturnUnavailableError

GUARD_S = 30.0  # a hang guard only


@pytest.fixture
def coturns(tmp_path: Path) -> Iterator[tuple[CoturnProcess, CoturnProcess]]:
    pair = (CoturnProcess(tmp_path / "north", TURN_SECRET), CoturnProcess(tmp_path / "south", TURN_SECRET))
    try:
        for coturn in pair:
            coturn.start()
    except CoturnUnavailableError as exc:
        pytest.skip(str(exc))
    yield pair
    for coturn in pair:
        coturn.stop()


def _regional(north: str, south: str, probe_s: float = 0.3) -> TurnSettings:
    return TurnSettings(
        secret=TURN_SECRET,
        ttl_s=600,
        regions={"north": [north], "south": [south]},
        village_regions={"东村": "north", "西村": "south"},
        default_region="south",
        fallback=["south", "north"],
        probe_s=probe_s,
    )


async def _turn_urls(kiosk: SignalClient, request_id: str) -> tuple[str, list[dict[str, object]]]:
    await kiosk.send(CallRequest(request_id=request_id, topic="general"))
    queued = await kiosk.expect(CallQueued)
    return queued.call_id, queued.ice_servers


async def _until(condition: Callable[[], bool]) -> None:
    """Wait for the probe to notice (polling; a hang guard only)."""
    for _ in range(int(GUARD_S / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the probe did not notice in time")


async def _allocate(server: dict[str, object]) -> tuple[str, int]:
    """A real TURN allocation with the credentials the pool server minted; the relayed address."""
    urls = server["urls"]
    assert isinstance(urls, list)
    target = parse_turn_url(urls[0])
    transport, _ = await aioice.turn.create_turn_endpoint(
        asyncio.DatagramProtocol,
        (target.host, target.port),
        str(server["username"]),
        str(server["credential"]),
    )
    try:
        relayed: tuple[str, int] = transport.get_extra_info("sockname")
        return relayed
    finally:
        transport.close()


async def test_each_village_gets_its_regions_coturn_first_and_a_dead_one_is_left_out(
    tmp_path: Path, coturns: tuple[CoturnProcess, CoturnProcess]
) -> None:
    north, south = coturns
    settings = server_settings(tmp_path, turn=_regional(north.url, south.url))
    async with running_server(settings) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "平安律所")
        east = await server.kiosk("一号终端", "东村")
        west = await server.kiosk("二号终端", "西村")
        east_call, east_ice = await _turn_urls(east, "e1")
        _, west_ice = await _turn_urls(west, "w1")
        assert [s["urls"] for s in east_ice] == [[north.url], [south.url]]
        assert [s["urls"] for s in west_ice] == [[south.url], [north.url]]
        assert (await _allocate(east_ice[0]))[1] > 0  # the shared secret works on both coturns
        assert (await _allocate(east_ice[1]))[1] > 0

        await asyncio.to_thread(north.stop)
        await _until(lambda: north.url in server.hub.turn_health.dead)
        await east.send(CancelCall(call_id=east_call))
        east_call, east_ice = await _turn_urls(east, "e2")
        assert [s["urls"] for s in east_ice] == [[south.url]]  # the dead one is not handed out
        assert (await _allocate(east_ice[0]))[1] > 0

        await asyncio.to_thread(north.start)  # answering again, it is handed out again
        await _until(lambda: north.url not in server.hub.turn_health.dead)
        await east.send(CancelCall(call_id=east_call))
        _, east_ice = await _turn_urls(east, "e3")
        assert [s["urls"] for s in east_ice] == [[north.url], [south.url]]
        for client in (desk, east, west):
            await client.close()


async def test_the_probe_tells_a_live_coturn_from_a_closed_port(
    coturns: tuple[CoturnProcess, CoturnProcess],
) -> None:
    assert await turn_alive(coturns[0].url)
    assert await turn_alive(coturns[0].url.replace("udp", "tcp"))
    assert not await turn_alive(f"turn:127.0.0.1:{free_port()}?transport=udp", timeout_s=0.3)


def test_every_coturn_seeming_dead_still_gives_clients_all_of_them_in_region_order() -> None:
    turn = _regional("turn:n:3478", "turn:s:3478")
    region = region_of(turn, "东村")
    everything_dead = {"turn:n:3478", "turn:s:3478"}
    servers = ice_servers(turn, "kiosk-1", 0.0, region, everything_dead)
    assert [s["urls"] for s in servers] == [["turn:n:3478"], ["turn:s:3478"]]
    assert region_of(turn, None) == "south" and region_of(turn, "不在表里的村") == "south"


def test_regions_are_read_from_toml_and_from_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "province.toml"
    config.write_text(
        '[turn]\nsecret = "s"\n[turn.regions]\nnorth = ["turn:n.example:3478"]\n'
        '[turn.village_regions]\n"东村" = "north"\n'
    )
    settings = load_settings(ServerSettings, "server", config, ['turn.fallback=["north"]'], env={})
    assert settings.turn.regions == {"north": ["turn:n.example:3478"]}
    assert settings.turn.village_regions == {"东村": "north"}
    cli = load_settings(ServerSettings, "server", None, ['turn.regions={"south": ["turn:s:3478"]}'], env={})
    assert cli.turn.regions == {"south": ["turn:s:3478"]}
    with pytest.raises(ConfigError, match=r"turn\.regions"):
        load_settings(ServerSettings, "server", None, ["turn.regions=south"], env={})
    with pytest.raises(ConfigError, match=r"turn\.regions\.south"):
        load_settings(ServerSettings, "server", None, ['turn.regions={"south": 3}'], env={})
