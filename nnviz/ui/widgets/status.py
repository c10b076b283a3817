"""The status bar read-out and the dismissable one-line message banner."""
from __future__ import annotations

import html
import math

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QSizePolicy,
                               QStatusBar, QToolButton, QWidget)

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
        self.alpha = QLabel()  # the learning rate now, after decay
        self._alpha_hyper = None
        # Room for the longest text up front, so changing numbers do not relayout the bar.
        widths = {self.iteration: "iteration 000,000,000", self.epoch: "epoch 000,000,000",
                  self.alpha: "α 0.0000e-00",
                  self.cost: "J train 0.0000 / test 0.0000",
                  self.metric: "accuracy 100.0% / 100.0%", self.speed: "000,000 steps/s"}
        for w in (self.iteration, self.epoch, self.alpha, self.cost, self.metric, self.speed,
                  self.state):
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
        self._show_alpha(s)
        self.cost.setText(f"J train {_fmt(s.train_cost)} / test {_fmt(s.test_cost)}")
        self.metric.setText(f"{s.metric_name} {_fmt(s.train_metric, pct)} / "
                            f"{_fmt(s.test_metric, pct)}")
        self.set_state(s.state)
        if s.state == "running":
            self.speed.setText(f"{s.steps_per_second:,.0f} steps/s")

    def _show_alpha(self, s) -> None:
        hyper = s.config.hyper
        alpha = s.learning_rate if math.isfinite(s.learning_rate) else hyper.learning_rate
        self.alpha.setText(f"α {alpha:.4g}")
        if hyper != self._alpha_hyper:  # the schedule's words change only with the settings
            self._alpha_hyper = hyper
            self.alpha.setToolTip(alpha_tooltip(hyper.lr_schedule()))

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        state, self._state = self._state, None
        self.set_state(state)


def alpha_tooltip(schedule) -> str:
    """The status bar's α: what it is and the schedule that sets it."""
    if not schedule.decays:
        return (f"Learning rate α of the next step: constant, α = α0 = "
                f"{schedule.initial_rate:g} (no learning-rate decay; choose one in the "
                "builder's Optimization)")
    return (f"Learning rate α of the next step, after learning-rate decay per epoch (epoch "
            f"counted from 0): {schedule.describe()}")


