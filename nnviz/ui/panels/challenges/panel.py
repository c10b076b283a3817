"""The Challenges panel: goals the learner reaches by changing settings, checked live.

The list shows every challenge with its concept and lesson and a ✓ for those solved (kept
in the progress store). The active challenge follows every snapshot the controller delivers,
also while the panel is not on screen (the learner changes settings in other workspaces);
its reading is cheap (``nnviz.analysis.challenges``). What is not cheap, a challenge's probe
or its own gradient check, runs in this panel's ``JobRunner``. Gradient-check results from
elsewhere come in through :meth:`on_gradient_check`.
"""
from __future__ import annotations

import secrets

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (QBoxLayout, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from nnviz.analysis.challenges import CHALLENGES, ChallengeSession, challenge
from nnviz.training.jobs import JobRunner
from nnviz.training.progress import ProgressStore
from nnviz.ui.panels.base import Panel, PanelContext
from nnviz.ui.widgets.challenge_badge import ActiveChallengeBadge

from .view import ActiveChallengeView

KEY_ROLE = Qt.ItemDataRole.UserRole


def lesson_numbers() -> dict[str, int]:
    from nnviz.experiments import EXPERIMENTS
    return {key: e.number for key, e in EXPERIMENTS.items()}


WIDE = 900  # px: wider than this, the list and the active challenge side by side

class ChallengesPanel(Panel):
    # (title, fraction 0..1) of the active challenge; ("", -1.0) when none is active
    progress_changed = Signal(str, float)
    challenge_solved = Signal(str)

    def __init__(self, context: PanelContext | None = None, parent=None,
                 progress_folder=None):
        super().__init__(context, parent)
        folder = progress_folder or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation)
        self.store = ProgressStore.shared(folder)
        self.numbers = lesson_numbers()
        self.state: ChallengeSession | None = None
        self.latest = None
        self._probe_config = None
        self._runner: JobRunner | None = None  # started at the first job
        self._build()
        self._show_message(self.store.message)
        self.badge = ActiveChallengeBadge()
        self.progress_changed.connect(self.badge.show_progress)
        window = getattr(context, "window", None)
        if window is not None and hasattr(window, "add_status_widget"):
            window.add_status_widget(self.badge)
        controller = getattr(context, "controller", None)
        if controller is not None:  # follow the run while another workspace is shown
            controller.snapshot.connect(self.on_snapshot)
            done = getattr(controller, "gradient_check_done", None)  # when the lead adds it
            if done is not None:
                done.connect(self.on_gradient_check)
            if controller.latest is not None:
                self.latest = controller.latest

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        # The list above the active challenge in a column; side by side when wide.
        layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        layout.setContentsMargins(6, 6, 6, 6)
        self._box = layout
        heading = QLabel("Challenges")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel("Reach each goal by changing settings and training; the app checks it "
                       "from the run itself.")
        intro.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b35900;")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemDoubleClicked.connect(lambda item: self.start(item.data(KEY_ROLE)))
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        for c in CHALLENGES:
            item = QListWidgetItem()
            item.setData(KEY_ROLE, c.key)
            self.list.addItem(item)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Make the selected challenge the active one")
        self.start_button.clicked.connect(self._start_selected)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.reset_button = QPushButton("Reset progress…")
        self.reset_button.setToolTip("Forget every solved challenge, lesson and prediction")
        self.reset_button.clicked.connect(self._reset_clicked)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.stop_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        for w in (heading, intro, self.message, self.list):
            top_layout.addWidget(w)
        top_layout.setStretchFactor(self.list, 1)
        top_layout.addLayout(buttons)

        self.view = ActiveChallengeView()
        self.view.answer_given.connect(self.give_answer)
        self.view.check_requested.connect(self.run_check)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.view)
        layout.addWidget(top)
        layout.addWidget(scroll, 1)
        self._top = top
        self._refresh_list()
        self._update_buttons()

    def _refresh_list(self) -> None:
        solved = self.store.challenges_solved
        active = self.state.challenge.key if self.state is not None else None
        for row in range(self.list.count()):
            item = self.list.item(row)
            c = challenge(item.data(KEY_ROLE))
            record = solved.get(c.key)
            mark = "✓" if record is not None else "○"
            best = ""
            if record is not None and record.get("best") is not None:
                best = f" (best: {record['best']:g} {c.best_label})"
            number = self.numbers.get(c.lesson)
            lesson = f"lesson {number}" if number else c.lesson_title
            now = "  ◀ active" if c.key == active else ""
            item.setText(f"{mark} {c.title}{best}{now}\n    {c.concept} · {lesson}")
            item.setToolTip(f"{c.goal}\nFrom lesson {number or ''}: {c.lesson_title}")
        self._fit_list()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        wide = self.width() >= WIDE
        self._box.setDirection(QBoxLayout.Direction.LeftToRight if wide
                               else QBoxLayout.Direction.TopToBottom)
        if wide:
            self._top.setFixedWidth(int(0.4 * self.width()))
        else:
            self._top.setMinimumWidth(0)
            self._top.setMaximumWidth(16777215)
        self._fit_list()

    def _fit_list(self) -> None:
        """In a column, the list as tall as its rows, up to 45% of the panel: the rest is
        the active challenge's. Side by side, the list takes the whole height."""
        if self.width() >= WIDE:
            self.list.setMinimumHeight(120)
            self.list.setMaximumHeight(16777215)
            return
        rows = sum(self.list.sizeHintForRow(r) for r in range(self.list.count()))
        natural = rows + 2 * self.list.frameWidth() + 2
        self.list.setFixedHeight(max(120, min(natural, int(0.45 * self.height()))))

    def _update_buttons(self) -> None:
        item = self.list.currentItem()
        self.start_button.setEnabled(item is not None)
        self.stop_button.setEnabled(self.state is not None)

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))

    # -- the active challenge ---------------------------------------------------------------
    def _start_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.start(item.data(KEY_ROLE))

    def start(self, key: str) -> None:
        """Make challenge ``key`` the active one (a fresh attempt) and read the latest
        snapshot at once."""
        self._cancel_jobs()
        self.state = ChallengeSession(challenge(key))
        self._probe_config = None
        for row in range(self.list.count()):
            if self.list.item(row).data(KEY_ROLE) == key:
                self.list.setCurrentRow(row)
        if self.latest is not None:
            self._read(self.latest)
        self._show()

    def stop(self) -> None:
        self._cancel_jobs()
        self.state = None
        self._show()

    def on_snapshot(self, snapshot) -> None:
        if snapshot is self.latest and self.state is not None \
                and self.state.reading is not None:
            return  # the controller's signal and the window's call bring the same one
        self.latest = snapshot
        if self.state is not None:
            self._read(snapshot)
            self._show()

    def on_gradient_check(self, result, config=None) -> None:
        """A gradient-check result from the Gradient check panel (through the window or the
        controller): evidence for the gradient-check challenges."""
        if self.state is None:
            return
        self.state.add_gradient_check(result, config)
        if self.latest is not None:
            self._read(self.latest)
        self._show()

    def give_answer(self, answer) -> None:
        if self.state is None:
            return
        self.state.give_answer(answer)
        if self.latest is not None:
            self._read(self.latest)
        self._show()

    def run_check(self) -> None:
        """The active challenge's own gradient check (a mystery bug), in a job."""
        c = self.state.challenge if self.state is not None else None
        if c is None or c.check is None or self.latest is None:
            return
        snapshot, seed, check = self.latest, secrets.randbelow(2**31), c.check
        self.runner.submit(lambda job: check(snapshot, seed, job.cancel_event),
                           tag=("check", c.key, snapshot.config))

    def _read(self, snapshot) -> None:
        state = self.state
        was_reached, old_best = state.reached, state.best
        state.observe(snapshot)
        c = state.challenge
        if (c.probe is not None and snapshot.config != self._probe_config
                and (c.wants_probe is None or c.wants_probe(snapshot))):
            self._probe_config = snapshot.config
            probe = c.probe
            self.runner.submit(lambda job: probe(snapshot), tag=("probe", c.key, snapshot.config))
        if state.reached and (not was_reached or state.best != old_best):
            self._show_message(self.store.record_challenge(c.key, state.best, c.best))
            if not was_reached:
                self.challenge_solved.emit(c.key)

    def _show(self) -> None:
        state = self.state
        L = self.latest.L if self.latest is not None else 0
        number = self.numbers.get(state.challenge.lesson) if state is not None else None
        self.view.show_state(state, L, number)
        self._refresh_list()
        self._update_buttons()
        if state is None:
            self.progress_changed.emit("", -1.0)
        else:
            self.progress_changed.emit(state.challenge.title, state.fraction)

    # -- jobs --------------------------------------------------------------------------------
    @property
    def runner(self) -> JobRunner:
        if self._runner is None:
            self._runner = JobRunner("nnviz-challenges", parent=self)
            self._runner.finished.connect(self._job_done)
            self._runner.failed.connect(self._job_failed)
            self._runner.busy_changed.connect(self._busy)
        return self._runner

    def _cancel_jobs(self) -> None:
        if self._runner is not None:
            self._runner.cancel()

    def _job_done(self, tag, result) -> None:
        kind, key, config = tag
        if self.state is None or self.state.challenge.key != key:
            return
        if kind == "probe":
            self.state.add_probe(result, config)
        else:
            self.state.add_gradient_check(result, config)
            self.view.show_check(result)
        if self.latest is not None:
            self._read(self.latest)
        self._show()

    def _job_failed(self, tag, message: str) -> None:
        self._show_message("The check could not run on this network: "
                           f"{message.split(':', 1)[-1].strip()}. Reset the network and try "
                           "again.")

    def _busy(self, busy: bool) -> None:
        self.view.set_checking(busy)

    # -- progress ----------------------------------------------------------------------------
    def confirm_reset(self) -> bool:
        answer = QMessageBox.question(
            self, "Reset progress",
            "Forget every solved challenge and best value, and every lesson done and "
            "prediction made? This cannot be undone.",
            QMessageBox.StandardButton.Reset | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Reset

    def _reset_clicked(self) -> None:
        if not self.confirm_reset():
            return
        self._show_message(self.store.reset())
        if self.state is not None:
            self.start(self.state.challenge.key)
        self._refresh_list()

    def shutdown(self) -> None:
        if self._runner is not None:
            self._runner.shutdown()
