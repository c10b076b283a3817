"""Gradient-check inspector panel: it must catch and locate real backprop errors, run off the
GUI thread, cancel promptly and show what the mathematics says."""
import threading

import numpy as np
import pytest
from PySide6.QtCore import QThread, Qt
from PySide6.QtWidgets import QApplication

from nnviz.engine.gradient_check import course_exercise
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.figures import export_figure
from nnviz.ui.panels import PANELS, panel_spec
from nnviz.ui.panels.gradient_check.panel import jobs as jobs
from nnviz.ui.panels.gradient_check.panel import GradientCheckPanel
from nnviz.ui.panels.gradient_check.model import (ANALYTIC, KINK, NUMERICAL, PARAMETER,
                                                  RELATIVE)
from nnviz.ui.theme import DARK, LIGHT

from tests.engine.numerical import numerical_gradient
from tests.ui.layout_rules import panel_in_plain_host

TIMEOUT = 20000


@pytest.fixture
def panel(qtbot):
    """The panel in a plain, not shown host, as a dock holds it; its job threads are shut
    down after the test."""
    widget = panel_in_plain_host(qtbot, GradientCheckPanel, (1400, 850))
    yield widget
    widget.shutdown()
    assert not widget.jobs._thread.isRunning() and not widget.sweep_jobs._thread.isRunning()


def run(qtbot, panel, source="course", bug=None, mode="full", **controls):
    panel.set_source(source)
    panel.set_planted_bug(bug)
    panel.set_mode(mode)
    for name, value in controls.items():
        getattr(panel, name).setValue(value)
    before = panel.outcome
    panel.run_check()
    qtbot.waitUntil(lambda: not panel.busy and panel.outcome is not before, timeout=TIMEOUT)
    return panel.outcome


def show_heat_maps(qtbot, panel):
    panel.parentWidget().show()
    panel.where_tabs.setCurrentWidget(panel.heatmaps)
    qtbot.waitUntil(lambda: panel.heatmaps._classes is not None, timeout=TIMEOUT)


def rows(panel, column, role=Qt.ItemDataRole.UserRole):
    model = panel.model
    return [model.data(model.index(r, column), role) for r in range(model.rowCount())]


def tensor_of(label):
    return label.split("[")[0]


def course_true_gradient():
    """∂J/∂θ of the course exercise from two-sided differences of J (the plain loop)."""
    net, X, Y = course_exercise()
    return numerical_gradient(lambda: net.cost(X, Y), net.theta, eps=1e-6), net


def flower_snapshot(steps=5, **hyper):
    session = TrainingSession(SessionConfig(DataSpec(name="flower"), NetworkSpec(),
                                            Hyperparameters(**hyper)))
    session.step(steps)
    return session.snapshot()


# -- the course exercise ---------------------------------------------------------------------
def test_course_bugs_are_caught_and_located_in_dW2_and_db1(qtbot, panel):
    outcome = run(qtbot, panel, bug="course")
    assert outcome.verdict == "bug"
    assert "Bug" in panel.verdict.text() and LIGHT.bad in panel.verdict.text()
    assert panel.banner.isVisibleTo(panel) and "planted bug" in panel.banner.text().lower()

    # The per-tensor bars: the two tallest are dW2 and db1, both red; the rest are tiny.
    bars = panel.tensor_bars
    assert bars.names == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    tallest = {bars.names[i] for i in np.argsort(bars.differences)[-2:]}
    assert tallest == {"dW2", "db1"}
    for name, diff, status in zip(bars.names, bars.differences, bars.statuses):
        if name in ("dW2", "db1"):
            assert diff > 0.1 and status == "bug"
        else:
            assert diff < 2e-7 and status == "pass"
    # dW2 doubled: ||2g - g|| / (||2g|| + ||g||) = 1/3; db1 x4: 3/5.
    assert bars.differences[bars.names.index("dW2")] == pytest.approx(1 / 3, rel=1e-6)
    assert bars.differences[bars.names.index("db1")] == pytest.approx(3 / 5, rel=1e-6)

    # The summary tree says the same, per layer and per tensor.
    statuses = panel.summary.tensor_statuses()
    assert statuses == {"dW1": "Good", "db1": "Bug", "dW2": "Bug", "db2": "Good",
                        "dW3": "Good", "db3": "Good"}

    # The table's worst rows are the wrong elements, and the numbers are the mathematics:
    # numerical = the true gradient, analytic = 2x (dW2) or 4x (db1) of it.
    true, net = course_true_gradient()
    labels = rows(panel, PARAMETER, Qt.ItemDataRole.DisplayRole)
    flat = rows(panel, PARAMETER)
    wrong = [k for k in range(net.n_params) if abs(true[k]) > 1e-9 and
             tensor_of(outcome.result.label(k)) in ("dW2", "db1")]
    first = labels[:len(wrong)]
    assert {tensor_of(label) for label in first} == {"dW2", "db1"}
    assert sorted(flat[:len(wrong)]) == sorted(wrong)
    for r, k in enumerate(flat[:len(wrong)]):
        factor = 2.0 if labels[r].startswith("dW2") else 4.0
        assert rows(panel, ANALYTIC)[r] == pytest.approx(factor * true[k], rel=1e-6)
        assert rows(panel, NUMERICAL)[r] == pytest.approx(true[k], rel=1e-6, abs=1e-9)
    assert all(rel < 1e-6 for rel in rows(panel, RELATIVE)[len(wrong):])
    # The heat map (drawn when its tab is first on screen) paints W2 red (class 3) and
    # leaves W1 green.
    assert panel.heatmaps._classes is None
    show_heat_maps(qtbot, panel)
    classes = panel.heatmaps._classes
    assert len(panel.heatmaps._images) == 3
    W2 = next(t for t in outcome.result.layout if t.name == "W2")
    W1 = next(t for t in outcome.result.layout if t.name == "W1")
    nonzero = np.abs(true[W2.start:W2.stop]) > 1e-9
    assert np.all(classes[W2.start:W2.stop][nonzero] == 3)
    assert np.all(classes[W1.start:W1.stop] == 0)


