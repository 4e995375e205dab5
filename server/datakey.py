"""The server's key for personal data at rest: from settings, or the 0600 key file in the data dir."""

from __future__ import annotations

from pathlib import Path

from config.settings import ServerSettings
from content.forms.crypto import DataCipher, key_from_text, load_or_create_key_file

KEY_FILE = "data.key"  # the same file server.crypto uses for phones and notes: one key per server


def data_cipher(settings: ServerSettings) -> DataCipher:
    """AES-GCM for names, ID numbers and case facts of form submissions."""
    if settings.data_key:
        return DataCipher(key_from_text(settings.data_key))
    return DataCipher(load_or_create_key_file(Path(settings.data_dir) / KEY_FILE))
