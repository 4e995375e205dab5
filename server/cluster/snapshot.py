"""A centre's queue state as flat store fields, and a Pool rebuilt exactly from them.

Fields: "meta" (queue order, round-robin counter, running means), "call:<id>", "kiosk:<id>",
"lawyer:<id>"; each value is JSON. Ended calls are not kept here: their records are in the database.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any, cast

from protocol.messages import EndReason, IceCandidate, decode, encode
from server.pool import Pool
from server.pool_model import Call, CallState, EndedBy, Kiosk, Lawyer, LawyerState
from server.routing import Priority

META = "meta"


def _plain(obj: Any) -> dict[str, Any]:
    """Every dataclass field as is (new fields are stored without changing this module)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def _call_json(call: Call) -> dict[str, Any]:
    data = _plain(call)
    data.update(
        priority=int(call.priority),
        state=call.state.value,
        ringing=sorted(call.ringing),
        offered_to=sorted(call.offered_to),
        outcome=call.outcome.value if call.outcome else None,
        ended_by=call.ended_by.value if call.ended_by else None,
        early_candidates=[encode(c) for c in call.early_candidates],
    )
    return data


def _call_from(data: dict[str, Any]) -> Call:
    data = dict(data)
    data["priority"] = Priority(data["priority"])
    data["state"] = CallState(data["state"])
    data["ringing"] = set(data["ringing"])
    data["offered_to"] = set(data["offered_to"])
    data["outcome"] = EndReason(data["outcome"]) if data["outcome"] else None
    data["ended_by"] = EndedBy(data["ended_by"]) if data["ended_by"] else None
    data["early_candidates"] = [cast(IceCandidate, decode(c)) for c in data["early_candidates"]]
    return Call(**data)


def _lawyer_json(lawyer: Lawyer) -> dict[str, Any]:
    return _plain(lawyer) | {"state": lawyer.state.value}


def _kiosk_json(kiosk: Kiosk) -> dict[str, Any]:
    return _plain(kiosk)


class FieldMemo:
    """Kiosks' and lawyers' field names and JSON, made again only when one of their values changed.

    A centre holds hundreds of terminals and each write compares the whole pool; dumping every
    terminal on every write made a reconnection storm cost the square of its size. Kiosk and Lawyer
    count assignments to their plain values (`revision`), so an unchanged count means unchanged JSON.
    """

    def __init__(self) -> None:
        # id(obj) -> (obj, its revision, field name, JSON); holding obj keeps its id from being reused
        self._made: dict[int, tuple[Kiosk | Lawyer, int, str, str]] = {}

    def add(self, fields: dict[str, str], objs: Iterable[Kiosk | Lawyer], prefix: str) -> None:
        """Put each one's stored JSON into `fields` under prefix + its id."""
        made = self._made
        for obj in objs:
            known = made.get(id(obj))
            if known is None or known[0] is not obj or known[1] != obj.revision:
                known = self._make(obj, prefix)
            fields[known[2]] = known[3]

    def _make(self, obj: Kiosk | Lawyer, prefix: str) -> tuple[Kiosk | Lawyer, int, str, str]:
        if isinstance(obj, Kiosk):
            name, data = f"{prefix}{obj.kiosk_id}", _kiosk_json(obj)
        else:
            name, data = f"{prefix}{obj.lawyer_id}", _lawyer_json(obj)
        known = (obj, obj.revision, name, json.dumps(data, ensure_ascii=False))
        self._made[id(obj)] = known
        return known

    def keep_only(self, pool: Pool) -> None:
        """Forget those no longer in the pool (only when some are gone)."""
        if len(self._made) > len(pool.kiosks) + len(pool.lawyers):
            alive = {id(o) for o in pool.kiosks.values()} | {id(o) for o in pool.lawyers.values()}
            for key in [k for k in self._made if k not in alive]:
                del self._made[key]


def pool_fields(pool: Pool, memo: FieldMemo | None = None) -> dict[str, str]:
    """Everything a new owner needs to go on exactly where this pool is, as store fields."""
    memo = memo or FieldMemo()
    fields = {
        META: json.dumps(
            {
                "order": pool._queue,
                "offers": pool._offers,
                "mean_handle_s": pool.reporter.mean_handle_s,
                "mean_answer_s": pool.reporter.mean_answer_s,
                "last_expired": pool.reporter.last_expired,
            }
        )
    }
    for call in pool.calls.values():
        fields[f"call:{call.call_id}"] = json.dumps(_call_json(call), ensure_ascii=False)
    memo.add(fields, pool.kiosks.values(), "kiosk:")
    memo.add(fields, pool.lawyers.values(), "lawyer:")
    memo.keep_only(pool)
    return fields


def restore_pool(pool: Pool, fields: Mapping[str, str]) -> Pool:
    """Fill a freshly made pool (settings and roster already given) with stored queue state."""
    pool.calls.clear()
    pool.kiosks.clear()
    pool.lawyers.clear()
    for name, raw in sorted(fields.items()):
        kind = name.partition(":")[0]
        if kind not in ("call", "kiosk", "lawyer"):
            continue  # meta, or the owner's own fields (cursor, connections, records)
        data = json.loads(raw)
        if kind == "call":
            call = _call_from(data)
            pool.calls[call.call_id] = call
        elif kind == "kiosk":
            pool.kiosks[data["kiosk_id"]] = Kiosk(**data)
        elif kind == "lawyer":
            pool.lawyers[data["lawyer_id"]] = Lawyer(**{**data, "state": LawyerState(data["state"])})
    meta = json.loads(fields[META]) if META in fields else {}
    pool._queue = [c for c in meta.get("order", []) if c in pool.calls]
    pool._offers = meta.get("offers", 0)
    pool.reporter.mean_handle_s = meta.get("mean_handle_s", pool.reporter.mean_handle_s)
    pool.reporter.mean_answer_s = meta.get("mean_answer_s", pool.reporter.mean_answer_s)
    pool.reporter.last_expired = meta.get("last_expired", pool.reporter.last_expired)
    return pool


class Journal:
    """Remembers what was last written for one pool, so each write carries only what changed."""

    def __init__(self, written: Mapping[str, str] | None = None) -> None:
        self._written: dict[str, str] = dict(written or {})
        self._pending: dict[str, str] | None = None
        self._memo = FieldMemo()

    def changes(self, pool: Pool, extra: Mapping[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
        """(fields to set, fields to delete) since the last confirmed write; `confirm` once written.

        `extra` fields (the owner's inbox cursor) are stored alongside the pool's in the same write.
        """
        now = pool_fields(pool, self._memo)
        now.update(extra or {})
        changed = dict(now.items() - self._written.items())  # set arithmetic in C: most are unchanged
        removed = sorted(self._written.keys() - now.keys())
        self._pending = now
        return changed, removed

    def confirm(self) -> None:
        """The changes last asked for are stored (a failed write is simply asked for again)."""
        if self._pending is not None:
            self._written, self._pending = self._pending, None
