"""Lesson 1: logistic regression's cost, cross-entropy against squared error on (w1, w2)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession

from ..base import Experiment
from ..lesson_words import lesson_words
from ..plots import parameter_surface, surface_plot
from ..results import CurvePlot, RunRecord, Series, Table, read_only

LOSSES = ("cross-entropy", "squared error")


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow for large |z|


def cross_entropy(Z, y):
    """``J = -(1/m) sum(y log a + (1-y) log(1-a))``, ``a = sigmoid(z)``, per row of ``Z``."""
    return (np.maximum(Z, 0) - Z * y + np.log1p(np.exp(-np.abs(Z)))).mean(axis=-1)


def squared_error(Z, y):
    """``J = (1/2m) sum (a - y)^2`` with ``a = sigmoid(z)``, per row of ``Z``."""
    return 0.5 * ((_sigmoid(Z) - y) ** 2).mean(axis=-1)


def gradient(loss: str, w, X, y) -> np.ndarray:
    """``dJ/dw`` at ``w`` (b fixed): ``(1/m)(a - y) X^T`` for cross-entropy,
    ``(1/m)((a - y) a (1 - a)) X^T`` for squared error (the extra ``sigmoid'`` factor)."""
    a = _sigmoid(w @ X)
    dz = a - y if loss == LOSSES[0] else (a - y) * a * (1 - a)
    return (dz * X).mean(axis=1)


def convex_fraction(J, h: float) -> float:
    """Fraction of interior grid points whose finite-difference Hessian is positive
    semi-definite (1.0 everywhere for a convex function)."""
    Jxx = (J[1:-1, 2:] - 2 * J[1:-1, 1:-1] + J[1:-1, :-2]) / h ** 2
    Jyy = (J[2:, 1:-1] - 2 * J[1:-1, 1:-1] + J[:-2, 1:-1]) / h ** 2
    Jxy = (J[2:, 2:] - J[2:, :-2] - J[:-2, 2:] + J[:-2, :-2]) / (4 * h * h)
    tol = 1e-9 * max(float(np.abs(J).max()), 1.0) / h ** 2
    psd = (Jxx >= -tol) & (Jyy >= -tol) & (Jxx * Jyy - Jxy ** 2 >= -tol * (np.abs(Jxx) + np.abs(Jyy) + tol))
    return float(psd.mean())


@dataclass(frozen=True)
class CostFunctionExperiment(Experiment):
    key = "cost_function"
    number = 1
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml
    panel = "cost_surface"

    resolution: int = 81
    extent: float = 8.0
    start: tuple[float, float] = (-6.0, -6.0)
    learning_rate: float = 1.0
    iterations: int = 300
    m: int = 200
    noise: float = 0.25

    def configs(self):
        return (SessionConfig(
            DataSpec("gaussians", params=(("m", self.m), ("noise", self.noise), ("seed", 1)),
                     train_fraction=1.0, normalize=True),
            # "Open in the app" starts where the text says: w = start, b = 0.
            NetworkSpec(hidden_units=(), activations=(), init="zeros",
                        initial_theta=(*self.start, 0.0)),
            Hyperparameters(optimizer="gd", learning_rate=self.learning_rate)),)

    def labels(self):
        return ("logistic regression, b = 0",)

    def _run(self, reporter):
        session = TrainingSession(self.configs()[0], history_capacity=4, trajectory_capacity=4)
        X, y = np.asarray(session.data.X_train), np.asarray(session.data.Y_train)[0]
        net = session.net  # [2, 1] sigmoid: theta = (w1, w2, b), b stays 0 here
        e = float(self.extent)
        window = (-e, e, -e, e)
        xs, ys, ce = parameter_surface(net, X, y[None, :], "W1[0,0]", "W1[0,1]",
                                       np.zeros(net.n_params), window, self.resolution)
        reporter(0.3, "cross-entropy surface")
        W = np.stack(np.meshgrid(xs, ys), axis=-1)  # (ny, nx, 2)
        se = squared_error(W @ X, y)
        reporter(0.5, "squared-error surface")
        h = float(xs[1] - xs[0])

        runs, paths, findings = [], [], {}
        for k, loss in enumerate(LOSSES):
            J = cross_entropy if k == 0 else squared_error
            w = np.array(self.start, dtype=np.float64)
            path, costs, accs = [w.copy()], [], []
            for _ in range(self.iterations + 1):
                z = w @ X
                costs.append(float(J(z, y)))
                accs.append(float(np.mean((z > 0) == (y > 0.5))))
                if len(costs) > self.iterations:
                    break
                w = w - self.learning_rate * gradient(loss, w, X, y)
                path.append(w.copy())
            reporter(0.5 + 0.25 * (k + 1), loss)
            path = np.array(path)
            its = np.arange(len(costs))
            nan = np.full(its.size, np.nan)
            surface = ce if k == 0 else se
            j_min = float(surface.min())
            progress = (costs[0] - costs[-1]) / max(costs[0] - j_min, 1e-300)
            grad0 = float(np.linalg.norm(gradient(loss, np.array(self.start), X, y)))
            runs.append(RunRecord(
                label=loss, config=self.configs()[0], metric_name="accuracy", iterations=its,
                train_cost=np.array(costs), test_cost=nan, train_metric=np.array(accs),
                test_metric=nan, step_costs=read_only(costs[:-1]),
                final={"train_cost": costs[-1], "test_cost": np.nan,
                       "train_metric": accs[-1], "test_metric": np.nan},
                iterations_run=self.iterations, theta=read_only([*w, 0.0]),
                trajectory=read_only(np.column_stack([path, np.zeros(len(path))]))))
            paths.append(Series(f"gradient descent, lr {self.learning_rate:g}", path[:, 0],
                                path[:, 1], kind="path"))
            tag = "ce" if k == 0 else "se"
            findings.update({
                f"convex_fraction_{tag}": convex_fraction(surface, h),
                f"start_gradient_{tag}": grad0, f"start_cost_{tag}": costs[0],
                f"final_cost_{tag}": costs[-1], f"min_cost_{tag}": j_min,
                f"progress_{tag}": float(progress), f"final_w_{tag}": tuple(float(v) for v in w)})

        findings["start_gradient_ratio"] = (findings["start_gradient_ce"]
                                            / max(findings["start_gradient_se"], 1e-300))
        plots = (
            surface_plot("Cross-entropy J(w1, w2)", "w1", "w2", xs, ys, ce, [paths[0]],
                         note="One bowl: every path leads down to the single minimum."),
            surface_plot("Squared error J(w1, w2)", "w1", "w2", xs, ys, se, [paths[1]],
                         note="Flat plateaus where a = sigma(z) is confidently wrong."),
            CurvePlot("Cost along the path", "iteration", "J - J_min (log scale)",
                      tuple(Series(r.label, r.iterations, np.maximum(
                          r.train_cost - findings[f"min_cost_{t}"], 1e-12))
                            for r, t in zip(runs, ("ce", "se"))), log_y=True),
        )
        f = findings
        table = Table(
            ("loss", "convex grid points", "|dJ/dw| at start", "J at start", "J after",
             "J minimum", "way to the minimum"),
            tuple((loss, f[f"convex_fraction_{t}"], f[f"start_gradient_{t}"],
                   f[f"start_cost_{t}"], f[f"final_cost_{t}"], f[f"min_cost_{t}"],
                   f[f"progress_{t}"]) for loss, t in zip(LOSSES, ("ce", "se"))),
            ("s", "pct", "sci", "g", "g", "g", "pct"))
        conclusion = (
            f"Cross-entropy: {100 * f['convex_fraction_ce']:.0f}% of the grid is convex; from "
            f"w = {self.start} gradient descent went {100 * f['progress_ce']:.0f}% of the way "
            f"to the minimum in {self.iterations} steps (J {f['start_cost_ce']:.3g} -> "
            f"{f['final_cost_ce']:.3g}). Squared error: only "
            f"{100 * f['convex_fraction_se']:.0f}% of the grid is convex, the start gradient is "
            f"{f['start_gradient_ce'] / max(f['start_gradient_se'], 1e-300):.0f}x smaller, and "
            f"it went {100 * f['progress_se']:.1f}% of the way (J {f['start_cost_se']:.3g} -> "
            f"{f['final_cost_se']:.3g}).")
        return self.result(conclusion, table, runs=tuple(runs), plots=plots, findings=findings)
