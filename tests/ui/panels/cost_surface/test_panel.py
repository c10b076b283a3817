"""Cost surface panel: the map, the path and the lesson must agree with the mathematics."""
import threading
import time

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

import nnviz.engine.cost_surface as surface_engine
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig, course_default
from nnviz.training.controller import TrainingController
from nnviz.training.session import TrainingSession
from nnviz.ui.panels import panel_spec
from nnviz.ui.panels.cost_surface.panel import LIVE_RATE_HZ, LIVE_RESOLUTION, CostSurfacePanel
from nnviz.analysis.cost_surface import (
    SurfaceRequest, auto_extent, compute_surface, local_shape, negative_curvature_share,
    squared_error_grid,
)
from nnviz.ui.theme import DARK
from nnviz.ui.workspaces import workspace_of
from tests.ui.layout_rules import panel_in_plain_host

TIMEOUT = 20000


@pytest.fixture
def panel(qtbot):
    """The panel in a plain, not shown host, as a dock holds it; its job thread is shut down
    at the end (the fixture holds `host`: pytest-qt keeps only a weak reference)."""
    widget = panel_in_plain_host(qtbot, CostSurfacePanel, (1100, 650))
    yield widget
    widget.shutdown()


def logistic_config(normalize=False, lr=1e-3, noise=0.5):
    """Logistic regression (no hidden layer) on the badly scaled features."""
    return SessionConfig(DataSpec(name="scaled_features", normalize=normalize,
                                  params=(("noise", noise),)),
                         NetworkSpec(hidden_units=(), activations=()),
                         Hyperparameters(learning_rate=lr))


def paused_snapshot(config, steps):
    session = TrainingSession(config)
    session.step(steps)
    return session, session.snapshot(state="paused")


def show(qtbot, panel, snapshot, **settings):
    """Feed a snapshot and wait for the fine (paused) surface of exactly that snapshot."""
    panel.on_snapshot(snapshot)
    for name, value in settings.items():
        getattr(panel, name)(*value) if isinstance(value, tuple) else getattr(panel, name)(value)
    qtbot.waitUntil(lambda: panel.result is not None and not panel.runner.busy
                    and panel.result.request.iteration == snapshot.iteration, timeout=TIMEOUT)
    return panel.result


def image(panel):
    return np.asarray(panel.surface_plot.image.image, dtype=np.float64)


def bce(X, Y, w, b):
    """Logistic regression's cross-entropy, written out: J = mean(log(1 + e^-z) + (1 - y) z)."""
    z = w @ X + b
    return float(np.mean(np.logaddexp(0.0, -z) + (1.0 - Y[0]) * z))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- the map ------------------------------------------------------------------------------
def test_flower_surface_centre_is_the_training_cost(qtbot, panel):
    session, snap = paused_snapshot(course_default(), 60)
    panel.controls.log_check.setChecked(False)
    r = show(qtbot, panel, snap)
    assert snap.layer_dims == (2, 4, 1) and r.mode == "pca"  # a hidden layer: PCA of the path
    assert r.costs.shape == (61, 61) and r.request.dtype == "float64"
    centre = image(panel)[30, 30]
    assert centre == pytest.approx(snap.train_cost_with_l2, rel=1e-6)
    assert r.centre_cost == pytest.approx(snap.train_cost, rel=1e-12)
    # The same J from the engine's own network cost, independent of the grid code.
    net = snap.network()
    assert centre == pytest.approx(net.cost(snap.data.X_train, snap.data.Y_train), rel=1e-6)
    plot = panel.surface_plot.plot
    assert plot.getAxis("bottom").labelText.startswith("PC1 (")
    assert "% of variance" in plot.getAxis("left").labelText
    assert f"{r.centre_cost:.5g}" in panel.status.text()


