"""Shared pytest setup: Qt offscreen by default, the language packs built once per session, a real Redis."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

# Qt must know its platform before any Qt import; call-screen tests launch subprocesses on xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    """Collect the tests' garbage while the QApplication still exists (ui/main_thread_gc.py)."""
    import gc
    import sys

    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication

        from ui.main_thread_gc import MainThreadCollector

        app = QCoreApplication.instance()
        collector = app.findChild(MainThreadCollector, "mainThreadCollector") if app is not None else None
        if isinstance(collector, MainThreadCollector):
            collector.finish()
    gc.collect()


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def language_packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .qm files built from i18n/*.ts by the project's own script, in a temp copy of the tree."""
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "i18n", tree / "i18n")
    (tree / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "build_translations.sh", tree / "tools")
    venv = Path(sys.executable).parent.parent
    subprocess.run(
        ["bash", "tools/build_translations.sh", str(venv)], cwd=tree, check=True, capture_output=True
    )
    return tree / "ui" / "i18n"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[Any]:
    """A real Redis (tools/redisserver.py) for one test module; the module is skipped without one."""
    from tools.redisserver import RedisServer, RedisUnavailableError

    try:
        server = RedisServer()
    except RedisUnavailableError as exc:
        pytest.skip(str(exc))
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def redis(redis_server: Any) -> AsyncIterator[Any]:
    """A client of that Redis, its database emptied for each test."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_server.url)
    await client.flushdb()
    yield client
    await client.aclose()
