"""Validation of a whole form: each field, conditions, and cross-field rules, with plain messages."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from content.forms.checks import (
    MAX_PHOTO_BYTES,
    MAX_SIGNATURE_BYTES,
    check_id_number,
    check_phone,
    decode_image,
    normalise_id_number,
    normalise_phone,
    parse_iso_date,
)
from content.forms.spec import FieldSpec, FieldType, FormSpec

MSG_REQUIRED = {
    FieldType.CHOICE: "请选一项",
    FieldType.YES_NO: "请选“是”或者“否”",
    FieldType.SIGNATURE: "请在框里签上您的名字",
    FieldType.PHOTO: "请拍一张照片",
    FieldType.DATE: "请选一个日子",
}
MSG_REQUIRED_DEFAULT = "这一项必须填写"
MSG_UNKNOWN_FIELD = "这张表里没有这一项"


@dataclass(frozen=True)
class ValidationResult:
    """Cleaned answers (hidden and empty fields removed) and a message per wrong field."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the form can be submitted as it is."""
        return not self.errors


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", []) or (isinstance(value, str) and not value.strip())


def clean_field(spec: FieldSpec, value: Any, today: date) -> tuple[Any, str | None]:
    """The normalised value and a message if it is wrong (the value is assumed non-empty)."""
    match spec.type:
        case FieldType.TEXT:
            if not isinstance(value, str):
                return value, "请用文字填写"
            # Tidy spaces within each line but keep the villager's line breaks (case facts run long).
            lines = (" ".join(line.split()) for line in value.splitlines())
            text = "\n".join(line for line in lines if line)
            if any(ord(c) < 32 and c != "\n" for c in text) or "\x7f" in text:
                return value, "这里有看不见的怪字符，请删掉重新输入"
            if len(text) < spec.min_length:
                return text, f"请至少写{spec.min_length}个字"
            if len(text) > spec.max_length:
                return text, f"请不要超过{spec.max_length}个字，您写了{len(text)}个"
            return text, None
        case FieldType.NUMBER:
            return _clean_number(spec, value)
        case FieldType.PHONE:
            if not isinstance(value, str):
                return value, "请用数字键填写电话号码"
            return normalise_phone(value), check_phone(value, landline_allowed=spec.landline_allowed)
        case FieldType.ID_NUMBER:
            if not isinstance(value, str):
                return value, "请用数字键填写身份证号码"
            return normalise_id_number(value), check_id_number(value, today)
        case FieldType.DATE:
            parsed = parse_iso_date(value) if isinstance(value, str) else None
            return value, None if parsed else "日期不对，请用日历重新选一下"
        case FieldType.CHOICE:
            ok = isinstance(value, str) and spec.option(value) is not None
            return value, None if ok else "请从给出的选项里选一个"
        case FieldType.YES_NO:
            return value, None if isinstance(value, bool) else "请选“是”或者“否”"
        case FieldType.SIGNATURE:
            ok = isinstance(value, str) and decode_image(value, MAX_SIGNATURE_BYTES) is not None
            return value, None if ok else "签名没有保存好，请清除后重新签一次"
        case FieldType.PHOTO:
            return _clean_photos(spec, value)
    return value, "这一项填得不对"  # pragma: no cover - every FieldType is matched above


