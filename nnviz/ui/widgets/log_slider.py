"""A slider on a log scale with the value editable as text (learning rate, init scale)."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSlider, QWidget

STEPS = 1000


def format_value(value: float) -> str:
    """Short, exact enough: 1.2, 0.01, 3e-05."""
    return f"{value:.3g}"


class LogSlider(QWidget):
    """``valueChanged(float)`` fires while dragging and when a typed value is confirmed."""

    valueChanged = Signal(float)

    def __init__(self, minimum: float, maximum: float, value: float, parent=None):
        super().__init__(parent)
        if not 0 < minimum < maximum:
            raise ValueError("a log slider needs 0 < minimum < maximum")
        self._lo, self._hi = math.log10(minimum), math.log10(maximum)
        self._value = value
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, STEPS)
        self.slider.setPageStep(STEPS // 20)
        self.edit = QLineEdit()
        self.edit.setMaximumWidth(76)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        validator = QDoubleValidator(minimum, maximum, 12, self.edit)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.edit.setValidator(validator)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.edit)
        self.slider.valueChanged.connect(self._slider_moved)
        self.edit.editingFinished.connect(self._text_entered)
        self.setValue(value)

    @property
    def minimum(self) -> float:
        return 10 ** self._lo

    @property
    def maximum(self) -> float:
        return 10 ** self._hi

    def value(self) -> float:
        return self._value

    def setValue(self, value: float, emit: bool = False) -> None:
        value = min(max(float(value), self.minimum), self.maximum)
        self._value = value
        position = round((math.log10(value) - self._lo) / (self._hi - self._lo) * STEPS)
        blocked = self.slider.blockSignals(True)
        self.slider.setValue(position)
        self.slider.blockSignals(blocked)
        self.edit.setText(format_value(value))
        if emit:
            self.valueChanged.emit(value)

    def setToolTip(self, text: str) -> None:  # noqa: N802 (Qt naming)
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.edit.setToolTip(text)

    def _slider_moved(self, position: int) -> None:
        value = 10 ** (self._lo + (self._hi - self._lo) * position / STEPS)
        # Round to 3 significant digits so the text and the value used agree.
        value = float(format_value(value))
        self._value = value
        self.edit.setText(format_value(value))
        self.valueChanged.emit(value)

    def _text_entered(self) -> None:
        try:
            value = float(self.edit.text())
        except ValueError:
            self.edit.setText(format_value(self._value))
            return
        if value != self._value:
            self.setValue(value, emit=True)
