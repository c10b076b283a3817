"""Backprop against two-sided numerical gradients in float64."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nnviz.engine import Network, initialize_parameters, update
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.data.dataset import targets_matrix

from .numerical import numerical_gradient, relative_difference

SMOOTH = [n for n, a in ACTIVATIONS.items() if not a.kink_at_zero]


def make_problem(layer_dims, head, m, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    if head == "sigmoid":
        Y = (rng.random((1, m)) > 0.5).astype(float)
    elif head == "softmax":
        Y = targets_matrix(rng.integers(0, layer_dims[-1], m), "multiclass", layer_dims[-1])
    else:
        Y = rng.standard_normal((1, m))
    return X, Y


def check(net, X, Y, lambd=0.0, keep_probs=None, masks=None):
    _, _, grads = net.gradients(X, Y, lambd, keep_probs, masks)
    analytic = net.grad.copy()
    numeric = numerical_gradient(lambda: net.cost(X, Y, lambd, keep_probs, masks), net.theta)
    return relative_difference(analytic, numeric)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("head", ["sigmoid", "softmax", "linear"])
def test_backprop_every_activation_and_head(activation, head):
    dims = [3, 5, 4, 3 if head == "softmax" else 1]
    net = Network(dims, activation, head=head, init="xavier", seed=3)
    # Shift biases so no pre-activation sits on a kink within eps.
    net.params["b1"][...] = 0.05
    X, Y = make_problem(dims, head, 7, seed=4)
    assert check(net, X, Y) < 1e-7


def test_backprop_with_l2():
    net = Network([4, 6, 5, 1], ["tanh", "sigmoid"], head="sigmoid", init="xavier", seed=1)
    X, Y = make_problem(net.layer_dims, "sigmoid", 11, 2)
    assert check(net, X, Y, lambd=0.7) < 1e-7


def test_backprop_with_dropout_under_fixed_mask():
    net = Network([4, 6, 5, 1], ["tanh", "elu"], head="sigmoid", init="xavier", seed=1)
    X, Y = make_problem(net.layer_dims, "sigmoid", 11, 2)
    rng = np.random.default_rng(9)
    keep = [0.7, 0.8]
    masks = [(rng.random((6, 11)) < 0.7).astype(float), (rng.random((5, 11)) < 0.8).astype(float)]
    assert check(net, X, Y, lambd=0.3, keep_probs=keep, masks=masks) < 1e-7
    # and dropout really changes the cost
    assert net.cost(X, Y, 0, keep, masks) != net.cost(X, Y)


@settings(max_examples=25, deadline=None)
@given(depth=st.integers(1, 6), data=st.data())
def test_backprop_random_architectures(depth, data):
    head = data.draw(st.sampled_from(["sigmoid", "softmax", "linear"]))
    hidden = data.draw(st.lists(st.integers(1, 7), min_size=depth - 1, max_size=depth - 1))
    acts = data.draw(st.lists(st.sampled_from(SMOOTH), min_size=depth - 1, max_size=depth - 1))
    n_x = data.draw(st.integers(1, 5))
    n_out = data.draw(st.integers(2, 4)) if head == "softmax" else 1
    dims = [n_x] + hidden + [n_out]
    m = data.draw(st.integers(1, 9))
    seed = data.draw(st.integers(0, 10_000))
    net = Network(dims, acts, head=head, init="xavier", init_scale=1.5, seed=seed)
    X, Y = make_problem(dims, head, m, seed + 1)
    assert check(net, X, Y, lambd=data.draw(st.sampled_from([0.0, 0.5]))) < 1e-7


def test_shapes_follow_the_course():
    net = Network([5, 4, 3, 2], "relu", head="softmax")
    X = np.zeros((5, 8))
    ZL, caches = net.forward(X)
    assert net.params["W1"].shape == (4, 5) and net.params["b2"].shape == (3, 1)
    assert ZL.shape == (2, 8)
    assert [c.Z.shape for c in caches] == [(4, 8), (3, 8), (2, 8)]
    _, _, grads = net.gradients(X, np.eye(2)[:, [0, 1] * 4])
    assert all(grads["d" + k].shape == v.shape for k, v in net.params.items())


def test_params_are_views_of_theta_in_course_order():
    net = Network([3, 2, 1], "tanh")
    names = [n for n, _, _ in net.layout]
    assert names == ["W1", "b1", "W2", "b2"]
    net.theta[:] = np.arange(net.n_params)
    np.testing.assert_array_equal(net.params["W1"], np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(net.params["b2"], [[10.0]])


def test_update_is_gradient_descent():
    params = initialize_parameters([2, 3, 1], "he", seed=0)
    before = {k: v.copy() for k, v in params.items()}
    grads = {"d" + k: np.ones_like(v) for k, v in params.items()}
    update(params, grads, 0.1)
    for k in params:
        np.testing.assert_allclose(params[k], before[k] - 0.1)


def test_float32_network_agrees_with_float64():
    net64 = Network([3, 8, 1], "tanh", init="xavier", seed=2)
    net32 = net64.copy(np.float32)
    X, Y = make_problem([3, 8, 1], "sigmoid", 20, 0)
    j64 = net64.gradients(X, Y)[0]
    j32 = net32.gradients(X.astype(np.float32), Y.astype(np.float32))[0]
    assert net32.grad.dtype == np.float32
    np.testing.assert_allclose(j32, j64, rtol=1e-5)
    np.testing.assert_allclose(net32.grad, net64.grad, rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("bad", [dict(layer_dims=[2]), dict(layer_dims=[2, 0, 1]),
                                 dict(layer_dims=[2] + [3] * 31 + [1]),
                                 dict(layer_dims=[2, 600, 1]),
                                 dict(layer_dims=[2, 3, 1], activations="nope"),
                                 dict(layer_dims=[2, 3, 1], head="softmax")])
def test_bad_architectures_are_refused(bad):
    with pytest.raises(ValueError):
        Network(**bad)


def test_depth_30_and_width_512_work():
    net = Network([2] + [8] * 29 + [1], "relu")
    assert net.L == 30
    net = Network([3, 512, 1], "relu")
    assert net.n_params == 3 * 512 + 512 + 512 + 1


def test_engine_submodules_are_not_shadowed_by_reexports():
    import types

    import nnviz.engine as engine
    for name in ("cost_surface", "gradient_check", "layer_stats", "propagation", "network"):
        assert isinstance(getattr(engine, name), types.ModuleType), name
