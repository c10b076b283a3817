"""Lesson 7: vanishing and exploding gradients in a 20-layer network."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.layer_stats import compute_layer_stats
from nnviz.engine.network import Network
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession

from ..base import Experiment
from ..lesson_words import lesson_words
from ..plots import cost_curves
from ..results import CurvePlot, Series, Table
from ..runs import train_run

# The scheme each activation is "meant" to use; the sweep multiplies it by the scale.
NATURAL_INIT = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he", "leaky_relu": "he"}
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU"}


def gradient_ratio(dZ_norm: np.ndarray) -> float:
    """``||dZ[1]|| / ||dZ[L-1]||``: the backprop signal at the first hidden layer against
    the last hidden layer (below 1: vanishing toward the input, above 1: exploding)."""
    return float(dZ_norm[0] / dZ_norm[-2])


@dataclass(frozen=True)
class DeepGradientsExperiment(Experiment):
    key = "deep_gradients"
    number = 7
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml
    panel = "gradient_flow"

    depth: int = 20  # layers L (19 hidden + output)
    width: int = 10
    activations: tuple[str, ...] = ("sigmoid", "tanh", "relu")
    scales: tuple[float, ...] = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0)
    seeds: int = 3
    train_iterations: int = 2000  # enough for He to pull clearly away from He x 0.5
    train_scales: tuple[float, ...] = (0.5, 1.0, 2.0)
    train_activation: str = "relu"
    learning_rate: float = 0.02  # 0.05 leaves He's cost jumping to the end

    def base(self, activation: str = "tanh", scale: float = 1.0, seed: int = 1) -> SessionConfig:
        hidden = self.depth - 1
        return SessionConfig(
            DataSpec("circles", params=(("m", 400), ("noise", 0.05), ("seed", 1)),
                     normalize=True),
            NetworkSpec(hidden_units=(self.width,) * hidden, activations=(activation,) * hidden,
                        init=NATURAL_INIT.get(activation, "xavier"), init_scale=scale, seed=seed),
            Hyperparameters(optimizer="gd", learning_rate=self.learning_rate))

    def configs(self):
        return tuple(self.base(self.train_activation, s) for s in self.train_scales)

    def live_config(self):
        return self.base(self.train_activation, max(self.train_scales))

    def _run(self, reporter):
        data = TrainingSession(self.base(), history_capacity=4, trajectory_capacity=4).data
        X, Y = np.asarray(data.X_train), np.asarray(data.Y_train)
        sweep_part, train_part = reporter.part(0, 0.4), reporter.part(0.4, 1.0)
        ratios = {a: [] for a in self.activations}  # per activation: geometric mean per scale
        profiles = {}  # (activation, scale) -> ||dZ[l]|| and ||dW[l]|| for seed 1
        total = len(self.activations) * len(self.scales) * self.seeds
        done = 0
        for act in self.activations:
            for scale in self.scales:
                logs = []
                for seed in range(1, self.seeds + 1):
                    net = Network([X.shape[0], *([self.width] * (self.depth - 1)), 1], act,
                                  "sigmoid", init=NATURAL_INIT.get(act, "xavier"),
                                  init_scale=scale, seed=seed)
                    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                        stats = compute_layer_stats(net, X, Y)
                    logs.append(np.log10(gradient_ratio(stats.dZ_norm)))
                    if seed == 1:
                        profiles[act, scale] = (np.array(stats.dZ_norm), np.array(stats.grad_norm))
                    done += 1
                    sweep_part(done / total, f"{NAMES.get(act, act)}, scale {scale:g}")
                ratios[act].append(float(10 ** np.mean(logs)))
        runs = [train_run(c, self.train_iterations, label=label, progress=part)
                for c, label, part in zip(self.configs(), self.labels(),
                                          train_part.parts([1] * len(self.train_scales)))]
        layers = np.arange(1, self.depth + 1)
        per_layer = tuple(
            CurvePlot(f"{NAMES.get(a, a)} ({NATURAL_INIT.get(a, 'xavier')} x scale): ||dZ[l]|| "
                      "at init", "layer l", "||dZ[l]|| (log scale)",
                      tuple(Series(f"scale {s:g}", layers, profiles[a, s][0])
                            for s in self.scales), log_y=True,
                      note="Read right to left: backprop goes from layer L toward layer 1.")
            for a in self.activations)
        summary = CurvePlot(
            "Gradient ratio ||dZ[1]|| / ||dZ[L-1]|| against the init scale", "init scale",
            "ratio (log scale)",
            tuple(Series(NAMES.get(a, a), self.scales, ratios[a], kind="path")
                  for a in self.activations), log_x=True, log_y=True,
            note="1 is healthy; far below: vanishing; far above: exploding.")
        findings = {"ratios": {a: dict(zip(self.scales, ratios[a])) for a in self.activations},
                    "final_cost": {r.label: r.final["train_cost"] for r in runs},
                    "cost_drop": {r.label: r.initial_cost - r.final["train_cost"] for r in runs},
                    # per layer l = 1..L, seed 1: what the prediction's pick is scored on
                    "dZ_norm_at_init": {f"{a} x{s:g}": tuple(float(v) for v in profiles[a, s][0])
                                        for a, s in profiles}}
        table = Table(("activation (init)", *[f"scale {s:g}" for s in self.scales]),
                      tuple((f"{NAMES.get(a, a)} ({NATURAL_INIT.get(a, 'xavier')})", *ratios[a])
                            for a in self.activations),
                      ("s",) + ("sci",) * len(self.scales))
        parts = []
        for a in self.activations:
            r = ratios[a]
            parts.append(f"{NAMES.get(a, a)} {r[0]:.0e} at scale {self.scales[0]:g} to "
                         f"{r[-1]:.0e} at {self.scales[-1]:g}")
        def outcome(r):
            if r.diverged:
                return f"{r.label}: diverged at iteration {r.diverged_at} (exploding)"
            return (f"{r.label}: J {r.initial_cost:.3g} -> {r.final['train_cost']:.3g}, "
                    f"{100 * r.final['train_metric']:.0f}% train")
        conclusion = (f"Gradient ratio ||dZ[1]|| / ||dZ[L-1]|| over {self.depth} layers: "
                      + "; ".join(parts) + f". Training {self.train_iterations} iterations of "
                      f"{NAMES.get(self.train_activation)}: " + "; ".join(map(outcome, runs))
                      + ".")
        # A diverged run drawn up to 10x the others' cost, not 1000x: the log axis then keeps
        # room for the gap between a vanishing run (flat at ln 2) and a learning one.
        training = cost_curves(runs, title=f"Training {NAMES.get(self.train_activation)}, "
                                           f"{self.depth} layers", diverged_cap=10.0)
        plots = (summary, *per_layer, training)
        return self.result(conclusion, table, runs=tuple(runs), plots=plots, findings=findings)
