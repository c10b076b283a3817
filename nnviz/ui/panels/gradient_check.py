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
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout,
    QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QSpinBox, QSplitter,
    QTableView, QTabWidget, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from nnviz.engine.gradient_check import DEFAULT_EPS
from nnviz.training.jobs import JobRunner

from ..theme import PlotColors, colors
from . import gradient_check_jobs as jobs
from . import gradient_check_text as text
from .base import Panel, PanelContext
from .gradient_check_model import RELATIVE, ParameterTableModel
from .gradient_check_plots import (ComparisonScatter, EpsilonPlot, ErrorHeatmaps, TensorBars,
                                   element_classes, status_colour)

MODE_LABELS = {"full": "Full (every parameter)", "directional": "Directional (fast)",
               "layer": "One layer", "random": "N random per tensor"}
SUMMARY_COLUMNS = ("Layer / tensor", "status", "difference", "worst rel. error", "worst at",
                   "checked", "> 1e-7", "> 1e-5", "> 1e-3", "kinks")


class EpsilonSpinBox(QDoubleSpinBox):
    """A positive number in scientific notation; the arrows step by decades."""

    def __init__(self, value: float = DEFAULT_EPS, parent=None):
        super().__init__(parent)
        self.setDecimals(20)
        self.setRange(1e-13, 0.1)
        self.setValue(value)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802
        return f"{value:.3g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802
        return float(text)

    def validate(self, text: str, pos: int):
        from PySide6.QtGui import QValidator
        try:
            value = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802
        self.setValue(min(max(self.value() * 10.0 ** steps, self.minimum()), self.maximum()))


