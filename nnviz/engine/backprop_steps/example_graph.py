"""One example through a network, as a computation graph: inputs ``x_k``, each ``z[l]_j`` and
``a[l]_j``, and the example's loss ``L(a[L], y)``.

The values come from the engine's forward pass and the derivatives ``dL/dnode`` from its
backward blocks (``linear_backward``, ``linear_activation_backward``) run on this one column,
so they are what backprop computes; the per-edge chain-rule products are written out beside
them. The loss is the example's own (``J`` is their mean over the ``m`` examples, which is
why the engine's ``dW`` and ``db`` carry a ``1/m``). No dropout, no L2: those belong to ``J``,
not to one example's loss.

A network too big to draw (more than :data:`MAX_DRAWN_LAYERS` layers or more than
:data:`MAX_DRAWN_UNITS` units in a layer) is shown through one chosen unit of each layer;
every shown node still carries the full network's value and derivative, and the sums name
how many terms are not drawn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .. import propagation
from ..activations import DISPLAY_NAMES, get_activation
from ..losses import get_head
from ..network import Network
from .graph import (BACKWARD, FORWARD, INPUT, INTERMEDIATE, OUTPUT, ComputationGraph,
                    GraphEdge, GraphNode, GraphStep, fmt, par)

MAX_DRAWN_LAYERS = 3
MAX_DRAWN_UNITS = 16
MAX_WRITTEN_TERMS = 4  # a longer sum is written as its first terms and a count


def fits_drawing(layer_dims: Sequence[int]) -> bool:
    """True when every unit of the network can be drawn."""
    return len(layer_dims) - 1 <= MAX_DRAWN_LAYERS and max(layer_dims) <= MAX_DRAWN_UNITS


@dataclass(frozen=True)
class ExampleLayer:
    """Layer ``l`` of the example, all units (also those not drawn); vectors ``(n[l],)``."""
    index: int
    activation: str  # g[l]; the head's name for the output layer
    z: np.ndarray
    a: np.ndarray
    dz: np.ndarray   # dL/dz[l]
    da: np.ndarray   # dL/da[l]
    dW: np.ndarray   # this example's dL/dW[l] = dz a[l-1]^T, (n[l], n[l-1])
    db: np.ndarray   # dL/db[l] = dz, (n[l], 1)


@dataclass(frozen=True)
class ExampleGraph:
    graph: ComputationGraph
    index: int                          # the example's column in X
    x: np.ndarray                       # (n[0],)
    y: np.ndarray                       # (n[L],)
    loss: float
    dx: np.ndarray                      # dL/dx = W[1]^T dz[1] (not needed to learn)
    layers: tuple[ExampleLayer, ...]    # layers 1..L
    shown_units: tuple[tuple[int, ...], ...]  # per layer 0..L, the units drawn
    reduced: bool                       # True: one chosen unit per layer


def node_key(kind: str, layer: int, unit: int) -> str:
    """``x_0``, ``z2_1``, ``a2_1`` (0-based units); the loss is ``"loss"``."""
    return f"x_{unit}" if kind == "x" else f"{kind}{layer}_{unit}"


def _label(kind: str, layer: int, unit: int) -> str:
    return f"x{unit + 1}" if kind == "x" else f"{kind}[{layer}]_{unit + 1}"


def _act_label(layer: int, unit: int) -> str:
    return f"x{unit + 1}" if layer == 0 else _label("a", layer, unit)


def example_graph(net: Network, X, Y, index: int = 0,
                  units: Sequence[int] | None = None) -> ExampleGraph:
    """The graph of example ``index`` (a column of ``X``, ``Y``) through ``net``.

    ``units`` (one index per layer ``0..L``) chooses the unit drawn in each layer when the
    network is too big to draw whole (default: unit 0 of every layer); it is ignored otherwise.
    Computed in float64.
    """
    X, Y = net.check_data(X, Y, "the data", min_examples=1)
    m = X.shape[1]
    index = int(index)
    if not 0 <= index < m:
        raise ValueError(f"example {index} is outside 0..{m - 1}")
    net64 = net if net.dtype == np.float64 else net.copy(np.float64)
    dims, L = net64.layer_dims, net64.L
    reduced = not fits_drawing(dims)
    if reduced:
        chosen = [0] * (L + 1) if units is None else [int(u) for u in units]
        if len(chosen) != L + 1:
            raise ValueError(f"units needs one unit per layer 0..{L}, got {len(chosen)}")
        for l, u in enumerate(chosen):
            if not 0 <= u < dims[l]:
                raise ValueError(f"layer {l} has units 0..{dims[l] - 1}, got {u}")
        shown = tuple((u,) for u in chosen)
    else:
        shown = tuple(tuple(range(n)) for n in dims)

    x = X[:, index:index + 1].astype(np.float64)
    y = Y[:, index:index + 1].astype(np.float64)
    layers, dx, loss = _propagate(net64, x, y)
    graph = _build_graph(net64, x[:, 0], y[:, 0], loss, dx, layers, shown, reduced)
    return ExampleGraph(graph, index, _ro(x[:, 0]), _ro(y[:, 0]), loss, dx, tuple(layers),
                        shown, reduced)


def _ro(a):
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def _propagate(net: Network, x, y):
    """The engine's forward pass and backward blocks on one column, keeping every ``dA``."""
    ZL, caches = net.forward(x)
    head = get_head(net.head)
    loss = float(head.loss(ZL, y))
    L = net.L
    aL, zL, yv = caches[-1].A[:, 0], ZL[:, 0], y[:, 0]
    dZ = caches[-1].A - y
    dA_prev, dW, db = propagation.linear_backward(dZ, caches[-1])
    out = [None] * L
    out[L - 1] = (dZ, _output_da(net.head, zL, aL, yv), dW, db)
    for l in range(L - 1, 0, -1):
        dA = dA_prev
        dA_prev, dW, db, dZ = propagation.linear_activation_backward(
            dA, caches[l - 1], net.activations[l - 1], net.alpha)
        out[l - 1] = (dZ, dA[:, 0], dW, db)
    layers = [ExampleLayer(l + 1, net.layer_activations[l], _ro(caches[l].Z[:, 0]),
                           _ro(caches[l].A[:, 0]), _ro(out[l][0][:, 0]), _ro(out[l][1]),
                           _ro(out[l][2]), _ro(out[l][3]))
              for l in range(L)]
    return layers, _ro(dA_prev[:, 0]), loss


