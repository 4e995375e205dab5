"""The waiting queue saved at a drain and read at the next start, encrypted, so a restart loses nobody."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from server.crypto import DataCipher, DataKeyError
from server.pool import Pool
from server.pool_model import Call, CallState, Kiosk
from server.routing import Priority

log = logging.getLogger(__name__)

SNAPSHOT_FILE = "queue-snapshot.json"
SNAPSHOT_VERSION = 1


def snapshot_rows(pool: Pool) -> list[dict[str, Any]]:
    """Every call not yet answered, in serving order, with what its kiosk needs to take it back."""
    rows: list[dict[str, Any]] = []
    for call in pool.waiting_calls():
        if call.state is CallState.CONNECTED:
            continue
        kiosk = pool.kiosks.get(call.kiosk_id)
        rows.append(
            {
                "call_id": call.call_id,
                "kiosk_id": call.kiosk_id,
                "kiosk_name": kiosk.name if kiosk else "",
                "village": call.village,
                "request_id": call.request_id,
                "topic": call.topic,
                "requested_at": call.requested_at,
                "wait_deadline": call.wait_deadline,
                "tracking_number": call.tracking_number,
                "priority": int(call.priority),
                "tried": [dict(entry) for entry in call.tried],
                "offer_sdp": call.offer_sdp,  # relayed to whoever accepts after the restart
            }
        )
    return rows


def write_snapshot(data_dir: Path, cipher: DataCipher, rows: list[dict[str, Any]], now: float) -> Path:
    """Write the rows encrypted (mode 0600, atomically) into the data dir; returns the file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SNAPSHOT_FILE
    body = {"version": SNAPSHOT_VERSION, "written_at": now, "calls": cipher.encrypt(json.dumps(rows))}
    fd, temporary = tempfile.mkstemp(dir=data_dir, prefix=".queue-snapshot-")
    with os.fdopen(fd, "w") as out:
        json.dump(body, out)
    os.replace(temporary, path)
    return path


def take_snapshot(data_dir: Path, cipher: DataCipher) -> list[dict[str, Any]]:
    """The saved rows, removing the file so they are restored once; [] when none or unreadable."""
    path = data_dir / SNAPSHOT_FILE
    if not path.exists():
        return []
    try:
        body = json.loads(path.read_text())
        rows = json.loads(cipher.decrypt(body["calls"])) if body.get("version") == SNAPSHOT_VERSION else []
    except (ValueError, KeyError, TypeError, DataKeyError) as exc:
        log.error("the saved queue in %s cannot be read (%s); starting with an empty queue", path, exc)
        rows = []
    path.unlink(missing_ok=True)
    return rows if isinstance(rows, list) else []


def restore_rows(pool: Pool, rows: list[dict[str, Any]], now: float, grace_s: float) -> int:
    """Put saved calls back as held places their kiosks resume within grace_s; returns how many."""
    grace_until = now + grace_s
    calls: list[Call] = []
    kiosks: list[Kiosk] = []
    for row in rows:
        call = Call(
            call_id=row["call_id"],
            kiosk_id=int(row["kiosk_id"]),
            request_id=row["request_id"],
            topic=row["topic"],
            requested_at=float(row["requested_at"]),
            wait_deadline=max(float(row["wait_deadline"]), grace_until),
            tracking_number=row["tracking_number"],
            village=row["village"],
            priority=Priority(int(row["priority"])),
            held_until=grace_until,
            tried=list(row["tried"]),
            offer_sdp=row.get("offer_sdp"),
        )
        call.offered_to = call.tried_ids()
        calls.append(call)
        kiosks.append(Kiosk(call.kiosk_id, row["kiosk_name"], call.village, call.call_id, online=False))
    pool.restore_waiting(calls, kiosks, grace_until)
    return len(calls)
