"""Metrics: cost with and without the L2 term, accuracy, R^2 and RMSE."""
from __future__ import annotations

import numpy as np

from .losses import get_head, l2_penalty


def accuracy(predicted_labels, y) -> float:
    return float(np.mean(np.asarray(predicted_labels) == np.asarray(y)))


def rmse(predicted, y) -> float:
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(y)) ** 2)))


def r2_score(predicted, y) -> float:
    y = np.asarray(y, dtype=np.float64)
    ss_res = float(np.sum((y - predicted) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")


def evaluate(net, X, Y, lambd: float = 0.0) -> dict:
    """Cost (data term and with L2), plus accuracy or R^2/RMSE, of ``net`` on ``(X, Y)``."""
    if X.shape[1] == 0:
        return {}
    ZL, _ = net.forward(X)
    return metrics_from_output(net, ZL, Y, lambd)


def metrics_from_output(net, ZL, Y, lambd: float = 0.0) -> dict:
    """:func:`evaluate` from an already computed ``Z[L]`` (no second forward pass)."""
    head = get_head(net.head)
    cost = head.loss(ZL, Y)
    out = {"cost": cost, "cost_with_l2": cost + l2_penalty(net.weights(), lambd, Y.shape[1])}
    A = head.output(ZL)
    if net.head == "sigmoid":
        out["accuracy"] = accuracy(A[0] > 0.5, Y[0] > 0.5)
    elif net.head == "softmax":
        out["accuracy"] = accuracy(A.argmax(axis=0), Y.argmax(axis=0))
    else:
        out["rmse"] = rmse(A[0], Y[0])
        out["r2"] = r2_score(A[0], Y[0])
    return out