def test_correct_backprop_is_good_and_matches_the_mathematics(qtbot, panel):
    outcome = run(qtbot, panel)
    assert outcome.verdict == "pass" and outcome.difference < 2e-7
    assert "Good" in panel.verdict.text() and LIGHT.good in panel.verdict.text()
    shown = float(panel.verdict.text().split("difference = <b>")[1].split("<")[0])
    assert shown < 2e-7
    assert not panel.banner.isVisibleTo(panel)
    true, net = course_true_gradient()
    model = panel.model
    assert model.rowCount() == outcome.result.n_checked == 47
    for r in range(model.rowCount()):
        k = model.flat_index(r)
        assert rows(panel, NUMERICAL)[r] == pytest.approx(true[k], rel=1e-5, abs=1e-8)
        assert rows(panel, ANALYTIC)[r] == pytest.approx(true[k], rel=1e-5, abs=1e-8)
    assert max(panel.tensor_bars.differences) < 2e-7
    assert "Dropout: no dropout" in panel.explanation.toPlainText()
    assert "λ = 0" in panel.explanation.toPlainText()
    assert "kink" in panel.explanation.toPlainText().lower()  # ReLU network: kinks explained


def test_table_rows_are_the_checked_parameters_and_sort(qtbot, panel):
    # db1 x4: 4 of db1's 5 elements are non-zero, so 2 random ones include a wrong one
    outcome = run(qtbot, panel, bug="db1 x4", mode="random", per_tensor=2)
    expected = sum(min(2, t.size) for t in outcome.result.layout)  # db3 has one element
    assert panel.model.rowCount() == outcome.result.n_checked == expected == 11
    assert f"{expected} rows" in panel.table_caption.text()

    panel.table.sortByColumn(PARAMETER, Qt.SortOrder.AscendingOrder)
    flat = rows(panel, PARAMETER)
    assert flat == sorted(flat) and set(flat) == set(np.flatnonzero(outcome.result.checked))
    panel.table.sortByColumn(ANALYTIC, Qt.SortOrder.AscendingOrder)
    values = rows(panel, ANALYTIC)
    assert values == sorted(values)
    panel.table.sortByColumn(NUMERICAL, Qt.SortOrder.DescendingOrder)
    values = rows(panel, NUMERICAL)
    assert values == sorted(values, reverse=True)
    panel.table.sortByColumn(RELATIVE, Qt.SortOrder.DescendingOrder)
    errors = rows(panel, RELATIVE)
    labels = rows(panel, PARAMETER, Qt.ItemDataRole.DisplayRole)
    assert tensor_of(labels[0]) == "db1" and errors[0] == pytest.approx(0.75, rel=1e-6)
    judged = [e for r, e in enumerate(errors)
              if not outcome.result.within_noise[panel.model.flat_index(r)]]
    assert judged == sorted(judged, reverse=True)
    panel.table.sortByColumn(RELATIVE, Qt.SortOrder.AscendingOrder)
    assert rows(panel, RELATIVE)[-1] == pytest.approx(0.75, rel=1e-6)
    panel.table.sortByColumn(KINK, Qt.SortOrder.DescendingOrder)
    kinks = rows(panel, KINK)
    assert kinks == sorted(kinks, reverse=True)

    # A tensor filter (clicking a bar or a summary row) lists that tensor only.
    panel.tensor_bars.tensor_clicked.emit("db1")
    assert panel.model.rowCount() == 2
    assert {tensor_of(l) for l in rows(panel, PARAMETER, Qt.ItemDataRole.DisplayRole)} == {"db1"}
    panel.table_filter.setCurrentIndex(0)
    assert panel.model.rowCount() == expected


