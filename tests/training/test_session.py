"""The Qt-free training session: what it builds, trains and puts in snapshots, checked
against the course's formulas written out by hand."""
import dataclasses

import numpy as np
import pytest

from nnviz.engine.data import flower, train_test_split
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig, course_default
from nnviz.training.session import TrainingSession


def unpack(theta):
    """The course's [2, 4, 1] network from the flat vector W1, b1, W2, b2."""
    W1 = theta[0:8].reshape(4, 2)
    b1 = theta[8:12].reshape(4, 1)
    W2 = theta[12:16].reshape(1, 4)
    b2 = theta[16:17].reshape(1, 1)
    return W1, b1, W2, b2


def course_forward(theta, X):
    W1, b1, W2, b2 = unpack(theta)
    A1 = np.tanh(W1 @ X + b1)
    A2 = 1.0 / (1.0 + np.exp(-(W2 @ A1 + b2)))
    return A1, A2


def course_cost(theta, X, Y):
    _, A2 = course_forward(theta, X)
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


def course_gradient(theta, X, Y):
    W1, b1, W2, b2 = unpack(theta)
    m = X.shape[1]
    A1, A2 = course_forward(theta, X)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return np.concatenate([dW1.ravel(), db1.ravel(), dW2.ravel(), db2.ravel()])


@pytest.fixture
def session():
    return TrainingSession()


def test_default_is_the_course_flower_with_four_tanh_units(session):
    net, d = session.net, session.data
    assert d.name == "flower" and d.task == "binary" and d.head == "sigmoid"
    assert net.layer_dims == [2, 4, 1]
    assert net.activations == ["tanh"] and net.head == "sigmoid"
    assert session.config.hyper.learning_rate == 1.2 and session.config.hyper.optimizer == "gd"
    # random init, randn * 0.01: the sample std of the 12 weights is near 0.01, biases 0.
    W = np.concatenate([net.params["W1"].ravel(), net.params["W2"].ravel()])
    assert 0.004 < W.std() < 0.02
    assert not net.params["b1"].any() and not net.params["b2"].any()
    # The data is the engine's flower split 80/20 (same arrays).
    split = train_test_split(flower(), 0.8, seed=0)
    assert np.array_equal(d.X_train, split.X_train)
    assert np.array_equal(d.Y_test, split.Y_test)
    assert d.m_train == 320 and d.m_test == 80


def test_snapshot_costs_and_boundary_match_the_course_formulas(session):
    session.step(300)
    snap = session.snapshot()
    d = snap.data
    theta = np.array(snap.theta)
    assert snap.iteration == 300
    assert snap.train_cost == pytest.approx(course_cost(theta, d.X_train, d.Y_train), rel=1e-10)
    assert snap.test_cost == pytest.approx(course_cost(theta, d.X_test, d.Y_test), rel=1e-10)
    _, A2 = course_forward(theta, d.X_test)
    assert snap.test_metric == pytest.approx(np.mean((A2[0] > 0.5) == (d.Y_test[0] > 0.5)))
    grid = snap.boundary
    assert grid is not None and grid.kind == "binary"
    for i, j in [(0, 0), (5, 17), (grid.ys.size - 1, grid.xs.size - 1)]:
        _, a = course_forward(theta, np.array([[grid.xs[j]], [grid.ys[i]]]))
        assert grid.values[i, j] == pytest.approx(a[0, 0], rel=1e-10)
    # Per-layer data: Z[1] of the sampled columns is W1 x + b1; dW from backprop by hand.
    W1, b1, _, _ = unpack(theta)
    cols = snap.layer_columns
    assert np.allclose(snap.layers[0].Z, W1 @ d.X_train[:, cols] + b1)
    g = course_gradient(theta, d.X_train, d.Y_train)
    assert np.allclose(snap.layers[0].dW.ravel(), g[0:8])
    assert snap.layers[1].dW_norm == pytest.approx(np.linalg.norm(g[12:16]))


