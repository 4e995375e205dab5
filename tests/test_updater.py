"""Application updates: signed bundles from a real aiohttp server, real tarballs, real app processes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import tarfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.updater import (
    Installation,
    Manifest,
    Outcome,
    Pending,
    SmokeTestLauncher,
    State,
    UpdateError,
    Updater,
    signed_message,
)

READY = '{"event":"ready","screen":"home"}'
APPS = {
    "good": f"#!/bin/sh\necho '{READY}'\nexit 0\n",
    "crashes": "#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n",
    "hangs": "#!/bin/sh\nexec sleep 120\n",
}


def bundle_tarball(app: str, version: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A bundle the way tools/bundle.py packs one: the folder's contents at the top, `kiosk` inside."""
    files = {"kiosk": APPS[app].encode(), "_internal/VERSION": version.encode(), **(extra or {})}
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


@dataclass
class Publisher:
    """The update server's side: signs versions and serves manifest + tarballs over HTTP."""

    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    files: dict[str, bytes] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    base_url: str = ""

    @property
    def public_key_b64(self) -> str:
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def publish(self, version: str, tarball: bytes, signer: Ed25519PrivateKey | None = None) -> Manifest:
        name = f"kiosk-{version}.tar.gz"
        self.files[name] = tarball
        digest = hashlib.sha256(tarball).hexdigest()
        signature = (signer or self.key).sign(signed_message(version, digest))
        data = {
            "version": version,
            "url": name,
            "sha256": digest,
            "size": len(tarball),
            "signature": base64.b64encode(signature).decode(),
        }
        return Manifest.from_json(data, self.base_url + "/api/updates/")

    async def serve(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.requested.append(name)
        if name not in self.files:
            raise web.HTTPNotFound()
        return web.Response(body=self.files[name])


@pytest.fixture
async def publisher() -> AsyncIterator[Publisher]:
    pub = Publisher()
    app = web.Application()
    app.router.add_get("/api/updates/{name}", pub.serve)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    pub.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield pub
    await runner.cleanup()


@pytest.fixture
def installation(tmp_path: Path) -> Installation:
    """A terminal running version 1.0.0, as install.sh leaves it."""
    inst = Installation(tmp_path / "opt")
    inst.root.mkdir()
    tarball = tmp_path / "first.tar.gz"
    tarball.write_bytes(bundle_tarball("good", "1.0.0"))
    inst.unpack(tarball, "1.0.0")
    inst.switch("1.0.0")
    return inst


def snapshot(root: Path) -> list[str]:
    """Every path under root with its symlink target: what 'nothing changed' compares."""
    return sorted(
        f"{p.relative_to(root)} -> {p.readlink()}" if p.is_symlink() else str(p.relative_to(root))
        for p in root.rglob("*")
    )


def updater_for(inst: Installation, pub: Publisher, ready_timeout_s: float = 60.0) -> Updater:
    return Updater(inst, pub.public_key_b64, SmokeTestLauncher(), ready_timeout_s=ready_timeout_s)


async def test_good_update_switches_and_keeps_the_previous(
    publisher: Publisher, installation: Installation
) -> None:
    manifest = publisher.publish("1.1.0", bundle_tarball("good", "1.1.0"))
    outcome = await asyncio.to_thread(updater_for(installation, publisher).apply, manifest)
    assert outcome is Outcome.SWITCHED
    assert installation.current() == "1.1.0"
    assert (installation.current_link / "_internal" / "VERSION").read_text() == "1.1.0"
    assert sorted(installation.installed()) == ["1.0.0", "1.1.0"]
    assert installation.load_state() == State()
    # Applying the same manifest again is a no-op.
    assert await asyncio.to_thread(updater_for(installation, publisher).apply, manifest) is Outcome.UP_TO_DATE


async def test_bad_signature_is_refused_and_nothing_changes(
    publisher: Publisher, installation: Installation
) -> None:
    before = snapshot(installation.root)
    forged = publisher.publish("6.6.6", bundle_tarball("good", "6.6.6"), signer=Ed25519PrivateKey.generate())
    with pytest.raises(UpdateError, match="signature"):
        await asyncio.to_thread(updater_for(installation, publisher).apply, forged)
    assert snapshot(installation.root) == before
    assert publisher.requested == []  # refused before downloading anything


async def test_tampered_tarball_is_refused_and_nothing_changes(
    publisher: Publisher, installation: Installation
) -> None:
    before = snapshot(installation.root)
    manifest = publisher.publish("1.2.0", bundle_tarball("good", "1.2.0"))
    publisher.files["kiosk-1.2.0.tar.gz"] = bundle_tarball("good", "1.2.0-evil")  # swapped on the mirror
    with pytest.raises(UpdateError, match=r"checksum|larger than"):
        await asyncio.to_thread(updater_for(installation, publisher).apply, manifest)
    assert snapshot(installation.root) == before


async def test_tarball_escaping_its_folder_is_refused(
    publisher: Publisher, installation: Installation
) -> None:
    before = snapshot(installation.root)
    manifest = publisher.publish("1.3.0", bundle_tarball("good", "1.3.0", {"../../evil": b"x"}))
    with pytest.raises(UpdateError, match="unpack"):
        await asyncio.to_thread(updater_for(installation, publisher).apply, manifest)
    assert snapshot(installation.root) == before


@pytest.mark.parametrize("app", ["crashes", "hangs"])
async def test_new_version_that_does_not_start_is_rolled_back(
    publisher: Publisher, installation: Installation, app: str
) -> None:
    manifest = publisher.publish("2.0.0", bundle_tarball(app, "2.0.0"))
    updater = updater_for(installation, publisher, ready_timeout_s=3.0)
    assert await asyncio.to_thread(updater.apply, manifest) is Outcome.ROLLED_BACK
    assert installation.current() == "1.0.0"
    assert installation.installed() == ["1.0.0"]
    assert installation.load_state().bad == ["2.0.0"]
    with pytest.raises(UpdateError, match="not retried"):
        await asyncio.to_thread(updater.apply, manifest)


async def test_version_crashing_at_every_boot_is_rolled_back_past_the_limit(
    publisher: Publisher, installation: Installation
) -> None:
    # The new version passed its start check but then fails at each boot under the real session:
    # ExecStartPre counts boots, ExecStartPost (after READY=1) would have confirmed it.
    tarball = installation.root.parent / "new.tar.gz"
    tarball.write_bytes(bundle_tarball("crashes", "2.1.0"))
    installation.unpack(tarball, "2.1.0")
    installation.switch("2.1.0")
    installation.save_state(State(Pending("2.1.0", previous="1.0.0")))
    updater = Updater(installation, publisher.public_key_b64, SmokeTestLauncher(), boot_limit=3)
    assert [updater.boot_check() for _ in range(3)] == ["2.1.0"] * 3
    assert updater.boot_check() == "1.0.0"
    assert installation.load_state() == State(bad=["2.1.0"])
    assert updater.boot_check() == "1.0.0"  # the previous version boots normally from now on


def test_confirm_after_ready_keeps_only_current_and_previous(
    installation: Installation, tmp_path: Path
) -> None:
    for version in ("1.1.0", "1.2.0"):
        tarball = tmp_path / f"{version}.tar.gz"
        tarball.write_bytes(bundle_tarball("good", version))
        installation.unpack(tarball, version)
    installation.switch("1.2.0")
    installation.save_state(State(Pending("1.2.0", previous="1.1.0", boots=1)))
    Updater(installation, "", SmokeTestLauncher()).confirm()
    assert sorted(installation.installed()) == ["1.1.0", "1.2.0"]
    assert installation.load_state() == State()


@pytest.mark.parametrize(
    "data",
    [
        {"version": "../etc", "url": "x", "sha256": "0" * 64, "size": 1, "signature": ""},
        {"version": "1.0", "url": "x", "sha256": "abc", "size": 1, "signature": ""},
        {"version": "1.0", "url": "x"},
    ],
)
def test_malformed_manifest_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(UpdateError):
        Manifest.from_json(data)
