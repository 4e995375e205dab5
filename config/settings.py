"""Settings dataclasses of the pool server, the kiosk and the lawyer desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class MediaSource(StrEnum):
    """Where camera or microphone data comes from."""

    AUTO = "auto"  # the real device if one opens, else the synthetic source
    DEVICE = "device"  # the real device only; failing to open it is an error shown to the user
    SYNTHETIC = "synthetic"  # moving test pattern / tone, for tests and machines without devices


class StorageKind(StrEnum):
    """Which database engine the pool server uses."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


class Strategy(StrEnum):
    """How the pool picks which available lawyer rings first."""

    LONGEST_IDLE = "longest_idle"
    ROUND_ROBIN = "round_robin"
    RING_ALL = "ring_all"


@dataclass
class TurnSettings:
    """TURN servers using coturn's REST credentials (use-auth-secret)."""

    urls: list[str] = field(default_factory=list)  # e.g. ["turn:turn.example.org:3478?transport=udp"]
    secret: str = ""  # coturn's static-auth-secret; empty disables TURN
    ttl_s: int = 3600
    stun_urls: list[str] = field(default_factory=list)
    # Several coturn servers by region, all sharing `secret` (issue 11): region name -> TURN urls.
    regions: dict[str, list[str]] = field(default_factory=dict)
    village_regions: dict[str, str] = field(default_factory=dict)  # a terminal's village -> its region
    default_region: str = ""  # lawyers' desks and villages not mapped; empty = the first region listed
    fallback: list[str] = field(default_factory=list)  # regions tried after a client's own, in order
    probe_s: float = 15.0  # STUN binding probe of every regional coturn this often; 0 = never


@dataclass
class ServerSettings:
    """The lawyer pool server."""

    host: str = "127.0.0.1"
    port: int = 8470
    storage: StorageKind = StorageKind.SQLITE
    database_url: str = "sqlite+aiosqlite:///var/pool.sqlite3"
    data_key: str = ""  # base64 key for personal data at rest; generated into the data dir if empty
    content_dir: str = "var/content"  # the statute pack terminals download (content_dir/statutes.pack)
    hotline: str = "12348"
    centre_name: str = "县法律援助中心"
    ring_timeout_s: float = 20.0
    max_wait_s: float = 180.0  # a call nobody could take within this ends with the hotline shown
    strategy: Strategy = Strategy.LONGEST_IDLE
    adviser_wait_s: float = 15.0  # a call waits this long for the village's own adviser
    specialist_wait_s: float = 30.0  # then this long for lawyers of its topic, then the whole pool
    missed_calls_break: int = 3  # rings missed in a row before a lawyer is put on break (0 = never)
    wrap_up_s: float = 60.0  # time for notes after each call before the next rings (0 = none)
    hold_place_s: float = 60.0  # a waiting kiosk whose connection drops keeps its place this long
    call_rejoin_grace_s: float = 30.0  # a side whose signaling drops mid-call may Rejoin within this
    queue_update_s: float = 10.0  # waiting kiosks hear their place at least this often
    callback_offer_wait_s: float = 300.0  # estimated waits beyond this offer a callback
    mean_handle_s: float = 300.0  # starting guess of a call's length (+ wrap-up) for wait estimates
    timezone: str = "Asia/Shanghai"  # the centre's clock for rosters and service hours
    data_dir: str = "var"  # where the generated data key file lives when data_key is empty
    max_message_bytes: int = 65536
    messages_per_s: float = 30.0  # per signaling connection; a browser trickling ICE bursts ~20
    messages_burst: int = 60
    session_ttl_s: int = 12 * 3600
    turn: TurnSettings = field(default_factory=TurnSettings)
    terminal_silent_s: float = 600.0  # the console flags a terminal with no heartbeat for this long
    updates_dir: str = "var/updates"  # signed kiosk bundles: updates_dir/kiosk/manifest.json + tarball
    public_url: str = (
        ""  # how terminals reach this server (for enrolment QR links), e.g. https://fw.example.gov.cn
    )
    log_level: str = "INFO"
    recording_enabled: bool = False  # the centre records calls (both sides must still agree on screen)
    recording_topics: list[str] = field(default_factory=list)  # topics that may be recorded; [] = all
    recording_max_mb: int = 300  # a recording stops at this size (about 2 h); the server refuses more
    drain_timeout_s: float = 8.0  # SIGTERM: calls in progress get this long before their sockets close
    restart_grace_s: float = 60.0  # after a restart, waiting kiosks have this long to take their place back
    redis_url: str = ""  # with storage = postgresql: cluster mode (several nodes, one service); "" = one node
    node_id: str = ""  # this node's name in the cluster; "" = hostname-pid
    lease_ttl_s: float = 3.0  # a dead node's centre queues and clients pass on within about this
    crash_check_s: float = 0.2  # how often nodes look for a crashed node's closed link to Redis


