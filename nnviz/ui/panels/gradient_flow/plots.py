"""The four plots of the gradient-flow panel; items are created once and updated.

- :class:`NowPlot`: a bar per layer of the chosen gradient metric on a log axis, coloured by
  depth, with the fitted geometric trend across layers as a dashed line.
- :class:`HistoryPlot`: the same metric over iterations, one line per layer (log axis), with
  a legend beside the plot.
- :class:`DistributionPlot`: "layer x bin" heat map of the share of ``Z[l]`` (or ``A[l]``)
  values per bin, with a colour bar and the saturation thresholds as dashed lines.
- :class:`ActivityPlot`: saturated fraction (sigmoid/tanh) and dead-ReLU fraction per layer.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor

from ...plotting import make_plot, style_legend, style_plot
from ...theme import PlotColors
from .axes import FittedTitle, IterationAxis, LayerAxis, layer_ticks, log_plot, set_label
from nnviz.analysis.gradient_flow import format_factor, geometric_slope
from nnviz.analysis.gradient_flow_stats import SATURATION_SLOPE, Histograms

DEPTH_MAP = "plasma"
FULL_LEGEND = 10  # layers the history legend names one by one; deeper: a sample of them


def depth_colours(n: int, dark: bool) -> list[QColor]:
    """One colour per layer, input side dark purple to output side orange/yellow; the range
    is trimmed so every colour shows on the background."""
    cmap = pg.colormap.get(DEPTH_MAP)
    lo, hi = (0.25, 1.0) if dark else (0.0, 0.82)
    stops = np.linspace(lo, hi, max(n, 2))[:n] if n > 1 else np.array([lo])
    return [cmap.map(float(s), mode="qcolor") for s in stops]


def _log10_positive(values: np.ndarray) -> np.ndarray:
    """log10 where > 0 and finite, NaN elsewhere."""
    out = np.full(values.shape, np.nan)
    keep = np.isfinite(values) & (values > 0)
    out[keep] = np.log10(values[keep])
    return out


class NowPlot:
    """Bars of one metric per layer at the current snapshot (log axis)."""

    def __init__(self):
        self.widget = log_plot("", "layer l")
        self.item = self.widget.getPlotItem()
        self.item.setLogMode(y=True)  # bars are drawn in log10 coordinates; ticks read 10^k
        self.item.showGrid(x=False, y=True)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, y0=[])
        self.item.addItem(self.bars)
        self.trend = pg.PlotDataItem([], [])
        self.item.addItem(self.trend)
        self.item.setMouseEnabled(x=False, y=True)
        # Room above the tallest bar, so its top reads as the bar's end, not the plot's.
        self.item.vb.setDefaultPadding(0.06)
        self.title = FittedTitle(self.widget)
        self.values = np.zeros(0)
        self.colours: list[QColor] = []
        self.slope = float("nan")
        self._style_key = None
        self._brushes: list = []
        self._pens: list = []
        self._colors: PlotColors | None = None

    def set_data(self, values: np.ndarray, label: str, colours: list[QColor]) -> None:
        values = np.asarray(values, dtype=np.float64)
        self.values = values
        self.colours = colours
        L = values.size
        tops = _log10_positive(values)
        finite = tops[np.isfinite(tops)]
        floor = float(np.floor(finite.min()) - 0.5) if finite.size else 0.0
        heights = np.where(np.isfinite(tops), tops - floor, 0.0)
        x = np.arange(1, L + 1, dtype=np.float64)
        key = tuple(c.rgba() for c in colours)
        if key != self._style_key:  # brushes and pens only when the colours change
            self._style_key = key
            self._brushes = [pg.mkBrush(c) for c in colours]
            self._pens = [pg.mkPen(c.darker(130)) for c in colours]
        self.bars.setOpts(x=x, y0=np.full(L, floor), height=heights, width=0.7,
                          brushes=self._brushes, pens=self._pens)
        self.slope = geometric_slope(values)
        if np.isfinite(self.slope) and finite.size >= 2:
            keep = np.isfinite(tops)
            intercept = np.mean(tops[keep] - self.slope * x[keep])
            with np.errstate(over="ignore"):
                trend = 10.0 ** np.clip(intercept + self.slope * x, -320, 308)
            self.trend.setData(x, trend)
        else:
            self.trend.setData([], [])
        self.item.setXRange(0.4, L + 0.6, padding=0)
        self.item.getAxis("bottom").setTicks([layer_ticks(L)])
        set_label(self.item, "left", label, self._fg())
        if np.isfinite(self.slope):
            factor = f"×{format_factor(10 ** -self.slope)}"
            variants = (f"{label} now · {factor} per layer toward the input",
                        f"{label} now · {factor}/layer", f"now · {factor}/layer", "now")
        else:
            variants = (f"{label} now", "now")
        self.title.set(variants, self._fg())

    def bar_values(self) -> np.ndarray:
        """The value each drawn bar reaches (10^(y0 + height)); NaN where no bar is drawn."""
        opts = self.bars.opts
        heights = np.asarray(opts["height"], dtype=np.float64)
        tops = np.asarray(opts["y0"], dtype=np.float64) + heights
        return np.where(heights > 0, 10.0 ** tops, np.nan)

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self.widget, c)
        self.trend.setPen(pg.mkPen(c.foreground, width=1.5, style=Qt.PenStyle.DashLine))

    def _fg(self) -> str:
        return self._colors.foreground if self._colors else "#202020"


class LineSample(pg.ItemSample):
    """A legend's line sample, 14 px instead of 20: the plot beside it keeps the width."""

    WIDTH = 14

    def __init__(self, item):
        super().__init__(item)
        self.setFixedWidth(self.WIDTH)

    def boundingRect(self):  # noqa: N802 (Qt API)
        return QRectF(0, 0, self.WIDTH, 20)

    def paint(self, p, *args):
        if not self.item.isVisible():  # hidden by a click on the sample: pyqtgraph's eye
            return super().paint(p, *args)
        p.setPen(pg.mkPen(self.item.opts["pen"]))
        p.drawLine(0, 11, self.WIDTH, 11)


