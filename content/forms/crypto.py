"""AES-GCM sealing of personal data at rest, shared by the terminal's outbox and the server."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
_FORMAT = b"\x01"  # first byte of every sealed blob: the format version


class DataKeyError(ValueError):
    """A data key is missing, malformed, or its file is readable by others."""


class SealError(ValueError):
    """A sealed blob was tampered with, truncated, or sealed under another key."""


def key_from_text(text: str) -> bytes:
    """A 32-byte key from its base64 text (as in a settings file)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DataKeyError("the data key is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise DataKeyError(f"the data key must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def key_to_text(key: bytes) -> str:
    """The base64 text of a key."""
    return base64.b64encode(key).decode("ascii")


def load_or_create_key_file(path: Path) -> bytes:
    """The key in this file (base64), creating it with mode 0600 if absent; refuse group/other access."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            message = f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
            raise DataKeyError(message) from None
        return key_from_text(path.read_text(encoding="ascii"))
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key_to_text(AESGCM.generate_key(bit_length=KEY_BYTES * 8)) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key_from_text(path.read_text(encoding="ascii"))


class DataCipher:
    """Seals and opens bytes with AES-256-GCM; `context` binds a blob to its row (AAD)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise DataKeyError(f"the data key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)
        self._mac_key = hashlib.sha256(b"village-kiosk digest key\x00" + key).digest()

    def seal(self, plaintext: bytes, context: str) -> bytes:
        """Encrypt with a fresh random nonce: version byte, nonce, ciphertext and tag."""
        nonce = os.urandom(NONCE_BYTES)
        return _FORMAT + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        """Decrypt a blob made by seal() with the same context."""
        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != _FORMAT:
            raise SealError("not a sealed blob")
        nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, context.encode())
        except InvalidTag as exc:
            raise SealError("the sealed data does not match its key or context") from exc

    def digest(self, data: bytes) -> str:
        """A keyed fingerprint (HMAC-SHA256) that reveals nothing about personal data in `data`."""
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()
