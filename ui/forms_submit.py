"""The 办事申请 end: read the answers aloud, commit them to the outbox, show and print the receipt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, SignalInstance, Slot

from content.forms import CHINA_TZ, FormSession, FormSpec, FormStateError, review_text
from ui import forms_texts as texts
from ui.background import BackgroundRunner
from ui.form_media import data_url, qr_png
from ui.form_pdf import ApplicationRecord
from ui.forms_pages import FormPage, OutboxLike, SessionFiles
from ui.forms_readout import print_application
from ui.speech import SpeechRenderer


class FormSubmitSlots:
    """What 朗读, 确认提交 and 打印回执 do; mixed into FormsViewModel, whose state it uses."""

    changed: SignalInstance
    receiptShown: SignalInstance
    session: FormSession | None
    _page: FormPage
    _runner: BackgroundRunner
    _outbox: OutboxLike
    _session_folder: Callable[[], Path]
    _files: SessionFiles
    _speech: SpeechRenderer | None
    _printer: str
    _busy: bool
    _notice: str
    _speech_url: str
    _submission: dict[str, Any] | None
    _tracking: str
    _qr: str
    _now: Callable[[], datetime]
    _assisted: Callable[[], str]
    _go: Callable[[FormPage], None]
    _toReview: Callable[[], None]

    @property
    def spec(self) -> FormSpec | None:
        """The form being filled (FormsViewModel's)."""
        raise NotImplementedError

    @Slot()
    def readAloud(self) -> None:
        """朗读: read everything back (a WAV the screen plays)."""
        if self.spec is None or self.session is None:
            return
        if self._speech is None or not self._speech.available:
            self._notice = texts.speech_failed()
            self.changed.emit()
            return
        text = review_text(self.spec, self.session.values)
        self._runner.run(
            self._speech.render(text),
            name="read-aloud",
            on_success=self._speech_ready,
            on_failure=lambda _m: self._set_notice(texts.speech_failed()),
        )

    def _speech_ready(self, path: Path) -> None:
        if self._page is not FormPage.REVIEW:
            return
        self._speech_url = QUrl.fromLocalFile(str(path)).toString()
        self.changed.emit()

    def _set_notice(self, text: str) -> None:
        self._notice = text
        self.changed.emit()

    @Slot()
    def confirm(self) -> None:
        """确认提交: commit to the outbox; the receipt shows only once it is on disk."""
        if self.session is None or self._page is not FormPage.REVIEW or self._busy:
            return
        if self._submission is None:
            self.session.assisted_by = self._assisted() or None
            try:
                self._submission = self.session.confirm(self._now())
            except FormStateError:
                self._toReview()
                return
        self._busy = True
        self._go(FormPage.SAVING)
        self._runner.run(
            self._outbox.enqueue(self._submission),
            name="enqueue",
            on_success=self._saved,
            on_failure=self._save_failed,
        )

    def _saved(self, receipt: Any) -> None:
        self._busy = False
        if self._page is not FormPage.SAVING:  # the villager left meanwhile: it is stored and will be sent
            return
        self._tracking = str(receipt.tracking_number)
        self._qr = data_url(qr_png(self._tracking), "image/png")
        self._files.wipe()  # photos and signature are in the outbox now, sealed
        self._go(FormPage.RECEIPT)
        self.receiptShown.emit()

    def _save_failed(self, _message: str) -> None:
        self._busy = False
        if self._page is not FormPage.SAVING:
            return
        self._go(FormPage.REVIEW)
        self._notice = texts.save_failed()
        self.changed.emit()

    def application_record(self) -> ApplicationRecord | None:
        """The confirmed application for the PDF (None before the receipt)."""
        if self.spec is None or self._submission is None:
            return None
        when = datetime.fromisoformat(self._submission["submitted_at"]).astimezone(CHINA_TZ)
        return ApplicationRecord(
            self.spec,
            self._submission["values"],
            self._tracking,
            when.strftime("%Y-%m-%d %H:%M"),
            self._submission.get("assisted_by"),
            self._submission.get("consent"),
        )

    @Slot()
    def printReceipt(self) -> None:
        """打印回执: the application PDF with its tracking number and QR code, sent to `lp`."""
        record = self.application_record()
        if record is None or not self._printer or self._busy:
            return
        self._busy = True
        self.changed.emit()
        self._runner.run(
            print_application(record, self._printer, self._session_folder()),
            name="print",
            on_success=self._printed,
            on_failure=lambda _m: self._printed(False),
        )

    def _printed(self, ok: bool) -> None:
        self._busy = False
        self._notice = texts.printing() if ok else texts.print_failed()
        self.changed.emit()