def _output_da(head: str, z, a, y):
    """``dL/da[L]``. Sigmoid's ``-y/a + (1-y)/(1-a)`` is written with ``1/a = 1 + e^-z`` and
    ``1/(1-a) = 1 + e^z`` so a saturated output does not divide by a rounded 0."""
    if head == "sigmoid":
        with np.errstate(over="ignore"):
            return -y * (1.0 + np.exp(-z)) + (1.0 - y) * (1.0 + np.exp(z))
    if head == "softmax":
        with np.errstate(divide="ignore"):
            return np.where(y != 0, -y / a, 0.0)
    return a - y


def _slope_text(name: str, z: float, a: float) -> str:
    if name == "sigmoid":
        return f"a(1 - a) = {fmt(a)} × {fmt(1 - a)}"
    if name == "tanh":
        return f"1 - a² = 1 - {fmt(a)}²"
    if name == "relu":
        return f"1 if z > 0 else 0 (z = {fmt(z)})"
    if name == "leaky_relu":
        return f"1 if z > 0 else alpha (z = {fmt(z)})"
    if name == "linear":
        return "1"
    return f"{DISPLAY_NAMES.get(name, name)}'(z)"


def _sum_text(terms: list[str], n_total: int, total: float) -> str:
    hidden = n_total - len(terms)
    if hidden == 0 and len(terms) <= MAX_WRITTEN_TERMS:
        body = " + ".join(terms)
    else:
        written = terms[:MAX_WRITTEN_TERMS - 1]
        body = " + ".join(written) + f" + … ({n_total} terms)"
    return f"{body} = {fmt(total)}"


class _Builder:
    def __init__(self):
        self.nodes: list[GraphNode] = []
        self.edges: list[GraphEdge] = []
        self.forward: list[GraphStep] = []
        self.backward: list[GraphStep] = []

    def edge(self, source, target, local, local_text, target_derivative):
        product = target_derivative * local
        self.edges.append(GraphEdge(source, target, float(local), local_text, float(product),
                                    f"{fmt(target_derivative)} × {par(local)} = {fmt(product)}"))
        return len(self.edges) - 1

    def into(self, key):
        return tuple(i for i, e in enumerate(self.edges) if e.target == key)

    def out_of(self, key):
        return tuple(i for i, e in enumerate(self.edges) if e.source == key)


