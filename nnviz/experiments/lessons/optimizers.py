"""Lesson 14: gradient descent, momentum, RMSprop and Adam raced from one start."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.analysis.optimizer_race import RACE_NAMES, RaceRequest, Racer, run_race
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession

from ..base import Experiment
from ..lesson_words import lesson_words
from ..results import CurvePlot, Series, SurfacePlot, Table

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")


class _Job:
    """What :func:`run_race` expects of a job, backed by the lesson's reporter."""

    def __init__(self, reporter):
        self.reporter = reporter
        self.cancel_event = None

    def check(self) -> None:
        self.reporter.check()

    def progress(self, fraction: float, text: str = "") -> bool:
        self.reporter(fraction, text)
        return True


@dataclass(frozen=True)
class OptimizersExperiment(Experiment):
    key = "optimizers"
    number = 14
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml
    panel = "cost_surface"

    steps: int = 300
    learning_rate: float = 0.01
    resolution: int = 41
    seed: int = 1  # the data's and the initial weights'

    def base(self, optimizer: str = "gd") -> SessionConfig:
        # the course's optimization exercise: moons and a [2, 5, 2, 1] network, full batch
        return SessionConfig(
            DataSpec("moons", params=(("m", 300), ("noise", 0.2), ("seed", self.seed)),
                     normalize=True),
            NetworkSpec(hidden_units=(5, 2), activations=("tanh", "tanh"), init="xavier",
                        seed=self.seed),
            Hyperparameters(optimizer=optimizer, learning_rate=self.learning_rate, beta=0.9,
                            beta1=0.9, beta2=0.999))

    def configs(self):
        return tuple(self.base(name) for name in OPTIMIZERS)

    def labels(self):
        return tuple(RACE_NAMES[name] for name in OPTIMIZERS)

    def live_config(self):
        return self.base("adam")

    def _run(self, reporter):
        session = TrainingSession(self.base(), history_capacity=4, trajectory_capacity=4)
        net, hyper = session.net, self.base().hyper
        settings = {"gd": (), "momentum": (("beta", hyper.beta),),
                    "rmsprop": (("beta2", hyper.beta2), ("epsilon", hyper.epsilon)),
                    "adam": (("beta1", hyper.beta1), ("beta2", hyper.beta2),
                             ("epsilon", hyper.epsilon))}
        request = RaceRequest(
            theta=net.theta.copy(), layer_dims=tuple(net.layer_dims),
            activations=tuple(net.activations), head=net.head, alpha=None,
            X=session.data.X_train, Y=session.data.Y_train,
            racers=tuple(Racer(name, self.learning_rate, settings[name])
                         for name in OPTIMIZERS),
            steps=self.steps, seed=self.seed, resolution=self.resolution, aspect=1.0)
        race = run_race(request, _Job(reporter.part(0, 0.98)))
        names = self.labels()
        final = {n: float(c[-1]) for n, c in zip(names, race.costs)}
        start_cost = float(race.costs[0][0])
        # steps until J is half of its start: how fast each gets going
        half = {n: next((int(s) for s, j in zip(steps, c) if j <= start_cost / 2), None)
                for n, steps, c in zip(names, race.path_steps, race.costs)}
        length = {n: float(np.sum(np.linalg.norm(np.diff(p, axis=0), axis=1)))
                  for n, p in zip(names, race.paths)}
        best = min(final, key=final.get)
        findings = {"final_cost": final, "start_cost": start_cost, "steps_to_half": half,
                    "path_length": length, "diverged": dict(zip(names, race.diverged)),
                    "best_cost": final[best], "gd_cost": final[names[0]]}
        surface = SurfacePlot(
            "J on the plane of the four paths",
            race.axis_labels[0], race.axis_labels[1], race.alphas, race.betas, race.grid,
            tuple(Series(n, p[:, 0], p[:, 1], kind="path") for n, p in zip(names, race.paths)),
            note="The plane through the start along the paths' two main directions; all four "
                 "start at (0, 0).")
        costs = CurvePlot(
            "Training cost J", "step", "J (log scale)",
            tuple(Series(n, s, c) for n, s, c in zip(names, race.path_steps, race.costs)
                  if np.all(np.asarray(c) > 0)),
            log_y=True, note=f"The same alpha = {self.learning_rate:g} for all four.")
        table = Table(("optimizer", "J at start", f"J after {self.steps} steps",
                       "steps to halve J", "path length on the plane", "diverged"),
                      tuple((n, start_cost, final[n], half[n], length[n], bool(msg))
                            for n, msg in zip(names, race.diverged)),
                      ("s", "g", "g", "int", "g", "g"))
        parts = [f"{n} {final[n]:.3g}" for n in names]
        gd, momentum = final[names[0]], final[names[1]]
        close = abs(np.log(momentum / gd)) < np.log(1.5) if gd > 0 and momentum > 0 else False
        conclusion = (
            f"From J = {start_cost:.3g}, after {self.steps} steps with alpha = "
            f"{self.learning_rate:g}: " + ", ".join(parts) + f". Lowest: {best}. Momentum "
            "averages the gradients (v = beta v + (1 - beta) dW), so its steps are about as "
            "long as gradient descent's: it ended "
            + ("close to it" if close else "apart from it")
            + f" ({momentum:.3g} against {gd:.3g}). RMSprop and Adam divide each parameter's "
            "step by the root of its own average squared gradient, so every parameter moves "
            "about alpha per step however small its gradient.")
        return self.result(conclusion, table, plots=(surface, costs), findings=findings)

