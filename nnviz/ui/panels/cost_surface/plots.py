"""The 2-D picture of the cost surface: heat map, contour lines, colour bar, training path.

Every item is created once; :meth:`SurfacePlot.show_surface` and :meth:`SurfacePlot.show_path`
update them with ``setImage``/``setData``. The grid's values sit at the pixel centres, and the
contour lines (``IsocurveItem`` children of the image) use the same pixel coordinates, so the
lines and colours agree exactly. Both axes use the same scale (aspect locked): an elongated
contour on screen is an elongated contour of ``J``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from ...theme import LIGHT, PlotColors
from nnviz.analysis.cost_surface import N_CONTOURS, contour_set

COLORMAP = "viridis"  # perceptually uniform, readable in grey and for colour-blind eyes
PATH_COLOUR = "#ffffff"
PATH_HALO = "#111111"
NOW_COLOUR = "#ff4d4d"
MAX_DOTS = 80  # mark each recorded step on paths up to this long


class ContourItem(pg.IsocurveItem):
    """An ``IsocurveItem`` that draws contour segments computed off the GUI thread
    (``cost_surface_compute.contour_segments``, in the image's pixel coordinates) instead of
    running pyqtgraph's pure-Python marching squares in ``paint``."""

    def __init__(self):
        super().__init__(level=0.0, axisOrder="row-major")
        self._segments = np.zeros((0, 2, 2))

    def set_segments(self, values: np.ndarray, level: float, segments: np.ndarray) -> None:
        self._segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2, 2)
        self.setData(values, level)

    def generatePath(self):  # noqa: N802 (pyqtgraph's name)
        points = self._segments.reshape(-1, 2)
        self.path = pg.arrayToQPath(points[:, 0], points[:, 1], connect="pairs")


