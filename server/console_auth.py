"""Console staff accounts: roles and their permissions, argon2 logins with lockout, sessions, CSRF."""

from __future__ import annotations

import asyncio
import functools
import hmac
import html
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiohttp import web
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from server.auth import hash_password, new_token, token_hash, verify_password
from server.schema import console_sessions, console_users

MAX_FAILED_LOGINS = 5  # wrong passwords in a row before the account is locked
LOCKOUT_S = 15 * 60  # how long a locked account stays locked (an admin may unlock it sooner)
CONSOLE_SESSION_TTL_S = 10 * 3600  # one working day
SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"  # double-submit token of the login form (no session yet)
CSRF_FIELD = "csrf"
MIN_PASSWORD_LENGTH = 8


class StaffRole(StrEnum):
    """What a console account is for."""

    ADMIN = "admin"  # accounts and roster
    MANAGER = "manager"  # roster, matters, figures
    VIEWER = "viewer"  # reads only, without personal data


class Permission(StrEnum):
    """One thing a console page lets someone do."""

    VIEW = "view"  # live view, matters, figures
    EDIT_ROSTER = "edit_roster"
    MANAGE_ACCOUNTS = "manage_accounts"
    SEE_PERSONAL_DATA = "see_personal_data"  # phone numbers, notes: on pages and in CSV
    PLAY_RECORDINGS = "play_recordings"  # consented call recordings (mediation, notarization)


ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.ADMIN: frozenset(Permission),
    StaffRole.MANAGER: frozenset(
        {Permission.VIEW, Permission.EDIT_ROSTER, Permission.SEE_PERSONAL_DATA, Permission.PLAY_RECORDINGS}
    ),
    StaffRole.VIEWER: frozenset({Permission.VIEW}),
}

ROLE_LABELS_ZH: dict[StaffRole, str] = {
    StaffRole.ADMIN: "管理员",
    StaffRole.MANAGER: "中心主任",
    StaffRole.VIEWER: "只读查看",
}


@dataclass(frozen=True)
class StaffUser:
    """A console account as pages see it (never the hash)."""

    user_id: int
    username: str
    display_name: str
    role: StaffRole
    locked_until: float
    disabled: bool

    def may(self, permission: Permission) -> bool:
        """Does this account's role allow it?"""
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS_ZH[self.role]


class LoginRefusal(StrEnum):
    """Why a login was refused; the page says each in plain words."""

    WRONG = "wrong"
    LOCKED = "locked"
    DISABLED = "disabled"


LOGIN_REFUSAL_TEXT = {
    LoginRefusal.WRONG: "用户名或密码不正确。",
    LoginRefusal.LOCKED: f"密码连续输错 {MAX_FAILED_LOGINS} 次，账号已锁定 {LOCKOUT_S // 60} 分钟。"
    "请稍后再试，或请管理员解锁。",
    LoginRefusal.DISABLED: "这个账号已停用，请联系管理员。",
}


@dataclass(frozen=True)
class StaffSession:
    """A logged-in browser: who, and the CSRF token its forms must carry."""

    user: StaffUser
    csrf_token: str


