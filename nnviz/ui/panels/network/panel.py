"""The network diagram panel: the network's weights, live while training."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QVBoxLayout

from ...theme import PlotColors
from ...widgets.diagram_dropout import MASK_EXAMPLE, TRAINING_TIP, scaling_text
from ...widgets.network_diagram import ABSOLUTE_FULL_WIDTH, MAX_DRAWN_UNITS, NetworkDiagram
from ..base import Panel, PanelContext

SCALE_LABELS = {"absolute": "absolute", "relative": "relative to the largest"}
PASS_LABELS = {"training": "Training pass (masks)", "test": "Test-time pass (no masks)"}
FOLLOWABLE_PACE = 10.0  # steps/s: faster, a mask would be gone before it is seen


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
        # Shown while training uses dropout: the step's masks or the test-time network.
        self.dropout_pass = QComboBox()
        for key, label in PASS_LABELS.items():
            self.dropout_pass.addItem(label, key)
        self.dropout_pass.setToolTip(TRAINING_TIP)
        self.dropout_pass.currentIndexChanged.connect(self._pass_changed)
        self.dropout_pass.hide()
        # A hovered (or clicked: pinned) unit's picture is shown large in the boundary plot.
        self._pinned = None
        self._keep_prob = 1.0  # training's, from the last snapshot
        self.diagram.unit_hovered.connect(self._unit_hovered)
        self.diagram.unit_pinned.connect(self._unit_pinned)
        self.diagram.edit_requested.connect(self.edit_parameter)
        # The caption and the toggle share one row: the diagram keeps the height.
        bottom = QHBoxLayout()
        bottom.addWidget(self.caption, 1)
        bottom.addWidget(self.dropout_pass)
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
        self._keep_prob = float(snapshot.config.hyper.keep_prob) if snapshot.L >= 2 else 1.0
        self.dropout_pass.setVisible(self._keep_prob < 1.0)
        self.diagram.set_masks_shown(self._masks_followable(snapshot))
        self._update_caption()

    # -- dropout -----------------------------------------------------------------------
    def _masks_followable(self, snapshot) -> bool:
        """A step's masks are drawn when stepping, paused, or at 10 steps/s or slower."""
        if snapshot.state != "running":
            return True
        controller = self.context.controller if self.context is not None else None
        pace = getattr(controller, "pace", None)
        if pace is None:  # no controller: judge by the rate the snapshots report
            return 0 < snapshot.steps_per_second <= 1.05 * FOLLOWABLE_PACE
        return 0 < pace <= FOLLOWABLE_PACE

    def set_dropout_view(self, view: str) -> None:
        """``"training"`` (the last step's masks) or ``"test"`` (the test-time pass)."""
        self.dropout_pass.setCurrentIndex(self.dropout_pass.findData(view))

    def _pass_changed(self) -> None:
        self.diagram.set_dropout_view(self.dropout_pass.currentData())
        self._update_caption()

    def _dropout_caption(self) -> str:
        """The caption's sentence about dropout ("" without it): short, one line with the
        toggle at 1000 px; the why is in the toggle's tooltip."""
        kp = self._keep_prob
        if kp >= 1.0:
            return ""
        d = self.diagram
        if d.dropout_view == "test":
            return "Test-time pass: no masks, no scaling, every unit on."
        masks = d.dropout
        if masks is None:
            return f"Dropout (keep_prob {kp:g}): press Step to see a step's masks."
        if not d.masks_shown:
            return (f"Masks shown at 10 steps/s or slower (or Step); survivors "
                    f"{scaling_text(kp)}.")
        # With few units and keep_prob near 1, often no unit is dropped: said, not left blank.
        dropped = ("crossed out = dropped" if d.dropped_units else
                   "none drawn dropped this time" if d.hidden_units else
                   "none dropped this time")
        return (f"Step {masks.iteration:,}, example {MASK_EXAMPLE + 1} of "
                f"{masks.batch_size:,}: {dropped}; survivors {scaling_text(kp)}.")

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
        dropout = self._dropout_caption()
        key = (f"{d.max_abs_weight:.2g}", d.hidden_units, d.scale, bool(d.pictured_units), c,
               dropout)
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
        signs = (f"<span style='color:{c.positive}'>■ w &gt; 0</span> "
                 f"<span style='color:{c.negative}'>■ w &lt; 0</span>")
        # With dropout on, its sentence takes the line; the link widths go to the tooltip.
        self.caption.setText(f"{signs}. {dropout}" if dropout else
                             f"{signs}, {width}; {node} colour = bias b.{cap}")
        if dropout:
            pics = f"\nLinks: {width}; {node} colour = bias b.{cap}"
            self.caption.setToolTip(f"{TRAINING_TIP}{pics}")
            return
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
