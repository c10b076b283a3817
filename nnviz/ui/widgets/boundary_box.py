"""The decision-boundary plot with its tool row, as the training panel shows it.

The box delegates ``update_from``/``on_theme``/``getPlotItem`` to its :class:`BoundaryPlot`,
so the training panel treats it as one outcome view. It listens to the controller's
``unit_focus`` (the network diagram's hovered or pinned unit) and sends the learner's edits
to the controller; it computes nothing itself.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from .boundary_plot import BoundaryPlot


class BoundaryBox(QWidget):
    def __init__(self, controller=None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.plot = BoundaryPlot()
        self.tools = QHBoxLayout()
        self.tools.setContentsMargins(0, 0, 0, 0)
        self.discretize = QCheckBox("Discretize output")
        self.discretize.setToolTip("Show only the predicted class regions (ŷ = 1 where "
                                   "a[L] > 0.5), not the shades of confidence.")
        self.discretize.toggled.connect(self.plot.set_discrete)
        self.show_test = QCheckBox("Show test data")
        self.show_test.setChecked(True)
        self.show_test.setToolTip("Draw the test examples (triangles), which the network "
                                  "never trains on.")
        self.show_test.toggled.connect(self.plot.set_show_test)
        self.tools.addWidget(self.discretize)
        self.tools.addWidget(self.show_test)
        self.tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.tools)
        layout.addWidget(self.plot, 1)
        if controller is not None:
            controller.unit_focus.connect(self.plot.show_unit)

    # -- the outcome-view interface the training panel uses ----------------------------
    def update_from(self, snapshot) -> None:
        self.plot.update_from(snapshot)
        data = snapshot.data
        self.discretize.setEnabled(data.is_classification)
        self.show_test.setEnabled(data.m_test > 0)

    def on_theme(self, c) -> None:
        self.plot.on_theme(c)

    def getPlotItem(self):  # noqa: N802  (pyqtgraph's name, for figure export)
        return self.plot.getPlotItem()
