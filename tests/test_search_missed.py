"""Missed searches: counted for the centre, text kept only with the villager's consent."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from content.search_missed import MissedSearchLog

DAY = dt.date(2026, 11, 24)


def test_without_consent_only_a_count_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    log = MissedSearchLog(db)
    log.record("我家的牛被邻居毒死了", consent=False, today=DAY)
    log.record("另一个问题", consent=False, today=DAY)
    log.close()
    with sqlite3.connect(db) as check:
        rows = check.execute("SELECT query, count FROM missed_search").fetchall()
    check.close()
    assert rows == [(None, 2)]
    assert "毒死" not in db.read_bytes().decode("utf-8", "ignore")


def test_with_consent_the_text_is_kept_and_counted(tmp_path: Path) -> None:
    log = MissedSearchLog(tmp_path / "kiosk.sqlite3")
    log.record("牛被毒死", consent=True, today=DAY)
    log.record("牛被毒死", consent=True, today=DAY)
    log.record("'; DROP TABLE missed_search; --", consent=True, today=DAY)
    pending = log.pending()
    assert [(p.query, p.count) for p in pending] == [("牛被毒死", 2), ("drop table missed search", 1)]
    assert log.total() == 3
    log.close()


def test_uploaded_rows_are_forgotten(tmp_path: Path) -> None:
    log = MissedSearchLog(tmp_path / "kiosk.sqlite3")
    log.record("甲", consent=True, today=DAY)
    log.record("乙", consent=False, today=DAY)
    log.mark_uploaded([p.id for p in log.pending()])
    assert log.pending() == [] and log.total() == 0
    log.close()
