"""The two stacked plots of the activation explorer (g(z) above, g'(z) below).

Every plot item is created once; the panel tells this widget what to draw and it updates the
items with setData/setRegion/setPos. It computes only the curves themselves (a few thousand
function values), so all of it is cheap enough for the GUI thread.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor

from nnviz.engine.activations import (ACTIVATIONS, DISPLAY_NAMES, activation_slope,
                                      activation_value)

from ...plotting import scale_scene
from ...theme import colors

CURVE_SAMPLES = 801  # points per analytic curve
NUMERIC_SAMPLES = 40  # dots for the numerical slope, at cell midpoints (never exactly z = 0)
NUMERIC_STEP = 1e-5  # h of the central difference; its error ~ h^2, round-off ~ 1e-16 / h
MAX_SHADED_REGIONS = 6
AXIS_WIDTH = 48  # fixed so both plots' z axes line up
PAD = 0.08  # of the g(z) window's height, above and below the curves it fits

CLIP_TIP = ("Sigmoid and tanh level off, and that flat S-shape is what saturation means. "
            "Fitting the g(z) axis to ReLU or linear, which grow without bound, would squash "
            "them into flat lines; a per-function rescaling would hide the real values "
            "(sigmoid's 0.5 at z = 0 against tanh's 0). So the axis fits the bounded curves, "
            "and a curve that runs off it is marked ▲/▼ where it leaves, with the value it "
            "reaches. Untick \"fit the S-curves\" to fit every curve instead.")

CURVES_Z = -5.0  # the curves' depth: above the shaded regions (-20), below the markers (0)


class FunctionCurves:
    """The plot items of one function: g(z), analytic g'(z), numerical slope dots.

    Made when the function is first shown, so their order of creation says nothing: a fixed
    depth keeps them under the cursor dots and clip marks, in the functions' own order."""

    def __init__(self, value_plot, slope_plot, order: int = 0):
        self.value = value_plot.plot()
        self.slope = slope_plot.plot(connect="finite")
        self.numeric = slope_plot.plot(pen=None, symbol="o", symbolSize=6)
        for item in self.items():
            item.setZValue(CURVES_Z + 0.01 * order)

    def items(self):
        return (self.value, self.slope, self.numeric)