def check_password_rules(password: str) -> None:
    """Raise ValueError with a plain message when a new password is too weak."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少要 {MIN_PASSWORD_LENGTH} 位。")


class StaffAccounts:
    """Console accounts and sessions in the server's database (SQLAlchemy Core, any engine)."""

    def __init__(self, engine: AsyncEngine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock

    async def add_user(self, username: str, display_name: str, role: StaffRole, password: str) -> int:
        """Create an account; ValueError when the name is taken or the password too short."""
        username = username.strip()
        if not username:
            raise ValueError("用户名不能为空。")
        check_password_rules(password)
        password_hash = await asyncio.to_thread(hash_password, password)
        values = {
            "username": username,
            "display_name": display_name.strip() or username,
            "role": role.value,
            "password_hash": password_hash,
            "failed_logins": 0,
            "locked_until": 0.0,
            "disabled": False,
            "created_at": self.clock(),
        }
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(insert(console_users).values(**values))
        except IntegrityError:
            raise ValueError(f"用户名 {username} 已经存在。") from None
        key = result.inserted_primary_key
        if key is None:
            raise RuntimeError("the database returned no id for the new account")
        return int(key[0])

    async def list_users(self) -> list[StaffUser]:
        """Every account, by username."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(_user_query().order_by(console_users.c.username))).all()
        return [_user(row) for row in rows]

    async def user_by_id(self, user_id: int) -> StaffUser | None:
        """One account, if it exists."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(_user_query().where(console_users.c.id == user_id))).first()
        return _user(row) if row else None

    async def update_user(
        self,
        user_id: int,
        *,
        role: StaffRole | None = None,
        disabled: bool | None = None,
        unlock: bool = False,
        password: str | None = None,
    ) -> None:
        """Change an account's role, enable or disable it, unlock it, or set a new password."""
        values: dict[str, Any] = {}
        if role is not None:
            values["role"] = role.value
        if disabled is not None:
            values["disabled"] = disabled
        if unlock:
            values.update(failed_logins=0, locked_until=0.0)
        if password is not None:
            check_password_rules(password)
            values["password_hash"] = await asyncio.to_thread(hash_password, password)
        if not values:
            return
        async with self.engine.begin() as conn:
            await conn.execute(update(console_users).where(console_users.c.id == user_id).values(**values))
            if disabled or password is not None:  # a disabled account or new password: sessions end
                await conn.execute(delete(console_sessions).where(console_sessions.c.user_id == user_id))

    async def authenticate(self, username: str, password: str) -> StaffUser | LoginRefusal:
        """The account if the password is right; otherwise why not. Failures count towards a lockout."""
        t = console_users
        async with self.engine.connect() as conn:
            query = select(t.c.id, t.c.password_hash).where(t.c.username == username.strip())
            row = (await conn.execute(query)).first()
        stored_hash = row.password_hash if row else None
        ok = await asyncio.to_thread(verify_password, stored_hash, password)  # same cost for unknown names
        if row is None:
            return LoginRefusal.WRONG
        user = await self.user_by_id(row.id)
        if user is None:
            return LoginRefusal.WRONG
        now = self.clock()
        if user.disabled:
            return LoginRefusal.DISABLED
        if user.locked_until > now:
            return LoginRefusal.LOCKED
        async with self.engine.begin() as conn:
            if ok:
                await conn.execute(update(t).where(t.c.id == user.user_id).values(failed_logins=0))
                return user
            await conn.execute(
                update(t).where(t.c.id == user.user_id).values(failed_logins=t.c.failed_logins + 1)
            )
            failed = (
                await conn.execute(select(t.c.failed_logins).where(t.c.id == user.user_id))
            ).scalar_one()
            if failed >= MAX_FAILED_LOGINS:
                await conn.execute(
                    update(t)
                    .where(t.c.id == user.user_id)
                    .values(failed_logins=0, locked_until=now + LOCKOUT_S)
                )
                return LoginRefusal.LOCKED
        return LoginRefusal.WRONG

    async def open_session(self, user_id: int) -> tuple[str, StaffSession]:
        """A new session for a logged-in account: (cookie token, session)."""
        token, csrf = new_token(), secrets.token_urlsafe(24)
        now = self.clock()
        async with self.engine.begin() as conn:
            await conn.execute(delete(console_sessions).where(console_sessions.c.expires_at <= now))
            await conn.execute(
                insert(console_sessions).values(
                    token_hash=token_hash(token),
                    user_id=user_id,
                    csrf_token=csrf,
                    expires_at=now + CONSOLE_SESSION_TTL_S,
                )
            )
        user = await self.user_by_id(user_id)
        if user is None:
            raise RuntimeError("the account vanished while logging in")
        return token, StaffSession(user, csrf)

    async def session(self, token: str) -> StaffSession | None:
        """The live session this cookie token belongs to, if any (disabled accounts have none)."""
        s = console_sessions
        query = select(s.c.user_id, s.c.csrf_token).where(
            s.c.token_hash == token_hash(token), s.c.expires_at > self.clock()
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        user = await self.user_by_id(row.user_id)
        if user is None or user.disabled:
            return None
        return StaffSession(user, row.csrf_token)

    async def close_session(self, token: str) -> None:
        """Log out: forget this session."""
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(console_sessions).where(console_sessions.c.token_hash == token_hash(token))
            )


def _user_query() -> Any:
    t = console_users
    return select(t.c.id, t.c.username, t.c.display_name, t.c.role, t.c.locked_until, t.c.disabled)


def _user(row: Any) -> StaffUser:
    return StaffUser(row[0], row[1], row[2], StaffRole(row[3]), float(row[4]), bool(row[5]))


# ---- the web side: who is asking, may they, and did the form come from our page ------------------

STAFF_ACCOUNTS = web.AppKey("staff_accounts", StaffAccounts)
SESSION_KEY = web.RequestKey("console_session", StaffSession)  # set by `requires`

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


_MESSAGE_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/console/static/console.css"></head>
<body class="login-page"><main class="login-box"><h1>{title}</h1><p>{text}</p>
<p><a href="/console/live">回到首页</a></p></main></body></html>
"""


def message_page(kind: type[web.HTTPException], title: str, text: str) -> web.HTTPException:
    """An error response as a small console page (403, 404) with a way back."""
    body = _MESSAGE_PAGE.format(title=html.escape(title), text=html.escape(text))
    return kind(text=body, content_type="text/html")


def current_session(request: web.Request) -> StaffSession:
    """The session of a request that passed `requires`."""
    session: StaffSession = request[SESSION_KEY]
    return session


def csrf_matches(expected: str, given: object) -> bool:
    """Constant-time comparison of a form's CSRF token with the session's."""
    return isinstance(given, str) and bool(given) and hmac.compare_digest(expected, given)


def requires(permission: Permission, *, json: bool = False) -> Callable[[Handler], Handler]:
    """Guard a console handler: logged in, role allows `permission`, and POSTs carry the CSRF token."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            token = request.cookies.get(SESSION_COOKIE, "")
            session = await request.app[STAFF_ACCOUNTS].session(token) if token else None
            if session is None:
                if json:
                    raise web.HTTPUnauthorized(text="请重新登录")
                raise web.HTTPSeeOther(f"/console/login?next={request.path}")
            if not session.user.may(permission):
                raise message_page(web.HTTPForbidden, "没有权限", "您的账号没有这项权限。")
            if request.method == "POST":
                form = await request.post()
                if not csrf_matches(session.csrf_token, form.get(CSRF_FIELD)):
                    raise message_page(
                        web.HTTPForbidden, "请刷新页面", "表单已过期或来源不明，请刷新页面后重试。"
                    )
            request[SESSION_KEY] = session
            return await handler(request)

        return guarded

    return decorate


def permissions_of(role: StaffRole) -> Iterable[Permission]:
    """What a role may do (for the accounts page)."""
    return sorted(ROLE_PERMISSIONS[role])
