"""Small pyqtgraph helpers shared by the panels: consistent, theme-aware plots.

:func:`scale_scene` (and :func:`scale_plots` for a whole window) makes the text and lines of
plots ``PlotColors.scale`` times their size (presentation mode): axes, tick labels, titles,
legends, text items and the pens of curves and lines. Each item remembers the size its owner
gave it, so a panel that sets a pen or a title again is scaled from its new value, and scale
1 gives every item back exactly what it had.
"""
from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsItem

from .plot_menus import use_lazy_menus
from .theme import PlotColors, base_font, colors, scaled_font

pg.setConfigOptions(antialias=True)
use_lazy_menus()  # right-click menus made when first opened: ~0.2 s less start-up


def make_plot(title: str = "", x_label: str = "", y_label: str = "", **kwargs) -> pg.PlotWidget:
    """A PlotWidget styled for the current appearance (restyle with :func:`style_plot`)."""
    widget = pg.PlotWidget(**kwargs)
    widget.setMinimumSize(160, 120)
    item = widget.getPlotItem()
    item.setMenuEnabled(True)  # right-click: Export... (PNG/SVG via pyqtgraph's exporters)
    if title:
        item.setTitle(title)
    if x_label:
        item.setLabel("bottom", x_label)
    if y_label:
        item.setLabel("left", y_label)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.enableAutoSIPrefix(False)  # no "(x0.001)" rescaled axes
        # Major ticks (and grid lines) only: the minor grid lines made every repaint of a
        # live plot several times more expensive than drawing its curves.
        axis.setStyle(maxTickLevel=0)
    style_plot(widget, colors())
    return widget


def style_plot(widget: pg.PlotWidget, c: PlotColors) -> None:
    widget.setBackground(c.background)
    item = widget.getPlotItem()
    fg = QColor(c.foreground)
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        if axis.autoSIPrefix:  # none anywhere: and each range change re-set its label
            axis.enableAutoSIPrefix(False)
        # A live curve repaints its whole view, axes and grid included: blit the axis from
        # a pixmap while its range holds (replaying its labels cost ~1 ms an axis a frame).
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        axis.setPen(pg.mkPen(fg))
        axis.setTextPen(pg.mkPen(fg))
    title = item.titleLabel.text
    if title:
        item.setTitle(title, color=c.foreground)
    for name in ("left", "bottom"):
        label = item.getAxis(name).labelText
        if label:
            item.setLabel(name, label, color=c.foreground)
    item.showGrid(x=True, y=True, alpha=c.grid_alpha)
    if item.legend is not None:
        style_legend(item.legend, c)
    scale_scene(widget.scene(), c.scale)


def legend_in_title_row(plot: pg.PlotWidget, columns: int = 4) -> pg.LegendItem:
    """A one-row legend in the plot's title row, right-aligned, where it never covers the
    curves (the title moves to the left)."""
    item = plot.getPlotItem()
    legend = item.addLegend(offset=None, colCount=columns, labelTextSize="8pt",
                            verSpacing=-6, horSpacing=12)
    legend.layout.setContentsMargins(4, 0, 4, 0)
    legend.setParentItem(item)
    legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 0))
    item.setTitle(item.titleLabel.text, justify="left")
    return legend


def style_legend(legend: pg.LegendItem, c: PlotColors) -> None:
    legend.setZValue(1000)  # above the grid lines
    legend.setBrush(pg.mkBrush(c.background))
    legend.setPen(pg.mkPen("#c8c8c8" if not c.dark else "#555555"))
    legend.setLabelTextColor(QColor(c.foreground))
    for _, label in legend.items:  # setLabelTextColor only takes effect on the next setText
        label.setText(label.text, color=QColor(c.foreground))


# -- text and line scale (presentation mode) -------------------------------------------------
_RECORD = "_nnviz_scaled"  # on an item: {what: (its owner's value, the value we set)}
_POINTS = re.compile(r"^\s*([0-9.]+)\s*pt\s*$")


def _base(item, what: str, current):
    """The owner's value of ``what``: ``current``, unless it is the value we set last."""
    record = getattr(item, _RECORD, {}).get(what)
    return record[0] if record is not None and record[1] == current else current


def _remember(item, what: str, base, applied) -> None:
    records = getattr(item, _RECORD, None)
    if records is None:
        records = {}
        setattr(item, _RECORD, records)
    records[what] = (base, applied)


def _scaled_width(width: float, scale: float) -> float:
    # Width 0 is Qt's one-pixel cosmetic line.
    return (width if width > 0 else 1.0) * scale if scale != 1.0 else width


