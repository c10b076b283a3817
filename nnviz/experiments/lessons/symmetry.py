"""Lesson 5: why random initialization: zero init keeps every hidden unit identical."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

from ..base import Experiment
from ..lesson_words import lesson_words
from ..plots import boundary_cell, cost_curves
from ..results import BoundaryPlot, CurvePlot, HeatmapCell, HeatmapPlot, Series, Table
from ..runs import run_session


def row_spread(W1: np.ndarray) -> float:
    """Largest difference between any row of ``W[1]`` and the first row (0: identical units)."""
    return float(np.abs(W1 - W1[:1]).max())


def distinct_rows(W1: np.ndarray, tol: float = 1e-9) -> int:
    """Rows of ``W[1]`` that differ by more than ``tol`` relative to its largest entry."""
    scale = float(np.abs(W1).max()) or 1.0
    return int(np.unique(np.round(W1 / scale / tol), axis=0).shape[0])


def numerical_rank(W1: np.ndarray, rtol: float = 1e-6) -> int:
    """Rank of ``W[1]``: singular values above ``rtol`` times the largest (rounding in the
    matrix products leaves ~1e-10 differences between rows that are identical in exact
    arithmetic; a zero matrix has rank 0)."""
    s = np.linalg.svd(W1, compute_uv=False)
    return int(np.count_nonzero(s > rtol * s[0])) if s.size and s[0] > 0 else 0


@dataclass(frozen=True)
class SymmetryExperiment(Experiment):
    key = "symmetry"
    number = 5
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    hidden_units: int = 5
    iterations: int = 2000
    learning_rate: float = 5.0
    activation: str = "sigmoid"

    def base(self, init: str) -> SessionConfig:
        return SessionConfig(
            DataSpec("xor", normalize=True),
            NetworkSpec(hidden_units=(self.hidden_units,), activations=(self.activation,),
                        init=init),
            Hyperparameters(optimizer="gd", learning_rate=self.learning_rate))

    def configs(self):
        return (self.base("zeros"), self.base("random"))

    def _run(self, reporter):
        runs, spreads, finals, cells = [], [], [], []
        for config, label, part in zip(self.configs(), self.labels(), reporter.parts([1, 1])):
            record, session = run_session(config, self.iterations, label=label, progress=part,
                                          trajectory=60, stop_when_stuck=False)
            runs.append(record)
            net = session.net
            W1_slice = net.param_slice("W1")
            shape = net.params["W1"].shape
            traj = np.asarray(record.trajectory)
            spreads.append(Series(label, record.trajectory_iterations,
                                  [row_spread(t[W1_slice].reshape(shape)) for t in traj]))
            finals.append(net.params["W1"].copy())
            cells.append(boundary_cell(session, label, record))
        feature = "input j (x1, x2)"
        heat = HeatmapPlot("W[1] after training: one row per hidden unit", tuple(
            HeatmapCell(f"{r.label}", W, xlabel=feature, ylabel="unit i")
            for r, W in zip(runs, finals)),
            note="Zero init: every row the same colours. Random init: every unit different.")
        spread_plot = CurvePlot(
            "Spread between the rows of W[1]", "iteration", "max |W[1][i,:] - W[1][0,:]|",
            tuple(Series(s.label, s.x, np.where(s.y > 0, s.y, np.nan)) for s in spreads),
            log_y=True, note="Zero init: 0 up to rounding (~1e-9) at every iteration.")
        findings = {
            "row_spread": {r.label: row_spread(W) for r, W in zip(runs, finals)},
            "max_spread_over_training": {s.label: float(np.max(s.y)) for s in spreads},
            "rank_W1": {r.label: numerical_rank(W) for r, W in zip(runs, finals)},
            "W1_norm": {r.label: float(np.linalg.norm(W)) for r, W in zip(runs, finals)},
            "train_accuracy": {r.label: r.final["train_metric"] for r in runs},
            "distinct_rows": {r.label: distinct_rows(W) for r, W in zip(runs, finals)},
        }
        table = Table(("init", "distinct rows of W[1]", "rank W[1]", "max row spread",
                       "||W[1]||", "final J", "test accuracy"),
                      tuple((r.label, distinct_rows(W), numerical_rank(W),
                             row_spread(W), float(np.linalg.norm(W)), r.final["train_cost"],
                             r.final["test_metric"]) for r, W in zip(runs, finals)),
                      ("s", "int", "int", "sci", "g", "g", "pct"))
        z, rnd = runs[0].label, runs[1].label
        conclusion = (
            f"After {self.iterations} iterations, zero init: W[1] moved (||W[1]|| = "
            f"{findings['W1_norm'][z]:.3g}) but its {self.hidden_units} rows are identical "
            f"(largest difference {findings['max_spread_over_training'][z]:.1g} over the whole "
            f"run: floating-point rounding; rank {findings['rank_W1'][z]}). Random init: rows differ by up to "
            f"{findings['row_spread'][rnd]:.3g}, rank {findings['rank_W1'][rnd]}. Training "
            f"accuracy on XOR: {100 * findings['train_accuracy'][z]:.0f}% with zero init (one "
            f"effective unit) against {100 * findings['train_accuracy'][rnd]:.0f}%.")
        return self.result(conclusion, table, runs=tuple(runs),
                           plots=(heat, spread_plot, BoundaryPlot("Decision boundaries",
                                                                  tuple(cells)),
                                  cost_curves(runs)), findings=findings)
