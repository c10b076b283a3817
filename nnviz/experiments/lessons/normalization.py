"""Lesson 2: normalizing inputs, each run at the best learning rate it allows."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import Experiment
from ..lesson_words import lesson_words
from ..comparison import with_setting
from ..plots import cost_curves, parameter_surface, path_series, square_window, surface_plot
from ..results import CurvePlot, Series, Table
from ..runs import run_session, train_run

NAMES = ("not normalized", "normalized")


@dataclass(frozen=True)
class NormalizationExperiment(Experiment):
    key = "normalization"
    number = 2
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml
    panel = "cost_surface"

    scale: float = 10.0
    noise: float = 1.2
    m: int = 200
    iterations: int = 2000
    sweep_iterations: int = 300
    learning_rates: tuple[float, ...] = tuple(float(v) for v in 10.0 ** np.arange(-4, 1.01, 0.5))
    target_margin: float = 0.01  # target cost = best final cost + this
    resolution: int = 61

    def base(self, normalize: bool, learning_rate: float = 0.1) -> SessionConfig:
        return SessionConfig(
            DataSpec("scaled_features", params=(("m", self.m), ("noise", self.noise),
                                                ("scale", self.scale), ("seed", 1)),
                     normalize=normalize),
            NetworkSpec(hidden_units=(), activations=(), init="zeros"),
            Hyperparameters(optimizer="gd", learning_rate=learning_rate))

    def configs(self):
        return tuple(self.base(n) for n in (False, True))

    def labels(self):
        return NAMES

    def best_learning_rate(self, normalize: bool, reporter) -> tuple[float, list]:
        """The learning rate with the lowest training cost after ``sweep_iterations`` (runs
        that diverge are out)."""
        sweep = []
        parts = reporter.parts([1] * len(self.learning_rates))
        for lr, part in zip(self.learning_rates, parts):
            record = train_run(self.base(normalize, lr), self.sweep_iterations, records=2,
                               label=f"lr {lr:.3g}", progress=part)
            cost = np.inf if record.diverged else float(record.final["train_cost"])
            sweep.append((lr, cost))
        best = min(sweep, key=lambda p: p[1])
        return best[0], sweep

    def _run(self, reporter):
        sweep_part, train_part = reporter.part(0, 0.5), reporter.part(0.5, 0.9)
        best, sweeps = {}, {}
        for normalize, part in zip((False, True), sweep_part.parts([1, 1])):
            best[normalize], sweeps[normalize] = self.best_learning_rate(normalize, part)
        runs, sessions = [], []
        for normalize, part in zip((False, True), train_part.parts([1, 1])):
            config = with_setting(self.base(normalize), "learning_rate", best[normalize])
            record, session = run_session(config, self.iterations, progress=part, trajectory=80,
                                          label=f"{NAMES[normalize]} (lr {best[normalize]:.3g})")
            runs.append(record)
            sessions.append(session)
        target = min(r.final["train_cost"] for r in runs) + self.target_margin
        reached = [r.iterations_to(target) for r in runs]

        surfaces = []
        for normalize, (record, session) in enumerate(zip(runs, sessions)):
            path = np.asarray(record.trajectory)
            window = square_window(path[:, :2], margin=0.3)
            xs, ys, J = parameter_surface(session.net, session.data.X_train,
                                          session.data.Y_train, "W1[0,0]", "W1[0,1]",
                                          record.theta, window, self.resolution)
            units = "normalized x" if normalize else "raw x"
            surfaces.append(surface_plot(
                f"{NAMES[normalize].capitalize()}: J(w1, w2)", f"w1 ({units}1)",
                f"w2 ({units}2)", xs, ys, J,
                [path_series(f"path, lr {best[normalize]:.3g}", path, 0, 1)],
                note="b at its final value; same span on both axes"))
            reporter.part(0.9, 1.0)(0.5 * (normalize + 1), "surfaces")
        sweep_plot = CurvePlot(
            f"Learning-rate sweep ({self.sweep_iterations} iterations each)", "learning rate",
            "J after the sweep (log scale)",
            tuple(Series(NAMES[n], [lr for lr, c in sweeps[n] if np.isfinite(c)],
                         [c for lr, c in sweeps[n] if np.isfinite(c)], kind="points")
                  for n in (False, True)), log_x=True, log_y=True,
            note="The best learning rate of each is the lowest point.")
        d = [s.data for s in sessions]
        findings = {
            "best_lr_raw": best[False], "best_lr_normalized": best[True],
            "target_cost": target, "iterations_raw": reached[0],
            "iterations_normalized": reached[1],
            # how many times more iterations raw features need (inf: never got there)
            "iterations_ratio": (np.inf if reached[0] is None else
                                 reached[0] / max(reached[1] or 1, 1)),
            "final_cost_raw": runs[0].final["train_cost"],
            "final_cost_normalized": runs[1].final["train_cost"],
            "feature_std_raw": tuple(float(v) for v in d[0].std),
        }
        table = Table(
            ("run", "best learning rate", f"iterations to J <= {target:.3g}", "final J",
             "train accuracy"),
            tuple((NAMES[i], best[bool(i)], reached[i] if reached[i] is not None else np.inf,
                   r.final["train_cost"], r.final["train_metric"])
                  for i, r in enumerate(runs)),
            ("s", "g", "int", "g", "pct"))
        def took(n):
            return f"never got there in {self.iterations}" if n is None else f"needed {n}"
        ratio = ""
        if None not in reached:
            ratio = f" ({reached[0] / max(reached[1], 1):.0f}x as many)"
        conclusion = (
            f"Feature std {d[0].std[0]:.3g} and {d[0].std[1]:.3g}. Best learning rate: "
            f"{best[False]:.3g} raw, {best[True]:.3g} normalized. To reach J <= {target:.3g} "
            f"the normalized run {took(reached[1])} iterations; the raw run "
            f"{took(reached[0])}{ratio}.")
        plots = (*surfaces, cost_curves(runs, note="Same target cost for both."), sweep_plot)
        return self.result(conclusion, table, runs=tuple(runs), plots=plots, findings=findings)

    def live_config(self):
        return self.base(False, 0.1)
