"""Lesson 11: features or hidden units: x1² and x2² let logistic regression separate circles."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import Experiment
from ..lesson_words import lesson_words
from ..comparison import results_table
from ..plots import boundary_cell, cost_curves
from ..results import BoundaryPlot
from ..runs import run_session

SQUARES = ("x1^2", "x2^2")


def ellipse_semi_axes(session) -> tuple[float, float]:
    """Where the boundary ``w1 f1 + w2 f2 + b = 0`` of logistic regression on the
    (normalized) features ``f = (x1², x2²)`` crosses the x1 and the x2 axis, in raw units
    (NaN where it does not)."""
    d, net = session.data, session.net
    w1, w2 = net.params["W1"][0]
    b = net.params["b1"][0, 0]
    mean = d.mean if d.normalized else np.zeros(2)
    std = d.std if d.normalized else np.ones(2)
    # On the x1 axis x2 = 0, so f2 = (0 - mean2) / std2; solve for x1² from f1.
    f2_at_0 = (0.0 - mean[1]) / std[1]
    f1_at_0 = (0.0 - mean[0]) / std[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        x1_sq = mean[0] + std[0] * (-(b + w2 * f2_at_0) / w1)
        x2_sq = mean[1] + std[1] * (-(b + w1 * f1_at_0) / w2)
    return tuple(float(np.sqrt(v)) if v >= 0 else float("nan") for v in (x1_sq, x2_sq))


@dataclass(frozen=True)
class FeaturesExperiment(Experiment):
    key = "features"
    number = 11
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    iterations: int = 2000
    learning_rate: float = 0.5
    hidden_units: int = 8
    m: int = 400
    noise: float = 0.05
    resolution: int = 70

    def _config(self, features, hidden: tuple[int, ...]) -> SessionConfig:
        return SessionConfig(
            DataSpec("circles", params=(("m", self.m), ("noise", self.noise), ("seed", 1)),
                     train_fraction=0.75, normalize=True, features=features),
            NetworkSpec(hidden_units=hidden, activations=("tanh",) * len(hidden),
                        init="xavier" if hidden else "zeros", seed=1),
            Hyperparameters(optimizer="gd", learning_rate=self.learning_rate))

    def configs(self):
        return (self._config((), ()), self._config(SQUARES, ()),
                self._config((), (self.hidden_units,)))

    def labels(self):
        return ("x1, x2: no hidden layer", "x1², x2²: no hidden layer",
                f"x1, x2: {self.hidden_units} tanh hidden units")

    def live_config(self):
        return self.configs()[1]

    def _run(self, reporter):
        runs, cells, params = [], [], {}
        for config, label, part in zip(self.configs(), self.labels(),
                                       reporter.parts([1, 1, 2])):
            record, session = run_session(config, self.iterations, label=label, progress=part)
            runs.append(record)
            cells.append(boundary_cell(session, label, record, self.resolution))
            params[label] = session.net.n_params
            if config.data.features == SQUARES:
                axes = ellipse_semi_axes(session)
        raw, squares, hidden = runs
        findings = {
            "train_accuracy": {r.label: r.final["train_metric"] for r in runs},
            "test_accuracy": {r.label: r.final["test_metric"] for r in runs},
            "parameters": params,
            "ellipse_semi_axes": axes,
        }
        conclusion = (
            f"On x1, x2 logistic regression gets {100 * raw.final['train_metric']:.0f}% "
            f"(chance: 50%). With x1², x2² the same {params[squares.label]}-parameter model "
            f"gets {100 * squares.final['train_metric']:.0f}% train / "
            f"{100 * squares.final['test_metric']:.0f}% test; its boundary is an ellipse "
            f"with semi-axes {axes[0]:.2f} and {axes[1]:.2f}, between the rings at 0.8 and 1. "
            f"{self.hidden_units} tanh hidden units on x1, x2 get "
            f"{100 * hidden.final['train_metric']:.0f}% / "
            f"{100 * hidden.final['test_metric']:.0f}% with {params[hidden.label]} parameters.")
        plots = (BoundaryPlot("Decision boundaries over (x1, x2)", tuple(cells)),
                 cost_curves(runs))
        return self.result(conclusion, results_table(runs), runs=tuple(runs), plots=plots,
                           findings=findings)
