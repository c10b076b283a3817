"""Lesson 3: gradient descent and the learning rate: too small, good, too large."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import Experiment
from ..lesson_words import lesson_words
from ..comparison import with_setting
from ..plots import cost_curves, parameter_surface, path_series, surface_plot
from ..results import Table
from ..runs import run_session

@dataclass(frozen=True)
class LearningRateExperiment(Experiment):
    key = "learning_rate"
    number = 3
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml
    panel = "cost_surface"

    learning_rates: tuple[float, ...] = (0.003, 0.3, 0.6, 2.0)
    iterations: int = 300
    start: tuple[float, float] = (-2.0, 2.5)  # (w, b)
    resolution: int = 81

    def base(self, learning_rate: float = 0.3) -> SessionConfig:
        return SessionConfig(
            DataSpec("regression", params=(("n_features", 1), ("m", 300), ("seed", 1)),
                     train_fraction=1.0),
            NetworkSpec(hidden_units=(), activations=(), init="zeros"),
            Hyperparameters(optimizer="gd", learning_rate=learning_rate))

    def configs(self):
        return tuple(self.base(lr) for lr in self.learning_rates)

    def live_config(self):
        return self.base(0.3)

    def _run(self, reporter):
        runs, session = [], None
        for lr, part in zip(self.learning_rates, reporter.part(0, 0.8).parts(
                [1] * len(self.learning_rates))):
            record, session = run_session(with_setting(self.base(), "learning_rate", lr),
                                          self.iterations, label=f"learning rate {lr:g}",
                                          start_theta=self.start, trajectory=self.iterations + 1,
                                          progress=part)
            runs.append(record)
        X = np.asarray(session.data.X_train)
        Y = np.asarray(session.data.Y_train)
        # Hessian of J = (1/2m) sum (w x + b - y)^2 over (w, b): (1/m) [x; 1][x; 1]^T
        ones = np.vstack([X, np.ones_like(X)])
        hessian = ones @ ones.T / X.shape[1]
        lam_max = float(np.linalg.eigvalsh(hessian).max())
        limit = 2.0 / lam_max
        w_opt = np.linalg.solve(hessian, ones @ Y[0] / X.shape[1])
        j_min = float(0.5 * np.mean((w_opt @ ones - Y[0]) ** 2))
        verdicts = []
        for r, lr in zip(runs, self.learning_rates):
            if r.diverged:
                verdicts.append("diverged")
            elif lr > limit:
                verdicts.append("unstable")
            elif r.final["train_cost"] - j_min > 1e-3 * max(r.initial_cost - j_min, 1e-12):
                verdicts.append("too slow: not there yet")
            elif lr > 0.5 * limit:
                verdicts.append("converged, zig-zagging")
            else:
                verdicts.append("converged")
        reporter(0.9, "surface")
        # the window: the start, the minimum and the converging paths, with a margin
        sx, sy = self.start
        pts = np.array([[sx, sy], w_opt])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        half = max((hi - lo).max() / 2 * 1.5, 0.5)
        c = (lo + hi) / 2
        window = (c[0] - half, c[0] + half, c[1] - half, c[1] + half)
        xs, ys, J = parameter_surface(session.net, X, Y, "W1[0,0]", "b1[0]", w_opt, window,
                                      self.resolution)
        paths = []
        for r in runs:
            T = np.asarray(r.trajectory)
            inside = (np.abs(T[:, :2] - c) <= 2 * half).all(axis=1)
            keep = T[: int(np.argmin(inside)) + 1] if not inside.all() else T
            paths.append(path_series(r.label, keep, 0, 1))
        surface = surface_plot("J(w, b) and the paths", "w", "b", xs, ys, J, paths,
                               note=f"Stable while alpha < 2 / lambda_max = {limit:.3g}.")
        findings = {"lambda_max": lam_max, "stable_limit": limit, "min_cost": j_min,
                    "diverged": {r.label: r.diverged for r in runs},
                    "diverged_at": {r.label: r.diverged_at for r in runs},
                    "final_cost": {r.label: r.final["train_cost"] for r in runs},
                    "verdicts": dict(zip((r.label for r in runs), verdicts))}
        slowest = runs[int(np.argmin(self.learning_rates))]  # the run the prediction sketches
        findings["relative_final_cost"] = slowest.final["train_cost"] / slowest.initial_cost
        findings["relative_min_cost"] = j_min / slowest.initial_cost
        table = Table(("learning rate", "alpha / (2/lambda_max)", "J at start", "final J",
                       "J - J_min", "outcome"),
                      tuple((lr, lr / limit, r.initial_cost, r.final["train_cost"],
                             r.final["train_cost"] - j_min,
                             f"diverged at iteration {r.diverged_at}" if r.diverged else v)
                            for lr, r, v in zip(self.learning_rates, runs, verdicts)),
                      ("g", "g", "g", "g", "sci", "s"))
        parts = [f"alpha {lr:g}: {v}" + (f" at iteration {r.diverged_at}" if r.diverged else "")
                 for lr, r, v in zip(self.learning_rates, runs, verdicts)]
        conclusion = (f"lambda_max = {lam_max:.3g}, so gradient descent is stable below "
                      f"alpha = {limit:.3g}. " + "; ".join(parts) + ".")
        return self.result(conclusion, table, runs=tuple(runs),
                           plots=(surface, cost_curves(runs)), findings=findings)
