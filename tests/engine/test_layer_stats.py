"""Per-layer statistics: values against first principles, vanishing/exploding gradients on a
20-layer 16-unit net, and the bounded history."""
import warnings

import numpy as np
import pytest

from nnviz.engine import GradientDescent, Network, Trainer
from nnviz.engine.activations import saturated_mask
from nnviz.engine.layer_stats import (SCALAR_FIELDS, LayerStatsHistory, StatsConfig,
                                      compute_layer_stats, layer_statistics)

from .numerical import numerical_gradient

DEEP = [2] + [16] * 20 + [1]  # 20 hidden layers of 16 units


@pytest.fixture(scope="module")
def random_points():
    rng = np.random.default_rng(0)
    return rng.standard_normal((2, 1000)), (rng.random((1, 1000)) > 0.5).astype(float)


_DEEP_CACHE = {}


def deep_stats(points, activation, scale, seed=0):
    key = (activation, scale, seed)
    if key not in _DEEP_CACHE:
        net = Network(DEEP, activation, head="sigmoid", init="he", init_scale=scale, seed=seed)
        _DEEP_CACHE[key] = compute_layer_stats(net, *points)
    return _DEEP_CACHE[key]


def depth_slope(values):
    """Fitted change of log10(value) per layer."""
    return np.polyfit(np.arange(len(values)), np.log10(values), 1)[0]


# -- vanishing and exploding ----------------------------------------------------------------
def test_relu_with_he_init_keeps_activations_and_gradients_of_order_one(random_points):
    s = deep_stats(random_points, "relu", 1.0)
    hidden = slice(0, 20)
    assert s.L == 21 and s.activations[-1] == "sigmoid"
    assert np.all((s.act_std[hidden] > 1e-2) & (s.act_std[hidden] < 10))
    assert abs(depth_slope(s.act_std[hidden])) < 0.1  # no geometric trend (0.5x He: -0.3)
    assert s.grad_norm.max() / s.grad_norm.min() < 30  # about an order of magnitude


def test_half_he_vanishes_geometrically(random_points):
    he = deep_stats(random_points, "relu", 1.0)
    low = deep_stats(random_points, "relu", 0.5)
    hidden = slice(0, 20)
    # each layer halves the signal: log10(0.5) = -0.30 per layer
    assert depth_slope(low.act_std[hidden]) == pytest.approx(np.log10(0.5), abs=0.1)
    # every layer's ||dW|| drops by about six orders of magnitude (0.5^20 ~ 1e-6)
    ratio = low.grad_norm / he.grad_norm
    assert np.all((ratio > 1e-8) & (ratio < 1e-5))
    # the back-propagated signal falls geometrically toward the input
    assert depth_slope(low.dZ_norm[hidden]) == pytest.approx(-np.log10(0.5), abs=0.1)
    assert low.dZ_norm[0] < 1e-4 * low.dZ_norm[19]


def test_double_he_explodes(random_points):
    he = deep_stats(random_points, "relu", 1.0)
    high = deep_stats(random_points, "relu", 2.0)
    hidden = slice(0, 20)
    assert depth_slope(high.act_std[hidden]) == pytest.approx(np.log10(2.0), abs=0.1)
    assert np.all(high.grad_norm / he.grad_norm > 1e5)
    assert depth_slope(high.dZ_norm[hidden]) < -0.2  # grows toward the input
    assert high.dZ_norm[0] > 1e4 * high.dZ_norm[19]


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_sigmoid_hidden_layers_vanish_whatever_the_scale(random_points, scale):
    s = deep_stats(random_points, "sigmoid", scale)
    # the slope is at most 0.25: the first layer's ||dW|| is orders below the last hidden one's
    assert s.grad_norm[0] < 1e-5 * s.grad_norm[19]
    assert np.all(np.isnan(s.dead_fraction))


