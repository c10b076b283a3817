"""The network diagram panel: the network's weights, live while training."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from ...theme import PlotColors
from ...widgets.network_diagram import MAX_DRAWN_UNITS, NetworkDiagram
from ..base import Panel, PanelContext


class NetworkPanel(Panel):
    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        self.diagram = NetworkDiagram()
        self.diagram.setToolTip("")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.diagram, 1)
        layout.addWidget(self.caption)
        self.on_theme(context.appearance.colors)

    def on_snapshot(self, snapshot) -> None:
        self.diagram.set_snapshot(snapshot)
        self._update_caption()

    def _update_caption(self) -> None:
        c = self.context.appearance.colors
        key = (f"{self.diagram.max_abs_weight:.2g}", self.diagram.hidden_units, c)
        if key == getattr(self, "_caption_key", None):
            return  # unchanged: do not relayout the panel
        self._caption_key = key
        hidden = self.diagram.hidden_units
        cap = (f" Layers wider than {MAX_DRAWN_UNITS} units show their first "
               f"{MAX_DRAWN_UNITS - 1} ({hidden} units not drawn)." if hidden else "")
        self.caption.setText(
            f"Links: <span style='color:{c.positive}'>■ w &gt; 0</span> "
            f"<span style='color:{c.negative}'>■ w &lt; 0</span>, thickness ∝ |w| "
            f"(thickest = {self.diagram.max_abs_weight:.2g}); node colour = bias b. "
            f"Hover a link or unit for its value and gradient.{cap}")

    def on_theme(self, c: PlotColors) -> None:
        self.diagram.set_colors(c)
        self._update_caption()

    def figures(self) -> dict[str, object]:
        return {"network": self.diagram}