@dataclass
class CameraSettings:
    """The terminal's or desk's camera."""

    source: MediaSource = MediaSource.AUTO
    device_index: int = 0
    width: int = 640
    height: int = 480
    fps: int = 30


@dataclass
class AudioSettings:
    """Microphone and speaker."""

    source: MediaSource = MediaSource.AUTO
    input_device: str = ""  # sounddevice name or index; empty = system default
    output_device: str = ""
    sample_rate: int = 48000
    echo_cancellation: bool = True  # WebRTC AEC3 on the microphone, fed with what the speaker plays
    noise_suppression: bool = True
    gain_control: bool = True


@dataclass
class KioskSettings:
    """The village terminal app."""

    server_url: str = "http://127.0.0.1:8470"
    server_urls: list[str] = field(default_factory=list)  # several nodes of a province: tried in turn
    token: str = ""  # issued by the server at registration
    terminal_id: str = ""  # issued by the server at registration (kiosk/registration.py)
    village: str = ""  # the village the server registered this terminal to, shown on the home screen
    update_public_key: str = ""  # base64 Ed25519 key that signs application updates (kiosk/updater.py)
    answer_link_base: str = ""  # if set, an answer's QR code is a link <base>/faq/<id>, else the text itself
    fullscreen: bool = True
    language: str = "zh_CN"
    hotline: str = "12348"
    connect_timeout_s: float = 10.0
    force_relay: bool = False  # send media only through TURN (tests, or sites that need it)
    heartbeat_s: float = 60.0  # how often the terminal tells the centre it is alive and well
    camera: CameraSettings = field(default_factory=CameraSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    log_level: str = "INFO"
    # Accessibility, idle wipe and staff mode (issue 6).
    # the terminal's own files (session folders, the encrypted outbox, the staff log);
    # empty = $XDG_DATA_HOME/village-legal-kiosk/kiosk
    data_dir: str = ""
    idle_s: float = 120.0  # no touch this long: ask 还需要更多时间吗？
    idle_countdown_s: float = 30.0  # then the session ends unless someone taps
    read_aloud_on_arrival: bool = False  # read every screen aloud when it opens
    staff: list[str] = field(default_factory=list)  # "staff_id:argon2 hash" (kiosk.staff.hash_pin)
    turn_url: str = ""  # checked by the device self-test, e.g. "turn:turn.example.org:3478"
    printer: str = ""  # CUPS printer name; empty when the terminal has none
    selftest_at_start: bool = True  # run the device self-test at start and report it to the centre


@dataclass
class DeskSettings:
    """The lawyer's desktop app."""

    server_url: str = "http://127.0.0.1:8470"
    server_urls: list[str] = field(default_factory=list)  # several nodes of a province: tried in turn
    username: str = ""
    password: str = ""  # only for demos and automation; people type it in the login screen
    language: str = "zh_CN"
    ring_sound: bool = True
    force_relay: bool = False
    camera: CameraSettings = field(default_factory=CameraSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    log_level: str = "INFO"
    recordings_dir: str = (
        "var/desk-recordings"  # consented recordings waiting to upload (sealed, key file here)
    )
