"""Gradient flow panel: the verdict, the bars and the lines must agree with the mathematics."""
import dataclasses

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QWidget

from nnviz.engine.network import Network
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.controller import TrainingController
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.gradient_flow import GradientFlowPanel
from nnviz.ui.panels.gradient_flow_diagnosis import (
    BAD, EXPLODING, HEALTHY, OK, UNKNOWN, VANISHING, WARN, TrainingContext, diagnose_gradient_flow,
    geometric_slope,
)
from nnviz.ui.panels.gradient_flow_plots import DecadeAxis, decade_label
from nnviz.ui.panels.gradient_flow_stats import (
    METRIC_KEYS, LayerHistory, activation_fractions, flow_stats, layer_histograms, nice_ceil,
    spans_decades,
)
from nnviz.ui.theme import DARK, LIGHT

DEPTH, WIDTH = 20, 16            # 19 hidden layers of 16 units + 1 output unit
TIMEOUT = 20000


# -- engine networks and the pure diagnosis -------------------------------------------------
@pytest.fixture(scope="module")
def points():
    """1000 random 2-D points with XOR-like labels."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 1000))
    Y = (X[0] * X[1] > 0).astype(np.float64).reshape(1, -1)
    return X, Y


def deep_norms(points, activation, init, scale, seed=0):
    """Frobenius norms of dW[l], dZ[l], W[l] of a fresh 20-layer net, straight from backprop."""
    X, Y = points
    net = Network([2] + [WIDTH] * (DEPTH - 1) + [1], activation, "sigmoid", init=init,
                  init_scale=scale, seed=seed)
    with np.errstate(over="ignore", invalid="ignore"):
        J, _, grads = net.gradients(X, Y, keep_dZ=True)
    layers = range(1, DEPTH + 1)
    dW = np.array([np.linalg.norm(grads[f"dW{l}"]) for l in layers])
    dZ = np.array([np.linalg.norm(grads[f"dZ{l}"]) for l in layers])
    W = np.array([np.linalg.norm(net.params[f"W{l}"]) for l in layers])
    return net, J, dW, dZ, W


def diagnose(points, activation, init, scale, seed=0, learning_rate=0.1):
    net, J, dW, dZ, W = deep_norms(points, activation, init, scale, seed)
    context = TrainingContext(init=init, init_scale=scale, normalized=True,
                              learning_rate=learning_rate, cost=J)
    return diagnose_gradient_flow(dW, dZ, net.layer_dims, net.layer_activations, W_norms=W,
                                  context=context)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relu_at_half_he_vanishes(points, seed):
    d = diagnose(points, "relu", "he", 0.5, seed)
    assert (d.verdict, d.severity) == (VANISHING, BAD)
    # Each layer scales the back-propagated signal by about 0.5: 0.5^19 ≈ 10^-5.7 overall.
    assert -8.0 < d.dZ_decades < -4.5
    assert 0.35 < d.factor_per_layer < 0.6
    assert "He init at scale 1" in " ".join(d.remedies)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relu_at_twice_he_explodes(points, seed):
    d = diagnose(points, "relu", "he", 2.0, seed)
    assert (d.verdict, d.severity) == (EXPLODING, BAD)
    assert 3.5 < d.dZ_decades < 7.0          # 2^19 ≈ 10^5.7 toward the input
    assert 1.6 < d.factor_per_layer < 2.4
    assert any("learning rate" in r for r in d.remedies)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relu_at_he_is_healthy(points, seed):
    d = diagnose(points, "relu", "he", 1.0, seed)
    assert (d.verdict, d.severity) == (HEALTHY, OK)
    assert abs(d.dZ_decades) < 2.0 and abs(d.dW_decades) < 2.0
    assert d.remedies == ()


def test_half_he_shrinks_every_weight_gradient_by_about_six_decades(points):
    """The analysis issue's expectation: at 0.5x He every ||dW[l]|| drops ~10^6 below He."""
    _, _, dW_half, _, _ = deep_norms(points, "relu", "he", 0.5)
    _, _, dW_he, _, _ = deep_norms(points, "relu", "he", 1.0)
    drop = np.log10(dW_half / dW_he)
    assert np.all((drop < -4.0) & (drop > -8.0)), drop


@pytest.mark.parametrize("init,scale", [("xavier", 1.0), ("he", 1.0), ("he", 2.0)])
def test_sigmoid_vanishes_whatever_the_scale(points, init, scale):
    d = diagnose(points, "sigmoid", init, scale)
    assert (d.verdict, d.severity) == (VANISHING, BAD)
    assert d.dZ_decades < -5 and d.dW_decades < -5  # slope ≤ 0.25 compounds
    assert "ReLU" in d.remedies[0] and "0.25" in d.remedies[0]