def _build_graph(net, x, y, loss, dx, layers, shown, reduced) -> ComputationGraph:
    L, dims = net.L, net.layer_dims
    b = _Builder()
    key = node_key

    def row(l, u):
        return float(shown[l].index(u)) - (len(shown[l]) - 1) / 2

    def act_key(l, u):
        return key("x", 0, u) if l == 0 else key("a", l, u)

    def act_value(l, u):
        return x[u] if l == 0 else layers[l - 1].a[u]

    def act_derivative(l, u):
        return dx[u] if l == 0 else layers[l - 1].da[u]

    for u in shown[0]:
        b.nodes.append(GraphNode(key("x", 0, u), _label("x", 0, u), INPUT, 0, row(0, u),
                                 "", float(x[u]), float(dx[u])))
    for l in range(1, L + 1):
        lay = layers[l - 1]
        W = net.params[f"W{l}"].astype(np.float64)
        bias = net.params[f"b{l}"][:, 0].astype(np.float64)
        prev = "x" if l == 1 else f"a[{l - 1}]"
        for j in shown[l]:
            b.nodes.append(GraphNode(key("z", l, j), _label("z", l, j), INTERMEDIATE,
                                     2 * l - 1, row(l, j),
                                     f"z[{l}]_{j + 1} = W[{l}]_{j + 1},: · {prev} "
                                     f"+ b[{l}]_{j + 1}",
                                     float(lay.z[j]), float(lay.dz[j])))
            for k in shown[l - 1]:
                b.edge(act_key(l - 1, k), key("z", l, j), W[j, k],
                       f"dz/d{_act_label(l - 1, k)} = W[{l}]_{j + 1},{k + 1} = {fmt(W[j, k])}",
                       lay.dz[j])
        g_name = lay.activation
        for j in shown[l]:
            if l == L and g_name == "softmax":
                formula = f"a[{l}]_{j + 1} = e^z[{l}]_{j + 1} / Σ_k e^z[{l}]_k"
            else:
                formula = f"a[{l}]_{j + 1} = {DISPLAY_NAMES.get(g_name, g_name)}(z[{l}]_{j + 1})"
            b.nodes.append(GraphNode(key("a", l, j), _label("a", l, j), INTERMEDIATE, 2 * l,
                                     row(l, j), formula, float(lay.a[j]), float(lay.da[j])))
        for j in shown[l]:  # edges z -> a
            if l == L and g_name == "softmax":
                for k in shown[l]:
                    local = lay.a[k] * ((k == j) - lay.a[j])
                    b.edge(key("z", l, j), key("a", l, k), local,
                           f"da_{k + 1}/dz_{j + 1} = a_{k + 1}({int(k == j)} - a_{j + 1}) "
                           f"= {fmt(local)}",
                           lay.da[k])
            else:
                local = _slope(g_name, lay.z[j], lay.a[j], net.alpha)
                b.edge(key("z", l, j), key("a", l, j), local,
                       f"da/dz = g'(z) = {_slope_text(g_name, lay.z[j], lay.a[j])} = {fmt(local)}",
                       lay.da[j])
        # forward steps of this layer: every z, then every a
        for j in shown[l]:
            k_z = key("z", l, j)
            terms = [f"{par(W[j, k])} × {par(act_value(l - 1, k))}" for k in shown[l - 1]]
            s = _sum_text(terms, dims[l - 1], float(lay.z[j] - bias[j]))
            b.forward.append(GraphStep(FORWARD, k_z, (),
                                       f"z[{l}]_{j + 1} = Σ_k W[{l}]_{j + 1},k {prev}_k + b = "
                                       f"{s} + {fmt(bias[j])} = {fmt(lay.z[j])}"))
        for j in shown[l]:
            k_a = key("a", l, j)
            b.forward.append(GraphStep(FORWARD, k_a, (),
                                       f"a[{l}]_{j + 1} = {DISPLAY_NAMES.get(g_name, g_name)}"
                                       f"(z) = {fmt(lay.a[j])}"))

    out = layers[-1]
    b.nodes.append(GraphNode("loss", "L", OUTPUT, 2 * L + 1, 0.0, _loss_formula(net.head),
                             loss, 1.0))
    for k in shown[L]:
        b.edge(key("a", L, k), "loss", out.da[k],
               f"dL/da_{k + 1} = {_da_formula(net.head)} = {fmt(out.da[k])}", 1.0)
    b.forward.append(GraphStep(FORWARD, "loss", (),
                               f"L = {_loss_formula(net.head)} = {fmt(loss)}"
                               f"  (y = {', '.join(fmt(v) for v in y)})"))
    # Forward steps name the edges into their node (filled once all nodes are in).
    b.forward = [GraphStep(s.phase, s.node, b.into(s.node), s.text) for s in b.forward]

    # Backward: the loss, then layer L down to the inputs, a before z in each layer.
    b.backward.append(GraphStep(BACKWARD, "loss", (), "dL/dL = 1"))
    for k in shown[L]:
        b.backward.append(GraphStep(BACKWARD, key("a", L, k), b.out_of(key("a", L, k)),
                                    f"dL/da[{L}]_{k + 1} = {_da_formula(net.head)} = "
                                    f"{fmt(out.da[k])}"))
    for l in range(L, 0, -1):
        lay = layers[l - 1]
        if l < L:
            nxt = layers[l]
            W_next = net.params[f"W{l + 1}"]
            for k in shown[l]:
                terms = [f"{par(nxt.dz[j])} × {par(W_next[j, k])}" for j in shown[l + 1]]
                b.backward.append(GraphStep(
                    BACKWARD, key("a", l, k), b.out_of(key("a", l, k)),
                    f"dL/da[{l}]_{k + 1} = Σ_j dL/dz[{l + 1}]_j · W[{l + 1}]_j,{k + 1} = "
                    + _sum_text(terms, dims[l + 1], float(lay.da[k]))))
        for j in shown[l]:
            if l == L:
                text = (f"dL/dz[{L}]_{j + 1} = " + ("Σ_k dL/da_k · da_k/dz_j"
                        if lay.activation == "softmax" else "dL/da · da/dz")
                        + f" = a - y = {fmt(lay.a[j])} - {par(y[j])} = {fmt(lay.dz[j])}")
            else:
                slope = _slope(lay.activation, lay.z[j], lay.a[j], net.alpha)
                text = (f"dL/dz[{l}]_{j + 1} = dL/da · g'(z) = {fmt(lay.da[j])} × "
                        f"{fmt(slope)} = {fmt(lay.dz[j])}")
            prev = "x" if l == 1 else f"a[{l - 1}]"
            text += (f";  dW[{l}]_{j + 1},k = dz · {prev}_k, db[{l}]_{j + 1} = dz = "
                     f"{fmt(lay.dz[j])}")
            b.backward.append(GraphStep(BACKWARD, key("z", l, j), b.out_of(key("z", l, j)),
                                        text))
    W1 = net.params["W1"]
    lay1 = layers[0]
    for k in shown[0]:
        terms = [f"{par(lay1.dz[j])} × {par(W1[j, k])}" for j in shown[1]]
        b.backward.append(GraphStep(
            BACKWARD, key("x", 0, k), b.out_of(key("x", 0, k)),
            f"dL/dx{k + 1} = Σ_j dL/dz[1]_j · W[1]_j,{k + 1} = "
            + _sum_text(terms, dims[1], float(dx[k])) + "  (not needed to learn)"))

    notes = ["L is this example's loss alone: J is the mean of L over the m examples, so the "
             "engine's dW and db are these averaged (the 1/m)."]
    if reduced:
        notes.append("Too big to draw whole: one chosen unit per layer; values and "
                     "derivatives are the full network's, sums count the terms not drawn.")
    return ComputationGraph(net.describe(), "loss", tuple(b.nodes), tuple(b.edges),
                            tuple(b.forward), tuple(b.backward), tuple(notes))


def _slope(name: str, z: float, a: float, alpha) -> float:
    act = get_activation(name)
    al = act.default_alpha if alpha is None else alpha
    return float(act.slope(np.asarray([z]), np.asarray([a]), al)[0])


def _loss_formula(head: str) -> str:
    if head == "sigmoid":
        return "-(y log a + (1 - y) log(1 - a))"
    if head == "softmax":
        return "-Σ_k y_k log a_k"
    return "½ Σ_k (a_k - y_k)²"


def _da_formula(head: str) -> str:
    if head == "sigmoid":
        return "-y/a + (1 - y)/(1 - a)"
    if head == "softmax":
        return "-y_k / a_k"
    return "a - y"
