"""Typed keys of the objects the application holds."""

from __future__ import annotations

from aiohttp import web

from config.settings import ServerSettings
from server.hub import Hub
from server.storage import Storage

SETTINGS = web.AppKey("settings", ServerSettings)
STORAGE = web.AppKey("storage", Storage)
HUB = web.AppKey("hub", Hub)
