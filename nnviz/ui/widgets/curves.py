"""Cost and accuracy against iteration, live: the curves the training panel and the Landscape
workspace's curves panel show (:class:`CurvesView`).

The view lays itself out for the size it is given: the two plots stacked when each gets a
readable height, side by side otherwise. It draws what a snapshot's history holds and starts
afresh with every new run (a rebuild or a reset: a new ``snapshot.generation``).

Long runs: the first few hundred iterations, where most of the learning happens, would be
squashed against the axis of a 10,000-iteration run; the iteration axis turns logarithmic by
itself once a run passes :data:`AUTO_LOG_FROM` iterations. A click on "log iterations" makes
the choice the user's from then on.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from nnviz.training.snapshot import History

from ..plotting import SteadyRange, finite_xy, legend_in_title_row, make_plot, positive_xy, style_plot
from ..theme import PlotColors, colors

MAX_CURVE_POINTS = 600
AUTO_LOG_FROM = 2000       # iterations: from here on the iteration axis is logarithmic
PLOT_MIN_WIDTH = 262       # a 200 px wide view box with its left axis and margin
PLOT_MIN_HEIGHT = 222      # a 150 px tall view box with its title row and bottom axis

COST_TIP = ("Cost J against iteration (without the L2 term, so train and test compare).\n"
            "Binary cross-entropy J = -(1/m) Σ [y log a + (1-y) log(1-a)] for a sigmoid output,\n"
            "cross-entropy for softmax, (1/2m) Σ (a - y)² for a linear output.\n"
            "Train falling while test rises = overfitting.")
METRIC_TIP = ("Accuracy: the fraction of examples whose predicted class is right "
              "(ŷ = 1 when a[L] > 0.5).\nR² (regression): 1 - Σ(y - ŷ)² / Σ(y - ȳ)²; 1 is perfect, "
              "0 is no better than predicting the mean.")
LOG_X_TIP = (f"A logarithmic iteration axis: the first hundred steps, where most of the "
             f"learning happens, keep their room in a long run.\nOn by itself once a run passes "
             f"{AUTO_LOG_FROM:,} iterations (off again for a new run); a click on this box "
             f"makes it yours: it then stays as you set it.")
LOG_Y_TIP = ("Show the cost on a logarithmic axis: steady progress toward a minimum looks like a "
             "straight line, and small late gains stay visible.")
START_HINT = "Press Space or ▶ Play<br>to train"

_FIELDS = ("iterations", "train_cost", "test_cost", "train_metric", "test_metric")


def _history(arrays) -> History:
    return History(*arrays)


def _fields(h: History):
    return tuple(getattr(h, name) for name in _FIELDS)


def with_latest(h: History, snapshot) -> History:
    """``h`` ending at the snapshot's own iteration: the history is recorded every few
    steps, so its last point may be older than what the status bar shows (a session loaded
    or paused between two records). A diverged snapshot's cost is not a point of the run."""
    last = h.iterations[-1] if len(h.iterations) else -1
    if snapshot.iteration <= last or snapshot.state == "diverged":
        return h
    now = (snapshot.iteration, snapshot.train_cost, snapshot.test_cost,
           snapshot.train_metric, snapshot.test_metric)
    return _history(np.append(a, v) for a, v in zip(_fields(h), now))


def long_run(iteration: int) -> bool:
    """Does a run this long get the logarithmic iteration axis (unless the user chose)?"""
    return iteration >= AUTO_LOG_FROM


