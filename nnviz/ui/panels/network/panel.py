"""The network diagram panel: the network's weights, live while training."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QVBoxLayout

from ...theme import PlotColors
from ...widgets.network_diagram import ABSOLUTE_FULL_WIDTH, MAX_DRAWN_UNITS, NetworkDiagram
from ..base import Panel, PanelContext

SCALE_LABELS = {"absolute": "absolute", "relative": "relative to the largest"}


class NetworkPanel(Panel):
    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        self.diagram = NetworkDiagram()
        self.diagram.setToolTip("")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.scale = QComboBox()
        for key, label in SCALE_LABELS.items():
            self.scale.addItem(label, key)
        self.scale.setToolTip(
            f"Link thickness: absolute (|w| = {ABSOLUTE_FULL_WIDTH:g} or more is the thickest, "
            "so small and large initial weights look different) or relative to the largest "
            "weight now (shows the pattern whatever the size).")
        self.scale.currentIndexChanged.connect(self._scale_changed)
        # A hovered (or clicked: pinned) unit's picture is shown large in the boundary plot.
        self._pinned = None
        self.diagram.unit_hovered.connect(self._unit_hovered)
        self.diagram.unit_pinned.connect(self._unit_pinned)
        self.diagram.edit_requested.connect(self.edit_parameter)
        # The caption and the toggle share one row: the diagram keeps the height.
        bottom = QHBoxLayout()
        bottom.addWidget(self.caption, 1)
        bottom.addWidget(QLabel("Link width:"))
        bottom.addWidget(self.scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.diagram, 1)
        layout.addLayout(bottom)
        self.on_theme(context.appearance.colors)

    def on_snapshot(self, snapshot) -> None:
        self.diagram.set_snapshot(snapshot)
        self.diagram.editable = snapshot.state != "running"
        self._update_caption()

    # -- the weight editor -------------------------------------------------------------
    def edit_parameter(self, key) -> None:
        """Ask for a new value of ``("W", l, i, j)`` / ``("b", l, i)`` (0-based) and send it
        to the worker, which answers with a fresh snapshot."""
        if self.controller.state == "running":
            return
        value = self.diagram.parameter_value(key)
        if key[0] == "W":
            _, l, i, j = key
            title = f"Weight W[{l}]_{i + 1},{j + 1}"
            label = (f"New value of W[{l}]_{i + 1},{j + 1} (NumPy W{l}[{i}, {j}]), from "
                     f"{'input' if l == 1 else 'unit'} {j + 1} to unit {i + 1} of layer {l}:")
            name, index = f"W{l}", (i, j)
        else:
            _, l, i = key
            title = f"Bias b[{l}]_{i + 1}"
            label = f"New value of b[{l}]_{i + 1} (NumPy b{l}[{i}, 0]), unit {i + 1} of layer {l}:"
            name, index = f"b{l}", i
        new = self.ask_value(title, label, value)
        if new is not None and new != value:
            self.controller.set_parameter(name, index, new)

    def ask_value(self, title: str, label: str, value: float) -> float | None:
        """A number from the learner (None if cancelled); tests replace this."""
        new, ok = QInputDialog.getDouble(self, title, label, value, -1e6, 1e6, 4)
        return new if ok else None

    def _unit_hovered(self, unit) -> None:
        self.controller.focus_unit(unit if unit is not None else self._pinned)

    def _unit_pinned(self, unit) -> None:
        self._pinned = unit
        self.controller.focus_unit(unit)

    def _scale_changed(self) -> None:
        self.diagram.set_scale(self.scale.currentData())
        self._update_caption()

    def _update_caption(self) -> None:
        c = self.context.appearance.colors
        d = self.diagram
        key = (f"{d.max_abs_weight:.2g}", d.hidden_units, d.scale, bool(d.pictured_units), c)
        if key == getattr(self, "_caption_key", None):
            return  # unchanged: do not relayout the panel
        self._caption_key = key
        hidden = d.hidden_units
        # One line, so the diagram keeps the height; what to do with it is in the tooltip.
        cap = (f" Layers wider than {MAX_DRAWN_UNITS} show their first {MAX_DRAWN_UNITS - 1} "
               f"units ({hidden} not drawn)." if hidden else "")
        if d.scale == "absolute":
            width = (f"thickness ∝ |w|, thickest from |w| = {ABSOLUTE_FULL_WIDTH:g} "
                     f"(largest now {d.max_abs_weight:.2g})")
        else:
            width = f"thickness ∝ |w| relative to the largest ({d.max_abs_weight:.2g})"
        node = "frame" if d.pictured_units else "node"
        self.caption.setText(
            f"<span style='color:{c.positive}'>■ w &gt; 0</span> "
            f"<span style='color:{c.negative}'>■ w &lt; 0</span>, {width}; "
            f"{node} colour = bias b.{cap}")
        pics = ("\nEach picture is a unit's activation A[l]_j over the input plane (the "
                "inputs: each feature as the network sees it); hover one to see it large in "
                "the decision-boundary plot, click to keep it there."
                if d.pictured_units else "")
        self.caption.setToolTip(
            "Hover a link or unit for its value and gradient; while paused, click one to "
            f"edit it.{pics}")

    def on_theme(self, c: PlotColors) -> None:
        self.diagram.set_colors(c)
        self._update_caption()

    def figures(self) -> dict[str, object]:
        return {"network": self.diagram}