class CompactLegend(pg.LegendItem):
    """A legend that can sit in a plot's layout without being stretched to the cell's size
    (entries would spread out vertically, away from their line samples)."""

    def updateSize(self):  # noqa: N802 (pyqtgraph API)
        # As LegendItem.updateSize, but the size is also the widget's fixed size, so the
        # surrounding layout gives it exactly that room (its geometry alone gets overridden).
        # Preferred sizes, not current ones: those follow whatever room the legend had.
        layout = self.layout
        height = width = 0.0
        for row in range(layout.rowCount()):
            row_height = row_width = 0.0
            for col in range(layout.columnCount()):
                item = layout.itemAt(row, col)
                if item:
                    row_width += item.preferredWidth() + layout.horizontalSpacing()
                    row_height = max(row_height, item.preferredHeight())
            width = max(width, row_width)
            height += row_height + (layout.verticalSpacing() if row else 0.0)
        size = QSizeF(width + 6, height + 4)
        self.setMinimumSize(size)
        self.setMaximumSize(size)
        self.setPreferredSize(size)
        self.setGeometry(0, 0, size.width(), size.height())


class HistoryPlot:
    """One line per layer over iterations (log axis); lines are made when the depth changes.

    Beside the plot: a legend naming every layer (a sample of them when there are many). When the panel is short and wide
    (``set_compact(True)``) there is no room for it; the bar plot next to it, coloured the
    same way and labelled by layer, then serves as the key.
    """

    def __init__(self):
        self.widget = log_plot("Over iterations", "iteration", IterationAxis("bottom"))
        self.item = self.widget.getPlotItem()
        self.item.setLogMode(y=True)
        self.item.getAxis("bottom").enableAutoSIPrefix(False)
        self.title = FittedTitle(self.widget)
        self.legend = CompactLegend(labelTextSize="8pt", verSpacing=-6, horSpacing=2,
                                    sampleType=LineSample)
        self.legend_title = pg.LabelItem("layer l", size="8pt")
        self.compact = False
        self._place_key()
        self.curves: list[pg.PlotCurveItem] = []
        self._brushes: list = []
        self.dots = pg.ScatterPlotItem(size=6, pen=None)
        self.item.addItem(self.dots)
        self._colors: PlotColors | None = None

    def _place_key(self) -> None:
        layout = self.item.layout
        # (removeItem keeps the parent item, so track whether the key is in the layout)
        if getattr(self, "_key_placed", False):
            for key in (self.legend, self.legend_title):
                layout.removeItem(key)
        for key in (self.legend, self.legend_title):
            key.hide()
        self._key_placed = not self.compact
        if not self.compact:
            layout.addItem(self.legend_title, 0, 5)  # in the title row: no height of its own
            layout.addItem(self.legend, 2, 5)  # beside the plot, never over the lines
            layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
            layout.setAlignment(self.legend_title, Qt.AlignmentFlag.AlignBottom)
            self.legend.show()
            self.legend_title.show()
        layout.setColumnStretchFactor(5, 0)

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._place_key()

    def ensure_layers(self, L: int, colours: list[QColor]) -> None:
        if len(self.curves) != L:
            for curve in self.curves:
                self.legend.removeItem(curve)
                self.item.removeItem(curve)
            # PlotCurveItems fed log10 values: several times cheaper per update than
            # PlotDataItems, which matters with 20 lines at 30 snapshots per second.
            self.curves = [pg.PlotCurveItem(connect="finite") for _ in range(L)]
            for curve in self.curves:
                self.item.addItem(curve)
            # One column, so the plot keeps its width: every layer up to FULL_LEGEND, else
            # the layers of the axis ticks (1, 5, 10, ... L), a key to the depth colours.
            named = range(1, L + 1) if L <= FULL_LEGEND else [int(t) for t, _ in
                                                               layer_ticks(L)]
            for l in named:
                self.legend.addItem(self.curves[l - 1],
                                    f"{l} (output)" if l == L and L > 1 else f"{l}")
            if self._colors is not None:
                style_legend(self.legend, self._colors)
        self.recolour(colours)

    def recolour(self, colours: list[QColor]) -> None:
        self._brushes = [pg.mkBrush(colour) for colour in colours]
        for curve, colour in zip(self.curves, colours):
            curve.setPen(pg.mkPen(colour, width=1.6))

    def set_data(self, iterations: np.ndarray, values: np.ndarray, label: str) -> None:
        L = len(self.curves)
        logs = (_log10_positive(values) if values.size
                else np.zeros((0, L)))
        for l, curve in enumerate(self.curves):
            curve.setData(iterations, logs[:, l])
        # A line needs two points: with fewer records mark them with dots.
        if iterations.size < 3 and logs.size:
            x = np.repeat(iterations, L)
            y = logs.ravel()
            keep = np.isfinite(y)
            brushes = np.array(self._brushes * iterations.size, dtype=object)[keep]
            self.dots.setData(x[keep], y[keep], brush=list(brushes))
        else:
            self.dots.setData([], [])
        set_label(self.item, "left", label, self._fg())
        self.title.set((f"{label} over iterations", "over iterations"), self._fg())

    def line_data(self, l: int) -> tuple[np.ndarray, np.ndarray]:
        """(iterations, values) of layer ``l``'s line (1-based), in data units."""
        x, y = self.curves[l - 1].getData()
        return x, 10.0 ** y

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self.widget, c)
        style_legend(self.legend, c)
        self.legend_title.setText(self.legend_title.text, color=c.foreground)

    def _fg(self) -> str:
        return self._colors.foreground if self._colors else "#202020"


