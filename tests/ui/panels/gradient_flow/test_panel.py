"""Gradient flow panel: the verdict, the bars and the lines must agree with the mathematics."""
import dataclasses

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QWidget

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.controller import TrainingController
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.gradient_flow.panel import GradientFlowPanel
from nnviz.ui.panels.gradient_flow.axes import DecadeAxis, decade_label
from nnviz.analysis.gradient_flow import EXPLODING, HEALTHY, VANISHING
from nnviz.analysis.gradient_flow_stats import flow_stats
from nnviz.ui.theme import DARK, LIGHT
from tests.ui.layout_rules import panel_in_plain_host

DEPTH, WIDTH = 20, 16            # 19 hidden layers of 16 units + 1 output unit
TIMEOUT = 20000


def test_decade_axis_labels_only_powers_of_ten_when_wide(qtbot):
    axis = DecadeAxis("left")
    axis.setLogMode(y=True)
    axis.resize(60, 300)  # tall: room for 2 and 5 (3 and 7) between the powers of ten
    axis.setRange(-12, -2)
    labels = axis.tickStrings([-12, -11.5, np.log10(2e-5), -5], 1, 1)
    assert labels == ["10⁻¹²", "", "", "10⁻⁵"]
    axis.setRange(-4, -2)
    assert axis.tickStrings([np.log10(2e-4), np.log10(3e-4)], 1, 1) == ["2·10⁻⁴", ""]
    axis.setRange(0.2, 1.1)  # less than a decade: 3 and 7 get labels too
    assert axis.tickStrings([np.log10(3), np.log10(7), 1.0], 1, 1) == ["3", "7", "10"]
    axis.resize(60, 100)  # 110 px per decade: 2 and 5 still fit, 3 and 7 would crowd
    assert axis.tickStrings([np.log10(2), np.log10(3), 1.0], 1, 1) == ["2", "", "10"]
    axis.resize(60, 50)
    assert axis.tickStrings([np.log10(2), np.log10(5), 1.0], 1, 1) == ["", "", "10"]
    assert [decade_label(k) for k in (-3, -2, 0, 1, 2, 3, 23)] == [
        "10⁻³", "0.01", "1", "10", "100", "10³", "10²³"]
    assert decade_label(1, 5) == "50" and decade_label(-5, 2) == "2·10⁻⁵"


# -- the panel, fed with real snapshots ------------------------------------------------------
def deep_config(activation="relu", init="he", scale=1.0, depth=DEPTH, lr=0.01):
    return SessionConfig(
        DataSpec(name="circles", normalize=True),
        NetworkSpec(hidden_units=(WIDTH,) * (depth - 1), activations=(activation,) * (depth - 1),
                    init=init, init_scale=scale),
        Hyperparameters(optimizer="gd", learning_rate=lr))


@pytest.fixture
def panel(qtbot):
    """A panel inside a plain, not yet shown host, as a dock would hold it."""
    widget = panel_in_plain_host(qtbot, GradientFlowPanel, (1200, 800))
    yield widget


@pytest.mark.parametrize("activation,init,scale,verdict", [
    ("relu", "he", 0.5, "Vanishing"), ("sigmoid", "xavier", 1.0, "Vanishing"),
    ("relu", "he", 2.0, "Exploding"), ("relu", "he", 1.0, "Healthy")])
def test_banner_gives_the_verdict_for_a_deep_network(panel, activation, init, scale, verdict):
    snapshot = TrainingSession(deep_config(activation, init, scale)).snapshot()
    panel.on_snapshot(snapshot)
    assert panel.banner.text().count(verdict) >= 1
    assert panel.diagnosis.verdict == verdict.lower()
    if verdict != "Healthy":
        assert "Try:" in panel.banner.text()


