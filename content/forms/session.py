"""One villager's pass through a form: answers, the PIPL consent, and the submission it yields."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from content.forms.spec import FieldSpec, FormSpec
from content.forms.validation import ValidationResult, validate_form

IDEMPOTENCY_KEY_BYTES = 16


class FormState(StrEnum):
    """Where a form session stands; allowed moves are in TRANSITIONS."""

    FILLING = "filling"
    REVIEWING = "reviewing"
    CONFIRMED = "confirmed"  # handed to the outbox; the receipt is shown once it is committed
    ENDED = "ended"  # consent refused or cancelled: every answer is gone


TRANSITIONS: dict[FormState, frozenset[FormState]] = {
    FormState.FILLING: frozenset({FormState.REVIEWING, FormState.ENDED}),
    FormState.REVIEWING: frozenset({FormState.FILLING, FormState.CONFIRMED, FormState.ENDED}),
    FormState.CONFIRMED: frozenset(),
    FormState.ENDED: frozenset(),
}


class FormStateError(RuntimeError):
    """A move not allowed from the session's current state."""


@dataclass(frozen=True)
class ConsentRecord:
    """The villager's separate consent to sensitive data, stored with the submission."""

    form_id: str
    version: int
    granted: bool
    at: str  # ISO 8601, UTC
    fields: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The consent as stored and sent with the submission."""
        return {
            "version": self.version,
            "granted": self.granted,
            "at": self.at,
            "fields": list(self.fields),
        }


class FormSession:
    """Answers to one form, with consent asked before the first sensitive field.

    Attributes:
        spec: the form being filled.
        state: a FormState.
        consent: the ConsentRecord once asked (None before, or when the form has no sensitive data).
        assisted_by: the staff member filling it in for the villager, if any.
    """

    def __init__(self, spec: FormSpec, *, assisted_by: str | None = None) -> None:
        self.spec = spec
        self.state = FormState.FILLING
        self.consent: ConsentRecord | None = None
        self.assisted_by = assisted_by
        self._values: dict[str, Any] = {}

    @property
    def values(self) -> Mapping[str, Any]:
        """The answers given so far."""
        return dict(self._values)

    def _move(self, target: FormState) -> None:
        if target not in TRANSITIONS[self.state]:
            raise FormStateError(f"{self.state} -> {target}")
        self.state = target

    def needs_consent_before(self, field: FieldSpec) -> bool:
        """Whether the consent page must be shown before this field is asked."""
        consent = self.spec.consent
        return bool(consent and field.id in consent.sensitive_fields and self.consent is None)

    def record_consent(self, granted: bool, now: datetime | None = None) -> None:
        """Record the answer to the consent page; refusing ends the form and forgets every answer."""
        if self.spec.consent is None or self.state is not FormState.FILLING:
            raise FormStateError("no consent to record")
        when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        if not granted:
            self.end()
            return
        self.consent = ConsentRecord(
            self.spec.id, self.spec.consent.version, True, when, self.spec.consent.sensitive_fields
        )

    def set(self, field_id: str, value: Any) -> None:
        """Store one answer (refused for sensitive fields without consent)."""
        if self.state not in (FormState.FILLING, FormState.REVIEWING):
            raise FormStateError(f"cannot answer in state {self.state}")
        field = self.spec.field(field_id)
        if self.needs_consent_before(field):
            raise FormStateError(f"consent needed before {field_id}")
        self._values[field_id] = value

    def visible_fields(self) -> list[FieldSpec]:
        """The questions to show for the answers so far, in page order."""
        return self.spec.visible_fields(self._values)

    def message_for(self, field_id: str, now: datetime) -> str | None:
        """The message to show next to one field (None when it is right)."""
        return self.validate(now).errors.get(field_id)

    def validate(self, now: datetime) -> ValidationResult:
        """Check the whole form as it stands."""
        return validate_form(self.spec, self._values, now)

    def review(self, now: datetime) -> ValidationResult:
        """Go to the review screen if everything is right (else stay, with the messages)."""
        result = self.validate(now)
        if result.ok:
            self._move(FormState.REVIEWING)
        return result

    def back_to_editing(self) -> None:
        """Leave the review screen to change an answer."""
        self._move(FormState.FILLING)

    def confirm(self, now: datetime) -> dict[str, Any]:
        """The submission to hand to the outbox (the form must be on the review screen and valid)."""
        if self.state is not FormState.REVIEWING:
            raise FormStateError("confirm only from the review screen")
        result = self.validate(now)
        if not result.ok:
            self._move(FormState.FILLING)
            raise FormStateError("answers changed and are no longer valid")
        self._move(FormState.CONFIRMED)
        return build_submission(self.spec, result.values, self.consent, self.assisted_by, now)

    def end(self) -> None:
        """Stop the form (consent refused, cancelled or idle): every answer is forgotten."""
        self._values.clear()
        self.consent = None
        self.state = FormState.ENDED


def build_submission(
    spec: FormSpec,
    values: Mapping[str, Any],
    consent: ConsentRecord | None,
    assisted_by: str | None,
    now: datetime,
) -> dict[str, Any]:
    """A submission body as the outbox stores it and the server accepts it (without key and number)."""
    return {
        "form_id": spec.id,
        "form_version": spec.version,
        "submitted_at": now.astimezone(UTC).isoformat(timespec="seconds"),
        "values": dict(values),
        "consent": consent.to_json() if consent else None,
        "assisted_by": assisted_by,
    }


def new_idempotency_key() -> str:
    """A random key that names one submission across every retry."""
    return secrets.token_hex(IDEMPOTENCY_KEY_BYTES)
