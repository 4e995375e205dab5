"""Command line of the pool server: run it, migrate its database, register people, edit the roster."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from config.loader import ConfigError, build_parser, load_settings
from config.settings import ServerSettings
from server.app import PathOnlyAccessLogger, create_app, open_storage
from server.auth import register_kiosk, register_lawyer
from server.cluster.centres import CentreDirectory
from server.cluster.startup import cluster_mode, cluster_settings_problem, redis_problem
from server.console.cli import CONSOLE_COMMANDS, add_console_commands, run_console_command
from server.drain import serve
from server.roster_cli import ROSTER_COMMANDS, add_roster_commands, run_roster_command
from server.storage import Storage
from server.terminals import FLAG_TEXT, TerminalFlag, TerminalRegistry


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
    code = commands.add_parser("enrolment-code", help="a one-time code a technician types on a new terminal")
    code.add_argument("--name", required=True, help="终端名")
    code.add_argument("--village", required=True, help="村名")
    code.add_argument("--valid-days", type=float, default=7.0)
    push = commands.add_parser("push-config", help="settings for one terminal, sent with its next heartbeat")
    push.add_argument("--terminal", type=int, required=True, help="terminal id")
    push.add_argument("values", nargs="+", metavar="KEY=VALUE", help="e.g. hotline=0951-12348")
    fleet = commands.add_parser("terminals", help="list terminals and what is wrong with them")
    centre = commands.add_parser("set-centre", help="put a terminal or lawyer in a legal-aid centre")
    member = centre.add_mutually_exclusive_group(required=True)
    member.add_argument("--kiosk", type=int, help="terminal id")
    member.add_argument("--lawyer", type=int, help="lawyer id")
    centre.add_argument("centre", help="the centre's name (default centre: main)")
    fleet_commands = (code, push, fleet, centre)
    for command in (run, init_db, migrate, lawyer, kiosk, *roster_commands, *fleet_commands):
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
        elif args.command == "set-centre":
            directory = CentreDirectory(storage.engine)
            await directory.create_tables()
            role, party_id = ("kiosk", args.kiosk) if args.kiosk is not None else ("lawyer", args.lawyer)
            await directory.assign(role, party_id, args.centre)
            print(f"{role} {party_id} is now in centre {args.centre}")
        elif args.command in FLEET_COMMANDS:
            await terminal_command(storage, settings, args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await storage.close()
    return 0


FLEET_COMMANDS = ("enrolment-code", "push-config", "terminals")


async def terminal_command(storage: Storage, settings: ServerSettings, args: argparse.Namespace) -> None:
    """The fleet subcommands: enrolment codes, pushed settings, the list of terminals."""
    registry = TerminalRegistry(storage)
    await registry.create_tables()
    if args.command == "enrolment-code":
        code = await registry.new_code(args.name, args.village, args.valid_days * 86400)
        print(f"enrolment code for {args.village} (valid {args.valid_days:g} days, once):", file=sys.stderr)
        print(code)
        if settings.public_url:
            print(f"QR text: legalkiosk://enrol?server={settings.public_url}&code={code}", file=sys.stderr)
    elif args.command == "push-config":
        values = dict(item.partition("=")[::2] for item in args.values)
        version = await registry.push_config(args.terminal, values)
        print(f"terminal {args.terminal}: settings version {version} waits for its next heartbeat")
    else:
        for row in await registry.fleet(time.time(), settings.terminal_silent_s):
            flags = "、".join(FLAG_TEXT[TerminalFlag(f)] for f in row.flags) or "正常"
            print(f"{row.kiosk_id:>5}  {row.village}  {row.name}  {row.version or '-'}  {flags}")


async def database_problem(settings: ServerSettings) -> str:
    """A plain sentence when the database cannot be reached at start, else ""."""
    storage = Storage.open(settings.database_url)
    try:
        async with storage.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # the driver's own error types differ (OSError, asyncpg, sqlite3)
        where = _without_password(settings.database_url)
        return f"无法连接数据库 (cannot reach the database) {where}: {type(exc).__name__}: {exc}"
    finally:
        await storage.close()
    return ""


def _without_password(url: str) -> str:
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
        problem = cluster_settings_problem(settings)
        if problem:
            print(f"settings error: {problem}", file=sys.stderr)
            return 2
        problem = asyncio.run(database_problem(settings))
        if not problem and cluster_mode(settings):
            problem = asyncio.run(redis_problem(settings))
        if problem:
            print(problem, file=sys.stderr)
            return 1
        asyncio.run(serve(create_app(settings), settings.host, settings.port, PathOnlyAccessLogger))
        return 0
    if args.command in CONSOLE_COMMANDS:
        return run_console_command(settings, args)
    return asyncio.run(_with_storage(settings, args))


if __name__ == "__main__":
    sys.exit(main())