def test_one_layer_mode_checks_only_that_layer(qtbot, panel):
    outcome = run(qtbot, panel, bug="course", mode="layer", layer=2)
    checked = {tensor_of(outcome.result.label(k)) for k in np.flatnonzero(outcome.result.checked)}
    assert checked == {"dW2", "db2"}
    assert panel.model.rowCount() == 18
    assert outcome.verdict == "bug"
    assert {t.name for t in outcome.result.tensors if t.status == "bug"} == {"dW2"}


def test_directional_check_fails_on_a_bug_and_explains_it(qtbot, panel):
    outcome = run(qtbot, panel, bug="course", mode="directional")
    assert outcome.directional is not None and outcome.verdict == "bug"
    assert outcome.result is not None  # the element-wise explanation
    assert {"dW2", "db1"} <= {t.name for t in outcome.result.tensors if t.status == "bug"}
    assert "directional difference" in panel.verdict.text()
    assert panel.model.rowCount() == outcome.result.n_checked
    outcome = run(qtbot, panel, bug=None, mode="directional")
    assert outcome.verdict == "pass" and outcome.result is None
    assert panel.model.rowCount() == 0
    assert panel.summary.topLevelItemCount() == outcome.directional.analytic.size


# -- the current network ---------------------------------------------------------------------
def test_current_network_with_l2_and_dropout(qtbot, panel):
    snapshot = flower_snapshot(lambd=0.7, keep_prob=0.8)
    panel.on_snapshot(snapshot)
    panel.examples.setValue(24)
    panel.set_source("network")
    panel.check_without_dropout()  # with dropout on, the check runs with keep_prob = 1
    qtbot.waitUntil(lambda: not panel.busy and panel.outcome is not None, timeout=TIMEOUT)
    outcome = panel.outcome
    assert outcome.verdict == "pass" and outcome.difference < 2e-7
    assert outcome.result.n_checked == snapshot.n_params == 17
    assert outcome.setup.net.dtype == np.float64 and outcome.setup.X.shape == (2, 24)
    np.testing.assert_array_equal(outcome.setup.net.theta, snapshot.theta)
    # The examples are training columns as the network sees them.
    X = np.asarray(snapshot.data.X_train)
    for column in outcome.setup.X.T:
        assert np.any(np.all(X.T == column, axis=1))
    # J includes the L2 term: the numerical column is ∂/∂θ of J + (λ/2m) Σ||W||².
    net = snapshot.network(np.float64)
    X, Y = outcome.setup.X, outcome.setup.Y
    true = numerical_gradient(lambda: net.cost(X, Y, lambd=0.7), net.theta)
    k = panel.model.flat_index(0)
    assert rows(panel, NUMERICAL)[0] == pytest.approx(true[k], rel=1e-5, abs=1e-8)
    text = panel.explanation.toPlainText()
    assert "L2 included" in text and "λ = 0.7" in text
    assert "dropout switched off" in text and "24 of 320 training examples" in text

    # A newer snapshot makes the result stale.
    panel.on_snapshot(flower_snapshot(steps=9))
    assert "run again" in panel.verdict.text()


def test_first_shown_checks_a_small_network_at_once(qtbot, panel):
    snapshot = flower_snapshot()
    panel.on_snapshot(snapshot)  # hidden: nothing runs
    assert not panel.busy and panel.outcome is None
    panel.parentWidget().show()
    panel.on_snapshot(snapshot)
    qtbot.waitUntil(lambda: panel.outcome is not None and not panel.busy, timeout=TIMEOUT)
    assert panel.outcome.verdict == "pass" and panel.outcome.request.source == "network"
    before = panel.outcome
    panel.on_snapshot(flower_snapshot(steps=6))  # only the first time
    assert not panel.busy and panel.outcome is before


