"""The one AES-GCM cipher opens what both former helpers sealed, and shares the server's key file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from content.forms.crypto import DataCipher, DataKeyError, SealError, load_or_create_key_file
from server.crypto import DataCipher as ServerCipher

KEY = bytes(range(32))
# Made before the merge by server/crypto.py (phones, notes) and content/forms/crypto.py (submissions).
OLD_PHONE_TOKEN = "v1:rUWvp9IFh7lkoxodpKRJjgKw4JbjBQLv35+YTBPvdOhnV66S4nMr"
OLD_SEALED_FORM = bytes.fromhex(
    "01ad031044b8b44aeba518268711243920252b37841e152fc3c55125b08d6eae61651b1438f6a9172504a3cbc4e6aa"
)


def test_values_sealed_by_the_former_helpers_still_open() -> None:
    cipher = DataCipher(KEY)
    assert cipher.decrypt(OLD_PHONE_TOKEN) == "13812345678"
    assert cipher.open(OLD_SEALED_FORM, "sub-1").decode() == "张三 13812345678"
    with pytest.raises(SealError):
        cipher.open(OLD_SEALED_FORM, "sub-2")
    with pytest.raises(DataKeyError):
        DataCipher(os.urandom(32)).decrypt(OLD_PHONE_TOKEN)


def test_phones_and_submissions_share_the_server_key_file(tmp_path: Path) -> None:
    phones = ServerCipher.from_settings("", tmp_path / "data")
    key_file = tmp_path / "data" / "data.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    forms = DataCipher(load_or_create_key_file(key_file))
    assert forms.decrypt(phones.encrypt("13812345678")) == "13812345678"
    assert phones.open(forms.seal(b"case facts", "sub-9"), "sub-9") == b"case facts"
