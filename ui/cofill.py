"""A form filled together during a call: its fields as both screens show them, and its submission."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from content.forms import FieldType, FormSession, FormSpec
from ui.forms_fields import from_display

SUBMITTED_FIELD = "_submitted"  # the kiosk tells the lawyer the tracking number through this patch
MAX_FIELD_CHARS = 4000  # what the pool server relays in one field (server/incall.py MAX_FIELD_VALUE)
LOCAL_ONLY = frozenset({FieldType.SIGNATURE, FieldType.PHOTO})  # images stay on the terminal


class FieldOrigin(StrEnum):
    """Who last wrote a field."""

    NONE = ""
    KIOSK = "kiosk"
    LAWYER = "lawyer"


@dataclass
class CoFill:
    """The values of one co-filled form as text (the FormPatch value), who wrote each, and the images."""

    spec: FormSpec
    values: dict[str, str] = field(default_factory=dict)
    origins: dict[str, FieldOrigin] = field(default_factory=dict)
    images: dict[str, Any] = field(default_factory=dict)  # signature (base64 PNG), kept on the terminal

    def apply(self, field_id: str, value: str, origin: str) -> bool:
        """Take one edit; False when the form has no such field."""
        if not any(f.id == field_id for f in self.spec.fields):
            return False
        self.values[field_id] = value
        known = origin in FieldOrigin.__members__.values()
        self.origins[field_id] = FieldOrigin(origin) if known else FieldOrigin.NONE
        return True

    def typed(self) -> dict[str, Any]:
        """The values as the form session stores them (images included)."""
        typed: dict[str, Any] = {}
        for spec_field in self.spec.fields:
            if spec_field.type in LOCAL_ONLY:
                if self.images.get(spec_field.id):
                    typed[spec_field.id] = self.images[spec_field.id]
                continue
            value = from_display(spec_field, self.values.get(spec_field.id, ""))
            if value is not None:
                typed[spec_field.id] = value
        return typed

    def session(self) -> FormSession:
        """A form session holding these values, consent given (the villager confirms on the terminal)."""
        session = FormSession(self.spec)
        if self.spec.consent is not None:
            session.record_consent(True)
        for field_id, value in self.typed().items():
            session.set(field_id, value)
        return session

    def errors(self, now: datetime) -> dict[str, str]:
        """Messages per field for the answers so far (empty when the form may be confirmed)."""
        return dict(self.session().validate(now).errors)

    def submission(self, now: datetime) -> dict[str, Any]:
        """The submission for the outbox; raises content.forms.FormStateError when not valid."""
        session = self.session()
        session.review(now)
        return session.confirm(now)

    def rows(self, errors: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """The visible fields for QML: id, label, type, value, options, origin, required, message, local,
        filled, maxLength."""
        rows = []
        for spec_field in self.spec.visible_fields(self.typed()):
            rows.append(
                {
                    "id": spec_field.id,
                    "label": spec_field.label,
                    "type": spec_field.type.value,
                    "value": self.values.get(spec_field.id, ""),
                    "options": [{"value": o.value, "label": o.label} for o in spec_field.options],
                    "origin": self.origins.get(spec_field.id, FieldOrigin.NONE).value,
                    "required": spec_field.required,
                    "message": (errors or {}).get(spec_field.id, ""),
                    "local": spec_field.type in LOCAL_ONLY,
                    "filled": bool(self.values.get(spec_field.id) or self.images.get(spec_field.id)),
                    "maxLength": min(spec_field.max_length, MAX_FIELD_CHARS),
                }
            )
        return rows