def test_snapshot_arrays_are_read_only(session):
    session.step(3)
    snap = session.snapshot()
    arrays = [snap.theta, snap.history.train_cost, snap.boundary.values, snap.layers[0].W,
              snap.layers[0].Z, snap.data.X_train, *snap.trajectory]
    for a in arrays:
        with pytest.raises(ValueError):
            a.flat[0] = 1.0
    before = np.array(snap.theta)
    session.step(10)
    assert np.array_equal(snap.theta, before)  # training went on; the snapshot did not change


def test_cost_falls_on_the_flower(session):
    first = session.snapshot().train_cost
    session.step(1500)
    snap = session.snapshot()
    assert first == pytest.approx(np.log(2), abs=0.01)  # tiny weights: a ~ 0.5 everywhere
    assert snap.train_cost < 0.3
    assert snap.train_metric > 0.85
    h = snap.history
    assert h.iterations[0] == 0 and h.iterations[-1] <= 1500
    assert h.train_cost[0] == pytest.approx(first)
    assert len(h.iterations) <= 1024


def test_new_learning_rate_applies_at_the_next_step_without_reset(session):
    session.step(5)
    theta = np.array(session.net.theta)
    change = session.apply(dataclasses.replace(session.config,
                                               hyper=Hyperparameters(learning_rate=0.5)))
    assert change == "hyper"
    assert session.iteration == 5 and np.array_equal(session.net.theta, theta)
    d = session.data
    session.step(1)
    expected = theta - 0.5 * course_gradient(theta, d.X_train, d.Y_train)
    assert np.allclose(session.net.theta, expected, rtol=1e-12, atol=1e-15)
    assert session.iteration == 6


def test_changing_layers_rebuilds_with_the_right_shapes(session):
    generation = session.generation
    session.step(5)
    config = dataclasses.replace(session.config, network=NetworkSpec(
        hidden_units=(5, 3), activations=("relu", "tanh"), init="he"))
    assert session.apply(config) == "network"
    assert session.generation == generation + 1 and session.iteration == 0
    snap = session.snapshot()
    assert snap.layer_dims == (2, 5, 3, 1)
    shapes = {k: v.shape for k, v in snap.params().items()}
    assert shapes == {"W1": (5, 2), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1),
                      "W3": (1, 3), "b3": (1, 1)}
    assert [layer.activation for layer in snap.layers] == ["relu", "tanh", "sigmoid"]
    assert len(snap.history.iterations) == 1  # history restarted


def test_reset_and_same_settings_reproduce_the_same_network(session):
    theta0 = np.array(session.net.theta)
    session.step(50)
    assert not np.array_equal(session.net.theta, theta0)
    session.reset()
    assert np.array_equal(session.net.theta, theta0)
    assert session.iteration == 0
    other = TrainingSession(session.config)
    assert np.array_equal(other.net.theta, theta0)
    # A different seed gives a different network.
    seeded = dataclasses.replace(session.config, network=dataclasses.replace(
        session.config.network, seed=7))
    assert not np.array_equal(TrainingSession(seeded).net.theta, theta0)


def test_init_scale_multiplies_the_weights(session):
    theta0 = np.array(session.net.theta)
    config = dataclasses.replace(session.config, network=dataclasses.replace(
        session.config.network, init_scale=30.0))
    session.apply(config)
    assert np.allclose(session.net.theta, 30.0 * theta0)


def test_bad_settings_leave_the_session_intact(session, tmp_path):
    session.step(7)
    net, config, theta = session.net, session.config, np.array(session.net.theta)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,0\n3,oops,1\n5,6,0\n7,8,1\n9,10,0\n")
    with pytest.raises(ValueError, match="row 3"):
        session.apply(dataclasses.replace(config, data=DataSpec(name="csv", csv_path=str(bad))))
    with pytest.raises(ValueError, match="unknown data set"):
        session.apply(dataclasses.replace(config, data=DataSpec(name="nope")))
    assert session.net is net and session.config == config and session.iteration == 7
    assert np.array_equal(session.net.theta, theta)


