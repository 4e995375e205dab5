"""Read-aloud for people who cannot read well: espeak-ng renders text to a WAV file the UI plays."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

MAX_CHARS = 4000  # about ten minutes of speech; longer text is cut at a sentence end


class Voice(StrEnum):
    """espeak-ng voices by terminal language (Qt's text-to-speech has no Chinese voice here)."""

    MANDARIN = "cmn-latn-pinyin"  # plain "cmn" reads Latin letters and some digits the English way
    CANTONESE = "yue"
    ENGLISH = "en"


VOICE_FOR_LANGUAGE = {"zh_CN": Voice.MANDARIN, "zh_TW": Voice.MANDARIN, "en": Voice.ENGLISH}


class SpeechUnavailableError(RuntimeError):
    """espeak-ng is missing or failed; the screen says so plainly instead of staying silent."""


def speakable(text: str) -> str:
    """Text cleaned for reading aloud: book-title marks, bullets and runs of spaces removed."""
    text = re.sub(r"[《》【】「」『』〈〉<>#*_`|~^]", "", text)
    text = re.sub(r"[\r\n]+", "。", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_CHARS:
        cut = max(text.rfind(mark, 0, MAX_CHARS) for mark in "。！？.!?")
        text = text[: cut + 1 if cut > 0 else MAX_CHARS]
    return text


class SpeechRenderer:
    """Render text to WAV files in a cache folder (wiped with the session)."""

    def __init__(self, cache_dir: Path | Callable[[], Path], speed_wpm: int = 150) -> None:
        self.binary = shutil.which("espeak-ng")
        self._cache_dir = cache_dir
        self.speed_wpm = speed_wpm

    @property
    def cache_dir(self) -> Path:
        """Where WAVs go now: a callable follows the current session's folder."""
        return self._cache_dir() if callable(self._cache_dir) else self._cache_dir

    @property
    def available(self) -> bool:
        """True when espeak-ng is installed."""
        return self.binary is not None

    async def render(self, text: str, voice: Voice = Voice.MANDARIN) -> Path:
        """The WAV file reading `text` aloud; rendered once per text and voice."""
        if self.binary is None:
            raise SpeechUnavailableError("朗读功能暂不可用（未安装 espeak-ng）")
        clean = speakable(text)
        if not clean:
            raise SpeechUnavailableError("没有可以朗读的文字")
        key = hashlib.sha256(f"{voice}|{self.speed_wpm}|{clean}".encode()).hexdigest()[:24]
        out = self.cache_dir / f"speech-{key}.wav"
        if out.exists():
            return out
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        partial = out.with_suffix(".part")
        proc = await asyncio.create_subprocess_exec(
            self.binary,
            "-v",
            voice.value,
            "-s",
            str(self.speed_wpm),
            "-w",
            str(partial),
            "--stdin",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate(clean.encode())
        if proc.returncode != 0 or not partial.exists():
            partial.unlink(missing_ok=True)
            raise SpeechUnavailableError(f"朗读失败：{err.decode(errors='replace').strip()[:200]}")
        partial.replace(out)
        return out
