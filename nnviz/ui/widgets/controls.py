"""Small form controls the builder uses: spin boxes that apply when typing is done and
refuse a value outside their range visibly, and one row of the hidden-layer list."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.network import MAX_UNITS


class CollapsibleGroup(QWidget):
    """A titled group that folds away: a header button with an arrow, and the content shown
    or hidden (no fixed heights, so content that grows later is never clipped)."""

    toggled = Signal(bool)

    def __init__(self, title: str, content: QWidget, expanded: bool = True, parent=None):
        super().__init__(parent)
        self.content = content
        self.header = QToolButton()
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setAutoRaise(True)
        self.header.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.header.setToolTip(f"Click to fold or unfold the {title} settings")
        self.header.toggled.connect(self._set_expanded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(content)
        self.header.setChecked(expanded)
        self._set_expanded(expanded)

    def text(self) -> str:
        return self.header.text()

    def isExpanded(self) -> bool:  # noqa: N802  (the name superqt's QCollapsible uses)
        return self.header.isChecked()

    def expand(self, animate: bool = False) -> None:
        self.header.setChecked(True)

    def collapse(self, animate: bool = False) -> None:
        self.header.setChecked(False)

    def _set_expanded(self, on: bool) -> None:
        self.header.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.content.setVisible(on)
        self.toggled.emit(on)


def collapsible(box: QGroupBox, expanded: bool = True) -> CollapsibleGroup:
    """``box`` under a title that folds it away (the box keeps its frame, not its title)."""
    title = box.title()
    box.setTitle("")
    group = CollapsibleGroup(title, box, expanded)
    group.setObjectName(f"group_{title.lower().replace(' ', '_')}")
    return group


def combo(labels: dict, tip: str) -> QComboBox:
    """A combo box listing ``labels`` (value -> text); ``currentData()`` is the value."""
    box = QComboBox()
    for value, text in labels.items():
        box.addItem(text, value)
    box.setToolTip(tip)
    return box


REFUSED_STYLE = ("QLineEdit { background-color: #f8c9c9; color: #1a1a1a; "
                 "border: 1px solid #c62828; }")


def number_text(value: float) -> str:
    """A number as short as it can be written and read back exactly: 1.2, 0.01, 1e-05, 100."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


class RefusalMark:
    """Shows on ``edit`` that a typed value was refused: red, the typed text kept, and a
    tooltip (through ``show_tip``, on the widget the user points at) that says the range and
    the value still in use. Any later change of the text takes the mark away."""

    def __init__(self, edit: QLineEdit, show_tip):
        self.edit, self._show_tip = edit, show_tip
        self.tip = ""             # the tooltip when nothing is refused
        self.typed: str | None = None
        self.message = ""
        edit.textChanged.connect(self._text_changed)

    @property
    def refused(self) -> bool:
        return self.typed is not None

    def refuse(self, typed: str, message: str) -> None:
        self.typed = None
        if self.edit.text() != typed:     # (unchanged text keeps its undo: Esc reverts it)
            self.edit.setText(typed)      # what was typed stays, in red
        self.typed, self.message = typed, message
        self.edit.setStyleSheet(REFUSED_STYLE)
        self._show_tip(f"{message}\n\n{self.tip}" if self.tip else message)

    def clear(self) -> None:
        if self.typed is not None:
            self.typed, self.message = None, ""
            self.edit.setStyleSheet("")
            self._show_tip(self.tip)

    def _text_changed(self, text: str) -> None:
        if self.typed is not None and text != self.typed:
            self.clear()


def range_message(typed: str, lo: float, hi: float, in_use: str, name: str = "It") -> str:
    return (f"{typed} was not used: {name} must be between {number_text(lo)} and "
            f"{number_text(hi)}. Still {in_use}, the value in use: type a value in the range.")


class _RangeMixin:
    """Enter or leaving the field with a number outside the range: Qt would put the previous
    value back without a word; here the field turns red and says the range instead."""

    def _init_range(self, name: str) -> None:
        self.range_name = name
        self.mark = RefusalMark(self.lineEdit(), lambda tip: QWidget.setToolTip(self, tip))

    def setToolTip(self, text: str) -> None:  # noqa: N802 (Qt naming)
        self.mark.tip = text
        if not self.mark.refused:
            super().setToolTip(text)

    def _typed_out_of_range(self) -> str | None:
        text = self.cleanText()
        if not text or text == self.textFromValue(self.value()) or (
                self.specialValueText() and self.text() == self.specialValueText()):
            return None
        number, ok = self.locale().toDouble(text)
        if ok and self.minimum() <= number <= self.maximum():
            return None
        return text

    def _check_then(self, handle, event) -> None:
        typed = self._typed_out_of_range()
        in_use = self.text() if typed is None else self.textFromValue(self.value())
        handle(event)  # Qt puts the value in use back in the field
        if typed is not None:
            self.mark.refuse(typed, range_message(typed, self.minimum(), self.maximum(),
                                                  in_use, self.range_name))

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._check_then(super().keyPressEvent, event)
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.mark.refused:  # still showing a refused value: keep it shown as refused
            typed, message = self.mark.typed, self.mark.message
            super().focusOutEvent(event)
            self.mark.refuse(typed, message)
            return
        self._check_then(super().focusOutEvent, event)


class RangeSpinBox(_RangeMixin, QSpinBox):
    def __init__(self, name: str = "It", parent=None):
        super().__init__(parent)
        self._init_range(name)


class ExactDoubleSpinBox(_RangeMixin, QDoubleSpinBox):
    """Shows its value as short as it is exact (0.875, not 0.88 or 0.87500)."""

    def __init__(self, name: str = "It", parent=None):
        super().__init__(parent)
        self._init_range(name)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt naming)
        text = self.locale().toString(float(value), "f", self.decimals())
        point = self.locale().decimalPoint()
        if point in text:
            text = text.rstrip("0").rstrip(point)
        return text


def spin(lo: int, hi: int, value: int, tip: str, name: str = "It") -> QSpinBox:
    box = RangeSpinBox(name)
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # apply when typing is done, not at every digit
    return box


def dspin(lo: float, hi: float, value: float, step: float, decimals: int, tip: str,
          name: str = "It"):
    """``decimals``: how many the value keeps; it is shown without trailing zeros."""
    box = ExactDoubleSpinBox(name)
    box.setDecimals(decimals)
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


class LayerRow(QWidget):
    """One hidden layer: units and activation, with a remove button. ``changed`` fires on
    any edit, ``remove_requested`` when the button is pressed."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, units: int, activation: str, units_tip: str = "",
                 activation_tip: str = ""):
        super().__init__()
        self.label = QLabel()
        self.units = spin(1, MAX_UNITS, units, units_tip)
        self.activation = QComboBox()
        for name, act in ACTIVATIONS.items():
            self.activation.addItem(name, name)
            self.activation.setItemData(self.activation.count() - 1,
                                        f"g(z) = {act.formula}\ng'(z) = {act.slope_formula}",
                                        Qt.ItemDataRole.ToolTipRole)
        self.activation.setCurrentIndex(max(self.activation.findData(activation), 0))
        self.activation.setToolTip(activation_tip)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this hidden layer")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.units)
        layout.addWidget(self.activation, 1)
        layout.addWidget(self.remove)
        self.units.valueChanged.connect(self.changed)
        self.activation.currentIndexChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
