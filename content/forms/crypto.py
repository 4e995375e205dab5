"""AES-256-GCM for personal data at rest: one key (file or setting) and cipher for server, kiosk and desk."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import stat
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
KEY_FILE_NAME = "data.key"  # the server's key file in its data dir
TOKEN_PREFIX = "v1:"  # first characters of every text token: the format version
_FORMAT = b"\x01"  # first byte of every sealed blob: the format version


class DataKeyError(ValueError):
    """A data key is missing, malformed or readable by others, or a text token does not decrypt with it."""


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
    if not path.exists():
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise DataKeyError(f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    return key_from_text(path.read_text(encoding="ascii"))


def _create_key_file(path: Path) -> None:
    """Write a new random key (mode 0600) atomically; when another process won the race, keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".data-key-")  # created with mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key_to_text(AESGCM.generate_key(bit_length=KEY_BYTES * 8)) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # fails if the key file appeared meanwhile: the first key stays
        log.warning("generated a new data key in %s: back it up, without it personal data is lost", path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


class DataCipher:
    """Seals bytes (seal/open, bound to a context) and texts (encrypt/decrypt tokens) with AES-256-GCM."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise DataKeyError(f"the data key must be {KEY_BYTES} bytes (base64 of {KEY_BYTES} random bytes)")
        self._aead = AESGCM(key)
        self._mac_key = hashlib.sha256(b"village-kiosk digest key\x00" + key).digest()

    @classmethod
    def from_base64(cls, text: str) -> DataCipher:
        """A cipher from the base64 key of the settings (data_key)."""
        return cls(key_from_text(text))

    @classmethod
    def from_settings(cls, data_key: str, data_dir: Path) -> DataCipher:
        """The configured key, or the key file in the data dir (created, mode 0600, when missing)."""
        if data_key:
            return cls.from_base64(data_key)
        return cls(load_or_create_key_file(data_dir / KEY_FILE_NAME))

    def seal(self, plaintext: bytes, context: str) -> bytes:
        """Encrypt with a fresh random nonce: version byte, nonce, ciphertext and tag."""
        return _FORMAT + self._encrypt(plaintext, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        """Decrypt a blob made by seal() with the same context."""
        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != _FORMAT:
            raise SealError("not a sealed blob")
        try:
            return self._decrypt(sealed[1:], context.encode())
        except InvalidTag as exc:
            raise SealError("the sealed data does not match its key or context") from exc

    def encrypt(self, text: str) -> str:
        """An opaque ASCII token for a database text column (phones, notes)."""
        return TOKEN_PREFIX + base64.b64encode(self._encrypt(text.encode(), None)).decode()

    def decrypt(self, token: str) -> str:
        """The text of an encrypt() token; DataKeyError when made with another key or altered."""
        if not token.startswith(TOKEN_PREFIX):
            raise DataKeyError("not an encrypted value")
        try:
            raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
            return self._decrypt(raw, None).decode()
        except (binascii.Error, InvalidTag, ValueError):
            raise DataKeyError("stored personal data does not decrypt with this data key") from None

    def digest(self, data: bytes) -> str:
        """A keyed fingerprint (HMAC-SHA256) that reveals nothing about personal data in `data`."""
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()

    def _encrypt(self, plaintext: bytes, aad: bytes | None) -> bytes:
        """A fresh random nonce followed by the ciphertext and tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def _decrypt(self, raw: bytes, aad: bytes | None) -> bytes:
        """The plaintext of nonce + ciphertext + tag; InvalidTag when altered or under another key."""
        return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