def _style_colour_bar(bar: pg.ColorBarItem, c: PlotColors) -> None:
    bar.axis.setPen(pg.mkPen(c.foreground))
    bar.axis.setTextPen(pg.mkPen(c.foreground))
    bar.axis.setLabel(bar.axis.labelText, color=c.foreground)


class DistributionPlot:
    """Heat map: x = layer, y = value bin, colour = share of the layer's values in the bin."""

    def __init__(self):
        self.widget = log_plot("", "layer l")
        self.item = self.widget.getPlotItem()
        self.item.showGrid(x=False, y=False)
        self.item.setMouseEnabled(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.item.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(values=(0, 100), width=12, interactive=False,
                                          colorMap=pg.colormap.get("viridis"),
                                          label="% of values")
        self.colour_bar.setImageItem(self.image, insert_in=self.item)
        self.lines = [pg.InfiniteLine(angle=0, movable=False) for _ in range(2)]
        for line in self.lines:
            self.item.addItem(line)
            line.setVisible(False)
        self.histograms: Histograms | None = None
        self._colors: PlotColors | None = None
        self.title = FittedTitle(self.widget)

    def set_data(self, hist: Histograms, quantity: str, thresholds: list[float]) -> None:
        self.histograms = hist
        L, bins = hist.fractions.shape
        lo, hi = float(hist.edges[0]), float(hist.edges[-1])
        percent = 100.0 * hist.fractions
        top = max(float(np.percentile(percent[percent > 0], 95)) if (percent > 0).any() else 1.0,
                  1.0)
        self.image.setImage(percent, autoLevels=False)
        self.colour_bar.setLevels((0.0, top))
        self.image.setRect(QRectF(0.5, lo, max(L, 1), hi - lo))
        self.item.setLogMode(y=hist.magnitude)  # ticks 10^k; the image is in log10 already
        self.item.setXRange(0.5, L + 0.5, padding=0)
        self.item.setYRange(lo, hi, padding=0)
        self.item.getAxis("bottom").setTicks([layer_ticks(L)])
        name = f"|{quantity}[l]|" if hist.magnitude else f"{quantity}[l]"
        set_label(self.item, "left", name, self._fg())
        self.title.set((f"{name} per layer", name), self._fg())
        for line, y in zip(self.lines, thresholds + [None] * 2):
            line.setVisible(y is not None and lo < y < hi)
            if y is not None:
                line.setValue(y)

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self.widget, c)
        self.item.showGrid(x=False, y=False)
        self.colour_bar.setColorMap(pg.colormap.get(c.sequential_map))
        _style_colour_bar(self.colour_bar, c)
        for line in self.lines:
            # Light on the dark end of the colour map in both themes.
            line.setPen(pg.mkPen("#ffffff", width=1.5, style=Qt.PenStyle.DashLine))

    def _fg(self) -> str:
        return self._colors.foreground if self._colors else "#202020"


