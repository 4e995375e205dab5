"""Searches that found nothing good: counted on the terminal, text kept only with consent, for upload."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from content.search_text import clean_query

_SCHEMA = """
CREATE TABLE IF NOT EXISTS missed_search (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    day TEXT NOT NULL,
    query TEXT,
    count INTEGER NOT NULL DEFAULT 1,
    uploaded INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS missed_search_key ON missed_search (day, ifnull(query, ''), uploaded);
"""


@dataclass(frozen=True)
class MissedSearch:
    """One row to upload: a day, the query text (None without consent) and how often it was missed."""

    id: int
    day: str
    query: str | None
    count: int


class MissedSearchLog:
    """Counts missed searches per day in the terminal's SQLite; keeps the text only with consent."""

    def __init__(self, database: Path) -> None:
        """Open (or create) the table in the terminal's database file."""
        self._db = sqlite3.connect(database)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def record(self, query: object, *, consent: bool, today: dt.date | None = None) -> None:
        """Count one missed search; the cleaned text is stored only when consent is True."""
        day = (today or dt.date.today()).isoformat()
        text = clean_query(query) if consent else None
        with self._db:
            self._db.execute(
                "INSERT INTO missed_search (day, query, count, uploaded) VALUES (?, ?, 1, 0) "
                "ON CONFLICT (day, ifnull(query, ''), uploaded) DO UPDATE SET count = count + 1",
                (day, text or None),
            )

    def pending(self, limit: int = 500) -> list[MissedSearch]:
        """Rows not yet uploaded, oldest first."""
        rows = self._db.execute(
            "SELECT id, day, query, count FROM missed_search WHERE uploaded = 0 ORDER BY id LIMIT ?", (limit,)
        ).fetchall()
        return [MissedSearch(*row) for row in rows]

    def mark_uploaded(self, ids: list[int]) -> None:
        """Forget rows the server has acknowledged."""
        with self._db:
            self._db.executemany("DELETE FROM missed_search WHERE id = ?", [(i,) for i in ids])

    def total(self) -> int:
        """How many missed searches are waiting to be uploaded."""
        row = self._db.execute(
            "SELECT ifnull(sum(count), 0) FROM missed_search WHERE uploaded = 0"
        ).fetchone()
        return int(row[0])
