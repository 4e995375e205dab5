"""Shared pytest setup: Qt offscreen by default, fixtures handed out from tests/fakes.py."""

from __future__ import annotations

import os

# Qt must know its platform before any Qt import; call-screen tests launch subprocesses on xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")
