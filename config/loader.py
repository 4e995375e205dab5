"""One settings loader for all programs: defaults <- TOML file <- environment <- command line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tomllib
import typing
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
ENV_PREFIX = {"server": "POOL_", "kiosk": "KIOSK_", "desk": "DESK_"}

# Bounds checked once at load time: dotted key suffix -> (min, max).
BOUNDS: dict[str, tuple[float, float]] = {
    "port": (1, 65535),
    "ring_timeout_s": (3, 300),
    "max_wait_s": (10, 3600),
    "max_message_bytes": (1024, 1 << 20),
    "messages_per_s": (1, 1000),
    "messages_burst": (1, 10000),
    "session_ttl_s": (60, 30 * 86400),
    "ttl_s": (60, 86400),
    "fps": (1, 60),
    "width": (160, 1920),
    "height": (120, 1080),
    "sample_rate": (8000, 96000),
    "connect_timeout_s": (1, 120),
    "device_index": (0, 64),
    "terminal_silent_s": (60, 7 * 86400),
    "heartbeat_s": (5, 3600),
    "idle_s": (10, 3600),
    "idle_countdown_s": (5, 600),
    "drain_timeout_s": (0, 600),
    "restart_grace_s": (0, 3600),
    "probe_s": (0, 3600),
}


class ConfigError(ValueError):
    """A setting is unknown or has a bad value; the message names the key and where it came from."""


def build_parser(app: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every program shares (--config, --set)."""
    parser = argparse.ArgumentParser(prog=f"python -m {app}", description=description)
    parser.add_argument("--config", type=Path, help="TOML settings file (default: config/defaults)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one setting, e.g. --set camera.source=synthetic (repeatable)",
    )
    return parser


def load_settings[T](
    cls: type[T],
    app: str,
    config_file: Path | None = None,
    overrides: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> T:
    """Build and validate the settings of one program from all layers, once, at start."""
    env = os.environ if env is None else env
    prefix = ENV_PREFIX[app]
    if config_file is None and env.get(f"{prefix}CONFIG"):
        config_file = Path(env[f"{prefix}CONFIG"])
    settings = cls()
    sources: dict[str, str] = {}
    shipped = DEFAULTS_DIR / f"{app}.toml"
    for path in (shipped, config_file):
        if path is None:
            continue
        try:
            with path.open("rb") as fh:
                table = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"{path}: settings file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        _apply_table(settings, table, "", str(path), sources)
    for name, raw in sorted(env.items()):
        if name.startswith(prefix) and name != f"{prefix}CONFIG":
            key = name[len(prefix) :].lower().replace("__", ".")
            _apply_string(settings, key, raw, f"environment variable {name}", sources)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError(f"command line: --set {item!r} must look like KEY=VALUE")
        _apply_string(settings, key.strip(), raw, "command line --set", sources)
    _check_bounds(settings, "", sources)
    return settings


def _apply_table(
    target: Any, table: Mapping[str, Any], path: str, source: str, sources: dict[str, str]
) -> None:
    """Apply a parsed TOML table onto a settings dataclass, checking every key and type."""
    hints = typing.get_type_hints(type(target))
    for key, value in table.items():
        dotted = f"{path}{key}"
        if key not in hints:
            raise ConfigError(f"{source}: unknown setting {dotted!r}")
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {dotted} must be a table [{dotted}]")
            _apply_table(getattr(target, key), value, f"{dotted}.", source, sources)
        else:
            setattr(target, key, _coerce(value, hint, dotted, source, from_text=False))
            sources[dotted] = source


def _apply_string(target: Any, dotted: str, raw: str, source: str, sources: dict[str, str]) -> None:
    """Apply one KEY=VALUE string (from env or CLI) onto nested settings."""
    *parents, leaf = dotted.split(".")
    obj = target
    for part in parents:
        if not dataclasses.is_dataclass(getattr(obj, part, None)):
            raise ConfigError(f"{source}: unknown setting {dotted!r}")
        obj = getattr(obj, part)
    hints = typing.get_type_hints(type(obj))
    if leaf not in hints or dataclasses.is_dataclass(hints[leaf]):
        raise ConfigError(f"{source}: unknown setting {dotted!r}")
    setattr(obj, leaf, _coerce(raw, hints[leaf], dotted, source, from_text=True))
    sources[dotted] = source


def _coerce(value: Any, hint: Any, key: str, source: str, *, from_text: bool) -> Any:
    """Convert and check one value against its declared type."""

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{source}: {key}: expected {expected}, got {value!r}")

    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            choices = ", ".join(str(m.value) for m in hint)
            raise bad(f"one of {choices}") from None
    if hint is bool:
        if isinstance(value, bool):
            return value
        if from_text and str(value).lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return str(value).lower() in {"1", "true", "yes", "on"}
        raise bad("true or false")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if from_text:
            try:
                return int(value)
            except ValueError:
                pass
        raise bad("a whole number")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if from_text:
            try:
                return float(value)
            except ValueError:
                pass
        raise bad("a number")
    if hint is str:
        if isinstance(value, str):
            return value
        raise bad("text")
    if typing.get_origin(hint) is list:
        if from_text:
            text = str(value).strip()
            value = json.loads(text) if text.startswith("[") else [v for v in text.split(",") if v]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise bad("a list of text")
    if typing.get_origin(hint) is dict:
        return _coerce_table(value, typing.get_args(hint)[1], key, source, from_text=from_text)
    raise ConfigError(f"{source}: {key}: unsupported setting type {hint!r}")


def _coerce_table(value: Any, item_hint: Any, key: str, source: str, *, from_text: bool) -> dict[str, Any]:
    """A table of text keys (TOML table, or JSON object from env/CLI) whose values share one type."""
    if from_text:
        try:
            value = json.loads(str(value))
        except ValueError:
            raise ConfigError(f"{source}: {key}: expected a JSON object, got {value!r}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key}: expected a table, got {value!r}")
    return {
        str(name): _coerce(item, item_hint, f"{key}.{name}", source, from_text=False)
        for name, item in value.items()
    }


def _check_bounds(settings: Any, path: str, sources: dict[str, str]) -> None:
    """Reject numbers outside their sensible range, naming the key."""
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        dotted = f"{path}{f.name}"
        if dataclasses.is_dataclass(value):
            _check_bounds(value, f"{dotted}.", sources)
        elif f.name in BOUNDS and isinstance(value, int | float):
            lo, hi = BOUNDS[f.name]
            if not lo <= value <= hi:
                where = sources.get(dotted, "built-in default")
                raise ConfigError(f"{where}: {dotted}: {value} is outside {lo:g}..{hi:g}")