# -- each number against first principles --------------------------------------------------
def test_statistics_against_direct_computation():
    rng = np.random.default_rng(1)
    net = Network([3, 6, 5, 1], ["tanh", "relu"], head="sigmoid", init="xavier", seed=2)
    X = rng.standard_normal((3, 40))
    Y = (rng.random((1, 40)) > 0.5).astype(float)
    net.params["b2"][0, 0] = -100.0  # unit 0 of layer 2 is dead on every example
    _, caches, grads = net.gradients(X, Y, 0.1, keep_dZ=True)
    s = layer_statistics(net, caches, grads, iteration=7, learning_rate=0.05)
    numeric = numerical_gradient(lambda: net.cost(X, Y, 0.1), net.theta)
    for l in range(1, 4):
        r = l - 1
        dW_num = numeric[net.param_slice(f"W{l}")]
        assert s.grad_norm[r] == pytest.approx(np.linalg.norm(dW_num), rel=1e-6)
        assert s.grad_mean_abs[r] == pytest.approx(np.abs(dW_num).mean(), rel=1e-6)
        assert s.grad_max_abs[r] == pytest.approx(np.abs(dW_num).max(), rel=1e-6)
        assert s.bias_grad_norm[r] == pytest.approx(
            np.linalg.norm(numeric[net.param_slice(f"b{l}")]), rel=1e-6)
        W = net.params[f"W{l}"]
        assert s.weight_norm[r] == pytest.approx(np.sqrt((W ** 2).sum()), rel=1e-12)
        assert s.update_ratio[r] == pytest.approx(0.05 * s.grad_norm[r] / s.weight_norm[r])
        A = caches[r].A
        assert s.act_mean[r] == pytest.approx(A.mean()) and s.act_std[r] == pytest.approx(A.std())
        assert s.dZ_norm[r] == pytest.approx(np.linalg.norm(grads[f"dZ{l}"]))
    dZ3 = caches[2].A - Y
    assert s.dZ_norm[2] == pytest.approx(np.linalg.norm(dZ3))
    assert s.iteration == 7 and s.n_examples == 40
    assert s.dead_fraction[1] == pytest.approx(1 / 5)
    assert np.isnan(s.dead_fraction[0]) and np.isnan(s.saturated_fraction[1])
    expected = saturated_mask("tanh", caches[0].Z, 0.05).mean()
    assert s.saturated_fraction[0] == pytest.approx(expected)
    # the update ratio from the previous theta of one gradient-descent step is the same number
    before = net.theta.copy()
    GradientDescent(0.05).step(net.theta, net.grad)
    after = layer_statistics(net, caches, grads, previous_theta=before)
    np.testing.assert_allclose(after.update_ratio, s.update_ratio, rtol=1e-12)
    assert np.isnan(layer_statistics(net, caches, grads).update_ratio).all()


def test_saturated_fraction_of_a_saturated_sigmoid_layer():
    rng = np.random.default_rng(2)
    net = Network([2, 8, 1], "sigmoid", init="he", init_scale=50.0, seed=1)
    s = compute_layer_stats(net, rng.standard_normal((2, 300)), np.ones((1, 300)))
    assert s.saturated_fraction[0] > 0.8


def test_histograms_have_fixed_bins_and_count_every_sampled_value():
    rng = np.random.default_rng(3)
    net = Network([4, 10, 7, 3], ["relu", "tanh"], head="softmax", seed=3)
    X = 3 * rng.standard_normal((4, 1000))
    Y = np.eye(3)[:, rng.integers(0, 3, 1000)]
    cfg = StatsConfig(bins=20, z_range=(-4.0, 4.0), max_hist_examples=400)
    s = compute_layer_stats(net, X, Y, config=cfg)
    used = 1000 // 3 + 1  # every 3rd example: at most 400 evenly spaced
    assert s.z_hist.shape == (3, 20) and s.a_hist.shape == (3, 20)
    np.testing.assert_array_equal(s.z_edges, np.linspace(-4, 4, 21))
    np.testing.assert_array_equal(s.a_edges[0], np.linspace(0, 4, 21))  # ReLU: [0, z_max]
    np.testing.assert_array_equal(s.a_edges[1], np.linspace(-1, 1, 21))  # tanh
    np.testing.assert_array_equal(s.a_edges[2], np.linspace(0, 1, 21))  # softmax
    _, caches, _ = net.gradients(X, Y, keep_dZ=True)
    for r, n in enumerate((10, 7, 3)):
        assert s.z_hist[r].sum() == n * used == s.a_hist[r].sum()
        Z = np.clip(caches[r].Z[:, ::3], -4, 4)  # out-of-range values land in the end bins
        expected, _ = np.histogram(Z, bins=s.z_edges)
        assert np.abs(s.z_hist[r] - expected).max() <= 1  # (a value on an edge may move)


def test_diverged_values_do_not_raise():
    net = Network([2, 4, 1], "relu", seed=0)
    net.params["W1"][0, 0] = np.inf
    X, Y = np.ones((2, 5)), np.ones((1, 5))
    with np.errstate(all="ignore"):
        s = compute_layer_stats(net, X, Y)
        _, caches, _ = net.gradients(X, Y)
    assert not np.isfinite(s.grad_norm).all()
    for r in range(2):  # infinities land in the end bins, NaN is left out
        assert s.z_hist[r].sum() == np.count_nonzero(~np.isnan(caches[r].Z))
    assert s.z_hist[0, -1] == 5  # the unit with an infinite weight


