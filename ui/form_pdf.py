"""The filled application as a PDF for the file (一事一档): QPdfWriter + QTextDocument, Noto Sans CJK."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from content.forms import FieldType, FormSpec, check_eligibility, display_tracking_number, review_lines
from ui.form_media import encode_png, qr_png

PDF_FONT = "Noto Sans CJK SC"
PDF_RESOLUTION = 300
SIGNATURE_WIDTH_PX = 300  # as laid out on the page, in document pixels
PHOTO_WIDTH_PX = 420


@dataclass(frozen=True)
class ApplicationRecord:
    """What goes on the printed application: the answers and how they reached the centre."""

    spec: FormSpec
    values: Mapping[str, Any]
    tracking_number: str
    submitted_at: str  # shown as given (already in local words or ISO time)
    assisted_by: str | None = None
    consent: Mapping[str, Any] | None = None
    status: str = ""


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")


def _add_image(doc: QTextDocument, name: str, b64: str) -> bool:
    image = QImage.fromData(base64.b64decode(b64, validate=False))
    if image.isNull():
        return False
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    return True


def application_html(doc: QTextDocument, record: ApplicationRecord) -> str:
    """The application as HTML for `doc` (images are added to the document's resources)."""
    spec = record.spec
    tracking = display_tracking_number(record.tracking_number)
    qr = QImage.fromData(qr_png(record.tracking_number, scale=6))
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("qr.png"), qr)
    parts = [
        f"<h1 style='text-align:center'>{_esc(spec.document_title)}</h1>",
        "<table width='100%'><tr>"
        f"<td><p>受理号：<b style='font-size:20pt'>{_esc(tracking)}</b></p>"
        f"<p>提交时间：{_esc(record.submitted_at)}</p>"
        + (f"<p>办理状态：{_esc(record.status)}</p>" if record.status else "")
        + (f"<p>代填工作人员：{_esc(record.assisted_by)}</p>" if record.assisted_by else "")
        + "</td><td align='right'><img src='qr.png' width='110' height='110'/></td></tr></table>",
        "<table width='100%' border='1' cellspacing='0' cellpadding='6'>",
    ]
    images: list[str] = []
    for field_id, caption, answer in review_lines(spec, record.values):
        field = spec.field(field_id)
        if field.type.is_image:
            images.append(field_id)
            continue
        parts.append(f"<tr><td width='32%'>{_esc(caption)}</td><td>{_esc(answer)}</td></tr>")
    parts.append("</table>")
    if spec.eligibility:
        result = check_eligibility(spec, record.values)
        parts.append("<h3>自助评估</h3><p>" + _esc("".join(result.reasons)) + "</p>")
        if result.articles:
            parts.append("<p>依据：" + _esc("、".join(result.articles)) + "</p>")
    documents = spec.documents_to_bring(record.values)
    if documents:
        parts.append("<h3>需要带的材料</h3><p>" + _esc("；".join(documents)) + "</p>")
    for field_id in images:
        field = spec.field(field_id)
        value = record.values.get(field_id)
        items = value if isinstance(value, list) else [value]
        parts.append(f"<h3>{_esc(field.document_label)}</h3><p>")
        width = SIGNATURE_WIDTH_PX if field.type is FieldType.SIGNATURE else PHOTO_WIDTH_PX
        for index, item in enumerate(items):
            name = f"{field_id}-{index}.img"
            if isinstance(item, str) and _add_image(doc, name, item):
                parts.append(f"<img src='{name}' width='{width}'/> ")
        parts.append("</p>")
    if record.consent:
        parts.append(
            "<p>申请人已单独同意处理敏感个人信息（个人信息保护法第二十九条），"
            f"同意时间：{_esc(str(record.consent.get('at', '')))}。</p>"
        )
    if spec.receipt_note:
        parts.append(f"<p>{_esc(spec.receipt_note)}</p>")
    return "".join(parts)


def write_application_pdf(path: Path, record: ApplicationRecord) -> Path:
    """Render the application to a one- or multi-page A4 PDF at `path`; returns the path."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(record.spec.document_title)
    writer.setCreator("村居公共法律服务终端")
    doc = QTextDocument()
    font = QFont(PDF_FONT)
    font.setPointSize(11)
    doc.setDefaultFont(font)
    doc.setHtml(application_html(doc, record))
    doc.print_(writer)
    return path


def preview_png(record: ApplicationRecord, width: int = 900, max_height: int = 6000) -> bytes:
    """The same application drawn as one tall PNG, for showing on screen beside the PDF."""
    doc = QTextDocument()
    font = QFont(PDF_FONT)
    font.setPixelSize(16)
    doc.setDefaultFont(font)
    doc.setHtml(application_html(doc, record))
    doc.setTextWidth(width)
    height = min(max_height, int(doc.size().height()) + 1)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    doc.drawContents(painter, QRectF(0, 0, width, height))
    painter.end()
    return encode_png(image)
