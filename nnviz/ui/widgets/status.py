"""The status bar read-out and the dismissable message banner."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QSizePolicy, QStatusBar,
                               QToolButton, QWidget)

from ..theme import PlotColors, colors

STATE_TEXT = {"running": "● running", "paused": "❚❚ paused", "diverged": "⚠ diverged",
              "idle": "○ ready"}


def _fmt(value: float, percent: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.1%}" if percent else f"{value:.4g}"


class StatusReadout:
    """Permanent labels in the status bar: state, iteration, epoch, costs, metric, speed."""

    def __init__(self, bar: QStatusBar):
        self.state = QLabel()
        self.state.setMinimumWidth(90)
        self.state.setToolTip("running: training; paused; diverged: the cost or a parameter "
                              "became NaN/inf and training stopped; ready: not trained yet")
        self.iteration = QLabel()
        self.iteration.setToolTip("Iterations: parameter updates so far (one per mini-batch)")
        self.epoch = QLabel()
        self.epoch.setToolTip("Epochs: full passes over the training set")
        self.cost = QLabel()
        self.cost.setToolTip("Cost J (without the L2 term) on the training and test sets")
        self.metric = QLabel()
        self.metric.setToolTip("Accuracy (classification) or R² (regression), train / test")
        self.speed = QLabel()
        self.speed.setToolTip("Training steps per second in the worker thread, while "
                              "training runs")
        # Room for the longest text up front, so changing numbers do not relayout the bar.
        widths = {self.iteration: "iteration 000,000,000", self.epoch: "epoch 000,000,000",
                  self.cost: "J train 0.0000 / test 0.0000",
                  self.metric: "accuracy 100.0% / 100.0%", self.speed: "000,000 steps/s"}
        for w in (self.iteration, self.epoch, self.cost, self.metric, self.speed, self.state):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if w in widths:
                w.setMinimumWidth(w.fontMetrics().horizontalAdvance(widths[w]) + 8)
            bar.addPermanentWidget(w)
        self._colors = colors()
        self.set_state("idle")

    def set_state(self, state: str) -> None:
        if state == getattr(self, "_state", None) and self.state.text():
            return
        self._state = state
        if state != "running":
            self.speed.setText("")  # a rate belongs to a run going on, not to the last one
        c = self._colors
        color = {"running": c.good, "diverged": c.bad, "paused": c.warn}.get(state, c.foreground)
        self.state.setText(f"<b style='color:{color}'>{STATE_TEXT.get(state, state)}</b>")

    def show_snapshot(self, s) -> None:
        pct = s.metric_name == "accuracy"
        self.iteration.setText(f"iteration {s.iteration:,}")
        self.epoch.setText(f"epoch {s.epoch:,}")
        self.cost.setText(f"J train {_fmt(s.train_cost)} / test {_fmt(s.test_cost)}")
        self.metric.setText(f"{s.metric_name} {_fmt(s.train_metric, pct)} / "
                            f"{_fmt(s.test_metric, pct)}")
        self.set_state(s.state)
        if s.state == "running":
            self.speed.setText(f"{s.steps_per_second:,.0f} steps/s")

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        state, self._state = self._state, None
        self.set_state(state)


class MessageBanner(QFrame):
    """A non-modal message across the window (divergence, refused settings).

    The window shows and hides the toolbar that holds it (a toolbar manages its widgets'
    visibility itself); ``active`` says whether a message is up.
    """

    shown = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("messageBanner")
        # One compact line (the first sentence); "Details" unfolds the whole message.
        self.text = QLabel()
        self.text.setWordWrap(False)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.details = QToolButton()
        self.details.setText("Details")
        self.details.setCheckable(True)
        self.details.setToolTip("Show the whole message")
        self.details.toggled.connect(self._show_details)
        self.message = ""
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 4, 2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.details, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.level = ""
        self.active = False

    def show_message(self, text: str, level: str = "warning") -> None:
        self.level = level
        c = colors()
        accent = c.bad if level == "error" else c.warn
        self.setStyleSheet(f"#messageBanner {{ border: 1px solid {accent}; border-left: 5px "
                           f"solid {accent}; border-radius: 3px; }}")
        self.message = text
        self.details.setChecked(False)
        self._show_details(False)
        self.active = True
        self.shown.emit()

    @staticmethod
    def headline(text: str) -> str:
        """The message's first sentence (or line)."""
        first = text.strip().split("\n", 1)[0]
        end = first.find(". ")
        return first if end < 0 else first[: end + 1]

    def _show_details(self, on: bool) -> None:
        short = self.headline(self.message)
        self.details.setVisible(short != self.message.strip())
        self.text.setWordWrap(on)
        self.text.setText(self.message if on else short)
        self.text.setToolTip("" if on else self.message)

    def dismiss(self) -> None:
        self.active = False
        self.dismissed.emit()
