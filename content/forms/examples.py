"""Filled-in example answers for each form, used by the demo, the outbox bench and tests."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import date, timedelta
from typing import Any

from content.forms.spec import FormSpec

# The worked example of GB 11643-1999 (Beijing Chaoyang, born 1949-12-31, check character X).
EXAMPLE_ID_NUMBER = "11010519491231002X"


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A real, valid grey PNG image of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def example_image() -> str:
    """A base64 PNG as a signature pad or camera would give it."""
    return base64.b64encode(tiny_png()).decode("ascii")


def next_service_day(spec: FormSpec, today: date) -> date:
    """The first day after today the form's service_day rule allows (today + 1 if no rule)."""
    rule = next((r for r in spec.rules if r.get("kind") == "service_day"), None)
    day = today + timedelta(days=1)
    while rule is not None:
        closed = day.isoformat() in rule.get("closed_dates", ())
        weekday_ok = day.weekday() in rule.get("weekdays", range(5)) or day.isoformat() in rule.get(
            "open_dates", ()
        )
        if weekday_ok and not closed:
            break
        day += timedelta(days=1)
    return day


def example_values(
    spec: FormSpec, today: date, *, name: str = "李秀英", phone: str = "13912345678"
) -> dict[str, Any]:
    """Valid answers to every shown field of a shipped form, as a villager might give them."""
    day = next_service_day(spec, today).isoformat()
    by_form: dict[str, dict[str, Any]] = {
        "legal_aid": {
            "matter": "labour_pay",
            "exemption": "none",
            "migrant_worker": True,
            "name": name,
            "id_number": EXAMPLE_ID_NUMBER,
            "phone": phone,
            "address": "青山镇石桥村三组",
            "other_party_name": "某某建筑劳务有限公司",
            "facts": "2026年3月到8月在工地干活，老板一直拖着不发工资，一共欠了五个月。",
            "request": "要回拖欠的五个月工资两万元",
            "honesty_pledge": True,
            "signature": example_image(),
        },
        "mediation": {
            "dispute_type": "neighbour",
            "in_court": False,
            "facts": "邻居盖房子把排水沟堵了，下雨时水流进我家院子。",
            "request": "请邻居把排水沟修通",
            "name": name,
            "id_number": EXAMPLE_ID_NUMBER,
            "phone": phone,
            "address": "青山镇石桥村三组",
            "other_party_name": "王某某",
            "other_party_willing": "unknown",
            "signature": example_image(),
        },
        "notary": {
            "notary_type": "kinship",
            "date": day,
            "slot": "09:00-10:00",
            "name": name,
            "phone": phone,
        },
        "adviser_appointment": {
            "topic": "land",
            "way": "in_person",
            "date": day,
            "slot": "09:00-12:00",
            "name": name,
            "phone": phone,
        },
        "callback": {"phone": phone, "topic": "labour_wages", "best_time": "any", "name": name},
    }
    return dict(by_form[spec.id])
