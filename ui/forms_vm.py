"""The 办事申请 view-model: one question per screen, driven only by the form specs, to a receipt."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from config.settings import CameraSettings
from content.forms import (
    CHINA_TZ,
    FieldSpec,
    FieldType,
    FormSession,
    FormSpec,
    FormState,
    FormStateError,
    display_tracking_number,
)
from ui.background import BackgroundRunner
from ui.forms_capture import FormCaptureSlots
from ui.forms_fields import date_choices, from_display, to_display
from ui.forms_pages import (
    PAGE_TRANSITIONS,
    FormPage,
    OutboxLike,
    SessionFiles,
)
from ui.forms_readout import eligibility_view, next_steps, review_notes, review_view
from ui.forms_status import StatusLookupViewModel, StatusQuery
from ui.forms_submit import FormSubmitSlots
from ui.speech import SpeechRenderer

log = logging.getLogger(__name__)


class FormsViewModel(QObject, FormCaptureSlots, FormSubmitSlots):
    """The form screens' state and what each tap does; QML only renders it.

    Signals:
        changed: any displayed property changed.
        fieldChanged: a different question is shown (widgets reload their value).
        finished: the villager is done with 办事申请 (the kiosk goes home).
        receiptShown: the receipt is on screen (only after the outbox committed the submission).
    """

    changed = Signal()
    fieldChanged = Signal()
    finished = Signal()
    receiptShown = Signal()

    def __init__(
        self,
        forms: Mapping[str, FormSpec],
        runner: BackgroundRunner,
        outbox: OutboxLike,
        session_folder: Callable[[], Path],
        *,
        status_query: StatusQuery | None = None,
        camera: CameraSettings | None = None,
        speech: SpeechRenderer | None = None,
        printer: str = "",
        staff: object | None = None,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.forms = dict(forms)
        self._runner = runner
        self._outbox = outbox
        self._session_folder = session_folder
        self._files = SessionFiles(session_folder)
        self._camera = camera or CameraSettings()
        self._speech = speech
        self._printer = printer
        self._staff = staff
        self._assisted_by = ""
        self._clock = clock or (lambda: datetime.now(CHINA_TZ))
        self.status = StatusLookupViewModel(runner, status_query, self)
        self.status.changed.connect(self.changed)
        self._clear()

    def _clear(self) -> None:
        self._page = FormPage.CHOOSER
        self.session: FormSession | None = None
        self._field_id = ""
        self._message = ""
        self._notice = ""
        self._busy = False
        self._from_review = False
        self._date_page = 0
        self._strokes: list[list[list[float]]] = []
        self._photo_files: list[Path] = []
        self._submission: dict[str, Any] | None = None
        self._tracking = ""
        self._qr = ""
        self._speech_url = ""

    # --- helpers -----------------------------------------------------------------------------------
    @property
    def current_page(self) -> FormPage:
        """The screen shown."""
        return self._page

    def _go(self, page: FormPage) -> None:
        if page not in PAGE_TRANSITIONS[self._page]:
            raise FormStateError(f"page {self._page} -> {page}")
        self._page = page
        self._message = ""
        self._notice = ""
        self.changed.emit()

    @property
    def spec(self) -> FormSpec | None:
        """The form being filled, if any."""
        return self.session.spec if self.session else None

    @property
    def field(self) -> FieldSpec | None:
        """The question on screen, if any."""
        spec = self.spec
        return spec.field(self._field_id) if spec and self._field_id else None

    def _now(self) -> datetime:
        return self._clock()

    def _visible(self) -> list[FieldSpec]:
        return self.session.visible_fields() if self.session else []

    def _show_field(self, field_id: str) -> None:
        self._field_id = field_id
        self._date_page = 0
        field = self.field
        self._strokes = []
        if field is not None and field.type is FieldType.SIGNATURE and self.session:
            self.session.set(field.id, None)  # a fresh signature every time the pad is shown
        if self._page is not FormPage.QUESTION:
            self._go(FormPage.QUESTION)
        self._message = ""
        self.fieldChanged.emit()
        self.changed.emit()

    def _ask(self, field: FieldSpec) -> None:
        """Show this question, or the consent page first if it is sensitive and consent is not given."""
        assert self.session is not None
        if self.session.needs_consent_before(field):
            self._field_id = field.id
            self._go(FormPage.CONSENT)
            self.fieldChanged.emit()
            return
        self._show_field(field.id)

    def _eligibility_section(self) -> set[str]:
        spec = self.spec
        if spec is None or not spec.eligibility:
            return set()
        matter = spec.eligibility["matter_field"]
        section = next(s for s in spec.sections if any(f.id == matter for f in s.fields))
        return {f.id for f in section.fields}

    # --- properties --------------------------------------------------------------------------------
    def _page_name(self) -> str:
        return self._page.value

    def _form_list(self) -> list[dict[str, str]]:
        return [{"id": s.id, "title": s.title, "intro": s.intro} for s in self.forms.values()]

    def _form_id(self) -> str:
        return self.spec.id if self.spec else ""

    def _form_title(self) -> str:
        return self.spec.title if self.spec else ""

    def _step(self) -> int:
        ids = [f.id for f in self._visible()]
        return ids.index(self._field_id) + 1 if self._field_id in ids else 0

    def _step_count(self) -> int:
        return len(self._visible())

    def _section_title(self) -> str:
        spec = self.spec
        if spec is None:
            return ""
        return next((s.title for s in spec.sections if any(f.id == self._field_id for f in s.fields)), "")

    def _f(self, attribute: str, default: Any = "") -> Any:
        field = self.field
        return getattr(field, attribute) if field else default

    def _field_type(self) -> str:
        field = self.field
        return field.type.value if field else ""

    def _options(self) -> list[dict[str, str]]:
        field = self.field
        if field is None:
            return []
        return [{"value": o.value, "label": o.label, "help": o.help} for o in field.options]

    def _value(self) -> str:
        field = self.field
        if field is None or self.session is None:
            return ""
        return to_display(field, self.session.values.get(field.id))

    def _dates(self) -> list[dict[str, Any]]:
        field = self.field
        if field is None or self.session is None or field.type is not FieldType.DATE:
            return []
        return date_choices(self.session, field, self._now(), self._date_page)

    def _consent(self, attribute: str) -> str:
        consent = self.spec.consent if self.spec else None
        return str(getattr(consent, attribute)) if consent else ""

    def _eligibility(self) -> dict[str, Any]:
        return eligibility_view(self.spec, self.session.values) if self.spec and self.session else {}

    def _review(self) -> list[dict[str, str]]:
        return review_view(self.spec, self.session.values) if self.spec and self.session else []

    def _review_notes(self) -> str:
        return review_notes(self.spec, self.session.values) if self.spec and self.session else ""

    def _next_steps(self) -> str:
        values = self._submission["values"] if self._submission else {}
        return next_steps(self.spec, values) if self.spec else ""

    def _assisted(self) -> str:
        if self._assisted_by:
            return self._assisted_by
        staff = self._staff
        if staff is not None and str(getattr(staff, "state", "")) == "unlocked":
            return str(getattr(staff, "staff_id", ""))
        return ""

    def _set_assisted(self, value: str) -> None:
        self._assisted_by = value.strip()[:60]
        self.changed.emit()

    page = Property(str, _page_name, notify=changed)
    formList = Property(list, _form_list, constant=True)
    formId = Property(str, _form_id, notify=changed)
    formTitle = Property(str, _form_title, notify=changed)
    step = Property(int, _step, notify=changed)
    stepCount = Property(int, _step_count, notify=changed)
    sectionTitle = Property(str, _section_title, notify=changed)
    fieldId = Property(str, lambda self: self._field_id, notify=fieldChanged)
    fieldType = Property(str, _field_type, notify=fieldChanged)
    fieldLabel = Property(str, lambda self: self._f("label"), notify=fieldChanged)
    fieldHelp = Property(str, lambda self: self._f("help"), notify=fieldChanged)
    fieldRequired = Property(bool, lambda self: bool(self._f("required", False)), notify=fieldChanged)
    fieldUnit = Property(str, lambda self: self._f("unit"), notify=fieldChanged)
    fieldMaxLength = Property(int, lambda self: int(self._f("max_length", 500)), notify=fieldChanged)
    fieldOptions = Property(list, _options, notify=fieldChanged)
    fieldValue = Property(str, _value, notify=changed)
    fieldMessage = Property(str, lambda self: self._message, notify=changed)
    photoUrls = Property(list, FormCaptureSlots._photo_urls, notify=changed)
    signatureUrl = Property(str, FormCaptureSlots._signature_url, notify=changed)
    maxPhotos = Property(int, lambda self: int(self._f("max_images", 0)), notify=fieldChanged)
    dateChoices = Property(list, _dates, notify=changed)
    datePage = Property(int, lambda self: self._date_page, notify=changed)
    consentTitle = Property(str, lambda self: self._consent("title"), notify=changed)
    consentText = Property(str, lambda self: self._consent("text"), notify=changed)
    refuseText = Property(str, lambda self: self._consent("refuse_text"), notify=changed)
    eligibility = Property(dict, _eligibility, notify=changed)
    reviewLines = Property(list, _review, notify=changed)
    reviewNotes = Property(str, _review_notes, notify=changed)
    trackingNumber = Property(str, lambda self: self._tracking, notify=changed)
    trackingDisplay = Property(
        str, lambda self: display_tracking_number(self._tracking) if self._tracking else "", notify=changed
    )
    qrCode = Property(str, lambda self: self._qr, notify=changed)
    nextSteps = Property(str, _next_steps, notify=changed)
    canPrint = Property(bool, lambda self: bool(self._printer), constant=True)
    notice = Property(str, lambda self: self._notice, notify=changed)
    busy = Property(bool, lambda self: self._busy, notify=changed)
    speechUrl = Property(str, lambda self: self._speech_url, notify=changed)
    assistedBy = Property(str, _assisted, _set_assisted, notify=changed)
    statusLookup = Property(QObject, lambda self: self.status, constant=True)

    # --- slots: the chooser --------------------------------------------------------------------
    @Slot()
    def showChooser(self) -> None:
        """Open 办事申请 at its chooser, forgetting any unfinished form."""
        self.reset()

    @Slot(str)
    def openForm(self, form_id: str) -> None:
        """Start a form (from the chooser, or directly from a FAQ answer)."""
        spec = self.forms.get(form_id)
        if spec is None:
            log.warning("no form %r", form_id)
            return
        self.reset()
        self.session = FormSession(spec)
        self._ask(self._visible()[0])

    @Slot()
    def openStatus(self) -> None:
        """查询办理进度."""
        self.reset()
        self.status.reset()
        self._go(FormPage.STATUS)

    @Slot()
    def home(self) -> None:
        """返回首页: forget everything and let the kiosk go home."""
        self.reset()
        self.finished.emit()

    @Slot()
    def use_staff(self, staff: object) -> None:
        """The staff gate whose signed-in member is recorded on assisted submissions."""
        self._staff = staff

    def reset(self) -> None:
        """Forget the form, its photos and signature (also the session wiper)."""
        if self.session is not None:
            self.session.end()
        self._files.wipe()
        self._clear()
        self.status.reset()
        self.fieldChanged.emit()
        self.changed.emit()

    # --- slots: answering ----------------------------------------------------------------------
    @Slot(str)
    def setValue(self, text: str) -> None:
        """A widget changed the answer (text, digits, a choice, "true"/"false", an ISO date)."""
        field = self.field
        if field is None or self.session is None or self._page is not FormPage.QUESTION:
            return
        self.session.set(field.id, from_display(field, text))
        if self._message:  # once a message shows, it follows the answer
            self._message = self.session.message_for(field.id, self._now()) or ""
        self.changed.emit()

    @Slot(int)
    def shiftDates(self, pages: int) -> None:
        """Show the next or previous two weeks on the date picker."""
        self._date_page = max(0, min(self._date_page + pages, 8))
        self.changed.emit()

    # --- slots: moving -------------------------------------------------------------------------
    @Slot()
    def next(self) -> None:
        """下一步: check this answer (message next to it if wrong), then the next screen."""
        if self.session is None:
            return
        if self._page is FormPage.ELIGIBILITY:
            self._after(self._eligibility_last_field())
            return
        field = self.field
        if field is None or self._page is not FormPage.QUESTION:
            return
        message = self.session.message_for(field.id, self._now())
        if message:
            self._message = message
            self.changed.emit()
            return
        if self._from_review:
            self._toReview()
            return
        if field.id in self._eligibility_section():
            later = [f for f in self._after_fields(field.id) if f.id in self._eligibility_section()]
            if not later:
                self._go(FormPage.ELIGIBILITY)
                return
        self._after(field.id)

    def _eligibility_last_field(self) -> str:
        section = self._eligibility_section()
        return [f.id for f in self._visible() if f.id in section][-1]

    def _after_fields(self, field_id: str) -> list[FieldSpec]:
        visible = self._visible()
        ids = [f.id for f in visible]
        return visible[ids.index(field_id) + 1 :] if field_id in ids else []

    def _after(self, field_id: str) -> None:
        later = self._after_fields(field_id)
        if later:
            self._ask(later[0])
        else:
            self._toReview()

    def _toReview(self) -> None:
        assert self.session is not None
        if self.session.state is FormState.REVIEWING:
            self.session.back_to_editing()
        result = self.session.review(self._now())
        if not result.ok:
            first = next(f for f in self._visible() if f.id in result.errors)
            self._from_review = False
            self._ask(first)
            if self._page is FormPage.QUESTION:
                self._message = result.errors[first.id]
                self.changed.emit()
            return
        self._from_review = False
        self._field_id = ""
        self._go(FormPage.REVIEW)
        self.fieldChanged.emit()

    @Slot()
    def back(self) -> None:
        """上一步: the previous screen (the chooser from the first question)."""
        if self.session is None or self._page in (FormPage.CHOOSER, FormPage.STATUS):
            self.reset()
            return
        if self._page is FormPage.REVIEW:
            self.session.back_to_editing()
            self._show_field(self._visible()[-1].id)
            return
        if self._page is FormPage.ELIGIBILITY:
            self._show_field(self._eligibility_last_field())
            return
        visible = self._visible()
        ids = [f.id for f in visible]
        index = ids.index(self._field_id) if self._field_id in ids else 0
        if self._page is FormPage.QUESTION and self._field_id == self._first_after_eligibility():
            self._go(FormPage.ELIGIBILITY)
            return
        if index == 0:
            self.reset()
            return
        self._show_field(ids[index - 1])

    def _first_after_eligibility(self) -> str:
        section = self._eligibility_section()
        later = [f.id for f in self._visible() if f.id not in section]
        return later[0] if section and later else ""

    @Slot(bool)
    def answerConsent(self, granted: bool) -> None:
        """同意 / 不同意 on the consent page; refusing ends the form and keeps nothing."""
        if self.session is None or self._page is not FormPage.CONSENT:
            return
        self.session.record_consent(granted, self._now())
        if not granted:
            self._files.wipe()
            self._field_id = ""
            self._strokes = []
            self._go(FormPage.REFUSED)
            self.fieldChanged.emit()
            return
        self._show_field(self._field_id)

    @Slot(str)
    def editField(self, field_id: str) -> None:
        """Tap a line on the review screen to change it; 下一步 then comes back to the review."""
        if self.session is None or self._page is not FormPage.REVIEW:
            return
        self.session.back_to_editing()
        self._from_review = True
        self._show_field(field_id)
