"""The lawyer desk's 申请 tab: submissions from the villages, one opened with its PDF, status changes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from PySide6.QtCore import Property, QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices

from content.forms import FormSpec, load_all_forms
from ui.background import BackgroundRunner
from ui.form_media import data_url
from ui.form_pdf import ApplicationRecord, preview_png, write_application_pdf

log = logging.getLogger(__name__)
SUBMISSIONS_PATH = "/api/submissions"
TIMEOUT = aiohttp.ClientTimeout(total=15)
UNREACHABLE = "连不上服务器，请检查网络后点“刷新”。"
LOGIN_FIRST = "请先登录。"


class DeskRequestError(Exception):
    """The server refused a request; carries its plain Chinese message."""


class DeskFormsViewModel(QObject):
    """Submissions for the logged-in lawyer.

    Signals:
        changed: any displayed property changed.
        loaded: a list or an application arrived (tests and automation wait on it).
    """

    changed = Signal()
    loaded = Signal()

    def __init__(
        self,
        runner: BackgroundRunner,
        server_url: str,
        token: Callable[[], str],
        pdf_dir: Path,
        *,
        forms: dict[str, FormSpec] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._url = server_url.rstrip("/") + SUBMISSIONS_PATH
        self._token = token
        self._pdf_dir = pdf_dir
        self._forms = forms if forms is not None else load_all_forms()
        self._items: list[dict[str, Any]] = []
        self._selected: dict[str, Any] = {}
        self._preview = ""
        self._pdf_path = ""
        self._message = ""
        self._busy = False

    # --- talking to the server ---------------------------------------------------------------------
    async def _request(
        self, method: str, path: str = "", body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        token = self._token()
        if not token:
            raise DeskRequestError(LOGIN_FIRST)
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as http,
                http.request(method, self._url + path, json=body, headers=headers) as response,
            ):
                reply = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            raise DeskRequestError(UNREACHABLE) from None
        if response.status >= 400:
            error = reply.get("error") if isinstance(reply, dict) else None
            message = error.get("message") if isinstance(error, dict) else None
            raise DeskRequestError(str(message or UNREACHABLE))
        return reply if isinstance(reply, dict) else {}

    def _start(self, work: Any, name: str, done: Callable[[Any], None]) -> None:
        self._busy = True
        self._message = ""
        self.changed.emit()
        self._runner.run(work, name=name, on_success=done, on_failure=self._failed)

    def _failed(self, message: str) -> None:
        self._busy = False
        self._message = message
        self.changed.emit()
        self.loaded.emit()

    async def _guarded(self, method: str, path: str = "", body: dict[str, Any] | None = None) -> Any:
        try:
            return await self._request(method, path, body)
        except DeskRequestError as exc:
            return exc

    # --- slots -------------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """刷新: fetch the list (priority first, then oldest first)."""
        self._start(self._guarded("GET"), "submissions-list", self._listed)

    def _listed(self, reply: Any) -> None:
        self._busy = False
        if isinstance(reply, DeskRequestError):
            self._message = str(reply)
        else:
            self._items = list(reply.get("submissions", []))
        self.changed.emit()
        self.loaded.emit()

    @Slot(str)
    def open(self, tracking: str) -> None:
        """Open one application: its answers and its PDF."""
        self._start(self._guarded("GET", f"/{tracking}"), "submission-open", self._opened)

    def _opened(self, reply: Any) -> None:
        self._busy = False
        if isinstance(reply, DeskRequestError):
            self._message = str(reply)
        else:
            self._selected = reply
            self._render_pdf()
        self.changed.emit()
        self.loaded.emit()

    def _render_pdf(self) -> None:
        spec = self._forms.get(str(self._selected.get("form_id")))
        if spec is None:
            self._preview, self._pdf_path = "", ""
            return
        record = ApplicationRecord(
            spec,
            self._selected.get("values", {}),
            str(self._selected["tracking_number"]),
            str(self._selected.get("submitted_at", "")).replace("T", " ")[:16],
            self._selected.get("assisted_by"),
            self._selected.get("consent"),
            str(self._selected.get("status_label", "")),
        )
        self._pdf_dir.mkdir(parents=True, exist_ok=True)
        path = write_application_pdf(self._pdf_dir / f"{record.tracking_number}.pdf", record)
        self._pdf_path = str(path)
        self._preview = data_url(preview_png(record), "image/png")

    @Slot(str, str)
    def setStatus(self, status: str, note: str) -> None:
        """Set the opened application's status (受理, 补充材料, 已指派, 办结) with a note for the villager."""
        tracking = self._selected.get("tracking_number")
        if not tracking or self._busy:
            return
        work = self._guarded("POST", f"/{tracking}/status", {"status": status, "note": note})
        self._start(work, "submission-status", self._status_changed)

    def _status_changed(self, reply: Any) -> None:
        if isinstance(reply, DeskRequestError):
            self._failed(str(reply))
            return
        self._busy = False
        self._selected = {**self._selected, **reply}
        self._items = [reply if i.get("id") == reply.get("id") else i for i in self._items]
        self._render_pdf()
        self._message = f"已改为“{reply.get('status_label', '')}”，群众查询时就能看到。"
        self.changed.emit()
        self.loaded.emit()

    @Slot()
    def close(self) -> None:
        """Back to the list (the opened application's PDF is deleted from this computer)."""
        if self._pdf_path:
            Path(self._pdf_path).unlink(missing_ok=True)
        self._selected, self._preview, self._pdf_path = {}, "", ""
        self.changed.emit()

    @Slot()
    def openPdf(self) -> None:
        """Open the PDF in the computer's PDF viewer (for printing and the file)."""
        if self._pdf_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self._pdf_path))

    # --- properties --------------------------------------------------------------------------------
    items = Property(list, lambda self: self._items, notify=changed)
    selected = Property(dict, lambda self: self._selected, notify=changed)
    hasSelection = Property(bool, lambda self: bool(self._selected), notify=changed)
    preview = Property(str, lambda self: self._preview, notify=changed)
    pdfPath = Property(str, lambda self: self._pdf_path, notify=changed)
    message = Property(str, lambda self: self._message, notify=changed)
    busy = Property(bool, lambda self: self._busy, notify=changed)
