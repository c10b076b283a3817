"""The Lessons start page lists the fifteen built-in lessons, the course's second part
(12-15) after the first eleven; each new lesson opens on its question, and one runs, reveals
the run's answer and draws its plots."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from nnviz.experiments import EXPERIMENTS
from nnviz.experiments.questions import question_for

from .standalone import small_lessons_panel

NEW = ("bias_variance", "dropout", "optimizers", "mini_batch")
SMALL = {"mini_batch": dict(seconds=0.1, m=1000), "optimizers": dict(steps=60, resolution=11)}


@pytest.fixture
def panel(qtbot, tmp_path):
    p = small_lessons_panel(qtbot, tmp_path, SMALL, (1366, 680))
    yield p
    p.shutdown()


def test_the_start_page_lists_fifteen_lessons_the_new_ones_last(qtbot, panel):
    buttons = panel.lesson_buttons
    assert len(buttons) == len(EXPERIMENTS) == 15
    assert list(buttons)[-4:] == list(NEW)
    tops = [buttons[k].mapTo(panel, buttons[k].rect().topLeft()) for k in EXPERIMENTS]
    # reading order: each lesson below or to the right of the one before
    assert all((b.y(), b.x()) > (a.y(), a.x()) for a, b in zip(tops, tops[1:]))
    for key in NEW:
        assert buttons[key].description() == EXPERIMENTS[key].summary


@pytest.mark.parametrize("key", NEW)
def test_each_new_lesson_opens_on_its_question(qtbot, panel, key):
    panel.open_lesson(key)
    card = panel.prediction.card
    q = question_for(key)
    assert panel.stack.currentIndex() == 1 and panel.result is None and not panel.busy
    assert card.isVisible() and not card.run_button.isEnabled()
    assert set(card.input.buttons) == {c.key for c in q.choices}


def test_the_race_lesson_runs_and_reveals_the_run_s_answer(qtbot, panel):
    qtbot.mouseClick(panel.lesson_buttons["optimizers"], Qt.MouseButton.LeftButton)
    card = panel.prediction.card
    card.input.buttons["gd"].setChecked(True)
    assert card.answer() == "gd" and card.run_button.isEnabled()
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.result is not None and not panel.busy, timeout=60000)
    final = panel.result.findings["final_cost"]
    keys = {"Gradient descent": "gd", "Momentum": "momentum", "RMSprop": "rmsprop",
            "Adam": "adam"}
    lowest = min(final.values())
    assert panel.outcome.truth.correct == {keys[k] for k, v in final.items() if v == lowest}
    assert panel.outcome.score == (1.0 if "gd" in panel.outcome.truth.correct else 0.0)
    assert "✓ the run's answer" in card.input.labels[min(panel.outcome.truth.correct)].text()
    assert len(panel.view.views) == len(panel.result.plots) == 2  # surface and costs drawn
