"""Per-example losses for many evaluations at once (gradient check, cost surface).

``losses.py`` returns one number, ``J`` for one ``Z[L]``. Batched evaluation needs the loss
of every example separately: here ``Z`` has the output units on its LAST axis (any leading
axes: examples, perturbations, grid points) and the matching ``Y`` broadcasts against it.
The formulas are the same stable ones, computed from ``Z``, so a saturated output gives a
large finite loss, never ``inf``/``nan``.
"""
from __future__ import annotations

import numpy as np


def example_losses(head: str, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Loss of each example, shape ``Z.shape[:-1]``; ``J`` is their mean."""
    if head == "sigmoid":
        # -y log s(z) - (1-y) log(1-s(z)) = max(z, 0) - z y + log(1 + e^-|z|)
        z = Z[..., 0]
        return np.maximum(z, 0) - z * Y[..., 0] + np.log1p(np.exp(-np.abs(z)))
    if head == "softmax":
        zmax = Z.max(axis=-1, keepdims=True)
        lse = zmax[..., 0] + np.log(np.exp(Z - zmax).sum(axis=-1))
        return lse - (Y * Z).sum(axis=-1)
    if head == "linear":
        D = Z - Y
        return 0.5 * (D * D).sum(axis=-1)
    raise ValueError(f"unknown output head {head!r}")