def test_diagnosis_numbers_follow_from_the_norms(points):
    net, _, dW, dZ, W = deep_norms(points, "tanh", "xavier", 1.0)
    d = diagnose_gradient_flow(dW, dZ, net.layer_dims, net.layer_activations, W_norms=W)
    dims = net.layer_dims
    rms_dZ = dZ / np.sqrt(dims[1:])
    expected = np.log10(rms_dZ[0] / rms_dZ[-1])
    assert d.dZ_decades == pytest.approx(expected, rel=1e-12)
    rms_dW1 = dW[0] / np.sqrt(dims[1] * dims[0])
    rms_dWl = dW[-2] / np.sqrt(dims[-2] * dims[-3])
    assert d.dW_decades == pytest.approx(np.log10(rms_dW1 / rms_dWl), rel=1e-12)
    slope = np.polyfit(np.arange(1, DEPTH + 1), np.log10(rms_dZ), 1)[0]
    assert d.slope == pytest.approx(slope, rel=1e-12)


def test_geometric_slope_of_an_exact_geometric_sequence():
    assert geometric_slope(3.0 * 0.5 ** np.arange(10)) == pytest.approx(np.log10(0.5))
    assert np.isnan(geometric_slope([1.0, 0.0, np.nan]))


def test_diagnosis_edge_cases():
    dims = (2, 4, 4, 1)
    ones = np.ones(3)
    with pytest.raises(ValueError, match="one dW and one dZ norm per layer"):
        diagnose_gradient_flow([1.0, 2.0], ones, dims)
    assert diagnose_gradient_flow([1.0], [1.0], (2, 1)).verdict == UNKNOWN
    overflow = diagnose_gradient_flow([1.0, np.inf, 1.0], ones, dims)
    assert overflow.verdict == EXPLODING and "overflowed" in overflow.headline
    zeros = diagnose_gradient_flow([0.0, 0.0, 0.0], [0.0, 0.0, 1.0], dims,
                                   W_norms=[1.0, 0.0, 0.0])
    assert zeros.verdict == VANISHING and "zero" in zeros.headline
    dead = diagnose_gradient_flow([0.0, 1e-2, 1e-2], [0.0, 1.0, 1.0], dims, ("relu",) * 2,
                                  W_norms=ones)
    assert dead.verdict == VANISHING and "layer 1" in dead.headline
    assert any("Leaky ReLU" in r for r in dead.remedies)
    # Every gradient tiny compared with the weights, while the cost is far from zero...
    tiny = dict(W_norms=ones, context=TrainingContext(cost=0.69))
    assert diagnose_gradient_flow([1e-9] * 3, [1e-9] * 3, dims, **tiny).verdict == VANISHING
    # ...but not once the cost is near zero: small gradients are what convergence looks like.
    done = diagnose_gradient_flow([1e-9] * 3, [1e-9] * 3, dims, W_norms=ones,
                                  context=TrainingContext(cost=1e-5))
    assert done.verdict == HEALTHY and "near zero" in done.explanation
    # A step larger than the weights: unnormalized inputs with a course learning rate.
    big = diagnose_gradient_flow([50.0, 1.0, 1.0], ones, dims, W_norms=ones,
                                 context=TrainingContext(learning_rate=1.2, normalized=False))
    assert big.verdict == EXPLODING and any("Normalize" in r for r in big.remedies)
    # 100x (two decades) across a 3-layer net is a warning, not a verdict of failure.
    mild = diagnose_gradient_flow(ones, [1e-2 * 2, 1.0, 1.0], dims)
    assert (mild.verdict, mild.severity) == (VANISHING, WARN)
    # The same span with a single hidden layer: no depth to compound it.
    assert diagnose_gradient_flow([1.0, 1.0], [1e-2 * 2, 1.0], (2, 4, 1)).verdict == HEALTHY


def test_remedies_do_not_suggest_what_is_already_set():
    dims = (2, 4, 4, 1)
    d = diagnose_gradient_flow(np.ones(3), [1e-5, 1e-2, 1.0], dims, ("sigmoid", "sigmoid"),
                               context=TrainingContext(init="xavier", init_scale=1.0))
    assert d.verdict == VANISHING
    assert not any(" init " in r for r in d.remedies)  # Xavier at scale 1 already
    d = diagnose_gradient_flow(np.ones(3), [1e-5, 1e-2, 1.0], dims, ("tanh", "tanh"),
                               context=TrainingContext(init="random", init_scale=1.0))
    assert any("Xavier init at scale 1 (now random, σ = 0.01)" in r
               for r in d.remedies)


