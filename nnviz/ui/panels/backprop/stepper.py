"""Stepping through a graph: which step the learner is at, and the buttons that move it.

The steps are the graph's forward steps then its backward steps; ``k`` steps have been taken
(``0 <= k <= n``). "Forward" fills the next value, "Backward" the next derivative (only once
every value is in: the derivatives need them). At the end, either starts its pass again.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


@dataclass
class StepCursor:
    n_forward: int = 0
    n_backward: int = 0
    k: int = 0

    @property
    def n(self) -> int:
        return self.n_forward + self.n_backward

    @property
    def at_end(self) -> bool:
        return self.k >= self.n

    @property
    def can_forward(self) -> bool:
        return self.n_forward > 0 and (self.k < self.n_forward or self.at_end)

    @property
    def can_backward(self) -> bool:
        return self.n_backward > 0 and self.k >= self.n_forward

    def forward(self) -> bool:
        if not self.can_forward:
            return False
        self.k = 1 if self.at_end else self.k + 1  # at the end: a new forward pass
        return True

    def backward(self) -> bool:
        if not self.can_backward:
            return False
        self.k = self.n_forward + 1 if self.at_end else self.k + 1
        return True

    def fill_values(self) -> None:
        self.k = self.n_forward

    def finish(self) -> None:
        self.k = self.n

    def reset(self) -> None:
        self.k = 0

    def resize(self, n_forward: int, n_backward: int) -> None:
        """New step counts; ``k`` is kept where it still fits."""
        self.n_forward, self.n_backward = int(n_forward), int(n_backward)
        self.k = min(self.k, self.n)

    def describe(self) -> str:
        if self.k == 0:
            return f"0 of {self.n} steps"
        if self.k <= self.n_forward:
            return f"forward {self.k} of {self.n_forward}"
        return f"backward {self.k - self.n_forward} of {self.n_backward}"


class StepButtons(QWidget):
    """Forward, Backward and Reset, with where the cursor is."""

    forward_clicked = Signal()
    backward_clicked = Signal()
    reset_clicked = Signal()

    def __init__(self, forward_tip: str, backward_tip: str, parent=None):
        super().__init__(parent)
        self.forward_button = QPushButton("Forward →")
        self.forward_button.setToolTip(forward_tip)
        self.backward_button = QPushButton("← Backward")
        self.backward_button.setToolTip(backward_tip)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the start (Home).")
        self.position = QLabel()
        self.position.setToolTip("How far the walk-through has got.")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.forward_button, self.backward_button, self.reset_button):
            row.addWidget(widget)
        row.addWidget(self.position, 1)
        self.forward_button.clicked.connect(self.forward_clicked)
        self.backward_button.clicked.connect(self.backward_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)

    def show_cursor(self, cursor: StepCursor) -> None:
        self.forward_button.setEnabled(cursor.can_forward)
        self.backward_button.setEnabled(cursor.can_backward)
        self.reset_button.setEnabled(cursor.k > 0)
        self.position.setText(cursor.describe())
