"""The handwriting pad's recogniser for QML: strokes in, candidates out, off the UI thread."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from ui.background import BackgroundRunner
from ui.handwriting import HandwritingRecognizer, HandwritingUnavailableError

log = logging.getLogger(__name__)
CANDIDATES_SHOWN = 8


def strokes_from_qml(strokes: Any) -> list[list[tuple[float, float]]]:
    """QML's strokes (a list of flat [x0, y0, x1, y1, …] lists) as lists of points."""
    points: list[list[tuple[float, float]]] = []
    for flat in strokes or []:
        values = [float(v) for v in flat]
        points.append(list(zip(values[0::2], values[1::2], strict=False)))
    return points


class HandwritingService(QObject):
    """One recogniser for every ChineseTextField; `candidates` follows the latest strokes.

    Signals:
        candidatesChanged: new candidates (or none) for the strokes last sent.
    """

    candidatesChanged = Signal()

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._candidates: list[str] = []
        self._generation = 0
        try:
            self._recognizer: HandwritingRecognizer | None = HandwritingRecognizer()
        except HandwritingUnavailableError as exc:
            log.warning("handwriting pad hidden: %s", exc)
            self._recognizer = None

    @Slot("QVariantList", float, float)
    def recognize(self, strokes: Any, width: float, height: float) -> None:
        """Classify the pad's strokes (drawn on a width x height canvas) on the background runner."""
        recognizer = self._recognizer
        if recognizer is None:
            return
        self._generation += 1
        generation = self._generation
        points = strokes_from_qml(strokes)

        def done(candidates: Any) -> None:
            if generation == self._generation:  # a newer stroke already asked again
                self._candidates = [c.character for c in candidates][:CANDIDATES_SHOWN]
                self.candidatesChanged.emit()

        self._runner.run(
            asyncio.to_thread(recognizer.classify, points, width, height),
            name="handwriting",
            on_success=done,
        )

    @Slot()
    def clear(self) -> None:
        """Forget the candidates (the pad was cleared or a character was chosen)."""
        self._generation += 1
        if self._candidates:
            self._candidates = []
            self.candidatesChanged.emit()

    @property
    def busy(self) -> bool:
        """True while strokes are being recognised (candidates may still change)."""
        return self._runner.busy

    def _get_candidates(self) -> list[str]:
        return self._candidates

    def _get_available(self) -> bool:
        return self._recognizer is not None

    candidates = Property(list, _get_candidates, notify=candidatesChanged)
    available = Property(bool, _get_available, constant=True)
