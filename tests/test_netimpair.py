"""The network impairment relay does what tests of bad networks rely on."""

from __future__ import annotations

import socket
import time

import pytest

from tools.netimpair import ImpairedUdpRelay


@pytest.fixture
def echo_and_relay():
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.05)
    relay = ImpairedUdpRelay(server.getsockname()[1])
    port = relay.start()
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.settimeout(1.0)
    yield server, relay, client, port
    relay.stop()
    client.close()
    server.close()


def _received(server: socket.socket, seconds: float) -> int:
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            server.recvfrom(2048)
            count += 1
        except TimeoutError:
            pass
    return count


def test_clean_link_forwards_both_ways(echo_and_relay):
    server, _, client, port = echo_and_relay
    client.sendto(b"ping", ("127.0.0.1", port))
    data, addr = server.recvfrom(100)
    server.sendto(b"pong:" + data, addr)
    assert client.recvfrom(100)[0] == b"pong:ping"


def test_outage_drops_everything_then_recovers(echo_and_relay):
    server, relay, client, port = echo_and_relay
    relay.set(down=True)
    for _ in range(20):
        client.sendto(b"x", ("127.0.0.1", port))
    assert _received(server, 0.3) == 0
    relay.set(down=False)
    client.sendto(b"y", ("127.0.0.1", port))
    assert _received(server, 0.3) == 1


def test_thirty_percent_loss_drops_about_that_share(echo_and_relay):
    server, relay, client, port = echo_and_relay
    relay.set(loss=0.3)
    for _ in range(200):  # fits the receiving socket's buffer while nobody reads it
        client.sendto(b"z", ("127.0.0.1", port))
        time.sleep(0.001)  # paced like media, so only the relay drops packets
    got = _received(server, 0.5)
    assert relay.counters.dropped + relay.counters.forwarded == 200
    assert 0.2 < relay.counters.dropped / 200 < 0.4
    assert got == relay.counters.forwarded


def test_rate_cap_limits_throughput(echo_and_relay):
    server, relay, client, port = echo_and_relay
    relay.set(rate_kbps=256)
    for _ in range(300):  # 300 KB offered at once; 256 kbit/s passes ~6.4 KB in its 200 ms queue
        client.sendto(b"q" * 1000, ("127.0.0.1", port))
    assert _received(server, 0.6) < 40
