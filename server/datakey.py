"""The server's key for personal data at rest: from settings, or a 0600 key file beside the data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from config.settings import ServerSettings
from content.forms.crypto import DataCipher, key_from_text, load_or_create_key_file

KEY_FILE = "data.key"


def data_dir(settings: ServerSettings) -> Path:
    """Where the server keeps its files: the SQLite file's folder, else ./var."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return Path("var").resolve()


def data_cipher(settings: ServerSettings) -> DataCipher:
    """AES-GCM for names, phones, ID numbers and case facts stored by the server."""
    if settings.data_key:
        return DataCipher(key_from_text(settings.data_key))
    return DataCipher(load_or_create_key_file(data_dir(settings) / KEY_FILE))
