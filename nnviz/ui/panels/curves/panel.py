"""Cost and accuracy against iteration, stacked, beside the cost surface: how the path on
the surface reads as a curve. The same :class:`~nnviz.ui.widgets.curves.CurvesView` as the
training panel's, with its log toggles in a row of its own."""
from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from ...theme import PlotColors
from ...widgets.curves import CurvesView
from ..base import Panel, PanelContext


class CurvesPanel(Panel):
    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        self.curves = CurvesView(own_toggle_row=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.curves)
        self.on_theme(context.appearance.colors)

    def on_snapshot(self, snapshot) -> None:
        self.curves.show_snapshot(snapshot)

    def on_theme(self, c: PlotColors) -> None:
        self.curves.on_theme(c)

    def figures(self) -> dict[str, object]:
        return self.curves.figures()
