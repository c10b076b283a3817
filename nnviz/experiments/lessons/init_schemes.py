"""Lesson 6: initialization schemes (zeros, large random, He) on circles, [2, 10, 5, 1] ReLU."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import SweepExperiment
from ..lesson_words import lesson_words
from ..comparison import Sweep, results_table
from ..plots import boundary_cell, cost_curves
from ..results import BoundaryPlot
from ..runs import run_session

SCHEMES = ({"init": "zeros", "init_scale": 1.0},
           {"init": "random", "init_scale": 1000.0},  # randn * 0.01 * 1000 = randn * 10
           {"init": "he", "init_scale": 1.0})


@dataclass(frozen=True)
class InitSchemesExperiment(SweepExperiment):
    key = "init_schemes"
    number = 6
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    iterations: int = 15000
    learning_rate: float = 0.01
    resolution: int = 70
    course_exact: bool = True  # the notebook's data (300 / 100 points) and initial weights

    def sweep(self) -> Sweep:
        base = SessionConfig(
            DataSpec("circles", params=(("m", 400), ("noise", 0.05), ("seed", 1)),
                     train_fraction=0.75),
            NetworkSpec(hidden_units=(10, 5), activations=("relu", "relu"), init="he"),
            Hyperparameters(optimizer="gd", learning_rate=self.learning_rate))
        if self.course_exact:
            # make_circles(300) after seed(1), 100 test points after seed(2), init seed 3.
            base = SessionConfig(DataSpec("circles"), base.network,
                                 base.hyper).with_course_exact()
        return Sweep(base, "", SCHEMES, self.iterations)

    def _run(self, reporter):
        runs, cells = [], []
        for config, label, part in zip(self.configs(), self.labels(), reporter.parts([1, 1, 1])):
            record, session = run_session(config, self.iterations, label=label, progress=part)
            runs.append(record)
            cells.append(boundary_cell(session, label, record, self.resolution))
        by = {r.config.network.init: r for r in runs}
        zeros, large, he = by["zeros"], by["random"], by["he"]
        findings = {
            "initial_cost": {r.label: r.initial_cost for r in runs},
            "final_cost": {r.label: r.final["train_cost"] for r in runs},
            "train_accuracy": {r.label: r.final["train_metric"] for r in runs},
            "test_accuracy": {r.label: r.final["test_metric"] for r in runs},
            "zeros_stuck_at": zeros.stuck_at,
        }
        stuck = (f"the gradient was exactly 0 from iteration {zeros.stuck_at}, "
                 if zeros.stuck_at is not None else "")
        conclusion = (
            f"Zeros: {stuck}J stays {zeros.final['train_cost']:.4f} (ln 2 = {np.log(2):.4f}), "
            f"{100 * zeros.final['train_metric']:.0f}% train. Large random: first J = "
            f"{large.initial_cost:.3g}, after {self.iterations} iterations J = "
            f"{large.final['train_cost']:.3g}, {100 * large.final['train_metric']:.0f}% train / "
            f"{100 * large.final['test_metric']:.0f}% test. He: first J = {he.initial_cost:.3g}, "
            f"final J = {he.final['train_cost']:.3g}, {100 * he.final['train_metric']:.0f}% "
            f"train / {100 * he.final['test_metric']:.0f}% test.")
        plots = (cost_curves(runs), BoundaryPlot("Decision boundaries", tuple(cells)))
        return self.result(conclusion, results_table(runs), runs=tuple(runs), plots=plots,
                           findings=findings)
