"""Training against known results, optimizers, divergence, normalization, metrics."""
import numpy as np
import pytest

from nnviz.engine import (Adam, GradientDescent, Momentum, Network, Standardizer, Trainer,
                          evaluate, r2_score)


def separable(m=200, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, m)
    X = rng.standard_normal((2, m)) * 0.5 + np.where(y == 1, 2.0, -2.0)
    return X, y.reshape(1, -1).astype(float)


def test_logistic_regression_on_separable_data():
    X, Y = separable()
    net = Network([2, 1], [], head="sigmoid", init="zeros")
    costs = Trainer(net, X, Y, GradientDescent(0.5)).run(300)
    assert costs[0] == pytest.approx(np.log(2))  # w = 0 gives A = 0.5 everywhere
    assert costs[-1] < 0.05
    assert evaluate(net, X, Y)["accuracy"] == 1.0


def test_course_planar_flower_one_hidden_layer():
    from nnviz.engine.data.generators import flower
    ds = flower()
    X, Y = ds.X, ds.targets()
    logistic = Network([2, 1], [], head="sigmoid", init="zeros")
    Trainer(logistic, X, Y, GradientDescent(1.2)).run(2000)
    net = Network([2, 4, 1], "tanh", head="sigmoid", init="random", seed=2)
    costs = Trainer(net, X, Y, GradientDescent(1.2)).run(10000)
    assert evaluate(logistic, X, Y)["accuracy"] < 0.6  # linear models fail on the flower
    assert evaluate(net, X, Y)["accuracy"] > 0.85  # the course reports about 90%
    assert costs[-1] < 0.35


def test_zero_init_keeps_hidden_units_identical():
    X, Y = separable(100, 1)
    net = Network([2, 5, 1], "tanh", head="sigmoid", init="zeros")
    Trainer(net, X, Y, GradientDescent(0.5)).run(200)
    W1 = net.params["W1"]
    assert np.ptp(W1, axis=0).max() == 0  # all rows equal: symmetry never broken
    assert np.ptp(net.params["W2"]) == 0


def test_random_init_breaks_symmetry():
    X, Y = separable(100, 1)
    net = Network([2, 5, 1], "tanh", head="sigmoid", init="random", seed=0)
    Trainer(net, X, Y, GradientDescent(0.5)).run(50)
    assert np.ptp(net.params["W1"], axis=0).min() > 1e-4


def test_softmax_regression_learns_three_classes():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 4, -4], [4, -3, -3]])
    y = rng.integers(0, 3, 300)
    X = centres[:, y] + rng.standard_normal((2, 300))
    Y = np.eye(3)[:, y]
    net = Network([2, 8, 3], "relu", head="softmax", seed=0)
    Trainer(net, X, Y, Adam(0.01)).run(500)
    assert evaluate(net, X, Y)["accuracy"] > 0.95


def test_linear_regression_recovers_coefficients():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 500))
    Y = np.array([[2.0, -1.0, 0.5]]) @ X + 3.0
    net = Network([3, 1], [], head="linear", init="zeros")
    Trainer(net, X, Y, GradientDescent(0.3)).run(500)
    np.testing.assert_allclose(net.params["W1"], [[2.0, -1.0, 0.5]], atol=1e-6)
    np.testing.assert_allclose(net.params["b1"], [[3.0]], atol=1e-6)
    assert r2_score(net.predict(X), Y[0]) > 0.999999


@pytest.mark.parametrize("opt", [GradientDescent(0.1), Momentum(0.1, 0.9), Adam(0.05)])
def test_every_optimizer_minimizes(opt):
    X, Y = separable(100, 3)
    net = Network([2, 4, 1], "tanh", head="sigmoid", init="xavier")
    costs = Trainer(net, X, Y, opt).run(300)
    assert costs[-1] < 0.1 * costs[0]


def test_adam_first_step_is_learning_rate_times_sign():
    theta = np.array([1.0, 1.0, 1.0])
    Adam(0.01).step(theta, np.array([3.0, -0.2, 1e-3]))
    np.testing.assert_allclose(theta, [0.99, 1.01, 0.99], rtol=1e-6)


def test_momentum_matches_course_formula():
    theta, g = np.zeros(2), np.array([1.0, -2.0])
    opt = Momentum(0.5, beta=0.9)
    opt.step(theta, g)
    opt.step(theta, g)
    v1 = 0.1 * g
    v2 = 0.9 * v1 + 0.1 * g
    np.testing.assert_allclose(theta, -0.5 * (v1 + v2))


