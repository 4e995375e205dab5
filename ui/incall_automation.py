"""Automation of in-call help (tests, demos): commands for both help panels and a 'help' state event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Command = Callable[[dict[str, Any]], None]
Emit = Callable[..., None]


def _text(command: dict[str, Any], key: str) -> str:
    value = command.get(key)
    if not isinstance(value, str | int):
        raise ValueError(f'the command needs "{key}"')
    return str(value)


def help_commands(help_vm: Any, emit: Emit) -> dict[str, Command]:
    """help_state; desk: help_open, help_collapse, help_search {text}, help_push {index},
    help_push_form {form} (these three open the panel first, as the lawyer must);
    both: help_field {field, value}; kiosk: help_confirm, help_close."""

    def state(_command: dict[str, Any]) -> None:
        emit("help", **snapshot(help_vm))

    commands: dict[str, Command] = {
        "help_state": state,
        "help_field": lambda c: help_vm.setField(_text(c, "field"), _text(c, "value")),
    }
    if hasattr(help_vm, "pushForm"):  # the lawyer's panel

        def opened(action: Command) -> Command:
            def run(command: dict[str, Any]) -> None:
                help_vm.openPanel()  # 查资料 / 推送: the panel starts collapsed
                action(command)

            return run

        commands |= {
            "help_open": lambda _c: help_vm.openPanel(),
            "help_collapse": lambda _c: help_vm.closePanel(),
            "help_search": opened(lambda c: help_vm.search(_text(c, "text"))),
            "help_push": opened(lambda c: help_vm.push(int(_text(c, "index")))),
            "help_push_form": opened(lambda c: help_vm.pushForm(_text(c, "form"))),
        }
    else:  # the terminal's overlay
        commands |= {"help_confirm": lambda _c: help_vm.confirm(), "help_close": lambda _c: help_vm.close()}
    return commands


def snapshot(help_vm: Any) -> dict[str, Any]:
    """What the panel shows, as plain data for the automation channel (tests and demos, never logged)."""
    kiosk = ("overlay", "title", "text", "formTitle", "trackingDisplay", "message")
    keys = (*kiosk, "formId", "submitted", "notice", "searchReady", "panelOpen", "results")
    shown = {key: getattr(help_vm, key) for key in keys if hasattr(help_vm, key)}
    if "results" in shown:  # the first few found, by kind and title
        shown["results"] = [{"kind": r["kind"], "title": r["title"]} for r in shown["results"][:20]]
    shown["fields"] = {row["id"]: {"value": row["value"], "origin": row["origin"]} for row in help_vm.fields}
    return shown
