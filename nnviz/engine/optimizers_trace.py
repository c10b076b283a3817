"""A per-step record of a few parameters' gradients and their exponentially weighted average
(the course's ``v := β v + (1-β) dW``), for plotting the average against the raw gradient.

Recording costs one gather of a few dozen values and three tiny array operations per step,
so it can run on every step of training. Two windows are kept: the first
:data:`FIRST_STEPS` steps after a reset (where bias correction ``v / (1-βᵗ)`` matters) and
the latest :data:`RECENT_STEPS`.
"""
from __future__ import annotations

import numpy as np

FIRST_STEPS = 100
RECENT_STEPS = 400
PER_AXIS = 4  # trace W[l][i, j] for i, j < 4 and b[l][i] for i < 4 (all of a small network)
DEFAULT_BETA = 0.9  # the average shown for optimizers without one (gradient descent, RMSprop)


def traced_parameters(layout, per_axis: int = PER_AXIS) -> tuple[np.ndarray, tuple[str, ...]]:
    """Flat indices and labels (``"W1[0,1]"``, ``"b2[0]"``, 0-based) of the traced
    parameters: the first ``per_axis`` rows and columns of each tensor."""
    indices, labels = [], []
    for name, where, shape in layout:
        start = where.start if isinstance(where, slice) else int(where)
        rows = shape[0]
        cols = shape[1] if len(shape) > 1 else 1
        for i in range(min(rows, per_axis)):
            for j in range(min(cols, per_axis) if len(shape) > 1 else 1):
                indices.append(start + i * cols + j)
                labels.append(f"{name}[{i},{j}]" if len(shape) > 1 else f"{name}[{i}]")
    return np.array(indices, dtype=np.intp), tuple(labels)


def average_beta(optimizer) -> float:
    """The β of the optimizer's own average of dW (momentum β, Adam β₁), else 0.9."""
    return float(getattr(optimizer, "beta", getattr(optimizer, "beta1", DEFAULT_BETA)))


class GradientTrace:
    """Raw gradient and its average for the parameters at ``indices``, step by step."""

    def __init__(self, indices: np.ndarray, labels: tuple[str, ...]):
        self.indices = np.asarray(indices, dtype=np.intp)
        self.labels = tuple(labels)
        k = self.indices.size
        self.first_raw = np.zeros((FIRST_STEPS, k))
        self.first_ewa = np.zeros((FIRST_STEPS, k))
        self.recent_raw = np.zeros((RECENT_STEPS, k))
        self.recent_ewa = np.zeros((RECENT_STEPS, k))
        self.recent_t = np.zeros(RECENT_STEPS, dtype=np.int64)
        self.recent_beta = np.zeros(RECENT_STEPS)
        self.reset()

    @classmethod
    def for_layout(cls, layout) -> "GradientTrace":
        return cls(*traced_parameters(layout))

    def reset(self) -> None:
        self.t = 0
        self.v = np.zeros(self.indices.size)
        self.first_beta = DEFAULT_BETA
        self._position = 0

    def record(self, grad: np.ndarray, beta: float) -> None:
        """One step's gradient (the flat ``dθ`` the step used) with the average's ``β``."""
        g = grad.take(self.indices).astype(np.float64, copy=False)
        v = self.v
        v *= beta
        v += (1.0 - beta) * g
        t = self.t = self.t + 1
        if t <= FIRST_STEPS:
            self.first_raw[t - 1] = g
            self.first_ewa[t - 1] = v
            if t == 1:
                self.first_beta = beta
        p = self._position
        self.recent_raw[p] = g
        self.recent_ewa[p] = v
        self.recent_t[p] = t
        self.recent_beta[p] = beta
        self._position = (p + 1) % RECENT_STEPS

    def windows(self) -> dict:
        """Copies, oldest first: ``{"first": (t, raw, ewa), "recent": (t, raw, ewa)}``
        (``t`` the step numbers 1, 2, ...; ``raw``/``ewa`` ``(steps, parameters)``) and the
        β of each window's last step."""
        n_first = min(self.t, FIRST_STEPS)
        n_recent = min(self.t, RECENT_STEPS)
        order = (np.arange(self._position - n_recent, self._position)) % RECENT_STEPS
        return {
            "first": (np.arange(1, n_first + 1), self.first_raw[:n_first].copy(),
                      self.first_ewa[:n_first].copy()),
            "recent": (self.recent_t[order], self.recent_raw[order], self.recent_ewa[order]),
            "first_beta": float(self.first_beta),
            "beta": float(self.recent_beta[order[-1]]) if n_recent else DEFAULT_BETA,
        }


def bias_corrected(ewa: np.ndarray, t: np.ndarray, beta: float) -> np.ndarray:
    """``v / (1 - βᵗ)`` row by row (``ewa`` ``(steps, parameters)``, ``t`` ``(steps,)``)."""
    correction = 1.0 - float(beta) ** np.asarray(t, dtype=np.float64)
    correction = np.where(correction > 0, correction, 1.0)
    return np.asarray(ewa) / correction[:, None]
