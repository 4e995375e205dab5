"""Handwriting recognition for Chinese text fields: a small ctypes binding to Debian's libzinnia."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MODEL_PATH = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")
BOX = 300  # the model's drawing box: strokes are scaled into 300 x 300

Stroke = Sequence[tuple[float, float]]


class HandwritingUnavailableError(RuntimeError):
    """libzinnia or its model is missing; the pad is hidden and Pinyin stays available."""


@dataclass(frozen=True)
class Candidate:
    """One recognised character and the recogniser's score (higher is better)."""

    character: str
    score: float


def _load_library() -> ctypes.CDLL:
    """Open libzinnia and declare the few functions we call."""
    name = ctypes.util.find_library("zinnia") or "libzinnia.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise HandwritingUnavailableError("手写输入不可用：缺少 libzinnia0") from exc
    vp, sz = ctypes.c_void_p, ctypes.c_size_t
    signatures: dict[str, tuple[list[type], type | None]] = {
        "zinnia_recognizer_new": ([], vp),
        "zinnia_recognizer_open": ([vp, ctypes.c_char_p], ctypes.c_int),
        "zinnia_recognizer_destroy": ([vp], None),
        "zinnia_recognizer_classify": ([vp, vp, sz], vp),
        "zinnia_character_new": ([], vp),
        "zinnia_character_destroy": ([vp], None),
        "zinnia_character_clear": ([vp], None),
        "zinnia_character_set_width": ([vp, sz], None),
        "zinnia_character_set_height": ([vp, sz], None),
        "zinnia_character_add": ([vp, sz, ctypes.c_int, ctypes.c_int], ctypes.c_int),
        "zinnia_result_value": ([vp, sz], ctypes.c_char_p),
        "zinnia_result_score": ([vp, sz], ctypes.c_float),
        "zinnia_result_size": ([vp], sz),
        "zinnia_result_destroy": ([vp], None),
    }
    for func, (args, restype) in signatures.items():
        fn = getattr(lib, func)
        fn.argtypes = args
        fn.restype = restype
    return lib


class HandwritingRecognizer:
    """Classify one handwritten character from its strokes (as drawn on a canvas of any size)."""

    def __init__(self, model: Path = MODEL_PATH) -> None:
        if not model.exists():
            raise HandwritingUnavailableError(
                "手写输入不可用：缺少手写模型（tegaki-zinnia-simplified-chinese）"
            )
        self._lib = _load_library()
        self._recognizer = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._recognizer, str(model).encode()):
            self._lib.zinnia_recognizer_destroy(self._recognizer)
            raise HandwritingUnavailableError(f"手写模型无法打开：{model}")

    def classify(
        self, strokes: Sequence[Stroke], width: float = BOX, height: float = BOX, best: int = 10
    ) -> list[Candidate]:
        """The best candidates for the strokes; [] when nothing was drawn."""
        strokes = [s for s in strokes if len(s) > 0]
        if not strokes or width <= 0 or height <= 0:
            return []
        lib = self._lib
        character = lib.zinnia_character_new()
        try:
            lib.zinnia_character_set_width(character, BOX)
            lib.zinnia_character_set_height(character, BOX)
            sx, sy = BOX / width, BOX / height
            for index, stroke in enumerate(strokes):
                for x, y in stroke:
                    px = min(BOX, max(0, round(x * sx)))
                    py = min(BOX, max(0, round(y * sy)))
                    lib.zinnia_character_add(character, index, px, py)
            result = lib.zinnia_recognizer_classify(self._recognizer, character, best)
            if not result:
                return []
            try:
                return [
                    Candidate(
                        lib.zinnia_result_value(result, i).decode("utf-8"),
                        float(lib.zinnia_result_score(result, i)),
                    )
                    for i in range(lib.zinnia_result_size(result))
                ]
            finally:
                lib.zinnia_result_destroy(result)
        finally:
            lib.zinnia_character_destroy(character)

    def close(self) -> None:
        """Free the recogniser."""
        if self._recognizer:
            self._lib.zinnia_recognizer_destroy(self._recognizer)
            self._recognizer = None

    def __del__(self) -> None:
        self.close()