class GradientCheckPanel(Panel):
    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(context, parent)
        self._snapshot = None
        self._outcome: jobs.CheckOutcome | None = None
        self._selected: int | None = None
        self._sweep_key = None
        self._check_serial = 0
        self._colors: PlotColors = context.appearance.colors if context else colors()
        self.jobs = JobRunner("nnviz-gradient-check", self)
        self.sweep_jobs = JobRunner("nnviz-epsilon-sweep", self)
        self._build_controls()
        self._build_results()
        self._build_layout()
        self._connect()
        self._update_mode_controls()
        self._update_bug_choices(3)
        self._set_busy(False)
        self.on_theme(self._colors)

    # ----- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        previous = self._snapshot
        self._snapshot = snapshot
        if previous is None or previous.L != snapshot.L:
            self._update_layer_range()
            self._update_bug_choices()
        self._update_staleness()

    def on_theme(self, colors: PlotColors) -> None:
        self._colors = colors
        for plot in (self.tensor_bars, self.scatter, self.eps_plot, self.heatmaps):
            plot.on_theme(colors)
        self.model.set_colours(colors.good, colors.warn, colors.bad, colors.neutral)
        self.banner.setStyleSheet(
            f"QLabel {{ background: {colors.bad}; color: white; padding: 4px 8px; "
            "border-radius: 3px; font-weight: bold; }")
        self._show_verdict()
        if self._outcome is not None and self._outcome.result is not None:
            self._fill_summary(self._outcome)

    def figures(self) -> dict[str, object]:
        return {"per_tensor": self.tensor_bars.plot.getPlotItem(),
                "analytic_vs_numerical": self.scatter.plot.getPlotItem(),
                "error_vs_eps": self.eps_plot.plot.getPlotItem(),
                "heat_maps": self.heatmaps.ci}

    def shutdown(self) -> None:
        self.jobs.shutdown()
        self.sweep_jobs.shutdown()

    # ----- public API (also used by tests) -----------------------------------------------
    def request(self) -> jobs.CheckRequest:
        """The check the controls describe."""
        seed = 0 if self._snapshot is None else int(self._snapshot.config.network.seed)
        n = self.examples.value()
        return jobs.CheckRequest(
            source=self.source.currentData(), mode=self.mode.currentData(),
            eps=float(self.eps.value()), planted_bug=self.bug.currentData(),
            layer=self.layer.value(), per_tensor=self.per_tensor.value(),
            n_examples=n if n > 0 else None, n_directions=self.directions.value(), seed=seed)

    def run_check(self) -> None:
        """Start a check in the background (replacing one that is running)."""
        request = self.request()
        snapshot = self._current_snapshot()
        if request.source == "network" and snapshot is None:
            self._show_error("No network yet: start or step training first, or check the "
                             "course exercise.")
            return
        self.status.setText("Starting…")
        self.progress.setValue(0)
        self._check_serial += 1
        _submit_replacing(self.jobs, lambda job: jobs.run_check(request, snapshot, job),
                          (self._check_serial, request))

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
    def _build_controls(self) -> None:
        self.source = QComboBox()
        self.source.addItem("Current network", "network")
        self.source.addItem("Course exercise (4-5-3-1, 3 examples)", "course")
        self.source.setToolTip(text.SOURCE_TIP)
        self.examples = QSpinBox()
        self.examples.setRange(0, 1_000_000)
        self.examples.setSpecialValueText("all")
        self.examples.setValue(jobs.DEFAULT_EXAMPLES)
        self.examples.setToolTip(text.EXAMPLES_TIP)
        self.mode = QComboBox()
        for key, label in MODE_LABELS.items():
            self.mode.addItem(label, key)
        self.mode.setToolTip(text.MODE_TIP)
        self.layer = QSpinBox()
        self.layer.setRange(1, 1)
        self.layer.setPrefix("l = ")
        self.layer.setToolTip(text.LAYER_TIP)
        self.per_tensor = QSpinBox()
        self.per_tensor.setRange(1, 100_000)
        self.per_tensor.setValue(jobs.DEFAULT_PER_TENSOR)
        self.per_tensor.setPrefix("N = ")
        self.per_tensor.setToolTip(text.PER_TENSOR_TIP)
        self.directions = QSpinBox()
        self.directions.setRange(1, 100)
        self.directions.setValue(jobs.DEFAULT_DIRECTIONS)
        self.directions.setSuffix(" directions")
        self.directions.setToolTip(text.DIRECTIONS_TIP)
        self.eps = EpsilonSpinBox()
        self.eps.setToolTip(text.EPS_TIP)
        self.bug = QComboBox()
        self.bug.setToolTip(text.BUG_TIP)
        self.run_button = QPushButton("Run check")
        self.run_button.setToolTip(text.RUN_TIP)
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip(text.CANCEL_TIP)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.progress.setToolTip("Evaluations of J done so far.")
        self.status = QLabel()
        self.status.setToolTip("What the check is doing or what went wrong.")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setToolTip(text.BUG_TIP)
        self.banner.hide()

    def _build_results(self) -> None:
        self.verdict = QLabel()
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setToolTip(text.THRESHOLDS_TIP)
        self.explanation = QTextBrowser()
        self.explanation.setOpenLinks(False)
        self.explanation.setMinimumHeight(60)
        self.explanation.setToolTip(text.THRESHOLDS_TIP)
        self.tensor_bars = TensorBars()
        self.summary = QTreeWidget()
        self.summary.setHeaderLabels(SUMMARY_COLUMNS)
        self.summary.setRootIsDecorated(True)
        self.summary.setUniformRowHeights(True)
        self.summary.setToolTip(text.SUMMARY_TIP)
        self.summary.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
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
        digits = metrics.horizontalAdvance("-0.00000e-00") + 14
        for column, width in enumerate((metrics.horizontalAdvance("dW10[000,000]") + 14,
                                        digits, digits, metrics.horizontalAdvance(
                                            "Rel. error") + 28)):
            self.table.setColumnWidth(column, width)
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
        controls = QWidget()
        grid = QGridLayout(controls)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        row1 = [QLabel("Check"), self.source, QLabel("examples"), self.examples,
                QLabel("mode"), self.mode, self.layer, self.per_tensor, self.directions,
                QLabel("ε"), self.eps]
        for col, widget in enumerate(row1):
            grid.addWidget(widget, 0, col)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Teaching: plant a bug"))
        row2.addWidget(self.bug)
        row2.addSpacing(12)
        row2.addWidget(self.run_button)
        row2.addWidget(self.cancel_button)
        row2.addWidget(self.progress, 1)
        row2.addWidget(self.status, 2)
        grid.addLayout(row2, 1, 0, 1, len(row1) + 1)
        grid.setColumnStretch(len(row1), 1)

        # left: what the result means and where it is wrong
        where = QTabWidget()
        where.addTab(self.tensor_bars, "Per tensor")
        where.addTab(self.summary, "Per layer")
        where.addTab(self.heatmaps, "Heat maps")
        where.setTabToolTip(0, self.tensor_bars.plot.toolTip())
        where.setTabToolTip(1, text.SUMMARY_TIP)
        where.setTabToolTip(2, self.heatmaps.toolTip())
        self.where_tabs = where
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.explanation)
        left.addWidget(where)
        left.setSizes([120, 300])
        left.setChildrenCollapsible(False)

        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Parameters</b>"))
        head.addWidget(self.table_filter)
        head.addWidget(self.table_caption, 1)
        column.addLayout(head)
        column.addWidget(self.table, 1)

        eps_box = QWidget()
        eps_column = QVBoxLayout(eps_box)
        eps_column.setContentsMargins(0, 0, 0, 0)
        eps_column.addWidget(self.eps_plot, 1)
        eps_column.addWidget(self.sweep_all)
        right = QTabWidget()
        right.addTab(eps_box, "Error vs ε")
        right.addTab(self.scatter, "Analytic vs numerical")
        right.setTabToolTip(0, self.eps_plot.plot.toolTip())
        right.setTabToolTip(1, self.scatter.plot.toolTip())
        self.plot_tabs = right

        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (left, middle, right):
            splitter.addWidget(widget)
        splitter.setSizes([400, 430, 400])
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 4)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(controls)
        layout.addWidget(self.banner)
        layout.addWidget(self.verdict)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.run_button.clicked.connect(self.run_check)
        self.cancel_button.clicked.connect(self.cancel)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.run_check,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.mode.currentIndexChanged.connect(lambda _i: self._update_mode_controls())
        self.source.currentIndexChanged.connect(lambda _i: self._on_source_changed())
        self.bug.currentIndexChanged.connect(lambda _i: self._update_banner())
        self.jobs.busy_changed.connect(self._set_busy)
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

    # ----- reactions ---------------------------------------------------------------------
    def _current_snapshot(self):
        latest = self.context.controller.latest if self.context is not None else None
        return latest if latest is not None else self._snapshot

    def _source_layers(self) -> int:
        if self.source.currentData() == "course":
            return 3
        snapshot = self._current_snapshot()
        return snapshot.L if snapshot is not None else 1

    def _on_source_changed(self) -> None:
        self.examples.setEnabled(self.source.currentData() == "network")
        self._update_layer_range()
        self._update_bug_choices()

    def _update_layer_range(self) -> None:
        self.layer.setRange(1, self._source_layers())

    def _update_bug_choices(self, L: int | None = None) -> None:
        L = self._source_layers() if L is None else L
        current = self.bug.currentData()
        self.bug.blockSignals(True)
        self.bug.clear()
        self.bug.addItem("off (check the real backprop)", None)
        for name in jobs.bugs_for_layers(L):
            self.bug.addItem(jobs.bug_title(name), name)
        index = self.bug.findData(current)
        self.bug.setCurrentIndex(max(index, 0))
        self.bug.blockSignals(False)
        self._update_banner()

    def _update_mode_controls(self) -> None:
        mode = self.mode.currentData()
        self.layer.setVisible(mode == "layer")
        self.per_tensor.setVisible(mode == "random")
        self.directions.setVisible(mode == "directional")

    def _update_banner(self) -> None:
        bug = self.bug.currentData()
        self.banner.setVisible(bug is not None)
        if bug is not None:
            self.banner.setText(
                f"TEACHING MODE · planted bug: {jobs.bug_title(bug)}. Only this check uses the "
                "broken backprop; training keeps the correct one.")

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        for widget in (self.source, self.mode, self.eps, self.bug, self.layer,
                       self.per_tensor, self.directions):
            widget.setEnabled(not busy)
        self.examples.setEnabled(not busy and self.source.currentData() == "network")

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
        self._outcome = outcome
        main = outcome.main
        self.status.setText(f"Done in {main.elapsed:.2f} s.")
        result = outcome.result
        self.model.set_result(result)
        self._fill_table_filter(result)
        self._fill_summary(outcome)
        self._show_verdict()
        self._sweep_key = None
        if result is not None:
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

    # ----- verdict, explanation, summary -------------------------------------------------
    def _show_verdict(self) -> None:
        outcome = self._outcome
        if outcome is None:
            self.verdict.setText("<span style='font-size:13pt'><b>No check yet.</b></span> "
                                 "Choose what to check and press <b>Run check</b>.")
            self.explanation.setText(text.html(text.DIFFERENCE_MEANING))
            return
        main = outcome.main
        colour = status_colour(main.verdict, self._colors)
        kind = "directional " if outcome.directional is not None else ""
        stale = self._stale_note()
        wrong = ""
        if outcome.result is not None and outcome.result.suspects:
            wrong = (f" &nbsp; <span style='color:{colour}'>wrong: "
                     f"<b>{', '.join(outcome.result.suspects)}</b></span>")
        self.verdict.setText(
            f"<span style='font-size:13pt; color:{colour}'><b>{text.verdict_title(main.verdict)}"
            f"</b></span> &nbsp; {kind}difference = <b>{main.difference:.2e}</b>{wrong} &nbsp; "
            f"<span style='color:{self._colors.neutral}'>(good ≈ 1e-7 · look closer ≈ 1e-5 · "
            f"bug ≥ 1e-3)</span>{stale}")
        self.explanation.setText(self._explanation_html(outcome))

    def _explanation_html(self, outcome: jobs.CheckOutcome) -> str:
        main, result = outcome.main, outcome.result
        parts = [f"<b>{text.html(main.message)}</b>"]
        if outcome.directional is not None:
            d = outcome.directional
            parts.append(f"{d.analytic.size} random unit directions u: dθ · u against "
                         f"(J(θ + εu) - J(θ - εu)) / 2ε with ε = {d.eps:g}.")
            if result is not None:
                parts.append(f"Explained by an element-wise check of {result.n_checked} "
                             "elements (tables and plots below).")
        else:
            parts.append(f"{result.n_checked:,} of {result.n_parameters:,} parameters, "
                         f"ε = {result.eps:g}, {result.elapsed:.2f} s.")
        parts.append(text.html(text.DIFFERENCE_MEANING))
        checked = result if result is not None else None
        if checked is not None and checked.near_kink.any():
            parts.append(f"{int(checked.near_kink.sum())} element(s) crossed a ReLU kink; "
                         f"without them the difference is {checked.difference_without_kinks:.1e}. "
                         + text.html(text.KINK_NOTE))
        elif any(a in ("relu", "leaky_relu", "elu") for a in outcome.setup.net.activations):
            parts.append(text.html(text.KINK_NOTE))
        parts.append(text.html(f"Dropout: {main.dropout_note}. "
                               + text.regularization_note(main.lambd)
                               + " Computed in float64 on a copy; training is untouched."))
        parts.append("<i>Checked: " + text.html(outcome.setup.description) + "</i>")
        return "".join(f"<p style='margin:0 0 4px 0'>{p}</p>" for p in parts)

    def _stale_note(self) -> str:
        outcome, snapshot = self._outcome, self._current_snapshot()
        if (outcome is None or outcome.setup.iteration is None or snapshot is None
                or (snapshot.generation == outcome.setup.generation
                    and snapshot.iteration == outcome.setup.iteration)):
            return ""
        return (f" &nbsp; <span style='color:{self._colors.warn}'>(checked at iteration "
                f"{outcome.setup.iteration:,}; the network has changed since: run again)</span>")

    def _update_staleness(self) -> None:
        if self._outcome is not None and self._outcome.setup.iteration is not None:
            self._show_verdict()

    def _fill_summary(self, outcome: jobs.CheckOutcome) -> None:
        self.summary.clear()
        c = self._colors
        if outcome.result is None:
            d = outcome.directional
            for i, (rel, noise) in enumerate(zip(d.rel_error, d.within_noise)):
                status = text.status_of(float(rel), bool(noise))
                item = QTreeWidgetItem([f"direction u{i + 1}", text.verdict_title(status),
                                        f"{rel:.2e}", "", "", "all θ"])
                item.setForeground(1, QColor(status_colour(status, c)))
                self.summary.addTopLevelItem(item)
            return
        result = outcome.result
        tensors = {t.name: t for t in result.tensors}
        for layer in result.layers:
            if layer.n_checked == 0:
                continue
            top = self._summary_item(f"layer {layer.layer}", layer, c)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.summary.addTopLevelItem(top)
            for name in layer.tensors:
                t = tensors[name]
                if t.n_checked:
                    child = self._summary_item(f"{t.name}  {t.shape[0]}×{t.shape[1]}", t, c)
                    child.setData(0, Qt.ItemDataRole.UserRole, t.name)
                    top.addChild(child)
        self.summary.expandAll()

    @staticmethod
    def _summary_item(title: str, s, c: PlotColors) -> QTreeWidgetItem:
        item = QTreeWidgetItem([title, text.verdict_title(s.status), f"{s.difference:.2e}",
                                f"{s.worst_rel_error:.2e}" if s.worst_rel_error else "round-off",
                                s.worst_label or "–", f"{s.n_checked:,}",
                                *(f"{n}" for n in s.n_over), f"{s.n_near_kink}"])
        colour = QColor(status_colour(s.status, c))
        item.setForeground(1, colour)
        item.setForeground(2, colour)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for col in (2, 3, 5, 6, 7, 8, 9):
            item.setTextAlignment(col, right)
        return item

def _submit_replacing(runner: JobRunner, fn, tag) -> None:
    """Submit ``fn``, stopping whatever ``runner`` is doing first. (Cancelling before the
    submit, not with ``submit(cancel_running=True)``: the worker may already have picked the
    new job up when ``submit`` looks for the running one, and would cancel it.)"""
    if runner.busy:
        runner.cancel()
    runner.submit(fn, tag=tag)
