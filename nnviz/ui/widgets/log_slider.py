"""A slider on a log scale with the value editable as text (learning rate, init scale).

The slider covers the useful range; the field accepts a wider one (``field_min`` to
``field_max``, what the settings allow) and shows every value exactly, so a value loaded from
a file is shown as it is used even where the slider stops. A typed value outside the field's
range is refused visibly: the field turns red, keeps the text and its tooltip says the range.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSlider, QWidget

from .controls import RefusalMark, number_text

STEPS = 1000


def format_value(value: float) -> str:
    """Exact and short: 1.2, 0.01, 3e-05 (a dragged value has 3 significant digits)."""
    return number_text(value)


class LogSlider(QWidget):
    """``valueChanged(float)`` fires while dragging and when a typed value is confirmed.

    ``name`` names the value in the refusal message (e.g. "α"); ``zero_allowed``: whether a
    ``field_min`` of 0 is itself accepted (an init scale of 0, not a learning rate of 0).
    """

    valueChanged = Signal(float)

    def __init__(self, minimum: float, maximum: float, value: float, parent=None, *,
                 field_min: float | None = None, field_max: float | None = None,
                 zero_allowed: bool = False, name: str = "It", field_width: int = 76):
        super().__init__(parent)
        if not 0 < minimum < maximum:
            raise ValueError("a log slider needs 0 < minimum < maximum")
        self._lo, self._hi = math.log10(minimum), math.log10(maximum)
        self.field_min = minimum if field_min is None else float(field_min)
        self.field_max = maximum if field_max is None else float(field_max)
        self.zero_allowed = zero_allowed
        self.name = name
        self._value = value
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, STEPS)
        self.slider.setPageStep(STEPS // 20)
        self.edit = QLineEdit()
        self.edit.setMaximumWidth(field_width)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.mark = RefusalMark(self.edit, self.edit.setToolTip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
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

    def accepts(self, value: float) -> bool:
        if not math.isfinite(value) or not self.field_min <= value <= self.field_max:
            return False
        return value > 0 or self.zero_allowed

    def range_text(self) -> str:
        lo, hi = number_text(self.field_min), number_text(self.field_max)
        if self.field_min == 0 and not self.zero_allowed:
            return f"more than 0 and at most {hi}"
        return f"between {lo} and {hi}"

    def setValue(self, value: float, emit: bool = False) -> None:
        """Show ``value`` exactly (the slider stops at its ends); values outside the field's
        range are brought into it (settings are checked before they reach a widget)."""
        value = min(max(float(value), self.field_min), self.field_max)
        self._value = value
        blocked = self.slider.blockSignals(True)
        self.slider.setValue(self._position(value))
        self.slider.blockSignals(blocked)
        self.edit.setText(format_value(value))
        self.mark.clear()
        if emit:
            self.valueChanged.emit(value)

    def setToolTip(self, text: str) -> None:  # noqa: N802 (Qt naming)
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.mark.tip = text
        if not self.mark.refused:
            self.edit.setToolTip(text)

    @property
    def refused(self) -> bool:
        """Whether the field shows a typed value that was refused."""
        return self.mark.refused

    def _position(self, value: float) -> int:
        if value <= 0:
            return 0
        return min(max(round((math.log10(value) - self._lo) / (self._hi - self._lo) * STEPS),
                       0), STEPS)

    def _slider_moved(self, position: int) -> None:
        value = 10 ** (self._lo + (self._hi - self._lo) * position / STEPS)
        # Round to 3 significant digits so the text is short and is the value used.
        value = float(f"{value:.3g}")
        self._value = value
        self.edit.setText(format_value(value))
        self.mark.clear()
        self.valueChanged.emit(value)

    def _text_entered(self) -> None:
        typed = self.edit.text().strip()
        if self.mark.refused and typed == self.mark.typed:
            return  # the same refused text: already said
        try:
            value = float(typed)
        except ValueError:
            value = math.nan
        if not self.accepts(value):
            shown = format_value(self._value)
            self.mark.refuse(typed, f"{typed or 'An empty field'} was not used: {self.name} "
                                    f"must be {self.range_text()}. Still {shown}, the value in "
                                    f"use: type a value in the range.")
            return
        if value != self._value:
            self.setValue(value, emit=True)
        else:
            self.edit.setText(format_value(value))
