"""The decision-boundary plot with its tool row, as the training panel shows it.

The box delegates ``update_from``/``on_theme``/``getPlotItem`` to its :class:`BoundaryPlot`,
so the training panel treats it as one outcome view. It listens to the controller's
``unit_focus`` (the network diagram's hovered or pinned unit) and sends the learner's edits
to the controller; it computes nothing itself.
"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .boundary_plot import BoundaryPlot


class BoundaryBox(QWidget):
    def __init__(self, controller=None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.plot = BoundaryPlot()
        self.tools = QHBoxLayout()
        self.tools.setContentsMargins(0, 0, 0, 0)
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

    def on_theme(self, c) -> None:
        self.plot.on_theme(c)

    def getPlotItem(self):  # noqa: N802  (pyqtgraph's name, for figure export)
        return self.plot.getPlotItem()
