"""Form specs as data: field types, conditions and the loader for content/data/forms/*.json."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from enum import StrEnum
from pathlib import Path
from typing import Any

FORMS_DIR = Path(__file__).resolve().parent.parent / "data" / "forms"
# The cross-field rule kinds content.forms.validation knows (a test keeps the two in step).
RULE_KINDS = frozenset(
    {
        "date_not_past",
        "date_not_future",
        "date_within",
        "service_day",
        "slot_not_past",
        "household_income",
        "not_same",
        "must_agree",
    }
)


class FieldType(StrEnum):
    """What kind of input a field takes; the UI picks its touch control from this."""

    TEXT = "text"  # Pinyin keyboard / handwriting
    NUMBER = "number"  # large number pad
    PHONE = "phone"  # large number pad, mobile or landline
    ID_NUMBER = "id_number"  # large number pad with an X key, GB 11643 check digit
    DATE = "date"  # date picker, ISO yyyy-mm-dd
    CHOICE = "choice"  # picture tiles, one value from `options`
    YES_NO = "yes_no"  # two large buttons, value true/false
    SIGNATURE = "signature"  # signature pad, a base64 PNG
    PHOTO = "photo"  # terminal camera, a list of base64 JPEG/PNG images

    @property
    def is_image(self) -> bool:
        """Whether the value holds image data (never read aloud)."""
        return self in (FieldType.SIGNATURE, FieldType.PHOTO)


@dataclass(frozen=True)
class Option:
    """One tile of a choice field."""

    value: str
    label: str
    icon: str = ""
    help: str = ""


@dataclass(frozen=True)
class Condition:
    """Show a field only when another field's value equals one of `values`."""

    field: str
    values: tuple[Any, ...]

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Whether the condition is met by the answers given so far."""
        return values.get(self.field) in self.values


@dataclass(frozen=True)
class FieldSpec:
    """One question of a form.

    Attributes:
        document_label: the caption this answer gets on the printed application (一事一档).
        sensitive: ID numbers and case facts: asked only after the separate PIPL consent.
    """

    id: str
    type: FieldType
    label: str
    required: bool = False
    help: str = ""
    placeholder: str = ""
    options: tuple[Option, ...] = ()
    show_if: tuple[Condition, ...] = ()  # all must hold
    min_value: float | None = None
    max_value: float | None = None
    min_length: int = 0
    max_length: int = 500
    max_images: int = 4
    unit: str = ""
    document_label: str = ""
    sensitive: bool = False
    landline_allowed: bool = True

    def visible(self, values: Mapping[str, Any]) -> bool:
        """Whether this field is shown, given the answers so far."""
        return all(c.holds(values) for c in self.show_if)

    def option(self, value: Any) -> Option | None:
        """The tile with this value, if any."""
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Section:
    """A page of the form: a title and its fields."""

    id: str
    title: str
    fields: tuple[FieldSpec, ...]
    intro: str = ""


@dataclass(frozen=True)
class LegalBasis:
    """An article the form rests on, quoted from the statute corpus."""

    law: str
    article: str
    quote: str  # the article's text, verbatim from the statute corpus


@dataclass(frozen=True)
class Consent:
    """The separate consent (个人信息保护法 第二十九条) asked before sensitive fields."""

    version: int
    title: str
    text: str
    refuse_text: str
    sensitive_fields: tuple[str, ...]


@dataclass(frozen=True)
class FormSpec:
    """A whole application form as shipped in the content pack.

    Attributes:
        phone_field: the field whose last four digits unlock the status lookup.
        rules: cross-field rules (see content.forms.validation.CROSS_RULES).
        bring_documents: what to bring to the centre, always and per answer.
        eligibility: data for the legal-aid self-check (content.forms.eligibility), if any.
    """

    id: str
    version: int
    title: str
    intro: str
    sections: tuple[Section, ...]
    phone_field: str
    document_title: str
    receipt_note: str
    legal_basis: tuple[LegalBasis, ...] = ()
    consent: Consent | None = None
    rules: tuple[Mapping[str, Any], ...] = ()
    bring_always: tuple[str, ...] = ()
    bring_by_answer: Mapping[str, Mapping[str, tuple[str, ...]]] = dc_field(default_factory=dict)
    eligibility: Mapping[str, Any] = dc_field(default_factory=dict)

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """All fields in page order."""
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, field_id: str) -> FieldSpec:
        """The field with this id (KeyError if none)."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def visible_fields(self, values: Mapping[str, Any]) -> list[FieldSpec]:
        """The fields shown for these answers, in order; an answer to a hidden field counts as none."""
        shown: list[FieldSpec] = []
        effective: dict[str, Any] = {}
        for f in self.fields:
            if f.visible(effective):
                shown.append(f)
                if f.id in values:
                    effective[f.id] = values[f.id]
        return shown

    def documents_to_bring(self, values: Mapping[str, Any]) -> list[str]:
        """What the villager should bring, given their answers (no repeats, in order)."""
        items = list(self.bring_always)
        for field_id, by_value in self.bring_by_answer.items():
            items.extend(by_value.get(str(values.get(field_id)), ()))
        return list(dict.fromkeys(items))


class SpecError(ValueError):
    """A form spec file is malformed (a content-pack error, found when loading)."""


