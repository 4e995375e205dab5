"""The 办事申请 photo and signature questions: camera shots and pad strokes kept in the session folder."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import SignalInstance, Slot

from config.settings import CameraSettings
from content.forms import FieldSpec, FieldType, FormSession
from ui import forms_texts as texts
from ui.background import BackgroundRunner
from ui.form_media import data_url, signature_png, take_photo
from ui.forms_pages import FormPage, SessionFiles


class FormCaptureSlots:
    """What the photo and signature widgets do; mixed into FormsViewModel, whose state it uses."""

    changed: SignalInstance
    session: FormSession | None
    _page: FormPage
    _runner: BackgroundRunner
    _camera: CameraSettings
    _files: SessionFiles
    _busy: bool
    _notice: str
    _strokes: list[list[list[float]]]
    _photo_files: list[Path]
    setValue: Callable[[str], None]

    @property
    def field(self) -> FieldSpec | None:
        """The question on screen (FormsViewModel's)."""
        raise NotImplementedError

    def _photo_urls(self) -> list[str]:
        field = self.field
        if field is None or self.session is None or field.type is not FieldType.PHOTO:
            return []
        photos = self.session.values.get(field.id) or []
        return [data_url(base64.b64decode(p), "image/jpeg") for p in photos]

    def _signature_url(self) -> str:
        field = self.field
        if field is None or self.session is None or field.type is not FieldType.SIGNATURE:
            return ""
        value = self.session.values.get(field.id)
        return f"data:image/png;base64,{value}" if isinstance(value, str) and value else ""

    @Slot("QVariantList")
    def addSignatureStroke(self, points: list[Any]) -> None:
        """One stroke from the signature pad, points (x, y) from 0 to 1 across the pad."""
        field = self.field
        if field is None or field.type is not FieldType.SIGNATURE or self.session is None:
            return
        stroke = [[float(p[0]), float(p[1])] for p in points if len(p) >= 2]
        if not stroke:
            return
        self._strokes.append(stroke)
        png = signature_png(self._strokes)
        self._files.store("signature.png", png)
        self.setValue(base64.b64encode(png).decode("ascii"))

    @Slot()
    def clearSignature(self) -> None:
        """清除 on the signature pad."""
        self._strokes = []
        self.setValue("")

    @Slot()
    def takePhoto(self) -> None:
        """拍照: one frame from the terminal camera, kept in the session folder until confirmed."""
        field = self.field
        if field is None or field.type is not FieldType.PHOTO or self._busy:
            return
        self._busy = True
        self._notice = ""
        self.changed.emit()
        self._runner.run(
            take_photo(self._camera),
            name="photo",
            on_success=self._photo_taken,
            on_failure=self._photo_failed,
        )

    def _photo_taken(self, jpeg: bytes) -> None:
        self._busy = False
        field = self.field
        if field is None or self.session is None or self._page is not FormPage.QUESTION:
            return
        photos = list(self.session.values.get(field.id) or [])
        if len(photos) >= field.max_images:
            self._notice = texts.too_many_photos(field.max_images)
            self.changed.emit()
            return
        self._photo_files.append(self._files.store(f"photo-{field.id}-{self._files.count + 1}.jpg", jpeg))
        photos.append(base64.b64encode(jpeg).decode("ascii"))
        self.session.set(field.id, photos)
        self.changed.emit()

    def _photo_failed(self, _message: str) -> None:
        self._busy = False
        self._notice = texts.photo_failed()
        self.changed.emit()

    @Slot(int)
    def removePhoto(self, index: int) -> None:
        """删掉 one photo."""
        field = self.field
        if field is None or self.session is None:
            return
        photos = list(self.session.values.get(field.id) or [])
        if 0 <= index < len(photos):
            del photos[index]
            if index < len(self._photo_files):
                self._files.remove(self._photo_files.pop(index))
            self.session.set(field.id, photos)
            self.changed.emit()
