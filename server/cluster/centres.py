"""Which legal-aid centre each terminal and lawyer belongs to (default "main"), in the database."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

DEFAULT_CENTRE = "main"

metadata = MetaData()
centre_members = Table(
    "centre_members",
    metadata,
    Column("role", String(16), primary_key=True),  # kiosk | lawyer
    Column("party_id", Integer, primary_key=True),
    Column("centre", String(64), nullable=False, index=True),
)


class CentreDirectory:
    """Centre of each terminal and lawyer; anyone not listed belongs to the default centre."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._members: dict[tuple[str, int], str] = {}

    async def create_tables(self) -> None:
        """Create the table when missing (like the other cluster-free stores do)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def assign(self, role: str, party_id: int, centre: str) -> None:
        """Put a terminal or lawyer in a centre."""
        if not centre or len(centre) > 64:
            raise ValueError("centre name must be 1..64 characters")
        async with self.engine.begin() as conn:
            key = {"role": role, "party_id": party_id}
            await conn.execute(centre_members.delete().filter_by(**key))
            await conn.execute(centre_members.insert().values(**key, centre=centre))
        self._members[(role, party_id)] = centre

    async def reload(self) -> None:
        """Read every assignment (called at start and now and then, for edits made elsewhere)."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(centre_members))).all()
        self._members = {(row.role, row.party_id): row.centre for row in rows}

    def centre_of(self, role: str, party_id: int) -> str:
        """The centre a client belongs to (as last loaded)."""
        return self._members.get((role, party_id), DEFAULT_CENTRE)

    def centres(self) -> list[str]:
        """Every centre that has members, and the default one."""
        return sorted({DEFAULT_CENTRE, *self._members.values()})
