"""Single-value checks a clerk does: ID numbers (GB 11643), phone numbers, dates, images."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date

# GB 11643-1999: weights of the first 17 digits and the check character for sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Province-level codes (GB/T 2260) that begin a citizen number; 71 台湾, 81 香港, 82 澳门, 83 台湾居民居住证.
_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code with its 0 (010, 02x: three digits; others four), then a 7 or 8 digit number.
_LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}")
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_PHOTO_BYTES = 1536 * 1024  # a 1280x960 JPEG from the terminal camera is about 300 KB
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"

MSG_ID_LEGACY_15 = "这是老的15位身份证号码，现在不能用了。请填写身份证上的18位号码。"
MSG_ID_LENGTH = "身份证号码应该是18位，您填了{n}位，请再核对一下"
MSG_ID_CHARS = "身份证号码只能是数字，最后一位可能是字母X，请再核对一下"
MSG_ID_REGION = "身份证号码前两位不对，请再核对一下"
MSG_ID_BIRTH = "身份证号码里的出生日期（第7到14位）不对，请再核对一下"
MSG_ID_BIRTH_FUTURE = "身份证号码里的出生日期比今天还晚，请再核对一下"
MSG_ID_CHECK_DIGIT = "身份证号码最后一位不对，请再核对一下"
MSG_MOBILE = "手机号码应该是1开头的11位数字，请再核对一下"
MSG_PHONE = "电话号码不对：手机号码是1开头的11位数字；座机请带上区号，比如 0731-84561234"


def normalise_id_number(text: str) -> str:
    """Remove spaces and make a trailing x upper case."""
    return re.sub(r"\s", "", text).upper()


def id_check_character(first17: str) -> str:
    """The GB 11643 MOD 11-2 check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_birth_date(number: str) -> date | None:
    """The birth date encoded in an 18-digit number, or None if it is not a real date."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def check_id_number(text: str, today: date) -> str | None:
    """A plain message if this is not a valid resident ID number, else None."""
    number = normalise_id_number(text)
    if len(number) == 15 and number.isdigit():
        return MSG_ID_LEGACY_15
    if len(number) != 18:
        return MSG_ID_LENGTH.format(n=len(number))
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        return MSG_ID_CHARS
    if int(number[:2]) not in _PROVINCE_CODES:
        return MSG_ID_REGION
    born = id_birth_date(number)
    if born is None:
        return MSG_ID_BIRTH
    if born > today:
        return MSG_ID_BIRTH_FUTURE
    if id_check_character(number[:17]) != number[17]:
        return MSG_ID_CHECK_DIGIT
    return None


def normalise_phone(text: str) -> str:
    """Remove spaces, dashes and brackets a person types between digit groups."""
    return _PHONE_SEPARATORS.sub("", text)


def check_phone(text: str, *, landline_allowed: bool = True) -> str | None:
    """A plain message if this is neither a mobile nor (when allowed) a landline number."""
    number = normalise_phone(text)
    if _MOBILE.fullmatch(number):
        return None
    if landline_allowed and _LANDLINE.fullmatch(number):
        return None
    return MSG_PHONE if landline_allowed else MSG_MOBILE


def parse_iso_date(text: str) -> date | None:
    """A yyyy-mm-dd date, or None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def decode_image(data: str, max_bytes: int) -> bytes | None:
    """The bytes of a base64 PNG or JPEG no larger than max_bytes, else None."""
    if len(data) > (max_bytes * 4) // 3 + 8:
        return None
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) > max_bytes or not (raw.startswith(_PNG) or raw.startswith(_JPEG)):
        return None
    return raw


def chinese_date(day: date) -> str:
    """A date as read to a villager: 2026年11月25日（星期三）."""
    weekday = "一二三四五六日"[day.weekday()]
    return f"{day.year}年{day.month}月{day.day}日（星期{weekday}）"
