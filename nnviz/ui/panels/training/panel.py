"""The training panel: cost and accuracy against iteration, and what the network predicts."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QStackedWidget, QVBoxLayout

from nnviz.training.snapshot import History

from ...plotting import (SteadyRange, finite_xy, legend_in_title_row, make_plot, positive_xy,
                         style_plot)
from ...theme import PlotColors
from ...widgets.boundary_box import BoundaryBox
from ...widgets.image_views import ImageDataView
from ...widgets.outcome_views import ConfusionView, PredictedVsTrueView, ResponseView
from ..base import Panel, PanelContext

MAX_CURVE_POINTS = 600
CURVES_MIN_WIDTH = 320

COST_TIP = ("Cost J against iteration (without the L2 term, so train and test compare).\n"
            "Binary cross-entropy J = -(1/m) Σ [y log a + (1-y) log(1-a)] for a sigmoid output,\n"
            "cross-entropy for softmax, (1/2m) Σ (a - y)² for a linear output.\n"
            "Train falling while test rises = overfitting.")
METRIC_TIP = ("Accuracy: the fraction of examples whose predicted class is right "
              "(ŷ = 1 when a[L] > 0.5).\nR² (regression): 1 - Σ(y - ŷ)² / Σ(y - ȳ)²; 1 is perfect, "
              "0 is no better than predicting the mean.")



def with_latest(h: History, snapshot) -> History:
    """``h`` ending at the snapshot's own iteration: the history is recorded every few
    steps, so its last point may be older than what the status bar shows (a session loaded
    or paused between two records). A diverged snapshot's cost is not a point of the run."""
    last = h.iterations[-1] if len(h.iterations) else -1
    if snapshot.iteration <= last or snapshot.state == "diverged":
        return h
    now = (snapshot.iteration, snapshot.train_cost, snapshot.test_cost,
           snapshot.train_metric, snapshot.test_metric)
    return History(*(np.append(a, v) for a, v in zip(
        (h.iterations, h.train_cost, h.test_cost, h.train_metric, h.test_metric), now)))

