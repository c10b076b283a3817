"""Per-example losses for many evaluations at once (gradient check, cost surface).

``losses.py`` returns one number, ``J`` for one ``Z[L]``. Batched evaluation needs the loss
of every example separately: here ``Z`` has the output units on its LAST axis (any leading
axes: examples, perturbations, grid points) and the matching ``Y`` broadcasts against it.
The formulas are the same stable ones, computed from ``Z``, so a saturated output gives a
large finite loss, never ``inf``/``nan``.
"""
from __future__ import annotations

import numpy as np

# "stable": from Z (nnviz). "course": from A, as the course notebook's forward pass computes
# it (-y log A - (1-y) log(1-A) with A = 1/(1+e^-z)); 1 - A loses digits when A is near 1,
# which is why the course's gradient check prints ~1e-7 where the stable cost gives ~1e-9.
COST_FORMULAS = ("stable", "course")


def check_cost_formula(formula: str) -> str:
    if formula not in COST_FORMULAS:
        raise ValueError(f"cost formula must be one of {COST_FORMULAS}, got {formula!r}")
    return formula


def example_losses(head: str, Z: np.ndarray, Y: np.ndarray,
                   formula: str = "stable") -> np.ndarray:
    """Loss of each example, shape ``Z.shape[:-1]``; ``J`` is their mean."""
    if formula == "course" and head in ("sigmoid", "softmax"):
        return course_example_losses(head, Z, Y)
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


def course_example_losses(head: str, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The course's cross-entropy, from the rounded output ``A`` (can be ``inf`` when ``A``
    rounds to 0 or 1; meant for reproducing the notebooks' numbers)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if head == "sigmoid":
            A, y = 1 / (1 + np.exp(-Z[..., 0])), Y[..., 0]
            return np.multiply(-np.log(A), y) + np.multiply(-np.log(1 - A), 1 - y)
        E = np.exp(Z - Z.max(axis=-1, keepdims=True))
        A = E / E.sum(axis=-1, keepdims=True)
        return -(Y * np.log(A)).sum(axis=-1)
