"""`make demo`: the pool server, a kiosk and a lawyer desk together on an embedded SQLite.

With a display the two apps open as windows for you to use. Without one (`--walkthrough`, what
`make demo` picks on a machine with no display) the same programs run on a virtual screen, a scripted
walkthrough places a real call through the whole stack, and screenshots land in a folder it names.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.appdriver import ROOT, AppProcess, ServerProcess, python_env
from tools.stack import DEMO_KIOSK, DEMO_LAWYER, desk_on_duty, running_stack


def say(step: str) -> None:
    """Print one line of progress."""
    print(f"[demo] {step}", flush=True)


def shoot(app: AppProcess, folder: Path, name: str) -> Path:
    """Ask an app for a screenshot of its window."""
    path = folder / f"{name}.png"
    app.request("screenshot", "screenshot", path=str(path))
    say(f"  screenshot {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def walkthrough(out: Path) -> None:
    """Place real calls through server, kiosk and desk, with screenshots at every step."""
    shots = out / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    say("starting the pool server, the kiosk and the lawyer desk (synthetic camera and microphone)…")
    with running_stack(out / "run", wrap_up_s=120.0) as stack:  # time to write up each call
        kiosk, desk = stack.kiosk, stack.desk
        kiosk.wait_state("idle", timeout=60)
        say(f"lawyer {DEMO_LAWYER[1]} logs in at the desk and goes on duty")
        desk_on_duty(desk)
        shoot(kiosk, shots, "01-kiosk-home")  # by now the kiosk has drawn its home screen
        shoot(desk, shots, "02-desk-on-duty")
        first_call(kiosk, desk, shots)
        call_during_wrap_up(kiosk, desk, shots)
        desk.send("duty", on=False)
        desk.wait_state("off_duty")
        say("nobody on duty now: the villager taps 律师视频 again")
        kiosk.send("tap", target="call")
        kiosk.wait_state("no_lawyer")
        shoot(kiosk, shots, "11-kiosk-nobody-on-duty")
    say(f"done. Screenshots are in {shots}")


def choose_topic(kiosk: AppProcess, tile: str, shots: Path | None = None) -> None:
    """Tap 律师视频, then one picture tile (screenshot of the tiles when shots is given)."""
    kiosk.send("tap", target="call_topics")
    kiosk.wait_for(lambda e: e.get("screen") == "topics", what="the topic tiles")
    if shots is not None:
        shoot(kiosk, shots, "03a-kiosk-topic-tiles")
    kiosk.send("tap", target=f"call_topic_{tile}")


def first_call(kiosk: AppProcess, desk: AppProcess, shots: Path) -> None:
    """Topic tiles, ringing, the call, 挂断, the rating faces and the desk's wrap-up panel."""
    say("the villager taps 律师视频, then the picture tile 农民工欠薪 (answered first)")
    choose_topic(kiosk, "migrant_wages", shots)
    desk.wait_state("ringing")
    time.sleep(1.5)  # the first queue report reaches the kiosk
    shoot(kiosk, shots, "03-kiosk-connecting")
    shoot(desk, shots, "04-desk-ringing")
    say("the lawyer taps 接听")
    desk.send("accept")
    kiosk.wait_state("in_call")
    desk.wait_state("in_call")
    time.sleep(2.0)  # let a couple of seconds of video play before the pictures
    shoot(kiosk, shots, "05-kiosk-in-call")
    shoot(desk, shots, "06-desk-in-call")
    stats = kiosk.request("stats", "stats")
    say(f"kiosk receives {stats.get('fps', 0):.0f} fps of the lawyer's video")
    say("the villager taps 挂断")
    kiosk.send("hangup")
    kiosk.wait_state("ended")
    desk.wait_state("available")
    shoot(kiosk, shots, "07-kiosk-call-ended-faces")
    say("the villager taps the 满意 face; the rating goes with the matter")
    kiosk.send("tap", target="rate_3")
    time.sleep(1.5)  # the server's wrap-up news reaches the desk
    say("the lawyer writes up the call: the desk shows 整理 with the time left")
    shoot(desk, shots, "08-desk-wrap-up")


def call_during_wrap_up(kiosk: AppProcess, desk: AppProcess, shots: Path) -> None:
    """A second villager waits (place and minutes) until the lawyer taps 结束整理, then cancels."""
    kiosk.send("home")
    kiosk.wait_for(lambda e: e.get("screen") == "home", what="the home screen")
    say("another villager asks about 土地承包 while the lawyer is still writing: a place and a wait")
    choose_topic(kiosk, "land")
    kiosk.wait_state("waiting")
    time.sleep(1.5)  # the first queue report arrives
    shoot(kiosk, shots, "09-kiosk-waiting-estimate")
    say("the lawyer taps 结束整理: the waiting call rings the desk at once")
    desk.send("end_wrap_up", notes="已告知可向劳动监察大队投诉，并准备工资条和考勤记录。")
    desk.wait_state("ringing")
    time.sleep(1.5)  # the estimate drops to the time a lawyer takes to answer
    shoot(kiosk, shots, "10-kiosk-being-rung")
    say("the villager changes their mind and taps 取消")
    kiosk.send("cancel")
    desk.wait_state("available")
    kiosk.send("home")


def interactive(out: Path) -> None:
    """Open the kiosk and the desk as windows against a local server; stop with Ctrl-C."""
    server = ServerProcess(out)
    server.add_lawyer(*DEMO_LAWYER)
    server.add_kiosk(*DEMO_KIOSK)
    server.start()
    say(f"pool server at {server.url} (records in {server.db_path})")
    common = ["--set", f"server_url={server.url}"]
    apps = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk",
                *common,
                "--set",
                f"token={DEMO_KIOSK[2]}",
                "--set",
                "fullscreen=false",
            ],
            env=python_env(),
            cwd=ROOT,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "desk", *common, "--set", f"username={DEMO_LAWYER[0]}"],
            env=python_env(),
            cwd=ROOT,
        ),
    ]
    say(f"lawyer desk: log in as {DEMO_LAWYER[0]} / {DEMO_LAWYER[3]} and switch to 在岗;")
    say("then tap 律师视频 on the kiosk")
    say("close both windows or press Ctrl-C to stop")
    try:
        while any(app.poll() is None for app in apps):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for app in apps:
            if app.poll() is None:
                app.terminate()
                app.wait(10)
        server.stop()


def main() -> None:
    """Pick walkthrough or interactive mode and run it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--walkthrough", action="store_true", help="scripted call with screenshots")
    args = parser.parse_args()
    out = ROOT / "demo-output" / datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    if args.walkthrough:
        walkthrough(out)
    else:
        interactive(out)


if __name__ == "__main__":
    main()
