"""Console sign-in over HTTP: wrong passwords, lockout, roles, CSRF, logout, the add-admin command."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from server.auth import register_kiosk, register_lawyer
from server.console_auth import LOCKOUT_S, MAX_FAILED_LOGINS, StaffRole
from server.keys import STORAGE
from server.pool_model import CallRecord
from tests.console_helpers import PASSWORD, console_client, csrf_of
from tests.server_helpers import server_settings


@pytest.fixture
async def console(tmp_path):
    async with console_client(server_settings(tmp_path)) as running:
        yield running


async def test_pages_need_a_login_and_the_right_password(console):
    await console.add_user("zhang", StaffRole.MANAGER)
    page = await console.client.get("/console/live", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"].startswith("/console/login")
    assert (await console.client.get("/console/live.json")).status == 401

    status, text = await console.login("zhang", "wrong-password")
    assert status == 401 and "用户名或密码不正确" in text
    status, text = await console.login("nobody", PASSWORD)
    assert status == 401 and "用户名或密码不正确" in text
    assert (await console.client.get("/console/live.json")).status == 401

    form = await console.client.get("/console/login")
    signed_in = await console.client.post(
        "/console/login",
        data={"csrf": csrf_of(await form.text()), "username": "zhang", "password": PASSWORD},
        allow_redirects=False,
    )
    assert signed_in.status == 303 and signed_in.headers["Location"] == "/console/live"
    set_cookie = signed_in.headers["Set-Cookie"]
    assert "console_session=" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    assert "实时情况" in await (await console.client.get("/console/live")).text()
    live = await console.client.get("/console/live.json")
    assert live.status == 200 and "queue" in await live.json()


async def test_repeated_wrong_passwords_lock_the_account_until_an_admin_unlocks_it(console):
    await console.add_user("admin", StaffRole.ADMIN)
    user_id = await console.add_user("li", StaffRole.VIEWER)
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert (await console.login("li", "guess"))[0] == 401
    status, text = await console.login("li", "guess")
    assert status == 401 and "已锁定" in text
    status, text = await console.login("li")  # the right password does not help while locked
    assert status == 401 and "已锁定" in text
    locked = await console.accounts.user_by_id(user_id)
    assert locked is not None and locked.locked_until >= console.accounts.clock() + LOCKOUT_S - 60

    assert (await console.login("admin"))[0] == 200
    accounts_page = await console.client.get("/console/accounts")
    assert "已锁定" in await accounts_page.text()
    token = await console.csrf("/console/accounts")
    done = await console.client.post(f"/console/accounts/{user_id}", data={"csrf": token, "action": "unlock"})
    assert done.status == 200 and "已保存" in await done.text()
    await console.client.post("/console/logout", data={"csrf": token})
    assert (await console.login("li"))[0] == 200


async def test_a_correct_login_resets_the_failure_count(console):
    await console.add_user("wu", StaffRole.VIEWER)
    for _ in range(MAX_FAILED_LOGINS - 1):
        await console.login("wu", "guess")
    assert (await console.login("wu"))[0] == 200
    await console.client.post("/console/logout", data={"csrf": await console.csrf("/console/live")})
    assert (await console.login("wu", "guess"))[0] == 401
    assert (await console.login("wu"))[0] == 200


async def test_roles_decide_what_each_account_may_do(console):
    await console.add_user("viewer", StaffRole.VIEWER)
    await console.add_user("boss", StaffRole.MANAGER)
    lawyer_id = await register_lawyer(console.app[STORAGE], "wang", "王律师", "明理所", "pw-123456")

    assert (await console.login("viewer"))[0] == 200
    for path in ("/console/live", "/console/roster", "/console/matters", "/console/figures"):
        assert (await console.client.get(path)).status == 200, path
    assert (await console.client.get("/console/accounts")).status == 403
    roster = await console.client.get(f"/console/roster/{lawyer_id}")
    assert "只能查看" in await roster.text()
    token = await console.csrf("/console/live")
    edit = await console.client.post(
        f"/console/roster/{lawyer_id}/specialties", data={"csrf": token, "topic": "traffic"}
    )
    assert edit.status == 403
    assert "账号管理" not in await (await console.client.get("/console/live")).text()
    await console.client.post("/console/logout", data={"csrf": token})

    assert (await console.login("boss"))[0] == 200
    token = await console.csrf("/console/live")
    edit = await console.client.post(
        f"/console/roster/{lawyer_id}/specialties", data={"csrf": token, "topic": "traffic"}
    )
    assert edit.status == 200 and "已保存" in await edit.text()
    assert (await console.client.get("/console/accounts")).status == 403
    create = await console.client.post(
        "/console/accounts",
        data={"csrf": token, "username": "x", "role": "admin", "password": "12345678"},
    )
    assert create.status == 403
    assert [u.username for u in await console.accounts.list_users()] == ["boss", "viewer"]


async def test_forms_without_the_session_csrf_token_are_refused(console):
    await console.add_user("admin", StaffRole.ADMIN)
    assert (await console.login("admin"))[0] == 200
    for data in ({}, {"csrf": "forged"}):
        create = await console.client.post(
            "/console/accounts", data={**data, "username": "mallory", "role": "admin", "password": "12345678"}
        )
        assert create.status == 403 and "表单已过期" in await create.text()
    assert [u.username for u in await console.accounts.list_users()] == ["admin"]
    refused_logout = await console.client.post("/console/logout", data={"csrf": "forged"})
    assert refused_logout.status == 403
    assert (await console.client.get("/console/live.json")).status == 200  # still signed in

    token = await console.csrf("/console/accounts")
    create = await console.client.post(
        "/console/accounts",
        data={
            "csrf": token,
            "username": "chen",
            "display_name": "陈主任",
            "role": "manager",
            "password": "12345678",
        },
    )
    assert create.status == 200 and "账号已创建" in await create.text()
    assert "陈主任" in await (await console.client.get("/console/accounts")).text()


async def test_the_login_form_itself_needs_its_token(console):
    await console.add_user("admin", StaffRole.ADMIN)
    response = await console.client.post(
        "/console/login", data={"username": "admin", "password": PASSWORD, "csrf": "made-up"}
    )
    assert response.status == 403 and "页面已过期" in await response.text()
    assert (await console.client.get("/console/live.json")).status == 401


async def test_logout_ends_the_session_on_the_server(console):
    await console.add_user("admin", StaffRole.ADMIN)
    await console.login("admin")
    jar = console.client.session.cookie_jar
    stolen = jar.filter_cookies(console.client.make_url("/console/"))["console_session"].value
    await console.client.post("/console/logout", data={"csrf": await console.csrf("/console/live")})
    replay = await console.client.get("/console/live.json", cookies={"console_session": stolen})
    assert replay.status == 401


async def test_login_only_follows_console_pages_afterwards(console):
    await console.add_user("admin", StaffRole.ADMIN)
    page = await console.client.get("/console/login", params={"next": "https://evil.example/"})
    assert 'value="/console/live"' in await page.text()


def test_add_admin_command_creates_an_account_that_can_sign_in(tmp_path):
    settings = server_settings(tmp_path)
    command = [sys.executable, "-m", "server", "add-admin", "--username", "root", "--role", "admin"]
    command += ["--set", f"database_url={settings.database_url}", "--set", f"data_dir={settings.data_dir}"]
    done = subprocess.run(command, input="short\n", capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "至少" in done.stderr
    done = subprocess.run(command, input=PASSWORD + "\n", capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    again = subprocess.run(command, input=PASSWORD + "\n", capture_output=True, text=True, check=False)
    assert again.returncode == 1 and "已经存在" in again.stderr


async def test_personal_data_only_reaches_roles_allowed_to_see_it(console):
    storage = console.app[STORAGE]
    kiosk_id, _ = await register_kiosk(storage, "一号终端", "东村")
    lawyer_id = await register_lawyer(storage, "wang", "王律师", "明理所", "pw-123456")
    now = time.time()
    times = (now - 100, now - 99, now - 90, now - 10)
    record = CallRecord(
        "c1", kiosk_id, lawyer_id, "labour_wages", *times, "completed", "lawyer", {}, [],
        tracking_number="20261124-0001", village="东村", notes="老板姓李，欠薪三个月",
    )  # fmt: skip
    await storage.save_call(record)
    await storage.add_callback(kiosk_id, "13812345678", "land", now)
    await console.add_user("viewer", StaffRole.VIEWER)
    await console.add_user("boss", StaffRole.MANAGER)

    async def seen_by(username: str) -> tuple[str, str, str]:
        await console.login(username)
        exported = await (await console.client.get("/console/matters.csv")).text()
        detail = await (await console.client.get("/console/matters/c1")).text()
        callbacks = await (await console.client.get("/console/callbacks")).text()
        await console.client.post("/console/logout", data={"csrf": await console.csrf("/console/live")})
        return exported, detail, callbacks

    exported, detail, callbacks = await seen_by("viewer")
    assert "20261124-0001" in exported and "律师备注" not in exported and "欠薪三个月" not in exported
    assert "王律师" in detail and "欠薪三个月" not in detail
    assert "138****5678" in callbacks and "13812345678" not in callbacks and "等待回电" in callbacks
    exported, detail, callbacks = await seen_by("boss")
    assert "律师备注" in exported and "老板姓李，欠薪三个月" in exported
    assert "老板姓李，欠薪三个月" in detail
    assert "13812345678" in callbacks
