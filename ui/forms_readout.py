"""What the form screens read out of a form's answers: the self-check, review lines, next steps; printing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from content.forms import FormSpec, check_eligibility, review_lines
from ui import forms_texts as texts
from ui.form_pdf import ApplicationRecord, write_application_pdf

log = logging.getLogger(__name__)


def eligibility_view(spec: FormSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """The self-check's result for the screen: eligible, green channel, reasons, articles and their text."""
    if not spec.eligibility:
        return {}
    result = check_eligibility(spec, values)
    quotes = [
        f"{b.article}：{b.quote}"
        for b in spec.legal_basis
        if any(a.startswith(f"法律援助法{b.article}") for a in result.articles)
    ]
    return {
        "eligible": result.eligible,
        "priority": result.priority,
        "reasons": "\n".join(result.reasons),
        "articles": "、".join(result.articles),
        "quotes": "\n".join(quotes),
    }


def review_view(spec: FormSpec, values: Mapping[str, Any]) -> list[dict[str, str]]:
    """One line per answer for the review screen."""
    return [
        {"fieldId": fid, "caption": caption, "answer": answer}
        for fid, caption, answer in review_lines(spec, values)
    ]


def _bring(spec: FormSpec, values: Mapping[str, Any]) -> list[str]:
    documents = spec.documents_to_bring(values)
    return [texts.bring("；".join(documents))] if documents else []


def review_notes(spec: FormSpec, values: Mapping[str, Any]) -> str:
    """Below the review lines: the self-check's words and what to bring."""
    notes = list(check_eligibility(spec, values).reasons) if spec.eligibility else []
    return "\n".join(notes + _bring(spec, values))


def next_steps(spec: FormSpec, values: Mapping[str, Any]) -> str:
    """On the receipt: what the centre does next, what to bring, how to look the status up."""
    return "\n".join(
        [spec.receipt_note or texts.next_steps_default(), *_bring(spec, values), texts.lookup_hint()]
    )


async def print_application(record: ApplicationRecord, printer: str, folder: Path) -> bool:
    """Render the application PDF, send it to `lp -d printer`, delete it; True if lp accepted it."""
    path = folder / f"receipt-{record.tracking_number}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_application_pdf(path, record)
    try:
        proc = await asyncio.create_subprocess_exec(
            "lp",
            "-d",
            printer,
            "-t",
            "回执",
            str(path),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
    except OSError as exc:  # no CUPS client installed
        log.warning("lp could not run: %s", type(exc).__name__)
        return False
    finally:
        path.unlink(missing_ok=True)
    if proc.returncode != 0:
        log.warning("lp failed (%s): %s", proc.returncode, err.decode(errors="replace")[:200])
    return proc.returncode == 0
