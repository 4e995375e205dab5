"""`python -m kiosk`: the village terminal's fullscreen touch app."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from config.loader import ConfigError, build_parser, load_settings
from config.settings import KioskSettings
from kiosk.session import Session


def main(argv: list[str] | None = None) -> int:
    """Parse settings, open the kiosk window and run until it is closed."""
    parser = build_parser("kiosk", "Village legal-service terminal (touch screen)")
    parser.add_argument(
        "--automation", action="store_true", help="JSON-line commands on stdin, events on stdout"
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help='start offscreen, print {"event":"ready","screen":"home"} once the home screen drew, exit 0',
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings(KioskSettings, "kiosk", args.config, args.set)
    except ConfigError as exc:
        print(f"设置有误 (settings error): {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scratch = None
    if args.smoke_test:  # a bundle's first start: no screen, no devices, nothing left behind
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        settings.fullscreen = False
        settings.selftest_at_start = False
        scratch = tempfile.TemporaryDirectory(prefix="kiosk-smoke-")
        settings.data_dir = scratch.name

    from ui.app import prepare_environment

    prepare_environment(virtual_keyboard=True)
    import qasync

    from kiosk.forms_wiring import data_dir
    from ui.app import create_application

    app = create_application(sys.argv[:1], name="kiosk", language=settings.language)
    session = Session(data_dir(settings) / "sessions")  # sweeps folders a crash or power cut left
    try:
        asyncio.run(
            _run(
                settings,
                args.automation,
                session,
                smoke_test=args.smoke_test,
                config_file=args.config or _env_config(),
            ),
            loop_factory=lambda: qasync.QEventLoop(app),
        )
    finally:
        session.end()  # the keyboard's learned words and read-aloud audio go with the session
        if scratch is not None:
            scratch.cleanup()
    return 0


async def _run(
    settings: KioskSettings,
    automation: bool,
    session: Session,
    *,
    smoke_test: bool = False,
    config_file: Path | None = None,
) -> None:
    """Build the flow, the view-models and the window; quit cleanly (hang up, release devices)."""
    from PySide6.QtQml import QQmlApplicationEngine

    from kiosk.access_wiring import build_access
    from kiosk.forms_wiring import data_dir, start_forms, start_incall_help
    from kiosk.heartbeat import start_heartbeat
    from kiosk.watchdog import Watchdog
    from kiosk.wiring import build_caller
    from ui.app import QML_DIR, QuitRequest, keyboard_locale, load_window, run_until_closed, show_kiosk_window
    from ui.automation import AutomationChannel, kiosk_commands
    from ui.background import BackgroundRunner
    from ui.kiosk_vm import KioskViewModel

    flow = build_caller(settings)
    runner = BackgroundRunner()
    forms = await start_forms(settings, runner, session)  # 办事申请: outbox, delivery, screens
    vm = KioskViewModel(flow, runner, hotline=settings.hotline, forms=forms.vm)
    parts = build_access(settings, session, runner, vm, flow)
    forms.vm.use_staff(parts.staff.gate)  # staff-assisted submissions record who helped
    start_incall_help(vm, runner, forms, session, parts.access.readAloud)  # per-person wipe; issue 7
    consult = _start_consult(settings, runner, vm, session)  # 法律咨询 (issue 4)
    session.on_end(consult.reset)  # search text and the open answer go with the person
    engine = _recording_panel(QQmlApplicationEngine(), flow, runner)  # 同意录音录像 / 不同意 (issue 7)
    window = load_window(
        engine,
        QML_DIR / "kiosk" / "Main.qml",
        {
            "vm": vm,
            "consultVm": consult,
            "keyboardLocale": keyboard_locale(settings.language),
            **parts.properties(),
        },
    )
    parts.languages.attach(engine)
    parts.access.watch_window(window)
    parts.failsafe.install()
    quit_request = QuitRequest(window)
    watchdog = Watchdog()

    def first_frame() -> None:
        window.frameSwapped.disconnect(first_frame)
        watchdog.ready("home")
        if smoke_test:
            print(json.dumps({"event": "ready", "screen": str(vm.screen)}), flush=True)
            quit_request.request()

    window.frameSwapped.connect(first_frame)
    channel = None
    if automation:
        channel = AutomationChannel(window, vm, kiosk_commands(vm, consult), on_quit=quit_request.request)
        channel.start()
    show_kiosk_window(window, fullscreen=settings.fullscreen)
    if settings.selftest_at_start:
        parts.selftest.run()  # results go to the centre; the screen shows them when staff open it
    if smoke_test:
        settings.token = ""  # a bundle's smoke test talks to nobody
    stop_heartbeat = start_heartbeat(settings, config_file, data_dir(settings))

    cleanups = [consult.aclose, runner.shutdown, flow.close, forms.close, watchdog.stop, stop_heartbeat]
    await run_until_closed(window, quit_request, cleanups)
    parts.failsafe.uninstall()
    if channel is not None:
        channel.stop()
    del engine


def _start_consult(settings: KioskSettings, runner: Any, vm: Any, session: Session) -> Any:
    """法律咨询: FAQ at once, statutes searchable once the index is built; newer packs fetched."""
    from kiosk.forms_wiring import data_dir
    from ui.consult_setup import build_consult

    consult = build_consult(
        vm,
        runner,
        data_dir=data_dir(settings) / "content",
        session_dir=lambda: session.folder / "consult",
        share_base_url=settings.answer_link_base,
    )
    consult.start_engine()
    if settings.token:
        from kiosk.content_updater import ContentUpdater

        updater = ContentUpdater(
            settings.server_url,
            settings.token,
            consult.pack_store,
            on_installed=lambda _pack: consult.reloadContent(),
            missed_log=consult.missed_log,
        )
        runner.run(updater.run_forever(), name="content-updates")
    return consult


def _env_config() -> Path | None:
    """The settings file named by KIOSK_CONFIG, where pushed settings are kept."""
    value = os.environ.get("KIOSK_CONFIG")
    return Path(value) if value else None


def _recording_panel(engine: Any, flow: Any, runner: Any) -> Any:
    """The engine, given the recording panel's view-model as the context property the call screen uses."""
    from ui.recording_vm import RecordingViewModel

    recording = RecordingViewModel(flow, runner, desk=False, parent=engine)
    engine.rootContext().setContextProperty("recordingVm", recording)
    return engine


if __name__ == "__main__":
    raise SystemExit(main())
