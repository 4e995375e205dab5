"""Personal data at rest (phones, notes): the one AES-GCM cipher of content.forms.crypto."""

from __future__ import annotations

from content.forms.crypto import KEY_FILE_NAME, TOKEN_PREFIX, DataCipher, DataKeyError

__all__ = ["KEY_FILE_NAME", "TOKEN_PREFIX", "DataCipher", "DataKeyError"]
