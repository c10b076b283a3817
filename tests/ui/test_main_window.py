"""The main window as a user drives it (offscreen)."""
import dataclasses

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings
from nnviz.ui.theme import DARK, LIGHT

from ..training.test_session import course_gradient

TIMEOUT = 20000
# This panels. Most tests use only these, so they stay fast and test this code; one
# test builds the window from the full registry.
CORE_PANELS = ("builder", "training", "network")


def wait_for(qtbot, window, predicate, timeout=TIMEOUT):
    c = window.controller
    qtbot.waitUntil(lambda: c.latest is not None and predicate(c.latest), timeout=timeout)
    return c.latest


@pytest.fixture
def make_window(qtbot, isolated_settings):
    def make(config=None, settings_path=isolated_settings, panels=None):
        w = MainWindow(config=config, settings=open_settings(settings_path), panels=panels)
        qtbot.addWidget(w)
        w.show()
        wait_for(qtbot, w, lambda s: True)
        qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=TIMEOUT)
        return w

    return make


@pytest.fixture
def window(make_window):
    w = make_window(panels=[panel_spec(key) for key in CORE_PANELS])
    yield w
    w.close()


def test_window_has_workspaces_menus_toolbar_and_shortcuts(make_window):
    window = make_window()  # every panel of the registry
    assert {"builder", "training", "network"} <= set(window.slots)
    # Train is on screen with its three panels; every panel is in some workspace.
    assert window.workspaces.current_key == "train"
    assert window.workspaces.panels_shown() == {"builder", "training", "network"}
    assert all(window.workspaces.workspace_of(key) for key in window.slots)
    for key in ("builder", "training", "network"):
        assert window.slots[key].isVisible()
    assert not window.slots["gradient_check"].isVisible()
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "Training", "View", "Experiments", "Help"]
    file_actions = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    assert file_actions == ["Open data…", "Open &recent", "Load session…", "Save session…",
                            "Import weights…", "Export", "Quit"]
    exports = [a.text() for a in window.export_menu.actions() if a.text()]
    assert exports == ["Export weights…", "Export training history (CSV)…", "Export figures…",
                       "PyTorch script…"]  # one Export menu
    shortcuts = {a.text(): a.shortcut() for a in window.actions()}
    assert shortcuts["Play"] == QKeySequence(Qt.Key.Key_Space)
    assert shortcuts["Step"] == QKeySequence(Qt.Key.Key_Right)
    assert shortcuts["Reset"] == QKeySequence(Qt.Key.Key_R)
    assert shortcuts["Quit"] == QKeySequence("Ctrl+Q")
    assert shortcuts["Export weights…"] == QKeySequence("Ctrl+E")
    view = [a.text() for a in window.view_menu.actions() if a.text()]
    assert {"Train", "Gradients", "Landscape", "Backprop", "Activations", "Lessons",
            "Challenges", "Panels", "Reset workspace layout"} <= set(view)
    for number, key in enumerate(["train", "gradients", "landscape", "backprop",
                                  "activations", "lessons", "challenges"], start=1):
        assert window.workspace_actions[key].shortcut() == QKeySequence(f"Ctrl+{number}")
        window.workspace_actions[key].trigger()
        assert window.workspaces.current_key == key
        assert window.workspaces.switcher.currentIndex() == number - 1
    toolbar = [a.text() for a in window.training_toolbar.actions() if a.text()]
    assert toolbar[:3] == ["Play", "Step", "Reset"]


def test_starts_on_the_course_default(window):
    snap = window.controller.latest
    assert snap.data.name == "flower"
    assert snap.layer_dims == (2, 4, 1) and snap.activations == ("tanh",)
    assert snap.head == "sigmoid"
    assert snap.config.network.init == "random" and snap.config.hyper.learning_rate == 1.2
    W = np.concatenate([snap.layers[0].W.ravel(), snap.layers[1].W.ravel()])
    assert 0.004 < W.std() < 0.02  # randn * 0.01
    builder = window.panels["builder"]
    assert builder.dataset.currentData() == "flower"
    # one unit everywhere: the multiplier of the scheme's own σ (randn × 0.01 × 1)
    assert builder.learning_rate.value() == 1.2 and builder.init_scale.value() == 1.0
    assert window.hyper_bar.init_scale.value() == snap.config.network.init_scale == 1.0
    assert [r.units.value() for r in builder.layer_rows] == [4]
    assert "W[1]: (4, 2)" in builder.shapes_label.text()
    assert "17 parameters" in builder.shapes_label.text()
    # The normalization toggle shows the mean and std fitted on the training split.
    d = snap.data
    tip = builder.normalize.toolTip()
    assert f"μ = {d.mean[0]:.4g}" in tip and f"σ = {d.std[1]:.4g}" in tip