def test_bars_are_the_snapshot_norms_and_the_selector_switches_them(panel):
    session = TrainingSession(deep_config("tanh", "xavier", 1.0, depth=6, lr=0.1))
    session.step(5)
    snapshot = session.snapshot()
    panel.on_snapshot(snapshot)
    layers = snapshot.layers
    assert panel.current_metric() == "dW_norm"
    np.testing.assert_allclose(panel.now_plot.bar_values(), [x.dW_norm for x in layers],
                               rtol=1e-9)
    # ...and those norms are the gradients' own (a second, independent backprop).
    net = snapshot.network()
    _, _, grads = net.gradients(snapshot.data.X_train, snapshot.data.Y_train, keep_dZ=True)
    np.testing.assert_allclose(panel.now_plot.bar_values(),
                               [np.linalg.norm(grads[f"dW{l}"]) for l in range(1, 7)],
                               rtol=1e-9)
    lr = snapshot.config.hyper.learning_rate
    expected = {
        "dW_mean_abs": [np.abs(x.dW).mean() for x in layers],
        "dW_max_abs": [np.abs(x.dW).max() for x in layers],
        "db_norm": [np.linalg.norm(x.db) for x in layers],
        "update_ratio": [lr * np.linalg.norm(x.dW) / np.linalg.norm(x.W) for x in layers],
        "dZ_norm": [np.linalg.norm(grads[f"dZ{l}"]) for l in range(1, 7)],
    }
    for key, values in expected.items():
        panel.metric_combo.setCurrentIndex(panel.metric_combo.findData(key))
        np.testing.assert_allclose(panel.now_plot.bar_values(), values, rtol=1e-9,
                                   err_msg=key)
        assert panel.history_plot.item.getAxis("left").labelText.startswith(
            panel.metric_combo.currentText()[:3])
    with pytest.raises(ValueError, match="unknown metric"):
        panel.set_metric("dA_norm")


def test_history_has_one_line_per_layer_that_grows_with_snapshots(panel):
    session = TrainingSession(deep_config("relu", "he", 1.0, depth=8))
    curves_before = None
    for n in range(1, 6):
        snapshot = session.snapshot()
        panel.on_snapshot(snapshot)
        curves = panel.history_plot.curves
        assert len(curves) == 8
        if curves_before is not None:
            assert all(a is b for a, b in zip(curves, curves_before))  # made once
        curves_before = list(curves)
        for l in range(1, 9):
            x, y = panel.history_plot.line_data(l)
            assert len(x) == n
            np.testing.assert_allclose(y[-1], snapshot.layers[l - 1].dW_norm, rtol=1e-9)
        session.step(3)
    # The legend names every layer, the output last.
    labels = [label.text for _, label in panel.history_plot.legend.items]
    assert labels[0] == "1" and labels[-1] == "8 (output)"
    # The same snapshot again (paused) adds nothing; a reset starts the lines afresh.
    snapshot = session.snapshot()
    panel.on_snapshot(snapshot)
    panel.on_snapshot(snapshot)
    assert len(panel.history_plot.line_data(1)[0]) == 6
    session.reset()
    panel.on_snapshot(session.snapshot())
    assert len(panel.history_plot.line_data(1)[0]) == 1
    # A different depth makes a new set of lines.
    panel.on_snapshot(TrainingSession(deep_config("relu", "he", 1.0, depth=4)).snapshot())
    assert len(panel.history_plot.curves) == 4
    assert sum(isinstance(i, pg.PlotCurveItem) for i in panel.history_plot.item.items) == 4


def test_activation_statistics_from_the_snapshot(panel):
    session = TrainingSession(deep_config("sigmoid", "xavier", 4.0, depth=5))
    snapshot = session.snapshot()
    panel.on_snapshot(snapshot)
    # Over all training examples: a forward pass of our own, Z[l] = W[l] A[l-1] + b[l].
    A = snapshot.data.X_train
    for l in range(1, 5):
        params = snapshot.params()
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = 1 / (1 + np.exp(-Z))
        assert panel.stats.saturated_fraction[l - 1] == pytest.approx(np.mean(A * (1 - A) < 0.05))
    assert np.isnan(panel.stats.saturated_fraction[-1])  # the output layer is left out
    # Without the engine's statistics the panel falls back on the snapshot's sample of Z[l].
    bare = flow_stats(dataclasses.replace(snapshot, layer_stats=None))
    for l, layer in enumerate(snapshot.layers[:-1]):
        s = 1 / (1 + np.exp(-layer.Z))
        assert bare.saturated_fraction[l] == pytest.approx(np.mean(s * (1 - s) < 0.05))
    assert panel.stats.saturated_fraction[0] > 0.2  # 4x Xavier: many units in the tails
    np.testing.assert_allclose(panel.activity_plot.saturated_percent[:4],
                               100 * panel.stats.saturated_fraction[:4])
    # Heat map: one column per layer, each the layer's distribution in percent.
    image = panel.distribution_plot.image.image
    assert image.shape[0] == 5
    np.testing.assert_allclose(image.sum(axis=1), 100.0)
    edges = panel.distribution_plot.histograms.edges
    counts, _ = np.histogram(np.clip(snapshot.layers[0].Z, edges[0], edges[-1]), bins=edges)
    np.testing.assert_allclose(image[0], 100 * counts / snapshot.layers[0].Z.size)
    # The sigmoid's saturation thresholds are drawn: a(1 - a) = 0.05 at a = (1 ± √0.8)/2,
    # z* = ±ln((1 + √0.8)/(1 - √0.8)) ≈ ±2.887.
    a_star = (1 + np.sqrt(0.8)) / 2
    z_star = np.log(a_star / (1 - a_star))
    lines = [line.value() for line in panel.distribution_plot.lines if line.isVisible()]
    assert sorted(lines) == pytest.approx([-z_star, z_star], rel=1e-9)
    # A[l] instead of Z[l]; the lines move to g(±z*).
    panel.quantity_combo.setCurrentIndex(panel.quantity_combo.findData("A"))
    lines = [line.value() for line in panel.distribution_plot.lines if line.isVisible()]
    assert sorted(lines) == pytest.approx([1 - a_star, a_star], rel=1e-9)


