"""Lesson 4: one hidden layer on the flower data, the course's sweep of hidden-layer sizes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import course_default

from ..base import Experiment
from ..lesson_words import lesson_words
from ..comparison import results_table, with_setting
from ..plots import boundary_cell, cost_curves
from ..results import BarPlot, BoundaryPlot
from ..runs import run_session


@dataclass(frozen=True)
class HiddenUnitsExperiment(Experiment):
    key = "hidden_units"
    number = 4
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    hidden_sizes: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 20, 50)  # 0: logistic regression
    iterations: int = 5000
    learning_rate: float = 1.2
    resolution: int = 70

    def configs(self):
        base = with_setting(course_default(), "learning_rate", self.learning_rate)
        return tuple(with_setting(base, "hidden_units", (n,) if n else ())
                     for n in self.hidden_sizes)

    def labels(self):
        return tuple("logistic regression" if n == 0 else f"n[1] = {n}"
                     for n in self.hidden_sizes)

    def live_config(self):
        return self.configs()[self.hidden_sizes.index(4)] if 4 in self.hidden_sizes else None

    def _run(self, reporter):
        weights = [1 + n / 10 for n in self.hidden_sizes]  # bigger layers take longer
        runs, cells = [], []
        for config, label, part in zip(self.configs(), self.labels(), reporter.parts(weights)):
            record, session = run_session(config, self.iterations, label=label, progress=part)
            runs.append(record)
            cells.append(boundary_cell(session, label, record, self.resolution))
        table = results_table(runs)
        acc = {r.label: r.final["train_metric"] for r in runs}
        test = {r.label: r.final["test_metric"] for r in runs}
        findings = {"train_accuracy": acc, "test_accuracy": test,
                    "best_test": max(test, key=lambda k: test[k])}
        lr_label = self.labels()[0] if self.hidden_sizes[0] == 0 else None
        best = findings["best_test"]
        findings["best_test_accuracy"] = test[best]
        conclusion = (f"Best test accuracy: {best} ({100 * test[best]:.1f}%). Training "
                      "accuracy: " + ", ".join(f"{label.replace('n[1] = ', 'n[1]=')} "
                                              f"{100 * acc[label]:.0f}%"
                                              for label in self.labels()) + ".")
        if lr_label is not None and 4 in self.hidden_sizes:
            conclusion = (f"A straight line gets {100 * acc[lr_label]:.0f}% of the training "
                          f"points (chance is 50%); 4 tanh units get "
                          f"{100 * acc['n[1] = 4']:.0f}%. " + conclusion)
        bars = BarPlot("Test accuracy by hidden-layer size", "test accuracy",
                       tuple(str(n) if n else "none" for n in self.hidden_sizes),
                       np.array([test[k] for k in self.labels()]), fmt="pct",
                       xlabel="hidden units n[1] (none: logistic regression)")
        plots = (BoundaryPlot("Decision boundaries (P(y=1) shaded, training points)",
                              tuple(cells)), bars, cost_curves(runs))
        return self.result(conclusion, table, runs=tuple(runs), plots=plots, findings=findings)
