"""The builder's input-feature checkboxes and the course-exact option (small widgets).

Features (two-input data only): x1, x2, x1², x2², x1·x2, sin x1, sin x2, as in the
TensorFlow Playground; the engine's ``FeatureMap`` computes them before normalization. The
plain inputs (x1 and x2, nothing else) are the empty choice ``()``, the default.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

from nnviz.engine.features import FEATURE_LABELS, FEATURE_NAMES, RAW_INPUTS

from ...widgets.show_guard import ShowGuard

COLUMNS = 4
FEATURES_TIP = ("What the first layer sees: the two raw inputs and/or functions of them, "
                "computed before normalization. With x1² and x2² a network with no hidden "
                "layer separates the circles (its boundary w1·x1² + w2·x2² + b = 0 is an "
                "ellipse): features can do what hidden units would otherwise have to learn.")
COURSE_EXACT_TIP = ("Draw the data and the initial weights exactly as the course notebooks "
                    "do (NumPy's legacy np.random.seed, the notebooks' seeds and call order), "
                    "so the numbers match the notebook: the flower with 4 tanh units, "
                    "α = 1.2 and 10,000 iterations reaches 90% training accuracy. The split "
                    "and data seed are then the notebook's.")


class InputFeatures(QWidget):
    """One checkbox per feature; ``changed`` when the learner ticks one."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip(FEATURES_TIP)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.addWidget(QLabel("Input features:"), 0, 0, 1, COLUMNS)
        self.boxes: dict[str, QCheckBox] = {}
        for k, name in enumerate(FEATURE_NAMES):
            box = QCheckBox(FEATURE_LABELS[name])
            box.setToolTip(FEATURES_TIP)
            box.toggled.connect(self._toggled)
            grid.addWidget(box, 1 + k // COLUMNS, k % COLUMNS)
            self.boxes[name] = box
        self._showing = ShowGuard()
        self.set_features(())

    def features(self) -> tuple[str, ...]:
        """The checked features; ``()`` for the plain inputs (x1 and x2 only)."""
        names = tuple(n for n in FEATURE_NAMES if self.boxes[n].isChecked())
        return () if names == RAW_INPUTS else names

    def set_features(self, names) -> None:
        """Show ``names`` (``()``: x1 and x2) without emitting ``changed``."""
        chosen = set(names) or set(RAW_INPUTS)
        with self._showing:
            for name, box in self.boxes.items():
                box.setChecked(name in chosen)
        self._guard_last()

    def _toggled(self, _checked: bool) -> None:
        self._guard_last()
        if not self._showing:
            self.changed.emit()

    def _guard_last(self) -> None:
        # The network needs at least one input: the last checked box cannot be unticked.
        checked = [b for b in self.boxes.values() if b.isChecked()]
        for box in self.boxes.values():
            box.setEnabled(not (len(checked) == 1 and box is checked[0]))


def course_exact_check() -> QCheckBox:
    box = QCheckBox("Course-exact random draws (as the notebook)")
    box.setToolTip(COURSE_EXACT_TIP)
    return box