# -- statistics helpers ----------------------------------------------------------------------
def test_activation_fractions_match_the_definitions():
    rng = np.random.default_rng(3)
    Z = 4.0 * rng.standard_normal((6, 50))
    s = 1 / (1 + np.exp(-Z))
    saturated, dead = activation_fractions("sigmoid", Z)
    assert saturated == pytest.approx(np.mean(s * (1 - s) < 0.05)) and np.isnan(dead)
    Z[2] = -np.abs(Z[2])  # unit 2 below zero on every example: dead
    Z[4] = -np.abs(Z[4]) - 1
    saturated, dead = activation_fractions("relu", Z)
    assert np.isnan(saturated) and dead == pytest.approx(2 / 6)


def test_layer_history_stays_bounded_and_evenly_spread():
    history = LayerHistory(capacity=8)
    stats = stats_like(layer_dims=(2, 3, 1))
    for it in range(0, 1000, 7):
        history.add(dataclasses.replace(stats, iteration=it))
    its = history.iterations()
    assert 4 <= len(history) <= 8 and its[0] == 0
    gaps = np.diff(its)
    assert gaps.max() <= 2 * gaps.min() + 7   # evenly spread over the whole run
    assert its[-1] > 800
    # A rebuilt network (new generation) starts afresh.
    history.add(dataclasses.replace(stats, iteration=5, generation=2))
    assert list(history.iterations()) == [5]


def stats_like(layer_dims):
    L = len(layer_dims) - 1
    from nnviz.ui.panels.gradient_flow_stats import FlowStats
    return FlowStats(0, 1, tuple(layer_dims), ("relu",) * L,
                     {k: np.arange(1.0, L + 1) for k in METRIC_KEYS}, np.ones(L),
                     np.full(L, np.nan), np.full(L, np.nan))


def test_layer_histograms():
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((4, 100)), 1e-4 * rng.standard_normal((4, 100))]
    hist = layer_histograms(arrays, bins=20)
    assert hist.fractions.shape == (2, 20)
    np.testing.assert_allclose(hist.fractions.sum(axis=1), 1.0)
    lo, hi = hist.edges[0], hist.edges[-1]
    assert lo == -hi and hi == nice_ceil(np.percentile(np.abs(np.concatenate(
        [a.ravel() for a in arrays])), 99.5))
    counts, _ = np.histogram(np.clip(arrays[0], lo, hi), bins=hist.edges)
    np.testing.assert_allclose(hist.fractions[0], counts / 400)
    # Magnitude: log10|x|; the second layer sits about four decades lower.
    mag = layer_histograms(arrays + [np.zeros((2, 3))], magnitude=True, bins=40)
    centres = 0.5 * (mag.edges[1:] + mag.edges[:-1])
    means = mag.fractions[:2] @ centres
    assert means[0] - means[1] == pytest.approx(4.0, abs=0.3)
    assert mag.fractions[2, 0] == 1.0            # exact zeros go to the lowest bin
    assert spans_decades(arrays) and not spans_decades([arrays[0], 3 * arrays[0]])
    assert [nice_ceil(x) for x in (0.7, 1.0, 1.3, 3.0, 7.0, 1e301)] == [1, 1, 2, 5, 10, 1e300]


def test_decade_axis_labels_only_powers_of_ten_when_wide(qtbot):
    axis = DecadeAxis("left")
    axis.setLogMode(y=True)
    axis.setRange(-12, -2)
    labels = axis.tickStrings([-12, -11.5, np.log10(2e-5), -5], 1, 1)
    assert labels == ["10⁻¹²", "", "", "10⁻⁵"]
    axis.setRange(-4, -2)
    assert axis.tickStrings([np.log10(2e-4), np.log10(3e-4)], 1, 1) == ["2·10⁻⁴", ""]
    axis.setRange(0.2, 1.1)  # less than a decade: 3 and 7 get labels too
    assert axis.tickStrings([np.log10(3), np.log10(7), 1.0], 1, 1) == ["3", "7", "10"]
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
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(1200, 800)
    widget = GradientFlowPanel(parent=host)
    widget.resize(1200, 800)
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
                            "saturated_dead"}
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
        dock = window.docks["gradient_flow"]
        dock.show()
        dock.raise_()
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