def test_play_trains_until_the_cost_falls_and_space_pauses(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    wait_for(qtbot, window, lambda s: s.train_cost < 0.3)
    assert window.play_action.text() == "Pause"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    snap = wait_for(qtbot, window, lambda s: s.state == "paused")
    qtbot.wait(250)
    assert window.controller.latest.iteration == snap.iteration
    assert "paused" in window.status.state.text()
    # The panels drew it: the cost curve has the history and ends at the paused iteration
    # with the J the status bar shows.
    x, y = window.panels["training"].train_cost.getOriginalDataset()
    assert set(x[:-1]) <= set(snap.history.iterations.tolist())
    assert x[-1] == snap.iteration and y[-1] == pytest.approx(snap.train_cost)
    assert f"{snap.train_cost:.4g}" in window.status.cost.text()
    assert f"{snap.iteration:,}" in window.status.iteration.text()
    qtbot.keyClick(window, Qt.Key.Key_Right)  # one step
    wait_for(qtbot, window, lambda s: s.iteration == snap.iteration + 1)
    qtbot.keyClick(window, Qt.Key.Key_R)  # reset
    wait_for(qtbot, window, lambda s: s.iteration == 0 and s.generation > snap.generation)


def test_learning_rate_slider_is_the_value_used_at_the_next_step(qtbot, window):
    window.step_action.trigger()
    before = wait_for(qtbot, window, lambda s: s.iteration == 1)
    window.panels["builder"].learning_rate.setValue(0.37, emit=True)
    qtbot.waitUntil(lambda: window.controller.config.hyper.learning_rate == 0.37,
                    timeout=TIMEOUT)
    window.step_action.trigger()
    after = wait_for(qtbot, window, lambda s: s.iteration == 2)
    d = before.data
    theta = np.asarray(before.theta)
    expected = theta - 0.37 * course_gradient(theta, d.X_train, d.Y_train)
    assert np.allclose(after.theta, expected, rtol=1e-12, atol=1e-15)
    assert after.generation == before.generation


def test_changing_layers_rebuilds_with_the_right_shapes(qtbot, window):
    builder = window.panels["builder"]
    builder.add_layer.click()
    snap = wait_for(qtbot, window, lambda s: s.layer_dims == (2, 4, 4, 1))
    builder.layer_rows[1].units.setValue(3)
    builder.layer_rows[1].activation.setCurrentIndex(
        builder.layer_rows[1].activation.findData("relu"))
    snap = wait_for(qtbot, window, lambda s: s.layer_dims == (2, 4, 3, 1)
                    and s.activations == ("tanh", "relu"))
    shapes = {k: v.shape for k, v in snap.params().items()}
    assert shapes == {"W1": (4, 2), "b1": (4, 1), "W2": (3, 4), "b2": (3, 1),
                      "W3": (1, 3), "b3": (1, 1)}
    assert "W[2]: (3, 4)" in builder.shapes_label.text()
    assert "31 parameters" in builder.shapes_label.text()  # 8+4 + 12+3 + 3+1
    builder.layer_rows[0].remove.click()
    wait_for(qtbot, window, lambda s: s.layer_dims == (2, 3, 1) and s.activations == ("relu",))
    assert len(builder.layer_rows) == 1


def plot_items(widget):
    for view in widget.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            yield item


def assert_no_nan_in_plots(window):
    checked = 0
    for panel in window.panels.values():
        for item in plot_items(panel):
            if isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem)):
                x, y = item.getData()
                if x is not None and len(x):
                    assert np.isfinite(x).all() and np.isfinite(y).all()
                    checked += 1
            elif isinstance(item, pg.ScatterPlotItem):
                pts = item.data
                if len(pts):
                    assert np.isfinite(pts["x"]).all() and np.isfinite(pts["y"]).all()
                    checked += 1
            elif isinstance(item, pg.ImageItem) and item.image is not None:
                assert np.isfinite(item.image).all()
                checked += 1
    return checked


def test_divergence_pauses_shows_a_message_and_no_plot_gets_nan(qtbot, window):
    builder = window.panels["builder"]
    builder.dataset.setCurrentIndex(builder.dataset.findData("scaled_features"))
    row = builder.layer_rows[0]
    row.activation.setCurrentIndex(row.activation.findData("relu"))
    builder.learning_rate.edit.setText("10")
    builder.learning_rate.edit.editingFinished.emit()
    qtbot.waitUntil(lambda: window.controller.config.hyper.learning_rate == 10.0
                    and window.controller.config.network.activations == ("relu",)
                    and window.controller.config.data.name == "scaled_features",
                    timeout=TIMEOUT)
    assert not builder.normalize.isChecked()
    with qtbot.waitSignal(window.controller.diverged, timeout=TIMEOUT):
        window.play_action.trigger()
    snap = wait_for(qtbot, window, lambda s: s.state == "diverged")
    qtbot.waitUntil(lambda: window.controller.snapshots_delivered > 0 and
                    "diverged" in window.status.state.text(), timeout=TIMEOUT)
    assert window.banner.active and window.banner.isVisible()
    text = window.banner.message
    assert "learning rate" in text and "normaliz" in text
    qtbot.wait(100)
    assert assert_no_nan_in_plots(window) >= 5
    assert window.controller.latest.iteration == snap.iteration
    # Reset clears the message and starts again from the seeded network.
    window.reset_action.trigger()
    wait_for(qtbot, window, lambda s: s.iteration == 0 and s.state == "idle")
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=TIMEOUT)