def _scale_pen(item, what: str, pen, scale: float):
    """The pen to set for ``item``'s ``what`` (None: leave it)."""
    if not isinstance(pen, QPen) or pen.style() == Qt.PenStyle.NoPen:
        return None
    width = pen.widthF()
    base = _base(item, what, width)
    wanted = _scaled_width(base, scale)
    _remember(item, what, base, wanted)
    if wanted == width:
        return None
    scaled = QPen(pen)
    scaled.setWidthF(wanted)
    return scaled


def _scale_text_item(text_item, owner, what: str, scale: float, app: QFont) -> bool:
    """Scale a QGraphicsTextItem's font; True if it changed."""
    font = text_item.font()
    size = font.pointSizeF()
    if size <= 0:
        return False
    base = _base(owner, what, size)
    app_size = app.pointSizeF()
    if what not in getattr(owner, _RECORD, {}) and abs(size - app_size * scale) < 0.01:
        base = app_size  # made with the application's font while it was scaled
    wanted = round(base * scale, 2)
    _remember(owner, what, base, wanted)
    if abs(wanted - size) < 0.01:
        return False
    font.setPointSizeF(wanted)
    text_item.setFont(font)
    return True


def _scale_css_size(owner, what: str, size, scale: float):
    """A CSS ``"9pt"`` size scaled (None: not in points, leave it)."""
    match = _POINTS.match(size) if isinstance(size, str) else None
    if match is None:
        return None
    base = _base(owner, what, size)
    base_match = _POINTS.match(base) if isinstance(base, str) else None
    if base_match is None:
        return None
    wanted = f"{float(base_match.group(1)) * scale:g}pt"
    _remember(owner, what, base, wanted)
    return None if wanted == size else wanted


def _scale_axis(axis: pg.AxisItem, scale: float, app: QFont) -> None:
    pen = _scale_pen(axis, "pen", axis.pen(), scale)
    if pen is not None:
        axis.setPen(pen)
    tick_font = axis.style["tickFont"]
    current = tick_font.pointSizeF() if tick_font is not None else None
    record = getattr(axis, _RECORD, {}).get("tick")
    if record is not None and record[1] == current:
        base = record[0]
    else:
        base = QFont(tick_font) if tick_font is not None else None
    if base is None and scale == 1.0:
        wanted = None
    else:
        wanted = scaled_font(base if base is not None else app, scale)
    _remember(axis, "tick", base, wanted.pointSizeF() if wanted is not None else None)
    css = _scale_css_size(axis, "label_css", axis.labelStyle.get("font-size"), scale)
    if css is not None:
        axis.labelStyle = {**axis.labelStyle, "font-size": css}
    relabel = _scale_text_item(axis.label, axis, "label_font", scale, app) or css is not None
    if relabel and axis.labelText:
        axis.label.setHtml(axis.labelString())
    if wanted is not None or tick_font is not None:
        same = (tick_font is not None and wanted is not None
                and abs(tick_font.pointSizeF() - wanted.pointSizeF()) < 0.01)
        if not same:
            axis.setStyle(tickFont=wanted)  # also re-measures the axis
            return
    if relabel:
        axis.setStyle()  # re-measure for the label's new size


def _scale_label(label: pg.LabelItem, scale: float, app: QFont) -> None:
    css = _scale_css_size(label, "size", label.opts.get("size"), scale)
    font_changed = _scale_text_item(label.item, label, "font", scale, app)
    if css is not None:
        label.setText(label.text, size=css)
    elif font_changed:
        label.setText(label.text)  # re-measure


def scale_scene(scene, scale: float) -> None:
    """Every plot item of ``scene`` at ``scale`` times its owner's text and line size."""
    if scene is None:
        return
    app = base_font()
    for item in scene.items():
        if scale == 1.0 and not hasattr(item, _RECORD):
            continue  # never scaled: nothing to give back
        if isinstance(item, pg.AxisItem):
            _scale_axis(item, scale, app)
        elif isinstance(item, pg.LabelItem):
            _scale_label(item, scale, app)
        elif isinstance(item, pg.TextItem):
            if _scale_text_item(item.textItem, item, "font", scale, app):
                item.updateTextPos()
        elif isinstance(item, pg.PlotDataItem):
            pen = _scale_pen(item, "pen", item.opts.get("pen"), scale)
            if pen is not None:
                item.setPen(pen)
        elif isinstance(item, pg.PlotCurveItem) and not isinstance(item.parentItem(),
                                                                  pg.PlotDataItem):
            pen = _scale_pen(item, "pen", item.opts.get("pen"), scale)
            if pen is not None:
                item.setPen(pen)
        elif isinstance(item, pg.InfiniteLine):
            pen = _scale_pen(item, "pen", item.pen, scale)
            if pen is not None:
                item.setPen(pen)


