"""Small form controls the builder uses: spin boxes that apply when typing is done and
refuse a value outside their range visibly, and one row of the hidden-layer list."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QComboBox, QDoubleSpinBox, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

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
    the value still in use. Any later change of the text takes the mark away and puts the
    usual tooltip (``tip``) back."""

    def __init__(self, edit: QLineEdit, show_tip, tip: str = ""):
        self.edit, self._show_tip = edit, show_tip
        self.tip = tip
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


class SpinRange(QObject):
    """On a spin box: Enter, or leaving the field, with a number outside the range. Qt puts
    the previous value back without a word; then the field shows the typed text in red and
    its tooltip says the range (``box.range_refusal.mark.refused`` tells)."""

    def __init__(self, box: QAbstractSpinBox, name: str):
        super().__init__(box)
        self.box, self.name = box, name
        self.mark = RefusalMark(box.lineEdit(), lambda tip: box.setToolTip(tip), box.toolTip())
        box.installEventFilter(self)
        # The box rewrites its text with the line edit's signals blocked: a new value (or
        # Esc, back to the value in use) takes the mark away here.
        box.valueChanged.connect(self.mark.clear)

    def _typed_out_of_range(self) -> str | None:
        box = self.box
        text = box.cleanText()
        if not text or text == box.textFromValue(box.value()) or (
                box.specialValueText() and box.text() == box.specialValueText()):
            return None
        number, ok = box.locale().toDouble(text)
        if ok and box.minimum() <= number <= box.maximum():
            return None
        return text

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt naming)
        kind = event.type()
        key = event.key() if kind == QEvent.Type.KeyPress else None
        if key == Qt.Key.Key_Escape and obj is self.box:
            self.mark.clear()
            return False
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if obj is not self.box or not (enter or kind == QEvent.Type.FocusOut):
            return False
        if self.mark.refused:  # still the refused text: it stays shown as refused
            typed, message = self.mark.typed, self.mark.message
        else:
            typed = self._typed_out_of_range()
            if typed is None:
                return False
            self.mark.tip = self.box.toolTip()
            message = range_message(typed, self.box.minimum(), self.box.maximum(),
                                    self.box.textFromValue(self.box.value()), self.name)
        # After the box has handled the event (Qt puts the value in use back in the field).
        QTimer.singleShot(0, self, lambda: self.mark.refuse(typed, message))
        return False


class ExactDoubleSpinBox(QDoubleSpinBox):
    """Shows its value as short as it is exact (0.875, not 0.88 or 0.87500)."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt naming)
        text = self.locale().toString(float(value), "f", self.decimals())
        point = self.locale().decimalPoint()
        if point in text:
            text = text.rstrip("0").rstrip(point)
        return text


def spin(lo: int, hi: int, value: int, tip: str, name: str = "It") -> QSpinBox:
    """``name`` names the value when a typed number outside ``lo..hi`` is refused."""
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # apply when typing is done, not at every digit
    box.range_refusal = SpinRange(box, name)
    return box


def dspin(lo: float, hi: float, value: float, step: float, decimals: int, tip: str,
          name: str = "It"):
    """``decimals``: how many the value keeps; it is shown without trailing zeros."""
    box = ExactDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    box.range_refusal = SpinRange(box, name)
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
