"""Headphones for privacy: jack detection from recorded pactl text, and switching on a real PulseAudio."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from media.audio_route import (
    AudioRouter,
    Availability,
    Output,
    RouteState,
    parse_default_sink,
    parse_sinks,
    route_commands,
    route_state,
)
from tests.media_fixtures import run_pulseaudio

DATA = Path(__file__).parent / "data" / "pactl"
# Qt Multimedia looks for PipeWire when a sound server is there; the virtual keyboard's style warns.
QT_NOISE = r"PopupList_QMLTYPE_\d+ overrides a member|pipewire-0.3"
HDA = "alsa_output.pci-0000_00_1f.3.analog-stereo"


def _sample(name: str) -> str:
    return (DATA / name).read_text()


def test_an_unplugged_headphone_jack_is_found_but_not_plugged():
    sinks = parse_sinks(_sample("hda_headphones_unplugged.txt"))
    assert [s.name for s in sinks] == [HDA, "alsa_output.pci-0000_01_00.1.hdmi-stereo"]
    jack = sinks[0].headphone_port
    assert jack is not None and jack.name == "analog-output-headphones"
    assert jack.availability is Availability.UNAVAILABLE and jack.priority == 9900
    assert sinks[0].speaker_port is not None and sinks[0].speaker_port.name == "analog-output-speaker"
    default = parse_default_sink(_sample("hda_info.txt"))
    assert default == HDA
    assert route_state(sinks, default) == RouteState(True, False, Output.SPEAKER)


def test_a_plugged_headphone_jack_is_in_use_and_the_speaker_can_be_chosen_again():
    sinks = parse_sinks(_sample("hda_headphones_plugged.txt"))
    assert sinks[0].headphone_port is not None
    assert sinks[0].headphone_port.availability is Availability.AVAILABLE
    assert route_state(sinks, HDA) == RouteState(True, True, Output.HEADPHONES)
    assert route_commands(sinks, HDA, Output.SPEAKER) == [["set-sink-port", HDA, "analog-output-speaker"]]
    assert route_commands(sinks, HDA, Output.HEADPHONES) == []  # already there


def test_headphones_chosen_before_they_are_plugged_switch_the_port():
    sinks = parse_sinks(_sample("hda_headphones_unplugged.txt"))
    assert route_commands(sinks, HDA, Output.HEADPHONES) == [
        ["set-sink-port", HDA, "analog-output-headphones"]
    ]
    # From the HDMI sink as default, the sound card's sink becomes the default first.
    hdmi = sinks[1].name
    assert route_commands(sinks, hdmi, Output.HEADPHONES) == [
        ["set-default-sink", HDA],
        ["set-sink-port", HDA, "analog-output-headphones"],
    ]


def test_older_pulseaudio_and_pipewire_port_lines():
    old = parse_sinks(_sample("old_pulseaudio_headphones_unplugged.txt"))[0]
    assert [p.name for p in old.ports] == ["analog-output-speaker", "analog-output-headphones"]
    assert old.headphone_port is not None and old.headphone_port.availability is Availability.UNAVAILABLE
    assert old.ports[0].availability is Availability.UNKNOWN and old.ports[0].kind == ""
    assert route_state([old], old.name) == RouteState(True, False, Output.SPEAKER)
    pw = parse_sinks(_sample("pipewire_ucm_headphones_plugged.txt"))[0]
    assert pw.headphone_port is not None and pw.headphone_port.name == "[Out] Headphones"
    assert pw.active_port == "[Out] Headphones"
    assert route_state([pw], pw.name) == RouteState(True, True, Output.HEADPHONES)
    assert route_commands([pw], pw.name, Output.SPEAKER) == [["set-sink-port", pw.name, "[Out] Speaker"]]


def test_a_terminal_without_headphones_shows_no_toggle():
    sinks = parse_sinks(_sample("private_null_sinks.txt"))
    speaker_only = [s for s in sinks if s.name == "speaker"]
    assert speaker_only and speaker_only[0].ports == ()
    assert route_state(speaker_only, "speaker") == RouteState()
    # The recorded headset sink (device.form_factor = "headset") counts as headphones.
    assert route_state(sinks, parse_default_sink(_sample("private_info.txt"))) == RouteState(
        True, True, Output.SPEAKER
    )


def _pactl(*args: str) -> str:
    env = {**os.environ, "LC_ALL": "C"}
    return subprocess.run(["pactl", *args], capture_output=True, text=True, env=env, check=True).stdout


@pytest.fixture
def pulse_with_headset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if shutil.which("pactl") is None:
        pytest.skip("pactl is not installed; tools/debian-packages.txt lists pulseaudio-utils")
    with run_pulseaudio(tmp_path, monkeypatch) as server:
        _pactl(
            "load-module",
            "module-null-sink",
            "sink_name=headset",
            "sink_properties='device.description=Headset device.form_factor=headset'",
        )
        yield server


def test_switching_to_the_headset_and_back_on_a_real_sound_server(pulse_with_headset):
    import sounddevice as sd

    router = AudioRouter()
    assert router.state() == RouteState(True, True, Output.SPEAKER)
    # The lawyer's voice is already playing through the loudspeaker when the villager taps 耳机.
    stream = sd.OutputStream(samplerate=48000, channels=2, dtype="int16", callback=_silence)
    stream.start()
    try:
        assert _stream_sinks() == ["speaker"]
        assert router.use(Output.HEADPHONES) == RouteState(True, True, Output.HEADPHONES)
        assert parse_default_sink(_pactl("info")) == "headset"
        assert _stream_sinks() == ["headset"]  # the playing stream moved with it
        assert router.use(Output.SPEAKER) == RouteState(True, True, Output.SPEAKER)
        assert parse_default_sink(_pactl("info")) == "speaker"
        assert _stream_sinks() == ["speaker"]
    finally:
        stream.close()


def test_no_sound_server_means_no_headphones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/nothing-here")
    router = AudioRouter()
    assert router.state() == RouteState()
    assert router.use(Output.HEADPHONES) == RouteState()


def _silence(outdata: np.ndarray, frames: int, time_info: object, status: object) -> None:
    outdata.fill(0)


def _stream_sinks() -> list[str]:
    """The sink of each playing stream, by name."""
    sinks = {
        line.split("\t")[0]: line.split("\t")[1] for line in _pactl("list", "short", "sinks").splitlines()
    }
    return [
        sinks[line.split("\t")[1]] for line in _pactl("list", "short", "sink-inputs").splitlines() if line
    ]


def _in_call(k: Any) -> None:
    from media.flows import CallerState

    k.flow.move_to(CallerState.REQUESTING)
    k.flow.move_to(CallerState.WAITING, position=1)
    k.flow.answer(name="欧阳明珠律师", firm="原州区法律援助中心")
    k.flow.move_to(CallerState.IN_CALL)
    k.wait_for("callScreen")


@pytest.mark.qt_log_ignore(QT_NOISE)
def test_the_call_screen_toggle_sends_the_voice_to_the_headset(pulse_with_headset, qtbot, qapp, tmp_path):
    from tests.access_fixtures import build_access_kiosk
    from tests.ui_fakes import running_qasync_loop

    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path)
        try:
            route = k.audio_route
            assert route is not None
            _in_call(k)
            k.wait_for("audioRouteToggle")
            k.tap("routeHeadphones")
            qtbot.waitUntil(lambda: route.state.current is Output.HEADPHONES, timeout=10000)
            assert parse_default_sink(_pactl("info")) == "headset"
            k.tap("routeSpeaker")
            qtbot.waitUntil(lambda: route.state.current is Output.SPEAKER, timeout=10000)
            assert parse_default_sink(_pactl("info")) == "speaker"
        finally:
            k.close()


@pytest.mark.qt_log_ignore(QT_NOISE)
def test_no_toggle_on_a_terminal_with_only_a_loudspeaker(tmp_path, monkeypatch, qtbot, qapp):
    from tests.access_fixtures import build_access_kiosk
    from tests.ui_fakes import running_qasync_loop

    with run_pulseaudio(tmp_path, monkeypatch), running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path)
        try:
            route = k.audio_route
            assert route is not None
            _in_call(k)
            assert k.find("hangupButton") is not None
            calls = route.reads
            qtbot.waitUntil(lambda: route.reads > calls, timeout=10000)  # the jack was read
            assert k.find("audioRouteToggle") is None
        finally:
            k.close()


@pytest.mark.qt_log_ignore(QT_NOISE)
def test_the_toggle_is_readable_and_large_enough_in_elder_mode(pulse_with_headset, qtbot, qapp, tmp_path):
    from tests.access_fixtures import build_access_kiosk
    from tests.test_access_readability import readability_problems
    from tests.ui_fakes import running_qasync_loop

    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path)
        try:
            k.access.setElderMode(True)
            _in_call(k)
            k.wait_for("routeHeadphones")
            measured, problems = readability_problems(k)
            assert measured > 0 and problems == []
        finally:
            k.close()
