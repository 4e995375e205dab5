"""The Pinyin keyboard's learned words (kept outside userDataPath) do not outlive the session wipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.keyboard_words_run import NAME

ROOT = Path(__file__).resolve().parent.parent


def _run_kiosk(tmp_path: Path) -> dict[str, object]:
    # The plugin writes under ConfigLocation: a private one, so the test neither reads nor shreds ~/.config.
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.keyboard_words_run", str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_learned_words_are_forgotten_in_memory_and_on_disk_at_the_wipe(tmp_path: Path):
    report = _run_kiosk(tmp_path)
    assert str(report["dictionary"]).startswith(str(tmp_path / "config"))
    # Learning is real: the name is offered first once typed, and the plugin keeps it in its own
    # file, not in the session's userDataPath (which the session folder wipe already covered).
    assert report["first_before"] != NAME
    assert report["first_learned"] == NAME
    assert report["file_has_name_before_write_out"] is False  # held in memory until written out
    assert report["file_has_name_after_write_out"] is True
    assert report["user_data_path_files"] == []
    assert report["first_after_reopen"] == NAME  # read back from the file
    # The wipe: the file is shredded and the plugin no longer offers the name, nor writes it again.
    assert report["file_has_name_after_wipe"] is False
    assert report["first_after_wipe"] != NAME
    assert report["file_has_name_after_wipe_write_out"] is False
    assert report["files_with_name"] == []
    # The keyboard still learns for the next person (it reopened an empty dictionary, not none).
    assert report["first_relearned"] == NAME
