"""Backprop step by step: the graphs' values and derivatives against the course's numbers, the
engine's backprop and two-sided differences (float64)."""
import numpy as np
import pytest

from nnviz.engine import Network
from nnviz.engine.activations import FUNCTIONS
from nnviz.engine.backprop_steps import (BACKWARD, FORWARD, MAX_DRAWN_UNITS, example_graph,
                                         fits_drawing, node_key, numbers_graph, scalar_check,
                                         vectorized_steps)
from tests.engine.numerical import numerical_gradient

# -- the course's J = 3(a + bc) --------------------------------------------------------------


def test_numbers_graph_gives_the_course_numbers():
    g = numbers_graph()
    assert g.value("u") == 6 and g.value("v") == 11 and g.value("J") == 33
    assert {k: g.derivative(k) for k in "Jvuabc"} == {"J": 1, "v": 3, "u": 3, "a": 3, "b": 6,
                                                      "c": 9}
    # The course's order: values u, v, J forward; then dJ/dv, dJ/da, dJ/du, dJ/db, dJ/dc.
    assert [s.node for s in g.forward_steps] == ["u", "v", "J"]
    assert [s.node for s in g.backward_steps] == ["J", "v", "a", "u", "b", "c"]
    assert g.forward_steps[-1].text == "J = 3 v = 3 × 11 = 33"
    assert g.backward_steps[-2].text == "dJ/db = dJ/du · du/db = 3 × 2 = 6"
    assert g.backward_steps[-1].text == "dJ/dc = dJ/du · du/dc = 3 × 3 = 9"


def test_numbers_graph_edges_carry_the_chain_rule_products():
    g = numbers_graph(-1.5, 0.25, 4.0)
    for e in g.edges:
        assert e.product == pytest.approx(g.derivative(e.target) * e.local, rel=1e-15)
    for n in g.nodes:
        out = [e.product for e in g.edges if e.source == n.key]
        if out:
            assert sum(out) == pytest.approx(n.derivative, rel=1e-15)


@pytest.mark.parametrize("abc", [(5.0, 3.0, 2.0), (-1.5, 0.25, 4.0), (0.0, -7.0, 1e-3)])
def test_numbers_graph_derivatives_match_two_sided_differences(abc):
    theta = np.array(abc)

    def J():
        a, b, c = theta
        return 3 * (a + b * c)

    g = numbers_graph(*abc)
    assert g.value("J") == pytest.approx(J(), rel=1e-15)
    # J is linear in each input, so a two-sided difference has no truncation error; a large
    # eps keeps round-off (ulp(J) / eps) well under the tolerance.
    numeric = numerical_gradient(J, theta, eps=1e-3)
    np.testing.assert_allclose([g.derivative(k) for k in "abc"], numeric, rtol=1e-9, atol=1e-9)


def test_revealed_fills_values_then_derivatives():
    g = numbers_graph()
    start = g.revealed(0)
    assert start.values == {"a", "b", "c"} and not start.derivatives and start.current is None
    after_forward = g.revealed(len(g.forward_steps))
    assert after_forward.values == {n.key for n in g.nodes} and not after_forward.derivatives
    end = g.revealed(g.n_steps)
    assert end.derivatives == {n.key for n in g.nodes}
    assert end.products == set(range(len(g.edges)))
    assert end.current.phase == BACKWARD and end.current.node == "c"
    assert g.revealed(1).current.phase == FORWARD
    with pytest.raises(ValueError, match="outside"):
        g.revealed(g.n_steps + 1)


def test_numbers_graph_refuses_non_finite_inputs():
    with pytest.raises(ValueError, match="finite"):
        numbers_graph(float("nan"), 1, 2)


# -- one example through a network ---------------------------------------------------------

CASES = [
    ([2, 3, 1], ["tanh"], "sigmoid"),
    ([3, 4, 3, 1], ["relu", "sigmoid"], "sigmoid"),
    ([2, 5, 3], ["leaky_relu"], "softmax"),
    ([4, 3, 2, 4], ["gelu", "tanh"], "softmax"),
    ([2, 4, 2], ["elu"], "linear"),
    ([3, 1], [], "linear"),
    ([2, 1], [], "sigmoid"),
]


