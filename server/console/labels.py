"""Chinese words the console shows for the pool's codes: topics, outcomes, states, weekdays."""

from __future__ import annotations

from protocol.messages import EndReason, LinkMode, Topic
from server.pool_model import LawyerState
from server.routing import Priority

TOPIC_LABELS: dict[str, str] = {
    Topic.GENERAL.value: "不知道/其他",
    Topic.MARRIAGE_FAMILY.value: "婚姻家庭",
    Topic.LABOUR_WAGES.value: "劳动争议/欠薪",
    Topic.TRAFFIC.value: "交通事故",
    Topic.LOANS_CONTRACTS.value: "借贷合同",
    Topic.LAND.value: "土地承包",
    Topic.HOUSING.value: "房产物业",
    Topic.INHERITANCE_SUPPORT.value: "继承赡养",
    Topic.CRIMINAL.value: "刑事",
}

OUTCOME_LABELS: dict[str, str] = {
    EndReason.COMPLETED.value: "已接通",
    EndReason.CANCELLED.value: "村民挂断（未接通）",
    EndReason.NO_LAWYER.value: "无人接听",
    EndReason.DISCONNECTED.value: "连接中断",
    EndReason.MEDIA_FAILED.value: "音视频未连通",
    EndReason.DEVICE_LOST.value: "设备故障",
}

ENDED_BY_LABELS: dict[str, str] = {"kiosk": "村民一方", "lawyer": "律师一方", "server": "系统"}

LAWYER_STATE_LABELS: dict[str, str] = {
    LawyerState.AVAILABLE.value: "在岗空闲",
    LawyerState.RINGING.value: "振铃",
    LawyerState.IN_CALL.value: "通话中",
    LawyerState.WRAP_UP.value: "整理",
    LawyerState.OFFLINE.value: "离岗",
    LawyerState.BREAK.value: "小休",
}

PRIORITY_LABELS: dict[Priority, str] = {
    Priority.NORMAL: "普通",
    Priority.WAGE_CLAIM: "农民工欠薪",
    Priority.URGENT: "紧急",
}
PRIORITY_NAME_LABELS: dict[str, str] = {p.name.lower(): label for p, label in PRIORITY_LABELS.items()}

WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def topic_label(code: str | None) -> str:
    """A topic in Chinese (the code itself when unknown)."""
    return TOPIC_LABELS.get(code or "", code or "")


def outcome_label(code: str | None) -> str:
    """A call outcome in Chinese; a call without one is still going."""
    if code is None:
        return "进行中"
    return OUTCOME_LABELS.get(code, code)


def state_label(code: str) -> str:
    """A lawyer state in Chinese."""
    return LAWYER_STATE_LABELS.get(code, code)


MODE_LABELS: dict[str, str] = {
    LinkMode.FULL.value: "高清",
    LinkMode.LOW.value: "低清",
    LinkMode.AUDIO_ONLY.value: "仅语音",
    LinkMode.CALLBACK.value: "建议回拨",
}
