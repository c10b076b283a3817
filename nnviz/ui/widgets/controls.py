"""Small form controls the builder uses: spin boxes that apply when typing is done, and
one row of the hidden-layer list."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QGroupBox, QHBoxLayout, QLabel,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)

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


def spin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # apply when typing is done, not at every digit
    return box


def dspin(lo: float, hi: float, value: float, step: float, decimals: int, tip: str):
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
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
