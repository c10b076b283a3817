"""Small form controls the builder uses: spin boxes that apply when typing is done, and
one row of the hidden-layer list."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QGroupBox, QHBoxLayout, QLabel,
                               QSpinBox, QToolButton, QWidget)
from superqt import QCollapsible

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.network import MAX_UNITS


def collapsible(box: QGroupBox, expanded: bool = True) -> QCollapsible:
    """``box`` under a title that folds it away (the box keeps its frame, not its title)."""
    group = QCollapsible(box.title())
    group.setObjectName(f"group_{box.title().lower().replace(' ', '_')}")
    group.setDuration(0)  # no animation: instant, and nothing to wait for in tests
    box.setTitle("")
    box.setFlat(True)
    group.layout().setContentsMargins(0, 0, 0, 0)
    group.addWidget(box)
    group.setToolTip(f"Click to fold or unfold the {group.text()} settings")
    if expanded:
        group.expand(animate=False)
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
