"""First-run registration: trade a one-time enrolment code for this terminal's token, village and config."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import logging
import os
import socket
import sys
import tempfile
import tomllib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from config.loader import ConfigError, load_settings
from config.settings import KioskSettings

log = logging.getLogger(__name__)

ENROL_PATH = "/api/terminals/enrol"
DEFAULT_CONFIG_FILE = Path("/var/lib/legal-kiosk/kiosk.toml")
ENROL_LINK_SCHEME = "legalkiosk"  # QR code from the console: legalkiosk://enrol?server=URL&code=CODE
# Keys the registration itself owns; the server's config may not overwrite them.
IDENTITY_KEYS = frozenset({"server_url", "token", "terminal_id", "village"})


class Failure(Enum):
    """Why a registration failed; each has the message the technician sees and an exit code."""

    BAD_ADDRESS = ("服务器地址写得不对，应该像这样：https://fw.example.gov.cn", 4)
    WRONG_CODE = ("登记码不对，或者已经用过、过期了。请向县法律援助中心要一个新的登记码。", 2)
    UNREACHABLE = ("连不上服务器。请检查网线或无线网络是否接好，再核对服务器地址。", 3)
    SERVER_ERROR = ("服务器暂时出了问题，请过几分钟再试；一直不行请打电话给县法律援助中心。", 5)
    CANNOT_SAVE = ("登记成功了，但设置文件保存不了。请检查磁盘空间和文件权限。", 6)

    def __init__(self, message: str, exit_code: int) -> None:
        self.message = message
        self.exit_code = exit_code


class RegistrationError(Exception):
    """Registration failed; `failure` says why in words a technician understands."""

    def __init__(self, failure: Failure, detail: str = "") -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.detail = detail  # technical detail for the log; never contains the code or token


@dataclass
class Enrolment:
    """What the server granted: identity, token and the config it wants this terminal to run with."""

    server_url: str
    token: str
    terminal_id: str
    village: str
    config: dict[str, Any] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)  # config keys written to the settings file
    ignored: list[str] = field(default_factory=list)  # keys this version does not know, or bad values


def normalise_server_url(text: str) -> str:
    """A base URL from what a technician typed: https:// added if no scheme, no trailing slash."""
    text = text.strip()
    if text and "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise RegistrationError(Failure.BAD_ADDRESS, f"bad server address {text!r}")
    return text.rstrip("/")


def parse_enrolment_link(text: str) -> tuple[str, str]:
    """Server address and code from a console QR code: legalkiosk://enrol?server=URL&code=CODE."""
    parts = urlsplit(text.strip())
    query = parse_qs(parts.query)
    if parts.scheme != ENROL_LINK_SCHEME or parts.netloc != "enrol" or not query.get("code"):
        raise RegistrationError(Failure.BAD_ADDRESS, "not an enrolment QR code")
    return normalise_server_url(query.get("server", [""])[0]), query["code"][0].strip()