class ActivationPlots(pg.GraphicsLayoutWidget):
    """g(z) with a Z[l] histogram on a right-hand axis, and g'(z) with numerical dots."""

    cursor_moved = Signal(float)  # z under the mouse, over either plot

    def __init__(self, parent=None):
        super().__init__(parent)
        self.value_plot = self.addPlot(row=0, col=0)
        self.slope_plot = self.addPlot(row=1, col=0)
        self.slope_plot.setXLink(self.value_plot)
        for plot, label in ((self.value_plot, "g(z)"), (self.slope_plot, "g'(z)")):
            plot.setLabel("left", label)
            plot.showGrid(x=True, y=True, alpha=0.15)
            for side in ("left", "bottom"):  # no sub-minor grid: calmer and cheaper to paint
                plot.getAxis(side).setStyle(maxTickLevel=1)
            plot.setMouseEnabled(x=False, y=False)  # the z range comes from the controls
            plot.hideButtons()
            plot.getAxis("left").setWidth(AXIS_WIDTH)
            plot.showAxis("right")
            plot.getAxis("right").setWidth(AXIS_WIDTH)
        self.value_plot.setTitle("g(z); grey: histogram of Z[l]", size="9pt")
        self.slope_plot.setTitle("g'(z): line analytic, dots numerical", size="9pt")
        self.slope_plot.setLabel("bottom", "z")
        self.value_plot.getAxis("bottom").setStyle(showValues=False)
        self.slope_plot.getAxis("right").setStyle(showValues=False)

        # A function's curves are made the first time it is shown (three of nine at first:
        # each curve item costs start-up time).
        self.curves: dict[str, FunctionCurves] = {}
        self._pens: tuple[dict[str, str], object] | None = None  # (colours, base) for new ones
        self.value_regions = self._region_pool(self.value_plot)
        self.slope_regions = self._region_pool(self.slope_plot)
        self.cursor_lines = []
        for plot in (self.value_plot, self.slope_plot):
            line = pg.InfiniteLine(angle=90, movable=False)
            plot.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)
        # Curves that leave the g(z) window: a triangle where they leave, and a note.
        self.clip_markers = pg.ScatterPlotItem(pen=pg.mkPen(None))
        self.value_plot.addItem(self.clip_markers, ignoreBounds=True)
        self.clip_note = pg.TextItem(anchor=(1, 1))  # bottom right: empty for rising g
        self.clip_note.setToolTip(CLIP_TIP)
        self.clip_note.setZValue(20)
        self.value_plot.addItem(self.clip_note, ignoreBounds=True)
        self._clipped: dict[str, tuple[float, float]] = {}
        self._curve_colours: dict[str, str] = {}
        self._text_colour = "#000000"
        self.value_markers = pg.ScatterPlotItem(size=8)
        self.slope_markers = pg.ScatterPlotItem(size=8)
        self.value_plot.addItem(self.value_markers)
        self.slope_plot.addItem(self.slope_markers)
        self._marker_brushes: dict[str, object] = {}

        # The Z[l] histogram lives on its own view box, sharing z with the top plot and
        # drawn behind its curves; its y axis is the top plot's right axis.
        self.histogram_view = pg.ViewBox(enableMouse=False)
        self.histogram_view.setZValue(-100)
        self.value_plot.scene().addItem(self.histogram_view)
        self.value_plot.getAxis("right").linkToView(self.histogram_view)
        self.value_plot.getAxis("right").setLabel("share of Z[l] values (%)")
        self.histogram_view.setXLink(self.value_plot)
        self.histogram_item = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.histogram_item.hide()
        self.histogram_view.addItem(self.histogram_item)

        self.value_plot.vb.sigResized.connect(self._sync_histogram_geometry)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    @staticmethod
    def _region_pool(plot) -> list:
        pool = []
        for _ in range(MAX_SHADED_REGIONS):
            region = pg.LinearRegionItem(movable=False)
            region.setZValue(-20)
            for line in region.lines:
                line.setPen(pg.mkPen(None))
            region.hide()
            plot.addItem(region, ignoreBounds=True)
            pool.append(region)
        return pool

    # ----- drawing -----------------------------------------------------------------------
    def draw_curves(self, shown: Iterable[str], z_range: tuple[float, float],
                    alphas: Mapping[str, float | None], show_numeric: bool,
                    clip_unbounded: bool = True) -> None:
        z_min, z_max = z_range
        z = np.linspace(z_min, z_max, CURVE_SAMPLES)
        step = (z_max - z_min) / NUMERIC_SAMPLES
        z_num = z_min + step * (np.arange(NUMERIC_SAMPLES) + 0.5)
        shown = [name for name in ACTIVATIONS if name in set(shown)]
        for name in shown:
            self.curves_of(name)
        values = {}
        for name, curves in self.curves.items():
            for item in curves.items():
                item.setVisible(name in shown)
            if name not in shown:
                continue
            alpha = alphas.get(name)
            values[name] = activation_value(name, z, alpha)
            curves.value.setData(z, values[name])
            slope = activation_slope(name, z, alpha)
            if ACTIVATIONS[name].kink_at_zero and z_min < 0 < z_max:
                # Break the line at the kink instead of drawing a vertical jump.
                cut = np.searchsorted(z, 0.0, side="right")
                curves.slope.setData(np.insert(z, cut, 0.0), np.insert(slope, cut, np.nan))
            else:
                curves.slope.setData(z, slope)
            numeric = (activation_value(name, z_num + NUMERIC_STEP, alpha)
                       - activation_value(name, z_num - NUMERIC_STEP, alpha)) / (2 * NUMERIC_STEP)
            curves.numeric.setData(z_num, numeric)
            curves.numeric.setVisible(show_numeric)
        for plot in (self.value_plot, self.slope_plot):
            plot.setXRange(z_min, z_max, padding=0.0)
        self._show_value_window(z, values, clip_unbounded)

    def value_window(self) -> tuple[float, float]:
        """The g(z) axis' range now."""
        return tuple(self.value_plot.vb.viewRange()[1])

    def clipped(self) -> dict[str, tuple[float, float]]:
        """{name: (lowest, highest) g(z) on the z range} of the curves that leave the g(z)
        plot, marked at its edge."""
        return dict(self._clipped)

    def _show_value_window(self, z: np.ndarray, values: Mapping[str, np.ndarray],
                           clip_unbounded: bool) -> None:
        low, high = value_window(values, clip_unbounded)
        self.value_plot.setYRange(low, high, padding=0.0)
        self._clipped = {}
        spots = []
        for name, v in values.items():
            finite = v[np.isfinite(v)]
            if finite.size == 0 or (finite.min() >= low and finite.max() <= high):
                continue
            self._clipped[name] = (float(finite.min()), float(finite.max()))
            inset = 0.03 * (high - low)  # the triangle whole, just inside the edge
            for y, outside, symbol in ((high - inset, v > high, "t1"),
                                       (low + inset, v < low, "t")):
                # the samples where the curve leaves the window or comes back into it
                crossings = np.flatnonzero(outside[1:] != outside[:-1])
                for i in crossings + outside[crossings + 1]:
                    spots.append({"pos": (z[i], y), "symbol": symbol,
                                  "brush": self._marker_brushes.get(name), "size": 11})
        self.clip_markers.setData(spots)
        self._write_clip_note(low, high)

    def _write_clip_note(self, low: float, high: float) -> None:
        if not self._clipped:
            self.clip_note.hide()
            return
        parts = [f"{'▲' if hi > high else ''}{'▼' if lo < low else ''} "
                 f"<span style='color:{self._curve_colours.get(name, '#888')}'>"
                 f"<b>{DISPLAY_NAMES[name]}</b></span> {_reach(lo, hi, low, high)}"
                 for name, (lo, hi) in self._clipped.items()]
        self.clip_note.setHtml(f"<span style='color:{self._text_colour}'>off the plot: "
                               + "; ".join(parts) + "</span>")
        z_max = self.value_plot.vb.viewRange()[0][1]
        self.clip_note.setPos(z_max, low)
        self.clip_note.show()

    def draw_shading(self, intervals: list[tuple[float, float]], colour: QColor) -> None:
        colour = QColor(colour)
        colour.setAlpha(45)
        for pool in (self.value_regions, self.slope_regions):
            for i, region in enumerate(pool):
                region.setVisible(i < len(intervals))
                if i < len(intervals):
                    region.setRegion(intervals[i])
                    region.setBrush(colour)

    def shaded_regions(self) -> list[tuple[float, float]]:
        return [tuple(region.getRegion()) for region in self.value_regions if region.isVisible()]

    def draw_cursor(self, z: float, values: Mapping[str, tuple[float, float]]) -> None:
        for line in self.cursor_lines:
            line.setPos(z)
        brushes = [self._marker_brushes[name] for name in values]
        xs = [z] * len(values)
        self.value_markers.setData(xs, [v for v, _ in values.values()], brush=brushes)
        self.slope_markers.setData(xs, [s for _, s in values.values()], brush=brushes)

    def draw_histogram(self, edges: np.ndarray, shares: np.ndarray) -> None:
        self.histogram_item.setData(edges, shares)
        self.histogram_item.show()
        self.histogram_view.setYRange(0.0, max(float(shares.max()), 1.0) * 1.15, padding=0.0)

    def hide_histogram(self) -> None:
        self.histogram_item.hide()

    def apply_colours(self, base: QColor, text: QColor, colours: Mapping[str, str]) -> None:
        self.setBackground(base)
        for plot in (self.value_plot, self.slope_plot):
            for side in ("left", "bottom", "right"):
                plot.getAxis(side).setPen(text)
                plot.getAxis(side).setTextPen(text)
            plot.titleLabel.setAttr("color", text)
            plot.titleLabel.setText(plot.titleLabel.text)
        for line in self.cursor_lines:
            line.setPen(pg.mkPen(text, width=1, style=Qt.DashLine))
        neutral = QColor(text)
        neutral.setAlpha(60)
        self.histogram_item.setBrush(neutral)
        self.histogram_item.setPen(pg.mkPen(None))
        # Made once per palette: ScatterPlotItem caches per brush object, so fresh brushes
        # on every cursor move would pile up in its cache.
        self._marker_brushes = {name: pg.mkBrush(colour) for name, colour in colours.items()}
        self._curve_colours = dict(colours)
        self._text_colour = QColor(text).name()
        backdrop = QColor(base)
        backdrop.setAlpha(210)  # the note stays readable over the histogram's bars
        self.clip_note.fill = pg.mkBrush(backdrop)
        self._pens = (dict(colours), base)
        for name, curves in self.curves.items():
            self._colour_curves(name, curves)

    def curves_of(self, name: str) -> FunctionCurves:
        """The plot items of function ``name``, made now if it was never shown."""
        curves = self.curves.get(name)
        if curves is None:
            curves = self.curves[name] = FunctionCurves(self.value_plot, self.slope_plot,
                                                        list(ACTIVATIONS).index(name))
            if self._pens is not None:
                self._colour_curves(name, curves)
            scale = colors().scale
            if scale != 1.0:  # made while presenting: its lines as wide as the others'
                scale_scene(self.scene(), scale)
        return curves

    def _colour_curves(self, name: str, curves: FunctionCurves) -> None:
        colours, base = self._pens
        curves.value.setPen(pg.mkPen(colours[name], width=2))
        curves.slope.setPen(pg.mkPen(colours[name], width=2))
        curves.numeric.setSymbolPen(pg.mkPen(colours[name], width=1.5))
        curves.numeric.setSymbolBrush(base)

    # ----- internals ---------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._balance_rows()

    def _balance_rows(self) -> None:
        """g(z) and g'(z) get view boxes of the same height: the lower row is taller by
        the z axis only it draws (Qt would share the height by the rows' size hints)."""
        if getattr(self, "slope_plot", None) is None:
            return  # a resize while pyqtgraph builds the widget
        layout = self.ci.layout
        _left, top, _right, bottom = layout.getContentsMargins()
        available = self.height() - top - bottom - layout.verticalSpacing()
        extra = (self.slope_plot.getAxis("bottom").height()
                 - self.value_plot.getAxis("bottom").height())
        upper = max((available - extra) / 2.0, 1.0)
        layout.setRowFixedHeight(0, upper)
        layout.setRowFixedHeight(1, max(available - upper, 1.0))

    def _sync_histogram_geometry(self) -> None:
        self.histogram_view.setGeometry(self.value_plot.vb.sceneBoundingRect())
        self.histogram_view.linkedViewChanged(self.value_plot.vb, self.histogram_view.XAxis)

    def _on_mouse_moved(self, scene_pos) -> None:
        for plot in (self.value_plot, self.slope_plot):
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                self.cursor_moved.emit(plot.vb.mapSceneToView(scene_pos).x())
                return


