"""Edit > Undo / Redo: every kind of change undone and redone in a real window (worker thread),
the same starting weights after undoing a rebuild, one step per slider drag, no entry for a
refused change, undo while training runs."""
import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.training.config import (DataSpec, Hyperparameters, NetworkSpec, SessionConfig,
                                   course_default)
from nnviz.training.session import TrainingSession
from nnviz.training.session_state import restore_session, session_data
from nnviz.ui import undo as undo_module
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings
from nnviz.ui.undo import add_undo_actions, install_undo
from nnviz.ui.undo_text import describe, weight_text

TIMEOUT = 20000
PANELS = ("builder", "training", "network")
# Mini-batches, dropout and Adam: a repeated run is the same only if every draw is.
RANDOM_RUN = SessionConfig(
    DataSpec(name="flower"),
    NetworkSpec(hidden_units=(4,), activations=("tanh",), init="he", seed=5),
    Hyperparameters(optimizer="adam", learning_rate=0.01, batch_size=64, keep_prob=0.8))


@pytest.fixture
def make_window(qtbot, isolated_settings):
    windows = []

    def make(config=None):
        w = MainWindow(config=config, settings=open_settings(isolated_settings),
                       panels=[panel_spec(key) for key in PANELS])
        qtbot.addWidget(w)
        install_undo(w)
        add_undo_actions(w, w.edit_menu)
        w.show()
        qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=TIMEOUT)
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.close()


@pytest.fixture
def window(make_window):
    return make_window()


def latest(qtbot, window, predicate):
    c = window.controller
    qtbot.waitUntil(lambda: c.latest is not None and predicate(c.latest), timeout=TIMEOUT)
    return c.latest


def entries(qtbot, window, n):
    stack = window.undo.stack
    qtbot.waitUntil(lambda: stack.count() == n, timeout=TIMEOUT)
    return stack.text(n - 1)


def settled(qtbot, window, predicate):
    """The settings in use satisfy ``predicate`` and a snapshot of them has arrived."""
    return latest(qtbot, window, lambda s: predicate(s.config)
                  and predicate(window.controller.config))


def units(config):
    return config.network.hidden_units


def test_hidden_units_undone_and_redone_named_in_the_edit_menu(qtbot, window):
    builder = window.panels["builder"]
    menu = [a.text() for a in window.edit_menu.actions()]
    assert menu[:2] == ["Undo", "Redo"] and not window.undo_action.isEnabled()
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    builder.layer_rows[0].units.setValue(8)
    assert entries(qtbot, window, 1) == "hidden units 4 → 8"
    assert window.undo_action.text() == "Undo: hidden units 4 → 8"
    assert window.undo_action.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settled(qtbot, window, lambda c: units(c) == (4,))
    assert builder.layer_rows[0].units.value() == 4  # the builder shows what is in use
    assert window.redo_action.text() == "Redo: hidden units 4 → 8"
    assert window.undo_action.text() == "Undo" and window.undo.stack.count() == 1
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    settled(qtbot, window, lambda c: units(c) == (8,))
    assert builder.layer_rows[0].units.value() == 8
    assert window.undo.stack.count() == 1  # undo and redo recorded nothing


def test_undo_of_a_rebuild_restores_the_starting_weights_and_repeats_the_run(
        qtbot, make_window):
    window = make_window(RANDOM_RUN)
    c = window.controller
    start = latest(qtbot, window, lambda s: s.iteration == 0).theta.copy()
    c.step(25)
    run = latest(qtbot, window, lambda s: s.iteration == 25).theta.copy()
    window.panels["builder"].layer_rows[0].units.setValue(8)
    entries(qtbot, window, 1)
    c.step(10)
    latest(qtbot, window, lambda s: s.iteration == 10 and units(s.config) == (8,))
    window.undo.undo()
    rebuilt = settled(qtbot, window, lambda cfg: units(cfg) == (4,))
    assert rebuilt.iteration == 0 and np.array_equal(rebuilt.theta, start)  # bit for bit
    c.step(25)  # "undo, then run again": the same run, every random draw the same
    again = latest(qtbot, window, lambda s: s.iteration == 25).theta
    assert np.array_equal(again, run)
    c.reset()
    reset = latest(qtbot, window, lambda s: s.iteration == 0)
    assert np.array_equal(reset.theta, start)


