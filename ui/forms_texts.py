"""Sentences of the form screens made in Python, translatable through Qt (context "forms")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

# Every sentence is a literal translate("forms", ...) call so pyside6-lupdate finds it.
translate = QCoreApplication.translate


def save_failed() -> str:
    """The outbox could not store the application."""
    return translate("forms", "没有保存成功，您填的内容还在。请再点一次“确认提交”；还不行请打12348。")


def print_failed() -> str:
    """lp did not take the receipt."""
    return translate("forms", "打印没有成功，请记下屏幕上的受理号，或者用手机拍下二维码。")


def printing() -> str:
    """lp took the receipt."""
    return translate("forms", "回执正在打印，请在打印机出口取。")


def photo_failed() -> str:
    """The camera gave no picture."""
    return translate("forms", "拍照没有成功，请再试一次；没有材料也可以不拍。")


def too_many_photos(limit: int) -> str:
    """The field's photo limit is reached."""
    return translate("forms", "最多拍%1张。").replace("%1", str(limit))


def speech_failed() -> str:
    """espeak-ng is missing or failed."""
    return translate("forms", "朗读功能现在用不了，请看屏幕上的字。")


def unreachable() -> str:
    """The status lookup could not reach the centre."""
    return translate("forms", "现在连不上中心，请过一会儿再查，或者打12348问。")


def bad_tracking_number() -> str:
    """The typed tracking number cannot be one."""
    return translate("forms", "受理号是8位，由数字和字母组成，请再核对一下。")


def bad_last4() -> str:
    """Fewer than four digits typed."""
    return translate("forms", "请填写手机号码的最后4位数字。")


def cannot_look_up() -> str:
    """Title of the result when the centre could not be asked."""
    return translate("forms", "查不到")


def not_found() -> str:
    """Title of the result when nothing matched."""
    return translate("forms", "没有查到")


def tracking_line(number: str) -> str:
    """The tracking number above a status."""
    return translate("forms", "受理号 %1").replace("%1", number)


def today() -> str:
    """The date picker's label for today."""
    return translate("forms", "今天")


def weekday(index: int) -> str:
    """星期一 .. 星期日 for Monday = 0."""
    names = (
        translate("forms", "星期一"),
        translate("forms", "星期二"),
        translate("forms", "星期三"),
        translate("forms", "星期四"),
        translate("forms", "星期五"),
        translate("forms", "星期六"),
        translate("forms", "星期日"),
    )
    return names[index]


def day_closed() -> str:
    """A day the office is closed."""
    return translate("forms", "休息")


def day_past() -> str:
    """A day already gone."""
    return translate("forms", "已过")


def day_refused() -> str:
    """A day the form's rules refuse for another reason."""
    return translate("forms", "不能选")


def bring(documents: str) -> str:
    """What to bring, the documents joined by ；."""
    return translate("forms", "请带上：%1。").replace("%1", documents)


def next_steps_default() -> str:
    """What happens next when the form says nothing."""
    return translate("forms", "中心收到后会打电话联系您。")


def lookup_hint() -> str:
    """How to look the status up later."""
    return translate("forms", "以后可以在“办事申请”里点“查询办理进度”，用受理号和手机号码后四位查询。")