def test_log_colours_are_log10_of_the_same_grid(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    _, snap = paused_snapshot(course_default(), 30)
    r = show(qtbot, panel, snap)
    assert panel.controls.log_check.isChecked()
    np.testing.assert_allclose(image(panel), np.log10(r.costs), rtol=1e-12)
    low, high = panel.surface_plot.colour_bar.levels()
    assert low == pytest.approx(np.log10(r.costs.min())) and high == pytest.approx(
        np.log10(r.costs.max()))
    assert panel.surface_plot.colour_bar.axis.labelText == "log₁₀ J"
    levels = [c.level for c in panel.surface_plot.contours if c.isVisible()]
    assert len(levels) == 10 and all(low < v < high for v in levels)


def test_two_parameter_mode_is_the_w1_w2_bowl(qtbot, panel):
    _, snap = paused_snapshot(logistic_config(normalize=True, lr=0.5), 40)
    panel.controls.log_check.setChecked(False)
    r = show(qtbot, panel, snap)
    assert r.mode == "parameters" and panel.parameters() == ("W1[0,0]", "W1[0,1]")
    plot = panel.surface_plot.plot
    assert (plot.getAxis("bottom").labelText, plot.getAxis("left").labelText) == (
        "W1[0,0]", "W1[0,1]")
    w1, w2, b = snap.theta
    # The axes show the weights' own values, centred on the current ones.
    assert r.xs[30] == pytest.approx(w1) and r.ys[30] == pytest.approx(w2)
    X, Y = snap.data.X_train, snap.data.Y_train
    J = image(panel)
    for i, j in [(0, 0), (30, 5), (12, 47), (60, 60), (45, 30)]:
        direct = bce(X, Y, np.array([r.xs[j], r.ys[i]]), b)
        assert J[i, j] == pytest.approx(direct, rel=1e-9), (i, j)
    row = [bce(X, Y, np.array([x, r.ys[7]]), b) for x in r.xs]
    np.testing.assert_allclose(J[7], row, rtol=1e-9)
    column = [bce(X, Y, np.array([r.xs[52], y]), b) for y in r.ys]
    np.testing.assert_allclose(J[:, 52], column, rtol=1e-9)


def test_chosen_parameters_follow_the_pickers(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    _, snap = paused_snapshot(course_default(), 20)
    panel.on_snapshot(snap)
    panel.set_mode("parameters")
    panel.set_parameters("W2[0,3]", "b1[2]")
    qtbot.waitUntil(lambda: panel.result is not None and not panel.runner.busy
                    and panel.result.mode == "parameters", timeout=TIMEOUT)
    r = panel.result
    params = snap.params()
    assert r.axis_labels == ("W2[0,3]", "b1[2]")
    assert r.origin == (pytest.approx(params["W2"][0, 3]), pytest.approx(params["b1"][2, 0]))
    assert panel.controls.y_picker.col.isHidden()  # a bias has no column index


# -- the path -----------------------------------------------------------------------------
def test_path_has_every_recorded_theta_and_ends_at_the_current_point(qtbot, panel):
    session, snap = paused_snapshot(logistic_config(normalize=True, lr=0.5), 25)
    show(qtbot, panel, snap)
    trajectory = snap.trajectory
    ends_recorded = np.array_equal(trajectory[-1], snap.theta)
    path = panel.path_data()
    assert len(path) == len(trajectory) + (0 if ends_recorded else 1)
    # Two parameters: the path is the weights themselves, the current point last.
    np.testing.assert_allclose(path[-1], snap.theta[:2], rtol=1e-12)
    np.testing.assert_allclose(path[:len(trajectory)], np.stack(trajectory)[:, :2], rtol=1e-12)
    assert panel.surface_plot.now_marker.data["x"][0] == pytest.approx(snap.theta[0])

    panel.set_mode("pca")
    qtbot.waitUntil(lambda: not panel.runner.busy and panel.result.mode == "pca",
                    timeout=TIMEOUT)
    path = panel.path_data()
    np.testing.assert_allclose(path[-1], [0.0, 0.0], atol=1e-12)  # centred on the current θ
    start = panel.result.project(trajectory[0])
    np.testing.assert_allclose(path[0], start, rtol=1e-12)
    assert start[0] < 0  # PCA's sign convention: training moves toward +PC1


def test_path_extends_with_every_snapshot_without_a_new_surface(qtbot, panel):
    session, snap = paused_snapshot(logistic_config(normalize=True, lr=0.5), 10)
    show(qtbot, panel, snap)
    surface = panel.result
    panel.runner.submit = lambda *a, **k: pytest.fail("no new surface expected")  # noqa
    panel._schedule = lambda urgent=False: None  # only the path reacts below
    lengths = []
    for _ in range(5):
        session.step(1)
        panel.on_snapshot(session.snapshot(state="running"))
        lengths.append(len(panel.path_data()))
        np.testing.assert_allclose(panel.path_data()[-1], session.net.theta[:2], rtol=1e-12)
    assert panel.result is surface
    assert lengths == sorted(lengths) and lengths[-1] == lengths[0] + 4


# -- directions ---------------------------------------------------------------------------
def test_reroll_changes_random_directions_deterministically(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    _, snap = paused_snapshot(course_default(), 20)
    show(qtbot, panel, snap)
    panel.set_mode("random")
    qtbot.waitUntil(lambda: not panel.runner.busy and panel.result.mode == "random",
                    timeout=TIMEOUT)
    net = snap.network()
    first = panel.result.directions
    expected = surface_engine.random_directions(net, seed=0, centre=snap.theta)
    np.testing.assert_array_equal(first.d1, expected.d1)
    np.testing.assert_array_equal(first.d2, expected.d2)
    assert panel.result.axis_labels[0] == "random direction 1 (filter-normalized)"

    panel.controls.reroll_button.click()
    assert panel.controls.seed_spin.value() == 1
    qtbot.waitUntil(lambda: not panel.runner.busy and panel.result.directions.seed == 1,
                    timeout=TIMEOUT)
    second = panel.result.directions
    assert not np.allclose(second.d1, first.d1)
    np.testing.assert_array_equal(
        second.d1, surface_engine.random_directions(net, seed=1, centre=snap.theta).d1)
    # Filter-normalized: each unit's row of d has the norm of its row of W; biases zero.
    W1 = snap.params()["W1"]
    d1 = second.d1[net.param_slice("W1")].reshape(W1.shape)
    np.testing.assert_allclose(np.linalg.norm(d1, axis=1), np.linalg.norm(W1, axis=1))
    assert not np.any(second.d1[net.param_slice("b1")])

    panel.controls.seed_spin.setValue(0)
    qtbot.waitUntil(lambda: not panel.runner.busy and panel.result.directions.seed == 0,
                    timeout=TIMEOUT)
    np.testing.assert_array_equal(panel.result.directions.d1, first.d1)


def test_pca_falls_back_to_random_until_the_path_spans_two_directions(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    _, snap = paused_snapshot(course_default(), 0)  # one recorded theta
    r = show(qtbot, panel, snap)
    assert panel.mode() == "pca" and r.mode == "random"
    assert "PCA needs" in r.note and "PCA needs" in panel.lesson.text()


def test_surface_is_computed_off_the_gui_thread(qtbot, panel, monkeypatch):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    calls = []
    original = surface_engine.cost_surface

    def recording(*args, **kwargs):
        calls.append(threading.get_ident())
        return original(*args, **kwargs)

    monkeypatch.setattr(surface_engine, "cost_surface", recording)
    _, snap = paused_snapshot(course_default(), 20)
    show(qtbot, panel, snap)
    assert calls and threading.get_ident() not in calls


# -- live training ------------------------------------------------------------------------
def test_live_training_coarse_then_fine_at_a_bounded_rate(qtbot, panel):
    controller = TrainingController(course_default())
    controller.snapshot.connect(panel.on_snapshot)
    submits = []
    original = panel._submit

    def recording(snapshot, live, cancel_running=False):
        submits.append((live, time.monotonic()))
        original(snapshot, live, cancel_running)

    panel._submit = recording
    try:
        controller.start()
        qtbot.waitUntil(lambda: controller.latest is not None, timeout=TIMEOUT)
        controller.play()
        qtbot.waitUntil(lambda: panel.result is not None and panel.result.request.dtype
                        == "float32" and panel.result.request.iteration > 0, timeout=TIMEOUT)
        assert panel.result.costs.shape == (LIVE_RESOLUTION, LIVE_RESOLUTION)
        # The path follows training between two surfaces (its length need not grow: the
        # recorded path is thinned to half when it reaches its 256 points).
        first_end = panel.path_data()[-1].copy()
        qtbot.waitUntil(lambda: len(panel.path_data()) > 3
                        and not np.allclose(panel.path_data()[-1], first_end),
                        timeout=TIMEOUT)
        qtbot.waitUntil(lambda: sum(live for live, _ in submits) >= 3, timeout=TIMEOUT)
        controller.pause()
        qtbot.waitUntil(lambda: controller.latest.state == "paused" and not panel.runner.busy
                        and panel.result.request.dtype == "float64"
                        and panel.result.request.iteration == controller.latest.iteration,
                        timeout=TIMEOUT)
        latest = controller.latest
        assert panel.result.costs.shape == (61, 61)
        panel.controls.log_check.setChecked(False)
        assert image(panel)[30, 30] == pytest.approx(latest.train_cost, rel=1e-6)
        np.testing.assert_allclose(panel.path_data()[-1], [0.0, 0.0], atol=1e-12)
    finally:
        controller.shutdown()
    live = [t for is_live, t in submits if is_live]
    assert len(live) >= 3
    assert min(np.diff(live)) >= 1.0 / LIVE_RATE_HZ - 1e-3  # never faster than 4 Hz


def test_shutdown_stops_the_runner(qtbot, panel):
    _, snap = paused_snapshot(course_default(), 10)
    panel.on_snapshot(snap)  # a job is running or queued
    panel.shutdown()
    assert not panel.runner._thread.isRunning()
    assert not panel._timer.isActive()


# -- the two lessons ----------------------------------------------------------------------
def request_for(snap, **kwargs):
    return SurfaceRequest(theta=snap.theta, layer_dims=snap.layer_dims,
                          activations=snap.activations, head=snap.head, alpha=None,
                          X=snap.data.X_train, Y=snap.data.Y_train,
                          trajectory=snap.trajectory, **kwargs)


def test_normalization_turns_a_narrow_valley_into_a_round_bowl():
    _, raw = paused_snapshot(logistic_config(normalize=False, lr=1e-5, noise=2.0), 18)
    _, normalized = paused_snapshot(logistic_config(normalize=True, lr=0.5, noise=2.0), 60)
    narrow = compute_surface(request_for(raw, resolution=21))
    round_ = compute_surface(request_for(normalized, resolution=21))
    big, small = narrow.curvature
    assert big / small > 1e4  # x2 is ~1000x x1: curvatures differ by ~1000^2
    big, small = round_.curvature
    assert 1 <= big / small < 4
    # Curvature in the slice = the Hessian of J in (w1, w2): (1/m) sum s(1-s) x x^T.
    X = normalized.data.X_train
    s = sigmoid(normalized.theta[:2] @ X + normalized.theta[2])
    hessian = (s * (1 - s) * X) @ X.T / X.shape[1]
    np.testing.assert_allclose(round_.curvature, np.linalg.eigvalsh(hessian)[::-1], rtol=1e-3)


def test_lesson_text_speaks_to_what_is_shown(qtbot, panel):
    _, raw = paused_snapshot(logistic_config(normalize=False, lr=1e-5, noise=2.0), 9)
    show(qtbot, panel, raw)
    text = panel.lesson.text()
    assert "long and thin" in text and "not normalized" in text and "zig-zag" in text
    _, normalized = paused_snapshot(logistic_config(normalize=True, lr=0.5, noise=2.0), 30)
    normalized = dataclass_replace_generation(normalized, raw.generation + 1)
    show(qtbot, panel, normalized)
    text = panel.lesson.text()
    assert "nearly round" in text and "Inputs are normalized" in text


def dataclass_replace_generation(snapshot, generation):
    import dataclasses
    return dataclasses.replace(snapshot, generation=generation)


def test_squared_error_comparison_is_not_convex(qtbot, panel):
    _, snap = paused_snapshot(logistic_config(normalize=True, lr=1.0), 100)
    panel.controls.log_check.setChecked(False)
    panel.controls.auto_extent.setChecked(False)
    panel.controls.extent_spin.setValue(8.0)
    convex = show(qtbot, panel, snap)
    assert convex.request.loss == "cross_entropy" and convex.negative_curvature_share == 0.0
    assert "bends downward on <b>none</b>" in panel.lesson.text()

    panel.set_loss("squared_error")
    qtbot.waitUntil(lambda: not panel.runner.busy
                    and panel.result.request.loss == "squared_error", timeout=TIMEOUT)
    r = panel.result
    assert r.negative_curvature_share > 0.05
    assert "not convex" in panel.lesson.text()
    X, Y = snap.data.X_train, snap.data.Y_train
    b = snap.theta[2]
    J = image(panel)
    for i, j in [(0, 0), (30, 30), (10, 50), (55, 3)]:
        a = sigmoid(np.array([r.xs[j], r.ys[i]]) @ X + b)
        assert J[i, j] == pytest.approx(0.5 * np.mean((a - Y[0]) ** 2), rel=1e-9)


def test_squared_error_grid_matches_a_plain_loop():
    """A hidden tanh layer and a softmax output, every grid point by hand."""
    config = SessionConfig(DataSpec(name="gaussians"), NetworkSpec(hidden_units=(3,),
                                                                    activations=("tanh",)))
    session, snap = paused_snapshot(config, 5)
    net = snap.network(np.float64)
    rng = np.random.default_rng(1)
    directions = surface_engine.SurfaceDirections("custom", rng.standard_normal(net.n_params),
                                                  rng.standard_normal(net.n_params), ("a", "b"))
    X, Y = snap.data.X_train[:, :40], snap.data.Y_train[:, :40]
    alphas, betas = np.linspace(-1, 1, 4), np.linspace(-2, 2, 3)
    grid = squared_error_grid(net, X, Y, snap.theta, directions, alphas, betas, lambd=0.7,
                              m_full=50)
    for i, beta in enumerate(betas):
        for j, alpha in enumerate(alphas):
            theta = snap.theta + alpha * directions.d1 + beta * directions.d2
            p = {name: theta[sl].reshape(shape) for name, sl, shape in net.layout}
            A1 = np.tanh(p["W1"] @ X + p["b1"])
            Z2 = p["W2"] @ A1 + p["b2"]
            A2 = 1 / (1 + np.exp(-Z2)) if snap.head == "sigmoid" else (
                np.exp(Z2) / np.exp(Z2).sum(axis=0))
            J = 0.5 * np.mean(np.sum((A2 - Y) ** 2, axis=0))
            J += 0.7 / (2 * 50) * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
            assert grid[i, j] == pytest.approx(J, rel=1e-12)


# -- pure helpers -------------------------------------------------------------------------
def test_local_shape_and_negative_curvature_on_known_functions():
    a, b = np.meshgrid(np.linspace(-1, 1, 3) * 0.1, np.linspace(-1, 1, 3) * 0.2)
    quadratic = 3 * a ** 2 + 2 * a * b + 0.5 * b ** 2  # Hessian [[6, 2], [2, 1]]
    curvature, plane = local_shape(quadratic + 1.0, (0.1, 0.2))
    np.testing.assert_allclose(curvature, np.linalg.eigvalsh([[6, 2], [2, 1]])[::-1])
    assert not plane
    _, plane = local_shape(1.0 + 4 * a - b, (0.1, 0.2))
    assert plane
    x, y = np.meshgrid(np.linspace(-2, 2, 21), np.linspace(-2, 2, 21))
    assert negative_curvature_share(x ** 2 + 0.001 * y ** 2 + np.abs(x - y) ** 1.5) == 0.0
    assert negative_curvature_share(-(x ** 2) - y ** 2) == 1.0
    assert 0 < negative_curvature_share(np.cos(2 * x) + y ** 2) < 1


def test_auto_extent():
    path = np.array([[-3.0, 0.01], [-1.0, -0.02], [0.0, 0.0]])
    assert auto_extent(path, "pca") == (pytest.approx(3.9), pytest.approx(3.9))
    assert auto_extent(path, "random") == (pytest.approx(3.9), pytest.approx(3.9))
    assert auto_extent(np.zeros((1, 2)), "random") == (1.0, 1.0)
    assert auto_extent(np.zeros((1, 2)), "parameters", origin=(0.5, -2.0)) == (4.0, 4.0)
    ea, eb = auto_extent(path, "parameters", stretch=True)
    assert (ea, eb) == (pytest.approx(3.9), pytest.approx(0.026))


# -- controls, theme, integration ---------------------------------------------------------
def test_same_parameter_twice_is_refused(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    _, snap = paused_snapshot(logistic_config(normalize=True, lr=0.5), 5)
    show(qtbot, panel, snap)
    shown = panel.result
    panel.set_parameters("W1[0,1]", "W1[0,1]")
    assert "two different parameters" in panel.status.text()
    assert not panel.runner.busy and panel.result is shown


def test_loss_choice_is_off_for_a_linear_output(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    config = SessionConfig(DataSpec(name="regression"), NetworkSpec(hidden_units=(3,),
                                                                     activations=("tanh",)))
    _, snap = paused_snapshot(config, 5)
    r = show(qtbot, panel, snap)
    assert not panel.controls.loss_combo.isEnabled() and "already uses squared error" in \
        panel.controls.loss_combo.toolTip()
    assert r.request.loss == "cross_entropy"  # the head's own loss: (1/2m) sum (a - y)^2
    assert r.centre_cost == pytest.approx(snap.train_cost, rel=1e-12)


def test_3d_view_is_off_without_opengl_and_says_why(panel):
    assert not panel.controls.gl_check.isEnabled()  # the offscreen test platform has no OpenGL
    assert "OpenGL" in panel.controls.gl_check.toolTip() or "PyOpenGL" in panel.controls.gl_check.toolTip()


def test_every_control_has_a_tooltip(panel):
    controls = [panel.controls.mode_combo, panel.controls.x_picker.tensor, panel.controls.x_picker.row,
                panel.controls.y_picker.col, panel.controls.seed_spin, panel.controls.reroll_button, panel.controls.loss_combo,
                panel.controls.resolution_spin, panel.controls.auto_extent, panel.controls.extent_spin,
                panel.controls.stretch_check, panel.controls.log_check, panel.controls.gl_check, panel.status,
                panel.lesson, panel.surface_plot]
    for control in controls:
        assert len(control.toolTip()) > 30, control


def test_theme_and_figures(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)  # coarse: this test is not about detail
    _, snap = paused_snapshot(course_default(), 10)
    show(qtbot, panel, snap)
    panel.on_theme(DARK)
    assert panel.surface_plot.backgroundBrush().color().name() == DARK.background
    assert DARK.foreground in panel.legend.text()
    figures = panel.figures()
    assert list(figures) == ["cost_surface"]
    assert panel.surface_plot.plot in figures["cost_surface"].items


def test_registered_as_a_dock():
    spec = panel_spec("cost_surface")
    assert spec.load() is CostSurfacePanel
    assert workspace_of("cost_surface").key == "landscape"


def test_contour_segments_lie_on_the_level():
    from nnviz.analysis.cost_surface import contour_segments
    # A plane in pixel coordinates (value [i, j] at x = j + 0.5, y = i + 0.5): exact lines.
    i, j = np.mgrid[0:30, 0:40]
    plane = 0.3 * (j + 0.5) - 0.7 * (i + 0.5)
    segments = contour_segments(plane, -2.0)
    assert len(segments) > 10
    np.testing.assert_allclose(0.3 * segments[..., 0] - 0.7 * segments[..., 1], -2.0,
                               atol=1e-12)
    # A cone: a closed ring at the radius, up to the grid's linear interpolation.
    cone = np.hypot(j + 0.5 - 20, i + 0.5 - 15)
    ring = contour_segments(cone, 9.0).reshape(-1, 2)
    np.testing.assert_allclose(np.hypot(ring[:, 0] - 20, ring[:, 1] - 15), 9.0, atol=0.06)
    points, counts = np.unique(np.round(ring, 9), axis=0, return_counts=True)
    assert np.all(counts == 2)  # every end point is shared by two segments: a closed curve
    # A saddle cell: the centre (0.5) is above 0.5 like corners 00 and 11, which connect.
    saddle = contour_segments(np.array([[1.0, 0.0], [0.0, 1.0]]), 0.5)
    pairs = {frozenset(map(tuple, segment.round(12))) for segment in saddle}
    assert pairs == {frozenset({(1.0, 0.5), (1.5, 1.0)}),   # cuts off corner 01
                     frozenset({(1.0, 1.5), (0.5, 1.0)})}   # cuts off corner 10
    assert contour_segments(np.ones((5, 5)), 0.5).shape == (0, 2, 2)


def test_drawn_contours_are_the_results_segments(qtbot, panel):
    panel.controls.resolution_spin.setValue(21)
    _, snap = paused_snapshot(course_default(), 20)
    r = show(qtbot, panel, snap)
    values, lines = r.contours[True]
    np.testing.assert_array_equal(values, image(panel))
    for curve, (level, segments) in zip(panel.surface_plot.contours, lines):
        assert curve.level == level
        rect = curve.boundingRect()
        assert rect.left() == pytest.approx(segments[..., 0].min())
        assert rect.bottom() == pytest.approx(segments[..., 1].max())


def test_resolution_is_odd_so_the_current_theta_is_a_grid_point(panel):
    _, snap = paused_snapshot(course_default(), 0)
    panel.controls.resolution_spin.setValue(40)
    assert panel.make_request(snap, live=False).resolution == 41
    assert panel.make_request(snap, live=True).resolution == 21
    panel.controls.resolution_spin.editingFinished.emit()
    assert panel.controls.resolution_spin.value() == 41


# -- the map fills the plot, the texts are never cut off ----------------------------------
def test_fill_aspect_widens_one_axis_to_the_plot_shape():
    from nnviz.analysis.cost_surface import fill_aspect

    assert fill_aspect((10.0, 10.0), 2.0) == (20.0, 10.0)
    assert fill_aspect((10.0, 10.0), 0.5) == (10.0, 20.0)
    assert fill_aspect((30.0, 10.0), 2.0) == (30.0, 15.0)  # never shrinks an axis
    assert fill_aspect((1.0, 1.0), 100.0) == (4.0, 1.0)     # clipped to 1/4 .. 4
    assert fill_aspect((1.0, 1.0), float("nan")) == (1.0, 1.0)


def test_a_to_scale_grid_has_the_plot_s_shape_a_stretched_one_the_path_s():
    session, snap = paused_snapshot(course_default(), 40)
    base = dict(theta=snap.theta, layer_dims=snap.layer_dims, activations=snap.activations,
                head=snap.head, alpha=None, X=snap.data.X_train, Y=snap.data.Y_train,
                mode="random", resolution=11, extent=2.0)
    r = compute_surface(SurfaceRequest(**base, aspect=1.75))
    assert r.to_scale and r.extent == (pytest.approx(3.5), pytest.approx(2.0))
    assert r.alphas[0] == pytest.approx(-3.5) and r.betas[-1] == pytest.approx(2.0)
    # J at a corner of the widened grid, directly: θ + α d1 + β d2.
    net = snap.network(np.float64)
    d = r.directions
    net.set_theta(snap.theta + r.alphas[0] * d.d1 + r.betas[-1] * d.d2)
    J = net.gradients(snap.data.X_train, snap.data.Y_train)[0]
    assert r.costs[-1, 0] == pytest.approx(J, rel=1e-9)
    stretched = compute_surface(SurfaceRequest(**{**base, "extent": None}, stretch=True,
                                               aspect=1.75))
    assert not stretched.to_scale or np.isclose(*stretched.extent)
    assert stretched.extent == auto_extent(stretched.path - np.asarray(stretched.origin),
                                           "random", stretch=True)


@pytest.mark.parametrize("width,height", [(1335, 670), (973, 499), (1100, 420)])
def test_heat_map_fills_the_plot_and_the_texts_are_whole(qtbot, width, height):
    host = QWidget()
    qtbot.addWidget(host)
    panel = CostSurfacePanel(parent=host)
    host.resize(width, height)
    panel.resize(width, height)
    host.show()
    try:
        _, snap = paused_snapshot(course_default(), 300)
        panel.on_snapshot(snap)
        box = panel.surface_plot.plot.vb

        def filled():
            if panel.result is None or panel.runner.busy:
                return False
            img = panel.surface_plot.image.sceneBoundingRect()
            view = box.sceneBoundingRect()
            return (img.width() > 0.85 * view.width()
                    and img.height() > 0.85 * view.height())

        qtbot.waitUntil(filled, timeout=TIMEOUT)  # once the grid has the plot's shape
        r = panel.result
        assert r.mode == "pca" and r.to_scale  # both axes in θ units, on the same scale
        image_rect = panel.surface_plot.image.sceneBoundingRect()
        assert box.sceneBoundingRect().contains(image_rect.center())
        # to scale: one unit of α is as many pixels as one unit of β
        x_range, y_range = box.viewRange()
        px_per_x = box.width() / (x_range[1] - x_range[0])
        px_per_y = box.height() / (y_range[1] - y_range[0])
        assert px_per_x == pytest.approx(px_per_y, rel=0.02)
        qtbot.wait(50)  # the layout follows a new text on the next turn of the event loop
        for label in (panel.legend, panel.lesson):  # every line of the texts is shown
            assert label.text() and label.height() >= label.heightForWidth(label.width())
            assert label.visibleRegion().boundingRect().height() >= label.height() - 1
    finally:
        panel.shutdown()
        host.close()
