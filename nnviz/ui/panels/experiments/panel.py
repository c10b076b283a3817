"""The experiments panel: the course's lessons as one-click runs, sweeps and pinned runs.

A start page lists the lessons (one click runs one); the result page shows the lesson's
text, what the run showed (with its numbers), a table of final numbers and the lesson's plots.
Experiments and sweeps run on a :class:`~nnviz.training.jobs.JobRunner` (their own thread),
with progress and Cancel; the GUI thread only draws the result. "Open in the app" loads the
lesson's settings into the live session and brings up the panel that shows it live.

Pinned runs: "Pin current run" keeps the live run's cost/accuracy history with its settings;
the training panel overlays pinned curves, each labelled by what differs from the current
settings ("init: zeros" vs "init: He").
"""
from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCommandLinkButton, QGridLayout, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QScrollArea, QStackedWidget,
                               QVBoxLayout, QWidget)

from nnviz.analysis.math_text import math_html
from nnviz.experiments import (EXPERIMENTS, ExperimentCancelled, Sweep, comparison_report,
                               get_experiment)
from nnviz.training.jobs import Cancelled, JobRunner

from ..base import Panel, PanelContext
from .pins import PinnedRuns
from .prediction import PredictionPane
from .user_lessons import UserLessonsBox
from .view import ResultView

START_TEXT = ("Guided experiments: each sets up the data, the network and the settings, runs "
              "what it needs and tells you what to look at. They run beside live training, "
              "on their own thread; nothing here changes your session unless you press "
              "<i>Open in the app</i>.")
PANEL_NAMES = {"cost_surface": "Cost surface", "gradient_flow": "Gradient flow",
               "gradient_check": "Gradient check"}
MAX_LOOP_MULTIPLY_ADDS = 600_000  # lesson 10 on the live layer: keep the Python loops < ~1 s


