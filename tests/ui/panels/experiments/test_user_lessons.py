"""A teacher's lesson files on the Lessons start page and in the Experiments menu: after the
built-in lessons, marked "Your lessons", the refused files listed with the loader's message;
a user lesson asks its question, runs and reveals like a built-in one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from nnviz.experiments import EXPERIMENTS
from nnviz.training.progress import ProgressStore
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.panels.experiments.panel import ExperimentsPanel
from nnviz.ui.settings import open_settings

EXAMPLE = (Path(__file__).resolve().parents[4] / "nnviz" / "experiments" / "lessons"
           / "examples" / "moons_hidden_layer.toml")
TIMEOUT = 60000


@pytest.fixture
def lessons_dir(tmp_path, monkeypatch):
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "moons.toml")
    (folder / "broken.toml").write_text(EXAMPLE.read_text() + "[[runs]]\n" * 3)  # 5 runs
    monkeypatch.setenv("NNVIZ_LESSONS_DIR", str(folder))
    return folder


@pytest.fixture
def panel(qtbot, tmp_path, lessons_dir):
    p = ExperimentsPanel()
    qtbot.addWidget(p)
    p.prediction.progress_folder = tmp_path
    real = p.experiment_for
    p.experiment_for = lambda key: real(key).with_params(iterations=300)  # a user lesson
    p.resize(1366, 680)
    p.show()
    yield p
    p.shutdown()


def test_the_start_page_lists_your_lessons_after_the_built_in_ones(qtbot, panel, lessons_dir):
    box = panel.user_lessons
    assert box.isVisible() and "Your lessons" in box.heading.text()
    button = box.buttons["user.moons"]
    assert button.text() == "A hidden layer on the moons" and button.isVisible()
    last_builtin = panel.lesson_buttons[list(EXPERIMENTS)[-1]]
    assert button.mapTo(panel, button.rect().topLeft()).y() > \
        last_builtin.mapTo(panel, last_builtin.rect().bottomLeft()).y()
    assert box.refusals.isVisible()
    refused = box.refusals.text()
    assert "broken.toml" in refused and "a lesson has 1 to 4 runs, this file 5" in refused
    assert "line " in refused
    assert str(lessons_dir).split("/")[-1] in box.hint.text()
    # A file added later appears when the start page is shown again.
    shutil.copy(EXAMPLE, lessons_dir / "second.toml")
    panel.show_start_page()
    assert list(box.buttons) == ["user.moons", "user.second"]


def test_a_user_lesson_asks_runs_and_reveals_its_answer(qtbot, panel):
    qtbot.mouseClick(panel.user_lessons.buttons["user.moons"], Qt.MouseButton.LeftButton)
    card = panel.prediction.card
    assert panel.stack.currentIndex() == 1 and panel.result is None
    assert "A hidden layer on the moons" in panel.title.text()
    assert not card.run_button.isEnabled()
    card.input.buttons["bent"].setChecked(True)
    assert card.answer() == "bent" and card.run_button.isEnabled()
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.result is not None and not panel.busy, timeout=TIMEOUT)
    outcome = panel.outcome
    accuracy = dict(zip(panel.result.table.column("run"),
                        panel.result.table.column("train accuracy")))
    gap = accuracy["8 tanh units"] - accuracy["no hidden layer"]
    truth = "same" if abs(gap) <= 0.01 else "bent" if gap > 0 else "line"
    assert outcome.truth.correct == {truth}
    assert outcome.score == (1.0 if truth == "bent" else 0.0)
    kept = ProgressStore(panel.prediction.progress_folder).predictions("user.moons")
    assert kept[-1]["answer"] == "bent"


@pytest.fixture
def window(qtbot, isolated_settings, lessons_dir, tmp_path):
    w = MainWindow(settings=open_settings(isolated_settings),
                   panels=[panel_spec(k) for k in ("builder", "training", "experiments")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    yield w
    w.close()


def test_the_menu_lists_your_lessons_after_the_built_in_ones(qtbot, window):
    texts = [a.text() for a in window.experiments_menu.actions()]
    final = list(EXPERIMENTS.values())[-1]  # the last built-in lesson
    last = texts.index(f"{final.number}. {final.title}")
    assert texts[last + 1:last + 3] == ["Your lessons", "A hidden layer on the moons"]
    action = window.experiment_actions["user.moons"]
    assert action.statusTip().startswith("Logistic regression against 8 tanh")
    action.trigger()
    panel = window.panels["experiments"]
    assert panel.current is not None and panel.current.key == "user.moons"
    assert panel.prediction.card.isVisible() and not panel.busy
