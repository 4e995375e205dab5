"""Application forms: specs as data, a clerk's validation, the legal-aid self-check, read-back, consent."""

from __future__ import annotations

from datetime import timedelta, timezone

from content.forms.checks import check_id_number, check_phone, chinese_date, id_check_character
from content.forms.eligibility import Channel, EligibilityResult, check_eligibility
from content.forms.review import display_value, review_lines, review_text
from content.forms.session import (
    ConsentRecord,
    FormSession,
    FormState,
    FormStateError,
    build_submission,
    new_idempotency_key,
)
from content.forms.spec import (
    Condition,
    FieldSpec,
    FieldType,
    FormSpec,
    Option,
    Section,
    SpecError,
    load_all_forms,
    load_form,
)
from content.forms.tracking import display_tracking_number, new_tracking_number, normalise_tracking_number
from content.forms.validation import ValidationResult, validate_field, validate_form

# China keeps one time zone and no daylight saving: dates on forms are in UTC+8.
CHINA_TZ = timezone(timedelta(hours=8), "CST")

__all__ = [
    "CHINA_TZ",
    "Channel",
    "Condition",
    "ConsentRecord",
    "EligibilityResult",
    "FieldSpec",
    "FieldType",
    "FormSession",
    "FormSpec",
    "FormState",
    "FormStateError",
    "Option",
    "Section",
    "SpecError",
    "ValidationResult",
    "build_submission",
    "check_eligibility",
    "check_id_number",
    "check_phone",
    "chinese_date",
    "display_tracking_number",
    "display_value",
    "id_check_character",
    "load_all_forms",
    "load_form",
    "new_idempotency_key",
    "new_tracking_number",
    "normalise_tracking_number",
    "review_lines",
    "review_text",
    "validate_field",
    "validate_form",
]
