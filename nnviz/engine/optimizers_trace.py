"""A per-step record of a few parameters' gradients and their exponentially weighted average
(the course's ``v := β v + (1-β) dW``), for plotting the average against the raw gradient.

Recording a step is one gather of a few dozen values into a ring buffer (under half a
microsecond), so it runs on every step of training; the averages of the gradients gathered
since are computed together, a block at a time (:meth:`GradientTrace.windows` asks for
them), as the same recurrence written as one product. Two windows are kept: the first
:data:`FIRST_STEPS` steps after a reset (where bias correction ``v / (1-βᵗ)`` matters) and
the latest :data:`RECENT_STEPS`.
"""
from __future__ import annotations

import functools

import numpy as np

FIRST_STEPS = 100
RECENT_STEPS = 400
PER_AXIS = 4  # trace W[l][i, j] for i, j < 4 and b[l][i] for i < 4 (all of a small network)
DEFAULT_BETA = 0.9  # the average shown for optimizers without one (gradient descent, RMSprop)
FOLD_STEPS = 100  # gradients gathered before their averages are computed
assert FOLD_STEPS <= RECENT_STEPS  # the ring holds every step not folded yet


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
        self.t = 0                # steps averaged (recorded ones wait in the ring until a fold)
        self.v = np.zeros(self.indices.size)  # the average after the last folded step
        self.first_beta = DEFAULT_BETA
        self._position = 0        # the ring row the next step goes to
        self._pending = 0         # steps gathered whose averages are not computed yet
        self._pending_beta = DEFAULT_BETA

    def record(self, grad: np.ndarray, beta: float) -> None:
        """One step's gradient (the flat ``dθ`` the step used) with the average's ``β``."""
        if self._pending and (beta != self._pending_beta or self._pending >= FOLD_STEPS):
            self._fold()
        p = self._position
        self.recent_raw[p] = grad[self.indices]
        self._pending_beta = beta
        self._pending += 1
        self._position = (p + 1) % RECENT_STEPS

    def _fold(self) -> None:
        """Averages of the pending steps: ``v_i = β v_(i-1) + (1-β) g_i`` for i = 1..n, as
        ``v_i = βⁱ v_0 + (1-β) Σ_(j<=i) β^(i-j) g_j`` (one lower-triangular product)."""
        n = self._pending
        if n == 0:
            return
        beta = float(self._pending_beta)
        rows = np.arange(self._position - n, self._position) % RECENT_STEPS
        g = self.recent_raw[rows]
        weights, decay = _fold_weights(beta, n)
        ewa = decay[:, None] * self.v + weights @ g
        t = self.t + 1 + np.arange(n)
        self.recent_ewa[rows] = ewa
        self.recent_t[rows] = t
        self.recent_beta[rows] = beta
        early = t <= FIRST_STEPS
        if early.any():
            self.first_raw[t[early] - 1] = g[early]
            self.first_ewa[t[early] - 1] = ewa[early]
            if t[0] == 1:
                self.first_beta = beta
        self.v = ewa[-1].copy()
        self.t += n
        self._pending = 0

    def windows(self) -> dict:
        """Copies, oldest first: ``{"first": (t, raw, ewa), "recent": (t, raw, ewa)}``
        (``t`` the step numbers 1, 2, ...; ``raw``/``ewa`` ``(steps, parameters)``) and the
        β of each window's last step."""
        self._fold()
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


@functools.lru_cache(maxsize=8)
def _fold_weights(beta: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(1-β) β^(i-j)`` for j <= i (else 0), ``(n, n)``, and ``β^(i+1)``, ``(n,)``. While
    training runs, nearly every fold is a whole block with the same β: made once."""
    steps = np.arange(n)
    lag = steps[:, None] - steps[None, :]
    weights = np.where(lag >= 0, (1.0 - beta) * beta ** np.maximum(lag, 0), 0.0)
    decay = beta ** (steps + 1.0)
    weights.flags.writeable = decay.flags.writeable = False
    return weights, decay


def bias_corrected(ewa: np.ndarray, t: np.ndarray, beta: float) -> np.ndarray:
    """``v / (1 - βᵗ)`` row by row (``ewa`` ``(steps, parameters)``, ``t`` ``(steps,)``)."""
    correction = 1.0 - float(beta) ** np.asarray(t, dtype=np.float64)
    correction = np.where(correction > 0, correction, 1.0)
    return np.asarray(ewa) / correction[:, None]
