"""Gradient flow panel: how large the gradient is in each layer, now and over iterations.

A banner on top gives the verdict (vanishing / exploding / healthy) with a short explanation
and the usual remedies (:mod:`.gradient_flow_diagnosis`, pure NumPy). Below it: a bar per
layer of the chosen gradient metric at the current snapshot and one line per layer over
iterations (both log axes, coloured by depth, input side dark), the distribution of ``Z[l]``
or ``A[l]`` per layer as a "layer x bin" heat map, and the saturated / dead-ReLU fractions.

Everything comes from the snapshot the worker measured (norms over all training examples,
``Z``/``A`` on a fixed subsample); the panel only takes a few histograms of small arrays.
While training is paused, a rebuilt network (e.g. the init-scale slider) arrives as a fresh
snapshot at once.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractScrollArea, QComboBox, QGridLayout, QHBoxLayout,
                               QLabel, QStackedWidget, QVBoxLayout, QWidget)

from nnviz.engine.activations import activation_value, saturated_intervals
from nnviz.training.snapshot import RUNNING

from ...theme import PlotColors, colors
from ..base import Panel, PanelContext
from nnviz.analysis.gradient_flow import FlowDiagnosis, diagnose_snapshot
from .plots import ActivityPlot, DistributionPlot, HistoryPlot, NowPlot, depth_colours
from .verdict import BANNER_SHARE, VerdictBanner
from .weights import WeightNormPlot
from nnviz.analysis.gradient_flow_stats import (METRIC_KEYS, METRICS, SATURATION_SLOPE,
                                                FlowStats, LayerHistory, flow_stats,
                                                layer_histograms, run_history, spans_decades)

MAX_HISTOGRAM_VALUES = 24_000   # all layers together; a strided sample beyond this
MIN_LEGEND_CELL = 320           # px: a narrower history plot goes without its layer legend
DISTRIBUTION_INTERVAL = 0.1     # s: while training runs, the heat map redraws at most 10x/s
READOUT_HINT = "<i>Point at a bar for that layer's numbers.</i>"

METRIC_TIP = ("Which per-layer gradient number to show, now (bars) and over iterations "
              "(lines). Backprop computes dZ[l] = dA[l] * g'(Z[l]), dA[l-1] = W[l]ᵀ dZ[l] and "
              "dW[l] = (1/m) dZ[l] A[l-1]ᵀ: if the bars fall by orders of magnitude toward "
              "layer 1 the gradient vanishes, if they rise it explodes.")
QUANTITY_TIP = ("Z[l] = W[l] A[l-1] + b[l] (pre-activations: where they sit on g decides the "
                "slope g'(Z[l])) or A[l] = g[l](Z[l]) (what the next layer receives).")
SCALE_TIP = ("auto: magnitude when the layers' typical sizes differ by more than 100×, "
             "values otherwise.\nvalues: the numbers themselves (dashed lines: where sigmoid/tanh saturate, "
             f"|g'(z)| < {SATURATION_SLOPE}).\nmagnitude: log10 of |value|, so layers that "
             "shrink or grow by orders of magnitude (vanishing / exploding activations) stay "
             "visible side by side.")
NOW_TIP = ("One bar per layer l = 1..L (1 next to the input, L the output) on a log axis: "
           "each grid line is a factor of 10. The dashed line is the geometric trend, a "
           "constant factor per layer, fitted across layers.")
HISTORY_TIP = ("The chosen number for every layer over the whole run (recorded with every "
               "snapshot, also while this panel was hidden; thinned when long), coloured as "
               "the bars: dark purple "
               "= layer 1 next to the input, orange = the output layer L. Lines fanning apart "
               "by orders of magnitude = layers learning at very different speeds.")
DISTRIBUTION_TIP = ("For each layer (column), how its values spread over the bins (colour = "
                    "% of that layer's values, on the snapshot's sample of examples). "
                    "Sigmoid/tanh units beyond the dashed lines are saturated: g'(z) is "
                    "nearly 0 there, so dZ[l] = dA[l] * g'(Z[l]) is too. A column collapsing "
                    "toward 0 layer after layer is a vanishing signal.")
ACTIVITY_TIP = (f"Saturated: share of sigmoid/tanh values Z[l] with |g'(z)| < {SATURATION_SLOPE}."
                "\nDead: share of a ReLU layer's units with Z[l] ≤ 0 on every example "
                "(slope 0 for all of them: they pass no gradient and never recover).")


class GradientFlowPanel(Panel):
    """Per-layer gradient magnitudes, activation statistics and a vanishing/exploding verdict.

    Feed it with ``on_snapshot(snapshot)``; read back ``diagnosis``, ``stats``,
    ``now_plot.bar_values()``, ``history`` and ``history_plot.curves``.
    """

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.history = LayerHistory()
        self.stats: FlowStats | None = None
        self.diagnosis: FlowDiagnosis | None = None
        self._snapshot = None
        self._run_key = None
        self._watched: QWidget | None = None
        self._colours: list[QColor] = []
        self._distribution_drawn = 0.0
        self._theme: PlotColors = (context.appearance.colors if context is not None
                                   else colors())
        self._build()
        self.on_theme(self._theme)

    # -- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = VerdictBanner()

        self.metric_combo = QComboBox()
        for key in METRIC_KEYS:
            label, tip = METRICS[key]
            self.metric_combo.addItem(label, key)
            self.metric_combo.setItemData(self.metric_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.metric_combo.setToolTip(METRIC_TIP)
        self.quantity_combo = QComboBox()
        self.quantity_combo.addItem("Z[l]", "Z")
        self.quantity_combo.addItem("A[l]", "A")
        self.quantity_combo.setToolTip(QUANTITY_TIP)
        self.scale_combo = QComboBox()
        self.scale_combo.addItem("auto", None)
        self.scale_combo.addItem("values", False)
        self.scale_combo.addItem("magnitude (log)", True)
        self.scale_combo.setToolTip(SCALE_TIP)
        # On a line of its own, the whole width: a layer's numbers never cut.
        self.readout = QLabel(READOUT_HINT)
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setWordWrap(True)
        self.readout.setToolTip("Numbers of the layer under the mouse in the bar plot.")

        self.now_plot = NowPlot()
        self.history_plot = HistoryPlot()
        self.distribution_plot = DistributionPlot()
        self.activity_plot = ActivityPlot()
        self.now_plot.widget.setToolTip(NOW_TIP)
        self.history_plot.widget.setToolTip(HISTORY_TIP)
        self.distribution_plot.widget.setToolTip(DISTRIBUTION_TIP)
        self.activity_plot.widget.setToolTip(ACTIVITY_TIP)
        # The fourth cell: saturated/dead units, or the weights' norms (what L2 shrinks).
        # A stack, chosen in the controls row (a tab bar would take the plot's height).
        self.weights_plot = WeightNormPlot()
        self.fourth_tabs = QStackedWidget()
        self.fourth_tabs.addWidget(self.activity_plot.widget)
        self.fourth_tabs.addWidget(self.weights_plot.widget)
        self.fourth_combo = QComboBox()
        self.fourth_combo.addItem("saturated / dead units")
        self.fourth_combo.addItem("weights ||W[l]||")
        self.fourth_combo.setToolTip("What the fourth plot shows: the share of saturated "
                                     "or dead units per layer, or each layer's weight norm "
                                     "over the run (L2 regularization, λ > 0, keeps it "
                                     "small).")
        self.fourth_combo.currentIndexChanged.connect(self.fourth_tabs.setCurrentIndex)
        self.fourth_tabs.currentChanged.connect(lambda _i: self._redraw_weights())

        controls = QHBoxLayout()
        controls.addWidget(_label("Gradient:", self.metric_combo))
        controls.addWidget(self.metric_combo)
        controls.addSpacing(16)
        controls.addWidget(_label("Distribution of", self.quantity_combo))
        controls.addWidget(self.quantity_combo)
        controls.addWidget(self.scale_combo)
        controls.addSpacing(16)
        controls.addWidget(_label("Also:", self.fourth_combo))
        controls.addWidget(self.fourth_combo)
        controls.addStretch(1)

        # Four plots: a 2 x 2 grid when there is height for it, one row when the dock is
        # short and wide (the default bottom dock), so no plot gets squashed flat.
        self.plots_area = QWidget()
        self.plots_grid = QGridLayout(self.plots_area)
        self.plots_grid.setContentsMargins(0, 0, 0, 0)
        self.plots_grid.setSpacing(4)
        self._one_row: bool | None = None
        self._arrange(one_row=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addLayout(controls)
        layout.addWidget(self.readout)
        layout.addWidget(self.plots_area, 1)

        self.metric_combo.currentIndexChanged.connect(lambda _i: self._redraw_gradients())
        self.quantity_combo.currentIndexChanged.connect(lambda _i: self._redraw_distribution())
        self.scale_combo.currentIndexChanged.connect(lambda _i: self._redraw_distribution())
        self.now_plot.widget.scene().sigMouseMoved.connect(self._mouse_moved)

    def _plot_widgets(self) -> list[QWidget]:
        return [self.now_plot.widget, self.history_plot.widget,
                self.distribution_plot.widget, self.fourth_tabs]

    def _arrange(self, one_row: bool) -> None:
        if one_row == self._one_row:
            return
        self._one_row = one_row
        # Short and wide: a legend or long titles would leave no room for the plots.
        self.history_plot.set_compact(one_row)
        for i, widget in enumerate(self._plot_widgets()):
            row, col = (0, i) if one_row else divmod(i, 2)
            self.plots_grid.addWidget(widget, row, col)
        for col in range(4):
            self.plots_grid.setColumnStretch(col, 1 if one_row or col < 2 else 0)
        for row in range(2):
            self.plots_grid.setRowStretch(row, 1 if row == 0 or not one_row else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit_to_view()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        # In a dock the panel sits in a scroll area and stays at its minimum size when the
        # dock is shorter: fit the verdict to what is in view, and follow the view's size.
        viewport = self._viewport()
        if viewport is not None and viewport is not self._watched:
            viewport.installEventFilter(self)
            self._watched = viewport
        self._fit_to_view()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            self._fit_to_view()
        return super().eventFilter(watched, event)

    def _viewport(self) -> QWidget | None:
        parent = self.parentWidget()
        if parent is not None and isinstance(parent.parentWidget(), QAbstractScrollArea):
            return parent
        return None

    def visible_size(self) -> tuple[int, int]:
        """The panel's size, or the part a scroll area around it shows."""
        viewport = self._viewport()
        if viewport is None:
            return self.width(), self.height()
        return min(self.width(), viewport.width()), min(self.height(), viewport.height())

    def _fit_to_view(self) -> None:
        width, height = self.visible_size()
        if width > 0 and height > 0:
            # 2 x 2 or one row, whichever gives plots closer to a 1.6 : 1 shape, in the
            # height the verdict (at most BANNER_SHARE) and the controls leave.
            plots = max(height - min(self.banner.height(), BANNER_SHARE * height) - 56, 1)
            def misfit(columns, rows):
                return abs(np.log(width / columns / (plots / rows) / 1.6))
            one_row = misfit(4, 1) < misfit(2, 2)
            if one_row != self._one_row:
                self._arrange(one_row)
                self._redraw_gradients()
            # The layer legend needs a wide cell; otherwise the bars' colours are the key.
            self.history_plot.set_compact(one_row or width < 2 * MIN_LEGEND_CELL)
        self._show_diagnosis()  # the wording that fits the new size

    # -- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        if not snapshot.layers:
            return
        self._snapshot = snapshot
        stats = flow_stats(snapshot)
        depth_changed = self.stats is None or self.stats.layer_dims != stats.layer_dims
        self.stats = stats
        recorded = self.history.add(stats)  # used only when the snapshot has no run history
        run = snapshot.layer_history
        run_key = (None if run is None or not len(run.iterations)
                   else (snapshot.generation, len(run.iterations), int(run.iterations[-1])))
        recorded = recorded or run_key != self._run_key
        self._run_key = run_key
        self.diagnosis = diagnose_snapshot(snapshot, stats.saturated_fraction,
                                           stats.dead_fraction)
        if depth_changed:
            self._colours = depth_colours(stats.L, self._theme.dark)
            self.history_plot.ensure_layers(stats.L, self._colours)
        self._show_diagnosis()
        self._redraw_now()
        if recorded or depth_changed:
            self._redraw_history()
            self._redraw_weights()
        # The heat map is the costliest part: while training runs it may skip a snapshot
        # (the next one, or the one sent on pause, shows the latest state).
        now = time.monotonic()
        if (snapshot.state != RUNNING or depth_changed
                or now - self._distribution_drawn >= DISTRIBUTION_INTERVAL):
            self._redraw_distribution()
            self.activity_plot.set_data(stats.saturated_fraction, stats.dead_fraction)

    def on_theme(self, c: PlotColors) -> None:
        self._theme = c
        for plot in (self.now_plot, self.history_plot, self.distribution_plot,
                     self.activity_plot, self.weights_plot):
            plot.on_theme(c)
        if self.stats is not None:
            self._colours = depth_colours(self.stats.L, c.dark)
            self.history_plot.recolour(self._colours)
            self._redraw_gradients()
            self._redraw_weights()
            self._redraw_distribution()
        self._show_diagnosis()

    def figures(self) -> dict[str, object]:
        return {"gradient_now": self.now_plot.item,
                "gradient_history": self.history_plot.item,
                "activation_distribution": self.distribution_plot.item,
                "saturated_dead": self.activity_plot.item,
                "weight_norms": self.weights_plot.item}

    # -- public helpers ----------------------------------------------------------------
    def set_metric(self, key: str) -> None:
        index = self.metric_combo.findData(key)
        if index < 0:
            raise ValueError(f"unknown metric {key!r}; choose one of {', '.join(METRIC_KEYS)}")
        self.metric_combo.setCurrentIndex(index)

    def current_metric(self) -> str:
        return self.metric_combo.currentData()

    # -- drawing -----------------------------------------------------------------------
    def _redraw_gradients(self) -> None:
        self._redraw_now()
        self._redraw_history()

    def _redraw_now(self) -> None:
        if self.stats is None:
            return
        key = self.current_metric()
        self.now_plot.set_data(self.stats.metrics[key], METRICS[key][0], self._colours)

    def _redraw_history(self) -> None:
        if self.stats is None:
            return
        key = self.current_metric()
        run = run_history(self._snapshot.layer_history, key, self.stats.L)
        iterations, values = run if run is not None else (self.history.iterations(),
                                                          self.history.values(key))
        self.history_plot.set_data(iterations, values, METRICS[key][0])

    def _redraw_weights(self) -> None:
        """||W[l]||_F over the run (only while its tab is shown: it is cheap, but hidden)."""
        snapshot = self._snapshot
        if snapshot is None or self.stats is None or self.fourth_tabs.currentIndex() != 1:
            return
        run = snapshot.layer_history
        if run is None or "weight_norm" not in run.series:
            iterations, norms = np.zeros(0), np.zeros((0, self.stats.L))
        else:
            iterations, norms = run.iterations, run.series["weight_norm"]
        self.weights_plot.set_data(iterations, norms, self._colours,
                                   snapshot.config.hyper.lambd)

    def _redraw_distribution(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        self._distribution_drawn = time.monotonic()
        quantity = self.quantity_combo.currentData()
        arrays = [getattr(layer, quantity).ravel() for layer in snapshot.layers]
        total = sum(a.size for a in arrays)
        if total > MAX_HISTOGRAM_VALUES:  # evenly strided: the shares stay the same
            stride = -(-total // MAX_HISTOGRAM_VALUES)
            arrays = [a[::stride] for a in arrays]
        magnitude = self.scale_combo.currentData()
        if magnitude is None:
            magnitude = spans_decades(arrays)
        lines = self._saturation_lines(quantity, magnitude)
        hist = layer_histograms(arrays, magnitude=magnitude, include=tuple(lines))
        self.distribution_plot.set_data(hist, quantity, lines)

    def _saturation_lines(self, quantity: str, magnitude: bool) -> list[float]:
        """Where the (single) saturating hidden activation's |g'| drops below the threshold,
        in the plotted coordinate."""
        hidden = {a for a in self.stats.activations[:-1] if a in ("sigmoid", "tanh")}
        if len(hidden) != 1:
            return []
        name = hidden.pop()
        intervals = saturated_intervals(name, SATURATION_SLOPE, -50.0, 50.0)
        if len(intervals) != 2:
            return []
        z_star = intervals[1][0]  # |g'(z)| < threshold for |z| > z_star
        if quantity == "Z":
            return [float(np.log10(z_star))] if magnitude else [-z_star, z_star]
        if magnitude:
            return []
        return [float(v) for v in activation_value(name, np.array([-z_star, z_star]))]

    def _show_diagnosis(self) -> None:
        if self.diagnosis is not None:
            self.banner.show_diagnosis(self.diagnosis, self._theme, bool(self._one_row),
                                       self.visible_size())

    def _mouse_moved(self, position) -> None:
        if self.stats is None:
            return
        view = self.now_plot.item.vb
        if not self.now_plot.item.sceneBoundingRect().contains(position):
            return
        x = view.mapSceneToView(position).x()
        l = int(round(x))
        if 1 <= l <= self.stats.L:
            self.readout.setText(self.layer_summary(l))

    def layer_summary(self, l: int) -> str:
        """One line of numbers for layer ``l`` (1-based)."""
        s = self.stats
        i = l - 1
        m = s.metrics
        parts = [f"<b>layer {l}</b> ({s.activations[i]}, {s.layer_dims[l]} units)",
                 f"||dW|| {m['dW_norm'][i]:.3g}", f"||dZ|| {m['dZ_norm'][i]:.3g}",
                 f"||W|| {s.W_norm[i]:.3g}", f"α||dW||/||W|| {m['update_ratio'][i]:.3g}"]
        if np.isfinite(s.saturated_fraction[i]):
            parts.append(f"saturated {100 * s.saturated_fraction[i]:.0f}%")
        if np.isfinite(s.dead_fraction[i]):
            parts.append(f"dead {100 * s.dead_fraction[i]:.0f}%")
        return " · ".join(parts)


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    label.setToolTip(buddy.toolTip())
    return label
