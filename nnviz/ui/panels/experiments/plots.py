"""pyqtgraph views for the generic plots of an experiment result.

One view class per plot kind of :mod:`nnviz.experiments.results`; :func:`make_view` picks it.
A view is built once per result (results arrive a few times a minute, not per frame) and
restyles itself in ``on_theme``; ``figure()`` returns what File > Export figures saves.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont

from nnviz.analysis.math_text import math_html, math_plain
from nnviz.experiments.results import (BarPlot, BoundaryPlot, CurvePlot, HeatmapPlot,
                                       SurfacePlot, format_cell)

from ...plotting import lookup_table, softened_lookup_table, style_plot
from ...theme import PlotColors

TITLE_SIZE = "10pt"
MAX_ANNOTATED_CELLS = 80  # heatmaps up to this size print their values


def series_color(c: PlotColors, k: int) -> str:
    return c.classes[k % len(c.classes)]


def html(text: str) -> str:
    """pyqtgraph titles and labels are HTML: "J <= 0.1" must not start a tag, and the
    formulas get their symbols (sigma(z) -> σ(z), x^T -> x<sup>T</sup>) as everywhere."""
    return math_html(text)


def _title(item, text: str, c: PlotColors, size: str = TITLE_SIZE) -> None:
    item.setTitle(html(text), color=c.foreground, size=size)


def _positive(x, y, log_x: bool, log_y: bool):
    keep = np.isfinite(x) & np.isfinite(y)
    if log_x:
        keep &= x > 0
    if log_y:
        keep &= y > 0
    return x[keep], y[keep]


def measured_ticks(xs) -> list[list[tuple[float, str]]]:
    """Ticks for a log axis with a few measured points (sizes, scales, learning rates): label
    exactly those, not 2·10¹ 3·10¹...; with many, label the decades and mark the rest."""
    logs = np.log10(np.asarray(xs, dtype=np.float64))
    decade = np.abs(logs - np.round(logs)) < 1e-9
    if len(xs) > 7 and decade.sum() >= 2:
        return [[(float(t), f"{v:g}") for t, v, d in zip(logs, xs, decade) if d],
                [(float(t), "") for t, d in zip(logs, decade) if not d]]
    return [[(float(t), f"{v:.3g}") for t, v in zip(logs, xs)]]


class _SpecPlot(pg.PlotWidget):
    """A plot widget drawing one result spec: its common set-up in one place."""

    def __init__(self, plot, parent=None, plain_axes=("left", "bottom")):
        super().__init__(parent)
        self.plot_spec = plot
        self.setMinimumSize(240, 130)
        item = self.getPlotItem()
        item.setMenuEnabled(True)
        for name in plain_axes:  # no "x1e-3" prefixes: the course's numbers as they are
            item.getAxis(name).enableAutoSIPrefix(False)

    def _style_frame(self, c: PlotColors):
        """Axis labels, title and theme of the spec; returns the plot item."""
        item = self.getPlotItem()
        p = self.plot_spec
        item.setLabel("left", html(p.ylabel))
        if p.xlabel:
            item.setLabel("bottom", html(p.xlabel))
        _title(item, p.title, c)
        style_plot(self, c)
        return item


class CurveView(_SpecPlot):
    """Labelled series on shared axes (log axes where the plot says so)."""

    def __init__(self, plot: CurvePlot, c: PlotColors, parent=None):
        super().__init__(plot, parent)
        item = self.getPlotItem()
        item.setLogMode(x=plot.log_x, y=plot.log_y)
        self.items = []
        for s in plot.series:
            x, y = _positive(s.x, s.y, plot.log_x, plot.log_y)
            self.items.append(item.plot(x, y))
        xs = np.unique(np.concatenate([s.x for s in plot.series])) if plot.series else []
        if plot.log_x and 0 < len(xs) <= 12 and (xs > 0).all():
            item.getAxis("bottom").setTicks(measured_ticks(xs))
        self.on_theme(c)

    def legend_entries(self, c: PlotColors) -> list[tuple[str, str]]:
        """``(colour, label)`` per series: the card writes them under the plot, where they
        never cover the curves."""
        return [(series_color(c, k), s.label) for k, s in enumerate(self.plot_spec.series)]

    def on_theme(self, c: PlotColors) -> None:
        self._style_frame(c)
        p = self.plot_spec
        for k, (s, data_item) in enumerate(zip(p.series, self.items)):
            color = series_color(c, k)
            pen = pg.mkPen(color, width=2)
            data_item.setPen(pen)
            if s.kind in ("points", "path"):
                data_item.setSymbol("o")
                data_item.setSymbolSize(6)
                data_item.setSymbolBrush(pg.mkBrush(color))
                data_item.setSymbolPen(pg.mkPen(c.point_edge))
            if s.kind == "points":
                data_item.setPen(None)

    def figure(self):
        return self.getPlotItem()


class SurfaceView(_SpecPlot):
    """``J`` over two parameters as a colour image (log10 J by default) with contour lines and
    the gradient-descent paths on top (start marked by a larger dot)."""

    N_CONTOURS = 12

    def __init__(self, plot: SurfacePlot, c: PlotColors, parent=None):
        super().__init__(plot, parent)
        self.setMinimumSize(240, 180)
        item = self.getPlotItem()
        z = np.asarray(plot.z, dtype=np.float64)
        finite = np.isfinite(z)
        if plot.log_z and finite.any() and (z[finite] > 0).all():
            shown = np.log10(np.where(finite, z, np.nanmax(z[finite])))
            self.scale_label = "log10 J"
        else:
            shown = np.where(finite, z, np.nanmax(z[finite]) if finite.any() else 0.0)
            self.scale_label = "J"
        self.values = shown
        lo, hi = float(shown.min()), float(shown.max())
        self.levels = (lo, hi if hi > lo else lo + 1.0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        item.addItem(self.image)
        x, y = plot.x, plot.y
        dx = (x[-1] - x[0]) / max(x.size - 1, 1)
        dy = (y[-1] - y[0]) / max(y.size - 1, 1)
        self.rect = QRectF(x[0] - dx / 2, y[0] - dy / 2, x[-1] - x[0] + dx, y[-1] - y[0] + dy)
        self.contours = []
        for level in np.linspace(*self.levels, self.N_CONTOURS + 2)[1:-1]:
            curve = pg.IsocurveItem(level=float(level), axisOrder="row-major")
            curve.setParentItem(self.image)
            self.contours.append(curve)
        self.paths, self.starts = [], []
        for s in plot.paths:
            self.paths.append(item.plot(s.x, s.y))
            start = pg.ScatterPlotItem([s.x[0]], [s.y[0]], size=11, symbol="o")
            item.addItem(start)
            self.starts.append(start)
        self.colorbar = pg.ColorBarItem(values=self.levels, interactive=False, width=12)
        self.colorbar.setImageItem(self.image, insert_in=item)
        self.colorbar.axis.enableAutoSIPrefix(False)
        item.setRange(xRange=(x[0], x[-1]), yRange=(y[0], y[-1]), padding=0)
        item.disableAutoRange()
        spans = (x[-1] - x[0], y[-1] - y[0])
        if spans[1] > 0 and math.isclose(spans[0], spans[1], rel_tol=1e-6):
            item.setAspectLocked(True)  # same span on both axes: round bowls look round
        self.on_theme(c)

    def on_theme(self, c: PlotColors) -> None:
        self._style_frame(c)
        cmap = pg.colormap.get(c.sequential_map)
        self.colorbar.setColorMap(cmap)
        lut = softened_lookup_table(c.sequential_map, c.background, 0.85)
        self.image.setLookupTable(lut)
        self.image.setImage(self.values, autoLevels=False, levels=self.levels)
        self.image.setRect(self.rect)
        contour_pen = pg.mkPen(QColor(255, 255, 255, 120) if not c.dark
                               else QColor(0, 0, 0, 130), width=1)
        for curve in self.contours:
            curve.setPen(contour_pen)
            curve.setData(self.values)
        for k, (path, start) in enumerate(zip(self.paths, self.starts)):
            color = self.path_color(c, k)
            path.setPen(pg.mkPen(color, width=2))
            path.setSymbol("o")
            path.setSymbolSize(4)
            path.setSymbolBrush(pg.mkBrush(color))
            path.setSymbolPen(None)
            start.setBrush(pg.mkBrush(color))
            start.setPen(pg.mkPen(c.foreground, width=1.5))
        self.colorbar.axis.setPen(pg.mkPen(c.foreground))
        self.colorbar.axis.setTextPen(pg.mkPen(c.foreground))
        self.colorbar.axis.setLabel(self.scale_label, color=c.foreground)

    def path_color(self, c: PlotColors, k: int) -> str:
        # one path: red stands out on viridis; several: the series colours
        return c.bad if len(self.paths) == 1 else series_color(c, k)

    def legend_entries(self, c: PlotColors) -> list[tuple[str, str]]:
        entries = [(self.path_color(c, k), s.label)
                   for k, s in enumerate(self.plot_spec.paths)]
        return entries + ([("", "large dot: start")] if entries else [])

    def figure(self):
        return self.getPlotItem()


class BarView(_SpecPlot):
    """One bar per label with its value written above (log scale as powers of ten)."""

    def __init__(self, plot: BarPlot, c: PlotColors, parent=None):
        super().__init__(plot, parent, plain_axes=("left",))
        item = self.getPlotItem()
        v = np.asarray(plot.values, dtype=np.float64)
        x = np.arange(v.size, dtype=np.float64)
        if plot.log_y:
            logs = np.log10(np.where(v > 0, v, np.nan))
            finite = logs[np.isfinite(logs)]
            if plot.threshold is not None and plot.threshold > 0:
                finite = np.append(finite, math.log10(plot.threshold))  # keep the line in view
            base = math.floor(finite.min()) - 0.5 if finite.size else 0.0
            top = math.ceil(finite.max()) + 0.5 if finite.size else 1.0
            heights = np.where(np.isfinite(logs), logs - base, 0.0)
            self.bars = pg.BarGraphItem(x=x, height=heights, y0=base, width=0.6)
            ticks = [(k, f"1e{k}") for k in range(math.ceil(base), math.floor(top) + 1)]
            step = max(1, len(ticks) // 8)
            item.getAxis("left").setTicks([ticks[::step]])
            tops = np.where(np.isfinite(logs), logs, base)
            item.setYRange(base, top + 0.4 * (top - base) / 4, padding=0)
        else:
            self.bars = pg.BarGraphItem(x=x, height=np.nan_to_num(v), width=0.6)
            tops = np.nan_to_num(v)
            hi = float(max(tops.max(), 0.0)) if tops.size else 1.0
            lo = float(min(tops.min(), 0.0)) if tops.size else 0.0
            item.setYRange(lo, hi + 0.15 * (hi - lo or 1.0), padding=0)
        item.addItem(self.bars)
        self.threshold_line = None
        if plot.threshold is not None and (not plot.log_y or plot.threshold > 0):
            level = math.log10(plot.threshold) if plot.log_y else plot.threshold
            self.threshold_line = pg.InfiniteLine(pos=level, angle=0)
            item.addItem(self.threshold_line)
        item.getAxis("bottom").setTicks([[(float(i), label) for i, label in enumerate(plot.labels)]])
        item.setXRange(-0.6, v.size - 0.4, padding=0)
        item.setMouseEnabled(x=False, y=False)
        self.value_labels = []
        font = QFont()
        font.setPointSize(8)
        for i, (value, top) in enumerate(zip(v, tops)):
            label = pg.TextItem(format_cell(value, plot.fmt), anchor=(0.5, 1.0))
            label.setFont(font)
            label.setPos(float(i), float(top))
            item.addItem(label)
            self.value_labels.append(label)
        self.on_theme(c)

    def on_theme(self, c: PlotColors) -> None:
        item = self._style_frame(c)
        p = self.plot_spec
        item.showGrid(x=False, y=True, alpha=c.grid_alpha)
        if p.threshold is None:
            colors = [series_color(c, k) for k in range(len(p.labels))]
        else:  # flagged above the threshold, fine below
            colors = [c.bad if v > p.threshold else c.good for v in p.values]
        self.bars.setOpts(brushes=[pg.mkBrush(color) for color in colors],
                          pens=[pg.mkPen(c.foreground, width=0.5)] * len(p.labels))
        if self.threshold_line is not None:
            self.threshold_line.setPen(pg.mkPen(c.foreground, width=1.5,
                                                style=Qt.PenStyle.DashLine))
        for label in self.value_labels:
            label.setColor(QColor(c.foreground))

    def figure(self):
        return self.getPlotItem()


class _GridView(pg.GraphicsLayoutWidget):
    """A grid of small plots sharing one title (boundaries, heatmaps)."""

    def __init__(self, n: int, max_columns: int, cell_height: int, parent=None):
        super().__init__(parent)
        self.columns = max(1, min(max_columns, n))
        rows = max(1, math.ceil(n / self.columns))
        self.setMinimumSize(260, 40 + rows * cell_height)
        self.title = self.addLabel("", row=0, col=0, colspan=self.columns)
        self.cells = []
        for k in range(n):
            plot = self.addPlot(row=1 + k // self.columns, col=k % self.columns)
            plot.setMenuEnabled(False)
            self.cells.append(plot)

    def style(self, c: PlotColors, title: str) -> None:
        self.setBackground(c.background)
        self.title.setText(html(title), color=c.foreground, size=TITLE_SIZE)

    def figure(self):
        return self.ci


class BoundaryGridView(_GridView):
    """Decision boundaries side by side: P(y=1) shaded, the 0.5 contour dashed, the
    training points coloured by class."""

    def __init__(self, plot: BoundaryPlot, c: PlotColors, parent=None):
        super().__init__(len(plot.cells), 4, 180, parent)  # rings big enough to read
        self.plot_spec = plot
        self.images, self.contours, self.points = [], [], []
        for cell, p in zip(plot.cells, self.cells):
            image = pg.ImageItem(axisOrder="row-major")
            image.setZValue(-20)
            p.addItem(image)
            contour = pg.IsocurveItem(level=0.5, axisOrder="row-major")
            contour.setParentItem(image)
            points = pg.ScatterPlotItem(size=4)
            p.addItem(points)
            for axis in ("left", "bottom"):
                p.getAxis(axis).setStyle(tickFont=_small_font())
                p.getAxis(axis).enableAutoSIPrefix(False)
            xs, ys = cell.xs, cell.ys
            # One unit as long on x2 as on x1: circles look round, whatever the cell's shape.
            p.setAspectLocked(True, ratio=1.0)
            p.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)
            p.setMouseEnabled(x=False, y=False)
            self.images.append(image)
            self.contours.append(contour)
            self.points.append(points)
        self.on_theme(c)

    def on_theme(self, c: PlotColors) -> None:
        self.style(c, self.plot_spec.title)
        lut = softened_lookup_table(c.diverging_map, c.background, 0.45)
        edge = pg.mkPen(c.point_edge, width=0.5)
        brushes = [pg.mkBrush(c.classes[0]), pg.mkBrush(c.classes[1])]
        for cell, p, image, contour, points in zip(self.plot_spec.cells, self.cells,
                                                    self.images, self.contours, self.points):
            title = html(cell.label) + (
                f"<br><span style='font-size:8pt'>{html(cell.subtitle)}</span>"
                if cell.subtitle else "")
            p.setTitle(title, color=c.foreground, size="9pt")
            for axis in ("left", "bottom"):
                p.getAxis(axis).setPen(pg.mkPen(c.foreground))
                p.getAxis(axis).setTextPen(pg.mkPen(c.foreground))
            p.setLabel("bottom", html(self.plot_spec.xlabel), color=c.foreground, size="8pt")
            p.setLabel("left", html(self.plot_spec.ylabel), color=c.foreground, size="8pt")
            image.setLookupTable(lut)
            image.setImage(cell.probability, autoLevels=False, levels=(0.0, 1.0))
            xs, ys = cell.xs, cell.ys
            dx = (xs[-1] - xs[0]) / max(xs.size - 1, 1)
            dy = (ys[-1] - ys[0]) / max(ys.size - 1, 1)
            image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx,
                                 ys[-1] - ys[0] + dy))
            contour.setPen(pg.mkPen(c.foreground, width=1.5, style=Qt.PenStyle.DashLine))
            contour.setData(cell.probability, level=0.5)
            y = np.asarray(cell.y).astype(int)
            points.setData(x=cell.X[0], y=cell.X[1], brush=[brushes[k % 2] for k in y], pen=edge)


class HeatmapView(_GridView):
    """Matrices side by side on one symmetric scale (blue < 0 < red), values printed when
    the matrices are small; rows are drawn top to bottom (row 1 at the top)."""

    def __init__(self, plot: HeatmapPlot, c: PlotColors, parent=None):
        super().__init__(len(plot.cells), 3, 160, parent)
        self.plot_spec = plot
        finite = [np.abs(cell.matrix[np.isfinite(cell.matrix)]) for cell in plot.cells]
        self.limit = max([float(f.max()) for f in finite if f.size] + [1e-12])
        self.images, self.texts = [], []
        font = _small_font()
        for cell, p in zip(plot.cells, self.cells):
            M = cell.matrix
            rows, cols = M.shape
            image = pg.ImageItem(axisOrder="row-major")
            p.addItem(image)
            p.invertY(True)
            p.setRange(xRange=(0, cols), yRange=(0, rows), padding=0.02)
            p.setMouseEnabled(x=False, y=False)
            p.getAxis("bottom").setTicks([[(j + 0.5, str(j + 1)) for j in range(cols)]])
            p.getAxis("left").setTicks([[(i + 0.5, str(i + 1)) for i in range(rows)]])
            texts = []
            if M.size <= MAX_ANNOTATED_CELLS:
                for i in range(rows):
                    for j in range(cols):
                        t = pg.TextItem(f"{M[i, j]:.3g}", anchor=(0.5, 0.5),
                                        color="#ffffff" if abs(M[i, j]) > 0.6 * self.limit
                                        else "#111111")  # readable on dark and pale cells
                        t.setFont(font)
                        t.setPos(j + 0.5, i + 0.5)
                        p.addItem(t)
                        texts.append(t)
            self.images.append(image)
            self.texts.append(texts)
        self.on_theme(c)

    def on_theme(self, c: PlotColors) -> None:
        self.style(c, self.plot_spec.title)
        lut = lookup_table(c.diverging_map)  # the palette's map: signs of weights
        for cell, p, image, texts in zip(self.plot_spec.cells, self.cells, self.images,
                                         self.texts):
            p.setTitle(html(cell.label), color=c.foreground, size="9pt")
            p.setLabel("bottom", html(cell.xlabel), color=c.foreground)
            p.setLabel("left", html(cell.ylabel), color=c.foreground)
            for axis in ("left", "bottom"):
                p.getAxis(axis).setPen(pg.mkPen(c.foreground))
                p.getAxis(axis).setTextPen(pg.mkPen(c.foreground))
            image.setLookupTable(lut)
            image.setImage(cell.matrix, autoLevels=False, levels=(-self.limit, self.limit))
            rows, cols = cell.matrix.shape
            image.setRect(QRectF(0, 0, cols, rows))  # after setImage: it needs the size


def _small_font() -> QFont:
    font = QFont()
    font.setPointSize(7)
    return font


VIEWS = {CurvePlot: CurveView, SurfacePlot: SurfaceView, BarPlot: BarView,
         BoundaryPlot: BoundaryGridView, HeatmapPlot: HeatmapView}


TOOLTIPS = {
    SurfacePlot: "Colour: J over two parameters, the others held fixed (log10 J where the "
                 "colour bar says so); thin lines: contours of equal J. Lines with dots: "
                 "gradient-descent paths theta := theta - alpha dJ/dtheta; the large dot is "
                 "the start.",
    BoundaryPlot: "Colour: a[L] = P(y = 1 | x) of each trained network over the input plane; "
                  "dashed: the decision boundary a[L] = 0.5; dots: training examples, "
                  "coloured by class.",
    HeatmapPlot: "One row per hidden unit i: its incoming weights W[1][i, :]. Colour: sign "
                 "and size (blue < 0 < red), one scale for all matrices.",
    CurvePlot: "Each line is one run or setting, named in the legend under the plot.",
    BarPlot: "One bar per run or setting; the number above each bar is its value.",
}


def make_view(plot, c: PlotColors):
    """The view for one plot of a result."""
    try:
        cls = VIEWS[type(plot)]
    except KeyError:
        raise TypeError(f"no view for {type(plot).__name__}") from None
    view = cls(plot, c)
    note = getattr(plot, "note", "")
    view.setToolTip(math_plain(TOOLTIPS[type(plot)] + (f"\n{note}" if note else "")))
    return view
