"""Benchmark the one-tap call through the real programs: 20 calls direct, 5 via TURN, one 20 s call."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.appdriver import AppProcess
from tools.stack import desk_on_duty, running_stack

CALLS = int(os.environ.get("CALLS", "20"))
RELAY_CALLS = int(os.environ.get("RELAY_CALLS", "5"))
LONG_CALL_S = float(os.environ.get("LONG_CALL_S", "20"))


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_call(kiosk: AppProcess, desk: AppProcess, hold_s: float = 0.0) -> dict[str, float]:
    """Place one call, accept it, wait for media both ways, hang up; return timings in ms."""
    kiosk.send("home")  # 返回 from the previous call's end screen (a no-op on the home screen)
    kiosk.send("tap", target="call")
    desk.wait_state("ringing")
    desk.send("accept")
    k = kiosk.wait_state("in_call")
    d = desk.wait_state("in_call")
    kt, dt = k["info"]["timings"], d["info"]["timings"]
    result = {
        "tap_to_ring_ms": (dt["ring"] - kt["tap"]) * 1000,
        "accept_to_first_frame_ms": (max(kt["first_frame"], dt["first_frame"]) - dt["accepted"]) * 1000,
    }
    if hold_s:
        cpu0, t0 = cpu_seconds(kiosk.proc.pid), time.monotonic()
        time.sleep(hold_s)
        stats = kiosk.request("stats", "stats")
        result["kiosk_cpu_pct"] = (cpu_seconds(kiosk.proc.pid) - cpu0) / (time.monotonic() - t0) * 100
        result["received_fps"] = float(stats.get("fps", 0.0))
        result["desk_received_fps"] = float(desk.request("stats", "stats").get("fps", 0.0))
    kiosk.send("hangup")
    kiosk.wait_state("ended")
    desk.wait_state("available")
    return result


def main() -> None:
    """Run the calls and print the figures; the last line is one JSON object."""
    direct: list[dict[str, float]] = []
    relayed: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-call-") as tmp:
        with running_stack(Path(tmp) / "direct") as stack:
            desk_on_duty(stack.desk)
            for i in range(CALLS):
                direct.append(one_call(stack.kiosk, stack.desk, hold_s=LONG_CALL_S if i == CALLS - 1 else 0))
                print(f"direct call {i + 1}/{CALLS}: {direct[-1]}", file=sys.stderr)
        with running_stack(Path(tmp) / "relay", relay=True) as stack:
            desk_on_duty(stack.desk)
            for i in range(RELAY_CALLS):
                relayed.append(one_call(stack.kiosk, stack.desk))
                print(f"relay call {i + 1}/{RELAY_CALLS}: {relayed[-1]}", file=sys.stderr)
    ring = [c["tap_to_ring_ms"] for c in direct]
    first = [c["accept_to_first_frame_ms"] for c in direct]
    long_call = direct[-1]
    figures = {
        "calls": len(direct) + len(relayed),
        "tap_to_ring_ms_p50": round(statistics.median(ring), 1),
        "tap_to_ring_ms_p95": round(percentile(ring, 95), 1),
        "accept_to_first_frame_ms_p50": round(statistics.median(first), 1),
        "accept_to_first_frame_ms_p95": round(percentile(first, 95), 1),
        "relay_calls": len(relayed),
        "relay_accept_to_first_frame_ms_p50": round(
            statistics.median(c["accept_to_first_frame_ms"] for c in relayed), 1
        ),
        "received_fps": round(long_call["received_fps"], 1),
        "desk_received_fps": round(long_call["desk_received_fps"], 1),
        "kiosk_cpu_pct": round(long_call["kiosk_cpu_pct"], 1),
        "long_call_s": LONG_CALL_S,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
