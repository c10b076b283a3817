"""The cost surface panel's settings: which slice, which loss, how fine, how wide.

:class:`SurfaceControls` owns the widgets and their small interdependencies (the page of the
chosen direction mode, extent spin box vs "fit the path", odd resolutions); the panel reads
the settings through its methods and listens to ``changed``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
    QLabel, QPushButton, QSpinBox, QStackedWidget, QVBoxLayout, QWidget,
)

from nnviz.engine.gradcheck.indexing import parse_parameter, tensor_infos

from nnviz.analysis import cost_surface_text as text
from .view3d import opengl_status
from nnviz.analysis.cost_surface import COMPARISON_HEADS, LOSSES, MODES

DEFAULT_RESOLUTION = 61  # grid points per axis when paused


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
        """``"W1[0,1]"`` or ``"b2[0]"``, without emitting ``changed``."""
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


def valid_label(label: str, layout) -> bool:
    try:
        parse_parameter(tensor_infos(layout), label)
    except ValueError:
        return False
    return True


class SurfaceControls(QWidget):
    changed = Signal()               # anything that changes the surface itself
    log_toggled = Signal(bool)
    view3d_toggled = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._build()
        self._lay_out()
        self._connect()

    # ----- settings ----------------------------------------------------------------------
    def mode(self) -> str:
        return self.mode_combo.currentData()

    def set_mode(self, mode: str, quiet: bool = False) -> None:
        index = self.mode_combo.findData(mode)
        if index < 0:
            raise ValueError(f"unknown direction mode {mode!r}; choose one of {list(MODES)}")
        self.mode_combo.blockSignals(quiet)
        self.mode_combo.setCurrentIndex(index)
        self.mode_combo.blockSignals(False)
        self.direction_pages.setCurrentIndex(list(MODES).index(mode))

    def parameters(self) -> tuple[str, str]:
        return self.x_picker.label(), self.y_picker.label()

    def set_parameters(self, first: str, second: str) -> None:
        self.x_picker.set_label(first)
        self.y_picker.set_label(second)
        self.changed.emit()

    def loss(self) -> str:
        """The chosen loss; always the head's own when no comparison applies."""
        return self.loss_combo.currentData() if self.loss_combo.isEnabled() else "cross_entropy"

    def set_loss(self, loss: str) -> None:
        index = self.loss_combo.findData(loss)
        if index < 0:
            raise ValueError(f"unknown loss {loss!r}; choose one of {list(LOSSES)}")
        self.loss_combo.setCurrentIndex(index)

    def resolution(self) -> int:
        return self.resolution_spin.value() | 1  # odd: the current theta is a grid point

    def extent(self) -> float | None:
        """The fixed half-width, or None to fit the path."""
        return None if self.auto_extent.isChecked() else self.extent_spin.value()

    def stretch(self) -> bool:
        return self.auto_extent.isChecked() and self.stretch_check.isChecked()

    def log_colours(self) -> bool:
        return self.log_check.isChecked()

    def key(self) -> tuple:
        """Everything the surface depends on (what the fitted extent shows is not)."""
        return (self.mode(), self.parameters(), self.seed_spin.value(), self.resolution(),
                self.extent(), self.stretch(), self.loss())

    def show_fitted_extent(self, half_width: float) -> None:
        if self.auto_extent.isChecked():
            self.extent_spin.blockSignals(True)
            self.extent_spin.setValue(half_width)
            self.extent_spin.blockSignals(False)

    def set_network(self, layout, head: str, default_mode: str | None) -> None:
        """New layer sizes or output: refill the pickers (keeping choices that still exist),
        switch to ``default_mode`` if given, and allow the squared-error comparison only
        for outputs it makes sense for."""
        old = self.parameters() if self.x_picker.tensor.count() else None
        for picker in (self.x_picker, self.y_picker):
            picker.set_layout(layout)
        labels = default_parameters(layout)
        if old is not None and all(valid_label(label, layout) for label in old):
            labels = old
        self.x_picker.set_label(labels[0])
        self.y_picker.set_label(labels[1])
        if default_mode is not None:
            self.set_mode(default_mode, quiet=True)
        comparable = head in COMPARISON_HEADS
        self.loss_combo.setEnabled(comparable)
        self.loss_combo.setToolTip(text.LOSS_TIP if comparable else text.LOSS_DISABLED_TIP)

    # ----- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self.mode_combo = QComboBox()
        for key, label in MODES.items():
            self.mode_combo.addItem(label, key)
        self.mode_combo.setToolTip(text.MODE_TIP)
        self.mode_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.x_picker, self.y_picker = AxisPicker(), AxisPicker()
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 1_000_000)
        self.seed_spin.setToolTip(text.SEED_TIP)
        self.reroll_button = QPushButton("Re-roll")
        self.reroll_button.setToolTip(text.REROLL_TIP)
        self.pca_label = QLabel("The slice spanned by the two directions the path moved most.")
        self.pca_label.setWordWrap(True)
        self.pca_label.setToolTip(text.PCA_TIP)

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

    def _lay_out(self) -> None:
        """Three groups the panel's strip arranges in as many columns as its width allows
        (``arrange``); the mode combo itself sits in the panel's header, always in view."""
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
        for page in (parameter_page, random_page, self.pca_label):  # the order of MODES
            self.direction_pages.addWidget(page)

        directions = QGroupBox("Directions")
        QVBoxLayout(directions).addWidget(self.direction_pages)
        grid = QGroupBox("Grid")
        form = QFormLayout(grid)
        form.addRow("Loss", self.loss_combo)
        form.addRow("Resolution", self.resolution_spin)
        extent_row = QHBoxLayout()
        extent_row.addWidget(self.extent_spin, 1)
        extent_row.addWidget(self.auto_extent)
        form.addRow("Extent", extent_row)
        form.addRow(self.stretch_check)
        view = QGroupBox("Colours and view")
        box = QVBoxLayout(view)
        box.addWidget(self.log_check)
        box.addWidget(self.gl_check)
        box.addStretch(1)
        self.groups = (directions, grid, view)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 2, 4, 4)
        self._columns = 0
        self.arrange(len(self.groups))

    def columns_for(self, width: int) -> int:
        """How many groups fit side by side in ``width`` pixels (at least one)."""
        spacing = max(self._grid.horizontalSpacing(), 0)
        margins = self._grid.contentsMargins()
        needs = [g.minimumSizeHint().width() for g in self.groups]
        for columns in range(len(self.groups), 1, -1):
            # the widest groups may share a row: sum the widest `columns` of them
            widest = sum(sorted(needs, reverse=True)[:columns]) + spacing * (columns - 1)
            if widest + margins.left() + margins.right() <= width:
                return columns
        return 1

    def arrange(self, columns: int) -> None:
        """Lay the groups out in ``columns`` columns (a no-op when already so)."""
        columns = max(1, min(columns, len(self.groups)))
        if columns == self._columns:
            return
        self._columns = columns
        for group in self.groups:
            self._grid.removeWidget(group)
        for i, group in enumerate(self.groups):
            self._grid.addWidget(group, i // columns, i % columns)
        for column in range(len(self.groups)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    def _connect(self) -> None:
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        for signal in (self.x_picker.changed, self.y_picker.changed,
                       self.seed_spin.valueChanged, self.loss_combo.currentIndexChanged,
                       self.extent_spin.valueChanged, self.stretch_check.toggled):
            signal.connect(self._emit_changed)
        self.resolution_spin.valueChanged.connect(self._resolution_changed)
        self.resolution_spin.editingFinished.connect(self._make_resolution_odd)
        self.reroll_button.clicked.connect(
            lambda: self.seed_spin.setValue(self.seed_spin.value() + 1))
        self.auto_extent.toggled.connect(self._auto_extent_toggled)
        self.log_check.toggled.connect(self.log_toggled)
        self.gl_check.toggled.connect(self.view3d_toggled)

    def _emit_changed(self, *_args) -> None:
        self.changed.emit()

    def _mode_changed(self) -> None:
        self.direction_pages.setCurrentIndex(list(MODES).index(self.mode()))
        self.changed.emit()

    def _auto_extent_toggled(self, on: bool) -> None:
        self.extent_spin.setEnabled(not on)
        self.stretch_check.setEnabled(on)
        self.changed.emit()

    def _resolution_changed(self, value: int) -> None:
        if value % 2:  # an even value typed halfway is rounded up when editing finishes
            self.changed.emit()

    def _make_resolution_odd(self) -> None:
        value = self.resolution_spin.value()
        if value % 2 == 0:
            self.resolution_spin.setValue(min(value + 1, self.resolution_spin.maximum()))
