"""The course's vectorized backward equations, one layer at a time from ``L`` back to 1, with
the current shapes and the actual matrices.

    dZ[L]   = A[L] - Y                     (n[L], m)
    dZ[l]   = dA[l] * g[l]'(Z[l])          (n[l], m)        l < L
    dW[l]   = (1/m) dZ[l] A[l-1]^T         (n[l], n[l-1])   (+ (lambda/m) W[l] with L2)
    db[l]   = (1/m) sum_i dZ[l]            (n[l], 1)
    dA[l-1] = W[l]^T dZ[l]                 (n[l-1], m)

Every matrix comes from the engine's own forward pass and backward blocks (the functions in
:mod:`~nnviz.engine.propagation`), so each result is the engine's gradient for that layer.
No dropout: the steps show the equations, not a random mask.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import propagation
from ..network import Network


@dataclass(frozen=True)
class Equation:
    result: str          # "dW[2]"
    formula: str         # "dW[2] = (1/m) dZ[2] A[1]ᵀ"
    shapes: str          # "(1, 4) = (1, 400) · (400, 4) / 400"
    symbolic_shape: str  # "(n[2], n[1])"
    value: np.ndarray    # read-only float64


@dataclass(frozen=True)
class LayerBackward:
    """One page step: layer ``l``'s backward equations and the matrices they use."""
    layer: int
    activation: str          # g[l] (the head's name for l = L)
    m: int
    lambd: float
    equations: tuple[Equation, ...]   # dZ, dW, db, dA[l-1], in the order they are computed
    A_prev: np.ndarray       # A[l-1] (X for l = 1)
    W: np.ndarray
    Z: np.ndarray
    A: np.ndarray
    dA: np.ndarray | None    # dA[l] (None for l = L: dZ[L] comes straight from A[L] - Y)

    def equation(self, result: str) -> Equation:
        for eq in self.equations:
            if eq.result == result:
                return eq
        raise KeyError(result)

    @property
    def dZ(self) -> np.ndarray:
        return self.equation(f"dZ[{self.layer}]").value

    @property
    def dW(self) -> np.ndarray:
        return self.equation(f"dW[{self.layer}]").value

    @property
    def db(self) -> np.ndarray:
        return self.equation(f"db[{self.layer}]").value

    @property
    def dA_prev(self) -> np.ndarray:
        return self.equation(f"dA[{self.layer - 1}]").value


def _ro(a) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def _shape(a) -> str:
    return f"({a.shape[0]}, {a.shape[1]})"


def vectorized_steps(net: Network, X, Y, lambd: float = 0.0) -> tuple[LayerBackward, ...]:
    """Layer ``L``'s equations first, layer 1's last. Computed in float64."""
    X, Y = net.check_data(X, Y, "the data", min_examples=1)
    lambd = float(lambd)
    if not lambd >= 0:
        raise ValueError(f"lambda must be >= 0, got {lambd!r}")
    net64 = net if net.dtype == np.float64 else net.copy(np.float64)
    X = X.astype(np.float64)
    Y = Y.astype(np.float64)
    m, L = X.shape[1], net64.L
    _, caches = net64.forward(X)
    steps = []
    dA = None
    for l in range(L, 0, -1):
        cache = caches[l - 1]
        prev = "X" if l == 1 else f"A[{l - 1}]"
        if l == L:
            dZ = cache.A - Y
            dA_prev, dW, db = propagation.linear_backward(dZ, cache)
            dz_eq = Equation(f"dZ[{l}]", f"dZ[{l}] = A[{l}] - Y",
                             f"{_shape(dZ)} = {_shape(cache.A)} - {_shape(Y)}",
                             f"(n[{l}], m)", _ro(dZ))
        else:
            dA_prev, dW, db, dZ = propagation.linear_activation_backward(
                dA, cache, net64.activations[l - 1], net64.alpha)
            dz_eq = Equation(f"dZ[{l}]", f"dZ[{l}] = dA[{l}] * g[{l}]'(Z[{l}])",
                             f"{_shape(dZ)} = {_shape(dA)} * {_shape(cache.Z)}  (element-wise)",
                             f"(n[{l}], m)", _ro(dZ))
        dW_formula = f"dW[{l}] = (1/m) dZ[{l}] {prev}ᵀ"
        if lambd:
            dW = dW + (lambd / m) * cache.W
            dW_formula += f" + (λ/m) W[{l}]"
        equations = (
            dz_eq,
            Equation(f"dW[{l}]", dW_formula,
                     f"{_shape(dW)} = {_shape(dZ)} · {_shape(cache.A_prev.T)} / {m}",
                     f"(n[{l}], n[{l - 1}])", _ro(dW)),
            Equation(f"db[{l}]", f"db[{l}] = (1/m) Σ_i dZ[{l}]",
                     f"{_shape(db)} = row sums of {_shape(dZ)} / {m}", f"(n[{l}], 1)", _ro(db)),
            Equation(f"dA[{l - 1}]", f"dA[{l - 1}] = W[{l}]ᵀ dZ[{l}]"
                     + ("  (not needed: X is not learned)" if l == 1 else ""),
                     f"{_shape(dA_prev)} = {_shape(cache.W.T)} · {_shape(dZ)}",
                     f"(n[{l - 1}], m)", _ro(dA_prev)),
        )
        steps.append(LayerBackward(l, net64.layer_activations[l - 1], m, lambd, equations,
                                   _ro(cache.A_prev), _ro(cache.W), _ro(cache.Z), _ro(cache.A),
                                   None if dA is None else _ro(dA)))
        dA = dA_prev
    return tuple(steps)
