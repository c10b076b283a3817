"""Small pyqtgraph helpers shared by the panels: consistent, theme-aware plots."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from .theme import PlotColors, colors


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
        item.getAxis(name).enableAutoSIPrefix(False)  # no "(x0.001)" rescaled axes
    style_plot(widget, colors())
    return widget


def style_plot(widget: pg.PlotWidget, c: PlotColors) -> None:
    widget.setBackground(c.background)
    item = widget.getPlotItem()
    fg = QColor(c.foreground)
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
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


def style_legend(legend: pg.LegendItem, c: PlotColors) -> None:
    legend.setZValue(1000)  # above the grid lines
    legend.setBrush(pg.mkBrush(c.background))
    legend.setPen(pg.mkPen("#c8c8c8" if not c.dark else "#555555"))
    legend.setLabelTextColor(QColor(c.foreground))
    for _, label in legend.items:  # setLabelTextColor only takes effect on the next setText
        label.setText(label.text, color=QColor(c.foreground))


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
