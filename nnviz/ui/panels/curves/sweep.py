"""The bias/variance sweep window: train and dev error against λ (or keep_prob).

One click from the readout opens it and starts the sweep at once with the course's usual
values; the runs train headless on a :class:`~nnviz.training.jobs.JobRunner` thread
(:func:`nnviz.experiments.error_sweep.run_error_sweep`), with progress and a Cancel button.
The result is drawn as two lines against the setting (λ on a log axis; λ = 0 has no place
there, so its errors are drawn as dotted horizontal lines).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout)

from nnviz.experiments.comparison import Sweep
from nnviz.experiments.error_sweep import (DEFAULT_ITERATIONS, SWEEP_SETTINGS,
                                           ErrorSweepResult, run_error_sweep)
from nnviz.experiments.progress import ExperimentCancelled
from nnviz.training.jobs import Cancelled

from ...plotting import legend_in_title_row, make_plot, style_plot
from ...theme import PlotColors, colors

PLOT_MIN = (320, 240)   # a view box of at least 200 x 150 with axes, title and legend


def dev_colour(c: PlotColors) -> str:
    """The dev set's colour: apart from train's and test's (the palette's fourth class)."""
    return c.classes[3] if len(c.classes) > 3 else c.neutral


def parse_values(text: str) -> tuple[float, ...]:
    """Numbers separated by commas; ValueError says what is wrong."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        raise ValueError("give at least two values separated by commas")
    try:
        return tuple(float(p) for p in parts)
    except ValueError:
        bad = next(p for p in parts if not _is_number(p))
        raise ValueError(f"{bad!r} is not a number") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def sweep_job(base, setting: str, values, iterations: int):
    """The job the runner runs (never touches a widget)."""
    def run(job):
        try:
            return run_error_sweep(base, setting, values, iterations, progress=job.progress,
                                   cancel=job.cancel_event)
        except ExperimentCancelled:
            raise Cancelled() from None
    return run


