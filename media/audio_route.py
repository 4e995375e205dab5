"""Headphones or loudspeaker for privacy: reads `pactl` (sinks, ports, jack state) and switches the output."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from enum import StrEnum

PACTL_TIMEOUT_S = 5.0
_PORT_LINE = re.compile(r"^(?P<name>.+?): (?P<description>.*) \((?P<attrs>[^()]*)\)$")
_HEADPHONE_TYPES = {"headphones", "headset"}
_HEADPHONE_FORM_FACTORS = {"headphone", "headset"}


class Output(StrEnum):
    """Where the lawyer's voice is played."""

    SPEAKER = "speaker"  # 外放
    HEADPHONES = "headphones"  # 耳机


class Availability(StrEnum):
    """A port's jack state as PulseAudio reports it."""

    AVAILABLE = "available"  # plugged in
    UNAVAILABLE = "not available"  # nothing plugged in
    UNKNOWN = "unknown"  # the hardware cannot tell


@dataclass(frozen=True)
class SinkPort:
    """One output port of a sink (speaker, headphone jack, line out, HDMI)."""

    name: str
    description: str
    kind: str = ""  # pactl's "type:" (Speaker, Headphones, ...); older pactl gives none
    priority: int = 0
    availability: Availability = Availability.UNKNOWN

    @property
    def is_headphones(self) -> bool:
        """A headphone or headset jack."""
        return self.kind.lower() in _HEADPHONE_TYPES or "headphone" in self.name.lower()


@dataclass(frozen=True)
class Sink:
    """One PulseAudio output device."""

    name: str
    description: str
    properties: dict[str, str] = field(default_factory=dict)
    ports: tuple[SinkPort, ...] = ()
    active_port: str = ""

    @property
    def is_headphones(self) -> bool:
        """A sink that is itself a headset (USB or Bluetooth), not a jack on the sound card."""
        return self.properties.get("device.form_factor", "") in _HEADPHONE_FORM_FACTORS

    @property
    def headphone_port(self) -> SinkPort | None:
        """This sink's headphone jack, if it has one."""
        return next((p for p in self.ports if p.is_headphones), None)

    @property
    def speaker_port(self) -> SinkPort | None:
        """The port to use for the loudspeaker: a Speaker port, else the best other usable one."""
        others = [p for p in self.ports if not p.is_headphones and p.availability != Availability.UNAVAILABLE]
        speakers = [p for p in others if p.kind.lower() == "speaker" or "speaker" in p.name.lower()]
        ranked = sorted(speakers or others, key=lambda p: -p.priority)
        return ranked[0] if ranked else None


def _port(line: str) -> SinkPort | None:
    found = _PORT_LINE.match(line)
    if found is None:
        return None
    attrs = [a.strip() for a in found["attrs"].split(",")]
    kind, priority, availability = "", 0, Availability.UNKNOWN
    for attr in attrs:
        key, _, value = attr.partition(": ")
        if key == "type":
            kind = value
        elif key == "priority" and value.isdigit():
            priority = int(value)
        elif attr == "available":
            availability = Availability.AVAILABLE
        elif attr == "not available":
            availability = Availability.UNAVAILABLE
    return SinkPort(found["name"], found["description"], kind, priority, availability)


def parse_sinks(text: str) -> list[Sink]:
    """`LC_ALL=C pactl list sinks` as Sink values (PulseAudio 12 to 17 and pipewire-pulse formats)."""
    sinks: list[Sink] = []
    block: list[str] = []
    for line in [*text.splitlines(), "Sink #end"]:
        if line.startswith("Sink #"):
            if block:
                sinks.append(_sink(block))
            block = []
        else:
            block.append(line)
    return sinks


def _sink(lines: list[str]) -> Sink:
    fields: dict[str, str] = {}
    properties: dict[str, str] = {}
    ports: list[SinkPort] = []
    section = ""
    for line in lines:
        depth = len(line) - len(line.lstrip("\t"))
        text = line.strip()
        if not text:
            continue
        if depth == 1:
            key, _, value = text.partition(":")
            section = key if not value.strip() else ""
            fields[key] = value.strip()
        elif depth == 2 and section == "Properties":
            key, _, value = text.partition(" = ")
            properties[key] = value.strip('"')
        elif depth == 2 and section == "Ports":
            port = _port(text)
            if port is not None:
                ports.append(port)
    return Sink(
        fields.get("Name", ""),
        fields.get("Description", ""),
        properties,
        tuple(ports),
        fields.get("Active Port", ""),
    )