class ExperimentsPanel(PinnedRuns, Panel):
    pins_changed = Signal(int)  # number of pinned runs

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.runner = JobRunner("nnviz-experiments", parent=self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.progress.connect(self._on_progress)
        self.runner.busy_changed.connect(self._on_busy)
        self.pins: list = []  # RunRecords of pinned live runs, labelled by what differs
        self.pin_overlay = None  # dashed pinned curves on the training panel's plots
        self.current = None  # the Experiment (or Sweep) shown on the result page
        self.result = None
        self._serial = itertools.count(1)
        self._tag = None
        self._predicted = False  # the running lesson was asked first: reveal its answer
        self._answer = None
        self.outcome = None  # the last prediction's Outcome
        self._colors = context.appearance.colors if context is not None else None
        if self._colors is None:
            from ...theme import colors
            self._colors = colors()

        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_start_page())
        self.stack.addWidget(self._build_result_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack)
        self._on_busy(False)
        self.on_theme(self._colors)

    # -- construction ------------------------------------------------------------------
    def _build_start_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(START_TEXT)
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.lesson_buttons = {}
        for k, e in enumerate(EXPERIMENTS.values()):
            button = QCommandLinkButton(f"{e.number}. {e.title}", e.summary)
            button.setToolTip(f"<p>{math_html(e.text)}</p>")  # rich text: wrapped, σ(z)
            button.clicked.connect(lambda _=False, key=e.key: self.open_lesson(key))
            grid.addWidget(button, k // 2, k % 2)
            self.lesson_buttons[e.key] = button
        lessons = QWidget()
        column = QVBoxLayout(lessons)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        self.user_lessons = UserLessonsBox()  # the files in the user lessons folder
        self.user_lessons.open_requested.connect(self.open_lesson)
        column.addWidget(self.user_lessons)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(lessons)

        self.compare_button = QPushButton("Compare settings…")
        self.compare_button.setToolTip(
            "Train the current settings several times side by side, varying one setting "
            "(init, learning rate, activation, hidden layers...), with the same data, split and "
            "seed; a table lists each run's final train/test cost and accuracy.")
        self.compare_button.clicked.connect(self.open_sweep_dialog)
        self.pin_button = QPushButton("Pin current run")
        self.pin_button.setToolTip(
            "Keep the live run's cost and accuracy curves with its settings. The training "
            "panel overlays pinned runs (dashed), labelled by what differs from the current "
            "settings, so you can change one knob, reset and compare.")
        self.pin_button.clicked.connect(self.pin_current_run)
        self.show_pins_button = QPushButton("Pinned runs")
        self.show_pins_button.setToolTip("Compare the pinned runs: curves and final numbers.")
        self.show_pins_button.clicked.connect(self.show_pins)
        self.clear_pins_button = QPushButton("Clear pins")
        self.clear_pins_button.setToolTip("Forget every pinned run.")
        self.clear_pins_button.clicked.connect(self.clear_pins)
        row = QHBoxLayout()
        for b in (self.compare_button, self.pin_button, self.show_pins_button,
                  self.clear_pins_button):
            row.addWidget(b)
        row.addStretch(1)
        self.back_to_result = QPushButton("Last result ▶")
        self.back_to_result.setToolTip("Back to the last experiment's result.")
        self.back_to_result.clicked.connect(self.show_result_page)
        self.back_to_result.setEnabled(False)
        row.addWidget(self.back_to_result)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        self._update_pin_buttons()
        return page

    def _build_result_page(self) -> QWidget:
        page = QWidget()
        self.back_button = QPushButton("◀ Lessons")
        self.back_button.setToolTip("Back to the list of experiments (a running one continues).")
        self.back_button.clicked.connect(self.show_start_page)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.rerun_button = QPushButton("Run again")
        self.rerun_button.setToolTip("Run this experiment again from the start.")
        self.rerun_button.clicked.connect(self.rerun)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running experiment (nothing is kept).")
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton("Open in the app")
        self.open_button.clicked.connect(self.open_in_app)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        for b in (self.rerun_button, self.cancel_button, self.open_button):
            top.addWidget(b)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress_text = QLabel()
        self.progress_text.setToolTip("What the experiment is doing now.")
        top.insertWidget(2, self.progress_text)
        self.view = ResultView(self._colors)
        self.prediction = PredictionPane(self._colors)
        self.prediction.card.run_requested.connect(self.run_predicted)
        self.prediction.card.hide_button.clicked.connect(lambda: self.show_prediction(False))
        self.show_prediction_button = QPushButton("▸ Prediction")
        self.show_prediction_button.setToolTip("Show your prediction beside the result again.")
        self.show_prediction_button.clicked.connect(lambda: self.show_prediction(True))
        self.show_prediction_button.hide()
        top.insertWidget(1, self.show_prediction_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.view)
        self.scroll = scroll
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        body = QHBoxLayout()
        body.setSpacing(6)
        body.addWidget(self.prediction)
        body.addWidget(scroll, 1)
        self.prediction.hide()
        layout.addLayout(body, 1)
        return page

    # -- running -----------------------------------------------------------------------
    def experiment_for(self, key):
        """The experiment as the panel runs it. Lesson 10 times the live network's largest
        layer (``n[l-1] x n[l]`` on up to ``m`` training examples), kept small enough that
        the Python loops take about a second at most. A user lesson comes from its file."""
        if key not in EXPERIMENTS:
            if key not in self.user_lessons.lessons:
                self.user_lessons.reload()  # the menu may have seen a newer folder
            if key in self.user_lessons.lessons:
                return self.user_lessons.lessons[key]
        experiment = get_experiment(key)
        snap = self.controller.latest if self.context is not None else None
        if experiment.key == "vectorization" and snap is not None:
            dims = snap.layer_dims
            l = max(range(1, len(dims)), key=lambda i: dims[i] * dims[i - 1])
            per_example = dims[l] * dims[l - 1]
            m = max(8, min(snap.data.m_train, MAX_LOOP_MULTIPLY_ADDS // max(per_example, 1)))
            acts = list(snap.activations) + [snap.head]
            act = acts[l - 1] if acts[l - 1] in ("relu", "tanh", "sigmoid", "linear",
                                                  "leaky_relu") else "relu"
            sizes = tuple(sorted({max(4, m // 16), max(4, m // 4), m}))
            experiment = experiment.with_params(n_prev=dims[l - 1], n=dims[l], m=m,
                                                activation=act, sizes=sizes)
        return experiment

    def open_lesson(self, key) -> None:
        """Show the lesson's question; Run starts it once answered. A lesson without a
        question runs at once."""
        experiment = self.experiment_for(key)
        if not self.prediction.ask(experiment):
            self.run_experiment(key)
            return
        if self.runner.busy:
            self.runner.cancel()
        self._tag = None  # a result still arriving belongs to the lesson left behind
        self.current, self.result = experiment, None
        self._title_text = experiment.heading
        self.title.setText(f"<b>{_escape(self._title_text)}</b>")
        self.progress_text.setText("")
        self.open_button.setEnabled(False)
        self.rerun_button.setEnabled(False)
        self.prediction.show()
        self.scroll.hide()
        self.show_prediction_button.hide()
        self.show_result_page()
        self.back_to_result.setEnabled(True)

    def run_predicted(self) -> None:
        """Run the lesson whose question is shown, its answer locked."""
        card, experiment = self.prediction.card, self.current
        if experiment is None or not card.ready or card.locked:
            return
        self._answer = card.answer()
        card.lock()
        self._start(experiment, self._title_text, experiment.text,
                    lambda progress, cancel: experiment.run(progress, cancel), predicted=True)

    def run_experiment(self, key) -> None:
        """Run a lesson at once, without its question (the menu and the start page ask
        first: :meth:`open_lesson`)."""
        experiment = self.experiment_for(key)
        self._start(experiment, experiment.heading, experiment.text,
                    lambda progress, cancel: experiment.run(progress, cancel))

    def run_sweep(self, sweep: Sweep, title: str | None = None) -> None:
        labels = sweep.run_labels()
        title = title or f"Comparison: {sweep.setting or 'settings'}"
        text = ("All runs share the data, split and seed of the current settings; only this "
                "differs: " + ", ".join(labels) + f". {sweep.iterations} iterations each.")

        def work(progress, cancel):
            return comparison_report(sweep.run(progress, cancel), title, text)
        self._start(sweep, title, text, work)

    def rerun(self) -> None:
        if self.current is None:
            return
        if isinstance(self.current, Sweep):
            self.run_sweep(self.current, self._title_text)
        else:
            self.open_lesson(self.current.key)  # predict again before every run

    def _start(self, what, title: str, text: str, work, predicted: bool = False) -> None:
        self._predicted = predicted
        self.prediction.setVisible(predicted)
        self.scroll.setVisible(not predicted)  # the card stays whole while the run goes
        self.show_prediction_button.hide()
        self.current = what
        self._title_text = title
        self.result = None
        self.title.setText(f"<b>{_escape(title)}</b>")
        self.view.show_lesson(text, "Running…")
        self.progress.setValue(0)
        self.progress_text.setText("starting")
        self.open_button.setEnabled(False)
        self.show_result_page()
        self.back_to_result.setEnabled(True)
        tag = next(self._serial)
        self._tag = tag

        def job(j):
            try:
                return work(j.progress, lambda: j.cancelled)
            except ExperimentCancelled:
                raise Cancelled() from None
        # Cancel first, then submit: submit(cancel_running=True) can hit the new job itself
        # when the worker picks it up before the running one is found.
        if self.runner.busy:
            self.runner.cancel()
        self.runner.submit(job, tag)

    def cancel(self) -> None:
        self.runner.cancel()

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def _on_progress(self, tag, fraction: float, text: str) -> None:
        if tag == self._tag:
            self.progress.setValue(int(1000 * fraction))
            self.progress_text.setText(text)

    def _on_finished(self, tag, result) -> None:
        if tag != self._tag:
            return
        self.result = result
        self.progress.setValue(1000)
        self.progress_text.setText("")  # the conclusion says how long it took
        if self._predicted:
            self.scroll.show()
            self.outcome = self.prediction.reveal(result, self._answer)
            if self.outcome is not None:
                message = self.prediction.record(self.outcome)
                self.progress_text.setText(message or "")
        self.view.show_result(result)
        self._update_open_button()

    def _on_failed(self, tag, message: str) -> None:
        if tag == self._tag:
            self.view.set_status(f"The experiment stopped with an error: {message}")
            self.progress_text.setText("failed")
            self._unlock_after_stop()

    def _on_cancelled(self, tag) -> None:
        if tag == self._tag:
            self.view.set_status("Cancelled. Press Run again to start over.")
            self.progress_text.setText("cancelled")
            self._unlock_after_stop()

    def _unlock_after_stop(self) -> None:
        if self._predicted:  # the answer may change again before the next run
            self.prediction.card.unlock()
            self.prediction.card.run_button.setEnabled(self.prediction.card.ready)

    def show_prediction(self, shown: bool) -> None:
        """Show or hide the prediction column beside a revealed result."""
        self.prediction.setVisible(shown)
        self.show_prediction_button.setVisible(not shown)

    def _on_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.rerun_button.setEnabled(not busy and self.current is not None)

    # -- the live app ------------------------------------------------------------------
    def _update_open_button(self) -> None:
        what = self.current
        config = what.live_config() if hasattr(what, "live_config") else None
        self.open_button.setEnabled(config is not None and self.context is not None)
        panel = PANEL_NAMES.get(getattr(what, "panel", None) or "", "")
        if config is None:
            tip = "This lesson has no network to load into the app."
        elif panel:
            tip = (f"Load this lesson's settings into the live session and show the {panel} "
                   "panel, which draws the same thing while you train.")
        else:
            tip = "Load this lesson's settings into the live session to explore them by hand."
        self.open_button.setToolTip(tip)

    def open_in_app(self) -> None:
        what = self.current
        config = what.live_config() if hasattr(what, "live_config") else None
        if config is None or self.context is None:
            return
        self.controller.apply_config(config)
        # Back to the live app, in the workspace that draws what the lesson is about.
        self._window_call("show_panel", getattr(what, "panel", None) or "training")

    # -- sweeps ------------------------------------------------------------------------
    def open_sweep_dialog(self) -> None:
        from .menu import SweepDialog

        if self.context is None:
            return
        dialog = SweepDialog(self.controller.requested_config, self)
        if dialog.exec():
            self.run_sweep(dialog.sweep(), dialog.title())

    # -- pages -------------------------------------------------------------------------
    def show_start_page(self) -> None:
        self.user_lessons.reload()  # a lesson file added or fixed since
        self.stack.setCurrentIndex(0)

    def show_result_page(self) -> None:
        self.stack.setCurrentIndex(1)
        self._window_call("show_panel", "experiments")  # the Lessons workspace, whole window

    def _window_call(self, method: str, *args) -> None:
        function = getattr(self.context.window if self.context else None, method, None)
        if function is not None:
            function(*args)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.prediction.fit()

    # -- Panel API ---------------------------------------------------------------------
    def on_config(self, config) -> None:
        if self.pins:
            self._relabel_pins()  # labels say what differs from the current settings

    def on_theme(self, colors) -> None:
        self._colors = colors
        self.view.on_theme(colors)
        self.prediction.card.on_theme(colors)
        if self.pin_overlay is not None:
            self.pin_overlay.on_theme(colors)

    def figures(self) -> dict[str, object]:
        return self.view.figures() if self.stack.currentIndex() == 1 else {}

    def shutdown(self) -> None:
        self.runner.shutdown()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