def test_dead_relus_and_magnitude_view(panel):
    session = TrainingSession(deep_config("relu", "he", 0.5, depth=20))
    snapshot = session.snapshot()
    panel.on_snapshot(snapshot)
    A = snapshot.data.X_train
    params = snapshot.params()
    for l in range(1, 20):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = np.maximum(Z, 0)
        assert panel.stats.dead_fraction[l - 1] == pytest.approx(np.all(Z <= 0, axis=1).mean())
    bare = flow_stats(dataclasses.replace(snapshot, layer_stats=None))
    for l, layer in enumerate(snapshot.layers[:-1]):
        assert bare.dead_fraction[l] == pytest.approx(np.all(layer.Z <= 0, axis=1).mean())
    assert np.isnan(panel.stats.saturated_fraction).all()
    # Auto scale: activations shrink by orders of magnitude, so the heat map is log10|Z|.
    assert panel.distribution_plot.histograms.magnitude
    panel.scale_combo.setCurrentIndex(panel.scale_combo.findData(False))
    assert not panel.distribution_plot.histograms.magnitude
    assert "layer 3" in panel.layer_summary(3) and "||dW||" in panel.layer_summary(3)


def test_theme_figures_and_shown(panel):
    panel.on_snapshot(TrainingSession(deep_config(depth=4)).snapshot())
    panel.parentWidget().show()
    panel.on_theme(DARK)
    assert DARK.good in panel.banner.styleSheet()
    panel.on_theme(LIGHT)
    assert LIGHT.good in panel.banner.styleSheet()
    figures = panel.figures()
    assert set(figures) == {"gradient_now", "gradient_history", "activation_distribution",
                            "saturated_dead", "weight_norms"}
    assert all(isinstance(item, pg.PlotItem) for item in figures.values())
    for combo in (panel.metric_combo, panel.quantity_combo, panel.scale_combo):
        assert combo.toolTip() and combo.focusPolicy()


# -- live: the controller's snapshots, and a re-initialization while paused ------------------
def test_reinit_while_paused_updates_the_panel_at_once(qtbot, panel):
    controller = TrainingController(deep_config("relu", "he", 1.0))
    controller.snapshot.connect(panel.on_snapshot)
    try:
        controller.start()
        qtbot.waitUntil(lambda: panel.diagnosis is not None, timeout=TIMEOUT)
        assert panel.diagnosis.verdict == HEALTHY
        controller.step(5)
        qtbot.waitUntil(lambda: panel.stats.iteration == 5, timeout=TIMEOUT)
        generation = panel.stats.generation
        # What dragging the init-scale slider does: a new NetworkSpec, training not running.
        config = controller.config
        controller.apply_config(dataclasses.replace(
            config, network=dataclasses.replace(config.network, init_scale=2.0)))
        qtbot.waitUntil(lambda: panel.stats.generation > generation, timeout=TIMEOUT)
        assert panel.diagnosis.verdict == EXPLODING
        assert panel.stats.iteration == 0
        assert len(panel.history_plot.line_data(1)[0]) == 1
        controller.apply_config(dataclasses.replace(
            config, network=dataclasses.replace(config.network, init_scale=0.5)))
        qtbot.waitUntil(lambda: panel.diagnosis.verdict == VANISHING, timeout=TIMEOUT)
    finally:
        assert controller.shutdown()