def test_whole_theta_sweep_has_slopes_one_and_two(qtbot, panel):
    panel.on_snapshot(flower_snapshot(steps=50))
    run(qtbot, panel, source="network")
    panel.sweep_all.setChecked(True)
    qtbot.waitUntil(lambda: panel.eps_plot.sweep is not None
                    and panel.eps_plot.sweep.target == "all parameters", timeout=TIMEOUT)
    sweep = panel.eps_plot.sweep
    assert sweep.indices.size == 17
    # tanh and a sigmoid output: J is smooth, the textbook picture
    assert 0.9 < sweep.one_sided_slope < 1.1 and 1.8 < sweep.two_sided_slope < 2.2


def test_without_a_network_the_panel_says_what_to_do(qtbot, panel):
    panel.set_source("network")
    panel.run_check()
    assert not panel.busy and panel.outcome is None
    assert "No network yet" in panel.status.text()


def test_bug_choices_fit_the_network(qtbot, panel):
    logistic = TrainingSession(SessionConfig(DataSpec(name="flower"),
                                             NetworkSpec(hidden_units=(), activations=())))
    panel.on_snapshot(logistic.snapshot())
    panel.set_source("network")
    choices = [panel.bug.itemData(i) for i in range(panel.bug.count())]
    assert choices[0] is None and set(choices[1:]) == {"dW1 halved", "db1 x4",
                                                   "dW1 missing 1/m"}
    with pytest.raises(ValueError, match="no planted bug"):
        panel.set_planted_bug("dW2 doubled")
    panel.set_source("course")
    assert panel.bug.findData("course") >= 0 and panel.layer.maximum() == 3


# -- threads, progress and cancel ------------------------------------------------------------
def test_the_check_runs_off_the_gui_thread(qtbot, panel, monkeypatch):
    seen = []
    original = jobs.gradient_check

    def spy(*args, **kwargs):
        seen.append((threading.get_ident(), QThread.currentThread()))
        return original(*args, **kwargs)

    monkeypatch.setattr(jobs, "gradient_check", spy)
    run(qtbot, panel, bug="course")
    gui = QApplication.instance().thread()
    assert len(seen) == 1
    assert seen[0][0] != threading.main_thread().ident and seen[0][1] is not gui


def test_cancel_stops_a_long_check_and_returns_to_idle(qtbot, panel):
    session = TrainingSession(SessionConfig(
        DataSpec(name="flower"), NetworkSpec(hidden_units=(200, 200, 200),
                                             activations=("tanh",) * 3, init="xavier"),
        Hyperparameters(learning_rate=0.1)))
    panel.on_snapshot(session.snapshot())
    panel.set_source("network")
    panel.examples.setValue(0)  # all 320 examples, 81,201 parameters: minutes of work
    panel.run_check()
    assert panel.busy and not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: "evaluations of J" in panel.status.text(), timeout=TIMEOUT)
    assert panel.progress.value() < 900
    host = panel.parentWidget()
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Escape)  # Esc anywhere in the panel cancels
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert panel.status.text() == "Cancelled."
    assert panel.outcome is None
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert not panel.progress.isVisibleTo(panel) and panel.source.isEnabled()
    # Idle again: the next check runs normally.
    run(qtbot, panel, bug="course")
    assert panel.outcome.verdict == "bug"


# -- selection and error against eps ---------------------------------------------------------
def test_selecting_a_parameter_marks_it_and_sweeps_eps(qtbot, panel):
    outcome = run(qtbot, panel)
    # the largest gradient of W3: after the last ReLU, J is smooth in it
    W3 = outcome.result.layout[4]
    k = W3.start + int(np.argmax(np.abs(outcome.result.analytic[W3.start:W3.stop])))
    label = outcome.result.label(k)
    panel.select_parameter(k)
    assert panel.model.flat_index(panel.table.currentIndex().row()) == k
    x, y = panel.scatter.selected.getData()
    assert x[0] == pytest.approx(outcome.result.numeric[k]) and \
        y[0] == pytest.approx(outcome.result.analytic[k])
    qtbot.waitUntil(lambda: panel.eps_plot.sweep is not None
                    and panel.eps_plot.sweep.target == label, timeout=TIMEOUT)
    sweep = panel.eps_plot.sweep
    # One-sided error ∝ eps, two-sided ∝ eps²; then round-off takes over at tiny eps.
    assert 0.8 < sweep.one_sided_slope < 1.2 and 1.7 < sweep.two_sided_slope < 2.3
    assert 1e-7 <= sweep.best_eps_two_sided <= 1e-3
    curve = panel.eps_plot.two_sided
    err = curve.yData  # getData() gives log10 of it on log axes
    np.testing.assert_allclose(err, sweep.two_sided_error[sweep.two_sided_error > 0])
    assert err[-1] > err.min() * 10  # the smallest eps is dominated by round-off
    caption = panel.eps_plot.caption.text()
    assert f"slope <b>{sweep.one_sided_slope:.2f}</b>" in caption
    assert f"slope <b>{sweep.two_sided_slope:.2f}</b>" in caption
    assert not panel.eps_plot.bug_line.isVisible()


