"""Operations of a real two-node cluster (PostgreSQL, Redis, two server processes): the console's cluster
page, the live view showing the queue whichever node serves it, and /metrics of the node owning it;
a single node's console says it runs alone."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from protocol.messages import CallQueued, CallRequest, DutyState, Ring, SetDuty
from server.console_auth import StaffAccounts, StaffRole
from server.storage import Storage
from tests.cluster_nodes import Node, cluster_engines, connect, node_cluster, owner_of
from tests.console_helpers import console_client
from tests.server_helpers import SignalClient, server_settings

pytest.importorskip("asyncpg")
STAFF_PASSWORD = "console-pass-1"
CHROMIUM = "/usr/bin/chromium"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def engines():
    yield from cluster_engines()


@pytest.fixture
async def pair(engines, tmp_path) -> AsyncIterator[tuple[dict[str, Node], Redis, dict[str, str]]]:
    """Two nodes sharing a fresh database and a console account; yields (nodes, redis, kiosk tokens)."""

    async def manager(storage: Storage) -> None:
        await StaffAccounts(storage.engine).add_user("zhuren", "赵主任", StaffRole.MANAGER, STAFF_PASSWORD)

    kiosks = ("k1", "k2", "k3")
    async with node_cluster(engines, tmp_path, names=("n1", "n2"), kiosks=kiosks, prepare=manager) as running:
        nodes, _, redis, tokens = running
        yield nodes, redis, tokens


async def console_login(http: aiohttp.ClientSession, url: str) -> None:
    """Sign in to the console like a browser (form, CSRF token, session cookie)."""
    async with http.get(f"{url}/console/login") as page:
        found = _CSRF.search(await page.text())
    assert found is not None
    form = {"csrf": found.group(1), "username": "zhuren", "password": STAFF_PASSWORD, "next": "/console/live"}
    async with http.post(f"{url}/console/login", data=form) as reply:
        assert reply.status == 200 and str(reply.url).endswith("/console/live")


async def calls_waiting_and_ringing(
    http: aiohttp.ClientSession, desk_node: Node, kiosk_node: Node, tokens: dict[str, str]
) -> list[SignalClient]:
    """A desk on duty on one node, three kiosks on the other: one call rings, two wait."""
    async with http.post(
        f"{desk_node.url}/api/login", json={"username": "wang", "password": "pw-123456"}
    ) as reply:
        desk = await connect(http, desk_node, (await reply.json())["token"])
    await desk.expect(DutyState)
    await desk.send(SetDuty(on_duty=True))
    await desk.expect(DutyState)
    kiosks = [await connect(http, kiosk_node, tokens[k]) for k in ("k1", "k2", "k3")]
    for n, kiosk in enumerate(kiosks):
        await kiosk.send(CallRequest(request_id=f"r{n}", topic="general"))
        await kiosk.expect(CallQueued)
    await desk.expect(Ring)
    return [desk, *kiosks]


def gauge(text: str, name: str) -> float | None:
    """The value of one sample line (name with labels, exactly) in a Prometheus text page."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


async def test_metrics_and_live_view_show_the_queues_of_the_cluster(pair):
    nodes, redis, tokens = pair
    owner_name = await owner_of(redis, "main")
    owner = nodes[owner_name]
    other = next(node for name, node in nodes.items() if name != owner_name)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        clients = await calls_waiting_and_ringing(http, owner, other, tokens)  # desk on the owner

        async with http.get(f"{owner.url}/metrics") as reply:
            owned = await reply.text()
        assert gauge(owned, 'legal_kiosk_centre_waiting{centre="main"}') == 2
        assert gauge(owned, 'legal_kiosk_centre_ringing{centre="main"}') == 1
        assert gauge(owned, 'legal_kiosk_centre_lawyers{centre="main",state="ringing"}') == 1
        assert (
            gauge(owned, 'legal_kiosk_calls{state="waiting"}') == 2
        )  # this node's queues, not an empty pool
        assert gauge(owned, "legal_kiosk_cluster_leases_held") == 1
        assert gauge(owned, "legal_kiosk_cluster_clients_connected") == 1  # the desk
        assert gauge(owned, "legal_kiosk_cluster_redis_up") == 1
        async with http.get(f"{other.url}/metrics") as reply:
            serving = await reply.text()
        assert gauge(serving, "legal_kiosk_cluster_leases_held") == 0
        assert gauge(serving, 'legal_kiosk_centre_waiting{centre="main"}') is None  # not its queue
        assert gauge(serving, "legal_kiosk_cluster_clients_connected") == 3  # the kiosks

        await console_login(http, other.url)  # the node that does not own the queue
        async with http.get(f"{other.url}/console/live.json") as reply:
            live = await reply.json()
        assert [row["village"] for row in live["queue"]] == ["村1", "村2", "村3"]
        assert {row["centre"] for row in live["queue"]} == {"main"}
        assert live["queue"][0]["ringing"] == "王律师"
        wang = next(row for row in live["lawyers"] if row["name"] == "王律师")
        assert wang["state"] == "ringing"
        assert sorted(row["name"] for row in live["kiosks"]) == ["1号终端", "2号终端", "3号终端"]
        for client in clients:
            await client.close()


