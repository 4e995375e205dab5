"""Application updates: a signed bundle version downloaded, verified, switched atomically, rolled back."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import logging
import os
import re
import select
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from config.loader import ConfigError, load_settings
from config.settings import KioskSettings

log = logging.getLogger(__name__)

DEFAULT_ROOT = Path("/opt/legal-kiosk")
SERVICE = "legal-kiosk-session.service"
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")
READY_EVENT = {"event": "ready", "screen": "home"}  # the --smoke-test contract of the kiosk app
CHUNK = 1 << 16


class UpdateError(Exception):
    """An update was refused or failed; the installed version is unchanged (or restored)."""


class Outcome(StrEnum):
    """What an update attempt ended in."""

    UP_TO_DATE = "up_to_date"
    SWITCHED = "switched"  # the new version started and reported ready
    ROLLED_BACK = "rolled_back"  # the new version did not start; the previous one runs again


@dataclass(frozen=True)
class Manifest:
    """One published version: where its tarball is, its sha256, and the publisher's signature."""

    version: str
    url: str
    sha256: str
    size: int
    signature: str  # base64 Ed25519 signature of signed_message(version, sha256)

    @classmethod
    def from_json(cls, data: Any, base_url: str = "") -> Manifest:
        """Parse and check a manifest; relative tarball URLs are resolved against base_url."""
        try:
            manifest = cls(
                version=str(data["version"]),
                url=urljoin(base_url, str(data["url"])),
                sha256=str(data["sha256"]).lower(),
                size=int(data["size"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UpdateError(f"malformed manifest: {exc!r}") from None
        if not VERSION_PATTERN.match(manifest.version):
            raise UpdateError(f"bad version name {manifest.version!r}")
        if not re.fullmatch(r"[0-9a-f]{64}", manifest.sha256):
            raise UpdateError("bad sha256 in manifest")
        return manifest


def signed_message(version: str, sha256: str) -> bytes:
    """The bytes the publisher signs: binds the version name to the tarball's hash."""
    return f"legal-kiosk-update\n{version}\n{sha256}\n".encode()


def verify_signature(manifest: Manifest, public_key_b64: str) -> None:
    """Raise UpdateError unless the manifest is signed by the key shipped in the terminal's config."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        key.verify(base64.b64decode(manifest.signature), signed_message(manifest.version, manifest.sha256))
    except InvalidSignature:
        raise UpdateError(f"signature of version {manifest.version} does not verify") from None
    except ValueError as exc:
        raise UpdateError(f"unusable key or signature: {exc}") from None


@dataclass
class Pending:
    """A switched version not yet confirmed good, and the one to go back to."""

    version: str
    previous: str
    boots: int = 0


@dataclass
class State:
    """What the updater remembers between runs (root/update-state.json)."""

    pending: Pending | None = None
    bad: list[str] = field(default_factory=list)  # versions that failed to start: never retried


class Launcher(Protocol):
    """Starts the installed app (through `current`) and says whether it reported ready in time."""

    def restart(self, app_dir: Path, timeout_s: float) -> bool:
        """Restart the app from app_dir; True once it reported ready within timeout_s."""
        ...


class SystemdLauncher:
    """Restarts the kiosk service; with Type=notify, `systemctl restart` waits for READY=1."""

    def __init__(self, unit: str = SERVICE) -> None:
        self.unit = unit

    def restart(self, app_dir: Path, timeout_s: float) -> bool:
        """systemctl restart, bounded by timeout_s, then check the unit is active."""
        try:
            subprocess.run(["systemctl", "restart", self.unit], check=True, timeout=timeout_s)
        except (subprocess.SubprocessError, OSError) as exc:
            log.warning("restart of %s failed: %s", self.unit, exc)
            return False
        return subprocess.run(["systemctl", "is-active", "--quiet", self.unit], check=False).returncode == 0


class SmokeTestLauncher:
    """Runs `<app_dir>/kiosk --smoke-test` offscreen and waits for its one JSON ready line."""

    def __init__(self, executable: str = "kiosk") -> None:
        self.executable = executable

    def restart(self, app_dir: Path, timeout_s: float) -> bool:
        """True if the bundle printed {"event":"ready",...} and exited 0 within timeout_s."""
        return smoke_test(app_dir / self.executable, timeout_s)


def smoke_test(executable: Path, timeout_s: float, extra_env: dict[str, str] | None = None) -> bool:
    """Start a bundle with --smoke-test offscreen; True if it reports ready and exits 0 in time."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(extra_env or {})}
    env.pop("NOTIFY_SOCKET", None)
    try:
        proc = subprocess.Popen(
            [str(executable), "--smoke-test"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
    except OSError as exc:
        log.warning("cannot start %s: %s", executable, exc)
        return False
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout_s
    buffer, ready = b"", False
    try:
        while not ready and time.monotonic() < deadline:
            readable, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(proc.stdout.fileno(), CHUNK) if readable else b""
            if readable and not chunk:
                break  # stdout closed: the app exited
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            ready = any(_is_ready(line) for line in lines)
        code = proc.wait(timeout=max(0.1, deadline - time.monotonic())) if ready else None
    except subprocess.TimeoutExpired:
        code = None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return ready and code == 0


def _is_ready(line: bytes) -> bool:
    """Whether one stdout line is the app's ready event."""
    try:
        data = json.loads(line)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("event") == READY_EVENT["event"]


class Installation:
    """The versions under one root: root/versions/<v>, root/current -> versions/<v>, the state file.

    Attributes:
        root: e.g. /opt/legal-kiosk; the service runs root/kiosk/kiosk where root/kiosk -> current.
    """

    def __init__(self, root: Path = DEFAULT_ROOT) -> None:
        self.root = root
        self.versions = root / "versions"
        self.current_link = root / "current"
        self.state_file = root / "update-state.json"

    def current(self) -> str | None:
        """The version `current` points at, or None before the first install."""
        try:
            return Path(os.readlink(self.current_link)).name
        except OSError:
            return None

    def installed(self) -> list[str]:
        """Versions unpacked under versions/, oldest first."""
        if not self.versions.is_dir():
            return []
        dirs = [p for p in self.versions.iterdir() if p.is_dir() and VERSION_PATTERN.match(p.name)]
        return [p.name for p in sorted(dirs, key=lambda p: p.stat().st_mtime)]

    def switch(self, version: str) -> None:
        """Point `current` at a version atomically: a new symlink renamed over the old one."""
        if not (self.versions / version).is_dir():
            raise UpdateError(f"version {version} is not installed")
        tmp = self.root / f".current.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(Path("versions") / version, tmp)
        os.replace(tmp, self.current_link)
        _fsync_dir(self.root)
        log.info("current -> %s", version)

    def load_state(self) -> State:
        """The state file, or a fresh state."""
        try:
            data = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return State()
        pending = data.get("pending")
        return State(pending=Pending(**pending) if pending else None, bad=list(data.get("bad", [])))

    def save_state(self, state: State) -> None:
        """Write the state file atomically."""
        fd, tmp = tempfile.mkstemp(prefix=".update-state.", dir=self.root)
        with os.fdopen(fd, "w") as fh:
            json.dump(asdict(state), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_file)

    def unpack(self, tarball: Path, version: str) -> Path:
        """Unpack a bundle tarball to versions/<version> (all or nothing, no paths outside it)."""
        target = self.versions / version
        if target.exists():
            return target
        self.versions.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=self.versions))
        try:
            with tarfile.open(tarball) as archive:
                archive.extractall(staging, filter="data")
            os.replace(staging, target)
        except (tarfile.TarError, OSError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise UpdateError(f"cannot unpack version {version}: {exc}") from None
        return target

    def prune(self, keep: Sequence[str]) -> None:
        """Delete installed versions other than keep (current and previous)."""
        for version in self.installed():
            if version not in keep:
                shutil.rmtree(self.versions / version, ignore_errors=True)


class Updater:
    """Fetches, verifies, installs and switches versions; rolls back one that fails to start."""

    def __init__(
        self,
        installation: Installation,
        public_key_b64: str,
        launcher: Launcher,
        *,
        ready_timeout_s: float = 150.0,
        boot_limit: int = 3,
    ) -> None:
        self.installation = installation
        self.public_key_b64 = public_key_b64
        self.launcher = launcher
        self.ready_timeout_s = ready_timeout_s
        self.boot_limit = boot_limit

    def fetch_manifest(self, manifest_url: str) -> Manifest:
        """GET the manifest JSON of the latest published version."""
        try:
            response = requests.get(manifest_url, timeout=(10, 30))
            response.raise_for_status()
            return Manifest.from_json(response.json(), manifest_url)
        except (requests.RequestException, ValueError) as exc:
            raise UpdateError(f"cannot fetch manifest: {type(exc).__name__}") from None

    def download(self, manifest: Manifest) -> Path:
        """Download the tarball into a temp file, checking size and sha256; the caller deletes it."""
        fd, name = tempfile.mkstemp(prefix=".download.", suffix=".tar", dir=self.installation.root)
        path, digest, size = Path(name), hashlib.sha256(), 0
        try:
            with (
                os.fdopen(fd, "wb") as out,
                requests.get(manifest.url, stream=True, timeout=(10, 60)) as resp,
            ):
                resp.raise_for_status()
                for chunk in resp.iter_content(CHUNK):
                    size += len(chunk)
                    if size > manifest.size:
                        raise UpdateError("download is larger than the manifest says")
                    digest.update(chunk)
                    out.write(chunk)
        except requests.RequestException as exc:
            path.unlink(missing_ok=True)
            raise UpdateError(f"download failed: {type(exc).__name__}") from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if digest.hexdigest() != manifest.sha256 or size != manifest.size:
            path.unlink(missing_ok=True)
            raise UpdateError(f"checksum of version {manifest.version} does not match; download discarded")
        return path

    def apply(self, manifest: Manifest) -> Outcome:
        """Verify, install and switch to manifest's version; roll back if it does not report ready."""
        inst = self.installation
        previous = inst.current()
        if manifest.version == previous:
            return Outcome.UP_TO_DATE
        state = inst.load_state()
        if manifest.version in state.bad:
            raise UpdateError(f"version {manifest.version} failed to start before; not retried")
        verify_signature(manifest, self.public_key_b64)  # before a single byte is downloaded
        tarball = self.download(manifest)
        try:
            inst.unpack(tarball, manifest.version)
        finally:
            tarball.unlink(missing_ok=True)
        inst.switch(manifest.version)
        if previous is None:  # first install: nothing to roll back to
            inst.save_state(State(bad=state.bad))
            return Outcome.SWITCHED
        inst.save_state(State(Pending(manifest.version, previous), state.bad))
        if self.launcher.restart(inst.current_link, self.ready_timeout_s):
            self.confirm()
            return Outcome.SWITCHED
        log.warning("version %s did not report ready in %.0f s", manifest.version, self.ready_timeout_s)
        self.rollback()
        self.launcher.restart(inst.current_link, self.ready_timeout_s)
        return Outcome.ROLLED_BACK

    def boot_check(self) -> str | None:
        """Count one start of a pending version; past the limit, roll back. Returns the version run."""
        state = self.installation.load_state()
        if state.pending is None:
            return self.installation.current()
        state.pending.boots += 1
        self.installation.save_state(state)
        if state.pending.boots > self.boot_limit:
            pending = state.pending
            log.warning("version %s started %d times without ready", pending.version, pending.boots)
            self.rollback()
        return self.installation.current()

    def confirm(self) -> None:
        """The running version reported ready: it is good; keep it and the previous one only."""
        state = self.installation.load_state()
        if state.pending is not None and state.pending.version == self.installation.current():
            self.installation.prune(keep=[state.pending.version, state.pending.previous])
            self.installation.save_state(State(bad=state.bad))

    def rollback(self) -> None:
        """Switch back to the previous version and never retry the failed one."""
        state = self.installation.load_state()
        if state.pending is None:
            raise UpdateError("nothing to roll back")
        self.installation.switch(state.pending.previous)
        bad = [*state.bad, state.pending.version]
        self.installation.save_state(State(bad=bad))
        shutil.rmtree(self.installation.versions / state.pending.version, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    """Make a rename in path durable."""
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def main(argv: Sequence[str] | None = None) -> int:
    """kiosk-update apply|boot-check|confirm|status: run by a timer, ExecStartPre and ExecStartPost."""
    parser = argparse.ArgumentParser(prog="kiosk-update", description="Update the kiosk application")
    parser.add_argument("command", choices=["apply", "boot-check", "confirm", "status"])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--manifest", help="manifest URL (apply); default {server_url}/api/updates/kiosk")
    parser.add_argument("--config", type=Path, default=None, help="terminal settings (default: KIOSK_CONFIG)")
    parser.add_argument("--ready-timeout", type=float, default=150.0, help="> the unit's TimeoutStartSec")
    parser.add_argument("--boot-limit", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # Only `apply` needs the settings (key, server): the boot check must work before registration.
    try:
        settings = load_settings(KioskSettings, "kiosk", args.config) if args.command == "apply" else None
    except ConfigError as exc:
        print(f"update refused: {exc}", file=sys.stderr)
        return 1
    updater = Updater(
        Installation(args.root),
        settings.update_public_key if settings else "",
        SystemdLauncher(),
        ready_timeout_s=args.ready_timeout,
        boot_limit=args.boot_limit,
    )
    try:
        if args.command == "apply":
            assert settings is not None
            url = args.manifest or settings.server_url.rstrip("/") + "/api/updates/kiosk"
            print(updater.apply(updater.fetch_manifest(url)).value)
        elif args.command == "boot-check":
            print(updater.boot_check())
        elif args.command == "confirm":
            updater.confirm()
        else:
            state = updater.installation.load_state()
            print(json.dumps({"current": updater.installation.current(), **asdict(state)}))
    except UpdateError as exc:
        print(f"update refused: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