def test_normalization_is_fitted_on_the_training_split_only():
    config = dataclasses.replace(course_default(), data=DataSpec(name="scaled_features",
                                                                 normalize=True))
    s = TrainingSession(config)
    d = s.data
    assert np.allclose(d.X_train.mean(axis=1), 0, atol=1e-12)
    assert np.allclose(d.X_train.std(axis=1), 1, atol=1e-12)
    mu = d.X_train_raw.mean(axis=1, keepdims=True)
    sigma = d.X_train_raw.std(axis=1, keepdims=True)
    assert np.allclose(d.X_test, (d.X_test_raw - mu) / sigma)
    assert np.allclose(d.mean, mu[:, 0]) and np.allclose(d.std, sigma[:, 0])


def test_divergence_keeps_the_last_finite_state_and_says_how_to_fix_it():
    # ReLU units on features a thousand times apart: every step multiplies the weights.
    config = SessionConfig(DataSpec(name="scaled_features"),
                           NetworkSpec(hidden_units=(4,), activations=("relu",)),
                           Hyperparameters(learning_rate=10.0))
    s = TrainingSession(config)
    result = s.step(2000)
    assert result.diverged and s.diverged
    assert "learning rate" in result.message and "normaliz" in result.message
    snap = s.snapshot("diverged", message=result.message)
    assert np.isfinite(snap.theta).all()
    for value in (snap.train_cost, snap.test_cost, snap.train_metric, snap.test_metric):
        assert np.isfinite(value)
    h = snap.history
    for a in (h.train_cost, h.test_cost, h.train_metric, h.test_metric):
        assert np.isfinite(a).all()
    assert np.isfinite(snap.boundary.values).all()
    for layer in snap.layers:
        for a in (layer.W, layer.dW, layer.Z, layer.A, layer.dZ):
            assert np.isfinite(a).all()


@pytest.mark.parametrize("name, kind", [("iris", "confusion"), ("regression", "boundary")])
def test_outcome_matches_the_data(name, kind):
    s = TrainingSession(dataclasses.replace(course_default(), data=DataSpec(name=name,
                                                                            normalize=True),
                                            hyper=Hyperparameters(learning_rate=0.1)))
    s.step(20)
    snap = s.snapshot()
    if kind == "confusion":
        assert snap.boundary is None and snap.head == "softmax" and snap.layer_dims[-1] == 3
        cm = snap.evaluation.confusion
        assert cm.shape == (3, 3) and cm.sum() == snap.data.m_test
        predicted = snap.network().predict(snap.data.X_test)
        assert np.array_equal(cm.sum(axis=0), np.bincount(predicted, minlength=3))
    else:
        assert snap.boundary.kind == "regression" and snap.metric_name == "R^2"


def test_one_feature_gives_a_response_curve():
    config = dataclasses.replace(course_default(), data=DataSpec(
        name="regression", params=(("n_features", 1),)), hyper=Hyperparameters(learning_rate=0.05))
    s = TrainingSession(config)
    snap = s.snapshot()
    assert snap.curve is not None and snap.boundary is None
    net = snap.network()
    x = snap.curve.xs[::50].reshape(1, -1)
    assert np.allclose(snap.curve.values[0, ::50], net.predict_output(x)[0])


def test_layer_statistics_come_with_every_snapshot_and_a_bounded_history(session):
    snaps = []
    for _ in range(3):
        session.step(7)
        snaps.append(session.snapshot())
    snap = snaps[-1]
    d = snap.data
    g = course_gradient(np.asarray(snap.theta), d.X_train, d.Y_train)
    stats = snap.layer_stats
    assert stats.grad_norm == pytest.approx([np.linalg.norm(g[0:8]), np.linalg.norm(g[12:16])])
    A1, _ = course_forward(np.asarray(snap.theta), d.X_train)
    assert stats.act_mean[0] == pytest.approx(A1.mean())
    h = snap.layer_history
    assert h.iterations.tolist() == [7, 14, 21]
    assert h.series["grad_norm"].shape == (3, 2)
    assert h.series["grad_norm"][-1] == pytest.approx(stats.grad_norm)
    session.snapshot()  # same iteration: no new entry
    assert len(session.layer_history) == 3
    session.reset()
    assert session.snapshot().layer_history.iterations.tolist() == [0]