async def test_the_cluster_page_shows_nodes_owners_and_health(pair):
    nodes, redis, tokens = pair
    owner_name = await owner_of(redis, "main")
    token = int(await redis.get("fence:main"))
    other = next(node for name, node in nodes.items() if name != owner_name)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        clients = await calls_waiting_and_ringing(http, nodes[owner_name], other, tokens)
        await console_login(http, other.url)
        async with http.get(f"{other.url}/console/live") as reply:
            assert 'href="/console/cluster"' in await reply.text()  # in the navigation in cluster mode
        async with http.get(f"{other.url}/console/cluster") as reply:
            assert reply.status == 200
            page = await reply.text()
        nodes_table = page.split('id="nodes"')[1].split("</table>")[0]
        for node in nodes.values():
            assert node.name in nodes_table and f"127.0.0.1:{node.port}" in nodes_table
        centres_table = page.split('id="centres"')[1].split("</table>")[0]
        row = re.search(r"<tr>\s*<td>main</td>(.*?)</tr>", centres_table, re.S)
        assert row is not None
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)]
        assert cells == [owner_name, str(token), "2", "1"]  # owner, fencing token, waiting, ringing
        assert '<div class="big " id="redis-health">正常</div>' in page
        assert '<div class="big " id="database-health">正常</div>' in page
        for client in clients:
            await client.close()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
async def test_the_cluster_page_and_live_view_in_a_real_browser(pair, tmp_path):
    playwright_api = pytest.importorskip("playwright.async_api")
    expect = playwright_api.expect
    nodes, redis, tokens = pair
    owner_name = await owner_of(redis, "main")
    node = next(node for name, node in nodes.items() if name != owner_name)  # the queue is elsewhere
    shots = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path)
    async with (
        aiohttp.ClientSession() as http,
        playwright_api.async_playwright() as pw,
    ):
        clients = await calls_waiting_and_ringing(http, nodes[owner_name], node, tokens)
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True
        )
        page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        await page.goto(f"{node.url}/console/login?next=/console/live")
        await page.get_by_label("用户名").fill("zhuren")
        await page.get_by_label("密码").fill(STAFF_PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await expect(page).to_have_url(f"{node.url}/console/live")
        queue = page.locator("#queue tbody tr")
        await expect(queue).to_have_count(3)  # read from the queue store, not this node's empty pool
        await expect(queue.first).to_contain_text("main · 1")
        await expect(queue.first).to_contain_text("王律师")  # ringing him now
        await expect(page.locator("#lawyers tbody tr", has_text="王律师")).to_contain_text("振铃")
        await page.screenshot(path=shots / "cluster-live.png", full_page=True)

        await page.get_by_role("link", name="集群状态").click()
        await expect(page).to_have_url(f"{node.url}/console/cluster")
        await expect(page.locator("#nodes tbody tr")).to_have_count(2)
        await expect(page.locator("#nodes tbody tr", has_text=node.name)).to_contain_text("本节点")
        centre = page.locator("#centres tbody tr", has_text="main")
        await expect(centre).to_contain_text(owner_name)
        await expect(page.locator("#redis-health")).to_have_text("正常")
        await expect(page.locator("#database-health")).to_have_text("正常")
        await page.screenshot(path=shots / "cluster.png", full_page=True)
        await browser.close()
        for client in clients:
            await client.close()


async def test_a_single_node_says_it_runs_alone(tmp_path):
    async with console_client(server_settings(tmp_path)) as console:
        await console.add_user("zhuren", StaffRole.MANAGER)
        status, _ = await console.login("zhuren")
        assert status == 200
        live = await (await console.client.get("/console/live")).text()
        assert "/console/cluster" not in live  # no cluster page in the navigation
        page = await (await console.client.get("/console/cluster")).text()
        assert "单机运行" in page and 'id="nodes"' not in page
