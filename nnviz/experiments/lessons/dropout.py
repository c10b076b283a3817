"""Lesson 13: dropout's noise and the train/test gap (keep_prob 1, 0.8 and 0.5)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import SweepExperiment
from ..comparison import Sweep
from ..lesson_words import lesson_words
from ..plots import metric_curves, runs_with_boundaries
from ..results import BoundaryPlot, CurvePlot, Series, Table


def keep_label(keep_prob: float) -> str:
    return f"keep_prob {keep_prob:g}"


def cost_noise(step_costs) -> float:
    """How much the cost each step computes jumps from step to step, relative to its size:
    mean |J[t] - J[t-1]| / mean J over the second half of the run (0 for a smooth curve)."""
    J = np.asarray(step_costs, dtype=np.float64)
    J = J[np.isfinite(J)][len(J) // 2:]
    if J.size < 2 or J.mean() <= 0:
        return float("nan")
    return float(np.mean(np.abs(np.diff(J))) / J.mean())


@dataclass(frozen=True)
class DropoutExperiment(SweepExperiment):
    key = "dropout"
    number = 13
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    keep_probs: tuple[float, ...] = (1.0, 0.8, 0.5)
    iterations: int = 1000
    resolution: int = 60

    def base(self) -> SessionConfig:
        # 100 training points, 300 test points, a network big enough to memorize them
        return SessionConfig(
            DataSpec("moons", params=(("m", 400), ("noise", 0.3), ("seed", 1)),
                     train_fraction=0.25),
            NetworkSpec(hidden_units=(50, 50), activations=("relu", "relu"), init="he"),
            Hyperparameters(optimizer="adam", learning_rate=0.01))

    def sweep(self) -> Sweep:
        return Sweep(self.base(), "keep_prob", self.keep_probs, self.iterations,
                     labels=tuple(keep_label(k) for k in self.keep_probs))

    def _run(self, reporter):
        runs, cells = runs_with_boundaries(self.configs(), self.labels(), self.iterations,
                                           reporter, self.resolution)
        gap = {r.label: r.final["train_metric"] - r.final["test_metric"] for r in runs}
        noise = {r.label: cost_noise(r.step_costs) for r in runs}
        without = next((r for r, k in zip(runs, self.keep_probs) if k == 1.0), runs[0])
        strongest = runs[int(np.argmin(self.keep_probs))]
        findings = {
            "train_accuracy": {r.label: r.final["train_metric"] for r in runs},
            "test_accuracy": {r.label: r.final["test_metric"] for r in runs},
            "gap": gap, "cost_noise": noise,
            "gap_without": gap[without.label], "gap_strongest": gap[strongest.label],
            # the question: the gap with the strongest dropout minus the gap without
            "gap_change": gap[strongest.label] - gap[without.label],
            "strongest_keep_prob": float(min(self.keep_probs)),
        }
        table = Table(("run", "train accuracy", "test accuracy", "train - test",
                       "final J (no dropout)", "step-to-step jump of J"),
                      tuple((r.label, r.final["train_metric"], r.final["test_metric"],
                             gap[r.label], r.final["train_cost"], noise[r.label])
                            for r in runs),
                      ("s", "pct", "pct", "pct", "g", "pct"))
        step_plot = CurvePlot(
            "Each step's cost, with its masks", "iteration",
            "J (log scale)",
            tuple(Series(r.label, np.arange(1, r.step_costs.size + 1), r.step_costs)
                  for r in runs if np.all(r.step_costs > 0)),
            log_y=True, note="Each step drops other units, so its cost jumps: no longer a "
                             "smooth, always-falling curve.")
        plots = (step_plot, metric_curves(runs, test=True),
                 BoundaryPlot("Decision boundaries (test time: no units dropped)",
                              tuple(cells)))
        parts = [f"{r.label}: train {100 * r.final['train_metric']:.1f}%, test "
                 f"{100 * r.final['test_metric']:.1f}% (gap {100 * gap[r.label]:.1f} points, "
                 f"cost jumps {100 * noise[r.label]:.1f}% per step)" for r in runs]
        change = findings["gap_change"]
        verdict = (f"the gap is {100 * -change:.1f} points narrower" if change < 0 else
                   f"the gap is {100 * change:.1f} points wider (not narrower this time)")
        conclusion = ("; ".join(parts) + f". With keep_prob {min(self.keep_probs):g} "
                      f"{verdict} than without dropout.")
        return self.result(conclusion, table, runs=tuple(runs), plots=plots,
                           findings=findings)