class ErrorSweepDialog(QDialog):
    """Set up, run, cancel and show one sweep. ``base`` is the settings every run starts
    from (the current ones); ``runner`` the panel's job runner."""

    def __init__(self, base, setting: str, runner, parent=None, theme: PlotColors | None = None):
        super().__init__(parent)
        self.base, self.setting, self.runner = base, setting, runner
        self.result: ErrorSweepResult | None = None
        self.failure = ""
        label, defaults, log_x = SWEEP_SETTINGS[setting]
        self.log_x = log_x
        self.setWindowTitle(f"Bias and variance: error against {label}")
        self.values = QLineEdit(", ".join(f"{v:g}" for v in defaults))
        self.values.setToolTip(f"The {label} values, one run each, separated by commas.")
        self.iterations = QSpinBox()
        self.iterations.setRange(10, 100_000)
        self.iterations.setSingleStep(500)
        self.iterations.setValue(DEFAULT_ITERATIONS)
        self.iterations.setToolTip("Steps per run: as many as the curves need to level off.")
        self.run_button = QPushButton("Run")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.plot = make_plot(f"Error against {label}", label, "error (%)")
        self.plot.setMinimumSize(*PLOT_MIN)
        self.legend = legend_in_title_row(self.plot)
        item = self.plot.getPlotItem()
        item.setLogMode(x=log_x)
        item.showGrid(x=True, y=True, alpha=0.25)
        self.train_curve = item.plot([], [], name="train", symbol="o", symbolSize=7)
        self.dev_curve = item.plot([], [], name="dev", symbol="s", symbolSize=7)
        self.zero_lines = [pg.InfiniteLine(angle=0, movable=False) for _ in range(2)]
        for line in self.zero_lines:
            line.hide()
            item.addItem(line)
        item.getViewBox().setDefaultPadding(0.08)  # a dotted line never on the frame

        form = QFormLayout()
        form.addRow(f"{label} values", self.values)
        form.addRow("Iterations per run", self.iterations)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        intro = QLabel("Every run starts from the current settings (data, split, network, "
                       f"seed); only {label} differs. The dev error is the one to choose by.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        self.resize(560, 520)

        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        runner.progress.connect(self._progress)
        runner.finished.connect(self._finished)
        runner.failed.connect(self._failed)
        runner.cancelled.connect(self._cancelled)
        self.on_theme(theme or colors())

    # -- running -----------------------------------------------------------------------
    def start(self) -> bool:
        """Start the sweep as set up; False (and the reason shown) on bad values."""
        try:
            values = parse_values(self.values.text())
            job = sweep_job(self.base, self.setting, values, self.iterations.value())
            # Refuse bad values now (a keep_prob of 0, a negative λ), not in the job.
            Sweep(self.base, self.setting, values, self.iterations.value())
        except ValueError as exc:
            self.status.setText(f"<span style='color:#c62828'>{exc}</span>")
            return False
        self.result, self.failure = None, ""
        self.progress.setValue(0)
        self.status.setText(f"Training {len(values)} runs…")
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.runner.submit(job, tag=self, cancel_running=True)
        return True

    def cancel(self) -> None:
        self.runner.cancel()

    def _progress(self, tag, fraction: float, text: str) -> None:
        if tag is self:
            self.progress.setValue(int(round(1000 * fraction)))
            if text:
                self.status.setText(f"Training: {text}")

    def _done(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _finished(self, tag, result) -> None:
        if tag is not self:
            return
        self._done()
        self.result = result
        self.progress.setValue(1000)
        zero = (f" Dotted lines: train and {result.held_out} error at {result.label} = 0 "
                "(0 has no place on a log axis)." if self.log_x and np.any(result.values == 0)
                else "")
        self.status.setText(result.summary() + zero + (
            "" if result.held_out == "dev" else " (no dev set: the test set stands in; turn "
            "on a dev set in the builder to keep the test set for reporting)"))
        self.draw(result)

    def _failed(self, tag, message: str) -> None:
        if tag is self:
            self._done()
            self.failure = message
            self.status.setText(f"<span style='color:#c62828'>The sweep stopped: {message}. "
                                "Check the settings and run it again.</span>")

    def _cancelled(self, tag) -> None:
        if tag is self:
            self._done()
            self.status.setText("Cancelled. Run starts the sweep again.")

    # -- drawing -----------------------------------------------------------------------
    def draw(self, result: ErrorSweepResult) -> None:
        x = result.values
        train, dev = 100 * result.train_error, 100 * result.dev_error
        label = self.legend.getLabel(self.dev_curve)
        if label is not None and label.text != result.held_out:
            label.setText(result.held_out)
        shown = x > 0 if self.log_x else np.ones(x.size, bool)
        order = np.argsort(x[shown])
        self.train_curve.setData(x[shown][order], train[shown][order])
        self.dev_curve.setData(x[shown][order], dev[shown][order])
        zero = np.flatnonzero(x == 0) if self.log_x else []
        for line, value in zip(self.zero_lines, (train, dev)):
            line.setVisible(len(zero) > 0)
            if len(zero):
                line.setValue(float(value[zero[0]]))
        item = self.plot.getPlotItem()
        item.enableAutoRange()

    def on_theme(self, c: PlotColors) -> None:
        style_plot(self.plot, c)
        self.train_curve.setPen(pg.mkPen(c.train, width=2))
        self.train_curve.setSymbolBrush(c.train)
        self.dev_curve.setPen(pg.mkPen(dev_colour(c), width=2))
        self.dev_curve.setSymbolBrush(dev_colour(c))
        for line, colour in zip(self.zero_lines, (c.train, dev_colour(c))):
            line.setPen(pg.mkPen(colour, width=1, style=Qt.PenStyle.DotLine))

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.run_button.isEnabled():
            self.runner.cancel()
        super().closeEvent(event)