class ActivityPlot:
    """Saturated (sigmoid/tanh) and dead (ReLU) fractions per hidden layer, in percent.

    A layer either can saturate or can die, so there is one bar per layer, coloured by which;
    the title, coloured to match, serves as the legend.
    """

    def __init__(self):
        self.widget = make_plot("Saturated and dead units", "layer l", "% of layer l",
                                axisItems={"bottom": LayerAxis("bottom")})
        self.item = self.widget.getPlotItem()
        self.title = FittedTitle(self.widget)
        self.item.setMouseEnabled(x=False, y=False)
        self.item.setYRange(0, 100, padding=0.02)
        self.saturated = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.dead = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.item.addItem(self.saturated)
        self.item.addItem(self.dead)
        self.note = pg.TextItem(anchor=(0.5, 0.5))
        self.item.addItem(self.note)
        self.saturated_percent = np.zeros(0)
        self.dead_percent = np.zeros(0)
        self._colors: PlotColors | None = None
        self._applies = (False, False)

    def set_data(self, saturated: np.ndarray, dead: np.ndarray) -> None:
        L = saturated.size
        x = np.arange(1, L + 1, dtype=np.float64)
        self.saturated_percent = 100.0 * np.nan_to_num(saturated, nan=0.0)
        self.dead_percent = 100.0 * np.nan_to_num(dead, nan=0.0)
        has_sat, has_dead = np.isfinite(saturated), np.isfinite(dead)
        self.saturated.setOpts(x=x[has_sat], height=self.saturated_percent[has_sat], width=0.7)
        self.dead.setOpts(x=x[has_dead], height=self.dead_percent[has_dead], width=0.7)
        self.item.setXRange(0.4, L + 0.6, padding=0)
        self.item.getAxis("bottom").setTicks([layer_ticks(L)])
        self._applies = (bool(has_sat.any()), bool(has_dead.any()))
        shown = np.concatenate([self.saturated_percent[has_sat], self.dead_percent[has_dead]])
        if not shown.size:
            note = "no sigmoid, tanh or ReLU hidden layer"
        elif shown.max() < 0.5:
            note = "0% in every layer"
        else:
            note = ""
        self.note.setText(note)
        self.note.setPos((L + 1) / 2, 50)
        self._show_title()

    def _show_title(self) -> None:
        c = self._colors
        if c is None:
            return
        sat, dead = self._applies
        saturated = f"<span style='color:{c.warn}'>■ saturated</span>"
        slope = f" |g'(z)| &lt; {SATURATION_SLOPE:g}"
        if sat and dead:
            variants = (f"{saturated}{slope} · <span style='color:{c.bad}'>■ dead ReLU units"
                        "</span>", f"{saturated} · <span style='color:{c.bad}'>■ dead</span>")
        elif sat:
            variants = (f"{saturated}{slope}", saturated)
        elif dead:
            variants = (f"<span style='color:{c.bad}'>■ dead ReLU units</span>",
                        f"<span style='color:{c.bad}'>■ dead</span>")
        else:
            variants = ("Saturated and dead units", "Saturated, dead")
        self.title.set(variants, c.foreground)

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self.widget, c)
        self.saturated.setOpts(brush=pg.mkBrush(c.warn), pen=pg.mkPen(c.warn))
        self.dead.setOpts(brush=pg.mkBrush(c.bad), pen=pg.mkPen(c.bad))
        self.note.setColor(c.foreground)
        self._show_title()
