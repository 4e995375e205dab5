"""In-call help on the terminal: pushed answers shown large; a form filled together and confirmed here."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Property, QCoreApplication, QObject, Signal, Slot

from content.forms import CHINA_TZ, FieldType, FormSpec, FormStateError, display_tracking_number
from media.flows import CallerFlow, CallerState, CallInfo, FieldEdit, PushedContent
from protocol.messages import ContentKind
from ui.background import BackgroundRunner
from ui.cofill import SUBMITTED_FIELD, CoFill, FieldOrigin
from ui.form_media import signature_png
from ui.forms_pages import OutboxLike

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

CALL_OVER = frozenset({CallerState.IDLE, CallerState.ENDED, CallerState.NO_LAWYER, CallerState.FAILED})
Speak = Callable[[str], None]


class Overlay(StrEnum):
    """What covers the lawyer's large picture during the call."""

    NONE = ""
    CONTENT = "content"  # an FAQ answer or a law article, large
    FORM = "form"  # a form filled together
    SAVING = "saving"  # the confirmed form is being written to the outbox
    RECEIPT = "receipt"  # it is in the outbox: the tracking number


class KioskHelpViewModel(QObject):
    """Shows pushed content and co-fills pushed forms; the confirmed form goes to the outbox.

    Signals:
        changed: any displayed property changed.
        layoutChanged: the co-filled form's visible fields changed.
        submitted: a co-filled form is in the outbox (its tracking number).
        errorsShown: 确认提交 found answers to fix; the first such field's id.
    """

    changed = Signal()
    layoutChanged = Signal()  # the list of fields shown changed (QML rebuilds the rows only then)
    submitted = Signal(str)
    errorsShown = Signal(str)  # the first field with a message (the screen scrolls to it)

    def __init__(
        self,
        flow: CallerFlow,
        runner: BackgroundRunner,
        forms: Mapping[str, FormSpec],
        outbox: OutboxLike,
        *,
        speak: Speak | None = None,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._field_ids: list[str] = []
        self.changed.connect(self._check_layout)
        self.flow = flow
        self._runner = runner
        self.forms = dict(forms)
        self._outbox = outbox
        self._speak = speak
        self._clock = clock or (lambda: datetime.now(CHINA_TZ))
        self._seen: PushedContent | None = flow.info.pushed
        self._overlay = Overlay.NONE
        self._content: PushedContent | None = None
        self.cofill: CoFill | None = None
        self._errors: dict[str, str] = {}
        self._message = ""
        self._tracking = ""
        self._strokes: list[list[list[float]]] = []
        flow.add_state_listener(self._on_state)
        flow.add_form_listener(self._on_edit)
        set_hook = getattr(flow, "set_form_submit_hook", None)
        if set_hook is not None:
            set_hook(self._enqueue)  # the flow's submit path ends in this terminal's outbox

    # --- flow events -------------------------------------------------------------------------------
    def _on_state(self, state: Any, info: CallInfo) -> None:
        if CallerState(state) in CALL_OVER:
            if self._overlay is not Overlay.NONE or self.cofill is not None:
                self.reset()
            self._seen = info.pushed
            return
        pushed = info.pushed
        if pushed is None or pushed is self._seen:
            return
        self._seen = pushed
        if pushed.kind == ContentKind.FORM.value:
            self._open_form(pushed)
        else:
            self._content = pushed  # shown at once; a form being filled stays behind 打开表格
            self._overlay = Overlay.CONTENT
        self.changed.emit()

    def _open_form(self, pushed: PushedContent) -> None:
        spec = self.forms.get(pushed.ref)
        if spec is None:
            log.warning("the lawyer pushed a form this terminal does not have: %r", pushed.ref)
            return
        if self.cofill is None or self.cofill.spec.id != spec.id or self._overlay is not Overlay.FORM:
            self.cofill = CoFill(spec)
            for field_id, value in self._flow_values(spec.id).items():
                self.cofill.apply(field_id, value, FieldOrigin.NONE.value)
            self._errors = {}
            self._strokes = []
            self._message = ""
        self._overlay = Overlay.FORM

    def _flow_values(self, form_id: str) -> dict[str, str]:
        values = getattr(self.flow, "form_values", None)
        got = values(form_id) if callable(values) else {}
        return dict(got) if isinstance(got, Mapping) else {}

    def _on_edit(self, edit: FieldEdit) -> None:
        if self.cofill is None or edit.form_id != self.cofill.spec.id or edit.field == SUBMITTED_FIELD:
            return
        if self.cofill.apply(edit.field, edit.value, edit.origin):
            self._fixed(edit.field)
            self.changed.emit()

    # --- slots -----------------------------------------------------------------------------------
    @Slot()
    def close(self) -> None:
        """关闭: back to the form being filled, if any, else to the lawyer's large picture.

        A form keeps its answers until the call ends.
        """
        from_content = self._overlay is Overlay.CONTENT and self.cofill is not None
        self._overlay = Overlay.FORM if from_content else Overlay.NONE
        self.changed.emit()

    @Slot()
    def reopen(self) -> None:
        """打开表格 / 再看一遍: bring back the form being filled, else the last thing pushed."""
        if self.cofill is not None:
            self._overlay = Overlay.FORM
        elif self._content is not None:
            self._overlay = Overlay.CONTENT
        self.changed.emit()

    def _reopen_label(self) -> str:
        if self._overlay is not Overlay.NONE:
            return ""
        if self.cofill is not None:
            return translate("incall", "打开表格")
        return translate("incall", "再看律师发的内容") if self._content is not None else ""

    @Slot()
    def readAloud(self) -> None:
        """朗读 the pushed answer or article."""
        if self._speak is not None and self._content is not None:
            self._speak(f"{self._content.title}。{self._content.text}")

    @Slot(str, str)
    def setField(self, field_id: str, value: str) -> None:
        """The villager fills one field; the lawyer sees it at once."""
        if self.cofill is None or self._overlay is not Overlay.FORM:
            return
        if self.cofill.values.get(field_id, "") == value:
            return
        if not self.cofill.apply(field_id, value, FieldOrigin.KIOSK.value):
            return
        self._fixed(field_id)
        self._runner.run(self.flow.patch_form(self.cofill.spec.id, field_id, value), name="patch-form")
        self.changed.emit()

    def _fixed(self, field_id: str) -> None:
        """A field with a message was answered: its message goes; the summary goes with the last one."""
        self._errors.pop(field_id, None)
        if not self._errors and self._overlay is Overlay.FORM:
            self._message = ""

    @Slot("QVariantList")
    def addSignatureStroke(self, points: list[Any]) -> None:
        """One stroke on the signature pad (points 0..1); the signature stays on this terminal."""
        field_id = self._signature_field()
        stroke = [[float(p[0]), float(p[1])] for p in points if len(p) >= 2]
        if self.cofill is None or not field_id or not stroke:
            return
        self._strokes.append(stroke)
        self.cofill.images[field_id] = base64.b64encode(signature_png(self._strokes)).decode("ascii")
        self._fixed(field_id)
        self.changed.emit()

    @Slot()
    def clearSignature(self) -> None:
        """清除 on the signature pad."""
        field_id = self._signature_field()
        if self.cofill is not None and field_id:
            self._strokes = []
            self.cofill.images.pop(field_id, None)
            self.changed.emit()

    def _signature_field(self) -> str:
        if self.cofill is None:
            return ""
        return next((f.id for f in self.cofill.spec.fields if f.type is FieldType.SIGNATURE), "")

    @Slot()
    def confirm(self) -> None:
        """确认提交: check every answer (messages beside the wrong ones), then the outbox."""
        if self.cofill is None or self._overlay is not Overlay.FORM:
            return
        self._errors = self.cofill.errors(self._clock())
        if self._errors:
            self._message = translate("incall", "还有%1项没有填好，请看红字。").replace(
                "%1", str(len(self._errors))
            )
            self.changed.emit()
            first = next((r["id"] for r in self._rows() if r["id"] in self._errors), "")
            self.errorsShown.emit(first)
            return
        self._message = ""
        self._overlay = Overlay.SAVING
        self.changed.emit()
        self._runner.run(self.flow.submit_form(self.cofill.spec.id), name="submit-form")

    def _enqueue(self, form_id: str, _values: dict[str, str]) -> None:
        """The flow's form-submit hook: the confirmed form (with its signature) into the outbox."""
        if self.cofill is None or self.cofill.spec.id != form_id:
            return
        try:
            submission = self.cofill.submission(self._clock())
        except FormStateError:
            self._back_to_form(translate("incall", "有的内容刚被改过，请再看一遍后确认。"))
            return
        self._runner.run(
            self._outbox.enqueue(submission),
            name="enqueue-cofill",
            on_success=self._saved,
            on_failure=lambda _m: self._back_to_form(
                translate("incall", "没有保存成功，您填的内容还在。请再点一次“确认提交”。")
            ),
        )

    def _saved(self, receipt: Any) -> None:
        self._tracking = str(receipt.tracking_number)
        form_id = self.cofill.spec.id if self.cofill else ""
        self.cofill = None
        self._strokes = []
        self._overlay = Overlay.RECEIPT
        self.changed.emit()
        self.submitted.emit(self._tracking)
        if form_id:  # the lawyer sees that it is submitted, and its number
            self._runner.run(
                self.flow.patch_form(form_id, SUBMITTED_FIELD, display_tracking_number(self._tracking)),
                name="patch-form",
            )

    def _back_to_form(self, message: str) -> None:
        self._overlay = Overlay.FORM
        self._message = message
        self.changed.emit()

    def reset(self) -> None:
        """Forget everything shown and filled (the call ended, or the session was wiped)."""
        self._overlay = Overlay.NONE
        self._content = None
        self.cofill = None
        self._errors = {}
        self._strokes = []
        self._message = ""
        self._tracking = ""
        self.changed.emit()

    def _check_layout(self) -> None:
        ids = [row["id"] for row in self._rows()]
        if ids != self._field_ids:
            self._field_ids = ids
            self.layoutChanged.emit()

    # --- properties --------------------------------------------------------------------------------
    def _kind_label(self) -> str:
        if self._content is None:
            return ""
        if self._content.kind == ContentKind.LAW.value:
            return translate("incall", "律师给您看的法律条文")
        return translate("incall", "律师给您看的解答")

    def _rows(self) -> list[dict[str, Any]]:
        return self.cofill.rows(self._errors) if self.cofill else []

    def _consent_text(self) -> str:
        consent = self.cofill.spec.consent if self.cofill else None
        return f"{consent.title}\n{consent.text}" if consent else ""

    def _signature_url(self) -> str:
        field_id = self._signature_field()
        value = self.cofill.images.get(field_id) if self.cofill and field_id else None
        return f"data:image/png;base64,{value}" if value else ""

    overlay = Property(str, lambda self: self._overlay.value, notify=changed)
    kindLabel = Property(str, _kind_label, notify=changed)
    title = Property(str, lambda self: self._content.title if self._content else "", notify=changed)
    text = Property(str, lambda self: self._content.text if self._content else "", notify=changed)
    canRead = Property(bool, lambda self: self._speak is not None, constant=True)
    formTitle = Property(str, lambda self: self.cofill.spec.title if self.cofill else "", notify=changed)
    fields = Property(list, _rows, notify=changed)
    fieldIds = Property(list, lambda self: self._field_ids, notify=layoutChanged)
    signatureUrl = Property(str, _signature_url, notify=changed)
    consentText = Property(str, _consent_text, notify=changed)
    reopenLabel = Property(str, _reopen_label, notify=changed)
    message = Property(str, lambda self: self._message, notify=changed)
    trackingDisplay = Property(
        str, lambda self: display_tracking_number(self._tracking) if self._tracking else "", notify=changed
    )
