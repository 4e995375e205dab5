"""A whole running product for tests, benches and the demo: seeded server, coturn, kiosk and desk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools.appdriver import AppProcess, ServerProcess
from tools.coturn import CoturnProcess

DEMO_LAWYER = ("lawyer1", "张明", "宁夏正义律师事务所", "duty-pass-1")
DEMO_KIOSK = ("红星村服务室", "红星村", "kiosk-token-redstar-0001")
SYNTHETIC_MEDIA = ["--set", "camera.source=synthetic", "--set", "audio.source=synthetic"]


@dataclass
class Stack:
    """The running programs of one end-to-end run."""

    server: ServerProcess
    kiosk: AppProcess
    desk: AppProcess
    turn: CoturnProcess | None


@contextmanager
def running_stack(
    work: Path, relay: bool = False, ring_timeout_s: float = 20.0, wrap_up_s: float = 0.0
) -> Iterator[Stack]:
    """Start server (+ coturn when relay), a kiosk and a desk; stop them all afterwards.

    wrap_up_s is 0 by default so that calls follow each other; the demo gives the lawyer time to write.
    """
    work.mkdir(parents=True, exist_ok=True)
    turn = CoturnProcess(work / "turn") if relay else None
    server_settings = [f"ring_timeout_s={ring_timeout_s}", f"wrap_up_s={wrap_up_s}"]
    if turn:
        turn.start()
        server_settings += [f'turn.urls=["{turn.url}"]', f"turn.secret={turn.secret}"]
    server = ServerProcess(work, server_settings)
    server.add_lawyer(DEMO_LAWYER[0], DEMO_LAWYER[1], DEMO_LAWYER[2], DEMO_LAWYER[3])
    server.add_kiosk(*DEMO_KIOSK)
    server.start()
    relay_flag = ["--set", "force_relay=true"] if relay else []
    common = ["--set", f"server_url={server.url}", *SYNTHETIC_MEDIA, *relay_flag]
    kiosk = AppProcess(
        "kiosk", [*common, "--set", f"token={DEMO_KIOSK[2]}", "--set", "fullscreen=false"], work / "kiosk.log"
    )
    desk = AppProcess("desk", [*common, "--set", "ring_sound=false"], work / "desk.log")
    try:
        yield Stack(server, kiosk, desk, turn)
    finally:
        kiosk.close()
        desk.close()
        server.stop()
        if turn:
            turn.stop()


def desk_on_duty(desk: AppProcess) -> None:
    """Log the demo lawyer in and go on duty."""
    desk.send("login", username=DEMO_LAWYER[0], password=DEMO_LAWYER[3])
    desk.wait_state("off_duty", timeout=30)
    desk.send("duty", on=True)
    desk.wait_state("available")