def parse_default_sink(info: str) -> str:
    """The default sink's name from `LC_ALL=C pactl info`."""
    for line in info.splitlines():
        if line.startswith("Default Sink:"):
            return line.partition(":")[2].strip()
    return ""


@dataclass(frozen=True)
class RouteState:
    """What the 耳机/外放 toggle shows."""

    headphones_exist: bool = False  # a headphone jack or headset: the toggle is shown
    plugged: bool = False  # headphones are (or may be) plugged in
    current: Output = Output.SPEAKER


def route_state(sinks: list[Sink], default_sink: str) -> RouteState:
    """Whether headphones exist, are plugged in and are in use, from the parsed sinks."""
    default = next((s for s in sinks if s.name == default_sink), None)
    headsets = [s for s in sinks if s.is_headphones]
    jacks = [(s, p) for s in sinks for p in s.ports if p.is_headphones]
    if not headsets and not jacks:
        return RouteState()
    plugged = bool(headsets) or any(p.availability != Availability.UNAVAILABLE for _, p in jacks)
    in_use = default is not None and (
        default.is_headphones
        or (default.headphone_port is not None and default.active_port == default.headphone_port.name)
    )
    return RouteState(True, plugged, Output.HEADPHONES if in_use else Output.SPEAKER)


def route_commands(sinks: list[Sink], default_sink: str, output: Output) -> list[list[str]]:
    """The pactl commands (arguments after `pactl`) that send sound to `output`; empty if nothing to do.

    A headset that is its own sink becomes the default sink; a headphone jack is a port of the sound
    card's sink. Going back to the loudspeaker undoes either.
    """
    default = next((s for s in sinks if s.name == default_sink), None)
    headsets = [s for s in sinks if s.is_headphones]
    commands: list[list[str]] = []
    if output is Output.HEADPHONES:
        if headsets:
            if default is None or default.name != headsets[0].name:
                commands.append(["set-default-sink", headsets[0].name])
            return commands
        jack = next(((s, p) for s in ([default] if default else []) + sinks if (p := s.headphone_port)), None)
        if jack is not None:
            sink, port = jack
            if default is None or default.name != sink.name:
                commands.append(["set-default-sink", sink.name])
            if sink.active_port != port.name:
                commands.append(["set-sink-port", sink.name, port.name])
        return commands
    target = default
    if target is None or target.is_headphones:
        target = next((s for s in sinks if not s.is_headphones and s.speaker_port is not None), None) or next(
            (s for s in sinks if not s.is_headphones), None
        )
        if target is None:
            return commands
        commands.append(["set-default-sink", target.name])
    speaker = target.speaker_port
    if speaker is not None and target.headphone_port is not None and target.active_port != speaker.name:
        commands.append(["set-sink-port", target.name, speaker.name])
    return commands


def parse_sink_inputs(text: str) -> list[str]:
    """The index of every playing stream in `LC_ALL=C pactl list short sink-inputs`."""
    return [line.split("\t", 1)[0] for line in text.splitlines() if line.strip()]


class AudioRouter:
    """Runs pactl against the session's sound server (blocking: call it from a worker thread)."""

    def __init__(self, pactl: str = "pactl") -> None:
        self._pactl = shutil.which(pactl) or ""

    @property
    def usable(self) -> bool:
        """pactl is installed (Debian pulseaudio-utils)."""
        return bool(self._pactl)

    def _run(self, *args: str) -> str:
        env = {**os.environ, "LC_ALL": "C"}
        done = subprocess.run(
            [self._pactl, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=PACTL_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            raise OSError(f"pactl {args[0]} failed: {done.stderr.strip()[:200]}")
        return done.stdout

    def _read(self) -> tuple[list[Sink], str]:
        return parse_sinks(self._run("list", "sinks")), parse_default_sink(self._run("info"))

    def state(self) -> RouteState:
        """The current route; no headphones when there is no pactl or no sound server."""
        if not self.usable:
            return RouteState()
        try:
            return route_state(*self._read())
        except (OSError, subprocess.TimeoutExpired):
            return RouteState()

    def use(self, output: Output) -> RouteState:
        """Send sound to the headphones or the loudspeaker; playing streams follow a new default sink."""
        if not self.usable:
            return RouteState()
        try:
            sinks, default = self._read()
            for command in route_commands(sinks, default, output):
                self._run(*command)
                if command[0] == "set-default-sink":
                    for stream in parse_sink_inputs(self._run("list", "short", "sink-inputs")):
                        with contextlib.suppress(OSError):  # the stream ended meanwhile
                            self._run("move-sink-input", stream, command[1])
            return route_state(*self._read())
        except (OSError, subprocess.TimeoutExpired):
            return RouteState()
