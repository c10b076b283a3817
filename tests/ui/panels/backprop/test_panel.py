"""Backprop panel: stepping through the graphs, picking an example, the vectorized page and
the 1-D check; what it shows agrees with the engine, computed off the GUI thread."""
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from nnviz.engine.backprop_steps import (example_graph, fmt, node_key, numbers_graph,
                                         scalar_check)
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.panels import panel_spec
from nnviz.ui.panels.backprop import jobs as backprop_jobs
from nnviz.ui.panels.backprop.graph_view import derivative_name
from nnviz.ui.panels.backprop.vectorized_page import MAPS
from nnviz.ui.panels.backprop.panel import BackpropPanel
from nnviz.ui.workspaces import workspace_of
from tests.ui.layout_rules import panel_in_plain_host

TIMEOUT = 20000


def session(hidden=(4,), activations=("tanh",), data="flower", steps=5, **hyper):
    s = TrainingSession(SessionConfig(DataSpec(name=data),
                                      NetworkSpec(hidden_units=hidden, activations=activations),
                                      Hyperparameters(**hyper)))
    s.step(steps)
    return s


@pytest.fixture
def panel(qtbot):
    widget = panel_in_plain_host(qtbot, BackpropPanel, (1200, 700))
    yield widget
    widget.shutdown()
    for page in (widget.numbers, widget.example_page, widget.vectorized):
        assert not page.jobs._thread.isRunning()


def settle(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.busy, timeout=TIMEOUT)


def test_registered_as_a_bottom_dock_beside_the_network_diagram():
    spec = panel_spec("backprop")
    assert workspace_of("backprop").key == "backprop"  # the whole window
    assert spec.load() is BackpropPanel


# -- page 1: J = 3(a + bc) ---------------------------------------------------------------------

def test_numbers_page_steps_forward_then_backward(qtbot, panel):
    page = panel.numbers
    qtbot.waitUntil(lambda: page.graph is not None, timeout=TIMEOUT)
    view = page.view
    assert view.node_texts("a")[1:] == ("5", "") and view.node_texts("J")[1] == "?"
    assert not page.buttons.backward_button.isEnabled()  # derivatives need every value
    for expected in ("6", "11", "33"):
        panel.forward()
        node = page.cursor.k and page.graph.forward_steps[page.cursor.k - 1].node
        assert view.node_texts(node)[1] == expected
    assert "J = 3 v = 3 × 11 = 33" in page.step_text.text()
    assert not page.buttons.forward_button.isEnabled() and page.buttons.backward_button.isEnabled()
    assert all(view.node_texts(k)[2] == "" for k in "abcuvJ")
    for _ in range(6):
        panel.backward()
    assert {k: view.node_texts(k)[2] for k in "abcuvJ"} == {
        "a": "da = 3", "b": "db = 6", "c": "dc = 9", "u": "du = 3", "v": "dv = 3", "J": "dJ = 1"}
    b_to_u = next(i for i, e in enumerate(page.graph.edges) if (e.source, e.target) == ("b", "u"))
    assert view.edge_text(b_to_u) == "3 × 2 = 6"
    assert "dJ/dc = dJ/du · du/dc = 3 × 3 = 9" in page.step_text.text()
    panel.forward()  # at the end: a new forward pass
    assert page.cursor.k == 1 and view.node_texts("a")[2] == "" and view.edge_text(b_to_u) is None
    panel.reset()
    assert page.cursor.k == 0 and view.node_texts("u")[1] == "?"
    assert view.builds == 1  # items made once, updated since