def value_window(values: Mapping[str, np.ndarray], clip_unbounded: bool) -> tuple[float, float]:
    """The g(z) axis' range for the curves ``values`` ({name: g on the z grid}).

    With ``clip_unbounded`` and a saturating function (sigmoid, tanh) among unbounded ones,
    it fits the saturating curves, widened for another curve's extreme only when that lies
    within one such range beyond (ELU's -1, swish's dip); whatever lies farther leaves the
    plot. Otherwise it fits every curve."""
    finite = {name: v[np.isfinite(v)] for name, v in values.items()}
    finite = {name: v for name, v in finite.items() if v.size}
    if not finite:
        return -1.0, 1.0
    fitted = [name for name in finite if ACTIVATIONS[name].saturates]
    if not clip_unbounded or not fitted:
        fitted = list(finite)
    low = min(float(finite[name].min()) for name in fitted)
    high = max(float(finite[name].max()) for name in fitted)
    span = max(high - low, 1e-9)
    for v in finite.values():
        if v.min() >= low - span:
            low = min(low, float(v.min()))
        if v.max() <= high + span:
            high = max(high, float(v.max()))
    pad = PAD * max(high - low, 1e-9)
    return low - pad, high + pad


def _reach(lo: float, hi: float, low: float, high: float) -> str:
    above, below = hi > high, lo < low
    if above and below:
        return f"runs from {lo:.3g} to {hi:.3g}"
    return f"reaches {hi:.3g}" if above else f"falls to {lo:.3g}"
