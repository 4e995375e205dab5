"""Checking a phone number a villager typed for a callback: mainland mobile or landline with area code."""

from __future__ import annotations

import re

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")  # area code 0xx or 0xxx, then 7 or 8 digits
SEPARATORS = re.compile(r"[\s\-()（）]")
PHONE_ERROR = "电话号码不对。请输入11位手机号，或者带区号的座机号，例如 0371-12345678。"


class BadPhoneError(ValueError):
    """The number is not a mainland mobile or landline number; the message is for the villager."""

    def __init__(self) -> None:
        super().__init__(PHONE_ERROR)


def normalise_phone(text: str) -> str:
    """The number with spaces, dashes and brackets removed; BadPhoneError when it is not a phone."""
    digits = SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if MOBILE.fullmatch(digits) or LANDLINE.fullmatch(digits):
        return digits
    raise BadPhoneError
