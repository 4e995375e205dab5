"""Matters as CSV for Excel: UTF-8 with a BOM, Chinese headers, personal columns only when allowed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from server.console.labels import ENDED_BY_LABELS, PRIORITY_NAME_LABELS, outcome_label, topic_label
from server.console_queries import CENTRE_TZ, CallRow

BOM = "\ufeff"


def _time(ts: float | None, tz: ZoneInfo) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S")


def _seconds(value: float | None) -> str:
    return "" if value is None else str(round(value))


@dataclass(frozen=True)
class CsvColumn:
    """A column of the export: header, how to get the value, and whether it is personal data."""

    header: str
    value: Callable[[CallRow, ZoneInfo], str]
    personal: bool = False


COLUMNS: tuple[CsvColumn, ...] = (
    CsvColumn("编号", lambda r, _tz: r.tracking_number or r.call_id),
    CsvColumn("申请时间", lambda r, tz: _time(r.requested_at, tz)),
    CsvColumn("终端", lambda r, _tz: r.kiosk_name),
    CsvColumn("村", lambda r, _tz: r.village),
    CsvColumn("咨询类别", lambda r, _tz: topic_label(r.topic)),
    CsvColumn("优先级", lambda r, _tz: PRIORITY_NAME_LABELS.get(r.priority, r.priority)),
    CsvColumn("接听律师", lambda r, _tz: r.lawyer_name or ""),
    CsvColumn("首次振铃", lambda r, tz: _time(r.first_ring_at, tz)),
    CsvColumn("接听时间", lambda r, tz: _time(r.answered_at, tz)),
    CsvColumn("结束时间", lambda r, tz: _time(r.ended_at, tz)),
    CsvColumn("等待秒数", lambda r, _tz: _seconds(r.wait_s)),
    CsvColumn("通话秒数", lambda r, _tz: _seconds(r.talk_s)),
    CsvColumn("结果", lambda r, _tz: outcome_label(r.outcome)),
    CsvColumn("结束方", lambda r, _tz: ENDED_BY_LABELS.get(r.ended_by or "", "")),
    CsvColumn("满意度", lambda r, _tz: "" if r.rating is None else str(r.rating)),
    CsvColumn("律师备注", lambda r, _tz: r.notes or "", personal=True),
)


def columns_for(may_see_personal: bool) -> list[CsvColumn]:
    """The export's columns for someone who may, or may not, see personal data."""
    return [c for c in COLUMNS if may_see_personal or not c.personal]


def matters_csv(rows: Iterable[CallRow], may_see_personal: bool, tz: ZoneInfo = CENTRE_TZ) -> bytes:
    """The CSV file's bytes: BOM, header row, one row per matter; CRLF line ends as Excel writes them."""
    columns = columns_for(may_see_personal)
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([_spreadsheet_safe(c.value(row, tz)) for c in columns])
    return out.getvalue().encode("utf-8")


def _spreadsheet_safe(text: str) -> str:
    """Keep Excel from running a cell as a formula (a note starting with = + - @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