def test_learning_rate_undone_without_a_rebuild_and_reset_gives_the_same_start(
        qtbot, window):
    c = window.controller
    start = latest(qtbot, window, lambda s: True)
    c.step(5)
    latest(qtbot, window, lambda s: s.iteration == 5)
    window.hyper_bar.learning_rate.setValue(0.5, emit=True)
    assert entries(qtbot, window, 1) == "learning rate 1.2 → 0.5"
    window.undo.undo()
    undone = settled(qtbot, window, lambda cfg: cfg.hyper.learning_rate == 1.2)
    assert undone.generation == start.generation and undone.iteration == 5  # no rebuild
    assert window.hyper_bar.learning_rate.value() == 1.2
    assert window.panels["builder"].learning_rate.value() == 1.2
    c.reset()
    assert np.array_equal(latest(qtbot, window, lambda s: s.iteration == 0).theta, start.theta)


def test_a_slider_drag_is_one_step_and_a_later_drag_another(qtbot, window, monkeypatch):
    monkeypatch.setattr(undo_module, "MERGE_SECONDS", 30.0)  # a loaded machine is slow
    slider = window.hyper_bar.learning_rate.slider
    start = slider.value()
    for position in range(start - 1, start - 60, -4):  # the thumb moving: 15 values
        slider.setValue(position)
        qtbot.wait(15)
    final = window.hyper_bar.learning_rate.value()
    settled(qtbot, window, lambda c: c.hyper.learning_rate == final)
    qtbot.wait(100)  # every value the worker applied has come back
    assert window.undo.stack.count() == 1
    assert window.undo.stack.text(0) == f"learning rate 1.2 → {final:g}"
    window.undo.stack.command(0).stamp -= 2 * undo_module.MERGE_SECONDS  # a while later
    slider.setValue(slider.value() - 30)
    second = window.hyper_bar.learning_rate.value()
    assert entries(qtbot, window, 2) == f"learning rate {final:g} → {second:g}"
    window.undo.undo()
    settled(qtbot, window, lambda c: c.hyper.learning_rate == final)
    window.undo.undo()  # the whole first drag at once
    settled(qtbot, window, lambda c: c.hyper.learning_rate == 1.2)


def test_layers_added_and_removed_are_undone_and_redone(qtbot, window):
    builder = window.panels["builder"]
    start = latest(qtbot, window, lambda s: True).theta.copy()
    builder.add_layer.click()
    assert entries(qtbot, window, 1) == "add hidden layer 2 (4 tanh units)"
    builder.layer_rows[1].units.setValue(3)
    assert entries(qtbot, window, 2) == "hidden units n[2] 4 → 3"
    builder.layer_rows[0].remove_requested.emit(builder.layer_rows[0])
    assert entries(qtbot, window, 3) == "remove hidden layer 1 (4 tanh units)"
    settled(qtbot, window, lambda c: units(c) == (3,))
    window.undo.undo()
    settled(qtbot, window, lambda c: units(c) == (4, 3))
    assert [row.units.value() for row in builder.layer_rows] == [4, 3]
    window.undo.undo()
    window.undo.undo()
    one = settled(qtbot, window, lambda c: units(c) == (4,))
    assert len(builder.layer_rows) == 1 and np.array_equal(one.theta, start)
    for _ in range(3):
        window.undo.redo()
    settled(qtbot, window, lambda c: units(c) == (3,))
    assert window.undo.stack.count() == 3 and not window.undo.stack.canRedo()


def test_drawn_and_removed_points_are_undone_and_redone(qtbot, window):
    box = window.panels["training"].boundary_box
    c = window.controller
    m = latest(qtbot, window, lambda s: True).data.m_train
    c.step(3)
    latest(qtbot, window, lambda s: s.iteration == 3)
    box.plot.set_editable(True)
    box.draw_class.setCurrentIndex(1)
    box.plot.click_at(0.5, 1.2, Qt.MouseButton.LeftButton)  # what a click does
    assert entries(qtbot, window, 1) == "add a point of class 1 at (0.5, 1.2)"
    latest(qtbot, window, lambda s: s.data.m_train == m + 1)
    d = c.latest.data
    x, y = d.X_train_raw[:, 0], int(d.y_train[0])
    box.plot.click_at(x[0] + 1e-3, x[1], Qt.MouseButton.RightButton)
    assert entries(qtbot, window, 2) == (f"remove a point of class {y} at "
                                         f"({x[0]:.3g}, {x[1]:.3g})")
    latest(qtbot, window, lambda s: s.data.m_train == m)
    window.undo.undo()
    back = latest(qtbot, window, lambda s: s.data.m_train == m + 1)
    assert back.iteration == 3  # points change the data, never reset the network
    window.undo.undo()
    assert latest(qtbot, window, lambda s: s.data.m_train == m).config.data.edited is False
    window.undo.redo()
    window.undo.redo()
    latest(qtbot, window, lambda s: s.config.data.removed_points != () and s.data.m_train == m)
    box.restore.click()
    assert entries(qtbot, window, 3) == "restore the data as generated"
    window.undo.undo()
    edited = latest(qtbot, window, lambda s: s.config.data.edited)
    assert edited.config.data.added_points == ((0.5, 1.2, 1),)


