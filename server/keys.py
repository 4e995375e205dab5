"""Typed keys of the objects the application holds."""

from __future__ import annotations

from aiohttp import web

from config.settings import ServerSettings
from server.hub import Hub
from server.kiosk_tokens import KioskTokens
from server.last_seen import LastSeen
from server.storage import Storage
from server.submissions import SubmissionStore
from server.terminals import TerminalRegistry

SETTINGS = web.AppKey("settings", ServerSettings)
STORAGE = web.AppKey("storage", Storage)
HUB = web.AppKey("hub", Hub)
SUBMISSIONS = web.AppKey("submissions", SubmissionStore)
TERMINALS = web.AppKey("terminals", TerminalRegistry)
LAST_SEEN = web.AppKey("last_seen", LastSeen)
KIOSK_TOKENS = web.AppKey("kiosk_tokens", KioskTokens)
