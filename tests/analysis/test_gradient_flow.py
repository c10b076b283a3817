"""The gradient-flow verdict and statistics, without Qt: vanishing and exploding gradients
judged from real backprop norms of deep networks, and the numbers behind the panel's plots."""
import dataclasses

import numpy as np
import pytest

from nnviz.analysis.gradient_flow import (
    BAD, EXPLODING, HEALTHY, OK, UNKNOWN, VANISHING, WARN, TrainingContext, diagnose_gradient_flow,
    geometric_slope,
)
from nnviz.analysis.gradient_flow_stats import (
    METRIC_KEYS, LayerHistory, activation_fractions, layer_histograms, nice_ceil, spans_decades,
)
from nnviz.engine.network import Network

DEPTH, WIDTH = 20, 16            # 19 hidden layers of 16 units + 1 output unit


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
    from nnviz.analysis.gradient_flow_stats import FlowStats
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


def course_snapshot(steps, **hyper):
    from nnviz.training.config import course_default
    from nnviz.training.session import TrainingSession

    config = course_default()
    session = TrainingSession(dataclasses.replace(
        config, hyper=dataclasses.replace(config.hyper, **hyper)))
    session.step(steps)
    return session.snapshot()


def test_saturated_tanh_units_turn_a_balanced_flow_into_a_warning():
    from nnviz.analysis.gradient_flow import diagnose_snapshot
    from nnviz.analysis.gradient_flow_stats import flow_stats

    # The course's flower net at α = 1.2: W[1] grows, and after 3000 steps most of the four
    # tanh units' values sit where |g'(z)| = 1 - tanh(z)² < 0.05, i.e. |z| > atanh(√0.95).
    snapshot = course_snapshot(3000)
    X = snapshot.data.X_train
    params = snapshot.params()
    Z1 = params["W1"] @ X + params["b1"]
    share = np.mean(np.abs(Z1) > np.arctanh(np.sqrt(0.95)))
    assert share > 0.6
    stats = flow_stats(snapshot)
    assert stats.saturated_fraction[0] == pytest.approx(share)
    d = diagnose_snapshot(snapshot, stats.saturated_fraction, stats.dead_fraction)
    assert (d.verdict, d.severity) == (HEALTHY, WARN)
    assert d.headline == ("Gradient flow is balanced, but most tanh units of layer 1 are "
                          "saturated")
    assert f"{share:.0%} of layer 1's tanh values" in d.explanation
    remedies = " ".join(d.remedies)
    # What can help here: the inputs are raw, λ = 0; the init (σ = 0.01) is not the cause.
    assert "Normalize the inputs" in remedies and "now λ = 0" in remedies
    assert "initial weights" not in remedies
    # At the start (σ = 0.01: Z ≈ 0) nothing is saturated: healthy, no warning.
    fresh = course_snapshot(0)
    stats = flow_stats(fresh)
    d = diagnose_snapshot(fresh, stats.saturated_fraction, stats.dead_fraction)
    assert (d.verdict, d.severity, d.headline) == (HEALTHY, OK, "Healthy gradient flow")


def test_saturation_from_a_large_init_names_the_init_and_dead_units_name_the_layer(points):
    dW, dZ = np.full(3, 1e-2), np.full(3, 1e-2)
    context = TrainingContext(init="xavier", init_scale=4.0, normalized=True,
                              learning_rate=0.1, cost=0.5, lambd=0.0)
    d = diagnose_gradient_flow(dW, dZ, (2, 8, 8, 1), ("tanh", "tanh", "sigmoid"),
                               W_norms=np.ones(3), saturated_fraction=[0.3, 0.8, np.nan],
                               context=context)
    assert d.severity == WARN and "layer 2 are saturated" in d.headline
    assert "Smaller initial weights (now xavier × 4)" in d.remedies[0]
    d = diagnose_gradient_flow(dW, dZ, (2, 8, 8, 1), ("relu", "relu", "sigmoid"),
                               W_norms=np.ones(3), dead_fraction=[0.1, 0.95, np.nan],
                               context=context)
    assert (d.severity, d.headline) == (WARN, "Gradient flow is balanced, but most ReLU units "
                                              "of layer 2 are dead")
