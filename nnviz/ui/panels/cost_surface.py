"""Cost surface panel: J over a 2-D slice through the current parameters, with the path.

The surface is computed off the GUI thread on a :class:`~nnviz.training.jobs.JobRunner`
(``cost_surface_compute.compute_surface``): while training runs a coarse grid at most
:data:`LIVE_RATE_HZ` times a second, a fine grid once training pauses. The path extends with
every snapshot on the GUI thread: each new parameter vector costs one ``(2 x n)`` product with
the last surface's projector. Layout: controls on the left, the map (or the optional 3-D
view) on the right with a key and a few sentences on what to look at.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QPushButton, QScrollArea, QSpinBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget,
)

from nnviz.training.jobs import JobRunner
from nnviz.training.snapshot import RUNNING

from . import cost_surface_text as text
from .base import Panel, PanelContext
from .cost_surface_3d import make_view, opengl_status
from .cost_surface_compute import (
    COMPARISON_HEADS, LOSSES, MODES, SurfaceRequest, compute_surface, path_thetas,
)
from .cost_surface_plot import SurfacePlot, legend_html

LIVE_RESOLUTION = 21     # grid points per axis while training runs
LIVE_RATE_HZ = 4.0       # at most this many live recomputations a second
DEFAULT_RESOLUTION = 61  # when paused


class AxisPicker(QWidget):
    """One chosen parameter: tensor (W[l] or b[l]), row i and column j."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tensor = QComboBox()
        self.row = QSpinBox()
        self.col = QSpinBox()
        for widget in (self.tensor, self.row, self.col):
            widget.setToolTip(text.AXIS_TIP)
        self.row.setPrefix("i ")
        self.col.setPrefix("j ")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tensor, 1)
        layout.addWidget(self.row)
        layout.addWidget(self.col)
        self._shapes: dict[str, tuple[int, int]] = {}
        self.tensor.currentIndexChanged.connect(self._tensor_changed)
        self.row.valueChanged.connect(self.changed)
        self.col.valueChanged.connect(self.changed)

    def set_layout(self, layout) -> None:
        self._shapes = {name: tuple(shape) for name, _sl, shape in layout}
        self.tensor.blockSignals(True)
        self.tensor.clear()
        self.tensor.addItems(list(self._shapes))
        self.tensor.blockSignals(False)

    def set_label(self, label: str) -> None:
        """``"W1[0,1]"`` or ``"b2[0]"``."""
        name, _, rest = label.partition("[")
        indices = [int(v) for v in rest.rstrip("]").split(",")] + [0]
        for widget in (self.tensor, self.row, self.col):
            widget.blockSignals(True)
        self.tensor.setCurrentText(name)
        self._update_ranges()
        self.row.setValue(indices[0])
        self.col.setValue(indices[1])
        for widget in (self.tensor, self.row, self.col):
            widget.blockSignals(False)

    def label(self) -> str:
        name = self.tensor.currentText()
        if name.startswith("b"):
            return f"{name}[{self.row.value()}]"
        return f"{name}[{self.row.value()},{self.col.value()}]"

    def _update_ranges(self) -> None:
        rows, cols = self._shapes.get(self.tensor.currentText(), (1, 1))
        self.row.setRange(0, rows - 1)
        self.col.setRange(0, cols - 1)
        self.col.setVisible(not self.tensor.currentText().startswith("b"))

    def _tensor_changed(self) -> None:
        self._update_ranges()
        self.changed.emit()


def default_parameters(layout) -> tuple[str, str]:
    """``W1[0,0]`` and ``W1[0,1]`` (the (w1, w2) bowl with two inputs), else ``W1[0,0]``
    and ``b1[0]``."""
    shapes = {name: shape for name, _sl, shape in layout}
    return ("W1[0,0]", "W1[0,1]") if shapes["W1"][1] >= 2 else ("W1[0,0]", "b1[0]")