def test_learning_rate_change_takes_effect_next_step():
    X, Y = separable(50, 4)
    a = Network([2, 1], [], init="zeros")
    b = Network([2, 1], [], init="zeros")
    ta, tb = Trainer(a, X, Y, GradientDescent(0.1)), Trainer(b, X, Y, GradientDescent(0.1))
    ta.step(), tb.step()
    tb.optimizer.learning_rate = 0.0
    before = b.theta.copy()
    ta.step(), tb.step()
    np.testing.assert_array_equal(b.theta, before)
    assert not np.array_equal(a.theta, before)


def test_divergence_is_reported_and_last_finite_state_kept():
    X, Y = separable(100, 5)
    X = X * 1e3  # unnormalized, huge features
    net = Network([2, 50, 50, 1], "relu", head="sigmoid", init="he", init_scale=50)
    tr = Trainer(net, X, Y, GradientDescent(10.0))
    results = [tr.step() for _ in range(200)]
    diverged = [r for r in results if r.diverged]
    assert diverged, "a learning rate of 10 on raw features must diverge"
    assert "learning rate" in diverged[0].message.lower()
    assert np.isfinite(net.theta).all()
    assert tr.step().diverged  # stays stopped until reset


@pytest.mark.parametrize("batch_size", [None, 25])
def test_a_diverging_step_counts_no_epoch(batch_size):
    # Full batch: one epoch per iteration, also after a divergence (it was "iteration 3 /
    # epoch 5" after two attempts). Mini-batches of 25 out of 100: four per epoch.
    X, Y = separable(100, 5)
    net = Network([2, 1], [], head="linear", init="zeros")  # squared error: grows geometrically
    tr = Trainer(net, X * 1e3, Y, GradientDescent(10.0), batch_size=batch_size)
    for _ in range(200):
        r = tr.step()
        if r.diverged:
            break
    assert r.diverged and tr.iteration < 200
    per_epoch = 1 if batch_size is None else 4
    assert r.epoch == tr.epoch == tr.iteration // per_epoch
    for _ in range(2):  # trying again (Step after a divergence) takes no step either
        tr.diverged = False
        assert tr.step().diverged
        assert tr.epoch == tr.iteration // per_epoch


def test_mini_batches_cover_each_epoch_and_are_seeded():
    X, Y = separable(100, 6)
    runs = []
    for _ in range(2):
        net = Network([2, 3, 1], "tanh", seed=1)
        tr = Trainer(net, X, Y, GradientDescent(0.1), batch_size=32, seed=7)
        for _ in range(8):
            r = tr.step()
        runs.append(net.theta.copy())
        assert r.epoch == 2 and r.iteration == 8  # 4 batches (32,32,32,4) per epoch
    np.testing.assert_array_equal(runs[0], runs[1])


def test_dropout_training_is_seeded_and_differs_from_no_dropout():
    X, Y = separable(80, 7)
    thetas = []
    for kp in (0.5, 0.5, 1.0):
        net = Network([2, 10, 1], "relu", seed=0)
        Trainer(net, X, Y, GradientDescent(0.1), keep_prob=kp, seed=3).run(5)
        thetas.append(net.theta.copy())
    np.testing.assert_array_equal(thetas[0], thetas[1])
    assert not np.array_equal(thetas[0], thetas[2])


def test_trainer_refuses_bad_data():
    net = Network([2, 1], [])
    with pytest.raises(ValueError, match="NaN"):
        Trainer(net, np.array([[np.nan, 1.0], [0.0, 1.0]]), np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match="input features"):
        Trainer(net, np.zeros((3, 4)), np.zeros((1, 4)))


def test_standardizer_fit_on_train_only_and_zero_variance():
    rng = np.random.default_rng(0)
    X_train = np.vstack([rng.normal(1000, 50, 200), rng.normal(0.001, 1e-4, 200), np.full(200, 7.0)])
    s = Standardizer.fit(X_train)
    Z = s.transform(X_train)
    np.testing.assert_allclose(Z[:2].mean(axis=1), 0, atol=1e-10)
    np.testing.assert_allclose(Z[:2].std(axis=1), 1, rtol=1e-10)
    assert np.isfinite(Z).all() and (Z[2] == 0).all()
    assert s.constant_features == (2,)
    X_test = np.array([[1100.0], [0.001], [7.0]])
    np.testing.assert_allclose(s.transform(X_test)[0, 0], (1100 - X_train[0].mean()) / X_train[0].std())
    np.testing.assert_allclose(s.inverse_transform(s.transform(X_test)), X_test)
