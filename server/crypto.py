"""Personal data at rest (phones, notes): AES-256-GCM with a key from settings or a generated key file."""

from __future__ import annotations

import base64
import binascii
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

KEY_FILE_NAME = "data.key"
TOKEN_PREFIX = "v1:"  # the format version of stored tokens
NONCE_BYTES = 12


class DataKeyError(ValueError):
    """The configured key is unusable, or stored data does not decrypt with it."""


class DataCipher:
    """Encrypts short texts for the database; each token carries its own random nonce."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise DataKeyError("the data key must be 32 bytes (base64 of 32 random bytes)")
        self._aead = AESGCM(key)

    @classmethod
    def from_base64(cls, text: str) -> DataCipher:
        """A cipher from the base64 key of the settings (data_key)."""
        try:
            return cls(base64.b64decode(text, validate=True))
        except binascii.Error:
            raise DataKeyError("data_key is not valid base64") from None

    @classmethod
    def from_settings(cls, data_key: str, data_dir: Path) -> DataCipher:
        """The configured key, or the key file in the data dir (created, mode 0600, when missing)."""
        if data_key:
            return cls.from_base64(data_key)
        path = data_dir / KEY_FILE_NAME
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(base64.b64encode(AESGCM.generate_key(bit_length=256)).decode() + "\n")
            log.warning("generated a new data key in %s: back it up, without it personal data is lost", path)
        return cls.from_base64(path.read_text().strip())

    def encrypt(self, text: str) -> str:
        """An opaque ASCII token for the database."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), None)
        return TOKEN_PREFIX + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        """The text back; DataKeyError when the token was made with another key or was altered."""
        if not token.startswith(TOKEN_PREFIX):
            raise DataKeyError("not an encrypted value")
        try:
            raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
        except (binascii.Error, InvalidTag, ValueError):
            raise DataKeyError("stored personal data does not decrypt with this data key") from None
