"""The Experiments menu and panel as a user drives them (offscreen)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.experiments import EXPERIMENTS, Sweep, get_experiment
from nnviz.experiments.results import BarPlot, BoundaryPlot, CurvePlot, HeatmapPlot
from nnviz.training.config import course_default
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.panels.experiments.plots import BarView, BoundaryGridView, HeatmapView
from nnviz.ui.panels.experiments.view import arrange
from nnviz.ui.settings import open_settings

TIMEOUT = 30000
PANELS = ("builder", "training", "experiments")


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(settings=open_settings(isolated_settings),
                   panels=[panel_spec(k) for k in PANELS])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    yield w
    w.close()


@pytest.fixture
def panel(window, tmp_path):
    built = window.panels["experiments"]
    built.prediction.progress_folder = tmp_path  # never the learner's own progress file
    return built


def skip_question(qtbot, panel):
    """A lesson opens with its question: "Just show me", then Run."""
    card = panel.prediction.card
    assert not card.run_button.isEnabled()
    qtbot.mouseClick(card.skip_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.run_button, Qt.MouseButton.LeftButton)


def wait_result(qtbot, panel, timeout=TIMEOUT):
    qtbot.waitUntil(lambda: panel.result is not None and not panel.busy, timeout=timeout)
    return panel.result


def test_menu_lists_the_ten_experiments_in_order(window):
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "Training", "View", "Experiments", "Help"]
    texts = [a.text() for a in window.experiments_menu.actions() if a.text()]
    lessons = [t for t in texts if t[:1].isdigit()]
    assert lessons == [f"{e.number}. {e.title}" for e in EXPERIMENTS.values()]
    assert len(lessons) == len(EXPERIMENTS) == 15
    for e in EXPERIMENTS.values():  # each says in a line what it shows
        assert window.experiment_actions[e.key].statusTip() == e.summary
    assert {"Start page", "Compare settings…", "Pin current run", "Cancel experiment"} <= set(texts)


def test_start_page_runs_a_lesson_in_one_click_and_shows_its_table(qtbot, window, panel):
    assert panel.stack.currentIndex() == 0
    button = panel.lesson_buttons["gradient_checking"]
    assert button.description() == EXPERIMENTS["gradient_checking"].summary
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert panel.stack.currentIndex() == 1  # the result page at once, with the question
    assert panel.prediction.isVisibleTo(panel) and not panel.busy
    skip_question(qtbot, panel)
    result = wait_result(qtbot, panel)
    rows = panel.view.table.texts()
    assert [r[0] for r in rows] == ["dW1", "db1", "dW2", "db2", "dW3", "db3", "all 47"]
    verdicts = {r[0]: r[3] for r in rows}
    assert verdicts["dW2"] == "bug" and verdicts["db1"] == "bug" and verdicts["dW1"] == "pass"
    assert rows[-1][5] == "pass"  # bugs removed: the whole network passes
    assert "0.285" in panel.view.conclusion.text()
    assert len(panel.view.views) == len(result.plots)
    bars = [card.view for card in panel.view.views if isinstance(card.view, BarView)]
    assert len(bars) == 2 and bars[0].threshold_line is not None
    assert panel.figures()  # File > Export figures gets the result's plots


def test_menu_action_runs_an_experiment(qtbot, window, panel):
    window.experiment_actions["learning_rate"].trigger()
    skip_question(qtbot, panel)
    result = wait_result(qtbot, panel)
    assert result.key == "learning_rate"
    outcomes = [r[-1] for r in panel.view.table.texts()]
    assert outcomes[-1].startswith("diverged at iteration")
    assert window.workspaces.current_key == "lessons"  # the lesson is shown, whole window


def test_cancel_stops_a_running_experiment(qtbot, window, panel):
    progress = []
    panel.runner.progress.connect(lambda tag, f, text: progress.append(f))
    panel.run_experiment("init_schemes")  # ~10 s: plenty of time to cancel
    qtbot.waitUntil(lambda: len(progress) > 2, timeout=TIMEOUT)
    assert panel.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=TIMEOUT):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=TIMEOUT)
    assert panel.result is None
    assert "Cancelled" in panel.view.conclusion.text()
    assert not panel.cancel_button.isEnabled() and panel.rerun_button.isEnabled()
    assert max(progress) < 1.0


def test_closing_while_an_experiment_runs_exits_cleanly(qtbot, isolated_settings):
    w = MainWindow(settings=open_settings(isolated_settings),
                   panels=[panel_spec(k) for k in PANELS])
    qtbot.addWidget(w)
    w.show()
    panel = w.panels["experiments"]
    progress = []
    panel.runner.progress.connect(lambda tag, f, text: progress.append(f))
    panel.run_experiment("hidden_units")
    qtbot.waitUntil(lambda: len(progress) > 1, timeout=TIMEOUT)
    assert panel.busy
    w.close()  # shutdown cancels the experiment and waits for its thread
    assert panel.runner._thread.isFinished()
    assert not w.controller.is_running


def test_gui_stays_responsive_while_an_experiment_runs(qtbot, window, panel):
    ticks = []
    from PySide6.QtCore import QTimer
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    panel.run_experiment("symmetry")
    wait_result(qtbot, panel)
    timer.stop()
    # the GUI thread kept serving its timer while the job trained on its own thread
    assert len(ticks) >= 5


def test_pinned_runs_are_overlaid_on_the_training_panel_and_labelled(qtbot, window, panel):
    c = window.controller
    c.step(40)
    qtbot.waitUntil(lambda: c.latest.iteration == 40, timeout=TIMEOUT)
    first = panel.pin_current_run()
    assert first is not None
    config = dataclasses.replace(c.requested_config, network=dataclasses.replace(
        c.requested_config.network, init="he"))
    c.apply_config(config)
    qtbot.waitUntil(lambda: c.config.network.init == "he" and c.latest.generation > 1
                    and c.latest.config.network.init == "he", timeout=TIMEOUT)
    c.step(20)
    qtbot.waitUntil(lambda: c.latest.iteration == 20 and c.latest.config.network.init == "he",
                    timeout=TIMEOUT)
    panel.pin_current_run()
    labels = [p.label for p in panel.pins]
    # labelled by what differs between them (and the current settings), with the iteration
    assert labels == ["init: random x0.01 @ 40", "init: He @ 20"]
    overlay = panel.pin_overlay
    assert overlay is not None and len(overlay.items) == 2
    cost_item, metric_item = overlay.items[0]
    x, y = cost_item.getData()
    assert x[-1] == 40 and np.allclose(y, first.train_cost)
    legend = window.panels["training"].cost_plot.getPlotItem().legend
    names = [label.text for _, label in legend.items]
    assert "pinned: init: random x0.01 @ 40" in names
    panel.show_pins()
    assert [r[0] for r in panel.view.table.texts()] == labels
    panel.clear_pins()
    assert overlay.items == [] and not panel.show_pins_button.isEnabled()


def test_sweep_runs_side_by_side_and_tabulates_final_numbers(qtbot, window, panel):
    base = window.controller.requested_config
    panel.run_sweep(Sweep(base, "init", ("zeros", "he"), iterations=50))
    result = wait_result(qtbot, panel)
    rows = panel.view.table.texts()
    assert [r[0] for r in rows] == ["init: zeros", "init: He"]
    assert rows[0][-1] == "stuck (gradient = 0)"
    assert result.runs[0].config.data == base.data  # same data and seed for every run
    assert result.runs[1].config.network.seed == base.network.seed


def test_open_in_the_app_loads_the_lesson_settings(qtbot, window, panel):
    panel.run_experiment("learning_rate")
    wait_result(qtbot, panel)
    assert panel.open_button.isEnabled()
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    expected = get_experiment("learning_rate").live_config()
    qtbot.waitUntil(lambda: window.controller.config == expected, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.controller.latest.data.name == "regression", timeout=TIMEOUT)


def test_vectorization_times_the_live_networks_layer(window, panel):
    e = panel.experiment_for("vectorization")
    dims = window.controller.latest.layer_dims  # course default (2, 4, 1)
    assert (e.n_prev, e.n) == (dims[0], dims[1])
    assert e.m == window.controller.latest.data.m_train
    assert e.activation == "tanh"


def test_dark_theme_restyles_a_shown_result(qtbot, window, panel):
    panel.run_experiment("cost_function")
    wait_result(qtbot, panel)
    window.set_appearance("dark")
    view = panel.view.views[0].view
    assert view.backgroundBrush().color().name() == window.appearance.colors.background
    window.set_appearance("light")


def test_plot_grid_pairs_plots_and_gives_wide_ones_a_row():
    curve = CurvePlot("c", "x", "y", ())
    bars = BarPlot("b", "y", ("a",), np.array([1.0]))
    wide = BoundaryPlot("w", ())
    heat = HeatmapPlot("h", ())
    assert arrange([heat, curve, wide, bars]) == [[heat], [curve, bars], [wide]]
    assert arrange([curve]) == [[curve]]


def test_views_draw_every_plot_kind_of_every_lesson(qtbot):
    from nnviz.ui.panels.experiments.plots import make_view
    from nnviz.ui.theme import LIGHT
    r = get_experiment("symmetry", iterations=30).run()
    kinds = set()
    for plot in r.plots:
        view = make_view(plot, LIGHT)
        qtbot.addWidget(view)
        kinds.add(type(view))
    assert {HeatmapView, BoundaryGridView} <= kinds
    heat = next(p for p in r.plots if isinstance(p, HeatmapPlot))
    view = make_view(heat, LIGHT)
    qtbot.addWidget(view)
    image = view.images[0].image
    np.testing.assert_array_equal(image, heat.cells[0].matrix)  # rows are units


def test_sweep_dialog_reads_values_and_names_mistakes(qtbot):
    from nnviz.ui.panels.experiments.menu import SweepDialog, parse_values
    assert parse_values("layers", "none; 4; 8, 8") == ((), (4,), (8, 8))
    assert parse_values("bool", "no, yes") == (False, True)
    assert parse_values("batch", "full, 64") == (None, 64)
    assert parse_values(float, "0.1, 1") == (0.1, 1.0)
    with pytest.raises(ValueError, match="at least two values"):
        parse_values(float, "0.1")
    with pytest.raises(ValueError, match="'fast' is not a number"):
        parse_values(float, "0.1, fast")
    dialog = SweepDialog(course_default())
    qtbot.addWidget(dialog)
    dialog.setting.setCurrentIndex(dialog.setting.findData("learning_rate"))
    dialog.values.setText("0.1, 1.2")
    dialog.iterations.setValue(200)
    sweep = dialog.sweep()
    assert [c.hyper.learning_rate for c in sweep.configs()] == [0.1, 1.2]
    assert sweep.iterations == 200 and sweep.run_labels() == ["learning rate: 0.1",
                                                              "learning rate: 1.2"]
    dialog.setting.setCurrentIndex(dialog.setting.findData("activation"))
    dialog.values.setText("tanh, swishy")
    dialog.accept()  # refused: the dialog stays open and says why
    assert "swishy" in dialog.error.text() and dialog.result() == 0


def test_three_column_grid_packs_wide_plots_beside_small_ones():
    from nnviz.experiments.results import CurvePlot, HeatmapPlot
    from nnviz.ui.panels.experiments.view import arrange
    heat = HeatmapPlot.__new__(HeatmapPlot)
    a, b = CurvePlot.__new__(CurvePlot), CurvePlot.__new__(CurvePlot)
    # two columns: the wide heat map has a row to itself; three: a curve sits beside it
    assert arrange([heat, a, b], 2) == [[heat], [a, b]]
    assert arrange([heat, a, b], 3) == [[heat, a], [b]]


def test_a_lesson_opens_large_with_every_plot_on_one_screen(qtbot, isolated_settings):
    """At 1366x768 the lesson floats over the window and its plots fit without scrolling;
    "Lessons" puts the panel back in its dock."""
    from nnviz.ui.settings import open_settings
    from PySide6.QtCore import QRect
    w = MainWindow(settings=open_settings(isolated_settings))
    w._available = lambda: QRect(0, 0, 1366, 768)
    w.fit_to_screen()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=20000)
    w.build_pending_panels()
    panel, slot = w.panels["experiments"], w.slots["experiments"]
    panel.run_experiment("symmetry")  # about half a second of training
    assert w.workspaces.current_key == "lessons"
    assert slot.width() >= 1300 and slot.height() >= 600  # the whole window
    qtbot.waitUntil(lambda: panel.result is not None, timeout=60000)
    qtbot.wait(50)
    assert panel.view.views, "the lesson's plots are shown"
    assert panel.scroll.verticalScrollBar().maximum() == 0  # nothing below the fold
    assert "σ" in panel.view.lesson_text.text() or "Σ" in panel.view.lesson_text.text() \
        or "<sup>" in panel.view.lesson_text.text()
    panel.back_button.click()
    assert panel.stack.currentIndex() == 0
    w.close()