def hardware_id() -> str:
    """A stable id of this machine that does not reveal its machine-id (hashed with our own salt)."""
    for path in (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id")):
        try:
            raw = path.read_text().strip()
        except OSError:
            continue
        if raw:
            break
    else:
        raw = f"mac:{uuid.getnode():012x}"  # Windows, or a Linux without machine-id
    return hashlib.sha256(f"legal-kiosk:{raw}".encode()).hexdigest()[:32]


def enrol(
    server: str, code: str, name: str = "", *, hw_id: str | None = None, timeout_s: float = 15.0
) -> Enrolment:
    """POST the enrolment code to the server and return what it granted (no file is written)."""
    base = normalise_server_url(server)
    body = {"code": code.strip(), "name": name or socket.gethostname(), "hardware_id": hw_id or hardware_id()}
    try:
        response = requests.post(base + ENROL_PATH, json=body, timeout=(min(timeout_s, 10.0), timeout_s))
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise RegistrationError(Failure.UNREACHABLE, type(exc).__name__) from None
    except requests.RequestException as exc:
        raise RegistrationError(Failure.UNREACHABLE, type(exc).__name__) from None
    if response.status_code in (403, 404, 409, 410):
        raise RegistrationError(Failure.WRONG_CODE, f"HTTP {response.status_code}")
    if response.status_code != 200:
        raise RegistrationError(Failure.SERVER_ERROR, f"HTTP {response.status_code}")
    try:
        data = response.json()
        granted = Enrolment(
            server_url=base,
            token=_text(data, "token"),
            terminal_id=_text(data, "terminal_id"),
            village=_text(data, "village"),
            config=dict(data.get("config") or {}),
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise RegistrationError(Failure.SERVER_ERROR, f"bad reply: {exc}") from None
    log.info("enrolled as terminal %s", granted.terminal_id)
    return granted


def save(enrolment: Enrolment, config_file: Path) -> Enrolment:
    """Merge identity, token and the server's known settings into the config file (0600, atomic)."""
    table = _read_table(config_file)
    table.update(server_url=enrolment.server_url, token=enrolment.token)
    table.update(terminal_id=enrolment.terminal_id, village=enrolment.village)
    applied, ignored = [], []
    for key, value in sorted(_flatten(enrolment.config).items()):
        candidate = _with_key(table, key, value)
        if key.split(".")[0] in IDENTITY_KEYS or not _valid(candidate, config_file.parent):
            ignored.append(key)
            continue
        table = candidate
        applied.append(key)
    if ignored:
        log.warning("server config keys not applied: %s", ", ".join(ignored))
    try:
        write_private_file(config_file, dumps_toml(table))
    except OSError as exc:
        raise RegistrationError(Failure.CANNOT_SAVE, f"{config_file}: {exc.strerror}") from None
    return dataclasses.replace(enrolment, applied=applied, ignored=ignored)


def register(server: str, code: str, config_file: Path, name: str = "") -> Enrolment:
    """Enrol with the server and store the result: what install.sh and the first-run screen call."""
    return save(enrol(server, code, name), config_file)


def write_private_file(path: Path, text: str) -> None:
    """Replace path with text atomically, readable by its owner only (0600), surviving power loss."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX only)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def dumps_toml(table: Mapping[str, Any]) -> str:
    """TOML for a settings table: scalars, lists of text and one level of sub-tables."""
    lines = ["# Written by the terminal's registration; change settings from the console."]
    subtables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
    lines += [f"{key} = {_toml_value(value)}" for key, value in table.items() if key not in subtables]
    for name, sub in subtables.items():
        lines += ["", f"[{name}]"] + [f"{key} = {_toml_value(value)}" for key, value in sub.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    """One TOML value (JSON string escapes are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _text(data: Mapping[str, Any], key: str) -> str:
    """A required non-empty text field of the server's reply."""
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"missing {key}")
    return value


def _read_table(path: Path) -> dict[str, Any]:
    """The existing config file's table, or an empty one."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError:
        log.warning("%s was not valid TOML; rewriting it", path)
        return {}


def _flatten(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"camera": {"fps": 15}} -> {"camera.fps": 15}."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _with_key(table: Mapping[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A copy of table with one dotted key set (one level of nesting, as the settings have)."""
    copy = {k: dict(v) if isinstance(v, Mapping) else v for k, v in table.items()}
    *parents, leaf = dotted.split(".")
    target = copy
    for part in parents:
        nested = target.setdefault(part, {})
        if not isinstance(nested, dict):
            return copy
        target = nested
    target[leaf] = value
    return copy


def _valid(table: Mapping[str, Any], scratch_dir: Path) -> bool:
    """Whether the kiosk's own settings loader accepts this table (so a bad push never bricks it)."""
    try:
        text = dumps_toml(table)
    except TypeError:
        return False
    scratch_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".toml", dir=scratch_dir, encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        try:
            load_settings(KioskSettings, "kiosk", Path(fh.name), env={})
        except ConfigError:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Command line for install.sh: kiosk-register --server URL --code CODE [--name N] [--config F]."""
    parser = argparse.ArgumentParser(prog="kiosk-register", description="登记本终端（第一次安装时用）")
    parser.add_argument("--server", help="服务器地址，例如 https://fw.example.gov.cn")
    parser.add_argument("--code", help="县法律援助中心给的一次性登记码")
    parser.add_argument("--link", help="扫描管理后台二维码得到的登记链接 legalkiosk://enrol?...")
    parser.add_argument("--name", default="", help="终端名称（默认用电脑名）")
    default_file = Path(os.environ.get("KIOSK_CONFIG", DEFAULT_CONFIG_FILE))
    parser.add_argument("--config", type=Path, default=default_file, help=f"设置文件（默认 {default_file}）")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        server, code = parse_enrolment_link(args.link) if args.link else (args.server, args.code)
        server = server or input("服务器地址：")
        code = code or input("登记码：")
        result = register(server, code, args.config, args.name)
    except RegistrationError as exc:
        print(exc.failure.message, file=sys.stderr)
        log.info("registration failed: %s %s", exc.failure.name, exc.detail)
        return exc.failure.exit_code
    except (EOFError, KeyboardInterrupt):
        print("已取消。", file=sys.stderr)
        return 1
    print(f"登记成功：{result.village}（终端编号 {result.terminal_id}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
