"""Build the kiosk and desk one-folder bundles with PyInstaller, then smoke-test each one offscreen."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SPECS = REPO / "installer" / "pyinstaller"
APPS = ("kiosk", "desk")
# Command-line tools shipped beside the app, checked with --help.
TOOLS = {"kiosk": ["kiosk-register", "kiosk-update"], "desk": []}
SMOKE_TIMEOUT_S = 120.0


def exe(folder: Path, name: str) -> Path:
    """An executable inside a bundle folder (name.exe on Windows)."""
    return folder / (name + ".exe" if sys.platform == "win32" else name)


def version() -> str:
    """The project version from pyproject.toml, with the git commit when there is one."""
    with (REPO / "pyproject.toml").open("rb") as fh:
        base = tomllib.load(fh)["project"]["version"]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return base
    return f"{base}+g{commit}"


def bundle_version(folder: Path) -> str:
    """The version a bundle was built as (its _internal/VERSION file)."""
    return (folder / "_internal" / "VERSION").read_text().strip()


def build(app: str, dist: Path, work: Path, app_version: str) -> float:
    """Run PyInstaller on installer/pyinstaller/<app>.spec, printing progress; seconds taken."""
    print(f"== {app}: building with PyInstaller (about a minute; progress every 15 s)", flush=True)
    env = {**os.environ, "LEGAL_KIOSK_VERSION": app_version}
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    cmd += ["--distpath", str(dist), "--workpath", str(work / app), str(SPECS / f"{app}.spec")]
    started = time.monotonic()
    log_path = work / f"{app}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        while True:
            try:
                proc.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                print(f"   ... {app}: still building ({time.monotonic() - started:.0f} s)", flush=True)
    if proc.returncode != 0:
        print(log_path.read_text()[-4000:], file=sys.stderr)
        raise SystemExit(f"{app}: PyInstaller failed (exit {proc.returncode}); full log in {log_path}")
    elapsed = time.monotonic() - started
    print(f"   {app}: built in {elapsed:.0f} s, {folder_mb(dist / app):.0f} MB", flush=True)
    return elapsed


def folder_mb(folder: Path) -> float:
    """Size of a folder's files in MB (symlinks not followed)."""
    total = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 1e6


def run_json(
    cmd: list[str], env: dict[str, str], timeout_s: float
) -> tuple[dict[str, Any] | None, int, float]:
    """Run a bundle executable; its first JSON line on stdout, exit code and seconds to that line."""
    started = time.monotonic()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env, check=False)
    except subprocess.TimeoutExpired:
        return None, -1, timeout_s
    for line in done.stdout.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data, done.returncode, time.monotonic() - started
    return None, done.returncode, time.monotonic() - started


def smoke_env(scratch: Path) -> dict[str, str]:
    """Offscreen Qt, no service manager, and (Linux) no system fonts: the bundle must bring its own."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in ("NOTIFY_SOCKET", "KIOSK_CONFIG", "DESK_CONFIG"):
        env.pop(name, None)
    if sys.platform.startswith("linux"):
        conf = scratch / "fonts.conf"
        conf.write_text(f"<fontconfig><cachedir>{scratch / 'fc-cache'}</cachedir></fontconfig>\n")
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def smoke_test(app: str, folder: Path) -> dict[str, Any]:
    """Start the bundle's programs offscreen: the Qt/keyboard/font probe, the app, its tools."""
    print(f"== {app}: smoke test of {folder}", flush=True)
    result: dict[str, Any] = {"bundle": app}
    with tempfile.TemporaryDirectory(prefix=f"smoke-{app}-") as scratch:
        env = smoke_env(Path(scratch))
        probe, code, _ = run_json([str(exe(folder, "bundle-check"))], env, SMOKE_TIMEOUT_S)
        if probe is None or probe.get("event") != "ready" or code != 0:
            raise SystemExit(f"{app}: bundle-check failed (exit {code}): {probe}")
        print(
            f"   bundle-check: Pinyin typed {probe['pinyin']}, fonts {probe['cjk_fonts']}, VP8 {probe['vp8']}"
        )
        result.update(qt=probe["qt"], pinyin=probe["pinyin"], vp8=probe["vp8"])
        if exe(folder, app).exists():
            ready, code, seconds = run_json([str(exe(folder, app)), "--smoke-test"], env, SMOKE_TIMEOUT_S)
            if ready is None or ready.get("event") != "ready" or code != 0:
                raise SystemExit(f"{app}: --smoke-test did not report ready (exit {code}): {ready}")
            print(f"   {app} --smoke-test: reached screen {ready.get('screen')!r} in {seconds:.2f} s")
            result.update(first_screen=ready.get("screen"), ready_s=round(seconds, 2))
        else:
            print(
                f"   {app}: skipped, {app}/__main__.py is not in this tree yet (bundle has no {app} program)"
            )
            result.update(first_screen=None)
        for tool in TOOLS[app]:
            done = subprocess.run(
                [str(exe(folder, tool)), "--help"], capture_output=True, env=env, check=False
            )
            if done.returncode != 0:
                raise SystemExit(f"{app}: {tool} --help failed: {done.stderr.decode()[-2000:]}")
            print(f"   {tool} --help: ok")
    return result