def test_an_edited_weight_is_undone_and_redone_exactly(qtbot, window, monkeypatch):
    network = window.panels["network"]
    before = latest(qtbot, window, lambda s: True)
    old = float(before.params()["W1"][2, 0])
    monkeypatch.setattr(network, "ask_value", lambda *_: 1.0)
    network.edit_parameter(("W", 1, 2, 0))  # what a click on the link does while paused
    assert entries(qtbot, window, 1) == weight_text("W1", (2, 0), old, 1.0)
    assert window.undo.stack.text(0).startswith("W[1]_3,1 ") and " → 1.0" in \
        window.undo.stack.text(0)
    latest(qtbot, window, lambda s: s.params()["W1"][2, 0] == 1.0)
    window.undo.undo()
    undone = latest(qtbot, window, lambda s: s.params()["W1"][2, 0] != 1.0)
    assert np.array_equal(undone.theta, before.theta)  # the old value exactly
    window.undo.redo()
    latest(qtbot, window, lambda s: s.params()["W1"][2, 0] == 1.0)
    monkeypatch.setattr(network, "ask_value", lambda *_: -0.5)
    network.edit_parameter(("b", 1, 3))
    assert entries(qtbot, window, 2).startswith("b[1]_4 0.0 → -0.5")
    latest(qtbot, window, lambda s: s.params()["b1"][3, 0] == -0.5)
    # After a reset the network starts afresh: no trained value is put back into it.
    window.controller.reset()
    fresh = latest(qtbot, window, lambda s: s.generation > undone.generation)
    window.undo.undo()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Nothing to undo"),
                    timeout=TIMEOUT)
    qtbot.wait(100)
    assert np.array_equal(window.controller.latest.theta, fresh.theta)


def test_data_set_switched_in_the_builder_and_by_file_is_undone(qtbot, window, tmp_path):
    builder = window.panels["builder"]
    start = latest(qtbot, window, lambda s: True).theta.copy()
    builder.dataset.setCurrentIndex(builder.dataset.findData("moons"))
    assert entries(qtbot, window, 1) == "data set Flower → Moons"
    path = tmp_path / "points.csv"
    rows = [f"{x:.3f},{(x * 7) % 1:.3f},{int(x > 0.5)}" for x in np.linspace(0, 1, 40)]
    path.write_text("x1,x2,y\n" + "\n".join(rows) + "\n")
    window.use_csv(str(path))  # File > Open data, once the CSV dialog said Load
    assert entries(qtbot, window, 2) == "data set Moons → CSV points.csv"
    window.undo.undo()
    settled(qtbot, window, lambda c: c.data.name == "moons")
    window.undo.undo()
    flower = settled(qtbot, window, lambda c: c.data.name == "flower")
    assert np.array_equal(flower.theta, start)  # the same data and the same starting weights
    assert builder.dataset.currentData() == "flower"
    # Redo to a file deleted meanwhile: the worker refuses, the history steps back.
    window.undo.redo()
    settled(qtbot, window, lambda c: c.data.name == "moons")
    path.unlink()
    window.undo.redo()
    qtbot.waitUntil(lambda: window.undo.stack.index() == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Could not redo"),
                    timeout=TIMEOUT)
    assert window.controller.config.data.name == "moons"
    assert window.redo_action.text() == "Redo: data set Moons → CSV points.csv"


def test_a_refused_change_leaves_no_entry(qtbot, window, tmp_path):
    window.hyper_bar.learning_rate.setValue(0.5, emit=True)
    entries(qtbot, window, 1)
    errors = []
    window.controller.error.connect(errors.append)
    window.use_csv(str(tmp_path / "missing.csv"))  # refused by the worker
    qtbot.waitUntil(lambda: bool(errors), timeout=TIMEOUT)
    qtbot.wait(100)
    assert window.undo.stack.count() == 1 and window.undo.stack.text(0) == \
        "learning rate 1.2 → 0.5"
    # A weight edit while training runs is refused by the worker: no entry either.
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.state == "running", timeout=TIMEOUT)
    window.controller.set_parameter("W1", (0, 0), 3.0)
    assert window.undo.stack.count() == 1
    window.controller.pause()


