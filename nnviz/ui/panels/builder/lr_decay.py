"""The builder's learning-rate decay: the schedule, its decay rate and interval (shown when the
schedule uses them), and a small picture of α against epochs that follows the settings and
marks the epoch training is at."""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnviz.engine.lr_schedules import (DEFAULT_DECAY_RATES, FORMULAS, MAX_DECAY_INTERVAL,
                                       MAX_DECAY_RATE, TITLES, LearningRateSchedule)

from ...widgets.controls import combo, dspin, spin

LABELS = {"none": "none (constant α)", "inverse": "1 / (1 + rate·epoch)",
          "exponential": "exponential  rate^epoch", "staircase": "staircase (every N epochs)"}
SCHEDULE_TIP = (
    "Learning-rate decay: α shrinks as training goes on, so the last steps settle into the "
    "minimum instead of bouncing around it (most useful with mini-batches). epoch counts "
    "full passes over the training set, from 0.\n"
    + "\n".join(f"{TITLES[k].capitalize()}: {FORMULAS[k]}" for k in FORMULAS)
    + "\nThe status bar shows the α in use.")
RATE_TIP = ("decay_rate: how fast α falls. 1 / (1 + rate·epoch): α is halved when "
            "rate·epoch reaches 1; staircase: when rate·⌊epoch / N⌋ does; the course uses 1. "
            "Exponential: α is multiplied by the rate each epoch, so it is at most 1; the "
            "course uses 0.95.")
INTERVAL_TIP = ("The staircase's interval: α drops every this many epochs, "
                "α = α0 / (1 + decay_rate · ⌊epoch / interval⌋) (the course's time_interval, "
                "1000).")
CURVE_TIP = "α against epochs for the chosen schedule; the dot is the epoch training is at."


def preview_epochs(schedule: LearningRateSchedule, epoch: int = 0) -> int:
    """How many epochs the picture spans: most of the decay, and the epoch training is at."""
    kind, rate = schedule.kind, schedule.decay_rate
    if kind == "inverse":  # α falls to a fifth at rate·epoch = 4
        span = 4.0 / rate if rate > 0 else 100
    elif kind == "exponential":  # to a fifth at epoch = ln 0.2 / ln rate
        span = math.log(0.2) / math.log(rate) if rate < 1 else 100
    elif kind == "staircase":
        span = 4 * schedule.interval
    else:
        span = 100
    span = max(span, 1.2 * epoch)
    return int(min(max(math.ceil(span), 10), 10 * MAX_DECAY_INTERVAL))


class DecayCurve(QWidget):
    """α against epochs, painted (a picture the size of a few form rows, not a plot to
    explore): α0 and 0 on the left, the epochs below, a dot at the current epoch."""

    HEIGHT = 92

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setToolTip(CURVE_TIP)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit_font()
        self.schedule = LearningRateSchedule(1.0)
        self.epoch = 0
        self.epochs, self.xs, self.ys = 100, [0, 100], [1.0, 1.0]

    def _fit_font(self) -> None:
        # Room for the two text lines and a curve of three more (presentation mode's
        # larger text gets a taller picture).
        self.setFixedHeight(max(self.HEIGHT, 5 * self.fontMetrics().height()))

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_font()

    def sizeHint(self):  # noqa: N802
        return QSize(300, self.height())

    def minimumSizeHint(self):  # noqa: N802
        return QSize(160, self.height())

    def set_schedule(self, schedule: LearningRateSchedule) -> None:
        if schedule != self.schedule:
            self.schedule = schedule
            self._sample()

    def set_epoch(self, epoch: int) -> None:
        if epoch != self.epoch:
            self.epoch = int(epoch)
            if self.epoch > self.epochs or self.epochs > 10 and self.epoch < self.epochs / 12:
                self._sample()  # past the end (or far back after a reset): new span
            else:
                self.update()

    def _sample(self) -> None:
        self.epochs = preview_epochs(self.schedule, self.epoch)
        self.xs, self.ys = self.schedule.curve(self.epochs, points=150)
        self.update()

    def _plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        left = fm.horizontalAdvance(f"α0 {self.schedule.initial_rate:.3g}") + 8
        return QRectF(left, fm.height() * 0.6, self.width() - left - 8,
                      self.height() - fm.height() * 1.9)

    def point(self, epoch: float, alpha: float) -> QPointF:
        """Where (epoch, α) is drawn (α from 0 at the bottom to α0 at the top)."""
        r = self._plot_rect()
        top = self.schedule.initial_rate or 1.0
        return QPointF(r.left() + r.width() * epoch / self.epochs,
                       r.bottom() - r.height() * alpha / top)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        accent = palette.color(QPalette.ColorRole.Highlight)
        r, fm = self._plot_rect(), self.fontMetrics()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(r.bottomLeft(), r.bottomRight())
        painter.drawLine(r.bottomLeft(), r.topLeft())
        painter.setPen(text)
        right = int(r.left()) - 4
        painter.drawText(QRectF(0, r.top() - fm.height() / 2, right, fm.height()),
                         int(Qt.AlignmentFlag.AlignRight), f"α0 {self.schedule.initial_rate:.3g}")
        painter.drawText(QRectF(0, r.bottom() - fm.height() / 2, right, fm.height()),
                         int(Qt.AlignmentFlag.AlignRight), "0")
        below = QRectF(r.left(), r.bottom() + 2, r.width(), fm.height())
        painter.drawText(below, int(Qt.AlignmentFlag.AlignLeft), "epoch 0")
        painter.drawText(below, int(Qt.AlignmentFlag.AlignRight), f"{self.epochs:,}")
        path = QPainterPath(self.point(self.xs[0], self.ys[0]))
        for x, y in zip(self.xs[1:], self.ys[1:]):
            path.lineTo(self.point(x, y))
        painter.setPen(QPen(accent, 2))
        painter.drawPath(path)
        if 0 <= self.epoch <= self.epochs:
            painter.setBrush(accent)
            painter.drawEllipse(self.point(self.epoch, self.schedule.at(self.epoch)), 3.5, 3.5)
        painter.end()


