"""Course-exact arithmetic: forward and backward propagation as the notebooks write them.

A run of 5,000 steps at learning rate 1.2 is chaotic: a difference in the last bit of one
number grows until it moves a data point across the decision boundary. So a course-exact
network (:class:`~nnviz.engine.network.Network` with ``course_exact=True``) computes each
quantity with the notebooks' own expressions, operation for operation:

    Z = np.dot(W, A_prev) + b
    A = np.tanh(Z) | np.maximum(0, Z) | 1 / (1 + np.exp(-Z))
    dZ[L] = A[L] - Y
    dW = (1/m) * np.dot(dZ, A_prev.T)
    db = (1/m) * np.sum(dZ, axis=1, keepdims=True)
    dZ[l-1] = np.dot(W.T, dZ) * (1 - np.power(A, 2))     tanh (planar notebook)
            = np.multiply(np.dot(W.T, dZ), A > 0)         ReLU (initialization notebook)
            = dA * s * (1 - s)                            sigmoid (deep notebook)

Two things part the engine's own forms from these within a step: its sigmoid is
``e / (1 + e)`` with ``e = exp(-|z|)`` for negative ``z`` (it cannot overflow), and a
row-major ``X`` sends a one-unit layer's ``np.dot(dZ, X.T)`` to another BLAS routine than the
notebooks' ``X`` (the transpose of an ``(m, n_x)`` array). The update ``W = W - lr * dW`` is
what :class:`~nnviz.engine.optimizers.GradientDescent` computes, element for element.
Activations the course has no expression for use the engine's. The cost stays the engine's
(from ``Z``): it does not change the parameters, and the notebooks' ``log(A)`` form turns
into ``nan`` once ``A`` rounds to 0 or 1.

The last bits of each ``np.dot`` are still the BLAS's: OpenBLAS picks a kernel for the
processor, and kernels add up in different orders. With the notebook's own code as with
this module, the hidden-size sweep ends 50 units at the notebook's 90.75% on the Haswell
kernel (AVX2 processors) and at 90.25% on the SkylakeX kernel (AVX-512); every other size
agrees on both (tests/engine/test_course_exact.py).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .activations import get_activation
from .losses import get_head
from .propagation import LayerCache, dropout_mask


def _sigmoid(Z):
    # The notebooks' helper, s = 1 / (1 + np.exp(-x)); exp overflows to inf for very
    # negative Z, giving the exact limit 0.
    return 1 / (1 + np.exp(-Z))


def course_activation(name: str, Z, alpha=None):
    """``g(Z)`` written as the notebooks write it (tanh, ReLU, sigmoid), else the engine's."""
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(0, Z)
    if name == "sigmoid":
        return _sigmoid(Z)
    act = get_activation(name)
    return act.g(Z, act.default_alpha if alpha is None else alpha)


def course_dZ(name: str, dA, Z, A, alpha=None):
    """``dZ = dA * g'(Z)`` with the notebooks' operation order."""
    if name == "tanh":
        return dA * (1 - np.power(A, 2))
    if name == "relu":
        return np.multiply(dA, (A > 0).astype(dA.dtype))
    if name == "sigmoid":
        s = _sigmoid(Z)
        return dA * s * (1 - s)
    act = get_activation(name)
    al = act.default_alpha if alpha is None else alpha
    return dA * act.slope(Z, A, al)


def course_output(head: str, Z):
    return _sigmoid(Z) if head == "sigmoid" else get_head(head).output(Z)


def forward(X, params: dict, activations: Sequence[str], head: str = "sigmoid", alpha=None,
            keep_probs: Sequence[float] | None = None,
            masks: Sequence[np.ndarray | None] | None = None, rng=None):
    """:func:`nnviz.engine.propagation.forward` in the notebooks' expressions (same
    arguments, same ``Z[L]`` and caches). Dropout as the regularization notebook writes it:
    ``A = A * D``, then ``A = A / keep_prob``."""
    L = len(activations) + 1
    # The notebooks' X is the transpose of an (m, n_x) array, so column-major; with a
    # row-major X, a one-unit layer's np.dot(dZ, X.T) goes to another BLAS routine.
    A = np.asfortranarray(X)
    caches = []
    with np.errstate(over="ignore"):
        for l in range(1, L + 1):
            W, b = params[f"W{l}"], params[f"b{l}"]
            A_prev = A
            Z = np.dot(W, A_prev) + b
            if l == L:
                A = course_output(head, Z)
                caches.append(LayerCache(A_prev, W, b, Z, A, None, 1.0))
                break
            A = course_activation(activations[l - 1], Z, alpha)
            kp, D = dropout_mask(A, l, keep_probs, masks, rng)
            if D is not None:
                A = A * D
                A = A / kp
            caches.append(LayerCache(A_prev, W, b, Z, A, D, kp))
    return Z, caches


def backward(ZL, Y, caches, activations: Sequence[str], alpha=None, lambd: float = 0.0,
             grads: dict | None = None, keep_dZ: bool = False):
    """:func:`nnviz.engine.propagation.backward` in the notebooks' expressions. Arrays
    already in ``grads`` (the network's views into its flat gradient) are filled in
    place; L2 adds ``(lambda/m) W`` to ``dW`` as the engine does."""
    L = len(caches)
    grads = {} if grads is None else grads
    m = Y.shape[1]
    dZ = caches[-1].A - Y
    with np.errstate(over="ignore"):
        for l in range(L, 0, -1):
            cache = caches[l - 1]
            dW = (1 / m) * np.dot(dZ, cache.A_prev.T)
            db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
            if lambd:
                dW = dW + (lambd / m) * cache.W
            _store(grads, f"dW{l}", dW)
            _store(grads, f"db{l}", db)
            if keep_dZ:
                grads[f"dZ{l}"] = dZ
            if l == 1:
                break
            below = caches[l - 2]
            dA = np.dot(cache.W.T, dZ)
            A_below = below.A
            if below.D is not None:
                dA = dA * below.D
                dA = dA / below.keep_prob
                A_below = course_activation(activations[l - 2], below.Z, alpha)
            dZ = course_dZ(activations[l - 2], dA, below.Z, A_below, alpha)
    return grads


def _store(grads: dict, name: str, value) -> None:
    out = grads.get(name)
    if out is not None and out.shape == value.shape:
        out[...] = value
    else:
        grads[name] = value