def test_undo_while_training_runs(qtbot, window, monkeypatch):
    c = window.controller
    monkeypatch.setattr(window.panels["network"], "ask_value", lambda *_: 2.0)
    old = float(latest(qtbot, window, lambda s: True).params()["W2"][0, 1])
    window.panels["network"].edit_parameter(("W", 2, 0, 1))
    entries(qtbot, window, 1)
    window.hyper_bar.learning_rate.setValue(0.5, emit=True)
    entries(qtbot, window, 2)
    c.play()
    running = latest(qtbot, window, lambda s: s.state == "running" and s.iteration > 5)
    # A setting: undone while training goes on.
    window.undo.undo()
    settled(qtbot, window, lambda cfg: cfg.hyper.learning_rate == 1.2)
    latest(qtbot, window, lambda s: s.state == "running" and s.config.hyper.learning_rate == 1.2
           and s.iteration > running.iteration)
    # A weight: training pauses first (the worker sets weights only while paused).
    window.undo.undo()
    paused = latest(qtbot, window, lambda s: s.state != "running"
                    and s.params()["W2"][0, 1] == old)
    assert paused.generation == running.generation and paused.iteration > running.iteration
    assert window.statusBar().currentMessage().startswith("Training paused to set a weight.")
    # A rebuild undone while running: the network starts again and training goes on.
    window.panels["builder"].layer_rows[0].units.setValue(6)
    entries(qtbot, window, 1)  # the undone entries made way for it
    c.play()
    latest(qtbot, window, lambda s: s.state == "running" and s.iteration > 5)
    window.undo.undo()
    rebuilt = latest(qtbot, window, lambda s: units(s.config) == (4,))
    latest(qtbot, window, lambda s: s.state == "running" and s.generation == rebuilt.generation
           and s.iteration > 5)
    c.pause()


def test_another_session_starts_a_fresh_history(qtbot, window, tmp_path):
    window.hyper_bar.learning_rate.setValue(0.5, emit=True)
    entries(qtbot, window, 1)
    other = TrainingSession(dataclasses.replace(course_default(), network=NetworkSpec(
        hidden_units=(3,), activations=("relu",))))
    other.step(7)
    window.controller.adopt_session(restore_session(session_data(other), tmp_path))
    latest(qtbot, window, lambda s: s.iteration == 7 and units(s.config) == (3,))
    assert window.undo.stack.count() == 0 and not window.undo_action.isEnabled()
    window.panels["builder"].layer_rows[0].units.setValue(5)
    assert entries(qtbot, window, 1) == "hidden units 3 → 5"  # from the adopted settings


def test_describe_names_changes_in_the_course_terms():
    base = SessionConfig(DataSpec(name="flower"), NetworkSpec(hidden_units=(4, 3),
                                                              activations=("tanh", "relu")))
    net = dataclasses.replace(base.network, hidden_units=(4, 8))
    assert describe(base, dataclasses.replace(base, network=net)).text == \
        "hidden units n[2] 3 → 8"
    hyper = dataclasses.replace(base.hyper, batch_size=64, keep_prob=0.8, lambd=0.1)
    change = describe(base, dataclasses.replace(base, hyper=hyper))
    assert change.text == "mini-batch size full batch → 64, L2 λ 0.0 → 0.1 and 1 more setting"
    assert change.key == "" and change.kind == "settings"
    data = base.data.with_params(noise=0.3)
    one = describe(base, dataclasses.replace(base, data=data))
    assert one.text == "noise 0.2 → 0.3" and one.key == "data.noise"  # the default named
    assert describe(base, dataclasses.replace(base, data=base.data.with_params(
        noise=0.2, m=400, seed=1))).text == "settings"  # the defaults written out: no change
    assert describe(base, base.with_course_exact()).text.startswith("course's own draws off → on")
    points = base.data.with_added_point(0.5, 1.25, 1).with_added_point(-2.0, 3.0, 0)
    drawn = dataclasses.replace(base, data=points)
    fewer = dataclasses.replace(base, data=points.without_point(400, 400))  # the first drawn
    assert describe(drawn, fewer).text == "remove the point of class 1 at (0.5, 1.25)"
    assert weight_text("b2", 0, 0.0, -1.5) == "b[2]_1 0.0 → -1.5"
