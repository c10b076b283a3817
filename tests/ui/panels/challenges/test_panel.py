"""Challenges panel: live progress from snapshots, solved marks kept, hints, answers, the
mystery gradient check in a job, reset with confirmation, the status-bar badge."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QScrollArea

from nnviz.analysis.challenges import CHALLENGES
from nnviz.training.config import Hyperparameters, NetworkSpec, SessionConfig, course_default
from nnviz.training.progress import ProgressStore
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.base import PanelContext
from nnviz.ui.panels.challenges.panel import ChallengesPanel
from nnviz.ui.theme import LIGHT

D = course_default()
SIZES = {"laptop": (380, 680), "desktop": (520, 990)}


class Controller(QObject):
    snapshot = Signal(object)
    gradient_check_done = Signal(object)  # the signal proposed for TrainingController
    latest = None


class Window:
    def __init__(self):
        self.status = []

    def add_status_widget(self, widget):
        self.status.append(widget)


@pytest.fixture(autouse=True)
def shut_down_panels():
    made.clear()
    yield
    for panel in made:
        panel.shutdown()


made: list = []


def make_panel(qtbot, tmp_path, size=SIZES["laptop"], controller=None, window=None):
    context = PanelContext(controller or Controller(), QSettings(),
                           SimpleNamespace(colors=LIGHT), window)
    panel = ChallengesPanel(context, progress_folder=tmp_path)
    made.append(panel)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def deep_sigmoid(session_units=(10,) * 5):
    return SessionConfig(D.data, NetworkSpec(session_units, ("sigmoid",) * len(session_units)),
                         D.hyper)


def test_lists_every_challenge_with_concept_and_lesson(qtbot, tmp_path):
    panel = make_panel(qtbot, tmp_path)
    assert panel.list.count() == len(CHALLENGES)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    for c, text in zip(CHALLENGES, texts):
        assert c.title in text and c.concept in text and text.startswith("○")
    assert "lesson 7" in texts[[c.key for c in CHALLENGES].index("vanishing")]


def test_live_progress_follows_the_controllers_snapshots(qtbot, tmp_path):
    controller = Controller()
    window = Window()
    panel = make_panel(qtbot, tmp_path, controller=controller, window=window)
    badge = window.status[0]
    assert badge is panel.badge and not badge.isVisible()
    panel.start("vanishing")
    session = TrainingSession(deep_sigmoid((6, 6)))
    controller.snapshot.emit(session.snapshot())  # the panel follows even when hidden
    shown = panel.view.bar.value()
    ratio = session.snapshot().layers[0].dW_norm / session.snapshot().layers[-1].dW_norm
    assert 0 < shown < 100 and f"1/{1 / ratio:,.0f}" in panel.view.live.text()
    assert badge.text() == f"Challenge: Make the gradient vanish — {shown}%"
    panel.hide()
    controller.snapshot.emit(TrainingSession(deep_sigmoid()).snapshot())
    assert panel.state.reached and panel.view.bar.value() == 100
    assert "reached ✓" in badge.text()
    assert "diverge" not in ProgressStore(tmp_path).challenges_solved
    assert "vanishing" in ProgressStore(tmp_path).challenges_solved
    panel.show()
    assert panel.list.item(2).text().startswith("✓")


def test_solved_marks_and_bests_come_back_from_the_store(qtbot, tmp_path):
    store = ProgressStore.shared(tmp_path)
    store.record_challenge("fewest_units", 3, "min")
    panel = make_panel(qtbot, tmp_path)
    row = [c.key for c in CHALLENGES].index("fewest_units")
    assert panel.list.item(row).text().startswith("✓")
    assert "best: 3 hidden units" in panel.list.item(row).text()


def test_hints_appear_after_a_few_settings_changes(qtbot, tmp_path):
    panel = make_panel(qtbot, tmp_path)
    panel.start("diverge")
    session = TrainingSession(D)
    panel.on_snapshot(session.snapshot())
    assert not panel.view.hints.isVisible()
    for lr in (1.0, 0.8, 0.6):
        session.set_hyperparameters(Hyperparameters(learning_rate=lr))
        panel.on_snapshot(session.snapshot())
    assert panel.view.hints.isVisible() and "Hint 1" in panel.view.hints.text()
    assert "Hint 2" not in panel.view.hints.text()


def test_the_dropout_challenge_probes_in_a_job_then_takes_the_explanation(qtbot, tmp_path):
    panel = make_panel(qtbot, tmp_path)
    panel.start("dropout_check")
    session = TrainingSession(SessionConfig(D.data, D.network,
                                            Hyperparameters(keep_prob=0.8)))
    with qtbot.waitSignal(panel.runner.finished, timeout=20000):
        panel.on_snapshot(session.snapshot())
    assert "fails with dropout on" in panel.view.live.text()
    assert panel.view.question.isVisible() and not panel.state.reached
    panel.view.pick_choice("backprop")
    panel.view.answer_button.click()
    assert not panel.state.reached and "frozen masks" in panel.view.feedback.text()
    panel.view.pick_choice("masks")
    panel.view.answer_button.click()
    assert panel.state.reached and panel.view.verdict.isVisible()


def test_the_mystery_check_runs_in_a_job_and_the_layer_is_picked(qtbot, tmp_path):
    panel = make_panel(qtbot, tmp_path)
    panel.start("planted_bug_layer")
    panel.on_snapshot(TrainingSession(D).snapshot())
    assert panel.view.check_button.isVisible() and len(panel.view.layer_boxes) == 2
    with qtbot.waitSignal(panel.runner.finished, timeout=20000):
        panel.view.check_button.click()
    report = panel.view.check_report.text()
    result = panel.state.evidence.gradient_check
    assert "dW1" in report and result.planted_bug not in report  # the bug stays hidden
    bad = max(s.layer for s in result.layers if s.status == "bug")
    panel.view.pick_layers({3 - bad})
    panel.view.answer_button.click()
    assert not panel.state.reached and "Not layer" in panel.view.feedback.text()
    panel.view.pick_layers({bad})
    panel.view.answer_button.click()
    assert panel.state.reached


def test_a_gradient_check_from_elsewhere_counts(qtbot, tmp_path):
    import numpy as np
    from nnviz.engine.gradient_check import gradient_check
    panel = make_panel(qtbot, tmp_path)
    panel.start("planted_bug_layer")
    snapshot = TrainingSession(D).snapshot()
    panel.on_snapshot(snapshot)
    result = gradient_check(snapshot.network(np.float64), snapshot.data.X_train[:, :16],
                            snapshot.data.Y_train[:, :16], planted_bug="db2 negated")
    panel.context.controller.gradient_check_done.emit(result)
    assert panel.state.evidence.gradient_check is result
    panel.give_answer({2})
    assert panel.state.reached


def test_reset_asks_first_and_forgets_the_solved_marks(qtbot, tmp_path, monkeypatch):
    ProgressStore.shared(tmp_path).record_challenge("diverge")
    panel = make_panel(qtbot, tmp_path)
    monkeypatch.setattr(panel, "confirm_reset", lambda: False)
    panel.reset_button.click()
    assert "diverge" in ProgressStore(tmp_path).challenges_solved
    monkeypatch.setattr(panel, "confirm_reset", lambda: True)
    panel.reset_button.click()
    assert ProgressStore(tmp_path).challenges_solved == {}
    assert panel.list.item(0).text().startswith("○")


def test_a_corrupt_progress_file_is_a_message_not_a_failure(qtbot, tmp_path):
    (tmp_path / "progress.json").write_text("{oops")
    panel = make_panel(qtbot, tmp_path)
    assert panel.message.isVisible() and "starts afresh" in panel.message.text()


@pytest.mark.parametrize("size", list(SIZES.values()), ids=list(SIZES))
def test_fits_its_column_without_a_horizontal_scroll_bar(qtbot, tmp_path, size):
    panel = make_panel(qtbot, tmp_path, size)
    panel.start("dropout_check")
    panel.on_snapshot(TrainingSession(SessionConfig(D.data, D.network,
                                                    Hyperparameters(keep_prob=0.8))).snapshot())
    qtbot.wait(50)
    scroll = panel.findChild(QScrollArea)
    assert not scroll.horizontalScrollBar().isVisible()
    assert panel.view.width() <= scroll.viewport().width()
    assert panel.list.horizontalScrollBar().maximum() == 0
    assert panel.list.height() >= 150