def _clean_number(spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return value, "请用数字键填一个数"
    if spec.min_value is not None and value < spec.min_value:
        return value, f"不能少于{spec.min_value:g}{spec.unit}"
    if spec.max_value is not None and value > spec.max_value:
        return value, f"不能多于{spec.max_value:g}{spec.unit}，请再核对一下"
    return value, None


def _clean_photos(spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return value, "照片没有保存好，请重新拍"
    if len(value) > spec.max_images:
        return value, f"最多拍{spec.max_images}张，请删掉几张"
    if any(decode_image(v, MAX_PHOTO_BYTES) is None for v in value):
        return value, "有照片没有保存好，请删掉重新拍"
    return value, None


def validate_field(spec: FormSpec, field_id: str, values: Mapping[str, Any], now: datetime) -> str | None:
    """The message to show next to one field (including cross-field rules on it), or None."""
    return validate_form(spec, values, now).errors.get(field_id)


def validate_form(spec: FormSpec, values: Mapping[str, Any], now: datetime) -> ValidationResult:
    """Check every visible field and the cross-field rules; hidden answers are dropped."""
    errors: dict[str, str] = {}
    known = {f.id for f in spec.fields}
    for key in values:
        if key not in known:
            errors[str(key)[:64]] = MSG_UNKNOWN_FIELD
    cleaned: dict[str, Any] = {}
    for f in spec.visible_fields(values):
        value = values.get(f.id)
        if _is_empty(value):
            if f.required:
                errors[f.id] = MSG_REQUIRED.get(f.type, MSG_REQUIRED_DEFAULT)
            continue
        value, message = clean_field(f, value, now.date())
        if message:
            errors[f.id] = message
        cleaned[f.id] = value
    for rule in spec.rules:
        checker = CROSS_RULES.get(rule["kind"])
        if checker is None:
            continue
        result = checker(rule, cleaned, now)
        if result:
            field_id, message = result
            errors.setdefault(field_id, message)
    return ValidationResult(values=cleaned, errors=errors)


# Cross-field rules: each takes (rule, cleaned values, now) and returns (field id, message) or None.
Rule = Mapping[str, Any]
Values = Mapping[str, Any]
Hit = tuple[str, str] | None
CrossRule = Callable[[Rule, Values, datetime], Hit]


def _date_of(values: Mapping[str, Any], field_id: str) -> date | None:
    value = values.get(field_id)
    return parse_iso_date(value) if isinstance(value, str) else None


def _date_not_past(rule: Rule, values: Values, now: datetime) -> Hit:
    day = _date_of(values, rule["field"])
    if day and day < now.date():
        return rule["field"], "这个日子已经过去了，请选今天或以后的日子"
    return None


def _date_not_future(rule: Rule, values: Values, now: datetime) -> Hit:
    day = _date_of(values, rule["field"])
    if day and day > now.date():
        return rule["field"], "这个日子还没到，请再核对一下"
    return None


def _date_within(rule: Rule, values: Values, now: datetime) -> Hit:
    day = _date_of(values, rule["field"])
    days = int(rule["max_days_ahead"])
    if day and day > now.date() + timedelta(days=days):
        return rule["field"], f"只能预约{days}天以内的日子，请选近一点的日子"
    return None


def _service_day(rule: Rule, values: Values, now: datetime) -> Hit:
    day = _date_of(values, rule["field"])
    if day is None:
        return None
    if day.isoformat() in rule.get("closed_dates", ()):
        return rule["field"], "这一天是节假日，不办公，请换一天"
    weekend = day.weekday() not in rule.get("weekdays", range(5))
    if weekend and day.isoformat() not in rule.get("open_dates", ()):
        return rule["field"], "这一天不办公（周六、周日休息），请换一天"
    return None


def _slot_not_past(rule: Rule, values: Values, now: datetime) -> Hit:
    day = _date_of(values, rule["date_field"])
    slot = values.get(rule["slot_field"])
    if day != now.date() or not isinstance(slot, str):
        return None
    start_hour, start_minute = (int(part) for part in slot.split("-")[0].split(":"))
    if (start_hour, start_minute) <= (now.hour, now.minute):
        return rule["slot_field"], "今天这个时间段已经过了，请选后面的时间段或者换一天"
    return None


def _household_income(rule: Rule, values: Values, now: datetime) -> Hit:
    size = values.get(rule["size_field"])
    earners = values.get(rule["earners_field"])
    income = values.get(rule["income_field"])
    if isinstance(size, int | float) and isinstance(earners, int | float) and earners > size:
        return rule["earners_field"], "有收入的人数不能比家里总人数多，请再核对一下"
    if isinstance(income, int | float) and isinstance(earners, int | float) and earners == 0 and income > 0:
        return rule["earners_field"], "您填了家里有收入，那有收入的人至少是1个"
    per_person_max = float(rule.get("per_person_plausible_max", 200000))
    if not (isinstance(size, int | float) and isinstance(income, int | float)) or size < 1:
        return None
    if income / size > per_person_max:
        return rule["income_field"], "每月收入填得太大了，请核对一下（单位是元，是一个月的钱）"
    return None


def _not_same(rule: Rule, values: Values, now: datetime) -> Hit:
    first, second = values.get(rule["field"]), values.get(rule["other_field"])
    if first is not None and first == second:
        return rule["other_field"], str(rule["message"])
    return None


def _must_agree(rule: Rule, values: Values, now: datetime) -> Hit:
    if values.get(rule["field"]) is False:
        return rule["field"], str(rule["message"])
    return None


CROSS_RULES: dict[str, CrossRule] = {
    "must_agree": _must_agree,
    "date_not_past": _date_not_past,
    "date_not_future": _date_not_future,
    "date_within": _date_within,
    "service_day": _service_day,
    "slot_not_past": _slot_not_past,
    "household_income": _household_income,
    "not_same": _not_same,
}