class CostSurfacePanel(Panel):
    surface_drawn = Signal(object)  # the SurfaceResult just drawn

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.runner = JobRunner("nnviz-cost-surface", parent=self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self._snapshot = None
        self._structure = None        # (layer_dims, head) the pickers were built for
        self.result = None            # the SurfaceResult on screen
        self.values = None            # the drawn image values (J or log10 J)
        self._path_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._last_submit = -1e9
        self._submitted_key = None
        self._waiting = False         # a newer request waits for the running job
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._submit_latest)
        self._colors = context.appearance.colors if context is not None else None
        self._view3d = None
        self._build_controls()
        self._build_layout()
        self._connect()
        from ..theme import colors as current_colors
        self.on_theme(self._colors or current_colors())

    # ----- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        previous = self._snapshot
        self._snapshot = snapshot
        structure = (snapshot.layer_dims, snapshot.head)
        if structure != self._structure:
            self._network_changed(snapshot, previous)
        if previous is not None and previous.generation != snapshot.generation:
            self._path_cache.clear()
        self._update_path()
        self._schedule()

    def on_theme(self, colors) -> None:
        self._colors = colors
        self.surface_plot.apply_theme(colors)
        self._update_legend()
        if self._view3d is not None:
            self._view3d.set_background(colors.background)
        if self.result is not None:
            self._draw_result(self.result)

    def figures(self) -> dict[str, object]:
        return {"cost_surface": self.surface_plot.ci}

    def shutdown(self) -> None:
        self._timer.stop()
        self.runner.shutdown()

    # ----- public helpers (also for tests and scripts) -----------------------------------
    def mode(self) -> str:
        return self.mode_combo.currentData()

    def set_mode(self, mode: str) -> None:
        index = self.mode_combo.findData(mode)
        if index < 0:
            raise ValueError(f"unknown direction mode {mode!r}; choose one of {list(MODES)}")
        self.mode_combo.setCurrentIndex(index)

    def parameters(self) -> tuple[str, str]:
        return self.x_picker.label(), self.y_picker.label()

    def set_parameters(self, first: str, second: str) -> None:
        self.x_picker.set_label(first)
        self.y_picker.set_label(second)
        self._settings_changed()

    def set_loss(self, loss: str) -> None:
        self.loss_combo.setCurrentIndex(self.loss_combo.findData(loss))

    def reroll(self) -> None:
        self.seed_spin.setValue(self.seed_spin.value() + 1)

    def path_data(self) -> np.ndarray:
        return self.surface_plot.path_data()

    def make_request(self, snapshot, live: bool) -> SurfaceRequest:
        loss = self.loss_combo.currentData() if self.loss_combo.isEnabled() else "cross_entropy"
        resolution = self.resolution_spin.value()
        return SurfaceRequest(
            theta=snapshot.theta, layer_dims=tuple(snapshot.layer_dims),
            activations=tuple(snapshot.activations), head=snapshot.head,
            alpha=snapshot.config.network.alpha, X=snapshot.data.X_train,
            Y=snapshot.data.Y_train, lambd=snapshot.config.hyper.lambd, mode=self.mode(),
            parameters=self.parameters(), seed=self.seed_spin.value(),
            trajectory=tuple(snapshot.trajectory),
            resolution=min(LIVE_RESOLUTION, resolution) if live else resolution,
            extent=None if self.auto_extent.isChecked() else self.extent_spin.value(),
            stretch=self.stretch_check.isChecked() and self.auto_extent.isChecked(),
            loss=loss, dtype="float32" if live else "float64",
            generation=snapshot.generation, iteration=snapshot.iteration)

    # ----- construction ------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.mode_combo = QComboBox()
        for key, label in MODES.items():
            self.mode_combo.addItem(label, key)
        self.mode_combo.setToolTip(text.MODE_TIP)
        self.x_picker, self.y_picker = AxisPicker(), AxisPicker()
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 1_000_000)
        self.seed_spin.setToolTip(text.SEED_TIP)
        self.reroll_button = QPushButton("Re-roll")
        self.reroll_button.setToolTip(text.REROLL_TIP)
        pca_label = QLabel("The slice spanned by the two directions the path moved most.")
        pca_label.setWordWrap(True)
        pca_label.setToolTip(text.PCA_TIP)

        parameter_page = QWidget()
        form = QFormLayout(parameter_page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("x axis", self.x_picker)
        form.addRow("y axis", self.y_picker)
        random_page = QWidget()
        row = QHBoxLayout(random_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("seed"))
        row.addWidget(self.seed_spin, 1)
        row.addWidget(self.reroll_button)
        self.direction_pages = QStackedWidget()
        for page in (parameter_page, random_page, pca_label):
            self.direction_pages.addWidget(page)

        self.loss_combo = QComboBox()
        for key, label in LOSSES.items():
            self.loss_combo.addItem(label, key)
        self.loss_combo.setToolTip(text.LOSS_TIP)
        self.resolution_spin = QSpinBox()
        self.resolution_spin.setRange(11, 151)
        self.resolution_spin.setSingleStep(10)
        self.resolution_spin.setValue(DEFAULT_RESOLUTION)
        self.resolution_spin.setSuffix(" per axis")
        self.resolution_spin.setToolTip(text.RESOLUTION_TIP)
        self.auto_extent = QCheckBox("fit the path")
        self.auto_extent.setChecked(True)
        self.auto_extent.setToolTip(text.AUTO_EXTENT_TIP)
        self.extent_spin = QDoubleSpinBox()
        self.extent_spin.setDecimals(4)
        self.extent_spin.setRange(1e-4, 1e4)
        self.extent_spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.extent_spin.setValue(1.0)
        self.extent_spin.setPrefix("± ")
        self.extent_spin.setEnabled(False)
        self.extent_spin.setToolTip(text.EXTENT_TIP)
        self.stretch_check = QCheckBox("stretch axes to the path")
        self.stretch_check.setToolTip(text.STRETCH_TIP)
        self.log_check = QCheckBox("log colour scale")
        self.log_check.setChecked(True)
        self.log_check.setToolTip(text.LOG_TIP)
        self.gl_check = QCheckBox("3-D view")
        available, reason = opengl_status()
        self.gl_check.setEnabled(available)
        self.gl_check.setToolTip(text.GL_TIP if available else reason)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setToolTip("J at the current θ is the training cost the Training panel "
                               "shows (plus the L2 term when λ > 0): the map's centre value.")
        self.lesson = QLabel()
        self.lesson.setWordWrap(True)
        self.lesson.setTextFormat(Qt.TextFormat.RichText)
        self.lesson.setToolTip("What this surface shows, measured on it: the curvature at the "
                               "current θ and where J bends downward.")
        self.lesson.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def _build_layout(self) -> None:
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(4, 4, 4, 4)
        directions = QGroupBox("Directions")
        box = QVBoxLayout(directions)
        box.addWidget(self.mode_combo)
        box.addWidget(self.direction_pages)
        grid = QGroupBox("Grid and colours")
        form = QFormLayout(grid)
        form.addRow("Loss", self.loss_combo)
        form.addRow("Resolution", self.resolution_spin)
        extent_row = QHBoxLayout()
        extent_row.addWidget(self.extent_spin, 1)
        extent_row.addWidget(self.auto_extent)
        form.addRow("Extent", extent_row)
        form.addRow(self.stretch_check)
        form.addRow(self.log_check)
        form.addRow(self.gl_check)
        for widget in (directions, grid, self.status):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(controls.minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width())

        self.surface_plot = SurfacePlot()
        self.surface_plot.setToolTip(text.PLOT_TIP)
        self.views = QStackedWidget()
        self.views.addWidget(self.surface_plot)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.views, 1)
        right_column.addWidget(self.legend)
        right_column.addWidget(self.lesson)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([scroll.minimumWidth(), 600])
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

    def _connect(self) -> None:
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        self.x_picker.changed.connect(self._settings_changed)
        self.y_picker.changed.connect(self._settings_changed)
        self.seed_spin.valueChanged.connect(self._settings_changed)
        self.reroll_button.clicked.connect(self.reroll)
        self.loss_combo.currentIndexChanged.connect(self._settings_changed)
        self.resolution_spin.valueChanged.connect(self._settings_changed)
        self.resolution_spin.editingFinished.connect(self._make_resolution_odd)
        self.extent_spin.valueChanged.connect(self._settings_changed)
        self.auto_extent.toggled.connect(self._auto_extent_toggled)
        self.stretch_check.toggled.connect(self._settings_changed)
        self.log_check.toggled.connect(self._redraw)
        self.gl_check.toggled.connect(self._toggle_3d)

    # ----- reactions ---------------------------------------------------------------------
    def _network_changed(self, snapshot, previous) -> None:
        """New layer sizes or output: rebuild the pickers; a network without hidden layer
        starts on its (w1, w2) bowl, a deeper one on the PCA of its path."""
        had_hidden = previous is not None and len(previous.layer_dims) > 2
        has_hidden = len(snapshot.layer_dims) > 2
        old_labels = self.parameters() if self._structure is not None else None
        self._structure = (snapshot.layer_dims, snapshot.head)
        for picker in (self.x_picker, self.y_picker):
            picker.blockSignals(True)
            picker.set_layout(snapshot.layout)
        labels = default_parameters(snapshot.layout)
        if old_labels is not None and all(self._valid_label(l, snapshot.layout) for l in old_labels):
            labels = old_labels
        self.x_picker.set_label(labels[0])
        self.y_picker.set_label(labels[1])
        for picker in (self.x_picker, self.y_picker):
            picker.blockSignals(False)
        if previous is None or had_hidden != has_hidden:
            self.mode_combo.blockSignals(True)
            self.set_mode("pca" if has_hidden else "parameters")
            self.mode_combo.blockSignals(False)
            self.direction_pages.setCurrentIndex(list(MODES).index(self.mode()))
        comparable = snapshot.head in COMPARISON_HEADS
        self.loss_combo.setEnabled(comparable)
        self.loss_combo.setToolTip(text.LOSS_TIP if comparable else text.LOSS_DISABLED_TIP)
        self._path_cache.clear()

    @staticmethod
    def _valid_label(label: str, layout) -> bool:
        from nnviz.engine.gradcheck.indexing import parse_parameter, tensor_infos
        try:
            parse_parameter(tensor_infos(layout), label)
        except ValueError:
            return False
        return True

    def _mode_changed(self) -> None:
        self.direction_pages.setCurrentIndex(list(MODES).index(self.mode()))
        self._settings_changed()

    def _auto_extent_toggled(self, on: bool) -> None:
        self.extent_spin.setEnabled(not on)
        self.stretch_check.setEnabled(on)
        self._settings_changed()

    def _make_resolution_odd(self) -> None:
        value = self.resolution_spin.value()
        if value % 2 == 0:  # odd, so the current theta is a grid point
            self.resolution_spin.setValue(value + 1)

    def _settings_changed(self) -> None:
        if self.parameters()[0] == self.parameters()[1] and self.mode() == "parameters":
            self.status.setText("Choose two different parameters.")
            return
        self._schedule(urgent=True)

    def _redraw(self) -> None:
        if self.result is not None:
            self._draw_result(self.result)

    # ----- scheduling --------------------------------------------------------------------
    def _schedule(self, urgent: bool = False) -> None:
        """Submit a surface for the latest snapshot: at most LIVE_RATE_HZ while training,
        one fine grid when paused, at once after a settings change."""
        snapshot = self._snapshot
        if snapshot is None or self.runner is None:
            return
        live = snapshot.state == RUNNING
        if not live and not urgent and self._request_key(snapshot, live) == self._submitted_key:
            return  # this paused state is already on screen or on its way
        if urgent or not live:
            self._timer.stop()
            self._submit(snapshot, live, cancel_running=True)
        elif self.runner.busy:
            self._waiting = True
        else:
            wait = 1.0 / LIVE_RATE_HZ - (time.monotonic() - self._last_submit)
            if wait <= 0:
                self._submit(snapshot, live)
            elif not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)

    def _submit_latest(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or self.runner.busy:
            return
        live = snapshot.state == RUNNING
        wait = 1.0 / LIVE_RATE_HZ - (time.monotonic() - self._last_submit) if live else 0.0
        if wait > 0:  # a timer may fire a little early
            self._timer.start(int(wait * 1000) + 1)
        else:
            self._submit(snapshot, live)

    def _request_key(self, snapshot, live: bool) -> tuple:
        return (snapshot.generation, snapshot.iteration, live, self.mode(), self.parameters(),
                self.seed_spin.value(), self.resolution_spin.value(),
                None if self.auto_extent.isChecked() else self.extent_spin.value(),
                self.stretch_check.isChecked(),
                self.loss_combo.currentData(), self.loss_combo.isEnabled())

    def _submit(self, snapshot, live: bool, cancel_running: bool = False) -> None:
        request = self.make_request(snapshot, live)
        self._last_submit = time.monotonic()
        self._submitted_key = self._request_key(snapshot, live)
        self._waiting = False
        if cancel_running and self.runner.busy:
            # Cancel first, then submit: JobRunner.submit(cancel_running=True) can cancel the
            # new job itself when the worker picks it up before submit() returns.
            self.runner.cancel()
        self.runner.submit(lambda job: compute_surface(request, job), tag="surface")

    def _on_finished(self, _tag, result) -> None:
        snapshot = self._snapshot
        if snapshot is not None and result.request.generation == snapshot.generation:
            self.result = result
            self._path_cache.clear()
            self._draw_result(result)
            self._update_path()
            self.surface_drawn.emit(result)
        self._after_job()

    def _on_failed(self, _tag, message: str) -> None:
        self.status.setText(f"<span style='color:{self._colors.bad}'>Could not compute the "
                            f"surface: {message}</span>")
        self._after_job()

    def _after_job(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        if self._waiting:
            self._waiting = False
            self._schedule()
        elif snapshot.state != RUNNING:
            self._schedule()  # training paused while a live grid was computing

    # ----- drawing -----------------------------------------------------------------------
    def _draw_result(self, r) -> None:
        log = self.log_check.isChecked()
        loss = "squared error" if r.request.loss == "squared_error" else "J"
        title = (f"{loss} around the current θ" if r.mode != "parameters" else
                 f"{loss} as {r.axis_labels[0]} and {r.axis_labels[1]} vary")
        to_scale = np.isclose(r.extent[0], r.extent[1], rtol=1e-9)
        if not to_scale:
            title += " (axes stretched, not to scale)"
        self.values = self.surface_plot.show_surface(r.xs, r.ys, r.costs, log, r.axis_labels,
                                                     title, to_scale, r.contours.get(log))
        if self.auto_extent.isChecked():
            self.extent_spin.blockSignals(True)
            self.extent_spin.setValue(max(r.extent))
            self.extent_spin.blockSignals(False)
        if self._view3d is not None:
            self._view3d.show_surface(r.xs, r.ys, self.values)
        self._update_legend()
        self._update_texts(r)

    def _update_texts(self, r) -> None:
        snapshot = self._snapshot
        live = "live grid, refined when paused" if r.request.dtype == "float32" else "paused"
        lambda_note = " + L2 term" if r.request.lambd else ""
        loss = "squared-error J" if r.request.loss == "squared_error" else "J"
        self.status.setText(
            f"{loss} at the current θ: <b>{r.centre_cost:.5g}</b> (training cost"
            f"{lambda_note})<br>grid {len(r.xs)} × {len(r.ys)}, ± {_extent_text(r.extent)}, "
            f"{r.elapsed:.2f} s ({live})")
        if snapshot is None:
            return
        data = snapshot.data
        std = np.asarray(data.std, dtype=np.float64)
        std = std[std > 0]
        spread = float(std.max() / std.min()) if std.size else 1.0
        self.lesson.setText(text.lesson_html(r, normalized=data.normalized,
                                             feature_spread=spread, n_features=data.n_features,
                                             head=snapshot.head, colors=self._colors,
                                             stretched=not np.isclose(*r.extent, rtol=1e-9)))

    def _update_path(self) -> None:
        """Project the path onto the last surface's slice; only new thetas cost a product."""
        snapshot, r = self._snapshot, self.result
        if snapshot is None or r is None or r.request.generation != snapshot.generation \
                or r.request.theta.size != snapshot.theta.size:
            self.surface_plot.show_path(np.zeros((0, 2)))
            return
        thetas = path_thetas(snapshot.trajectory, snapshot.theta)
        cache, points = {}, []
        for theta in thetas:
            hit = self._path_cache.get(id(theta))
            xy = hit[1] if hit is not None and hit[0] is theta else r.project(theta)
            cache[id(theta)] = (theta, xy)
            points.append(xy)
        self._path_cache = cache
        path = np.array(points)
        self.surface_plot.show_path(path)
        if self._view3d is not None:
            self._view3d.show_path(path)

    # ----- 3-D ---------------------------------------------------------------------------
    def _toggle_3d(self, on: bool) -> None:
        if on and self._view3d is None:
            try:
                self._view3d = make_view()
            except Exception as exc:  # a GL library that imports but cannot draw
                self.gl_check.setChecked(False)
                self.gl_check.setEnabled(False)
                self.gl_check.setToolTip(f"The 3-D view could not start: {exc}")
                return
            self._view3d.set_background(self._colors.background)
            self.views.addWidget(self._view3d)
            if self.result is not None:
                self._draw_result(self.result)
                self._update_path()
        self.views.setCurrentWidget(self._view3d if on else self.surface_plot)
        self._update_legend()

    def _update_legend(self) -> None:
        labels = self.result.axis_labels if self.result is not None else ("α", "β")
        self.legend.setText(legend_html(self._colors, self.gl_check.isChecked(), labels,
                                        self.log_check.isChecked()))


def _extent_text(extent: tuple[float, float]) -> str:
    a, b = extent
    return f"{a:.3g}" if np.isclose(a, b, rtol=1e-9) else f"{a:.3g} × {b:.3g}"
