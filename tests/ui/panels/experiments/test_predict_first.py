"""A lesson asks before it runs: Run waits for an answer (or "Just show me"), the answer is
locked while the lesson runs, and the reveal marks it on the run's answer, scores it,
explains it and keeps it in the progress store."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from nnviz.analysis.math_text import math_html
from nnviz.experiments import get_experiment
from nnviz.experiments.questions import question_for
from nnviz.training.progress import ProgressStore

from .standalone import small_lessons_panel

TIMEOUT = 60000
SMALL = {"symmetry": dict(iterations=60), "learning_rate": dict(resolution=11),
         "deep_gradients": dict(seeds=1, scales=(1.0,), activations=("sigmoid",),
                                train_iterations=10, train_scales=(1.0,)),
         "init_schemes": dict(iterations=4000)}


@pytest.fixture
def panel(qtbot, tmp_path):
    p = small_lessons_panel(qtbot, tmp_path, SMALL, (980, 680))
    yield p
    p.shutdown()


def wait_reveal(qtbot, panel):
    qtbot.waitUntil(lambda: panel.result is not None and not panel.busy, timeout=TIMEOUT)


def test_run_waits_for_an_answer_and_just_show_me_enables_it(qtbot, panel):
    panel.open_lesson("symmetry")
    card = panel.prediction.card
    assert panel.stack.currentIndex() == 1 and panel.result is None and not panel.busy
    assert card.isVisible() and not panel.scroll.isVisible()  # the question first, no result
    assert not card.run_button.isEnabled()
    qtbot.mouseClick(card.skip_button, Qt.MouseButton.LeftButton)
    assert card.run_button.isEnabled()
    qtbot.mouseClick(card.skip_button, Qt.MouseButton.LeftButton)  # changed my mind
    assert not card.run_button.isEnabled()
    card.input.labels["one"].mousePressEvent(None)  # a click on the words picks the choice
    assert card.answer() == "one" and card.run_button.isEnabled()


def test_the_answer_is_locked_while_the_lesson_runs(qtbot, panel):
    panel.experiment_for = lambda key: get_experiment(key, iterations=6000)  # a few seconds
    panel.open_lesson("init_schemes")
    card = panel.prediction.card
    card.input.slider.setValue(900)
    answer = card.answer()
    assert answer == pytest.approx(0.9)
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)
    assert panel.busy and card.locked
    assert not card.input.slider.isEnabled() and not card.skip_button.isEnabled()
    assert not card.run_button.isEnabled()
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)  # no second run
    wait_reveal(qtbot, panel)
    outcome = panel.outcome
    assert outcome.answer == answer  # what was locked, whatever happened to the slider
    assert outcome.truth.value == pytest.approx(0.5)  # zeros: every gradient is 0
    assert outcome.verdict == "wrong" and outcome.explanation.startswith("Zero initialization")
    assert card.explanation.text() == math_html(outcome.explanation)
    assert card.input.line.isVisible() and card.input.line.marks == (answer, 0.5)
    kept = ProgressStore(panel.prediction.progress_folder).predictions("init_schemes")
    assert kept[-1]["score"] == pytest.approx(outcome.score) and kept[-1]["answer"] == answer


def test_the_reveal_marks_the_choice_and_explains_the_answer_given(qtbot, panel):
    panel.open_lesson("symmetry")
    card = panel.prediction.card
    card.input.buttons["all"].setChecked(True)
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)
    wait_reveal(qtbot, panel)
    q = question_for("symmetry")
    assert panel.outcome.truth.correct == {"one"} and panel.outcome.score == 0.0
    labels = card.input.labels
    assert "your answer" in labels["all"].text() and "the run" not in labels["all"].text()
    assert "✓ the run's answer" in labels["one"].text()
    assert card.explanation.text() == math_html(q.choice("all").explanation)
    assert "Not this time" in card.verdict.text() and card.why.isVisible()
    assert panel.scroll.isVisible() and panel.view.views  # the lesson's own result too
    assert panel.prediction.width() < panel.width() / 2  # a column beside it
    card.hide_button.click()
    assert not panel.prediction.isVisible() and panel.show_prediction_button.isVisible()
    panel.rerun_button.click()  # run again: predict again
    assert card.answer() is None and not card.run_button.isEnabled()


def _drag(qtbot, sketch, points):
    """Press, move through ``points`` (iteration, y) and release, as a mouse would."""
    box = sketch.getPlotItem().vb
    view_points = [sketch.mapFromScene(box.mapViewToScene(QPointF(x, y))) for x, y in points]
    viewport = sketch.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=view_points[0])
    for p in view_points[1:]:
        qtbot.mouseMove(viewport, p)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=view_points[-1])


def test_a_sketch_is_drawn_with_the_mouse_and_laid_over_the_real_curve(qtbot, panel):
    panel.open_lesson("learning_rate")
    card = panel.prediction.card
    sketch = card.input
    qtbot.waitExposed(sketch)
    _drag(qtbot, sketch, [(0, 1.0), (100, 0.2)])  # too short to count
    assert card.answer() is None and not card.run_button.isEnabled()
    _drag(qtbot, sketch, [(0, 1.0), (40, 0.7), (120, 0.3), (90, 0.35), (200, 0.12),
                          (300, 0.07)])
    xs = [x for x, _ in sketch.points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # monotone: drawing back redraws
    assert card.answer() is not None and card.run_button.isEnabled()
    qtbot.mouseClick(card.clear_button, Qt.MouseButton.LeftButton)
    assert sketch.points == [] and not card.run_button.isEnabled()
    _drag(qtbot, sketch, [(0, 1.0), (40, 0.7), (100, 0.3), (200, 0.12), (300, 0.07)])
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)
    before = list(sketch.points)
    _drag(qtbot, sketch, [(0, 0.2), (300, 0.2)])  # locked: nothing changes
    assert sketch.points == before
    wait_reveal(qtbot, panel)
    x, y = sketch.real.getData()
    assert x is not None and len(x) > 10 and y[0] == pytest.approx(1.0)
    assert panel.outcome.score > 0.5  # a fair sketch of an exponential fall
    assert "Dashed blue: your sketch" in card.hint.text()


def test_a_pick_on_the_layers_is_marked_with_the_run_s_answer(qtbot, panel):
    panel.open_lesson("deep_gradients")
    card = panel.prediction.card
    pick = card.input
    assert pick.items == tuple(str(i) for i in range(1, 21))
    qtbot.waitExposed(pick)
    box = pick.getPlotItem().vb
    where = pick.mapFromScene(box.mapViewToScene(QPointF(19, 0.5)))  # layer 20
    qtbot.mouseClick(pick.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert card.answer() == "20"
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)
    wait_reveal(qtbot, panel)
    assert panel.outcome.truth.correct == {"1"} and panel.outcome.score == 0.0
    stars = pick.truth_marks.getData()
    assert list(stars[0]) == [0]  # the star on layer 1
    assert pick.picked == "20"
    assert "output layer has the largest signal" in card.explanation.text()
    xs, ys = pick.values_item.getData()
    assert len(xs) == 20 and np.all(np.diff(ys) > 0)  # log ||dZ[l]|| rises toward the output
