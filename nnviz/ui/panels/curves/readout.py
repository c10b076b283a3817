"""The bias/variance readout under the curves: train, dev and base error, the course's
reading (:mod:`nnviz.analysis.bias_variance`) and what to try, with the sweeps one click
away. It reads the snapshot's history (the last record with both errors); it computes
nothing heavier than a few subtractions."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from nnviz.analysis.bias_variance import (FINE, UNKNOWN, BiasVarianceReading, percent,
                                          reading_from_history)

from ...theme import colors

BASE_TIP = ("The base error: the error a human expert (or the best possible classifier, the "
            "Bayes error) makes on this data. Avoidable bias = train error − base error. "
            "0 % when the classes can in principle be told apart perfectly.")
READOUT_TIP = ("The course's reading: train error far above the base error = high bias "
               "(underfitting); dev error far above train error = high variance "
               "(overfitting). Error = 1 − accuracy (1 − R² for regression).\nThe dev set "
               "is for choosing settings; the test set only reports the final result.")
SWEEP_LAMBDA_TIP = ("Train the current settings once per L2 λ (0 to 10) and plot train and "
                    "dev error against λ: where dev error is lowest is the λ to keep.")
SWEEP_KEEP_TIP = ("Train the current settings once per keep_prob (1 to 0.5) and plot train "
                  "and dev error against it.")


class BiasVarianceReadout(QWidget):
    """Reads a snapshot's history; ``sweep_requested("lambd" | "keep_prob")`` on a click."""

    sweep_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.reading: BiasVarianceReading | None = None
        self._snapshot = None
        self._shown = None
        self.base = QDoubleSpinBox()
        self.base.setRange(0.0, 99.0)
        self.base.setDecimals(1)
        self.base.setSingleStep(0.5)
        self.base.setSuffix(" %")
        self.base.setToolTip(BASE_TIP)
        self.base.valueChanged.connect(lambda _v: self._update())
        self.numbers = QLabel()
        self.numbers.setToolTip(READOUT_TIP)
        self.numbers.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setToolTip(READOUT_TIP)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        for label in (self.numbers, self.verdict, self.advice):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.sweep_lambda = QPushButton("Sweep λ…")
        self.sweep_lambda.setToolTip(SWEEP_LAMBDA_TIP)
        self.sweep_keep = QPushButton("Sweep keep_prob…")
        self.sweep_keep.setToolTip(SWEEP_KEEP_TIP)
        self.sweep_lambda.clicked.connect(lambda: self.sweep_requested.emit("lambd"))
        self.sweep_keep.clicked.connect(lambda: self.sweep_requested.emit("keep_prob"))

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        base_label = QLabel("Base (human) error")
        base_label.setToolTip(BASE_TIP)
        top.addWidget(base_label)
        top.addWidget(self.base)
        top.addStretch(1)
        top.addWidget(self.sweep_lambda)
        top.addWidget(self.sweep_keep)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.numbers)
        layout.addWidget(self.verdict)
        layout.addWidget(self.advice)
        self._update()

    @property
    def base_error(self) -> float:
        return self.base.value() / 100.0

    def show_snapshot(self, snapshot) -> None:
        self._snapshot = snapshot
        self._update()

    def _update(self) -> None:
        s = self._snapshot
        if s is None:
            self._show(None)
            return
        d, hyper = s.data, s.config.hyper
        metric = "accuracy" if s.metric_name == "accuracy" else "R^2"
        reading = reading_from_history(
            s.history, metric, self.base_error, m_train=d.m_train, m_dev=d.m_dev,
            m_test=d.m_test, regularized=hyper.lambd > 0 or hyper.keep_prob < 1)
        self._show(reading)

    def _show(self, reading: BiasVarianceReading | None) -> None:
        key = None if reading is None else (reading.verdict, round(reading.train_error, 4),
                                            round(reading.dev_error, 4),
                                            reading.base_error, reading.dev_name)
        if key == self._shown and key is not None:
            return  # the same numbers: no relayout
        self._shown = key
        self.reading = reading
        if reading is None or reading.verdict == UNKNOWN:
            self.numbers.setText("train error –  ·  dev error –")
            advice = reading.advice if reading is not None else ()
            self.verdict.setText("<b>Bias and variance:</b> train a few steps for a reading.")
            self.advice.setText(_advice_html(advice, ""))
            return
        held = reading.dev_name
        self.numbers.setText(
            f"train error <b>{percent(reading.train_error)}</b> · {held} error "
            f"<b>{percent(reading.dev_error)}</b> · base {percent(reading.base_error)}")
        c = colors()  # the palette's good / bad (red and green look alike to many)
        colour = {FINE: c.good, UNKNOWN: c.neutral}.get(reading.verdict, c.bad)
        self.verdict.setText(f"<b style='color:{colour}'>{html.escape(reading.headline)}</b>"
                             f"<br><small>{html.escape(reading.gaps_text())}</small>")
        self.advice.setText(_advice_html(reading.advice, reading.note))


def _advice_html(advice, note: str) -> str:
    text = ("Try: " + "; ".join(html.escape(a) for a in advice) + ".") if advice else ""
    if note:
        text += f"<br><small><i>{html.escape(note)}</i></small>"
    return text
