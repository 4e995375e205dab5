"""Fetches a newer statute pack from the pool server, installs it atomically, and uploads missed searches."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import aiohttp

from content.pack import Pack, PackError, PackStore, compare_versions, parse_version
from content.search_missed import MissedSearchLog

log = logging.getLogger(__name__)

MANIFEST_PATH = "/api/content/statutes/manifest"
PACK_PATH = "/api/content/statutes/pack"
MISSED_PATH = "/api/content/missed"
MAX_PACK_BYTES = 300 * 1024 * 1024  # the whole terminal pack must stay under 150 MB; twice that is absurd
CHUNK = 1 << 16


class UpdateOutcome(StrEnum):
    """What one check for a newer pack came to."""

    UP_TO_DATE = "up_to_date"
    INSTALLED = "installed"
    REJECTED = "rejected"  # damaged, wrong checksum or not newer: the old pack stays
    OFFLINE = "offline"  # the server could not be reached or refused; try again later


class ContentUpdater:
    """Checks the pool server for a newer statute pack and installs it through PackStore.install.

    Attributes:
        store: the terminal's pack store (its current pack is what is compared against).
        on_installed: called on the loop's thread with the newly installed pack (the UI reloads).
    """

    def __init__(
        self,
        server_url: str,
        token: str,
        store: PackStore,
        *,
        on_installed: Callable[[Pack], None],
        missed_log: MissedSearchLog | None = None,
        interval_s: float = 3600.0,
        timeout_s: float = 60.0,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.store = store
        self.on_installed = on_installed
        self.missed_log = missed_log
        self.interval_s = interval_s
        self.timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=timeout_s)
        self.last_outcome: UpdateOutcome | None = None
        self.last_error = ""

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def _current_version(self) -> str | None:
        current = self.store.current
        if current is None:
            try:
                current = await asyncio.to_thread(self.store.load)
            except PackError:
                return None
        return current.version

    async def check_once(self, session: aiohttp.ClientSession) -> UpdateOutcome:
        """Fetch the server's manifest; download, verify and install its pack if it is newer."""
        outcome = await self._check(session)
        self.last_outcome = outcome
        return outcome

    async def _check(self, session: aiohttp.ClientSession) -> UpdateOutcome:
        try:
            async with session.get(self.server_url + MANIFEST_PATH, headers=self._headers()) as reply:
                if reply.status != 200:
                    self.last_error = f"manifest: HTTP {reply.status}"
                    return UpdateOutcome.OFFLINE
                manifest: dict[str, Any] = await reply.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            self.last_error = f"manifest: {type(exc).__name__}"
            return UpdateOutcome.OFFLINE
        try:
            offered = str(manifest["version"])
            parse_version(offered)
            sha256 = str(manifest["sha256"]).lower()
            size = int(manifest["bytes"])
        except (KeyError, TypeError, ValueError, PackError):
            self.last_error = "manifest: malformed"
            return UpdateOutcome.REJECTED
        current = await self._current_version()
        if current is not None and compare_versions(offered, current) <= 0:
            return UpdateOutcome.UP_TO_DATE
        if not 0 < size <= MAX_PACK_BYTES:
            self.last_error = f"pack of {size} bytes refused"
            return UpdateOutcome.REJECTED
        download_dir = self.store.data_dir / "packs"
        download_dir.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".download-", suffix=".pack", dir=download_dir)
        partial = Path(name)
        try:
            with open(handle, "wb") as out:  # noqa: ASYNC230 - chunks of 64 KiB as they arrive
                got = await self._download(session, out, size)
            if got is None:
                return UpdateOutcome.OFFLINE
            if got != sha256:
                self.last_error = "download checksum differs from the manifest"
                log.warning("content pack %s rejected: %s", offered, self.last_error)
                return UpdateOutcome.REJECTED
            try:
                pack = await asyncio.to_thread(self.store.install, partial)
            except PackError as exc:
                self.last_error = str(exc)
                log.warning("content pack %s rejected, the old one stays: %s", offered, exc)
                return UpdateOutcome.REJECTED
        finally:
            partial.unlink(missing_ok=True)  # noqa: ASYNC240 - one unlink
        log.info("content pack %s installed", pack.version)
        self.on_installed(pack)
        return UpdateOutcome.INSTALLED

    async def _download(self, session: aiohttp.ClientSession, out: Any, size: int) -> str | None:
        """Stream the pack into out; its sha256, or None when the transfer failed or ran long."""
        digest = hashlib.sha256()
        received = 0
        try:
            async with session.get(
                self.server_url + PACK_PATH, headers=self._headers(), timeout=self.timeout
            ) as reply:
                if reply.status != 200:
                    self.last_error = f"pack: HTTP {reply.status}"
                    return None
                async for chunk in reply.content.iter_chunked(CHUNK):
                    received += len(chunk)
                    if received > size:
                        self.last_error = "pack longer than announced"
                        return ""
                    digest.update(chunk)
                    out.write(chunk)
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.last_error = f"pack: {type(exc).__name__}"
            return None
        return digest.hexdigest()

    async def upload_missed(self, session: aiohttp.ClientSession) -> int:
        """Send the missed-search counts waiting on this terminal; returns how many rows the server took."""
        if self.missed_log is None:
            return 0
        rows = self.missed_log.pending()
        if not rows:
            return 0
        body = {"rows": [{"id": r.id, "day": r.day, "query": r.query, "count": r.count} for r in rows]}
        try:
            async with session.post(
                self.server_url + MISSED_PATH, json=body, headers=self._headers()
            ) as reply:
                if reply.status != 200:
                    self.last_error = f"missed: HTTP {reply.status}"
                    return 0
                accepted = [int(i) for i in (await reply.json()).get("accepted", [])]
        except (aiohttp.ClientError, TimeoutError, ValueError, TypeError) as exc:
            self.last_error = f"missed: {type(exc).__name__}"
            return 0
        self.missed_log.mark_uploaded(accepted)
        return len(accepted)

    async def run_forever(self) -> None:
        """Check for a newer pack and upload missed searches now and then, until cancelled."""
        async with aiohttp.ClientSession(timeout=self.timeout) as session:
            while True:
                outcome = await self.check_once(session)
                if outcome is UpdateOutcome.OFFLINE:
                    log.info("content update check skipped: %s", self.last_error)
                await self.upload_missed(session)
                await asyncio.sleep(self.interval_s)
