"""`python -m desk`: the lawyer's desktop app (log in, go on duty, answer calls)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from config.loader import ConfigError, build_parser, load_settings
from config.settings import DeskSettings


def main(argv: list[str] | None = None) -> int:
    """Parse settings, open the desk window and run until it is closed."""
    parser = build_parser("desk", "Lawyer desk: go on duty and answer villagers' video calls")
    parser.add_argument(
        "--automation", action="store_true", help="JSON-line commands on stdin, events on stdout"
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help='start offscreen, print {"event":"ready","screen":"login"} once the window drew, exit 0',
    )
    args = parser.parse_args(argv)
    if args.smoke_test:  # a bundle's first start: no screen, nobody to talk to
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        settings = load_settings(DeskSettings, "desk", args.config, args.set)
    except ConfigError as exc:
        print(f"设置有误 (settings error): {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    from ui.app import prepare_environment

    prepare_environment(virtual_keyboard=False)
    import qasync

    from ui.app import create_application

    app = create_application(sys.argv[:1], name="desk", language=settings.language)
    work_dir = Path(tempfile.mkdtemp(prefix="desk-"))
    try:
        asyncio.run(
            _run(settings, args.automation, work_dir, smoke_test=args.smoke_test),
            loop_factory=lambda: qasync.QEventLoop(app),
        )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


async def _run(settings: DeskSettings, automation: bool, work_dir: Path, *, smoke_test: bool = False) -> None:
    """Build the flow, the view-model and the window; quit cleanly (hang up, go off duty)."""
    from PySide6.QtQml import QQmlApplicationEngine

    from desk.incall_wiring import build_desk_help
    from desk.wiring import build_answerer
    from ui.app import QML_DIR, QuitRequest, load_window, run_until_closed
    from ui.automation import AutomationChannel, desk_commands
    from ui.background import BackgroundRunner
    from ui.desk_forms_vm import DeskFormsViewModel
    from ui.desk_panels_vm import DeskPanelsViewModel
    from ui.desk_vm import DeskViewModel
    from ui.ringtone import Ringer

    flow = build_answerer(settings)
    runner = BackgroundRunner()
    ringer = Ringer(work_dir / "ring.wav")
    vm = DeskViewModel(flow, runner, ringer=ringer, username=settings.username)
    panels = DeskPanelsViewModel(flow, runner)  # wrap-up, break notice, callbacks
    engine = QQmlApplicationEngine()
    # 村民申请: submissions from the terminals, with the login's token (issue 5).
    token = lambda: str(getattr(flow, "session_token", ""))  # noqa: E731
    applications = DeskFormsViewModel(runner, settings.server_url, token, work_dir / "applications")
    recording, recording_vm = _recording(flow, runner, settings)  # consented recording (issue 7)
    engine.rootContext().setContextProperty("recordingVm", recording_vm)
    help_vm = build_desk_help(flow, runner)  # in-call help: push answers, articles and forms (issue 7)
    help_vm.start_engine()
    vm.use_help(help_vm)
    context = {"vm": vm, "applications": applications, "panels": panels}
    window = load_window(engine, QML_DIR / "desk" / "Main.qml", context)
    quit_request = QuitRequest(window)
    if smoke_test:

        def first_frame() -> None:
            window.frameSwapped.disconnect(first_frame)
            print(json.dumps({"event": "ready", "screen": "login"}), flush=True)
            quit_request.request()

        window.frameSwapped.connect(first_frame)
    channel = None
    if automation:
        channel = AutomationChannel(window, vm, desk_commands(vm, panels), on_quit=quit_request.request)
        channel.start()
    window.show()
    if settings.username and settings.password:  # demos and automation only; people use the form
        vm.login(settings.username, settings.password)
    closers = [help_vm.aclose, runner.shutdown, recording.close, flow.close]
    await run_until_closed(window, quit_request, closers)
    ringer.stop()
    if channel is not None:
        channel.stop()
    del engine


def _recording(flow: Any, runner: Any, settings: DeskSettings) -> tuple[Any, Any]:
    """The desk's recorder and upload queue, and the view-model of its panel."""
    from desk.recording import DeskRecording
    from desk.recording_queue import RecordingQueue
    from ui.recording_vm import RecordingViewModel

    token = lambda: str(getattr(flow, "session_token", ""))  # noqa: E731
    queue = RecordingQueue(Path(settings.recordings_dir))
    recording = DeskRecording(flow, settings.server_url, token, queue)
    view = RecordingViewModel(flow, runner, desk=True, allowed=recording.allowed)
    recording.policy_listeners.append(view.policy_changed)
    recording.start_uploads()
    return recording, view


if __name__ == "__main__":
    raise SystemExit(main())
