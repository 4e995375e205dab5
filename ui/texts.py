"""User-facing sentences made in Python (errors, topic names), translatable through Qt."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from protocol.messages import Topic

# Every sentence is a literal translate("texts", ...) call so pyside6-lupdate finds it.
translate = QCoreApplication.translate


def plain_error(exc: BaseException) -> str:
    """One sentence a villager or lawyer understands for an unexpected failure; never a traceback."""
    if isinstance(exc, TimeoutError):
        return translate("texts", "等了太久没有回应，请稍后再试。")
    if isinstance(exc, ConnectionError | OSError):
        return translate("texts", "连不上服务器，请检查网络后再试。")
    return translate("texts", "出了点问题，请稍后再试。")


def not_built_notice() -> str:
    """What a tile that is not built yet says when tapped."""
    return translate("texts", "此功能正在建设中，请先使用“律师视频”，或拨打 12348 法律服务热线。")


def topic_label(topic: str) -> str:
    """The Chinese name of a call topic (protocol.messages.Topic value)."""
    labels = {
        Topic.GENERAL: translate("texts", "一般咨询"),
        Topic.MARRIAGE_FAMILY: translate("texts", "婚姻家庭"),
        Topic.LABOUR_WAGES: translate("texts", "劳动争议、欠薪"),
        Topic.TRAFFIC: translate("texts", "交通事故"),
        Topic.LOANS_CONTRACTS: translate("texts", "借贷合同"),
        Topic.LAND: translate("texts", "土地承包"),
        Topic.HOUSING: translate("texts", "房产物业"),
        Topic.INHERITANCE_SUPPORT: translate("texts", "继承赡养"),
        Topic.CRIMINAL: translate("texts", "刑事"),
    }
    try:
        return labels[Topic(topic)]
    except ValueError:
        return labels[Topic.GENERAL]


def topic_with_priority(topic: str, priority: str) -> str:
    """The topic as the desk shows it, saying why a call jumped the queue (农民工欠薪, 紧急)."""
    if priority == "wage_claim":
        return translate("texts", "农民工欠薪（优先接听）")
    if priority == "urgent":
        return translate("texts", "%1（紧急）").replace("%1", topic_label(topic))
    return topic_label(topic)


def default_failure() -> str:
    """Shown when a call failed and the flow gave no reason."""
    return translate("texts", "没能接通，请稍后再试。")


def default_no_lawyer() -> str:
    """Shown when nobody can answer and the flow gave no sentence."""
    return translate("texts", "现在没有值班律师。")


def login_missing_fields() -> str:
    """The desk login was tapped with an empty field."""
    return translate("texts", "请填写用户名和密码。")
