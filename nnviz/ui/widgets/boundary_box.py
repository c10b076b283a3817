"""The decision-boundary plot with its tool row, as the training panel shows it.

The box delegates ``update_from``/``on_theme``/``getPlotItem`` to its :class:`BoundaryPlot`,
so the training panel treats it as one outcome view. It listens to the controller's
``unit_focus`` (the network diagram's hovered or pinned unit) and sends the learner's edits
to the controller; it computes nothing itself.

Data you draw (two-input classification): a click on the plot adds a training point of the
class chosen in the picker (Shift+click: the other class), a right click removes the nearest
point; "Restore data" undoes the edits; "Save data…" writes the data as drawn to a CSV file
(the built-in sets' layout, so it opens again as data).
"""
from __future__ import annotations

import numpy as np

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel,
                               QMessageBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from nnviz.engine.io.dataset_csv import export_dataset_csv
from nnviz.engine.io.errors import ExportError

from .boundary_plot import BoundaryPlot


class BoundaryBox(QWidget):
    """The plot with its tools in one row (:attr:`toolbar`). ``own_toolbar=False`` leaves
    the row for the host to place (the training panel puts it in its one header row, so
    the plot gets the height)."""

    def __init__(self, controller=None, parent=None, own_toolbar: bool = True):
        super().__init__(parent)
        self.controller = controller
        self.plot = BoundaryPlot()
        self.discretize = QCheckBox("Discretize")
        self.discretize.setToolTip("Discretize the output: show only the predicted class "
                                   "regions (ŷ = 1 where a[L] > 0.5), not the shades of "
                                   "confidence.")
        self.discretize.toggled.connect(self.plot.set_discrete)
        self.show_test = QCheckBox("Show test data")
        self.show_test.setChecked(True)
        self.show_test.setToolTip("Draw the test examples (triangles), which the network "
                                  "never trains on.")
        self.show_test.toggled.connect(self.plot.set_show_test)

        self.draw_tools = QWidget()
        draw = QHBoxLayout(self.draw_tools)
        draw.setContentsMargins(0, 0, 0, 0)
        self.draw_class = QComboBox()
        self.draw_class.setToolTip("The class of the points a click adds (Shift+click adds "
                                   "the other class; right-click removes the nearest point).")
        # As wide as its longest class name: never squeezed into "arm C" or "uppe".
        self.draw_class.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.draw_class.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.restore = QPushButton("Restore data")
        self.restore.setToolTip("Undo every point drawn or removed: the data as generated "
                                "(or loaded) again. Training goes on.")
        self.save = QPushButton("Save data…")
        self.save.setToolTip("Save the data as drawn (training and test points) as a CSV "
                             "file you can open again with Open CSV.")
        draw.addWidget(QLabel("Click adds:"))
        draw.addWidget(self.draw_class)
        # The mouse help in a small "?" (a sentence here would set the plot's minimum width).
        help_mark = QLabel("<b>?</b>")
        help_mark.setToolTip("Click: add a point of the chosen class · Shift+click: the other "
                             "class · right-click: remove the nearest point · Ctrl+click: "
                             "follow that example through the network in the Backprop panel")
        self.help_mark = help_mark
        draw.addWidget(help_mark)
        draw.addWidget(self.restore)
        draw.addWidget(self.save)
        self.draw_tools.setVisible(False)

        self.toolbar = QWidget()
        tools = QHBoxLayout(self.toolbar)
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.discretize)
        tools.addWidget(self.show_test)
        tools.addWidget(self.draw_tools)
        self._data = None
        self._snapshot = None
        self.plot.point_requested.connect(self._add_point)
        self.plot.remove_requested.connect(self._remove_point)
        self.restore.clicked.connect(self._restore)
        self.save.clicked.connect(self._save_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if own_toolbar:
            tools.addStretch(1)
            layout.addWidget(self.toolbar)
        layout.addWidget(self.plot, 1)
        if controller is not None:
            controller.unit_focus.connect(self.plot.show_unit)
            self.plot.example_requested.connect(
                lambda x1, x2: self._pick_example(controller, x1, x2))

    # -- the outcome-view interface the training panel uses ----------------------------
    def reset(self) -> None:
        """A new run: the old run's picture goes (the next grid draws the new one)."""
        self.plot.reset()

    def update_from(self, snapshot) -> None:
        self.plot.update_from(snapshot)
        data = snapshot.data
        self.discretize.setEnabled(data.is_classification)
        self.show_test.setEnabled(data.m_test > 0)
        self._snapshot = snapshot
        self.restore.setEnabled(snapshot.config.data.edited)
        if data is not self._data:
            self._data = data
            drawable = data.is_classification and data.X_train_raw.shape[0] == 2
            self.plot.set_editable(drawable)
            self.draw_tools.setVisible(drawable)
            self._set_classes(data.class_names)

    def _pick_example(self, controller, x1: float, x2: float) -> None:
        """Ctrl+click: the training example nearest to the click, in the plot's own scale
        (a few hundred distances: nothing a frame would notice)."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.data.X_train_raw.shape[0] != 2:
            return
        X = snapshot.data.X_train_raw
        span = np.ptp(X, axis=1)
        span[span == 0] = 1.0
        d = (((X - np.array([[x1], [x2]])) / span[:, None]) ** 2).sum(axis=0)
        controller.focus_example(int(np.argmin(d)))

    # -- data you draw -----------------------------------------------------------------
    def _set_classes(self, names, recolour: bool = False) -> None:
        shown = [self.draw_class.itemText(k) for k in range(self.draw_class.count())]
        if shown == list(names) and not recolour:
            return
        current = self.draw_class.currentIndex()
        self.draw_class.clear()
        palette = self.plot._colors.classes
        for k, name in enumerate(names):
            pixmap = QPixmap(10, 10)
            pixmap.fill(QColor(palette[k % len(palette)]))
            self.draw_class.addItem(QIcon(pixmap), str(name), k)
        self.draw_class.setCurrentIndex(current if 0 <= current < len(names) else 0)

    def class_for_click(self, shift: bool) -> int:
        """The picker's class, or with Shift the other one (the next one for 3+ classes)."""
        k, n = max(self.draw_class.currentIndex(), 0), max(self.draw_class.count(), 1)
        return (k + 1) % n if shift else k

    def _add_point(self, x1: float, x2: float, shift: bool) -> None:
        if self.controller is not None:
            self.controller.add_point(x1, x2, self.class_for_click(shift))

    def _remove_point(self, x1: float, x2: float) -> None:
        if self.controller is not None:
            self.controller.remove_point_near(x1, x2)

    def _restore(self) -> None:
        if self.controller is not None:
            self.controller.restore_data()

    def _save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save data as CSV", "drawn-data.csv",
                                              "CSV files (*.csv)")
        if path:
            try:
                self.save_data(path)
            except ExportError as exc:
                QMessageBox.warning(self, "Save data", str(exc))

    def save_data(self, path) -> None:
        """The data as drawn (training then test points, raw inputs) to ``path``. Written
        here from the snapshot's arrays: a few hundred rows, nothing to compute."""
        s = self._snapshot
        if s is None:
            raise ExportError("There is no data to save yet.", path)
        d = s.data
        # With input features on, the columns are still the two raw inputs the points live on.
        names = ("x1", "x2") if s.config.data.features else d.feature_names
        X = np.hstack([d.X_train_raw, d.X_test_raw])
        y = np.concatenate([d.y_train, d.y_test])
        export_dataset_csv(path, X, y, names, d.class_names)

    def on_theme(self, c) -> None:
        self.plot.on_theme(c)
        names = [self.draw_class.itemText(k) for k in range(self.draw_class.count())]
        if names:
            self._set_classes(names, recolour=True)  # the class swatches in the palette's colours

    def getPlotItem(self):  # noqa: N802  (pyqtgraph's name, for figure export)
        return self.plot.getPlotItem()
