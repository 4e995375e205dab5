"""The form screens' pages and their allowed moves, the outbox they need, and the session's files."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol


class ReceiptLike(Protocol):
    """What the outbox returns once a submission is on disk (kiosk.outbox.Receipt)."""

    tracking_number: str


class OutboxLike(Protocol):
    """What the screens need of the terminal's outbox (kiosk.outbox.Outbox)."""

    async def enqueue(self, submission: Mapping[str, Any]) -> Any:
        """Commit a confirmed submission durably; return its receipt."""


class FormPage(StrEnum):
    """Which 办事申请 screen is shown; allowed moves are in PAGE_TRANSITIONS."""

    CHOOSER = "chooser"  # big tiles: one per form, and 查询办理进度
    QUESTION = "question"  # one question per screen
    CONSENT = "consent"  # the separate PIPL consent before sensitive fields
    REFUSED = "refused"  # consent refused: nothing kept
    ELIGIBILITY = "eligibility"  # the legal-aid self-check's result
    REVIEW = "review"  # everything read back before 确认提交
    SAVING = "saving"  # waiting for the outbox to have it on disk
    RECEIPT = "receipt"  # tracking number, QR code, what happens next
    STATUS = "status"  # 查询办理进度


PAGE_TRANSITIONS: dict[FormPage, frozenset[FormPage]] = {
    FormPage.CHOOSER: frozenset({FormPage.QUESTION, FormPage.CONSENT, FormPage.STATUS}),
    FormPage.QUESTION: frozenset(
        {FormPage.QUESTION, FormPage.CONSENT, FormPage.ELIGIBILITY, FormPage.REVIEW, FormPage.CHOOSER}
    ),
    FormPage.CONSENT: frozenset({FormPage.QUESTION, FormPage.REFUSED, FormPage.CHOOSER}),
    FormPage.REFUSED: frozenset({FormPage.CHOOSER}),
    FormPage.ELIGIBILITY: frozenset({FormPage.QUESTION, FormPage.CONSENT, FormPage.REVIEW, FormPage.CHOOSER}),
    FormPage.REVIEW: frozenset({FormPage.QUESTION, FormPage.SAVING, FormPage.CHOOSER}),
    FormPage.SAVING: frozenset({FormPage.RECEIPT, FormPage.REVIEW}),
    FormPage.RECEIPT: frozenset({FormPage.CHOOSER}),
    FormPage.STATUS: frozenset({FormPage.CHOOSER}),
}


class SessionFiles:
    """Photos and signatures of the form being filled, in the session folder until confirmed or wiped."""

    def __init__(self, folder: Callable[[], Path]) -> None:
        self._folder = folder
        self._paths: list[Path] = []
        self.count = 0  # files stored so far (names stay unique after removals)

    def store(self, name: str, data: bytes) -> Path:
        """Write one file (owner-only) and remember it for the wipe."""
        folder = self._folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        path.chmod(0o600)
        self.count += 1
        if path not in self._paths:
            self._paths.append(path)
        return path

    def remove(self, path: Path) -> None:
        """Delete one stored file."""
        path.unlink(missing_ok=True)
        if path in self._paths:
            self._paths.remove(path)

    def wipe(self) -> None:
        """Delete every stored file (consent refused, confirmed, cancelled or session end)."""
        for path in self._paths:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        self._paths = []
