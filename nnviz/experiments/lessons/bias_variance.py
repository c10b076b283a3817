"""Lesson 12: bias and variance read from train and dev error, along an L2 λ sweep."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.analysis.bias_variance import read_bias_variance
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import SweepExperiment
from ..comparison import Sweep
from ..error_sweep import run_error_sweep
from ..lesson_words import lesson_words
from ..results import CurvePlot, Series, Table


def lambda_label(value: float) -> str:
    return f"lambda = {value:g}"


def moons_bayes_error(noise: float, samples: int = 8000, arc_points: int = 256,
                      seed: int = 0) -> float:
    """The Bayes error of the moons generator's distribution (a point on a half circle,
    angle uniform in [0, pi], plus Gaussian noise of std ``noise``): the error of the best
    possible boundary. Monte Carlo over points drawn from it, each scored by its exact
    posterior min(p0, p1) / (p0 + p1), the densities averaged over ``arc_points`` angles."""
    rng = np.random.default_rng(seed)
    angles = (np.arange(arc_points) + 0.5) * np.pi / arc_points
    arcs = (np.vstack([np.cos(angles), np.sin(angles)]),
            np.vstack([1 - np.cos(angles), 0.5 - np.sin(angles)]))
    lower = rng.integers(0, 2, samples).astype(bool)
    t = rng.uniform(0, np.pi, samples)
    centres = np.where(lower, [1 - np.cos(t), 0.5 - np.sin(t)], [np.cos(t), np.sin(t)])
    X = centres + noise * rng.standard_normal((2, samples))
    density = [np.exp(-((X[0][:, None] - a[0]) ** 2 + (X[1][:, None] - a[1]) ** 2)
                      / (2 * noise ** 2)).mean(axis=1) for a in arcs]
    return float(np.mean(np.minimum(*density) / (density[0] + density[1])))


@dataclass(frozen=True)
class BiasVarianceExperiment(SweepExperiment):
    key = "bias_variance"
    number = 12
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    lambdas: tuple[float, ...] = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0)
    iterations: int = 800
    m: int = 400
    noise: float = 0.3
    seed: int = 1  # the data's and the initial weights' (another seed: another sample)

    def base(self) -> SessionConfig:
        # 100 training points, 150 dev, 150 test: few enough for a big network to memorize
        return SessionConfig(
            DataSpec("moons", params=(("m", self.m), ("noise", self.noise), ("seed", self.seed)),
                     train_fraction=0.25, dev_fraction=0.375),
            NetworkSpec(hidden_units=(50, 50), activations=("relu", "relu"), init="he",
                        seed=self.seed),
            Hyperparameters(optimizer="adam", learning_rate=0.01))

    def sweep(self) -> Sweep:
        return Sweep(self.base(), "lambd", self.lambdas, self.iterations,
                     labels=tuple(lambda_label(v) for v in self.lambdas))

    def live_config(self):
        return self.base()  # λ = 0: the learner raises it and watches the dev error

    def _run(self, reporter):
        m_train = round(self.base().data.train_fraction * self.m)
        m_dev = round(self.base().data.dev_fraction * self.m)
        sweep = run_error_sweep(self.base(), "lambd", self.lambdas, self.iterations,
                                progress=reporter.part(0, 0.95))
        lambdas, train, dev = sweep.values, sweep.train_error, sweep.dev_error
        base_error = moons_bayes_error(self.noise)  # the best any boundary can do here
        readings = [read_bias_variance(float(t), float(d), base_error, m_train=m_train,
                                       m_dev=m_dev,
                                       regularized=lam > 0)
                    for lam, t, d in zip(lambdas, train, dev)]
        best = sweep.best_index
        if best is None:
            raise RuntimeError("every run of the sweep diverged: no dev error to read")
        labels = [lambda_label(v) for v in lambdas]
        first, last = readings[0], readings[-1]
        findings = {
            "train_error": dict(zip(labels, map(float, train))),
            "dev_error": dict(zip(labels, map(float, dev))),
            "test_error": dict(zip(labels, map(float, sweep.test_error))),
            "verdict": dict(zip(labels, (r.verdict for r in readings))),
            "best_lambda": float(lambdas[best]),
            "best_dev_error": float(dev[best]),
            "best_train_error": float(train[best]),
            "best_test_error": float(sweep.test_error[best]),
            "variance_at_zero": float(first.variance),
            "variance_at_best": float(dev[best] - train[best]),
            "bias_at_largest": float(last.avoidable_bias),
            "largest_lambda": float(lambdas[-1]),
            "base_error": base_error, "m_train": m_train, "m_dev": m_dev,
        }
        plot = self._error_plot(lambdas, train, dev, best)
        table = Table(
            ("lambda", "train error", "dev error", "test error", "dev - train", "reading"),
            tuple((float(lam), float(t), float(d), float(te), float(d - t), r.verdict)
                  for lam, t, d, te, r in zip(lambdas, train, dev, sweep.test_error,
                                              readings)),
            ("g", "pct", "pct", "pct", "pct", "s"))
        fits = ("the network fits its training points and not the dev set"
                if first.high_variance else "the dev error is close to the training error")
        underfits = ("the weights are held so small that the network underfits"
                     if last.high_bias else "still within the base error")
        conclusion = (
            f"Base error (the Bayes error of moons with noise {self.noise:g}): "
            f"{100 * base_error:.1f}%. lambda = 0: train error {100 * train[0]:.1f}%, dev "
            f"error {100 * dev[0]:.1f}% ({first.verdict}: {fits}). The lowest dev error, "
            f"{100 * dev[best]:.1f}%, is at lambda = {lambdas[best]:g} (train "
            f"{100 * train[best]:.1f}%). At lambda = {lambdas[-1]:g}: train error "
            f"{100 * train[-1]:.1f}%, dev {100 * dev[-1]:.1f}% ({last.verdict}: {underfits}). "
            f"The test error at the chosen lambda, {100 * sweep.test_error[best]:.1f}%, is the "
            "one to report: the test set was not used to choose.")
        return self.result(conclusion, table, plots=(plot,), findings=findings)

    def _error_plot(self, lambdas, train, dev, best) -> CurvePlot:
        """Train and dev error against λ on a log axis; λ = 0 (no place on a log axis) is
        drawn as two flat lines across the plot."""
        positive = lambdas > 0
        x = lambdas[positive]
        series = [Series("train error", x, 100 * train[positive], kind="path"),
                  Series("dev error", x, 100 * dev[positive], kind="path")]
        if not positive.all():
            ends = np.array([x.min(), x.max()]) if x.size else np.array([0.1, 1.0])
            zero = int(np.flatnonzero(~positive)[0])
            series += [Series("train error at lambda = 0", ends, [100 * train[zero]] * 2),
                       Series("dev error at lambda = 0", ends, [100 * dev[zero]] * 2)]
        return CurvePlot(
            "Train and dev error against the L2 lambda", "lambda (log scale)", "error (%)",
            tuple(series), log_x=True,
            note=(f"Lowest dev error at lambda = {lambdas[best]:g}. Left: dev far above "
                  "train (variance); right: both high (bias)."))