def test_init_scale_slider_while_paused_shows_the_new_network_at_once(qtbot, window):
    first = window.controller.latest
    window.panels["builder"].init_scale.setValue(100.0, emit=True)  # sigma of W: 0.01 -> 1
    snap = wait_for(qtbot, window, lambda s: s.generation > first.generation)
    assert snap.config.network.init_scale == pytest.approx(100.0)
    assert np.allclose(snap.theta, 100 * np.asarray(first.theta))
    # The network diagram shows the new weights without training a step.
    qtbot.waitUntil(lambda: window.panels["network"].diagram.max_abs_weight ==
                    pytest.approx(float(np.abs(np.asarray(snap.theta)).max())), timeout=TIMEOUT)
    assert snap.iteration == 0


def test_closing_during_training_stops_the_thread(qtbot, window):
    window.play_action.trigger()
    wait_for(qtbot, window, lambda s: s.state == "running" and s.iteration > 20)
    window.close()
    assert window.controller.thread.isFinished()


def test_workspace_arrangement_and_geometry_persist(qtbot, make_window, isolated_settings):
    # Small panels, so the window fits the offscreen platform's 800x800 screen.
    panels = [panel_spec("builder"), panel_spec("network"), panel_spec("activations")]
    first = make_window(panels=panels)
    first.resize(790, 720)
    qtbot.wait(20)
    splitter = first.workspaces.pages["train"].splitters[0]
    default = splitter.sizes()
    splitter.setSizes([default[0] - 80, default[1] + 80])  # as the user drags it
    dragged = splitter.sizes()
    first.show_workspace("activations")
    first.close()
    settings = QSettings(str(isolated_settings), QSettings.Format.IniFormat)
    assert settings.value("window/geometry") is not None
    assert settings.value("workspaces/current") == "activations"
    second = make_window(panels=panels)
    assert (second.size().width(), second.size().height()) == (790, 720)
    assert second.workspaces.current_key == "activations"
    second.show_workspace("train")
    qtbot.wait(20)
    assert second.workspaces.pages["train"].splitters[0].sizes() == dragged
    # A panel shown again draws the latest snapshot at once.
    qtbot.waitUntil(lambda: second.panels["network"].diagram._dims == (2, 4, 1),
                    timeout=TIMEOUT)
    second.reset_layout()
    assert second.workspaces.pages["train"].splitters[0].sizes()[0] != dragged[0]
    second.close()


def test_export_figures_writes_png_and_svg(qtbot, window, tmp_path):
    written = window.export_figures(str(tmp_path))
    names = {p.name for p in written}
    assert {"training_cost.png", "training_cost.svg", "training_prediction.png",
            "network_network.png"} <= names
    for p in written:
        assert p.stat().st_size > 500
    assert (tmp_path / "training_cost.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_csv_dialog_reports_problems_and_loads_a_good_file(qtbot, window, tmp_path):
    from nnviz.ui.widgets.csv_dialog import CsvDialog

    # A file the worker refuses: a message, and the session goes on as it was.
    before = window.controller.latest
    window.use_csv(str(tmp_path / "missing.csv"))
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=TIMEOUT)
    assert "missing.csv" in window.banner.message
    assert window.controller.config.data.name == "flower"
    window.step_action.trigger()
    snap = wait_for(qtbot, window, lambda s: s.iteration == before.iteration + 1)
    assert snap.generation == before.generation

    bad = tmp_path / "bad.csv"
    bad.write_text("height,weight,label\n1.5,60,a\n1.7,oops,b\n1.6,55,a\n1.8,80,b\n1.9,85,b\n")
    dialog = CsvDialog(bad, window)
    qtbot.addWidget(dialog)
    assert dialog.header.isChecked()
    assert dialog.label_column.currentData() == 2
    qtbot.waitUntil(lambda: "Problem" in dialog.status.text(), timeout=TIMEOUT)
    assert "row 3" in dialog.status.text() and "column 2" in dialog.status.text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    assert dialog.table.item(1, 1).background().color().red() > 200  # the cell is marked

    good = tmp_path / "good.csv"
    rows = ["x1,x2,label"] + [f"{i % 7},{(i * 3) % 5},{'yes' if i % 2 else 'no'}"
                              for i in range(40)]
    good.write_text("\n".join(rows) + "\n")
    dialog = CsvDialog(good, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(),
                    timeout=TIMEOUT)
    assert "40 examples" in dialog.status.text()
    window.use_csv(str(good), **dialog.options())
    snap = wait_for(qtbot, window, lambda s: s.data.name == "csv")
    assert snap.data.m_train + snap.data.m_test == 40
    assert snap.data.class_names == ("no", "yes")
    builder = window.panels["builder"]
    qtbot.waitUntil(lambda: builder.dataset.currentData() == "csv", timeout=TIMEOUT)
    assert "good.csv" in builder.dataset.currentText()


