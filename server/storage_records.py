"""Matters: callbacks and the search over calls and callbacks (figures: server.console_queries)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from server import schema
from server.pool_model import new_tracking_number
from server.storage_base import StoreBase

MATTERS_SCANNED = 5000  # newest rows looked at by a text search (notes are encrypted: searched here)


@dataclass(frozen=True)
class CallbackRecord:
    """A villager's request to be called back (phone decrypted)."""

    callback_id: int
    tracking_number: str
    kiosk_id: int | None
    kiosk_name: str
    village: str
    call_id: str | None
    topic: str
    phone: str
    requested_at: float
    done_at: float | None
    done_by: int | None
    notes: str | None


@dataclass(frozen=True)
class Matter:
    """One call or callback as the records show it (一事一录)."""

    kind: str  # "call" | "callback"
    tracking_number: str
    topic: str
    kiosk_name: str
    village: str
    lawyer_name: str
    requested_at: float
    answered_at: float | None
    ended_at: float | None
    outcome: str
    notes: str
    rating: int | None


class RecordsStore(StoreBase):
    """Callbacks and matters (the hub, the CLI and the admin console use these)."""

    async def add_callback(
        self, kiosk_id: int | None, phone: str, topic: str, now: float, call_id: str | None = None
    ) -> CallbackRecord:
        """Store a callback request (phone encrypted) under a fresh tracking number."""
        for _ in range(5):  # a clash of random tracking numbers is rare; try again
            number = new_tracking_number()
            values = {
                "tracking_number": number,
                "kiosk_id": kiosk_id,
                "call_id": call_id,
                "topic": topic,
                "phone": self.cipher.encrypt(phone),
                "requested_at": now,
            }
            try:
                async with self.writing() as conn:
                    result = await conn.execute(insert(schema.callbacks).values(**values))
            except IntegrityError:
                continue
            key = result.inserted_primary_key
            found = await self.callback(int(key[0]) if key else 0)
            if found is not None:
                return found
        raise RuntimeError("could not store the callback")

    async def callback(self, callback_id: int) -> CallbackRecord | None:
        """One callback, if any."""
        found = await self._callbacks(schema.callbacks.c.id == callback_id, limit=1)
        return found[0] if found else None

    async def open_callbacks(self) -> list[CallbackRecord]:
        """Callbacks nobody has made yet, oldest first."""
        return await self._callbacks(schema.callbacks.c.done_at.is_(None), limit=1000)

    async def list_callbacks(self, include_done: bool = True, limit: int = 200) -> list[CallbackRecord]:
        """Callbacks, oldest first (done ones too unless asked not to)."""
        condition = None if include_done else schema.callbacks.c.done_at.is_(None)
        return await self._callbacks(condition, limit=limit)

    async def complete_callback(self, callback_id: int, lawyer_id: int, notes: str, now: float) -> bool:
        """Mark a callback made, with notes; False when there is no such open callback."""
        t = schema.callbacks
        values = {"done_at": now, "done_by": lawyer_id, "notes": self.cipher.encrypt(notes)}
        async with self.writing() as conn:
            result = await conn.execute(
                update(t).where(t.c.id == callback_id, t.c.done_at.is_(None)).values(**values)
            )
        return bool(result.rowcount)

    async def _callbacks(self, condition: object, *, limit: int) -> list[CallbackRecord]:
        t, k = schema.callbacks, schema.kiosks
        query = (
            select(t, k.c.name.label("kiosk_name"), k.c.village)
            .select_from(t.outerjoin(k, t.c.kiosk_id == k.c.id))
            .order_by(t.c.requested_at, t.c.id)
            .limit(limit)
        )
        if condition is not None:
            query = query.where(condition)  # type: ignore[arg-type]
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            CallbackRecord(
                callback_id=r.id,
                tracking_number=r.tracking_number,
                kiosk_id=r.kiosk_id,
                kiosk_name=r.kiosk_name or "",
                village=r.village or "",
                call_id=r.call_id,
                topic=r.topic,
                phone=self.cipher.decrypt(r.phone),
                requested_at=r.requested_at,
                done_at=r.done_at,
                done_by=r.done_by,
                notes=None if r.notes is None else self.cipher.decrypt(r.notes),
            )
            for r in rows
        ]

    async def search_matters(
        self,
        text: str = "",
        *,
        since: float | None = None,
        until: float | None = None,
        lawyer_id: int | None = None,
        topic: str | None = None,
        limit: int = 200,
    ) -> list[Matter]:
        """Calls and callbacks, newest first; text matches number, terminal, village, lawyer or notes."""
        c, k, lw = schema.calls, schema.kiosks, schema.lawyers
        calls = (
            select(c, k.c.name.label("kiosk_name"), lw.c.display_name.label("lawyer_name"))
            .select_from(c.join(k, c.c.kiosk_id == k.c.id).outerjoin(lw, c.c.lawyer_id == lw.c.id))
            .order_by(c.c.requested_at.desc())
            .limit(MATTERS_SCANNED)
        )
        cb = schema.callbacks
        callbacks = (
            select(cb, k.c.name.label("kiosk_name"), k.c.village, lw.c.display_name.label("lawyer_name"))
            .select_from(cb.outerjoin(k, cb.c.kiosk_id == k.c.id).outerjoin(lw, cb.c.done_by == lw.c.id))
            .order_by(cb.c.requested_at.desc())
            .limit(MATTERS_SCANNED)
        )
        for table, query_name in ((c, "calls"), (cb, "callbacks")):
            conditions = []
            if since is not None:
                conditions.append(table.c.requested_at >= since)
            if until is not None:
                conditions.append(table.c.requested_at < until)
            if topic:
                conditions.append(table.c.topic == topic)
            if lawyer_id is not None:
                conditions.append((c.c.lawyer_id if table is c else cb.c.done_by) == lawyer_id)
            if query_name == "calls":
                calls = calls.where(*conditions)
            else:
                callbacks = callbacks.where(*conditions)
        async with self.engine.connect() as conn:
            call_rows = (await conn.execute(calls)).all()
            callback_rows = (await conn.execute(callbacks)).all()
        matters = [
            Matter(
                "call",
                r.tracking_number or "",
                r.topic,
                r.kiosk_name,
                r.village,
                r.lawyer_name or "",
                r.requested_at,
                r.answered_at,
                r.ended_at,
                r.outcome or "waiting",
                "" if r.notes is None else self.cipher.decrypt(r.notes),
                r.rating,
            )
            for r in call_rows
        ] + [
            Matter(
                "callback",
                r.tracking_number,
                r.topic,
                r.kiosk_name or "",
                r.village or "",
                r.lawyer_name or "",
                r.requested_at,
                None,
                r.done_at,
                "called_back" if r.done_at is not None else "callback_open",
                "" if r.notes is None else self.cipher.decrypt(r.notes),
                None,
            )
            for r in callback_rows
        ]
        needle = text.strip().casefold()
        if needle:
            matters = [
                m
                for m in matters
                if any(
                    needle in field.casefold()
                    for field in (m.tracking_number, m.kiosk_name, m.village, m.lawyer_name, m.notes)
                )
            ]
        matters.sort(key=lambda m: m.requested_at, reverse=True)
        return matters[:limit]
