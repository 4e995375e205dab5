"""`python -m kiosk`: the village terminal's fullscreen touch app."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from config.loader import ConfigError, build_parser, load_settings
from config.settings import KioskSettings


def main(argv: list[str] | None = None) -> int:
    """Parse settings, open the kiosk window and run until it is closed."""
    parser = build_parser("kiosk", "Village legal-service terminal (touch screen)")
    parser.add_argument(
        "--automation", action="store_true", help="JSON-line commands on stdin, events on stdout"
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings(KioskSettings, "kiosk", args.config, args.set)
    except ConfigError as exc:
        print(f"设置有误 (settings error): {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    from ui.app import prepare_environment

    prepare_environment(virtual_keyboard=True)
    import qasync

    from ui.app import create_application

    app = create_application(sys.argv[:1], name="kiosk", language=settings.language)
    session_dir = Path(tempfile.mkdtemp(prefix="kiosk-session-"))
    try:
        asyncio.run(_run(settings, args.automation, session_dir), loop_factory=lambda: qasync.QEventLoop(app))
    finally:
        shutil.rmtree(session_dir, ignore_errors=True)  # the keyboard's learned words go with the session
    return 0


async def _run(settings: KioskSettings, automation: bool, session_dir: Path) -> None:
    """Build the flow, the view-model and the window; quit cleanly (hang up, release devices)."""
    from PySide6.QtQml import QQmlApplicationEngine

    from kiosk.wiring import build_caller
    from ui.app import QML_DIR, QuitRequest, keyboard_locale, load_window, run_until_closed, show_kiosk_window
    from ui.automation import AutomationChannel, kiosk_commands
    from ui.background import BackgroundRunner
    from ui.kiosk_vm import KioskViewModel

    flow = build_caller(settings)
    runner = BackgroundRunner()
    keyboard_dir = session_dir / "keyboard"
    keyboard_dir.mkdir()
    vm = KioskViewModel(flow, runner, hotline=settings.hotline, keyboard_data_path=str(keyboard_dir))
    # 法律咨询: FAQ at once, statutes searchable once the index is built in the background (issue 4).
    from ui.consult_setup import build_consult

    consult = build_consult(
        vm,
        runner,
        data_dir=Path(settings.data_dir),
        session_dir=session_dir,
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
    engine = QQmlApplicationEngine()
    window = load_window(
        engine,
        QML_DIR / "kiosk" / "Main.qml",
        {"vm": vm, "consultVm": consult, "keyboardLocale": keyboard_locale(settings.language)},
    )
    quit_request = QuitRequest(window)
    channel = None
    if automation:
        channel = AutomationChannel(window, vm, kiosk_commands(vm, consult), on_quit=quit_request.request)
        channel.start()
    show_kiosk_window(window, fullscreen=settings.fullscreen)

    async def close_consult() -> None:
        consult.close()

    cleanups = [close_consult, runner.shutdown, flow.close]
    await run_until_closed(window, quit_request, cleanups)
    if channel is not None:
        channel.stop()
    del engine


if __name__ == "__main__":
    raise SystemExit(main())
