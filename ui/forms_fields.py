"""Answers between the touch widgets (text) and the form session (typed values); the date picker's days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from content.forms import FieldSpec, FieldType, FormSession, validate_form
from ui import forms_texts as texts

DAYS_PER_PAGE = 14  # two weeks of big buttons on the date picker


def to_display(field: FieldSpec, value: Any) -> str:
    """A stored answer as the widget shows it ("" when unanswered)."""
    if value is None:
        return ""
    if field.type is FieldType.YES_NO:
        return "true" if value is True else "false" if value is False else ""
    if field.type is FieldType.PHOTO:
        return str(len(value)) if isinstance(value, list) else ""
    if field.type is FieldType.NUMBER and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def from_display(field: FieldSpec, text: str) -> Any:
    """What a widget typed or tapped, as the value the form session stores (None when empty)."""
    if text == "":
        return None
    match field.type:
        case FieldType.YES_NO:
            return {"true": True, "false": False}.get(text)
        case FieldType.NUMBER:
            try:
                number = float(text)
            except ValueError:
                return text  # validation says it is not a number
            return int(number) if number.is_integer() and "." not in text else number
        case FieldType.ID_NUMBER:
            return text.upper()
    return text


def date_choices(session: FormSession, field: FieldSpec, now: datetime, page: int) -> list[dict[str, Any]]:
    """Two weeks of days from today for the date picker; days the form's rules refuse are disabled."""
    start = now.date() + timedelta(days=page * DAYS_PER_PAGE)
    chosen = session.values.get(field.id)
    probe = dict(session.values)
    days: list[dict[str, Any]] = []
    for offset in range(DAYS_PER_PAGE):
        day = start + timedelta(days=offset)
        probe[field.id] = day.isoformat()
        message = validate_form(session.spec, probe, now).errors.get(field.id, "")
        days.append(
            {
                "iso": day.isoformat(),
                "day": f"{day.month}月{day.day}日",
                "weekday": texts.today() if day == now.date() else texts.weekday(day.weekday()),
                "enabled": not message,
                "note": _short(message) if message else "",
                "chosen": chosen == day.isoformat(),
            }
        )
    return days


def _short(message: str) -> str:
    if "节假日" in message or "不办公" in message:
        return texts.day_closed()
    if "过去" in message:
        return texts.day_past()
    return texts.day_refused()


def month_title(day: date) -> str:
    """The month shown above the date picker."""
    return f"{day.year}年{day.month}月"
