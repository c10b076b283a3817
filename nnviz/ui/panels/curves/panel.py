"""Cost and accuracy against iteration, stacked, beside the cost surface: how the path on
the surface reads as a curve. The same :class:`~nnviz.ui.widgets.curves.CurvesView` as the
training panel's, with its log toggles in a row of its own, plus what regularization needs:

- with a dev set, the dev cost and accuracy as curves of their own;
- with L2 (λ > 0), the cost split: the cross-entropy (the "train" curve) and the L2 term
  (λ/2m) Σ ||W[l]||²_F drawn dashed, their sum being what gradient descent minimizes;
- under the plots, the bias/variance readout (:mod:`.readout`) and its sweeps
  (:mod:`.sweep`, run on this panel's job thread).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from nnviz.training.jobs import JobRunner

from ...plotting import finite_xy, positive_xy
from ...theme import PlotColors
from ...widgets.curves import MAX_CURVE_POINTS, CurvesView
from ..base import Panel, PanelContext
from .readout import BiasVarianceReadout
from .sweep import ErrorSweepDialog, dev_colour

L2_NAME = "L2 term"
DEV_NAME = "dev"
L2_TIP = ("\nDashed: the L2 term (λ/2m) Σ ||W[l]||²_F. Gradient descent minimizes the "
          "train cost plus this term; as λ rises the term pulls the weights toward 0.")


class CurvesPanel(Panel):
    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        self.curves = CurvesView(own_toggle_row=True)
        cost, metric = self.curves.cost_plot.getPlotItem(), self.curves.metric_plot.getPlotItem()
        # Made once, put in the legends only while they have something to show.
        self.dev_cost = pg.PlotDataItem([], [])
        self.dev_metric = pg.PlotDataItem([], [])
        self.l2_cost = pg.PlotDataItem([], [])
        for item, plot in ((self.dev_cost, cost), (self.dev_metric, metric),
                           (self.l2_cost, cost)):
            plot.addItem(item)
        self._legend_entries = {}
        self.readout = BiasVarianceReadout()
        self.readout.sweep_requested.connect(self.open_sweep)
        self.runner: JobRunner | None = None
        self.sweep_dialog: ErrorSweepDialog | None = None
        self._snapshot = None
        self._colors = context.appearance.colors
        self.curves.cost_plot.setToolTip(self.curves.cost_plot.toolTip() + L2_TIP)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.curves, 1)
        layout.addWidget(self.readout)
        self.on_theme(context.appearance.colors)

    # -- snapshots ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        self._snapshot = snapshot
        self.curves.show_snapshot(snapshot)
        self._draw_extras(snapshot)
        self.readout.show_snapshot(snapshot)

    def _draw_extras(self, snapshot) -> None:
        h = snapshot.history
        has_dev = snapshot.data.m_dev > 0 and h.dev_cost is not None
        l2 = h.l2_cost if h.l2_cost is not None else None
        has_l2 = (snapshot.config.hyper.lambd > 0 and l2 is not None
                  and bool(np.any(np.nan_to_num(l2) > 0)))
        self._in_legend(self.curves.cost_plot, self.dev_cost, DEV_NAME, has_dev)
        self._in_legend(self.curves.metric_plot, self.dev_metric, DEV_NAME, has_dev)
        self._in_legend(self.curves.cost_plot, self.l2_cost, L2_NAME, has_l2)
        step = max(1, len(h.iterations) // MAX_CURVE_POINTS)
        it = np.asarray(h.iterations[::step], dtype=np.float64)
        keep = it > 0 if self.curves.log_x.isChecked() else np.ones(it.size, bool)
        pick = positive_xy if self.curves.log_y.isChecked() else finite_xy
        series = ((self.dev_cost, h.dev_cost if has_dev else None, pick),
                  (self.dev_metric, h.dev_metric if has_dev else None, finite_xy),
                  (self.l2_cost, l2 if has_l2 else None, pick))
        for curve, values, choose in series:
            if values is None:
                curve.setData([], [])
            else:
                curve.setData(*choose(it[keep], np.asarray(values[::step])[keep]))

    def _in_legend(self, plot, item, name: str, shown: bool) -> None:
        legend = plot.getPlotItem().legend
        key = id(item)
        if shown and key not in self._legend_entries:
            legend.addItem(item, name)
            self._legend_entries[key] = name
            self._style_legend_text()
        elif not shown and key in self._legend_entries:
            legend.removeItem(item)
            del self._legend_entries[key]

    def _style_legend_text(self) -> None:
        from ...plotting import style_legend
        for plot in (self.curves.cost_plot, self.curves.metric_plot):
            style_legend(plot.getPlotItem().legend, self._colors)

    # -- the sweep ---------------------------------------------------------------------
    def open_sweep(self, setting: str) -> ErrorSweepDialog | None:
        """Open the sweep window for ``setting`` and start it from the current settings."""
        if self._snapshot is None:
            return None
        if self.runner is None:
            self.runner = JobRunner("nnviz-bias-variance", self)
        if self.sweep_dialog is not None:
            self.sweep_dialog.cancel()
            self.sweep_dialog.close()
            self.sweep_dialog.deleteLater()
        self.sweep_dialog = ErrorSweepDialog(self._snapshot.config, setting, self.runner, self,
                                             self._colors)
        self.sweep_dialog.show()
        self.sweep_dialog.start()
        return self.sweep_dialog

    def shutdown(self) -> None:
        if self.runner is not None:
            self.runner.shutdown()

    # -- appearance and export ---------------------------------------------------------
    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        self.curves.on_theme(c)
        self.dev_cost.setPen(pg.mkPen(dev_colour(c), width=1))
        self.dev_metric.setPen(pg.mkPen(dev_colour(c), width=1))
        self.l2_cost.setPen(pg.mkPen(c.train, width=1, style=Qt.PenStyle.DashLine))
        self._style_legend_text()
        if self.sweep_dialog is not None:
            self.sweep_dialog.on_theme(c)

    def figures(self) -> dict[str, object]:
        return self.curves.figures()
