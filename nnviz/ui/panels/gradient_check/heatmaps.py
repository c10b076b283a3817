"""Heat maps of the relative error of every element of each ``[W[l] | b[l]]``, by the
course's thresholds: where in a layer backprop disagrees with J."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...theme import LIGHT, PlotColors
from .plots import class_colours, element_classes


class ErrorHeatmaps(QWidget):
    """Per layer, the relative error of every element of ``[W[l] | b[l]]`` by threshold.

    Cell ``(i, j)`` is centred on the integers ``(j, i)``; the bias column sits at
    ``x = n[l-1] + 1``, after a one-column gap."""

    parameter_clicked = Signal(int)
    MAX_COLUMNS = 4
    MIN_MAP = (270, 245)  # px per map with its axes and title: a view box of 200 x 150 or more
    CLASS_NAMES = ("good", "fine", "look", "bug")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        # Each map keeps a readable size: they wrap into as many columns as the width holds
        # and scroll vertically when there are more than the height shows.
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.graphics)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.setToolTip(
            "Relative error |a - n| / max(|a|, |n|) of every element of W[l] (rows: units i of "
            "layer l, columns: inputs j from layer l-1) and, after the gap, b[l]. Green: "
            "good or round-off, light green 1e-7..1e-5, orange look closer, red bug, grey "
            "not checked. A planted 'dW2 doubled' paints W[2] red wherever its gradient is "
            "not 0; a wrong db[1] only the b column of layer 1. Click a cell to select its "
            "parameter.")
        self.legend.setToolTip(self.toolTip())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.legend)
        self._columns = 0
        self._shapes: tuple = ()
        self._plots: list = []
        self._images: list = []
        self._frames: list = []
        self._layout = ()
        self._colors = LIGHT
        self._classes = None
        self._pending = None  # a result waiting to be drawn until the maps are on screen
        self._selected: int | None = None
        self.graphics.scene().sigMouseClicked.connect(self._clicked)

    @property
    def ci(self):
        return self.graphics.ci

    def show_result(self, result) -> None:
        """Show ``result``; drawn now if on screen, else the next time it is shown."""
        self._pending = result
        if self.isVisible():
            self._show_pending()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._show_pending()

    @property
    def has_result(self) -> bool:
        return self._pending is not None or self._classes is not None

    def flush(self) -> None:
        """Draw a result that is waiting for the maps to be shown (to export them)."""
        self._show_pending()

    def _show_pending(self) -> None:
        result, self._pending = self._pending, None
        if result is None:
            return
        layout = tuple(result.layout)
        self._classes = element_classes(np.asarray(result.rel_error),
                                        np.asarray(result.within_noise))
        if tuple(t.shape for t in layout) != self._shapes:
            self._rebuild(layout)  # paints too (through on_theme)
        else:
            self._layout = layout
            self._paint()
        self.select(self._selected)

    def clear_result(self) -> None:
        self._classes = self._pending = None
        for image in self._images:
            image.clear()
        for frame in self._frames:
            frame.setData([], [])

    def select(self, k: int | None) -> None:
        self._selected = k
        for frame in self._frames:
            frame.setData([], [])
        if k is None or not self._layout:
            return
        for l, (W, b) in enumerate(self._pairs()):
            for info, col0 in ((W, 0), (b, W.shape[1] + 1)):
                if info.start <= k < info.stop:
                    i, j = divmod(k - info.start, info.shape[1])
                    x, y = col0 + j - 0.5, i - 0.5
                    self._frames[l].setData([x, x + 1, x + 1, x, x], [y, y, y + 1, y + 1, y])
                    return

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        self.graphics.setBackground(c.background)
        for plot in self._plots:
            for side in ("left", "bottom"):
                plot.getAxis(side).setPen(pg.mkPen(c.foreground))
                plot.getAxis(side).setTextPen(pg.mkPen(c.foreground))
            plot.setTitle(plot.titleLabel.text, color=c.foreground, size="9pt")
        for frame in self._frames:
            frame.setPen(pg.mkPen(c.foreground, width=2.5))
        colours = class_colours(c)
        names = ("good / round-off", "1e-7 to 1e-5", "look closer", "bug")
        swatches = [f"<span style='color:{colours[k]}'>■</span>&nbsp;{n.replace(' ', '&nbsp;')}"
                    for k, n in zip(self.CLASS_NAMES, names)]
        swatches.append(f"<span style='color:{c.neutral}'>■</span>&nbsp;not&nbsp;checked")
        self.legend.setText(" &nbsp; ".join(swatches))
        self._paint()

    # -- internals ----------------------------------------------------------------------
    def _pairs(self):
        infos = self._layout
        return [(infos[2 * l], infos[2 * l + 1]) for l in range(len(infos) // 2)]

    def _rebuild(self, layout) -> None:
        """Plots for a new set of shapes: the same plot items when the number of layers is
        unchanged (only titles and ticks change), new ones otherwise."""
        self._shapes = tuple(t.shape for t in layout)
        self._layout = layout
        pairs = self._pairs()
        if len(pairs) != len(self._plots):
            self.graphics.clear()
            self._plots, self._images, self._frames = [], [], []
            self._columns = 0
            for _pair in pairs:
                plot = pg.PlotItem()
                plot.invertY(True)
                plot.setMouseEnabled(x=False, y=False)
                plot.hideButtons()
                plot.getAxis("left").setLabel("unit i")
                plot.getAxis("bottom").setLabel("input j")
                image = pg.ImageItem(axisOrder="row-major")
                plot.addItem(image)
                frame = plot.plot([], [])
                frame.setZValue(10)
                self._plots.append(plot)
                self._images.append(image)
                self._frames.append(frame)
            self._arrange()
        for plot, (W, _b) in zip(self._plots, pairs):
            rows, cols = W.shape
            plot.setTitle(f"W{W.layer} | b{W.layer}  ({rows}×{cols})", size="9pt")
            plot.getAxis("bottom").setTicks([_index_ticks(cols) + [(cols + 1, "b")], []])
            plot.getAxis("left").setTicks([_index_ticks(rows), []])
        self.on_theme(self._colors)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """Up to MAX_COLUMNS maps a row, each at least MIN_MAP wide and tall; taller than
        the view, the maps scroll."""
        n = len(self._plots)
        if not n:
            return
        width = self.scroll.viewport().width() - self.scroll.verticalScrollBar().sizeHint().width()
        columns = max(1, min(n, self.MAX_COLUMNS, width // self.MIN_MAP[0]))
        if columns != self._columns:
            self._columns = columns
            for plot in self._plots:
                if plot.scene() is not None:
                    self.graphics.removeItem(plot)
            for index, plot in enumerate(self._plots):
                self.graphics.addItem(plot, row=index // columns, col=index % columns)
        rows = -(-n // columns)
        self.graphics.setMinimumHeight(rows * self.MIN_MAP[1])

    def _paint(self) -> None:
        if self._classes is None or not self._layout:
            return
        c = self._colors
        colours = class_colours(c)
        palette = np.array([_rgba(colours[n]) for n in self.CLASS_NAMES]
                           + [_rgba(c.neutral, 110), _rgba(c.background, 0)], dtype=np.uint8)
        for l, (W, b) in enumerate(self._pairs()):
            rows, cols = W.shape
            grid = np.full((rows, cols + 2), 5, dtype=np.int64)  # 5: the transparent gap
            wc = self._classes[W.start:W.stop].reshape(rows, cols).astype(np.int64)
            bc = self._classes[b.start:b.stop].astype(np.int64)
            grid[:, :cols] = np.where(wc < 0, 4, wc)
            grid[:, cols + 1] = np.where(bc < 0, 4, bc)
            self._images[l].setImage(palette[grid], autoLevels=False, levels=(0, 255))
            self._images[l].setRect(-0.5, -0.5, cols + 2, rows)
            self._plots[l].setRange(xRange=(-0.5, cols + 1.5), yRange=(-0.5, rows - 0.5),
                                    padding=0.02)

    def _clicked(self, event) -> None:
        for l, plot in enumerate(self._plots):
            if plot.vb.sceneBoundingRect().contains(event.scenePos()):
                p = plot.vb.mapSceneToView(event.scenePos())
                W, b = self._pairs()[l]
                i, j = int(np.floor(p.y() + 0.5)), int(np.floor(p.x() + 0.5))
                if not 0 <= i < W.shape[0]:
                    return
                if 0 <= j < W.shape[1]:
                    self.parameter_clicked.emit(W.start + i * W.shape[1] + j)
                elif j == W.shape[1] + 1:
                    self.parameter_clicked.emit(b.start + i)
                return


def _index_ticks(n: int, most: int = 8) -> list[tuple[int, str]]:
    """Integer ticks 0..n-1, thinned to about ``most`` of them."""
    step = max(1, int(np.ceil(n / most)))
    return [(i, str(i)) for i in range(0, n, step)]


def _rgba(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    q = QColor(colour)
    return q.red(), q.green(), q.blue(), alpha
