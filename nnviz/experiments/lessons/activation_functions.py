"""Lesson 8: activation functions compared on the same problem (training speed)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import SweepExperiment
from ..lesson_words import lesson_words
from ..comparison import Sweep
from ..plots import cost_curves, runs_with_boundaries
from ..results import BarPlot, BoundaryPlot, Table


@dataclass(frozen=True)
class ActivationFunctionsExperiment(SweepExperiment):
    key = "activation_functions"
    number = 8
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    activations: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu")
    hidden_units: tuple[int, ...] = (8, 8)
    iterations: int = 2000
    learning_rate: float = 0.3
    target: float = 0.1
    resolution: int = 60

    def sweep(self) -> Sweep:
        base = SessionConfig(
            DataSpec("moons", params=(("m", 400), ("noise", 0.1), ("seed", 1)), normalize=True),
            NetworkSpec(hidden_units=self.hidden_units,
                        activations=("tanh",) * len(self.hidden_units), init="xavier"),
            Hyperparameters(optimizer="gd", learning_rate=self.learning_rate))
        return Sweep(base, "activation", self.activations, self.iterations)

    def _run(self, reporter):
        runs, cells = runs_with_boundaries(self.configs(), self.labels(), self.iterations,
                                           reporter, self.resolution)
        reached = {r.label: r.iterations_to(self.target) for r in runs}
        per_iteration = {r.label: r.seconds / max(r.iterations_run, 1) for r in runs}
        findings = {"iterations_to_target": reached, "seconds_per_iteration": per_iteration,
                    "final_cost": {r.label: r.final["train_cost"] for r in runs},
                    "target": self.target}
        table = Table(
            ("activation", f"iterations to J <= {self.target:g}", "final J", "train accuracy",
             "test accuracy", "time per iteration"),
            tuple((r.label.split(": ", 1)[-1], reached[r.label] if reached[r.label] is not None
                   else np.inf, r.final["train_cost"], r.final["train_metric"],
                   r.final["test_metric"], per_iteration[r.label]) for r in runs),
            ("s", "int", "g", "pct", "pct", "ms"))
        never = self.iterations * 1.0
        bars = BarPlot(f"Iterations to reach J <= {self.target:g} (capped at {self.iterations})",
                       "iterations", tuple(r.label.split(": ", 1)[-1] for r in runs),
                       np.array([reached[r.label] if reached[r.label] is not None else never
                                 for r in runs]), fmt="int", xlabel="hidden-layer activation g")
        conclusion = "Iterations to reach J <= %g: " % self.target + "; ".join(
            f"{r.label.split(': ', 1)[-1]} "
            f"{reached[r.label] if reached[r.label] is not None else 'never (in %d)' % self.iterations}"
            for r in runs) + "."
        plots = (cost_curves(runs), bars, BoundaryPlot("Decision boundaries", tuple(cells)))
        return self.result(conclusion, table, runs=tuple(runs), plots=plots, findings=findings)