class ElidedLine(QWidget):
    """One line of text, cut with "…" when it does not fit; ``text()`` is the whole line,
    ``shown_text()`` what is drawn."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802
        self._text = " ".join(text.split())  # one line, whatever the message holds
        self.update()

    def shown_text(self, width: int | None = None) -> str:
        width = self.width() if width is None else width
        return self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight,
                                             max(width, 0))

    def is_elided(self) -> bool:
        return self.shown_text() != self._text

    def sizeHint(self):  # noqa: N802
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance(self._text), fm.height())

    def minimumSizeHint(self):  # noqa: N802
        return QSize(0, self.fontMetrics().height())

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignLeft |
                                          Qt.AlignmentFlag.AlignVCenter), self.shown_text())


class MessageBanner(QFrame):
    """A non-modal message across the window (divergence, refused settings, a hint).

    Always one line of :data:`HEIGHT` px, so showing it never moves anything: the message's
    first sentence (it leads with the fix), cut with "…" when narrow; the whole message is
    in its tooltip and in the "More…" pop-up. ``shown``/``dismissed`` say when it comes and
    goes; ``active`` whether a message is up.

    Each message may name its ``cause`` (the action it reports: ``"import"``, ``"config"``,
    ...): :meth:`clear` takes it down when that cause is gone, and
    :meth:`action_succeeded` when a later action worked (an error is about an action that
    failed: once another succeeds, it is old news).
    """

    HEIGHT = 28
    shown = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setFixedHeight(self.HEIGHT)
        self.text = ElidedLine()
        self.details = QToolButton()  # "More…": the whole message in a pop-up
        self.details.setText("More…")
        self.details.setCheckable(True)
        self.details.setToolTip("Show the whole message")
        self.details.setAutoRaise(True)
        self.details.toggled.connect(self._show_details)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        self.popup = _MessagePopup(self)
        self.popup.closed.connect(lambda: self.details.setChecked(False))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 0, 2, 0)
        layout.setSpacing(4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.close_button)
        for button in (self.details, self.close_button):
            button.setFixedHeight(self.HEIGHT - 4)
        self.message = ""
        self.level = ""
        self.cause = ""
        self.active = False
        self.setToolTip("")

    def sizeHint(self):  # noqa: N802
        return QSize(super().sizeHint().width(), self.HEIGHT)

    def show_message(self, text: str, level: str = "warning", cause: str = "") -> None:
        """Show ``text`` (``level``: "warning", "error" or "hint"), replacing any message."""
        self.level, self.cause, self.message = level, cause, text.strip()
        c = colors()
        accent = c.bad if level == "error" else c.warn
        self.setStyleSheet(f"#messageBanner {{ border: 1px solid {accent}; border-left: 5px "
                           f"solid {accent}; border-radius: 3px; }}")
        self.setToolTip(_tooltip_html(self.message))
        self.details.setChecked(False)
        self.active = True
        self._fit_line()
        self.shown.emit()

    @staticmethod
    def headline(text: str) -> str:
        """The message's first sentence (or line)."""
        first = text.strip().split("\n", 1)[0]
        end = first.find(". ")
        return first if end < 0 else first[: end + 1]

    def clear(self, *causes: str) -> bool:
        """Take the message down if it came from one of ``causes`` (any, without them)."""
        if self.active and (not causes or self.cause in causes):
            self.dismiss()
            return True
        return False

    def action_succeeded(self, action: str) -> bool:
        """``action`` worked: an error (about an action that failed) and any message caused
        by ``action`` go."""
        if self.active and (self.level == "error" or self.cause == action):
            self.dismiss()
            return True
        return False

    def dismiss(self) -> None:
        self.active = False
        self.popup.hide()
        self.details.setChecked(False)
        self.dismissed.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_line()

    def _fit_line(self) -> None:
        """The whole message on the line when it fits, else its first sentence (cut with
        "…" if need be) and "More…"."""
        whole = " ".join(self.message.split())
        margins = self.layout().contentsMargins()
        room = (self.width() - margins.left() - margins.right() - 2 * self.layout().spacing()
                - self.close_button.sizeHint().width() - self.details.sizeHint().width())
        fits = self.text.fontMetrics().horizontalAdvance(whole) <= room
        self.text.setText(whole if fits else self.headline(self.message))
        self.details.setVisible(self.active and not fits)

    def _show_details(self, on: bool) -> None:
        if on:
            self.popup.show_text(self.message)
        else:
            self.popup.hide()


def _tooltip_html(text: str) -> str:
    """Rich text, so a long message wraps in the tooltip instead of one endless line."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


class _MessagePopup(QFrame):
    """The whole message under the banner, over whatever is there: a child of the banner's
    window (no window of its own, nothing grabbed), closed by "More…", Escape or a click
    elsewhere. Its text can be selected and copied."""

    closed = Signal()

    def __init__(self, banner: QWidget):
        super().__init__(None)
        self.banner = banner
        self.setObjectName("messagePopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.addWidget(self.label)
        self.hide()

    def show_text(self, text: str) -> None:
        banner = self.banner
        host = banner.window()
        if self.parentWidget() is not host:
            self.setParent(host)
        self.label.setText(text)
        width = max(banner.width(), min(320, host.width()))
        m = self.layout().contentsMargins()
        frame = 2 * self.frameWidth()
        text_height = self.label.heightForWidth(width - m.left() - m.right() - frame)
        self.setFixedSize(width, text_height + m.top() + m.bottom() + frame)
        self.move(banner.mapTo(host, QPoint(0, banner.height())))
        self.show()
        self.raise_()
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            at = event.globalPosition().toPoint()
            if not (self._global_rect(self).contains(at) or
                    self._global_rect(self.banner.details).contains(at)):
                self.hide()
        elif kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.hide()
        return False

    @staticmethod
    def _global_rect(widget: QWidget) -> QRect:
        return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.closed.emit()
