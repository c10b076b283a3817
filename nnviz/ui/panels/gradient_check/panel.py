"""Gradient-check inspector: is backprop right, and if not, which layer and tensor is wrong?

The check itself runs on a :class:`~nnviz.training.jobs.JobRunner` (its own QThread), on a
float64 network rebuilt from the snapshot inside the job (gradient_check_jobs). The panel
shows the overall difference with a verdict coloured by the course's thresholds, a per-layer
and per-tensor summary (table and bar chart), a sortable per-parameter table (a model over the
result's arrays), heat maps of the relative error of each [W[l] | b[l]], analytic against
numerical, and the error of one- and two-sided differences against eps for the selected
parameter (a second runner, so a sweep never waits behind a long check).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHeaderView, QLabel,
                               QTableView, QTextBrowser, QTreeWidgetItem, QVBoxLayout, QWidget)

from nnviz.training.jobs import JobRunner

from ...theme import PlotColors, colors
from . import arrangement, jobs
from . import report
from . import scalar
from nnviz.analysis import gradient_check_text as text
from ..base import Panel, PanelContext
from .controls import CheckControls
from .heatmaps import ErrorHeatmaps
from .model import RELATIVE, ParameterTableModel
from .plots import ComparisonScatter, EpsilonPlot, TensorBars, element_classes

AUTO_CHECK_BUDGET = 200_000  # parameters x examples checked unasked on first show (~0.1 s)


class GradientCheckPanel(Panel):
    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(context, parent)
        self._snapshot = None
        self._outcome: jobs.CheckOutcome | None = None
        self.scalar_outcome = None  # the notebook's 1-D check, when it was the last one run
        self._selected: int | None = None
        self._sweep_key = None
        self._check_serial = 0
        self._auto_checked = False
        self._colors: PlotColors = context.appearance.colors if context else colors()
        self.jobs = JobRunner("nnviz-gradient-check", self)
        self.sweep_jobs = JobRunner("nnviz-epsilon-sweep", self)
        self.controls = CheckControls()
        c = self.controls  # the controls, under the panel's own names too
        self.source, self.examples, self.mode, self.eps, self.bug = (
            c.source, c.examples, c.mode, c.eps, c.bug)
        self.layer, self.per_tensor, self.directions = c.layer, c.per_tensor, c.directions
        self.run_button, self.cancel_button, self.progress, self.status, self.banner = (
            c.run_button, c.cancel_button, c.progress, c.status, c.banner)
        self._build_results()
        self._build_layout()
        self._connect()
        self.controls.set_busy(False)
        self.on_theme(self._colors)

    # ----- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        previous = self._snapshot
        self._snapshot = snapshot
        if previous is None or previous.L != snapshot.L:
            self.controls.set_network_layers(snapshot.L)
        blocked = self.controls.dropout_blocks
        self.controls.set_training_keep_prob(jobs.training_keep_prob(snapshot))
        if self.controls.dropout_blocks != blocked and self._outcome is None:
            self._show_verdict()  # "press Run check" or "press Check with dropout off"
        if self._outcome is not None and self._outcome.setup.iteration is not None:
            self._show_verdict()  # says whether the network has changed since the check
        if not self._auto_checked and self.isVisible():
            # The first time the panel is on screen, a small network is checked at once,
            # so the learner sees a result rather than an empty panel.
            self._auto_checked = True
            n = self.examples.value() or snapshot.data.m_train
            # Not with dropout on: the banner says why and offers the check without it.
            if (self._outcome is None and not self.busy and not self.controls.dropout_blocks
                    and self.source.currentData() == "network"
                    and snapshot.n_params * min(n, snapshot.data.m_train) <= AUTO_CHECK_BUDGET):
                self.run_check()

    def on_theme(self, colors: PlotColors) -> None:
        self._colors = colors
        for plot in (self.tensor_bars, self.scatter, self.eps_plot, self.heatmaps):
            plot.on_theme(colors)
        self.model.set_colours(colors.good, colors.warn, colors.bad, colors.neutral)
        self.controls.on_theme(colors)
        self._show_verdict()
        self.summary.show_outcome(self._outcome, colors)

    def figures(self) -> dict[str, object]:
        figures = {"per_tensor": self.tensor_bars.plot.getPlotItem(),
                   "analytic_vs_numerical": self.scatter.plot.getPlotItem(),
                   "error_vs_eps": self.eps_plot.plot.getPlotItem()}
        if self.heatmaps.has_result:
            self.heatmaps.flush()
            figures["heat_maps"] = self.heatmaps.ci
        return figures

    def shutdown(self) -> None:
        self.jobs.shutdown()
        self.sweep_jobs.shutdown()

    # ----- public API (also used by tests) -----------------------------------------------
    def request(self, dropout_off: bool = False) -> jobs.CheckRequest:
        """The check the controls describe (``dropout_off``: with keep_prob = 1)."""
        snapshot = self._current_snapshot()
        seed = 0 if snapshot is None else int(snapshot.config.network.seed)
        return self.controls.request(seed, dropout_off)

    def run_check(self, dropout_off: bool = False) -> None:
        """Start a check in the background (replacing one that is running). The current
        network is not checked with dropout on unless ``dropout_off`` (keep_prob = 1 in the
        check; training keeps its own)."""
        request = self.request(dropout_off)
        snapshot = self._current_snapshot()
        if request.source == "network" and snapshot is None:
            self._show_error("No network yet: start or step training first, or check the "
                             "course exercise.")
            return
        if (request.source == "network" and not dropout_off
                and jobs.training_keep_prob(snapshot) < 1.0):
            self.controls.set_training_keep_prob(jobs.training_keep_prob(snapshot))
            self._show_error("Not checked: dropout is on (why: above). Press 'Check with "
                             "dropout off'; training keeps its dropout.")
            return
        self.status.setText("Starting…")
        self.progress.setValue(0)
        self._check_serial += 1
        _submit_replacing(self.jobs, lambda job: jobs.run_check(request, snapshot, job),
                          (self._check_serial, request))

    def check_without_dropout(self) -> None:
        """The one click: the current network checked with keep_prob = 1."""
        self.run_check(dropout_off=True)

    def cancel(self) -> None:
        self.jobs.cancel()
        self.sweep_jobs.cancel()

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    @property
    def outcome(self) -> jobs.CheckOutcome | None:
        return self._outcome

    def select_parameter(self, k: int) -> None:
        """Select theta[k] everywhere: table row, scatter, heat map; sweep eps for it."""
        row = self.model.row_of(k)
        if row is None and self.model.tensor_filter is not None:
            self.table_filter.setCurrentIndex(0)  # show every tensor again
            row = self.model.row_of(k)
        if row is not None:
            self.table.selectRow(row)  # -> _on_row_changed
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self._select(k)

    def set_source(self, source: str) -> None:
        self.source.setCurrentIndex(self.source.findData(source))

    def set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(self.mode.findData(mode))

    def set_planted_bug(self, bug: str | None) -> None:
        index = self.bug.findData(bug)
        if index < 0:
            raise ValueError(f"no planted bug {bug!r} for this network; choose one of "
                             f"{[self.bug.itemData(i) for i in range(self.bug.count())]}")
        self.bug.setCurrentIndex(index)

    # ----- construction ------------------------------------------------------------------
    def _build_results(self) -> None:
        self.verdict = QLabel()
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setToolTip(text.THRESHOLDS_TIP)
        self.explanation = QTextBrowser()
        self.explanation.setOpenLinks(False)
        self.explanation.setMinimumHeight(60)
        self.explanation.setToolTip(text.THRESHOLDS_TIP)
        self.tensor_bars = TensorBars()
        self.summary = report.SummaryTree()
        self.heatmaps = ErrorHeatmaps()
        self.model = ParameterTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(RELATIVE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()  # its hint: the title and the sort arrow
        digits = metrics.horizontalAdvance("-0.00000e-00") + 14
        for column, width in enumerate((metrics.horizontalAdvance("dW10[000,000]") + 14,
                                        digits, digits, metrics.horizontalAdvance(
                                            "Rel. error") + 28)):
            self.table.setColumnWidth(column, max(width, header.sectionSizeHint(column)))
        self.table.setToolTip("Every checked element, worst first. Click a header to sort; "
                              "select a row to see it in the plots and its error against ε.")
        self.table_filter = QComboBox()
        self.table_filter.addItem("all tensors", None)
        self.table_filter.setToolTip(text.TABLE_FILTER_TIP)
        self.table_caption = QLabel()
        self.scatter = ComparisonScatter()
        self.eps_plot = EpsilonPlot()
        self.sweep_all = QCheckBox("whole θ")
        self.sweep_all.setToolTip(text.SWEEP_ALL_TIP)

    def _build_layout(self) -> None:
        self.where_tabs = arrangement.tabs(
            [(self.tensor_bars, "Per tensor"), (self.summary, "Per layer"),
             (self.heatmaps, "Heat maps")],
            [self.tensor_bars.plot.toolTip(), text.SUMMARY_TIP, self.heatmaps.toolTip()])
        self.eps_plot.add_beside_caption(self.sweep_all)
        self.plot_tabs = arrangement.tabs(
            [(self.eps_plot, "Error vs ε"), (self.scatter, "Analytic vs numerical")],
            [self.eps_plot.plot.toolTip(), self.scatter.plot.toolTip()])
        self.results = arrangement.ResultsSplitter(
            self.explanation, arrangement.side_by_side(self.where_tabs, self.plot_tabs),
            arrangement.table_with_head(self.table, arrangement.bold_label("Parameters"),
                                        self.table_filter, self.table_caption))
        self.verdict.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.controls)
        layout.addWidget(self.verdict)
        layout.addWidget(self.results, 1)

    def _connect(self) -> None:
        self.run_button.clicked.connect(lambda _checked=False: self.run_check())
        self.controls.dropout_button.clicked.connect(
            lambda _checked=False: self.check_without_dropout())
        self.cancel_button.clicked.connect(self.cancel)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, lambda: self.run_check(),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.jobs.busy_changed.connect(self.controls.set_busy)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(lambda tag, message: self._latest(tag)
                                 and self._show_error(message))
        self.jobs.cancelled.connect(lambda tag: self._latest(tag)
                                    and self.status.setText("Cancelled."))
        self.sweep_jobs.finished.connect(self._on_sweep)
        self.sweep_jobs.failed.connect(
            lambda _tag, message: self.eps_plot.clear(f"Error vs ε failed: {text.html(message)}"))
        self.sweep_jobs.cancelled.connect(lambda _tag: self.eps_plot.clear("Cancelled."))
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.model.modelReset.connect(self._update_table_caption)
        self.table_filter.currentIndexChanged.connect(
            lambda _i: self.model.set_tensor_filter(self.table_filter.currentData()))
        self.tensor_bars.tensor_clicked.connect(self._show_tensor)
        self.summary.itemClicked.connect(self._on_summary_clicked)
        self.scatter.parameter_clicked.connect(self.select_parameter)
        self.heatmaps.parameter_clicked.connect(self.select_parameter)
        self.sweep_all.toggled.connect(lambda _on: self._request_sweep())
        # The empty verdict names the button to press (with dropout on: the one without it).
        self.source.currentIndexChanged.connect(
            lambda _i: self._outcome is None and self._show_verdict())

    # ----- reactions ---------------------------------------------------------------------
    def _current_snapshot(self):
        latest = self.context.controller.latest if self.context is not None else None
        return latest if latest is not None else self._snapshot

    def _on_progress(self, tag, fraction: float, message: str) -> None:
        if not self._latest(tag):
            return
        self.progress.setValue(int(round(1000 * fraction)))
        self.status.setText(message)

    def _show_error(self, message: str) -> None:
        self.status.setText(f"<span style='color:{self._colors.bad}'>{text.html(message)}</span>")

    def _latest(self, tag) -> bool:
        return tag[0] == self._check_serial

    def _on_finished(self, tag, outcome: jobs.CheckOutcome) -> None:
        if not self._latest(tag):
            return
        if isinstance(outcome, scalar.ScalarCheck):
            self._show_scalar(outcome)
            return
        self.scalar_outcome = None
        self._outcome = outcome
        if outcome.request.dropout_off:
            self.controls.dropout_checked()
        main = outcome.main
        self.status.setText(f"Done in {main.elapsed:.2f} s.")
        result = outcome.result
        self.model.set_result(result)
        self._fill_table_filter(result)
        self.summary.show_outcome(outcome, self._colors)
        self._show_verdict()
        self._sweep_key = None
        if result is not None:
            if self.context is not None:  # the challenges check it too
                self.controller.report_gradient_check(result)
            self.tensor_bars.show_tensors(result.tensors)
            self.heatmaps.show_result(result)
            ks = np.flatnonzero(result.checked)
            self.scatter.show_points(np.asarray(result.numeric)[ks],
                                     np.asarray(result.analytic)[ks],
                                     element_classes(np.asarray(result.rel_error)[ks],
                                                     np.asarray(result.within_noise)[ks]),
                                     ks, result.label)
            self.table.sortByColumn(RELATIVE, Qt.SortOrder.DescendingOrder)
            if self.model.rowCount():
                self.select_parameter(self.model.flat_index(0))  # the worst one
        else:
            d = outcome.directional
            self.tensor_bars.clear()
            self.heatmaps.clear_result()
            self.scatter.show_points(np.asarray(d.numeric), np.asarray(d.analytic),
                                     element_classes(np.asarray(d.rel_error),
                                                     np.asarray(d.within_noise)),
                                     np.arange(d.analytic.size), lambda k: f"direction u{k + 1}")
            self._selected = None
            self.eps_plot.clear("The directional check agreed, so no element was checked: "
                                "run a full or subset check to see error against ε.")

    def _show_scalar(self, check) -> None:
        """The 1-D check has one parameter: the verdict, the numbers written out, one dot."""
        self.scalar_outcome, self._outcome = check, None
        self.status.setText("Done.")
        self.model.set_result(None)
        self._fill_table_filter(None)
        self.summary.show_outcome(None, self._colors)
        self.tensor_bars.clear()
        self.heatmaps.clear_result()
        scale = max(abs(check.dtheta), abs(check.two_sided)) or 1.0
        rel = abs(check.dtheta - check.two_sided) / scale
        self.scatter.show_points(np.array([check.two_sided]), np.array([check.dtheta]),
                                 element_classes(np.array([rel]), np.array([False])),
                                 np.array([0]), lambda _k: "dθ")
        self._selected = None
        self.eps_plot.clear("The 1-D check: its numbers are written out on the left.")
        self._show_verdict()

    def _fill_table_filter(self, result) -> None:
        self.table_filter.blockSignals(True)
        self.table_filter.clear()
        self.table_filter.addItem("all tensors", None)
        if result is not None:
            for t in result.tensors:
                if t.n_checked:
                    self.table_filter.addItem(t.name, t.name)
        self.table_filter.blockSignals(False)

    def _update_table_caption(self) -> None:
        result = self.model.result
        if result is None:
            self.table_caption.setText("")
            return
        self.table_caption.setText(f"{self.model.rowCount():,} rows · {result.n_checked:,} of "
                                   f"{result.n_parameters:,} parameters checked")

    def _show_tensor(self, name: str) -> None:
        self.table_filter.setCurrentIndex(max(self.table_filter.findData(name), 0))
        if self.model.rowCount():
            self.select_parameter(self.model.flat_index(0))

    def _on_summary_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole)
        if name:
            self._show_tensor(name)

    def _on_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self._select(self.model.flat_index(current.row()))

    def _select(self, k: int) -> None:
        result = self._outcome.result if self._outcome is not None else None
        if result is None:
            return
        self._selected = int(k)
        self.scatter.select(float(result.numeric[k]), float(result.analytic[k]))
        self.heatmaps.select(int(k))
        self._request_sweep()

    # ----- error against eps -------------------------------------------------------------
    def _request_sweep(self) -> None:
        outcome = self._outcome
        if outcome is None or outcome.result is None:
            return
        parameter = None if self.sweep_all.isChecked() else self._selected
        if parameter is None and not self.sweep_all.isChecked():
            return
        key = (id(outcome), parameter)
        if key == self._sweep_key:
            return
        self._sweep_key = key
        target = "all parameters" if parameter is None else outcome.result.label(parameter)
        self.eps_plot.caption.setText(f"Computing error against ε for {target}…")
        setup = outcome.setup
        _submit_replacing(self.sweep_jobs, lambda job: jobs.run_sweep(setup, parameter, job),
                          (outcome, parameter))

    def _on_sweep(self, tag, sweep) -> None:
        outcome, parameter = tag
        if outcome is not self._outcome:
            return  # a newer check replaced the one this sweep was for
        bug_error = None
        result = outcome.result
        if result.planted_bug is not None and parameter is not None:
            a, n = float(result.analytic[parameter]), float(result.numeric[parameter])
            bug_error = abs(a - n) / (abs(a) + abs(n)) if abs(a) + abs(n) > 0 else 0.0
        self.eps_plot.show_sweep(sweep, result.eps, bug_error)

    # ----- verdict and explanation -----------------------------------------------------
    def _show_verdict(self) -> None:
        if self._outcome is None and self.scalar_outcome is not None:
            self.verdict.setText(scalar.verdict_html(self.scalar_outcome, self._colors))
            self.explanation.setHtml(scalar.explanation_html(self.scalar_outcome))
            return
        stale = report.stale_html(self._outcome, self._current_snapshot(), self._colors)
        self.verdict.setText(report.verdict_html(self._outcome, self._colors, stale,
                                                 self.controls.dropout_blocks))
        self.explanation.setHtml(report.explanation_html(self._outcome))


def _submit_replacing(runner: JobRunner, fn, tag) -> None:
    """Submit ``fn``, stopping whatever ``runner`` is doing first. (Cancelling before the
    submit, not with ``submit(cancel_running=True)``: the worker may already have picked the
    new job up when ``submit`` looks for the running one, and would cancel it.)"""
    if runner.busy:
        runner.cancel()
    runner.submit(fn, tag=tag)
