"""Command line of the pool server: run it, migrate its database, register people, edit the roster."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from config.loader import ConfigError, build_parser, load_settings
from config.settings import ServerSettings
from server.app import PathOnlyAccessLogger, create_app, open_storage
from server.auth import register_kiosk, register_lawyer
from server.console.cli import CONSOLE_COMMANDS, add_console_commands, run_console_command
from server.roster_cli import ROSTER_COMMANDS, add_roster_commands, run_roster_command


def _parser() -> argparse.ArgumentParser:
    parser = build_parser("server", "县法律援助中心的值班律师服务器 (lawyer pool server)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser("run", help="run the server (the default)")
    init_db = commands.add_parser("init-db", help="create the database tables")
    lawyer = commands.add_parser("add-lawyer", help="create a lawyer account")
    lawyer.add_argument("--username", required=True)
    lawyer.add_argument("--name", required=True, help="姓名, shown to villagers")
    lawyer.add_argument("--firm", required=True, help="律所, shown to villagers")
    lawyer.add_argument("--password", help="default: read from standard input")
    kiosk = commands.add_parser("add-kiosk", help="register a village terminal and print its token")
    kiosk.add_argument("--name", required=True, help="终端名, shown to lawyers")
    kiosk.add_argument("--village", required=True, help="村名, shown to lawyers")
    kiosk.add_argument("--token", help="use this token instead of a random one (demos)")
    migrate = commands.add_parser("migrate", help="bring the database schema up to date (Alembic)")
    roster_commands = add_roster_commands(commands)
    for command in (run, init_db, migrate, lawyer, kiosk, *roster_commands):  # --config/--set may follow
        command.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        command.add_argument("--set", action="append", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    add_console_commands(commands)
    return parser


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("密码: ")
    return sys.stdin.readline().rstrip("\n")


async def _with_storage(settings: ServerSettings, args: argparse.Namespace) -> int:
    storage = open_storage(settings)
    try:
        await storage.migrate()
        if args.command in ("init-db", "migrate"):
            print(f"database ready: {_without_password(settings.database_url)}")
        elif args.command in ROSTER_COMMANDS:
            return await run_roster_command(storage, args)
        elif args.command == "add-lawyer":
            password = args.password if args.password is not None else _read_password()
            lawyer_id = await register_lawyer(storage, args.username, args.name, args.firm, password)
            print(f"lawyer {args.username} added (id {lawyer_id})")
        elif args.command == "add-kiosk":
            kiosk_id, token = await register_kiosk(storage, args.name, args.village, args.token)
            print(f"kiosk added (id {kiosk_id}); its token, shown only now:", file=sys.stderr)
            print(token)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await storage.close()
    return 0


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, load settings, run the chosen command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(ServerSettings, "server", args.config, args.set)
    except ConfigError as exc:
        print(f"settings error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.command in (None, "run"):
        web.run_app(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            access_log_class=PathOnlyAccessLogger,
        )
        return 0
    if args.command in CONSOLE_COMMANDS:
        return run_console_command(settings, args)
    return asyncio.run(_with_storage(settings, args))


if __name__ == "__main__":
    sys.exit(main())
