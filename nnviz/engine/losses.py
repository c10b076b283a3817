"""Output heads: the output activation paired with its matching loss.

Every pairing here gives ``dZ[L] = A[L] - Y`` (the ``1/m`` is applied in ``dW`` and ``db``),
and every cost is computed from ``Z[L]``, not from a rounded ``A[L]``, so a saturated output
gives a large finite cost instead of ``inf`` or ``nan``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import sigmoid


def softmax(Z):
    """Column-wise softmax; subtracting the column max keeps ``exp`` from overflowing."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    E /= E.sum(axis=0, keepdims=True)
    return E


def logsumexp(Z):
    zmax = Z.max(axis=0, keepdims=True)
    return (zmax + np.log(np.exp(Z - zmax).sum(axis=0, keepdims=True)))[0]


def binary_cross_entropy(ZL, Y):
    """``J = -(1/m) sum(Y log A + (1-Y) log(1-A))`` with ``A = sigmoid(Z)``, from ``Z``.

    Uses ``-log(sigmoid(z)) = max(z,0) - z + log(1+e^-|z|)`` rearranged to
    ``max(z,0) - z y + log1p(e^-|z|)``, finite for any ``z``.
    """
    m = ZL.shape[1]
    per_example = np.maximum(ZL, 0) - ZL * Y + np.log1p(np.exp(-np.abs(ZL)))
    return float(per_example.sum()) / m


def categorical_cross_entropy(ZL, Y):
    """``J = -(1/m) sum_i sum_k Y_ki log softmax(Z)_ki`` via log-sum-exp."""
    m = ZL.shape[1]
    return float(logsumexp(ZL).sum() - (Y * ZL).sum()) / m


def mean_squared_error(ZL, Y):
    """``J = (1/2m) sum (A - Y)^2`` with a linear output ``A = Z``."""
    m = ZL.shape[1]
    D = ZL - Y
    return float((D * D).sum()) / (2 * m)


@dataclass(frozen=True)
class Head:
    name: str  # the output activation
    loss_name: str
    output: Callable  # Z[L] -> A[L]
    loss: Callable  # (Z[L], Y) -> J without regularization
    task: str


HEADS: dict[str, Head] = {
    "sigmoid": Head("sigmoid", "binary cross-entropy", sigmoid, binary_cross_entropy, "binary"),
    "softmax": Head("softmax", "categorical cross-entropy", softmax, categorical_cross_entropy,
                    "multiclass"),
    "linear": Head("linear", "mean squared error", lambda Z: Z, mean_squared_error,
                   "regression"),
}


def get_head(name: str) -> Head:
    try:
        return HEADS[name]
    except KeyError:
        raise ValueError(f"unknown output head {name!r}; choose one of {', '.join(HEADS)}") from None


def l2_penalty(weights, lambd: float, m: int) -> float:
    """``(lambda / 2m) sum_l ||W[l]||_F^2``."""
    if lambd == 0:
        return 0.0
    return lambd / (2 * m) * float(sum(np.vdot(W, W) for W in weights))