def test_in_the_main_window_the_init_scale_slider_updates_the_panel(qtbot, isolated_settings):
    """The registry line builds the panel as a dock; dragging the builder's init-scale slider
    while training is not running re-initializes the network and the panel shows it."""
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings

    window = MainWindow(config=deep_config("relu", "he", 1.0),
                        settings=open_settings(isolated_settings))
    qtbot.addWidget(window)
    try:
        window.show()
        window.show_panel("gradient_flow")
        panel = window.panels["gradient_flow"]
        assert isinstance(panel, GradientFlowPanel)
        qtbot.waitUntil(lambda: panel.diagnosis is not None, timeout=TIMEOUT)
        assert panel.diagnosis.verdict == HEALTHY
        slider = window.panels["builder"].init_scale
        slider.setValue(2.0 * slider.value(), emit=True)   # as a drag ends up
        qtbot.waitUntil(lambda: panel.diagnosis.verdict == EXPLODING, timeout=TIMEOUT)
        assert panel.stats.iteration == 0
        assert "Exploding" in panel.banner.text()
        exported = window.visible_figures()
        assert {f"gradient_flow_{name}" for name in panel.figures()} <= set(exported)
    finally:
        window.close()


def test_history_covers_the_whole_run_when_the_panel_was_hidden(panel):
    # The worker takes snapshots all along; the panel sees only the last one (it was hidden).
    session = TrainingSession(deep_config("tanh", "xavier", 1.0, depth=4, lr=0.1))
    for _ in range(40):
        session.snapshot()
        session.step(25)
    snapshot = session.snapshot()
    panel.on_snapshot(snapshot)
    run = snapshot.layer_history
    assert run.iterations[0] == 0 and run.iterations[-1] == 1000 and len(run.iterations) == 41
    for l in range(1, 5):
        x, y = panel.history_plot.line_data(l)
        np.testing.assert_array_equal(x, run.iterations)
        # the engine's norms of each recorded pass: ||dW[l]|| = √(Σ dW²)
        np.testing.assert_allclose(y, run.series["grad_norm"][:, l - 1], rtol=1e-12)
    np.testing.assert_allclose(panel.history_plot.line_data(2)[1][-1],
                               np.linalg.norm(snapshot.layers[1].dW), rtol=1e-9)
    panel.set_metric("dZ_norm")
    np.testing.assert_allclose(panel.history_plot.line_data(1)[1],
                               run.series["dZ_norm"][:, 0], rtol=1e-12)


def test_iteration_ticks_are_whole_numbers(panel):
    panel.on_snapshot(TrainingSession(deep_config(depth=3)).snapshot())  # iteration 0 only
    axis = panel.history_plot.item.getAxis("bottom")
    for lo, hi in ((-0.5, 0.5), (0, 3), (0, 7), (10, 12), (0, 2000)):
        values = [v for _, level in axis.tickValues(lo, hi, 300) for v in level]
        assert values and all(float(v).is_integer() for v in values), (lo, hi, values)


# Sizes a dock gives this panel in the app's layouts at 1366x768 and 1920x1080 windows: a
# short bottom tab, half of a bottom row, a tall side dock, a wide short strip, floating.
DOCK_SIZES = [(970, 200), (1330, 260), (660, 420), (480, 300), (900, 700), (1700, 330)]


@pytest.mark.parametrize("width,height", DOCK_SIZES)
def test_titles_fit_and_the_verdict_leaves_the_plots_room(qtbot, width, height):
    from nnviz.ui.panels.gradient_flow.axes import title_width

    host = QWidget()
    qtbot.addWidget(host)
    panel = GradientFlowPanel(parent=host)
    panel.resize(width, height)
    host.resize(width, height)
    host.show()
    session = TrainingSession(deep_config("tanh", "xavier", 3.0, depth=6, lr=0.1))
    session.step(50)
    panel.on_snapshot(session.snapshot())  # saturated: a warning with several remedies
    qtbot.wait(20)
    assert panel.diagnosis.severity != "ok"
    assert panel.banner.height() <= max(0.3 * height, 56)
    assert panel.banner.toolTip().count(panel.diagnosis.remedies[-1][:30]) == 1  # all there
    for plot in (panel.now_plot, panel.history_plot, panel.distribution_plot,
                 panel.activity_plot):
        item, widget = plot.item, plot.widget
        assert item.width() <= widget.width() + 1  # nothing cut off on the right
        room = widget.width() - (item.width() - item.vb.width())
        assert title_width(item, plot.title.text) <= room, plot.title.text
        assert plot.title.text  # always some title
    host.close()