class LearningRateDecay(QObject):
    """The schedule's fields for the builder's form. ``changed`` fires on a user's edit;
    ``values()`` are the Hyperparameters fields they set (``decay_rate`` stays None, the
    course's value for the schedule, until the user edits it)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.kind = combo(LABELS, SCHEDULE_TIP)
        self.rate = dspin(0.0, MAX_DECAY_RATE, 1.0, 0.05, 6, RATE_TIP, "The decay rate")
        self.interval = spin(1, MAX_DECAY_INTERVAL, 1000, INTERVAL_TIP, "The decay interval")
        self.curve = DecayCurve()
        self._rate = (None, 1.0)  # (the setting: None = the course's, the value shown)
        self._showing = False
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.rate.valueChanged.connect(self._edited)
        self.interval.valueChanged.connect(self._edited)

    def rows(self) -> list[tuple[str, QWidget]]:
        return [("α decay", self.kind), ("Decay rate", self.rate),
                ("Every N epochs", self.interval), ("", self.curve)]

    def shown_rows(self) -> dict[QWidget, bool]:
        kind = self.kind.currentData()
        return {self.rate: kind != "none", self.interval: kind == "staircase",
                self.curve: kind != "none"}

    def show(self, hyper) -> None:
        """Show ``hyper``'s decay settings without a ``changed``."""
        self._showing = True
        try:
            self.kind.setCurrentIndex(max(self.kind.findData(hyper.lr_decay), 0))
            self._show_rate(hyper.lr_decay, hyper.decay_rate)
            self.interval.setValue(hyper.decay_interval)
        finally:
            self._showing = False
        self.preview(hyper)

    def values(self) -> dict:
        setting, shown = self._rate
        rate = setting if self.rate.value() == shown else self.rate.value()
        return {"lr_decay": self.kind.currentData(), "decay_rate": rate,
                "decay_interval": self.interval.value()}

    def preview(self, hyper) -> None:
        """The picture for these settings (α0 is the learning rate)."""
        self.curve.set_schedule(hyper.lr_schedule())

    def show_epoch(self, epoch: int) -> None:
        self.curve.set_epoch(epoch)

    def _show_rate(self, kind: str, setting: float | None) -> None:
        # Exponential's rate multiplies α each epoch: up to 1; the others' divide it.
        low, high = (1e-6, 1.0) if kind == "exponential" else (0.0, MAX_DECAY_RATE)
        self.rate.setRange(low, high)
        self.rate.setSingleStep(0.01 if kind == "exponential" else 0.05)
        self.rate.setValue(DEFAULT_DECAY_RATES[kind] if setting is None else setting)
        self._rate = (setting, self.rate.value())

    def _kind_changed(self) -> None:
        if self._showing:
            return
        # A rate means something else in another schedule: start from the course's value.
        self._showing = True
        try:
            self._show_rate(self.kind.currentData(), None)
        finally:
            self._showing = False
        self.changed.emit()

    def _edited(self, *_) -> None:
        if not self._showing:
            self.changed.emit()
