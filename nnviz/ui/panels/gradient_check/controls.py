"""The inspector's controls: what to check, how, with which eps, and a teaching-mode bug."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFrame, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from nnviz.engine.gradient_check import DEFAULT_EPS

from . import jobs, scalar
from .flow import FlowLayout
from nnviz.analysis import gradient_check_text as text
from ...theme import PlotColors

MODE_LABELS = {"full": "Full (every parameter)", "directional": "Directional (fast)",
               "layer": "One layer", "random": "N random per tensor"}
COURSE_LAYERS = 3  # the course exercise's L


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
        try:
            value = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802
        self.setValue(min(max(self.value() * 10.0 ** steps, self.minimum()), self.maximum()))


class CheckControls(QWidget):
    """The controls, in as many rows as the width needs, and the teaching-mode banner. The
    panel connects the buttons."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._network_layers = 1
        self.source = QComboBox()
        self.source.addItem("Current network", "network")
        self.source.addItem("Course exercise (4-5-3-1, 3 examples)", "course")
        self.source.addItem(scalar.LABEL, scalar.SOURCE)
        self.source.setItemData(2, scalar.TIP, Qt.ItemDataRole.ToolTipRole)
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
        self.layer = _spin(1, 1, 1, text.LAYER_TIP, prefix="l = ")
        self.per_tensor = _spin(1, 100_000, jobs.DEFAULT_PER_TENSOR, text.PER_TENSOR_TIP,
                                prefix="N = ")
        self.directions = _spin(1, 100, jobs.DEFAULT_DIRECTIONS, text.DIRECTIONS_TIP,
                                suffix=" directions")
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
        self._build_dropout_banner()
        self._build_layout()
        self.mode.currentIndexChanged.connect(lambda _i: self._update_mode_controls())
        self.source.currentIndexChanged.connect(lambda _i: self._on_source_changed())
        self.bug.currentIndexChanged.connect(lambda _i: self._update_banner())
        self._update_mode_controls()
        self._update_layers()

    def _build_layout(self) -> None:
        # One line when the panel is wide; more lines, never a cut control, when narrow.
        # Each label stays with its field.
        flow = FlowLayout(spacing=14, row_spacing=4)
        self.status.setWordWrap(True)  # a long message takes a second line, never cut
        for group in ([QLabel("Check"), self.source], [QLabel("examples"), self.examples],
                      [QLabel("mode"), self.mode, self.layer, self.per_tensor,
                       self.directions], [QLabel("ε"), self.eps],
                      [QLabel("Teaching: plant a bug"), self.bug],
                      [self.run_button, self.cancel_button]):
            flow.addWidget(_group(group))
        flow.add_filling(_group([self.progress, self.status]))
        self.progress.setFixedWidth(80)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(flow)
        column.addWidget(self.banner)
        column.addWidget(self.dropout_banner)

    def _build_dropout_banner(self) -> None:
        """Shown while training uses dropout: why the check does not run on it, and the one
        click that checks the same network with keep_prob = 1. Once that check has run, one
        line (the why in its tooltip), so the plots keep their height."""
        self._training_keep_prob = 1.0
        self._dropout_compact = False
        self.dropout_banner = QFrame()
        self.dropout_banner.setObjectName("dropoutBanner")
        self.dropout_text = QLabel()
        self.dropout_text.setWordWrap(True)
        self.dropout_short = QLabel()
        self.dropout_short.setWordWrap(True)  # never wider than the panel
        self.dropout_button = QPushButton("Check with dropout off (keep_prob = 1)")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.dropout_short, 1)
        row.addWidget(self.dropout_button)
        box = QVBoxLayout(self.dropout_banner)
        box.setContentsMargins(8, 4, 8, 4)
        box.setSpacing(4)
        box.addWidget(self.dropout_text)
        box.addLayout(row)
        self.dropout_banner.hide()

    def set_training_keep_prob(self, keep_prob: float) -> None:
        """The keep_prob training uses on the current network (1: no dropout)."""
        if float(keep_prob) != self._training_keep_prob:
            self._dropout_compact = False  # new settings: the why in full again
        self._training_keep_prob = float(keep_prob)
        self._update_dropout_banner()

    def dropout_checked(self) -> None:
        """A check with dropout off has run: the banner shrinks to one line."""
        self._dropout_compact = True
        self._update_dropout_banner()

    @property
    def dropout_blocks(self) -> bool:
        """Training uses dropout and the current network is what would be checked."""
        return self._training_keep_prob < 1.0 and self.source.currentData() == "network"

    def _update_dropout_banner(self) -> None:
        kp = self._training_keep_prob
        self.dropout_banner.setVisible(self.dropout_blocks)
        if kp < 1.0:
            why = jobs.dropout_refusal(kp)
            self.dropout_text.setText(why)
            self.dropout_text.setVisible(not self._dropout_compact)
            self.dropout_short.setText(f"Dropout on (keep_prob {kp:g}): checked with it off.")
            self.dropout_short.setToolTip(why)
            self.dropout_short.setVisible(self._dropout_compact)
            self.dropout_button.setToolTip(
                "Runs the check (the mode, examples and ε chosen above) on the same network "
                "with keep_prob = 1: no masks, no scaling, so J is one fixed function of θ. "
                f"Training keeps keep_prob {kp:g}: nothing to turn back on.")

    def request(self, seed: int = 0, dropout_off: bool = False) -> jobs.CheckRequest:
        n = self.examples.value()
        return jobs.CheckRequest(dropout_off=dropout_off,
            source=self.source.currentData(), mode=self.mode.currentData(),
            eps=float(self.eps.value()), planted_bug=self.bug.currentData(),
            layer=self.layer.value(), per_tensor=self.per_tensor.value(),
            n_examples=n if n > 0 else None, n_directions=self.directions.value(), seed=seed)

    def set_network_layers(self, L: int) -> None:
        """The current network's L: limits the layer choice and the planted bugs."""
        self._network_layers = int(L)
        self._update_layers()

    def set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.dropout_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        one_d = self.source.currentData() == scalar.SOURCE  # nothing to choose but ε
        for widget in (self.source, self.mode, self.eps, self.bug, self.layer,
                       self.per_tensor, self.directions):
            widget.setEnabled(not busy and (widget in (self.source, self.eps) or not one_d))
        self.examples.setEnabled(not busy and self.source.currentData() == "network")

    def on_theme(self, colors: PlotColors) -> None:
        self.dropout_banner.setStyleSheet(
            f"QFrame#dropoutBanner {{ border: 1px solid {colors.warn}; border-radius: 3px; }}")
        self.banner.setStyleSheet(
            f"QLabel {{ background: {colors.bad}; color: white; padding: 4px 8px; "
            "border-radius: 3px; font-weight: bold; }")

    # -- internals ------------------------------------------------------------------------
    def _source_layers(self) -> int:
        return COURSE_LAYERS if self.source.currentData() == "course" else self._network_layers

    def _on_source_changed(self) -> None:
        self._update_layers()
        self._update_dropout_banner()
        self.set_busy(not self.run_button.isEnabled())

    def _update_layers(self) -> None:
        L = self._source_layers()
        self.layer.setRange(1, L)
        current = self.bug.currentData()
        self.bug.blockSignals(True)
        self.bug.clear()
        self.bug.addItem("off (check the real backprop)", None)
        for name in jobs.bugs_for_layers(L):
            self.bug.addItem(jobs.bug_title(name), name)
        self.bug.setCurrentIndex(max(self.bug.findData(current), 0))
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
            # One line where it can: the rest is in the tooltip.
            self.banner.setText(f"TEACHING MODE · planted bug: {jobs.bug_title(bug)}, in "
                                "this check only")
            self.banner.setToolTip("Only this check uses the broken backprop; training keeps "
                                   f"the correct one.\n\n{text.BUG_TIP}")


def _group(widgets) -> QWidget:
    """Widgets side by side that the flow keeps on one line."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for widget in widgets:
        row.addWidget(widget)
    return box


def _spin(low: int, high: int, value: int, tip: str, prefix: str = "", suffix: str = ""):
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setPrefix(prefix)
    spin.setSuffix(suffix)
    spin.setToolTip(tip)
    return spin