class CurvesView(QWidget):
    """The cost plot and the accuracy (R²) plot with their log toggles, ranges, start hints
    and legends. ``own_toggle_row=False`` leaves :attr:`toggles` for the host to place (the
    training panel puts it in its one header row)."""

    def __init__(self, own_toggle_row: bool = True, parent=None):
        super().__init__(parent)
        self._generation = None
        self._metric_name = None
        self._snapshot = None
        self._started = False
        self._marked = False
        self._log_x_choice: bool | None = None  # None: the automatic rule decides
        self._colors = colors()
        self._arranged = False

        self.cost_plot = make_plot("Cost", "iteration", "cost J")
        self.cost_plot.setToolTip(COST_TIP)
        _compact(legend_in_title_row(self.cost_plot))
        self.train_cost = self.cost_plot.plot([], [], name="train")
        self.test_cost = self.cost_plot.plot([], [], name="test")
        self.metric_plot = make_plot("Accuracy", "iteration", "accuracy")
        self.metric_plot.setToolTip(METRIC_TIP)
        _compact(legend_in_title_row(self.metric_plot))
        self.train_metric = self.metric_plot.plot([], [], name="train")
        self.test_metric = self.metric_plot.plot([], [], name="test")
        self.metric_plot.setXLink(self.cost_plot)
        for plot in (self.cost_plot, self.metric_plot):
            plot.setMinimumSize(PLOT_MIN_WIDTH, PLOT_MIN_HEIGHT)
        for item in self.curves:
            item.setSkipFiniteCheck(True)  # show_snapshot hands them finite points only
        self.cost_range = SteadyRange(self.cost_plot.getPlotItem())
        self.metric_range = SteadyRange(self.metric_plot.getPlotItem(), manage_x=False)
        # Until the first step: say how to start, on the empty plots themselves.
        self.start_hints = [_centred_hint(plot) for plot in (self.cost_plot, self.metric_plot)]

        self.log_x = QCheckBox("log iterations")
        self.log_x.setToolTip(LOG_X_TIP)
        self.log_x.clicked.connect(self._log_x_clicked)  # clicks only: the user's choice
        self.log_x.toggled.connect(self._set_log_x)
        self.log_y = QCheckBox("log cost")
        self.log_y.setToolTip(LOG_Y_TIP)
        self.log_y.toggled.connect(self._set_log_y)
        self.toggles = QWidget()
        row = QHBoxLayout(self.toggles)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.log_x)
        row.addWidget(self.log_y)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.cost_plot)
        self.splitter.addWidget(self.metric_plot)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if own_toggle_row:
            row.insertStretch(0, 1)
            layout.addWidget(self.toggles)
        layout.addWidget(self.splitter, 1)
        self._own_toggle_row = own_toggle_row
        self._arrange(self.height())

    @property
    def curves(self) -> tuple:
        return self.train_cost, self.test_cost, self.train_metric, self.test_metric

    # -- layout ------------------------------------------------------------------------
    @property
    def stacked(self) -> bool:
        return self.splitter.orientation() == Qt.Orientation.Vertical

    def _plots_height(self, height: int) -> int:
        if self._own_toggle_row:
            return height - self.toggles.sizeHint().height() - 2
        return height

    def _arrange(self, height: int) -> None:
        """Stacked when each plot gets a readable height (a shared iteration axis reads
        best), side by side when not."""
        stacked = self._plots_height(height) >= 2 * PLOT_MIN_HEIGHT + self.splitter.handleWidth()
        orientation = Qt.Orientation.Vertical if stacked else Qt.Orientation.Horizontal
        if orientation != self.splitter.orientation() or not self._arranged:
            self._arranged = True
            self.splitter.setOrientation(orientation)
            half = (height if stacked else self.width()) // 2
            self.splitter.setSizes([half, half])
            # Side by side needs the width of two plots. The least height is one plot's
            # either way: the orientation follows the height, never the other way round.
            extra = self.toggles.sizeHint().height() + 2 if self._own_toggle_row else 0
            width = PLOT_MIN_WIDTH if stacked else 2 * PLOT_MIN_WIDTH + self.splitter.handleWidth()
            self.setMinimumSize(width, PLOT_MIN_HEIGHT + extra)

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._arrange(event.size().height())
        super().resizeEvent(event)

    # -- snapshots ---------------------------------------------------------------------
    def reset(self) -> None:
        """A new run: forget the old one's ranges and curves (drawn again from the next
        snapshot); the automatic log axis starts linear again."""
        self.cost_range.reset()
        self.metric_range.reset()
        for curve in self.curves:
            curve.setData([], [])
        if self._log_x_choice is None and self.log_x.isChecked():
            self._apply_log_x(False)

    def show_snapshot(self, snapshot) -> None:
        if snapshot.generation != self._generation:
            self._generation = snapshot.generation
            self.reset()
        self._snapshot = snapshot
        if self._log_x_choice is None and long_run(snapshot.iteration) != self.log_x.isChecked():
            self._apply_log_x(long_run(snapshot.iteration))
        self._draw(snapshot)

    def _draw(self, snapshot) -> None:
        h = snapshot.history
        # At most ~2 points per pixel column: drawing more only costs time.
        step = max(1, len(h.iterations) // MAX_CURVE_POINTS)
        h = with_latest(_history(a[::step] for a in _fields(h)), snapshot)
        it = h.iterations.astype(np.float64)
        if self.log_x.isChecked():  # iteration 0 has no place on a log axis
            keep = it > 0
            h = _history(a[keep] for a in _fields(h))
            it = it[keep]
        log = self.log_y.isChecked()
        pick = positive_xy if log else finite_xy
        train_cost, test_cost = pick(it, h.train_cost), pick(it, h.test_cost)
        train_metric, test_metric = finite_xy(it, h.train_metric), finite_xy(it, h.test_metric)
        # A single point (iteration 0) draws no line: mark it until there are two.
        marked = it.size < 2
        for curve, xy in zip(self.curves, (train_cost, test_cost, train_metric, test_metric)):
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
            self._title_metric(snapshot.metric_name)
        self._update_ranges(snapshot, train_cost[1], test_cost[1], log)
        if self.log_x.isChecked() and it.size:
            self._log_x_from(float(it[0]))

    def _log_x_from(self, first: float) -> None:
        """On a log axis, start at the first recorded iteration, not at 1: a long run's
        history is thinned, and its first record may be iteration 16 (a third of the axis
        left empty)."""
        steady = self.cost_range
        if steady.user_controlled:
            return
        vb = self.cost_plot.getPlotItem().getViewBox()
        (x0, x1), _ = vb.viewRange()
        lo = float(np.log10(first))
        if abs(x0 - lo) > 1e-9 and lo < x1:
            vb.setXRange(lo, x1, padding=0)

    def _title_metric(self, name: str) -> None:
        item = self.metric_plot.getPlotItem()
        c = self._colors
        accuracy = name == "accuracy"
        item.setTitle("Accuracy" if accuracy else "R² score", color=c.foreground)
        item.setLabel("left", "accuracy" if accuracy else "R²", color=c.foreground)
        self.metric_range.reset()

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

    # -- toggles -----------------------------------------------------------------------
    def _log_x_clicked(self, on: bool) -> None:
        self._log_x_choice = bool(on)

    def _apply_log_x(self, on: bool) -> None:
        """The automatic rule's change: the box shows it, no redraw (the caller draws)."""
        self.log_x.blockSignals(True)
        self.log_x.setChecked(on)
        self.log_x.blockSignals(False)
        self._log_x_mode(on)

    def _log_x_mode(self, on: bool) -> None:
        for curve in self.curves:  # redrawn next; iteration 0 has no place on a log axis
            curve.setData([], [])
        for plot, steady in ((self.cost_plot, self.cost_range),
                             (self.metric_plot, self.metric_range)):
            plot.getPlotItem().setLogMode(x=on)
            steady.log_x = on
            steady.reset()

    def _set_log_x(self, on: bool) -> None:
        self._log_x_mode(on)
        if self._snapshot is not None:
            self._draw(self._snapshot)

    def _set_log_y(self, on: bool) -> None:
        self.cost_plot.getPlotItem().setLogMode(y=on)
        self.cost_range.reset()
        if self._snapshot is not None:
            self._draw(self._snapshot)

    # -- appearance and export ---------------------------------------------------------
    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        for plot in (self.cost_plot, self.metric_plot):
            style_plot(plot, c)
        # Width 1: these lines are redrawn several times a second, and a 2-pixel
        # antialiased line costs about half as much again to paint.
        for curve, color in zip(self.curves, (c.train, c.test, c.train, c.test)):
            curve.setPen(pg.mkPen(color, width=1))
        if self._marked:
            for curve in self.curves:
                curve.setSymbolBrush(curve.opts["pen"].color())

    def figures(self) -> dict[str, object]:
        return {"cost": self.cost_plot.getPlotItem(), "accuracy": self.metric_plot.getPlotItem()}


def _compact(legend: pg.LegendItem) -> None:
    """Narrow enough to share a side-by-side plot's title row with its title: the line
    sample close to its name, a wider gap only between two entries."""
    legend.layout.setHorizontalSpacing(3)
    for column in range(1, 16, 2):  # after each name
        legend.layout.setColumnSpacing(column, 10)


def _centred_hint(plot) -> pg.LabelItem:
    """A label fixed at the centre of ``plot``'s view (not in data coordinates)."""
    hint = pg.LabelItem(START_HINT, size="10pt", color="#808080")
    hint.setParentItem(plot.getPlotItem().getViewBox())
    hint.anchor(itemPos=(0.5, 0.5), parentPos=(0.5, 0.5))
    return hint
