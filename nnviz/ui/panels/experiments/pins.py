"""Pinned runs drawn over the training panel's cost and accuracy plots (dashed, labelled)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from nnviz.experiments import (ComparisonResult, comparison_report, label_differences,
                               record_from_history, results_table)

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


class PinnedRuns:
    """The experiments panel's pinned runs: "Pin current run" keeps the live run's history
    with its settings; the training panel overlays them, labelled by what differs."""

    def pin_current_run(self):
        """Pin the live run (its settings and history); returns the record or None."""
        snap = self.controller.latest if self.context is not None else None
        if snap is None or len(snap.history.iterations) == 0:
            return None
        record = record_from_history(snap.config, snap.history, metric_name=snap.metric_name,
                                     theta=snap.theta)
        self.pins.append(record)
        self._relabel_pins()
        return self.pins[-1]

    def clear_pins(self) -> None:
        self.pins = []
        self._relabel_pins()

    def show_pins(self) -> None:
        if not self.pins:
            return
        report = comparison_report(
            ComparisonResult(tuple(self.pins), results_table(self.pins), (), 0.0),
            "Pinned runs", "Runs pinned from the live session, labelled by what differs "
            "from the current settings.", key="pinned")
        self.current = None
        self.prediction.hide()
        self.scroll.show()
        self.show_prediction_button.hide()
        self.title.setText("<b>Pinned runs</b>")
        self.show_result_page()
        self.back_to_result.setEnabled(True)
        self.progress_text.setText("")
        self.view.show_result(report)
        self.open_button.setEnabled(False)
        self.rerun_button.setEnabled(False)

    def _relabel_pins(self) -> None:
        import dataclasses
        if self.pins:
            current = self.controller.requested_config if self.context is not None else None
            configs = [p.config for p in self.pins] + ([current] if current is not None else [])
            labels = label_differences(configs)[:len(self.pins)]
            seen = {}
            for k, (pin, label) in enumerate(zip(self.pins, labels)):
                if label.startswith("run "):
                    label = "same settings"
                label = f"{label} @ {pin.iterations_run}"
                seen[label] = seen.get(label, 0) + 1
                if seen[label] > 1:
                    label = f"{label} ({seen[label]})"
                self.pins[k] = dataclasses.replace(pin, label=label)
        self._overlay_pins()
        self._update_pin_buttons()
        self.pins_changed.emit(len(self.pins))

    def _overlay_pins(self) -> None:
        """Draw the pins over the training panel's cost and accuracy plots: through its own
        ``set_pinned_runs`` if it has one, else by adding dashed items to its plots."""
        training = getattr(getattr(self.context, "window", None), "panels", {}).get("training")
        if training is None:
            return
        if hasattr(training, "set_pinned_runs"):
            training.set_pinned_runs(list(self.pins))
            return
        if self.pin_overlay is None:
            if not (hasattr(training, "cost_plot") and hasattr(training, "metric_plot")):
                return
            self.pin_overlay = PinnedOverlay(training.cost_plot, training.metric_plot)
        self.pin_overlay.set_runs(self.pins, self._colors)

    def _update_pin_buttons(self) -> None:
        n = len(self.pins)
        self.show_pins_button.setText(f"Pinned runs ({n})")
        self.show_pins_button.setEnabled(n > 0)
        self.clear_pins_button.setEnabled(n > 0)

