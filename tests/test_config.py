"""The settings loader: layering, and refusals that name the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.loader import ConfigError, load_settings
from config.settings import KioskSettings, MediaSource, ServerSettings


def test_shipped_defaults_load_for_every_program():
    assert load_settings(ServerSettings, "server", env={}).port == 8470
    assert load_settings(KioskSettings, "kiosk", env={}).camera.source is MediaSource.AUTO


def test_layers_apply_in_order_file_then_env_then_command_line(tmp_path: Path):
    toml = tmp_path / "kiosk.toml"
    toml.write_text('hotline = "0951-12348"\n[camera]\nfps = 20\nsource = "device"\n')
    env = {"KIOSK_CAMERA__FPS": "25", "KIOSK_CAMERA__SOURCE": "synthetic"}
    settings = load_settings(KioskSettings, "kiosk", toml, ["camera.fps=15"], env=env)
    assert settings.hotline == "0951-12348"  # file
    assert settings.camera.source is MediaSource.SYNTHETIC  # env over file
    assert settings.camera.fps == 15  # command line over env


def test_bad_value_names_key_and_file(tmp_path: Path):
    toml = tmp_path / "server.toml"
    toml.write_text("port = 'eighty'\n")
    with pytest.raises(ConfigError, match=r"server\.toml: port: expected a whole number"):
        load_settings(ServerSettings, "server", toml, env={})


def test_out_of_range_value_names_where_it_came_from():
    with pytest.raises(ConfigError, match=r"POOL_PORT: port: 70000 is outside"):
        load_settings(ServerSettings, "server", env={"POOL_PORT": "70000"})


def test_unknown_key_and_bad_enum_are_refused(tmp_path: Path):
    toml = tmp_path / "kiosk.toml"
    toml.write_text("[camera]\nsorce = 'device'\n")
    with pytest.raises(ConfigError, match=r"unknown setting 'camera\.sorce'"):
        load_settings(KioskSettings, "kiosk", toml, env={})
    with pytest.raises(ConfigError, match="one of auto, device, synthetic"):
        load_settings(KioskSettings, "kiosk", overrides=["camera.source=webcam"], env={})


def test_missing_file_and_broken_toml_are_reported(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(KioskSettings, "kiosk", tmp_path / "nope.toml", env={})
    broken = tmp_path / "b.toml"
    broken.write_text("port = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(ServerSettings, "server", broken, env={})