def scale_plots(root, scale: float) -> None:
    """:func:`scale_scene` for every pyqtgraph view inside widget ``root``."""
    for view in root.findChildren(pg.GraphicsView):
        scale_scene(view.scene(), scale)


def finite_xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop points that are NaN or infinite (plots never receive them)."""
    keep = np.isfinite(y) & np.isfinite(x)
    if keep.all():
        return x, y
    return x[keep], y[keep]


def positive_xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For log axes: finite and > 0."""
    keep = np.isfinite(y) & np.isfinite(x) & (y > 0)
    return x[keep], y[keep]


def lookup_table(name: str, n: int = 256) -> np.ndarray:
    return pg.colormap.get(name).getLookupTable(0.0, 1.0, n, alpha=False)


def softened_lookup_table(name: str, background: str, strength: float = 0.75,
                          n: int = 256) -> np.ndarray:
    """A colormap blended toward the background so points drawn on top stay visible."""
    lut = lookup_table(name, n).astype(np.float64)
    bg = QColor(background)
    bg_rgb = np.array([bg.red(), bg.green(), bg.blue()], dtype=np.float64)
    return (strength * lut + (1 - strength) * bg_rgb).clip(0, 255).astype(np.uint8)


def nice_ceiling(value: float) -> float:
    """The next of 1, 2, 2.5, 5 x 10^k at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = np.floor(np.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = step * 10 ** exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))


class SteadyRange:
    """Keeps a live plot's view still while its data grows.

    Re-ranging a pyqtgraph plot regenerates its axes, which costs several times more than
    drawing the curves; autoranging on every frame made live curves the most expensive
    thing in the window. This moves the range in big steps with headroom instead, so the axes
    change a few times per run. Once the user pans or zooms, the plot is theirs until
    :meth:`reset` (a new network or a reset).
    """

    def __init__(self, plot_item, manage_x: bool = True, manage_y: bool = True,
                 headroom: float = 0.3):
        self.vb = plot_item.getViewBox()
        self.manage_x, self.manage_y, self.headroom = manage_x, manage_y, headroom
        self.log_x = False  # a log iteration axis: the range is in decades, from 10⁰
        self.vb.disableAutoRange()
        self.vb.sigRangeChangedManually.connect(self._taken_over)
        self.reset()

    def reset(self) -> None:
        self.user_controlled = False
        self.x_hi = None
        self.y_lo = self.y_hi = None

    def _taken_over(self, *_):
        self.user_controlled = True

    def fit(self, x_max: float, y_lo: float, y_hi: float,
            y_limits: tuple[float | None, float | None] = (None, None)) -> None:
        """Tight around the data (while paused: a still picture wastes no space)."""
        if self.user_controlled:
            return
        self.x_hi, self.y_lo, self.y_hi = None, None, None
        headroom, self.headroom = self.headroom, 0.02
        try:
            self.update(max(x_max, 1.0), y_lo, y_hi, y_limits, tight=True)
        finally:
            self.headroom = headroom

    def update(self, x_max: float, y_lo: float, y_hi: float,
               y_limits: tuple[float | None, float | None] = (None, None),
               tight: bool = False) -> bool:
        """Make room for data reaching ``x_max`` and spanning ``[y_lo, y_hi]`` (in view
        coordinates: log10 values on a log axis). Returns True if the range moved."""
        if self.user_controlled:
            return False
        changed = False
        x_range = y_range = None
        if self.manage_x and np.isfinite(x_max) and (self.x_hi is None or x_max > self.x_hi):
            wanted = max(x_max * (1 + self.headroom), 10.0)
            self.x_hi = wanted if tight else nice_ceiling(wanted)
            changed = True
        if self.manage_y and np.isfinite(y_lo) and np.isfinite(y_hi):
            if self.y_lo is None or y_lo < self.y_lo or y_hi > self.y_hi:
                span = max(y_hi - y_lo, abs(y_hi) * 0.1, 1e-12)
                lo, hi = y_lo - 0.08 * span, y_hi + 0.12 * span
                floor, ceiling = y_limits
                if floor is not None:
                    lo = max(lo, floor)
                if ceiling is not None:
                    hi = min(hi, ceiling)
                self.y_lo, self.y_hi = lo, hi
                changed = True
        if changed:
            if self.manage_x and self.x_hi is not None:
                x_range = (0.0, float(np.log10(self.x_hi))) if self.log_x else (0.0, self.x_hi)
            if self.manage_y and self.y_lo is not None:
                y_range = (self.y_lo, self.y_hi)
            self.vb.setRange(xRange=x_range, yRange=y_range, padding=0)
        return changed
