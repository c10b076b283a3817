"""Train and dev error against a regularization setting (λ or keep_prob), headless (no Qt).

One run per value, each from the same base settings (data, split, network, seed: the
:class:`~nnviz.experiments.comparison.Sweep` machinery), trained for the same number of
steps; after each run the error (``1 - accuracy``, or ``1 - R²``) of the training set, the
dev set (the test set when there is no dev set: said in ``held_out``) and the test set,
measured without dropout. Low λ with a big network: train error low, dev high (variance);
high λ: both high (bias); the best λ is where the dev error is lowest.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from nnviz.analysis.bias_variance import error_from_metric
from nnviz.engine.metrics import evaluate
from nnviz.training.config import SessionConfig

from .comparison import Sweep
from .progress import as_reporter
from .runs import run_session

SWEEP_SETTINGS = {
    # setting: (what the plot calls it, default values, log axis)
    "lambd": ("L2 λ", (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0), True),
    "keep_prob": ("keep_prob", (1.0, 0.9, 0.8, 0.7, 0.6, 0.5), False),
}
DEFAULT_ITERATIONS = 2000


@dataclass(frozen=True)
class ErrorSweepResult:
    setting: str                 # "lambd" or "keep_prob"
    values: np.ndarray
    train_error: np.ndarray      # one per value (NaN: the run diverged before any record)
    dev_error: np.ndarray
    test_error: np.ndarray       # NaN without a test set
    held_out: str                # "dev", or "test" when the test set stands in
    metric_name: str
    iterations: int
    diverged: tuple[bool, ...]
    seconds: float

    @property
    def label(self) -> str:
        return SWEEP_SETTINGS[self.setting][0]

    @property
    def best_index(self) -> int | None:
        """The value with the lowest dev error (None if none is finite)."""
        finite = np.isfinite(self.dev_error)
        return int(np.nanargmin(self.dev_error)) if finite.any() else None

    def summary(self) -> str:
        best = self.best_index
        if best is None:
            return f"No run gave a {self.held_out} error (every run diverged?)."
        return (f"Lowest {self.held_out} error {100 * self.dev_error[best]:.1f} % at "
                f"{self.label} = {self.values[best]:g} (train {100 * self.train_error[best]:.1f} %).")


def run_error_sweep(base: SessionConfig, setting: str, values=None,
                    iterations: int = DEFAULT_ITERATIONS, progress=None,
                    cancel=None) -> ErrorSweepResult:
    """Train ``base`` once per value of ``setting`` and measure the errors. ``progress`` and
    ``cancel`` as for experiments (raises ``ExperimentCancelled`` when stopped); a bad value
    raises ``ValueError`` naming it before anything runs."""
    if setting not in SWEEP_SETTINGS:
        raise ValueError(f"a bias/variance sweep varies {' or '.join(SWEEP_SETTINGS)}, "
                         f"not {setting!r}")
    values = tuple(SWEEP_SETTINGS[setting][1] if values is None else values)
    sweep = Sweep(base, setting, values, iterations)  # checks every value now
    started = time.perf_counter()
    reporter = as_reporter(progress, cancel)
    errors = {"train": [], "dev": [], "test": []}
    diverged, held_out, metric_name = [], "dev", "accuracy"
    for config, value, part in zip(sweep.configs(), values,
                                   reporter.parts([1] * len(values))):
        record, session = run_session(config, iterations, progress=part,
                                      label=f"{SWEEP_SETTINGS[setting][0]} = {value:g}")
        d, net = session.data, session.net
        metric_name = record.metric_name
        key = "accuracy" if d.is_classification else "r2"
        held_out = "dev" if d.m_dev else "test"
        sets = {"train": (d.X_train, d.Y_train), "test": (d.X_test, d.Y_test),
                "dev": (d.X_dev, d.Y_dev) if d.m_dev else (d.X_test, d.Y_test)}
        for name, (X, Y) in sets.items():
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                measured = evaluate(net, X.astype(net.dtype, copy=False),
                                    Y.astype(net.dtype, copy=False)) if X.shape[1] else {}
            metric = float(measured.get(key, np.nan))
            errors[name].append(error_from_metric(metric, metric_name)
                                if np.isfinite(metric) else np.nan)
        diverged.append(record.diverged)
    reporter(1.0, "done", force=True)
    return ErrorSweepResult(
        setting=setting, values=np.asarray(values, dtype=np.float64),
        train_error=np.asarray(errors["train"]), dev_error=np.asarray(errors["dev"]),
        test_error=np.asarray(errors["test"]), held_out=held_out, metric_name=metric_name,
        iterations=int(iterations), diverged=tuple(diverged),
        seconds=time.perf_counter() - started)