def pack(app: str, folder: Path, dist: Path, app_version: str, sign_key: Path | None) -> Path:
    """Tar the bundle's contents for kiosk-update, with a manifest (signed when a key is given)."""
    print(f"== {app}: packing update tarball", flush=True)
    tarball = dist / f"{app}-{app_version}.tar.gz"
    with tarfile.open(tarball, "w:gz", compresslevel=6) as archive:
        for path in sorted(folder.iterdir()):
            archive.add(path, arcname=path.name)
    digest = hashlib.sha256()
    with tarball.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    manifest: dict[str, Any] = {
        "version": app_version,
        "url": tarball.name,
        "sha256": digest.hexdigest(),
        "size": tarball.stat().st_size,
    }
    if sign_key is not None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        from kiosk.updater import signed_message

        key = load_pem_private_key(sign_key.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SystemExit(f"{sign_key}: not an Ed25519 private key")
        signature = key.sign(signed_message(app_version, manifest["sha256"]))
        manifest["signature"] = base64.b64encode(signature).decode()
    manifest_path = dist / f"{app}-{app_version}.manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"   {tarball.name}: {manifest['size'] / 1e6:.0f} MB, manifest {manifest_path.name}")
    return tarball


def main() -> int:
    """Build, smoke-test and optionally pack the bundles; the last line printed is a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("apps", nargs="*", help=f"which bundles (default: {' '.join(APPS)})")
    parser.add_argument("--dist", type=Path, default=REPO / "dist")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "pyinstaller")
    parser.add_argument("--no-build", action="store_true", help="only smoke-test bundles already built")
    parser.add_argument("--tarball", action="store_true", help="also pack <app>-<version>.tar.gz + manifest")
    parser.add_argument("--sign-key", type=Path, help="Ed25519 private key (PEM) to sign the manifest")
    args = parser.parse_args()
    if unknown := set(args.apps) - set(APPS):
        parser.error(f"unknown bundle(s): {', '.join(sorted(unknown))}")
    sys.path.insert(0, str(REPO))
    app_version = version()
    summary: list[dict[str, Any]] = []
    for app in args.apps or APPS:
        folder = args.dist / app
        seconds = None
        if not args.no_build:
            if folder.exists():
                shutil.rmtree(folder)
            seconds = round(build(app, args.dist, args.work, app_version), 1)
        result = smoke_test(app, folder)
        built_version = bundle_version(folder)  # with --no-build, the version it was built as
        result.update(version=built_version, build_s=seconds, size_mb=round(folder_mb(folder)))
        if args.tarball:
            result["tarball"] = str(pack(app, folder, args.dist, built_version, args.sign_key))
        summary.append(result)
    print(json.dumps({"bundles": summary}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