def _problem(dims, acts, head, seed, m=6):
    net = Network(dims, acts, head=head, init="xavier", seed=seed)
    rng = np.random.default_rng(seed)
    net.set_theta(rng.normal(0, 0.8, net.n_params))  # non-zero biases too
    X = rng.normal(size=(dims[0], m))
    if head == "sigmoid":
        Y = (rng.random((1, m)) > 0.5).astype(float)
    elif head == "softmax":
        Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], m)]
    else:
        Y = rng.normal(size=(dims[-1], m))
    return net, X, Y


def _loss_from(net, x, y, kind, layer, unit, delta):
    """The example's loss with ``delta`` added to one node, computed from scratch with the
    activation functions (not the engine's propagation)."""
    a = x.copy()
    if kind == "x":
        a[unit] += delta
    for l in range(1, net.L + 1):
        z = net.params[f"W{l}"] @ a + net.params[f"b{l}"][:, 0]
        if kind == "z" and layer == l:
            z[unit] += delta
        if l < net.L:
            a = FUNCTIONS[net.activations[l - 1]](z)
        elif net.head == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        elif net.head == "softmax":
            e = np.exp(z - z.max())
            a = e / e.sum()
        else:
            a = z.copy()
        if kind == "a" and layer == l:
            a[unit] += delta
    if net.head == "sigmoid":
        return float(-(y * np.log(a) + (1 - y) * np.log(1 - a)).sum())
    if net.head == "softmax":
        return float(-(y * np.log(a)).sum())
    return float(0.5 * ((a - y) ** 2).sum())


def _parse(key):
    if key.startswith("x_"):
        return "x", 0, int(key[2:])
    layer, unit = key[1:].split("_")
    return key[0], int(layer), int(unit)


@pytest.mark.parametrize("dims,acts,head", CASES)
@pytest.mark.parametrize("seed", [0, 7])
def test_every_node_matches_engine_backprop_and_two_sided_differences(dims, acts, head, seed):
    net, X, Y = _problem(dims, acts, head, seed)
    index = seed % X.shape[1]
    eg = example_graph(net, X, Y, index)
    assert not eg.reduced
    # Values against the engine's caches of the full batch, z derivatives against its dZ.
    _, caches, grads = net.gradients(X, Y, keep_dZ=True)
    for l, layer in enumerate(eg.layers, start=1):
        np.testing.assert_allclose(layer.z, caches[l - 1].Z[:, index], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.a, caches[l - 1].A[:, index], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.dz, grads[f"dZ{l}"][:, index], rtol=1e-12, atol=1e-14)
    # Parameter gradients against the engine's backprop on this one example.
    _, _, single = net.gradients(X[:, [index]], Y[:, [index]])
    for l, layer in enumerate(eg.layers, start=1):
        np.testing.assert_allclose(layer.dW, single[f"dW{l}"], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.db, single[f"db{l}"], rtol=1e-12, atol=1e-14)
    x, y = X[:, index].copy(), Y[:, index].copy()
    assert eg.loss == pytest.approx(_loss_from(net, x, y, "x", 0, 0, 0.0), rel=1e-12)

    nodes = [n for n in eg.graph.nodes if n.key != "loss"]
    assert len(nodes) == sum(dims) + sum(dims[1:])  # every x, z and a is drawn
    eps = 1e-6
    for node in nodes:
        kind, layer, unit = _parse(node.key)
        numeric = (_loss_from(net, x, y, kind, layer, unit, eps)
                   - _loss_from(net, x, y, kind, layer, unit, -eps)) / (2 * eps)
        assert abs(node.derivative - numeric) <= 1e-9 * max(1.0, abs(numeric)), node.key
        if kind in "za":
            expected = getattr(eg.layers[layer - 1], kind)[unit]
            assert node.value == expected


