"""Handwriting pad recognition: real strokes in, the right character among the first candidates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.handwriting import MODEL_PATH, HandwritingRecognizer

STROKES = json.loads((Path(__file__).parent / "data" / "handwriting_strokes.json").read_text())

pytestmark = pytest.mark.skipif(
    not MODEL_PATH.exists(),
    reason="handwriting model missing: apt-get install tegaki-zinnia-simplified-chinese",
)


@pytest.fixture(scope="module")
def recognizer():
    rec = HandwritingRecognizer()
    yield rec
    rec.close()


@pytest.mark.parametrize("character", list(STROKES["characters"]))
def test_written_character_is_among_the_first_three_candidates(recognizer, character):
    candidates = recognizer.classify(STROKES["characters"][character])
    assert character in [c.character for c in candidates[:3]]


def test_strokes_from_a_larger_pad_are_scaled_into_the_model_box(recognizer):
    big = [[(x * 2, y * 2) for x, y in stroke] for stroke in STROKES["characters"]["十"]]
    assert recognizer.classify(big, width=600, height=600)[0].character == "十"


def test_empty_pad_gives_no_candidates(recognizer):
    assert recognizer.classify([]) == []
    assert recognizer.classify([[]]) == []
