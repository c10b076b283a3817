"""Pinned runs drawn over the training panel's cost and accuracy plots (dashed, labelled)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...plotting import style_legend
from ...theme import PlotColors

# Pinned curves use the palette after the live train/test colours, dashed.
PIN_COLORS_LIGHT = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
PIN_COLORS_DARK = ("#6fdc6f", "#c5a8f0", "#d9a38f", "#f5a6d6", "#c0c0c0", "#e0e060", "#6fe3f0")


class PinnedOverlay:
    """Keeps one dashed curve per pinned run on the cost plot and on the accuracy plot.

    ``set_runs`` adds or removes items only when the set of pins changes; otherwise it
    updates them with ``setData``."""

    def __init__(self, cost_plot: pg.PlotWidget, metric_plot: pg.PlotWidget):
        self.cost_plot, self.metric_plot = cost_plot, metric_plot
        self.items: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self.runs = []
        self._colors = None

    def set_runs(self, runs, colors: PlotColors) -> None:
        while len(self.items) > len(runs):
            cost_item, metric_item = self.items.pop()
            for plot, item in ((self.cost_plot, cost_item), (self.metric_plot, metric_item)):
                plot.getPlotItem().removeItem(item)
        while len(self.items) < len(runs):
            self.items.append((self.cost_plot.plot([], []), self.metric_plot.plot([], [])))
        self.runs = list(runs)
        for run, (cost_item, metric_item) in zip(self.runs, self.items):
            it = np.asarray(run.iterations, dtype=np.float64)
            cost = np.asarray(run.train_cost, dtype=np.float64)
            keep = np.isfinite(cost) & (cost > 0)  # also fine on the log axis
            cost_item.setData(it[keep], cost[keep])
            metric = np.asarray(run.train_metric, dtype=np.float64)
            keep = np.isfinite(metric)
            metric_item.setData(it[keep], metric[keep])
            for plot, item in ((self.cost_plot, cost_item), (self.metric_plot, metric_item)):
                legend = plot.getPlotItem().legend
                if legend is not None:
                    legend.removeItem(item)
                    legend.addItem(item, f"pinned: {run.label}")
        self.on_theme(colors)

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        palette = PIN_COLORS_DARK if c.dark else PIN_COLORS_LIGHT
        for k, (cost_item, metric_item) in enumerate(self.items):
            pen = pg.mkPen(palette[k % len(palette)], width=1.5, style=Qt.PenStyle.DashLine)
            cost_item.setPen(pen)
            metric_item.setPen(pen)
        for plot in (self.cost_plot, self.metric_plot):
            legend = plot.getPlotItem().legend
            if legend is not None:
                style_legend(legend, c)