def test_numbers_page_arrow_keys_step_when_the_panel_has_focus(qtbot, panel):
    host = panel.parentWidget()
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    panel.numbers.view.setFocus()
    qtbot.waitUntil(lambda: panel.numbers.graph is not None, timeout=TIMEOUT)
    for _ in range(3):
        qtbot.keyClick(panel.numbers.view, Qt.Key.Key_Right)
    assert panel.numbers.cursor.k == 3
    qtbot.keyClick(panel.numbers.view, Qt.Key.Key_Left)
    assert panel.numbers.cursor.k == 4 and panel.numbers.view.node_texts("J")[2] == "dJ = 1"
    qtbot.keyClick(panel.numbers.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert panel.numbers.cursor.k == panel.numbers.cursor.n
    qtbot.keyClick(panel.numbers.view, Qt.Key.Key_Home)
    assert panel.numbers.cursor.k == 0


def test_numbers_page_inputs_are_editable(qtbot, panel):
    page = panel.numbers
    qtbot.waitUntil(lambda: page.graph is not None, timeout=TIMEOUT)
    page.set_inputs(1.5, -2.0, 0.25)
    qtbot.waitUntil(lambda: page.graph.value("a") == 1.5, timeout=TIMEOUT)
    page.finish()
    expected = numbers_graph(1.5, -2.0, 0.25)
    for n in expected.nodes:
        assert page.view.node_texts(n.key) == (n.label, fmt(n.value), f"d{n.label} = "
                                               f"{fmt(n.derivative)}")
    assert expected.value("J") == 3 * (1.5 + -2.0 * 0.25)


# -- page 2: one example -----------------------------------------------------------------------

def test_show_example_agrees_with_the_engine_and_runs_off_the_gui_thread(qtbot, panel,
                                                                        monkeypatch):
    threads = []
    real = backprop_jobs.example_graph

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(backprop_jobs, "example_graph", recording)
    snap = session().snapshot()
    panel.on_snapshot(snap)
    panel.show_example(7)
    assert panel.tabs.currentWidget() is panel.example_page
    page = panel.example_page
    qtbot.waitUntil(lambda: page.result is not None and page.result.example.index == 7,
                    timeout=TIMEOUT)
    settle(qtbot, panel)
    assert threads and all(t is not threading.main_thread() for t in threads)
    X, Y = snap.data.X_train, snap.data.Y_train
    expected = example_graph(snap.network(np.float64), X, Y, 7)
    assert page.example.value() == 7
    assert page.cursor.k == page.cursor.n  # live: everything filled in
    for n in expected.graph.nodes:
        shown = page.graph.node(n.key)
        assert (shown.value, shown.derivative) == (n.value, n.derivative)
        assert page.view.node_texts(n.key) == (n.label, fmt(n.value),
                                               f"{derivative_name(n.label)} = "
                                               f"{fmt(n.derivative)}")
    assert f"loss L = {expected.loss:.4g}" in page.info.text()
    with pytest.raises(ValueError, match="outside"):
        panel.show_example(snap.data.m_train)


def test_stepping_an_example_holds_it_still_while_training_moves_on(qtbot, panel):
    s = session()
    panel.on_snapshot(s.snapshot())
    panel.show_example(3)
    page = panel.example_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=TIMEOUT)
    settle(qtbot, panel)
    assert panel.live.isChecked()
    panel.backward()  # from "everything shown": the backward pass again, one node at a time
    assert not panel.live.isChecked()
    F = len(page.graph.forward_steps)
    assert page.cursor.k == F + 1 and page.view.node_texts("loss")[2] == "dL = 1"
    assert page.view.node_texts(node_key("z", 1, 0))[2] == ""
    panel.forward()  # the values are all in: nothing to do mid-way through the backward pass
    assert page.cursor.k == F + 1 and not page.buttons.forward_button.isEnabled()
    panel.reset()
    panel.forward()
    assert page.cursor.k == 1 and page.view.node_texts("loss")[1] == "?"
    held = page.result.iteration
    s.step(20)
    panel.on_snapshot(s.snapshot())
    settle(qtbot, panel)
    assert page.result.iteration == held and page.cursor.k == 1
    assert "held at iteration" in panel.held.text() and "moved on" in panel.held.text()
    panel.live.setChecked(True)
    qtbot.waitUntil(lambda: page.result.iteration == s.snapshot().iteration, timeout=TIMEOUT)
    assert page.cursor.k == page.cursor.n and panel.held.text() == ""
    assert page.view.builds == 1


def test_a_network_too_big_to_draw_is_followed_through_chosen_units(qtbot, panel):
    snap = session(hidden=(20, 3), activations=("relu", "tanh")).snapshot()
    panel.on_snapshot(snap)
    panel.show_example(0)
    page = panel.example_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=TIMEOUT)
    settle(qtbot, panel)
    assert page.result.example.reduced and not page.units_row.isHidden()
    assert len(page.unit_spins) == 4
    page.unit_spins[1].setValue(13)  # counted from 1: unit 12 of layer 1
    qtbot.waitUntil(lambda: page.result.example.shown_units[1] == (12,), timeout=TIMEOUT)
    expected = example_graph(snap.network(np.float64), snap.data.X_train, snap.data.Y_train, 0,
                             units=[0, 12, 0, 0])
    key = node_key("z", 1, 12)
    assert page.graph.node(key).derivative == expected.graph.node(key).derivative
    assert page.view.node_texts(key)[0] == "z[1]_13"


# -- page 3: vectorized ------------------------------------------------------------------------