def test_dark_appearance_restyles_the_plots(qtbot, window):
    try:
        window.set_appearance("dark")
        cost = window.panels["training"].cost_plot
        assert cost.backgroundBrush().color().name() == DARK.background
        assert window.appearance.colors is DARK
    finally:
        window.set_appearance("light")
    assert window.panels["training"].cost_plot.backgroundBrush().color().name() == LIGHT.background


def test_multiclass_data_shows_a_confusion_matrix(qtbot, window):
    config = window.controller.requested_config
    window.controller.apply_config(dataclasses.replace(
        config, data=DataSpec(name="iris", normalize=True),
        hyper=Hyperparameters(learning_rate=0.5)))
    snap = wait_for(qtbot, window, lambda s: s.data.name == "iris")
    panel = window.panels["training"]
    qtbot.waitUntil(lambda: panel.outcome.currentWidget() is panel.view("confusion"),
                    timeout=TIMEOUT)
    assert snap.evaluation.confusion.sum() == snap.data.m_test
    assert "softmax" in window.panels["builder"].output_label.text()


def test_a_window_on_another_config(qtbot, make_window):
    config = SessionConfig(DataSpec(name="moons"), NetworkSpec(hidden_units=(8,),
                                                               activations=("relu",),
                                                               init="he"),
                           Hyperparameters(optimizer="adam", learning_rate=0.01))
    w = make_window(config, panels=[panel_spec(key) for key in CORE_PANELS])
    snap = w.controller.latest
    assert snap.data.name == "moons" and snap.layer_dims == (2, 8, 1)
    builder = w.panels["builder"]
    assert builder.optimizer.currentData() == "adam"
    assert builder.init_scale_label.text() == "Scale ×"
    w.close()


def test_deferred_panels_are_built_after_the_first_paint(qtbot, isolated_settings):
    w = MainWindow(settings=open_settings(isolated_settings), defer_panels=True)
    qtbot.addWidget(w)
    # The workspace on screen is built before the first paint (it appears once, laid out);
    # the other workspaces' panels just after it.
    assert set(w.panels) == {"builder", "training", "network"}
    assert "gradient_check" in w.slots and w._pending
    w.show()
    qtbot.waitUntil(lambda: not w._pending, timeout=TIMEOUT)
    assert set(w.panels) == set(w.slots)
    menus = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert menus[-1] == "Help"
    # The training panel, built late, draws the latest snapshot.
    snap = wait_for(qtbot, w, lambda s: True)
    curve = w.panels["training"].train_cost
    qtbot.waitUntil(lambda: curve.getData()[0] is not None and len(curve.getData()[0]) >= 1,
                    timeout=TIMEOUT)
    assert w.panels["training"].boundary._grid is not None
    assert snap.iteration == 0
    w.close()


def test_the_worker_makes_the_boundary_only_for_a_workspace_that_draws_it(qtbot, make_window):
    w = make_window()
    worker = w.controller.worker
    assert w.workspaces.current_key == "train"
    qtbot.waitUntil(lambda: worker._outcome_wanted is True, timeout=TIMEOUT)
    w.show_workspace("landscape")  # the cost surface and curves: no boundary on screen
    qtbot.waitUntil(lambda: worker._outcome_wanted is False, timeout=TIMEOUT)
    w.show_workspace("train")
    qtbot.waitUntil(lambda: worker._outcome_wanted is True, timeout=TIMEOUT)
    w.close()


def test_a_window_that_fails_to_build_leaves_no_worker_running(qtbot, isolated_settings,
                                                               monkeypatch):
    from nnviz.training.controller import RUNNING_CONTROLLERS

    def broken(self):
        raise RuntimeError("a panel could not be built")

    monkeypatch.setattr(MainWindow, "_build_menus", broken)
    before = set(RUNNING_CONTROLLERS)
    with pytest.raises(RuntimeError, match="could not be built"):
        MainWindow(settings=open_settings(isolated_settings))
    started = RUNNING_CONTROLLERS - before
    assert not started  # shut down: its thread finished, nothing left for Qt to abort on