def flower_at(learning_rate, activation="tanh"):
    c = course_default()
    return dataclasses.replace(
        c, network=dataclasses.replace(c.network, activations=(activation,)),
        hyper=dataclasses.replace(c.hyper, learning_rate=learning_rate))


def test_a_diverging_run_keeps_the_blow_up_out_of_the_history_without_warnings():
    import warnings

    from nnviz.analysis.gradient_flow import diagnose_snapshot
    from nnviz.analysis.gradient_flow_stats import flow_stats
    from nnviz.training.session import RUNAWAY_FACTOR

    # ReLU on large unnormalized inputs at α = 10: diverges within a hundred steps.
    config = flower_at(10.0, "relu")
    s = TrainingSession(dataclasses.replace(
        config, data=dataclasses.replace(config.data, name="scaled_features", params=())))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow ...) fails the test
        for _ in range(100):  # snapshots along the way, as the worker takes them
            s.snapshot()
            result = s.step(5)
            if result.diverged:
                break
        snap = s.snapshot("diverged", message=result.message)
        stats = flow_stats(snap)
        diagnose_snapshot(snap, stats.saturated_fraction, stats.dead_fraction)
    assert result.diverged
    h = snap.history
    start = h.train_cost[0]
    assert 0.5 < start < 0.8  # J at iteration 0: small weights, near log 2
    assert h.train_cost.max() <= RUNAWAY_FACTOR * start  # a sane plot range, not 1e300
    assert np.isfinite(h.test_cost).all()
    assert "climbed to" in result.message and "learning rate" in result.message
    # The path and the per-layer statistics end where the cost history ends.
    assert snap.trajectory_iterations.max() <= h.iterations.max()
    assert 0 < len(snap.layer_history.iterations)
    assert snap.layer_history.iterations.max() <= h.iterations.max()
    for name, series in snap.layer_history.series.items():
        assert np.isfinite(series[~np.isnan(series)]).all(), name
    # The last finite parameters' own statistics: huge, but finite numbers.
    for name in ("grad_norm", "weight_norm", "act_mean", "act_std", "dZ_norm"):
        assert np.isfinite(getattr(snap.layer_stats, name)).all(), name


def test_a_bouncing_run_with_huge_weights_logs_no_warning():
    import warnings

    s = TrainingSession(flower_at(100.0))  # tanh saturates: bounces, never diverges
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(10):
            result = s.step(30)
            snap = s.snapshot()
    assert not result.diverged and np.isfinite(snap.boundary.values).all()


def test_a_too_large_learning_rate_gets_a_bouncing_hint_that_settings_clear():
    # Flower, α = 30: tanh saturates, so the cost swings between ~0.2 and ~0.9 without
    # diverging. The course's α = 1.2 falls steadily and gets no hint.
    s = TrainingSession(flower_at(30.0))
    s.step(300)
    assert not s.diverged
    assert s.snapshot().cost_hint == (
        "The cost is bouncing: the learning rate α = 30 is too large; try 3. With tanh or "
        "sigmoid units it only bounces; it will not diverge.")
    s.set_hyperparameters(dataclasses.replace(s.config.hyper, learning_rate=1.2))
    assert s.snapshot().cost_hint == ""  # new settings: the old verdict is gone at once
    for _ in range(30):
        s.step(100)
        assert s.cost_hint == ""


def test_mini_batch_noise_is_not_bouncing_but_a_large_rate_is():
    for rate, bouncing in ((1.2, False), (10.0, True)):
        config = flower_at(rate)
        s = TrainingSession(dataclasses.replace(
            config, hyper=dataclasses.replace(config.hyper, batch_size=64)))
        hints = []
        for _ in range(20):
            s.step(100)
            hints.append(s.cost_hint)
        assert all("bouncing" in h for h in hints[5:]) if bouncing else not any(hints)
