"""Read-back of a filled form in plain sentences, for the review screen and read-aloud."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from content.forms.checks import chinese_date, parse_iso_date
from content.forms.eligibility import check_eligibility
from content.forms.spec import FieldSpec, FieldType, FormSpec


def spoken_digits(digits: str, group: int = 4) -> str:
    """Digits in small groups so they can be read and checked one group at a time."""
    return " ".join(digits[i : i + group] for i in range(0, len(digits), group))


def display_value(spec: FieldSpec, value: Any) -> str:
    """One answer as a villager would say it (images only say that they are there)."""
    match spec.type:
        case FieldType.CHOICE:
            option = spec.option(value)
            return option.label if option else str(value)
        case FieldType.YES_NO:
            return "是" if value else "不是"
        case FieldType.DATE:
            day = parse_iso_date(str(value))
            return chinese_date(day) if day else str(value)
        case FieldType.PHONE:
            text = str(value)
            return f"{text[:3]} {spoken_digits(text[3:])}" if text.startswith("1") else spoken_digits(text)
        case FieldType.ID_NUMBER:
            text = str(value)
            return f"{text[:6]} {text[6:14]} {text[14:]}"
        case FieldType.NUMBER:
            return f"{value:g}{spec.unit}" if isinstance(value, float) else f"{value}{spec.unit}"
        case FieldType.SIGNATURE:
            return "已签名"
        case FieldType.PHOTO:
            return f"已拍{len(value)}张照片" if isinstance(value, list) else "已拍照片"
    return str(value)


def review_lines(spec: FormSpec, values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field id, caption, answer) for each visible answered field, in page order."""
    lines = []
    for f in spec.visible_fields(values):
        value = values.get(f.id)
        if value is None or value in ("", []):
            continue
        lines.append((f.id, f.document_label, display_value(f, value)))
    return lines


def review_text(spec: FormSpec, values: Mapping[str, Any]) -> str:
    """Everything read back in plain sentences, ending with what happens next."""
    sentences = [f"请您核对{spec.title}。"]
    for _field_id, caption, answer in review_lines(spec, values):
        sentences.append(f"{caption}：{answer}。")
    if spec.eligibility:
        result = check_eligibility(spec, values)
        sentences.extend(result.reasons)
    documents = spec.documents_to_bring(values)
    if documents:
        sentences.append("请带上：" + "；".join(documents) + "。")
    if spec.receipt_note:
        sentences.append(spec.receipt_note)
    sentences.append("都对的话，请点“确认提交”；要改哪一项，点那一项就能改。")
    return "\n".join(sentences)