class TrainingPanel(Panel):
    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        self._generation = None
        self._metric_name = None
        self._data = None

        self.cost_plot = make_plot("Cost", "iteration", "cost J")
        self.cost_plot.setToolTip(COST_TIP)
        legend_in_title_row(self.cost_plot)
        self.train_cost = self.cost_plot.plot([], [], name="train")
        self.test_cost = self.cost_plot.plot([], [], name="test")
        self.metric_plot = make_plot("Accuracy", "iteration", "accuracy")
        self.metric_plot.setToolTip(METRIC_TIP)
        legend_in_title_row(self.metric_plot)
        self.train_metric = self.metric_plot.plot([], [], name="train")
        self.test_metric = self.metric_plot.plot([], [], name="test")
        self.metric_plot.setXLink(self.cost_plot)
        for item in (self.train_cost, self.test_cost, self.train_metric, self.test_metric):
            item.setSkipFiniteCheck(True)  # on_snapshot hands them finite points only
        self.cost_range = SteadyRange(self.cost_plot.getPlotItem())
        self.metric_range = SteadyRange(self.metric_plot.getPlotItem(), manage_x=False)

        # Until the first step: say how to start, on the empty plots themselves.
        self.start_hints = [_centred_hint(plot) for plot in (self.cost_plot, self.metric_plot)]
        self._started = False
        self._marked = False

        self.log_x = QCheckBox("log iterations")
        self.log_x.setToolTip("A logarithmic iteration axis: the first hundred steps, where "
                              "most of the learning happens, keep their room in a long run.")
        self.log_x.toggled.connect(self._set_log_x)
        self.log_y = QCheckBox("log cost")
        self.log_y.setToolTip("Show the cost on a logarithmic axis: steady progress toward a "
                              "minimum looks like a straight line, and small late gains stay "
                              "visible.")
        self.log_y.toggled.connect(self._set_log)
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # The boundary plot with its tools (neuron pictures, toggles, data you draw).
        self.boundary_box = BoundaryBox(context.controller)
        self.boundary = self.boundary_box.plot
        self.boundary.setToolTip(
            "The network's output over the plane of the two inputs: the colour is a[L] = "
            "P(y = 1 | x) for a sigmoid output, the dashed line is a[L] = 0.5 (the decision "
            "boundary). Circles: training examples; triangles: test examples.")
        self.outcome = QStackedWidget()
        self.outcome.addWidget(self.boundary_box)
        # The views for 1 feature or more than 2 are built the first time they are needed.
        self._views = {"boundary": self.boundary_box}

        curves = QSplitter(Qt.Orientation.Vertical)
        curves.addWidget(self.cost_plot)
        curves.addWidget(self.metric_plot)
        curves.setSizes([260, 240])
        curves.setMinimumWidth(CURVES_MIN_WIDTH)  # titles, legends and ticks stay readable
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.outcome)
        splitter.addWidget(curves)
        splitter.setStretchFactor(0, 6)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.log_x)
        top.addWidget(self.log_y)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.on_theme(context.appearance.colors)

    # -- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        h = snapshot.history
        # At most ~2 points per pixel column: drawing more only costs time.
        step = max(1, len(h.iterations) // MAX_CURVE_POINTS)
        h = History(*(a[::step] for a in (h.iterations, h.train_cost, h.test_cost,
                                           h.train_metric, h.test_metric)))
        h = with_latest(h, snapshot)
        it = h.iterations.astype(np.float64)
        if self.log_x.isChecked():  # iteration 0 has no place on a log axis
            keep = it > 0
            h = History(*(a[keep] for a in (h.iterations, h.train_cost, h.test_cost,
                                            h.train_metric, h.test_metric)))
            it = it[it > 0]
        log = self.log_y.isChecked()
        pick = positive_xy if log else finite_xy
        train_cost, test_cost = pick(it, h.train_cost), pick(it, h.test_cost)
        train_metric, test_metric = finite_xy(it, h.train_metric), finite_xy(it, h.test_metric)
        # A single point (iteration 0) draws no line: mark it until there are two.
        marked = it.size < 2
        for curve, xy in ((self.train_cost, train_cost), (self.test_cost, test_cost),
                          (self.train_metric, train_metric), (self.test_metric, test_metric)):
            if marked != self._marked:  # restyle only on a change: symbols cost per frame
                curve.setSymbol("o" if marked else None)
                curve.setSymbolSize(7)
                curve.setSymbolPen(None)
                curve.setSymbolBrush(curve.opts["pen"].color())
            curve.setData(*xy)
        self._marked = marked
        started = snapshot.iteration > 0 or snapshot.state == "running"
        if started != self._started:
            self._started = started
            for hint in self.start_hints:
                hint.setVisible(not started)
        if snapshot.metric_name != self._metric_name:
            self._metric_name = snapshot.metric_name
            item = self.metric_plot.getPlotItem()
            c = self.context.appearance.colors
            title = "Accuracy" if snapshot.metric_name == "accuracy" else "R² (regression)"
            item.setTitle(title, color=c.foreground)
            item.setLabel("left", "accuracy" if snapshot.metric_name == "accuracy" else "R²",
                          color=c.foreground)
            self.metric_range.reset()
        if snapshot.generation != self._generation:
            self._generation = snapshot.generation
            self.cost_range.reset()
            self.metric_range.reset()
        self._update_ranges(snapshot, train_cost[1], test_cost[1], log)
        self._update_outcome(snapshot)
        if snapshot.data is not self._data:
            self._data = snapshot.data
            self.summary.setText(self._summary_text(snapshot))

    def _update_ranges(self, snapshot, train_cost, test_cost, log: bool) -> None:
        # Live: ranges move in steps with headroom (cheap); paused: tight around the data.
        cost_range = self.cost_range.update if snapshot.state == "running" else \
            self.cost_range.fit
        costs = np.concatenate([train_cost, test_cost])
        if costs.size:
            lo, hi = float(costs.min()), float(costs.max())
            if log:
                cost_range(snapshot.iteration, np.log10(lo), np.log10(hi))
            else:
                cost_range(snapshot.iteration, 0.0, hi, y_limits=(0.0, None))
        if snapshot.metric_name == "accuracy":
            self.metric_range.update(0, 0.0, 1.0, y_limits=(0.0, 1.02))
        else:
            h = snapshot.history
            values = np.concatenate([h.train_metric, h.test_metric])
            values = values[np.isfinite(values)]
            if values.size:
                self.metric_range.update(0, min(float(values.min()), 0.0), 1.0,
                                         y_limits=(None, 1.05))

    def view(self, kind: str):
        """The outcome view ``boundary``, ``response``, ``confusion`` or ``pred_true``."""
        if kind not in self._views:
            view = {"response": ResponseView, "confusion": ConfusionView,
                    "pred_true": PredictedVsTrueView, "images": ImageDataView}[kind]()
            if kind == "confusion":
                view.setToolTip("How often each true class (row) is predicted as each class "
                                "(column); the diagonal is right.")
            view.on_theme(self.context.appearance.colors)
            self.outcome.addWidget(view)
            self._views[kind] = view
        return self._views[kind]

    def _update_outcome(self, snapshot) -> None:
        if snapshot.boundary is not None:
            kind = "boundary"
        elif snapshot.curve is not None:
            kind = "response"
        elif snapshot.evaluation is not None and snapshot.evaluation.images is not None:
            kind = "images"  # image data: W[1] as pictures and the misclassified images
        elif snapshot.evaluation is not None and snapshot.evaluation.confusion is not None:
            kind = "confusion"
        elif snapshot.evaluation is not None:
            kind = "pred_true"
        else:
            return
        view = self.view(kind)
        self.outcome.setCurrentWidget(view)
        view.update_from(snapshot)

    @staticmethod
    def _summary_text(s) -> str:
        """The data set in one line (the live numbers are in the status bar)."""
        d = s.data
        task = {"binary": "binary classification",
                "multiclass": f"{len(d.class_names)}-class classification",
                "regression": "regression"}[d.task]
        norm = ", normalized inputs" if d.normalized else ""
        return (f"<b>{d.title}</b>: {d.m_train} training / {d.m_test} test examples, "
                f"{d.n_features} features, {task}{norm}")

    def on_theme(self, c: PlotColors) -> None:
        for plot in (self.cost_plot, self.metric_plot):
            style_plot(plot, c)
        # Width 1: these lines are redrawn several times a second, and a 2-pixel
        # antialiased line costs about half as much again to paint.
        self.train_cost.setPen(pg.mkPen(c.train, width=1))
        self.test_cost.setPen(pg.mkPen(c.test, width=1))
        self.train_metric.setPen(pg.mkPen(c.train, width=1))
        self.test_metric.setPen(pg.mkPen(c.test, width=1))
        for view in self._views.values():
            view.on_theme(c)

    def figures(self) -> dict[str, object]:
        return {"cost": self.cost_plot.getPlotItem(),
                "accuracy": self.metric_plot.getPlotItem(),
                "prediction": self.outcome.currentWidget().getPlotItem()}

    # -- helpers -----------------------------------------------------------------------
    def _set_log_x(self, on: bool) -> None:
        for plot, steady in ((self.cost_plot, self.cost_range),
                             (self.metric_plot, self.metric_range)):
            plot.getPlotItem().setLogMode(x=on)
            steady.log_x = on
            steady.reset()
        snap = self.controller.latest
        if snap is not None:
            self.on_snapshot(snap)

    def _set_log(self, on: bool) -> None:
        self.cost_plot.getPlotItem().setLogMode(y=on)
        self.cost_range.reset()
        snap = self.controller.latest
        if snap is not None:
            self.on_snapshot(snap)


START_HINT = "Press Space or ▶ Play to train"


def _centred_hint(plot) -> pg.LabelItem:
    """A label fixed at the centre of ``plot``'s view (not in data coordinates)."""
    hint = pg.LabelItem(START_HINT, size="11pt", color="#808080")
    hint.setParentItem(plot.getPlotItem().getViewBox())
    hint.anchor(itemPos=(0.5, 0.5), parentPos=(0.5, 0.5))
    return hint