@pytest.mark.parametrize("dims,acts,head", CASES)
def test_example_edges_sum_to_their_source_derivative(dims, acts, head):
    net, X, Y = _problem(dims, acts, head, 3)
    g = example_graph(net, X, Y, 1).graph
    for e in g.edges:
        assert e.product == pytest.approx(g.derivative(e.target) * e.local, rel=1e-14, abs=1e-300)
    for n in g.nodes:
        out = [e.product for e in g.edges if e.source == n.key]
        if out:
            assert sum(out) == pytest.approx(n.derivative, rel=1e-9, abs=1e-12), n.key
    # Steps: every non-input value forward, every derivative backward, loss first.
    assert {s.node for s in g.forward_steps} == {n.key for n in g.nodes if n.kind != "input"}
    assert [s.node for s in g.backward_steps][0] == "loss"
    assert {s.node for s in g.backward_steps} == {n.key for n in g.nodes}
    # Forward steps go layer by layer: a node's inputs are filled before it.
    seen = {n.key for n in g.nodes if n.kind == "input"}
    for s in g.forward_steps:
        assert all(g.edges[i].source in seen for i in s.edges)
        seen.add(s.node)
    done = set()
    for s in g.backward_steps:
        assert all(g.edges[i].target in done for i in s.edges), s.node
        done.add(s.node)


def test_sigmoid_output_derivative_stays_finite_when_saturated():
    net = Network([1, 1], [], head="sigmoid")
    net.params["W1"][...] = 50.0
    eg = example_graph(net, np.array([[1.0]]), np.array([[0.0]]))
    a_node = eg.graph.node(node_key("a", 1, 0))
    assert eg.layers[0].a[0] == 1.0  # rounded: -y/a + (1-y)/(1-a) would divide by 0
    assert np.isfinite(a_node.derivative) and a_node.derivative == pytest.approx(1 + np.exp(50))
    assert np.isfinite(eg.loss) and eg.loss == pytest.approx(50.0)


def test_big_network_is_drawn_through_one_chosen_unit_per_layer():
    dims = [3, MAX_DRAWN_UNITS + 4, 5, 4, 3]
    assert not fits_drawing(dims) and not fits_drawing([2, 3, 3, 3, 1])
    assert fits_drawing([2, 16, 16, 1])
    net, X, Y = _problem(dims, ["tanh", "relu", "sigmoid"], "softmax", 5)
    units = [2, 11, 4, 0, 1]
    eg = example_graph(net, X, Y, 0, units=units)
    assert eg.reduced and eg.shown_units == tuple((u,) for u in units)
    assert len(eg.graph.nodes) == 1 + 2 * net.L + 1
    _, _, grads = net.gradients(X, Y, keep_dZ=True)
    for l in range(1, net.L + 1):
        node = eg.graph.node(node_key("z", l, units[l]))
        assert node.derivative == pytest.approx(grads[f"dZ{l}"][units[l], 0], rel=1e-12)
    x, y = X[:, 0].copy(), Y[:, 0].copy()
    for node in eg.graph.nodes:
        if node.key == "loss":
            continue
        kind, layer, unit = _parse(node.key)
        numeric = (_loss_from(net, x, y, kind, layer, unit, 1e-6)
                   - _loss_from(net, x, y, kind, layer, unit, -1e-6)) / 2e-6
        assert abs(node.derivative - numeric) <= 1e-9 * max(1.0, abs(numeric)), node.key
    hidden_sum = next(s for s in eg.graph.backward_steps if s.node == node_key("a", 1, 11))
    assert "(5 terms)" in hidden_sum.text  # the other 4 units of layer 2 are not drawn
    assert example_graph(net, X, Y, 0).shown_units == ((0,),) * 5
    with pytest.raises(ValueError, match="layer 1 has units"):
        example_graph(net, X, Y, 0, units=[0, 99, 0, 0, 0])
    with pytest.raises(ValueError, match="one unit per layer"):
        example_graph(net, X, Y, 0, units=[0, 0])


def test_example_graph_refuses_bad_index_and_computes_in_float64():
    net, X, Y = _problem([2, 3, 1], ["tanh"], "sigmoid", 1)
    with pytest.raises(ValueError, match="outside"):
        example_graph(net, X, Y, X.shape[1])
    eg32 = example_graph(net.copy(np.float32), X, Y, 2)
    assert eg32.layers[0].z.dtype == np.float64
    np.testing.assert_allclose(eg32.layers[0].z, example_graph(net, X, Y, 2).layers[0].z,
                               rtol=1e-6)


# -- the vectorized equations --------------------------------------------------------------