def _condition(raw: Mapping[str, Any]) -> Condition:
    if "equals" in raw:
        return Condition(field=raw["field"], values=(raw["equals"],))
    return Condition(field=raw["field"], values=tuple(raw["in"]))


def _field(raw: Mapping[str, Any]) -> FieldSpec:
    show_if = raw.get("show_if", [])
    if isinstance(show_if, Mapping):
        show_if = [show_if]
    return FieldSpec(
        id=raw["id"],
        type=FieldType(raw["type"]),
        label=raw["label"],
        required=bool(raw.get("required", False)),
        help=raw.get("help", ""),
        placeholder=raw.get("placeholder", ""),
        options=tuple(Option(**o) for o in raw.get("options", [])),
        show_if=tuple(_condition(c) for c in show_if),
        min_value=raw.get("min"),
        max_value=raw.get("max"),
        min_length=int(raw.get("min_length", 0)),
        max_length=int(raw.get("max_length", 500)),
        max_images=int(raw.get("max_images", 4)),
        unit=raw.get("unit", ""),
        document_label=raw.get("document_label", raw["label"]),
        sensitive=bool(raw.get("sensitive", False)),
        landline_allowed=bool(raw.get("landline_allowed", True)),
    )


def parse_spec(raw: Mapping[str, Any]) -> FormSpec:
    """Build a FormSpec from its JSON object, checking references between fields."""
    try:
        consent_raw = raw.get("consent")
        consent = (
            Consent(
                version=int(consent_raw["version"]),
                title=consent_raw["title"],
                text=consent_raw["text"],
                refuse_text=consent_raw["refuse_text"],
                sensitive_fields=tuple(consent_raw["sensitive_fields"]),
            )
            if consent_raw
            else None
        )
        bring = raw.get("bring_documents", {})
        spec = FormSpec(
            id=raw["id"],
            version=int(raw["version"]),
            title=raw["title"],
            intro=raw.get("intro", ""),
            sections=tuple(
                Section(
                    id=s["id"],
                    title=s["title"],
                    intro=s.get("intro", ""),
                    fields=tuple(_field(f) for f in s["fields"]),
                )
                for s in raw["sections"]
            ),
            phone_field=raw["phone_field"],
            document_title=raw["document"]["title"],
            receipt_note=raw["document"].get("receipt_note", ""),
            legal_basis=tuple(LegalBasis(**b) for b in raw.get("legal_basis", [])),
            consent=consent,
            rules=tuple(raw.get("rules", [])),
            bring_always=tuple(bring.get("always", [])),
            bring_by_answer={
                fid: {v: tuple(docs) for v, docs in by.items()}
                for fid, by in bring.get("by_answer", {}).items()
            },
            eligibility=raw.get("eligibility", {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SpecError(f"form spec {raw.get('id', '?')!r}: {exc!r}") from exc
    _check_references(spec)
    return spec


def _check_references(spec: FormSpec) -> None:
    ids = [f.id for f in spec.fields]
    if len(ids) != len(set(ids)):
        raise SpecError(f"form spec {spec.id!r}: duplicate field ids")
    known = set(ids)
    for position, f in enumerate(spec.fields):
        later = [c.field for c in f.show_if if c.field not in ids[:position]]
        if later:
            raise SpecError(f"form spec {spec.id!r}: {f.id!r} depends on later or unknown fields {later}")
    referenced = [spec.phone_field, *(c.field for f in spec.fields for c in f.show_if)]
    referenced += list(spec.consent.sensitive_fields if spec.consent else ())
    referenced += list(spec.bring_by_answer)
    for rule in spec.rules:
        if rule.get("kind") not in RULE_KINDS:
            raise SpecError(f"form spec {spec.id!r}: unknown rule kind {rule.get('kind')!r}")
        referenced += [v for k, v in rule.items() if k.endswith("field")]
    missing = [r for r in referenced if r not in known]
    if missing:
        raise SpecError(f"form spec {spec.id!r}: unknown fields {missing}")
    if spec.field(spec.phone_field).type is not FieldType.PHONE:
        raise SpecError(f"form spec {spec.id!r}: phone_field must be a phone field")
    for f in spec.fields:
        if f.type is FieldType.CHOICE and not f.options:
            raise SpecError(f"form spec {spec.id!r}: choice field {f.id!r} has no options")
        if spec.consent and f.sensitive and f.id not in spec.consent.sensitive_fields:
            raise SpecError(f"form spec {spec.id!r}: sensitive field {f.id!r} not under consent")


def load_form(form_id: str, forms_dir: Path = FORMS_DIR) -> FormSpec:
    """Load one form spec by id (the JSON file's stem)."""
    if not form_id.replace("_", "").isalnum():
        raise KeyError(form_id)
    path = forms_dir / f"{form_id}.json"
    if not path.is_file():
        raise KeyError(form_id)
    return parse_spec(json.loads(path.read_text(encoding="utf-8")))


def load_all_forms(forms_dir: Path = FORMS_DIR) -> dict[str, FormSpec]:
    """Every form spec in the folder, by id, in file-name order."""
    specs = [parse_spec(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(forms_dir.glob("*.json"))]
    return {s.id: s for s in specs}
