"""The 律师视频 topic tiles and the callback number check (the same rule the pool server applies)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from protocol.messages import Topic

translate = QCoreApplication.translate

# Keep in step with server/phone.py (tests/test_kiosk_callback.py checks both agree).
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
MAX_PHONE_DIGITS = 12  # a landline: 0 + three-digit area code + eight digits


@dataclass(frozen=True)
class CallTopic:
    """One picture tile: what the villager taps and what goes with the call."""

    tile: str  # the tile's id (QML objectName callTopic_<tile>, icon icons/call_topics/<tile>.svg)
    topic: Topic
    migrant_worker: bool = False  # 农民工欠薪: labour_wages on the server's wage-claim priority


CALL_TOPICS: tuple[CallTopic, ...] = (
    CallTopic("marriage_family", Topic.MARRIAGE_FAMILY),
    CallTopic("migrant_wages", Topic.LABOUR_WAGES, migrant_worker=True),
    CallTopic("labour_wages", Topic.LABOUR_WAGES),
    CallTopic("traffic", Topic.TRAFFIC),
    CallTopic("loans_contracts", Topic.LOANS_CONTRACTS),
    CallTopic("land", Topic.LAND),
    CallTopic("housing", Topic.HOUSING),
    CallTopic("inheritance_support", Topic.INHERITANCE_SUPPORT),
    CallTopic("criminal", Topic.CRIMINAL),
    CallTopic("other", Topic.GENERAL),
    CallTopic("unknown", Topic.GENERAL),
)
TOPIC_BY_TILE = {t.tile: t for t in CALL_TOPICS}


def tile_label(tile: str) -> str:
    """The words on a topic tile."""
    labels = {
        "marriage_family": translate("call_topics", "婚姻家庭"),
        "migrant_wages": translate("call_topics", "农民工欠薪"),
        "labour_wages": translate("call_topics", "劳动争议"),
        "traffic": translate("call_topics", "交通事故"),
        "loans_contracts": translate("call_topics", "借贷合同"),
        "land": translate("call_topics", "土地承包"),
        "housing": translate("call_topics", "房产物业"),
        "inheritance_support": translate("call_topics", "继承赡养"),
        "criminal": translate("call_topics", "刑事"),
        "other": translate("call_topics", "其他"),
        "unknown": translate("call_topics", "不知道"),
    }
    return labels.get(tile, labels["unknown"])


def tile_hint(tile: str) -> str:
    """The small line under a tile's words (empty for most)."""
    hints = {
        "migrant_wages": translate("call_topics", "优先接听"),
        "labour_wages": translate("call_topics", "工伤、欠薪"),
        "unknown": translate("call_topics", "一般咨询"),
    }
    return hints.get(tile, "")


def phone_digits(text: str) -> str:
    """Only the digits of what was typed (the pad gives nothing else)."""
    return "".join(c for c in text if c.isdigit())


def phone_problem(text: str) -> str:
    """A plain sentence saying what is wrong with the number, or "" when the server will take it."""
    digits = phone_digits(text)
    if MOBILE.fullmatch(digits) or LANDLINE.fullmatch(digits):
        return ""
    if not digits:
        return translate("call_topics", "请先输入您的电话号码。")
    if digits.startswith("1"):
        return translate("call_topics", "手机号码是1开头的11位数字，请再核对一下。")
    if digits.startswith("0"):
        return translate("call_topics", "座机号码是区号加7到8位号码，比如 0371 1234 5678，请再核对一下。")
    return translate(
        "call_topics", "号码不对：手机号码是1开头的11位数字；座机请先输区号，比如 0371 1234 5678。"
    )
