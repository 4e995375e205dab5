"""办事申请 on the terminal: the encrypted outbox, its deliverer, and the forms view-model, built together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from config.settings import KioskSettings
from content.forms import load_all_forms
from kiosk.outbox import Deliverer, Outbox, lookup_status
from kiosk.session import Session
from ui.background import BackgroundRunner
from ui.forms_vm import FormsViewModel
from ui.kiosk_help_vm import KioskHelpViewModel, Speak
from ui.kiosk_vm import KioskViewModel
from ui.speech import SpeechRenderer

log = logging.getLogger(__name__)
LOOKUP_TIMEOUT = aiohttp.ClientTimeout(total=15)


def data_dir(settings: KioskSettings) -> Path:
    """The terminal's own data folder: the setting, else $XDG_DATA_HOME/village-legal-kiosk/kiosk."""
    if settings.data_dir:
        return Path(settings.data_dir).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "village-legal-kiosk" / "kiosk"


@dataclass
class FormsWiring:
    """What the kiosk app holds for 办事申请 while it runs."""

    vm: FormsViewModel
    outbox: Outbox
    delivery: asyncio.Task[None] | None

    async def close(self) -> None:
        """Stop delivering (undelivered forms stay on disk for the next start) and close the outbox."""
        if self.delivery is not None:
            self.delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.delivery
        await self.outbox.close()


async def start_forms(
    settings: KioskSettings, runner: BackgroundRunner, session: Session, staff: object | None = None
) -> FormsWiring:
    """Open the outbox, start delivering to the pool server, and build the forms view-model."""
    outbox = await Outbox.open_in(data_dir(settings) / "outbox")
    delivery = None
    if settings.token:
        deliverer = Deliverer(outbox, settings.server_url, settings.token)
        delivery = asyncio.get_running_loop().create_task(deliverer.run(), name="outbox-delivery")
    else:
        log.warning("this terminal is not registered (no token): forms stay in the outbox until it is")

    async def query(tracking: str, last4: str) -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession(timeout=LOOKUP_TIMEOUT) as http:
            return await lookup_status(http, settings.server_url, settings.token, tracking, last4)

    def forms_folder() -> Path:  # photos, signatures and read-aloud audio go with the session
        return session.folder / "forms"

    vm = FormsViewModel(
        load_all_forms(),
        runner,
        outbox,
        forms_folder,
        status_query=query,
        camera=settings.camera,
        speech=SpeechRenderer(lambda: forms_folder() / "speech"),
        printer=settings.printer,
        staff=staff,
    )
    return FormsWiring(vm, outbox, delivery)


def start_incall_help(
    vm: KioskViewModel, runner: BackgroundRunner, forms: FormsWiring, session: Session, speak: Speak | None
) -> KioskHelpViewModel:
    """Forms in and out of calls: a form in progress goes with the person; in-call help (issue 7) shows
    what the lawyer pushes over the call, and co-filled forms go to the same outbox."""
    session.on_end(forms.vm.reset)
    help_vm = KioskHelpViewModel(vm.flow, runner, forms.vm.forms, forms.outbox, speak=speak)
    vm.use_help(help_vm)
    session.on_end(help_vm.reset)  # nothing shown or filled stays for the next person
    return help_vm