def test_vectorized_page_steps_from_L_back_to_1_with_the_engines_gradients(qtbot, panel):
    s = session(hidden=(5, 3), activations=("relu", "tanh"), lambd=0.3)
    snap = s.snapshot()
    panel.on_snapshot(snap)
    panel._host.show()  # the maps are made when the page is shown
    panel.tabs.setCurrentWidget(panel.vectorized)
    page = panel.vectorized
    qtbot.waitUntil(lambda: page.result is not None, timeout=TIMEOUT)
    settle(qtbot, panel)
    net = snap.network(np.float64)
    _, _, grads = net.gradients(snap.data.X_train, snap.data.Y_train, lambd=0.3)
    seen = []
    for step in range(net.L):
        layer = page.layer
        seen.append(layer)
        shown = page.result.steps[page.position_index]
        np.testing.assert_allclose(shown.dW, grads[f"dW{layer}"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(shown.db, grads[f"db{layer}"], rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(page.images["dW"].image, shown.dW)
        assert f"dW[{layer}] = (1/m) dZ[{layer}]" in page.equations.text()
        assert f"({net.layer_dims[layer]}, {net.layer_dims[layer - 1]}) = " in \
            page.equations.text()
        assert page.result.agreement[page.position_index] < 1e-12
        if step < net.L - 1:
            panel.backward()
    assert seen == [3, 2, 1] and not page.backward_button.isEnabled()
    assert not panel.live.isChecked()  # stepping holds the page still
    panel.forward()
    assert page.layer == 2
    with qtbot.waitSignal(panel.gradient_check_requested, timeout=TIMEOUT):
        page.check_button.click()


# -- the gradient-check inspector's 1-D example -------------------------------------------------

def test_gradient_check_inspector_offers_the_notebooks_1d_check(qtbot):
    from nnviz.ui.panels.gradient_check.panel import GradientCheckPanel

    host = QWidget()
    qtbot.addWidget(host)
    inspector = GradientCheckPanel(parent=host)
    try:
        inspector.set_source("scalar")
        assert inspector.source.currentData() == "scalar"
        inspector.run_check()
        qtbot.waitUntil(lambda: inspector.scalar_outcome is not None and not inspector.busy,
                        timeout=TIMEOUT)
        expected = scalar_check(eps=inspector.eps.value())
        assert inspector.scalar_outcome == expected
        shown = inspector.explanation.toPlainText()
        assert repr(expected.two_sided) in shown and repr(expected.one_sided) in shown
        assert f"{expected.difference_two_sided:.2e}" in inspector.verdict.text()
    finally:
        inspector.shutdown()


# -- in the main window --------------------------------------------------------------------------

def test_in_the_window_arrows_step_the_panel_only_while_it_has_focus(qtbot, isolated_settings):
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings

    keys = ("builder", "training", "network", "gradient_check", "backprop")
    window = MainWindow(settings=open_settings(isolated_settings),
                        panels=[panel_spec(k) for k in keys])
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.controller.latest is not None, timeout=TIMEOUT)
        window.show_panel("backprop")
        panel = window.panels["backprop"]
        qtbot.waitUntil(lambda: panel.numbers.graph is not None, timeout=TIMEOUT)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
        start = window.controller.latest.iteration
        panel.numbers.view.setFocus()
        qtbot.keyClick(panel.numbers.view, Qt.Key.Key_Right)
        qtbot.keyClick(panel.numbers.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        assert panel.numbers.cursor.k == 3  # one value, then all of them
        qtbot.wait(300)
        assert window.controller.latest.iteration == start  # the training did not step
        window.setFocus()
        qtbot.keyClick(window, Qt.Key.Key_Right)  # elsewhere, → is the training's step
        qtbot.waitUntil(lambda: window.controller.latest.iteration == start + 1,
                        timeout=TIMEOUT)
        assert panel.numbers.cursor.k == 3
        # The vectorized page's button brings the gradient-check inspector to the front.
        panel.tabs.setCurrentWidget(panel.vectorized)
        qtbot.waitUntil(lambda: panel.vectorized.result is not None, timeout=TIMEOUT)
        panel.vectorized.check_button.click()
        qtbot.waitUntil(lambda: window._visible.get("gradient_check")
                        and not window._visible.get("backprop"), timeout=TIMEOUT)
    finally:
        window.close()


def test_an_example_beyond_new_data_falls_back_to_the_last_one():
    small = session(data="xor", steps=1).snapshot()
    result = backprop_jobs.run_example(small, 10 ** 6, [0, 5, 0])
    assert result.example.index == small.data.m_train - 1 and not result.example.reduced


def test_ctrl_click_on_a_point_of_the_boundary_plot_follows_it_in_the_panel(qtbot,
                                                                           isolated_settings):
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings

    keys = ("builder", "training", "network", "backprop")
    window = MainWindow(settings=open_settings(isolated_settings),
                        panels=[panel_spec(k) for k in keys])
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.controller.latest is not None, timeout=TIMEOUT)
        window.show_panel("backprop")
        training, panel = window.panels["training"], window.panels["backprop"]
        box = training.boundary_box
        qtbot.waitUntil(lambda: box._snapshot is not None, timeout=TIMEOUT)
        X = window.controller.latest.data.X_train_raw
        target = 11
        box.plot.example_requested.emit(float(X[0, target]), float(X[1, target]))
        page = panel.example_page
        qtbot.waitUntil(lambda: page.result is not None and page.result.example.index == target,
                        timeout=TIMEOUT)
        assert panel.tabs.currentWidget() is page
    finally:
        window.close()


def test_vectorized_maps_are_made_when_the_page_is_first_shown(qtbot, panel):
    # Ten plot items the learner may never open: none of them costs start-up time.
    page = panel.vectorized
    panel.on_snapshot(session(hidden=(3,)).snapshot())
    panel._host.show()
    assert panel.tabs.currentWidget() is not page
    assert page.plots == {} and page.images == {} and page.key is None
    panel.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.result is not None, timeout=TIMEOUT)
    settle(qtbot, panel)
    assert [name for name, _title in MAPS] == list(page.plots)
    step = page.result.steps[page.position_index]
    np.testing.assert_array_equal(page.images["dZ"].image, step.dZ)  # drawn once made
    assert page.key.text  # the key to the maps is there too
