"""An axis of names, one per tick (class names, tensor names)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt


class NameAxis(pg.AxisItem):
    """A horizontal axis of names at evenly spaced ticks. A name wider than the room between
    two ticks is cut short with "…" (give the full names in a tooltip), so two names never
    run together ("versicolorvirginica"); they grow back when the plot is widened."""

    def __init__(self, orientation: str, gap: int = 8, **kwargs):
        super().__init__(orientation, **kwargs)
        self.gap = gap  # pixels between two names

    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph naming)
        specs = super().generateDrawSpecs(p)
        if specs is None or self.orientation not in ("bottom", "top") or len(specs[2]) < 2:
            return specs
        axis, ticks, texts = specs
        centres = sorted(rect.center().x() for rect, _, _ in texts)
        room = max(int(min(b - a for a, b in zip(centres, centres[1:]))) - self.gap, 0)
        metrics = p.fontMetrics()  # the painter holds the tick font
        fitted = []
        for rect, flags, text in texts:
            if rect.width() > room:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
                width = min(float(metrics.horizontalAdvance(text)), float(room))
                rect = QRectF(rect.center().x() - width / 2, rect.y(), width, rect.height())
            fitted.append((rect, flags, text))
        return axis, ticks, fitted