def test_eps_plot_shows_a_planted_bug_as_a_flat_error(qtbot, panel):
    outcome = run(qtbot, panel, bug="dW2 doubled")
    k = panel.model.flat_index(0)  # the worst: an element of dW2
    assert outcome.result.label(k).startswith("dW2")
    qtbot.waitUntil(lambda: panel.eps_plot.sweep is not None
                    and panel.eps_plot.sweep.target == outcome.result.label(k), timeout=TIMEOUT)
    # analytic = 2 g, numerical = g: |2g - g| / (|2g| + |g|) = 1/3 at every eps
    assert panel.eps_plot.bug_line.isVisible()
    assert 10 ** panel.eps_plot.bug_line.value() == pytest.approx(1 / 3, rel=1e-5)
    assert "Planted bug" in panel.eps_plot.caption.text()


def test_heat_map_click_selects_the_parameter(qtbot, panel):
    outcome = run(qtbot, panel, bug="course")
    show_heat_maps(qtbot, panel)
    b1 = next(t for t in outcome.result.layout if t.name == "b1")
    panel.heatmaps.parameter_clicked.emit(b1.start + 2)
    assert panel.model.flat_index(panel.table.currentIndex().row()) == b1.start + 2
    frame_x, frame_y = panel.heatmaps._frames[0].getData()
    W1 = outcome.result.layout[0]
    # cells are centred on integers: the b column is x = n[0] + 1, row 2 is y = 2
    assert frame_x.min() == W1.shape[1] + 0.5 and frame_y.min() == 1.5


# -- look, registry, main window -------------------------------------------------------------
def test_every_control_has_a_tooltip(panel):
    for widget in (panel.source, panel.examples, panel.mode, panel.layer, panel.per_tensor,
                   panel.directions, panel.eps, panel.bug, panel.run_button,
                   panel.cancel_button, panel.verdict, panel.summary, panel.table,
                   panel.table_filter, panel.sweep_all, panel.tensor_bars.plot,
                   panel.scatter.plot, panel.eps_plot.plot, panel.heatmaps):
        assert len(widget.toolTip()) > 20, widget
    tip = panel.verdict.toolTip()
    assert "1e-7" in tip and "1e-5" in tip and "1e-3" in tip and "2e-7" in tip


def test_eps_box_steps_by_decades_and_is_used(qtbot, panel):
    assert panel.eps.value() == pytest.approx(1e-7)
    panel.eps.stepBy(1)
    assert panel.eps.value() == pytest.approx(1e-6)
    panel.eps.lineEdit().setText("3e-5")
    panel.eps.interpretText()
    assert panel.request().eps == pytest.approx(3e-5)
    outcome = run(qtbot, panel)
    assert outcome.result.eps == pytest.approx(3e-5)


def test_dark_theme_and_figures(qtbot, panel, tmp_path):
    assert "heat_maps" not in panel.figures()  # nothing checked yet
    run(qtbot, panel, bug="course")
    panel.on_theme(DARK)
    assert DARK.bad in panel.verdict.text()
    assert panel.tensor_bars.plot.backgroundBrush().color().name() == DARK.background
    figures = panel.figures()
    assert set(figures) == {"per_tensor", "analytic_vs_numerical", "error_vs_eps", "heat_maps"}
    for name, item in figures.items():  # as File > Export figures writes them
        for suffix in (".png", ".svg"):
            export_figure(item, tmp_path / f"{name}{suffix}")
            assert (tmp_path / f"{name}{suffix}").stat().st_size > 1000


def test_registered_as_a_panel():
    spec = panel_spec("gradient_check")
    assert spec.load() is GradientCheckPanel
    assert sum(s.key == "gradient_check" for s in PANELS) == 1


def test_in_the_main_window(qtbot, isolated_settings):
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings

    window = MainWindow(settings=open_settings(isolated_settings))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.latest is not None, timeout=TIMEOUT)
    panel = window.panels["gradient_check"]
    panel.set_source("network")
    panel.run_check()
    qtbot.waitUntil(lambda: panel.outcome is not None and not panel.busy, timeout=TIMEOUT)
    assert panel.outcome.verdict == "pass"
    assert panel.outcome.result.n_checked == window.controller.latest.n_params
    window.close()
    assert not panel.jobs._thread.isRunning() and not panel.sweep_jobs._thread.isRunning()