@pytest.mark.parametrize("dims,acts,head", CASES)
@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_vectorized_products_equal_the_engines_gradients(dims, acts, head, lambd):
    net, X, Y = _problem(dims, acts, head, 11, m=9)
    steps = vectorized_steps(net, X, Y, lambd)
    assert [s.layer for s in steps] == list(range(net.L, 0, -1))
    _, _, grads = net.gradients(X, Y, lambd, keep_dZ=True)
    m = X.shape[1]
    for s in steps:
        l = s.layer
        # Each product, recomputed from the page's own matrices, is the engine's gradient.
        if l == net.L:
            np.testing.assert_allclose(s.dZ, s.A - Y, rtol=0, atol=0)
            assert s.dA is None
        else:
            slope = (s.Z > 0) if acts[l - 1] == "relu" else None
            if slope is not None:
                np.testing.assert_allclose(s.dZ, s.dA * slope, rtol=1e-14, atol=1e-300)
            assert s.dA.shape == s.Z.shape
        np.testing.assert_allclose(s.dZ, grads[f"dZ{l}"], rtol=1e-13, atol=1e-15)
        dW = s.dZ @ s.A_prev.T / m + (lambd / m) * s.W
        np.testing.assert_allclose(dW, grads[f"dW{l}"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(s.dW, grads[f"dW{l}"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(s.dZ.sum(axis=1, keepdims=True) / m, grads[f"db{l}"],
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(s.db, grads[f"db{l}"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(s.dA_prev, s.W.T @ s.dZ, rtol=1e-13, atol=1e-15)
        assert s.dW.shape == (dims[l], dims[l - 1]) and s.db.shape == (dims[l], 1)
        assert s.equation(f"dW[{l}]").shapes.startswith(f"({dims[l]}, {dims[l - 1]}) = ")
        assert s.equation(f"dW[{l}]").symbolic_shape == f"(n[{l}], n[{l - 1}])"
        if l < net.L:  # dA[l] handed down is the layer above's W^T dZ
            above = steps[net.L - l - 1]
            np.testing.assert_array_equal(s.dA, above.dA_prev)
    # And the engine's gradient is the mathematics': a two-sided difference of J.
    theta = net.theta
    numeric = numerical_gradient(lambda: net.cost(X, Y, lambd), theta)
    flat = np.concatenate([np.concatenate([s.dW.ravel(), s.db.ravel()]) for s in steps[::-1]])
    np.testing.assert_allclose(flat, numeric, rtol=1e-7, atol=1e-9)


def test_vectorized_steps_refuse_negative_lambda():
    net, X, Y = _problem([2, 3, 1], ["tanh"], "sigmoid", 1)
    with pytest.raises(ValueError, match="lambda"):
        vectorized_steps(net, X, Y, -1.0)


# -- the notebook's 1-D check --------------------------------------------------------------

def test_scalar_check_gives_the_notebooks_numbers():
    c = scalar_check()
    x, theta, eps = 2.0, 4.0, 1e-7
    assert (c.x, c.theta, c.eps, c.J, c.dtheta) == (x, theta, eps, 8.0, 2.0)
    two_sided = ((theta + eps) * x - (theta - eps) * x) / (2 * eps)
    one_sided = ((theta + eps) * x - theta * x) / eps
    assert c.two_sided == two_sided and c.one_sided == one_sided
    expected = np.linalg.norm(x - two_sided) / (np.linalg.norm(x) + np.linalg.norm(two_sided))
    assert c.difference_two_sided == expected
    assert 1e-10 < c.difference_two_sided < 1e-9  # the notebook's "about 3e-10"
    assert c.difference_one_sided == abs(x - one_sided) / (abs(x) + abs(one_sided))
    assert c.passed
    assert any("two-sided" in line and repr(two_sided) in line for line in c.lines)


def test_scalar_check_other_inputs_and_bad_eps():
    c = scalar_check(-3.0, 0.5, 1e-4)
    assert c.dtheta == -3.0 and c.J == -1.5
    assert c.two_sided == pytest.approx(-3.0, rel=1e-9) and c.passed
    with pytest.raises(ValueError, match="positive"):
        scalar_check(eps=0.0)
