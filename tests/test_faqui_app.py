"""The real kiosk process over --automation: 法律咨询 → topic → question → 找律师视频 with the topic."""

from __future__ import annotations

from pathlib import Path

from content.faq import load_faq
from tests.ui_fakes import KIOSK_LAUNCHER, AppProcess


def test_kiosk_process_browses_to_an_answer_and_calls_about_its_topic(tmp_path: Path):
    entry = next(e for e in load_faq() if e.topic == "traffic")
    data = f"data_dir={tmp_path / 'kiosk-data'}"
    app = AppProcess(KIOSK_LAUNCHER, "--set", "fullscreen=false", "--set", data)
    try:
        app.wait_event("ready")
        app.send(cmd="tap", target="consult")
        app.wait_event("screen", screen="consult")
        for target in ("topic_traffic", "question_0"):
            app.send(cmd="tap", target=target)
        shot = tmp_path / "answer.png"
        app.send(cmd="screenshot", path=str(shot))
        app.wait_event("screenshot")
        app.send(cmd="tap", target="answer_call")
        requesting = app.wait_event("state", state="requesting")
        assert requesting["info"]["topic"] == entry.call_topic
        app.send(cmd="quit")
        app.wait_event("exited")
    finally:
        code, stderr = app.finish()
    assert code == 0, stderr
    assert "Traceback" not in stderr
