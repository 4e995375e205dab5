"""Console pages for signing in and out and for managing staff accounts (admins only)."""

from __future__ import annotations

import logging
import secrets

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from server.console.render import SECURITY_HEADERS, render
from server.console_auth import (
    CONSOLE_SESSION_TTL_S,
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    LOGIN_REFUSAL_TEXT,
    ROLE_LABELS_ZH,
    SESSION_COOKIE,
    STAFF_ACCOUNTS,
    LoginRefusal,
    Permission,
    StaffRole,
    csrf_matches,
    current_session,
    message_page,
    requires,
)
from server.keys import SETTINGS

log = logging.getLogger(__name__)

HOME = "/console/live"


def _safe_next(target: str) -> str:
    """Only our own console pages are followed after login (no open redirect)."""
    if target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def _login_page(
    request: web.Request, csrf: str, error: str = "", status: int = 200, username: str = ""
) -> web.Response:
    context = {
        "csrf_field": CSRF_FIELD,
        "csrf": csrf,
        "error": error,
        "next": _safe_next(request.query.get("next", HOME)),
        "username": username,
        "centre_name": request.app[SETTINGS].centre_name,
    }
    response = aiohttp_jinja2.render_template("login.html", request, context, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="Strict", path="/console", secure=request.secure
    )
    response.headers.update(SECURITY_HEADERS)
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    """GET /console/login: the sign-in form (or straight in, if already signed in)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token and await request.app[STAFF_ACCOUNTS].session(token) is not None:
        raise web.HTTPSeeOther(HOME)
    return _login_page(request, request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24))


async def login_submit(request: web.Request) -> web.StreamResponse:
    """POST /console/login: check the form's token and the password; set the session cookie."""
    form = await request.post()
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie_token or not csrf_matches(cookie_token, form.get(CSRF_FIELD)):
        return _login_page(request, secrets.token_urlsafe(24), "页面已过期，请重新输入后登录。", 403)
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    accounts = request.app[STAFF_ACCOUNTS]
    outcome = await accounts.authenticate(username, password)
    if isinstance(outcome, LoginRefusal):
        log.info("a console login was refused (%s)", outcome.value)
        return _login_page(request, cookie_token, LOGIN_REFUSAL_TEXT[outcome], 401, username.strip()[:64])
    token, _session = await accounts.open_session(outcome.user_id)
    log.info("console user %d signed in", outcome.user_id)
    response = web.HTTPSeeOther(_safe_next(str(form.get("next", HOME))))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        path="/console",
        secure=request.secure,
        max_age=CONSOLE_SESSION_TTL_S,
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/console")
    raise response


@requires(Permission.VIEW)
async def logout(request: web.Request) -> web.StreamResponse:
    """POST /console/logout: end the session."""
    await request.app[STAFF_ACCOUNTS].close_session(request.cookies.get(SESSION_COOKIE, ""))
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(SESSION_COOKIE, path="/console")
    raise response


@requires(Permission.MANAGE_ACCOUNTS)
async def accounts_page(request: web.Request) -> web.StreamResponse:
    """GET /console/accounts: every staff account with its role and state."""
    users = await request.app[STAFF_ACCOUNTS].list_users()
    roles = [(role.value, ROLE_LABELS_ZH[role]) for role in StaffRole]
    now = request.app[STAFF_ACCOUNTS].clock()
    return render(request, "accounts.html", "accounts", {"users": users, "roles": roles, "now": now})


def _role(text: str) -> StaffRole:
    try:
        return StaffRole(text)
    except ValueError:
        raise ValueError("请选择角色。") from None


def _back(error: str = "", msg: str = "") -> web.HTTPSeeOther:
    query = {"error": error} if error else {"msg": msg}
    return web.HTTPSeeOther(str(URL("/console/accounts").with_query(query)))


@requires(Permission.MANAGE_ACCOUNTS)
async def account_create(request: web.Request) -> web.StreamResponse:
    """POST /console/accounts: a new staff account."""
    form = await request.post()
    try:
        role = _role(str(form.get("role", "")))
        await request.app[STAFF_ACCOUNTS].add_user(
            str(form.get("username", "")),
            str(form.get("display_name", "")),
            role,
            str(form.get("password", "")),
        )
    except ValueError as exc:
        raise _back(error=str(exc)) from None
    raise _back(msg="账号已创建。")


@requires(Permission.MANAGE_ACCOUNTS)
async def account_update(request: web.Request) -> web.StreamResponse:
    """POST /console/accounts/{id}: change role, disable/enable, unlock or set a new password."""
    user_id = int(request.match_info["user_id"])
    form = await request.post()
    action = str(form.get("action", ""))
    accounts = request.app[STAFF_ACCOUNTS]
    if await accounts.user_by_id(user_id) is None:
        raise message_page(web.HTTPNotFound, "找不到", "没有这个账号。")
    me = current_session(request).user
    try:
        if action == "role":
            role = _role(str(form.get("role", "")))
            if user_id == me.user_id and role is not StaffRole.ADMIN:
                raise ValueError("不能取消自己的管理员身份。")
            await accounts.update_user(user_id, role=role)
        elif action in ("disable", "enable"):
            if user_id == me.user_id:
                raise ValueError("不能停用自己的账号。")
            await accounts.update_user(user_id, disabled=action == "disable")
        elif action == "unlock":
            await accounts.update_user(user_id, unlock=True)
        elif action == "password":
            await accounts.update_user(user_id, password=str(form.get("password", "")), unlock=True)
        else:
            raise ValueError("不认识的操作。")
    except ValueError as exc:
        raise _back(error=str(exc)) from None
    raise _back(msg="已保存。")


def routes() -> list[web.RouteDef]:
    """The sign-in and accounts routes."""
    return [
        web.get("/console/login", login_form),
        web.post("/console/login", login_submit),
        web.post("/console/logout", logout),
        web.get("/console/accounts", accounts_page),
        web.post("/console/accounts", account_create),
        web.post("/console/accounts/{user_id:\\d+}", account_update),
    ]
