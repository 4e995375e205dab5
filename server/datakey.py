"""The server's key for personal data at rest (one key: phones, notes, submissions, recordings)."""

from __future__ import annotations

from pathlib import Path

from config.settings import ServerSettings
from content.forms.crypto import DataCipher


def data_cipher(settings: ServerSettings) -> DataCipher:
    """AES-GCM for names, ID numbers and case facts of form submissions."""
    return DataCipher.from_settings(settings.data_key, Path(settings.data_dir))
