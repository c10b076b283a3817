"""Weight initialization schemes (biases always start at zero).

| scheme  | W[l]                                | good for |
| zeros   | 0 (symmetry is never broken)        | showing why not |
| random  | randn(n[l], n[l-1]) * 0.01          | the course's first networks |
| xavier  | randn * sqrt(1 / n[l-1])            | tanh (the course's "Xavier") |
| he      | randn * sqrt(2 / n[l-1])            | ReLU |
| glorot  | randn * sqrt(2 / (n[l-1] + n[l]))   | the paper's version |

``scale`` multiplies any of them: it is the app's "init scale" slider.

``course_exact=True`` draws from NumPy's legacy ``RandomState(seed)`` (what the course's
``np.random.seed(seed); np.random.randn(...)`` gives, without touching the global state),
so the course's seeds reproduce its notebooks' initial weights bit for bit.
"""
from __future__ import annotations

import numpy as np

INIT_SCHEMES = ("zeros", "random", "xavier", "he", "glorot")
RANDOM_BASE_STD = 0.01


def init_std(scheme: str, n_prev: int, n: int) -> float:
    """Standard deviation of ``W[l]`` entries before the ``scale`` multiplier."""
    if scheme == "zeros":
        return 0.0
    if scheme == "random":
        return RANDOM_BASE_STD
    if scheme == "xavier":
        return float(np.sqrt(1.0 / n_prev))
    if scheme == "he":
        return float(np.sqrt(2.0 / n_prev))
    if scheme == "glorot":
        return float(np.sqrt(2.0 / (n_prev + n)))
    raise ValueError(f"unknown init scheme {scheme!r}; choose one of {', '.join(INIT_SCHEMES)}")


def initialize_parameters(layer_dims, scheme: str = "he", scale: float = 1.0, seed: int = 0,
                          dtype=np.float64, out: dict | None = None,
                          course_exact: bool = False) -> dict:
    """``W1, b1, ..., WL, bL`` for ``layer_dims = [n0, n1, ..., nL]``.

    Draws are float64 from ``numpy.random.default_rng(seed)`` in layer order and then cast,
    so the same seed gives the same network bit for bit, and the float32 network is the
    float64 one rounded. ``out`` (arrays of the right shapes) is filled in place.
    """
    if not np.isfinite(scale) or scale < 0:
        raise ValueError(f"init scale must be a finite number >= 0, got {scale}")
    if course_exact:
        legacy = np.random.RandomState(seed)
    else:
        rng = np.random.default_rng(seed)
    params = {} if out is None else out
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        std = init_std(scheme, n_prev, n) * scale
        if course_exact:
            # The course's zeros initializer draws nothing; the others call randn(n, n_prev).
            W = legacy.randn(n, n_prev) * std if std else np.zeros((n, n_prev))
        else:
            # Always draw, so every scheme of one seed shares the same random directions.
            W = rng.standard_normal((n, n_prev))
            W = W * std if std else np.zeros_like(W)
        if out is None:
            params[f"W{l}"] = W.astype(dtype)
            params[f"b{l}"] = np.zeros((n, 1), dtype=dtype)
        else:
            params[f"W{l}"][...] = W
            params[f"b{l}"][...] = 0
    return params