class SurfacePlot(pg.GraphicsLayoutWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(True)  # right-click: Export...
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(colorMap=pg.colormap.get(COLORMAP), interactive=False,
                                          width=14, colorMapMenu=False)
        self.colour_bar.setImageItem(self.image, insert_in=self.plot)
        self.colour_bar.axis.enableAutoSIPrefix(False)  # log10 J must not read "(x0.001)"
        self.contours = []
        for _ in range(N_CONTOURS):
            curve = ContourItem()
            curve.setParentItem(self.image)  # pixel coordinates, like the heat map
            self.contours.append(curve)

        self.path_halo = pg.PlotDataItem()
        self.path_line = pg.PlotDataItem(symbol="o", symbolSize=4)
        self.start_marker = pg.ScatterPlotItem(symbol="o", size=11)
        self.now_marker = pg.ScatterPlotItem(symbol="o", size=12)
        self.minimum_marker = pg.ScatterPlotItem(symbol="x", size=12)
        for item in (self.path_halo, self.path_line, self.minimum_marker, self.start_marker,
                     self.now_marker):
            self.plot.addItem(item)
        self.message = pg.TextItem(anchor=(0.5, 0.5))
        self.plot.addItem(self.message, ignoreBounds=True)
        self._colors = LIGHT
        self._view = None  # (x0, x1, y0, y1) of the last surface
        self.apply_theme(LIGHT)
        self.set_message("Waiting for the network…")

    # ----- drawing -----------------------------------------------------------------------
    def show_surface(self, xs: np.ndarray, ys: np.ndarray, costs: np.ndarray, log: bool,
                     labels: tuple[str, str], title: str, to_scale: bool = True,
                     contours=None) -> np.ndarray:
        """Draw the grid ``costs[i, j] = J(xs[j], ys[i])``; returns the drawn values.
        ``contours`` = ``(values, [(level, segments), ...])`` from the job (computed here
        when not given)."""
        values, lines = contours if contours is not None else contour_set(costs, log)
        lo, hi = float(values.min()), float(values.max())
        if not hi > lo:  # a flat grid: any colour, but a valid range
            lo, hi = lo - 0.5, hi + 0.5
        self.image.setImage(values, autoLevels=False)
        dx = (xs[-1] - xs[0]) / (len(xs) - 1)
        dy = (ys[-1] - ys[0]) / (len(ys) - 1)
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx,
                                  ys[-1] - ys[0] + dy))
        self.colour_bar.setLevels((lo, hi))
        self.colour_bar.axis.setLabel("log₁₀ J" if log else "J", color=self._colors.foreground)
        for i, curve in enumerate(self.contours):
            visible = i < len(lines)
            curve.setVisible(visible)
            if visible:
                curve.set_segments(values, *lines[i])
        i, j = np.unravel_index(int(np.argmin(values)), values.shape)
        self.minimum_marker.setData([xs[j]], [ys[i]])
        self._set_labels(labels, title)
        view = (float(xs[0] - dx / 2), float(xs[-1] + dx / 2), float(ys[0] - dy / 2),
                float(ys[-1] + dy / 2), bool(to_scale))
        if view != self._view:  # keep a learner's zoom while the surface only refreshes
            self._view = view
            self.plot.setAspectLocked(to_scale)
            self.plot.setRange(xRange=view[:2], yRange=view[2:4], padding=0.02)
        self.message.hide()
        return values

    def show_path(self, path: np.ndarray) -> None:
        """The training path (oldest first; the last point is the current theta)."""
        path = np.asarray(path, dtype=np.float64).reshape(-1, 2)
        if path.shape[0] == 0:
            for item in (self.path_halo, self.path_line):
                item.setData([], [])
            self.start_marker.setData([], [])
            self.now_marker.setData([], [])
            return
        self.path_halo.setData(path[:, 0], path[:, 1])
        # Dots on each recorded step show a zig-zag; on a long path they would only clutter.
        self.path_line.setData(path[:, 0], path[:, 1],
                               symbol="o" if path.shape[0] <= MAX_DOTS else None)
        self.start_marker.setData([path[0, 0]], [path[0, 1]])
        self.now_marker.setData([path[-1, 0]], [path[-1, 1]])

    def path_data(self) -> np.ndarray:
        x, y = self.path_line.getData()
        if x is None:
            return np.zeros((0, 2))
        return np.column_stack([x, y])

    def set_message(self, text: str) -> None:
        self.message.setText(text, color=self._colors.foreground)
        x0, x1 = self.plot.viewRange()[0]
        y0, y1 = self.plot.viewRange()[1]
        self.message.setPos((x0 + x1) / 2, (y0 + y1) / 2)
        self.message.show()

    def _set_labels(self, labels: tuple[str, str], title: str) -> None:
        colour = self._colors.foreground
        self.plot.setLabel("bottom", labels[0], color=colour)
        self.plot.setLabel("left", labels[1], color=colour)
        self.plot.setTitle(title, color=colour, size="10pt")

    # ----- theme -------------------------------------------------------------------------
    def apply_theme(self, colors: PlotColors) -> None:
        self._colors = colors
        self.setBackground(colors.background)
        fg = QColor(colors.foreground)
        for side in ("left", "bottom", "top", "right"):
            for axis in (self.plot.getAxis(side), self.colour_bar.getAxis(side)):
                axis.setPen(pg.mkPen(fg))
                axis.setTextPen(pg.mkPen(fg))
        for side in ("left", "bottom"):
            text = self.plot.getAxis(side).labelText
            if text:
                self.plot.setLabel(side, text, color=colors.foreground)
        title = self.plot.titleLabel.text
        if title:
            self.plot.setTitle(title, color=colors.foreground, size="10pt")
        contour = QColor("#ffffff")
        contour.setAlpha(150)
        for curve in self.contours:
            curve.setPen(pg.mkPen(contour, width=1))
        self.path_halo.setPen(pg.mkPen(PATH_HALO, width=4.5))
        self.path_line.setPen(pg.mkPen(PATH_COLOUR, width=2))
        self.path_line.setSymbolPen(pg.mkPen(PATH_HALO, width=0.8))
        self.path_line.setSymbolBrush(pg.mkBrush(PATH_COLOUR))
        self.start_marker.setPen(pg.mkPen(PATH_COLOUR, width=2.5))
        self.start_marker.setBrush(pg.mkBrush(PATH_HALO))
        self.now_marker.setPen(pg.mkPen(PATH_COLOUR, width=2))
        self.now_marker.setBrush(pg.mkBrush(NOW_COLOUR))
        self.minimum_marker.setPen(pg.mkPen(PATH_HALO, width=1))
        self.minimum_marker.setBrush(pg.mkBrush(PATH_COLOUR))
        if self.message.isVisible():
            self.message.setColor(colors.foreground)

    def view_limits(self):
        return self._view


def legend_html(colors: PlotColors, three_d: bool = False, labels=("α", "β"),
                log: bool = True) -> str:
    """The key under the plot (drawn as text so it never covers the surface)."""
    fg = colors.foreground
    if three_d:
        height = "log₁₀ J" if log else "J"
        return (f"<span style='color:{fg}'>3-D: height and colour = {height}; across: "
                f"{labels[0]}, back: {labels[1]}. <span style='color:#ff8c1a'><b>━━</b></span> "
                f"path, <span style='color:{NOW_COLOUR}'><b>●</b></span> now. Drag to "
                "rotate, wheel to zoom.</span>")
    return (f"<span style='color:{fg}'><b>━━</b> path so far &nbsp; <b>○</b> start &nbsp; "
            f"<span style='color:{NOW_COLOUR}'><b>●</b></span> now &nbsp; <b>✕</b> lowest J "
            "on the grid &nbsp; thin lines: contours of J</span>")
