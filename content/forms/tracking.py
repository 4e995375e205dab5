"""Tracking numbers: 8 characters without look-alikes (no 0/O, 1/I/L), shown as ABCD-EFGH."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: no 0, 1, I, L, O
LENGTH = 8
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_tracking_number() -> str:
    """A random tracking number (about 8.5e11 possibilities)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_tracking_number(text: str) -> str | None:
    """The canonical form of a typed tracking number (case, spaces, dash ignored), or None."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -").translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display_tracking_number(number: str) -> str:
    """The tracking number as printed large on the receipt: ABCD-EFGH."""
    return f"{number[:4]}-{number[4:]}"
