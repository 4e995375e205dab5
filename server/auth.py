"""Passwords (argon2), bearer tokens (stored as SHA-256), and registering lawyers and kiosks."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.storage import Storage

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends the same work, even for unknown users."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh random bearer token (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


async def register_lawyer(
    storage: Storage, username: str, display_name: str, law_firm: str, password: str
) -> int:
    """Create a lawyer account; returns its id. Raises ValueError if the username is taken or empty."""
    if not username or not password:
        raise ValueError("用户名和密码都不能为空")
    return await storage.add_lawyer(username, display_name, law_firm, hash_password(password))


async def register_kiosk(
    storage: Storage, name: str, village: str, token: str | None = None
) -> tuple[int, str]:
    """Register a village terminal; returns (kiosk id, its bearer token, shown only this once)."""
    token = token or new_token()
    kiosk_id = await storage.add_kiosk(name, village, token_hash(token))
    return kiosk_id, token
