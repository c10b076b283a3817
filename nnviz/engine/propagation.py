"""Forward and backward propagation, block by block as the course writes them.

Shapes: ``A[l-1]`` is ``(n[l-1], m)``, ``W[l]`` is ``(n[l], n[l-1])``, ``b[l]`` is ``(n[l], 1)``.

    Z[l]    = W[l] A[l-1] + b[l]           linear_forward
    A[l]    = g[l](Z[l])                   linear_activation_forward
    dZ[l]   = dA[l] * g[l]'(Z[l])          linear_activation_backward
    dW[l]   = (1/m) dZ[l] A[l-1]^T         linear_backward
    db[l]   = (1/m) sum(dZ[l], axis=1)
    dA[l-1] = W[l]^T dZ[l]

The optional ``out`` arrays let :class:`~nnviz.engine.network.Network` write gradients
straight into its flat gradient vector; the results are the same with or without them.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from .activations import get_activation
from .losses import get_head


class LayerCache(NamedTuple):
    A_prev: np.ndarray
    W: np.ndarray
    b: np.ndarray
    Z: np.ndarray
    A: np.ndarray  # after dropout, if any: what the next layer sees
    D: np.ndarray | None  # dropout keep-mask (0/1), None when dropout is off
    keep_prob: float


def linear_forward(A_prev, W, b):
    """``Z = W A_prev + b``."""
    Z = W @ A_prev
    Z += b
    return Z


def linear_activation_forward(A_prev, W, b, activation: str, alpha=None):
    """``A = g(W A_prev + b)``; returns ``A, Z``."""
    act = get_activation(activation)
    Z = linear_forward(A_prev, W, b)
    return act.g(Z, act.default_alpha if alpha is None else alpha), Z


def dropout_mask(A, l: int, keep_probs: Sequence[float] | None,
                 masks: Sequence[np.ndarray | None] | None, rng):
    """Hidden layer ``l``'s ``keep_prob`` and keep-mask ``D`` (0/1, shaped as its ``A``):
    the fixed mask if ``masks`` has one, else one drawn from ``rng``; ``D`` is None when the
    layer keeps every unit."""
    kp = 1.0 if keep_probs is None else float(keep_probs[l - 1])
    if not kp < 1.0:
        return kp, None
    if masks is not None and masks[l - 1] is not None:
        return kp, masks[l - 1]
    if rng is None:
        raise ValueError("dropout needs either fixed masks or an rng")
    return kp, (rng.random(A.shape) < kp).astype(A.dtype)


def forward(X, params: dict, activations: Sequence[str], head: str = "sigmoid",
            alpha=None, keep_probs: Sequence[float] | None = None,
            masks: Sequence[np.ndarray | None] | None = None, rng=None):
    """The full forward pass. Returns ``Z[L]`` (the cost is computed from it) and the caches.

    ``activations`` names the hidden layers' ``g[1..L-1]``; the output ``g[L]`` is the head's.
    Inverted dropout on hidden layer ``l`` keeps a unit with probability ``keep_probs[l-1]``
    and divides by it. Pass ``masks`` to reuse fixed masks (gradient checking) or ``rng``
    to draw new ones.
    """
    L = len(activations) + 1
    A = X
    caches = []
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        A_prev = A
        Z = linear_forward(A_prev, W, b)
        if l == L:
            A = get_head(head).output(Z)
            caches.append(LayerCache(A_prev, W, b, Z, A, None, 1.0))
            break
        act = get_activation(activations[l - 1])
        A = act.g(Z, act.default_alpha if alpha is None else alpha)
        kp, D = dropout_mask(A, l, keep_probs, masks, rng)
        if D is not None:
            A = A * D / kp
        caches.append(LayerCache(A_prev, W, b, Z, A, D, kp))
    return Z, caches


def linear_backward(dZ, cache: LayerCache, dW_out=None, db_out=None, need_dA_prev=True):
    """``dW = (1/m) dZ A_prev^T``, ``db = (1/m) sum(dZ)``, ``dA_prev = W^T dZ``."""
    A_prev, W = cache.A_prev, cache.W
    inv_m = 1.0 / A_prev.shape[1]
    dW = np.matmul(dZ, A_prev.T, out=dW_out)
    dW *= inv_m
    db = dZ.sum(axis=1, keepdims=True, out=db_out)
    db *= inv_m
    dA_prev = W.T @ dZ if need_dA_prev else None
    return dA_prev, dW, db


def linear_activation_backward(dA, cache: LayerCache, activation: str, alpha=None, **out):
    """``dZ = dA * g'(Z)`` (through the dropout mask, if any), then :func:`linear_backward`."""
    act = get_activation(activation)
    al = act.default_alpha if alpha is None else alpha
    if cache.D is not None:
        dA = dA * cache.D / cache.keep_prob
        A_before_dropout = act.g(cache.Z, al)
    else:
        A_before_dropout = cache.A
    dZ = dA * act.slope(cache.Z, A_before_dropout, al)
    return linear_backward(dZ, cache, **out) + (dZ,)


def backward(ZL, Y, caches, activations: Sequence[str], alpha=None, lambd: float = 0.0,
             grads: dict | None = None, keep_dZ: bool = False):
    """The full backward pass from ``dZ[L] = A[L] - Y``.

    Returns ``grads`` with ``dW1, db1, ..., dWL, dbL`` (and ``dZ1..dZL`` if ``keep_dZ``).
    L2 adds ``(lambda/m) W[l]`` to ``dW[l]``. ``dA[0]`` is never computed: nothing uses it.
    """
    L = len(caches)
    grads = {} if grads is None else grads
    m = Y.shape[1]
    dZ = caches[-1].A - Y
    dA_prev, dW, db = linear_backward(dZ, caches[-1], dW_out=grads.get(f"dW{L}"),
                                      db_out=grads.get(f"db{L}"), need_dA_prev=L > 1)
    grads[f"dW{L}"], grads[f"db{L}"] = dW, db
    if keep_dZ:
        grads[f"dZ{L}"] = dZ
    for l in range(L - 1, 0, -1):
        dA_prev, dW, db, dZ = linear_activation_backward(
            dA_prev, caches[l - 1], activations[l - 1], alpha,
            dW_out=grads.get(f"dW{l}"), db_out=grads.get(f"db{l}"), need_dA_prev=l > 1)
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        if keep_dZ:
            grads[f"dZ{l}"] = dZ
    if lambd:
        for l in range(1, L + 1):
            grads[f"dW{l}"] += (lambd / m) * caches[l - 1].W
    return grads


def update(params: dict, grads: dict, learning_rate: float):
    """Plain gradient descent in place: ``W[l] -= alpha dW[l]``, ``b[l] -= alpha db[l]``."""
    for name, value in params.items():
        value -= learning_rate * grads["d" + name]
    return params