def test_bad_arguments():
    net = Network([2, 4, 1], seed=0)
    X, Y = np.ones((2, 5)), np.ones((1, 5))
    _, caches, grads = net.gradients(X, Y, keep_dZ=True)
    with pytest.raises(ValueError, match="previous_theta"):
        layer_statistics(net, caches, grads, previous_theta=np.zeros(3))
    with pytest.raises(ValueError, match="caches"):
        layer_statistics(net, caches[:1], grads)
    with pytest.raises(ValueError, match="bins"):
        StatsConfig(bins=1)
    with pytest.raises(ValueError, match="z_range"):
        StatsConfig(z_range=(1.0, -1.0))


# -- history -------------------------------------------------------------------------------
def test_history_memory_stays_bounded_and_keeps_recent_detail():
    rng = np.random.default_rng(4)
    net = Network([2, 5, 1], "tanh", seed=0)
    X, Y = rng.standard_normal((2, 50)), (rng.random((1, 50)) > 0.5).astype(float)
    trainer = Trainer(net, X, Y, GradientDescent(0.5))
    hist = LayerStatsHistory(capacity=32)
    size = None
    for it in range(300):
        trainer.step()
        if it % 3 == 0:
            _, caches, grads = net.gradients(X, Y, keep_dZ=True)
            hist.append(layer_statistics(net, caches, grads, iteration=trainer.iteration))
            size = size or hist.nbytes
            assert hist.nbytes == size and len(hist) <= 32
    its = hist.iterations
    assert its[0] == 1 and its[-1] == 298  # the first and the newest are kept
    assert np.all(np.diff(its) > 0)
    gaps = np.diff(its)
    assert gaps[-1] == 3 and gaps[0] > 3  # recent entries dense, old ones thinned
    assert hist.decimations > 0
    grad = hist.series("grad_norm")
    assert grad.shape == (len(hist), 2) and np.isfinite(grad).all()
    assert hist.histograms("z").shape == (len(hist), 2, 40)
    assert hist.latest.iteration == 298
    assert set(SCALAR_FIELDS) >= {"grad_norm", "dZ_norm", "dead_fraction", "update_ratio"}
    with pytest.raises(ValueError, match="unknown statistic"):
        hist.series("nope")
    other = compute_layer_stats(Network([2, 5, 5, 1], seed=1), X, Y, iteration=1)
    with pytest.raises(ValueError, match="clear"):
        hist.append(other)
    hist.clear()
    hist.append(other)
    assert len(hist) == 1
    with pytest.raises(ValueError, match="iteration"):
        hist.append(compute_layer_stats(Network([2, 5, 5, 1], seed=1), X, Y))


def test_norms_and_spreads_of_huge_and_tiny_finite_values_are_exact():
    # Just before a divergence entries reach 1e200: their squares overflow, the norm does not.
    net = Network([2, 2, 1], "linear", head="linear", seed=0)
    X, Y = np.ones((2, 4)), np.ones((1, 4))
    _, caches, grads = net.gradients(X, Y, keep_dZ=True)
    for scale in (1e200, 1e-200):
        grads["dW1"] = scale * np.array([[3.0, 0.0], [0.0, 4.0]])
        A = scale * np.array([[1.0, 3.0, 1.0, 3.0], [1.0, 3.0, 1.0, 3.0]])
        caches[0] = caches[0]._replace(A=A)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            s = layer_statistics(net, caches, grads)
        assert s.grad_norm[0] == pytest.approx(5.0 * scale, rel=1e-12)
        assert s.grad_mean_abs[0] == pytest.approx(1.75 * scale, rel=1e-12)
        assert s.act_mean[0] == pytest.approx(2.0 * scale, rel=1e-12)
        assert s.act_std[0] == pytest.approx(1.0 * scale, rel=1e-12)


def test_history_forgets_entries_from_an_iteration_on():
    net = Network([2, 3, 1], "tanh", seed=0)
    X, Y = np.ones((2, 5)), np.ones((1, 5))
    h = LayerStatsHistory(capacity=8)
    for it in range(6):
        h.append(compute_layer_stats(net, X, Y, iteration=it))
    h.drop_from(4)
    assert list(h.iterations) == [0, 1, 2, 3] and h.series("grad_norm").shape == (4, 2)
    h.append(compute_layer_stats(net, X, Y, iteration=4))
    assert list(h.iterations) == [0, 1, 2, 3, 4]
