"""An axis of names, one per tick (class names, tensor names)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt

END_OVERHANG = 40  # px a name at either end may reach beyond the axis


class NameAxis(pg.AxisItem):
    """A horizontal axis of names at evenly spaced ticks. Names too wide for the room
    between two ticks go on up to ``rows`` staggered lines (every other name one line lower:
    "dW1 dW2 ..." over " db1 db2 ..."), each then with ``rows`` times the room; only if
    even that is too little is a name cut short with "…" (give the full names in a tooltip),
    so two names never run together ("versicolorvirginica"). They come back to one line,
    whole, when the plot is widened."""

    def __init__(self, orientation: str, gap: int = 8, rows: int = 1, **kwargs):
        super().__init__(orientation, **kwargs)
        self.gap = gap  # pixels between two names
        self.max_rows = max(int(rows), 1)
        self.rows = 1  # lines the names take now
        self._line_height = 0.0

    def boundingRect(self):  # noqa: N802 (Qt API)
        # Every bar or cell keeps its name: the first and last may reach a little past the
        # axis' ends (into the empty corners under the side axes) rather than be dropped.
        # (pyqtgraph drops a name that leaves the bounding rect, grid or not.)
        rect = super().boundingRect()
        if self.orientation in ("bottom", "top"):
            rect = rect.adjusted(-END_OVERHANG, 0, END_OVERHANG, 0)
        return rect

    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph naming)
        specs = super().generateDrawSpecs(p)
        if specs is None or self.orientation not in ("bottom", "top") or len(specs[2]) < 2:
            self._use_rows(1, 0.0)
            return specs
        axis, ticks, texts = specs
        texts = sorted(texts, key=lambda spec: spec[0].center().x())
        centres = [rect.center().x() for rect, _, _ in texts]
        spacing = min(b - a for a, b in zip(centres, centres[1:]))
        widest = max(rect.width() for rect, _, _ in texts)
        rows = next((n for n in range(1, self.max_rows + 1)
                     if n * spacing - self.gap >= widest), self.max_rows)
        room = max(int(rows * spacing) - self.gap, 0)
        metrics = p.fontMetrics()  # the painter holds the tick font
        line = float(metrics.height())
        down = 1 if self.orientation == "bottom" else -1
        fitted = []
        for i, (rect, flags, text) in enumerate(texts):
            if rect.width() > room:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
                width = min(float(metrics.horizontalAdvance(text)), float(room))
                rect = QRectF(rect.center().x() - width / 2, rect.y(), width, rect.height())
            rect = rect.translated(0, down * (i % rows) * line)
            fitted.append((rect, flags, text))
        self._use_rows(rows, line)
        return axis, ticks, fitted

    def _use_rows(self, rows: int, line: float) -> None:
        if (rows, line) != (self.rows, self._line_height):
            self.rows, self._line_height = rows, line
            self._updateHeight()  # room for the extra lines

    def _updateHeight(self):  # noqa: N802 (pyqtgraph naming)
        super()._updateHeight()
        # (also called from AxisItem.__init__, before this class has set its fields)
        extra = (getattr(self, "rows", 1) - 1) * getattr(self, "_line_height", 0.0)
        if extra and self.isVisible() and self.fixedHeight is None:
            height = self.maximumHeight() + extra
            self.setMaximumHeight(height)
            self.setMinimumHeight(height)
