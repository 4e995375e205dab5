"""`python -m server add-admin`: create a console account (admin, manager or viewer) from the shell."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from typing import Any

from config.settings import ServerSettings
from server.app import open_storage
from server.console_auth import StaffAccounts, StaffRole

CONSOLE_COMMANDS = frozenset({"add-admin"})


def add_console_commands(commands: Any) -> None:
    """Register the console's subcommands on the server's argparse subparsers."""
    admin = commands.add_parser("add-admin", help="create a web console account (password from stdin)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", default="", help="姓名, shown in the console")
    admin.add_argument("--role", choices=[r.value for r in StaffRole], default=StaffRole.ADMIN.value)
    admin.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    admin.add_argument("--set", action="append", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _read_new_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("新密码: ")
    if getpass.getpass("再输入一次: ") != first:
        raise ValueError("两次输入的密码不一样。")
    return first


async def _add_admin(settings: ServerSettings, args: argparse.Namespace) -> int:
    storage = open_storage(settings)
    try:
        await storage.migrate()
        accounts = StaffAccounts(storage.engine)
        user_id = await accounts.add_user(
            args.username, args.name, StaffRole(args.role), _read_new_password()
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await storage.close()
    print(f"console account {args.username} ({args.role}) added (id {user_id})")
    return 0


def run_console_command(settings: ServerSettings, args: argparse.Namespace) -> int:
    """Run one of CONSOLE_COMMANDS; returns the exit status."""
    return asyncio.run(_add_admin(settings, args))
