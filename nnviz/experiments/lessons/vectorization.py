"""Lesson 10: vectorization: one layer's forward pass as Python loops against NumPy."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from nnviz.engine.activations import get_activation

from ..base import Experiment
from ..lesson_words import lesson_words
from ..results import BarPlot, CurvePlot, Series, Table

_SCALAR_G = {
    "relu": lambda z: z if z > 0.0 else 0.0,
    "tanh": math.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z)),
    "linear": lambda z: z,
    "leaky_relu": lambda z: z if z > 0.0 else 0.01 * z,
}


def forward_loops(W: list, b: list, A_prev: list, activation: str) -> list:
    """``A = g(W A_prev + b)`` with three nested Python loops over units, examples and
    inputs (lists of lists of floats): every multiply-add is one interpreted step."""
    g = _SCALAR_G[activation]
    n, n_prev, m = len(W), len(A_prev), len(A_prev[0])
    A = [[0.0] * m for _ in range(n)]
    for i in range(n):
        W_i, b_i, A_i = W[i], b[i][0], A[i]
        for j in range(m):
            z = b_i
            for k in range(n_prev):
                z += W_i[k] * A_prev[k][j]
            A_i[j] = g(z)
    return A


def forward_per_example(W, b, A_prev, activation: str) -> np.ndarray:
    """One example at a time: ``a(i) = g(W x(i) + b)`` in a Python loop over the ``m``
    columns (vectorized over units only)."""
    act = get_activation(activation)
    alpha = act.default_alpha
    out = np.empty((W.shape[0], A_prev.shape[1]))
    for j in range(A_prev.shape[1]):
        out[:, j] = act.g(W @ A_prev[:, j] + b[:, 0], alpha)
    return out


def forward_vectorized(W, b, A_prev, activation: str) -> np.ndarray:
    """``A = g(W A_prev + b)`` for all ``m`` examples at once (one matrix product)."""
    act = get_activation(activation)
    return act.g(W @ A_prev + b, act.default_alpha)


def best_time(fn, min_seconds: float = 0.05, max_repeats: int = 200) -> float:
    """The fastest of several calls (at least one, until ``min_seconds`` have passed)."""
    best, spent, n = math.inf, 0.0, 0
    while n < max_repeats and (n == 0 or spent < min_seconds):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best, spent, n = min(best, dt), spent + dt, n + 1
    return best


@dataclass(frozen=True)
class VectorizationExperiment(Experiment):
    key = "vectorization"
    number = 10
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    n_prev: int = 64
    n: int = 32
    m: int = 256
    activation: str = "relu"
    sizes: tuple[int, ...] = (16, 64, 256)  # m values for the scaling plot
    seed: int = 0

    def live_config(self):
        return None

    def layer(self, m: int):
        rng = np.random.default_rng(self.seed)
        W = rng.standard_normal((self.n, self.n_prev)) * np.sqrt(2.0 / self.n_prev)
        b = rng.standard_normal((self.n, 1)) * 0.1
        A_prev = rng.standard_normal((self.n_prev, m))
        return W, b, A_prev

    def _run(self, reporter):
        if self.activation not in _SCALAR_G:
            raise ValueError(f"vectorization timing supports {', '.join(_SCALAR_G)}, "
                             f"not {self.activation!r}")
        sizes = tuple(sorted(set(self.sizes) | {self.m}))
        times = {"loops": [], "per example": [], "vectorized": []}
        errors = []
        for m, part in zip(sizes, reporter.parts(sizes)):
            W, b, A_prev = self.layer(m)
            Wl, bl, Al = W.tolist(), b.tolist(), A_prev.tolist()
            part(0.0, f"m = {m}: Python loops")
            started = time.perf_counter()
            looped = np.array(forward_loops(Wl, bl, Al, self.activation))  # too slow to repeat
            times["loops"].append(time.perf_counter() - started)
            reference = forward_vectorized(W, b, A_prev, self.activation)
            per_example = forward_per_example(W, b, A_prev, self.activation)
            errors.append(max(float(np.abs(looped - reference).max()),
                              float(np.abs(per_example - reference).max())))
            part(0.7, f"m = {m}: one example at a time")
            times["per example"].append(best_time(
                lambda: forward_per_example(W, b, A_prev, self.activation), 0.05, 20))
            part(0.9, f"m = {m}: vectorized")
            times["vectorized"].append(best_time(
                lambda: forward_vectorized(W, b, A_prev, self.activation), 0.05, 500))
            part(1.0, f"m = {m}")
        k = sizes.index(self.m)
        t_loop, t_ex, t_vec = (times[key][k] for key in ("loops", "per example", "vectorized"))
        speedup = t_loop / t_vec
        flops = self.n * self.n_prev * self.m
        findings = {"seconds_loops": t_loop, "seconds_per_example": t_ex,
                    "seconds_vectorized": t_vec, "speedup": speedup,
                    "speedup_per_example": t_ex / t_vec, "max_abs_difference": max(errors),
                    "multiply_adds": flops,
                    "times": {key: dict(zip(sizes, v)) for key, v in times.items()}}
        table = Table(("version", "time per pass", "multiply-adds / s", "speed-up vs loops"),
                      (("Python loops (i, j, k)", t_loop, flops / t_loop, 1.0),
                       ("loop over examples", t_ex, flops / t_ex, t_loop / t_ex),
                       ("vectorized W A + b", t_vec, flops / t_vec, speedup)),
                      ("s", "ms", "sci", "x"))
        scaling = CurvePlot(
            f"Time per forward pass, layer {self.n_prev} -> {self.n}", "m (examples)",
            "seconds (log scale)",
            tuple(Series(key, sizes, v, kind="path") for key, v in times.items()),
            log_x=True, log_y=True, note="Loops grow with m at Python speed; the matrix "
                                          "product barely notices.")
        bars = BarPlot(f"Speed-up over Python loops (m = {self.m})", "times faster (log scale)",
                       ("loop over examples", "vectorized"),
                       np.array([t_loop / t_ex, speedup]), log_y=True, fmt="x")
        conclusion = (
            f"Layer {self.n_prev} -> {self.n} ({self.activation}), m = {self.m}: "
            f"{flops:,} multiply-adds. Python loops {1e3 * t_loop:.1f} ms, one example at a "
            f"time {1e3 * t_ex:.2f} ms, vectorized {1e3 * t_vec:.3f} ms: {speedup:,.0f}x "
            f"faster, same result (largest difference {max(errors):.1g}).")
        return self.result(conclusion, table, plots=(bars, scaling), findings=findings)
