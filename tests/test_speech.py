"""Read-aloud renders Chinese text to a playable WAV of sensible length."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from ui.speech import SpeechRenderer, SpeechUnavailableError, Voice, speakable

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


@needs_espeak
async def test_answer_is_read_aloud_and_longer_text_takes_longer(tmp_path: Path):
    renderer = SpeechRenderer(tmp_path)
    short = await renderer.render("请拨打12348。")
    long = await renderer.render(
        "老板拖欠工资，您可以先找劳动监察大队投诉，也可以申请劳动仲裁，还可以申请法律援助。"
    )
    assert 0.5 < _seconds(short) < _seconds(long)


@needs_espeak
async def test_same_text_is_rendered_once(tmp_path: Path):
    renderer = SpeechRenderer(tmp_path)
    first = await renderer.render("您好")
    assert await renderer.render("您好") == first
    wavs = [p.name for p in tmp_path.iterdir() if p.suffix == ".wav"]  # noqa: ASYNC240 - test check
    assert wavs == [first.name]


@needs_espeak
async def test_nothing_to_read_is_said_plainly(tmp_path: Path):
    with pytest.raises(SpeechUnavailableError, match="没有可以朗读的文字"):
        await SpeechRenderer(tmp_path).render("《》 ** ")


async def test_missing_espeak_is_reported_in_chinese(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SpeechUnavailableError, match="朗读功能暂不可用"):
        await SpeechRenderer(tmp_path).render("您好", Voice.MANDARIN)


def test_speakable_text_drops_marks_and_caps_length():
    assert speakable("《民法典》第一千零七十九条\n\n**离婚**") == "民法典第一千零七十九条。离婚"
    assert len(speakable("好。" * 5000)) <= 4000
