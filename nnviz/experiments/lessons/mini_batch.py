"""Lesson 15: mini-batch size against noise and time (batch 1, 64 and the full batch)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession

from ..base import Experiment
from ..comparison import with_setting
from ..lesson_words import lesson_words
from ..results import CurvePlot, RunRecord, Series, Table, read_only

CHUNK = 16  # steps between clock readings and cancel checks
NOISE_STEPS = 300  # the first steps whose batch costs the noise plot shows


def batch_label(batch_size: int | None) -> str:
    return "full batch" if batch_size is None else f"batch {batch_size}"


def relative_jump(costs) -> float:
    """Mean |J[t] - J[t-1]| / mean J: how much the cost each step computes jumps."""
    J = np.asarray(costs, dtype=np.float64)
    J = J[np.isfinite(J)]
    return float(np.mean(np.abs(np.diff(J))) / J.mean()) if J.size > 1 and J.mean() > 0 \
        else float("nan")


def _epochs_text(epochs: float) -> str:
    return f"{epochs:.3g}" if epochs < 100 else f"{epochs:,.0f}"


@dataclass(frozen=True)
class MiniBatchExperiment(Experiment):
    key = "mini_batch"
    number = 15
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml

    batch_sizes: tuple[int | None, ...] = (1, 64, None)
    seconds: float = 0.6  # training time each batch size gets (the clock runs only in steps)
    records: int = 40
    m: int = 5000
    learning_rate: float = 0.05
    seed: int = 1

    def base(self) -> SessionConfig:
        return SessionConfig(
            DataSpec("moons", params=(("m", self.m), ("noise", 0.2), ("seed", self.seed)),
                     train_fraction=0.8, normalize=True),
            NetworkSpec(hidden_units=(5, 2), activations=("tanh", "tanh"), init="xavier",
                        seed=self.seed),
            Hyperparameters(optimizer="gd", learning_rate=self.learning_rate))

    @property
    def m_train(self) -> int:
        return round(0.8 * self.m)

    def configs(self):
        return tuple(with_setting(self.base(), "batch_size", b) for b in self.batch_sizes)

    def labels(self):
        return tuple(batch_label(b) for b in self.batch_sizes)

    def live_config(self):
        return self.configs()[list(self.batch_sizes).index(64)] if 64 in self.batch_sizes \
            else self.configs()[-1]

    def train_for(self, config: SessionConfig, label: str, reporter):
        """Train ``config`` for ``self.seconds`` of step time; measure (untimed) at evenly
        spaced moments. Returns the record, the seconds and epochs of each measurement."""
        session = TrainingSession(config, history_capacity=4, trajectory_capacity=4)
        trainer = session.trainer
        m_train = trainer.m
        batch = config.hyper.batch_size or m_train
        its, secs, epochs, measured, steps = [], [], [], [], []
        elapsed, next_record, diverged = 0.0, 0.0, None

        def record():
            measured.append(session.measure())
            its.append(trainer.iteration)
            secs.append(elapsed)
            epochs.append(trainer.iteration * min(batch, m_train) / m_train)

        record()
        next_record = self.seconds / self.records
        while elapsed < self.seconds and diverged is None:
            reporter(elapsed / self.seconds, label)
            started = time.perf_counter()
            results = [trainer.step() for _ in range(CHUNK)]
            elapsed += time.perf_counter() - started
            for r in results:
                if r.diverged:
                    diverged = diverged or r.iteration + 1
                else:
                    steps.append(r.cost)
            if elapsed >= next_record or elapsed >= self.seconds or diverged:
                record()
                next_record = elapsed + self.seconds / self.records
        curves = {k: read_only([v[k] for v in measured], np.float64)
                  for k in ("train_cost", "test_cost", "train_metric", "test_metric")}
        record_ = RunRecord(
            label=label, config=config, metric_name="accuracy",
            iterations=read_only(its, np.int64), **curves,
            step_costs=read_only(steps, np.float64),
            final={k: float(v[-1]) for k, v in curves.items()},
            iterations_run=trainer.iteration, diverged=diverged is not None,
            diverged_at=diverged, seconds=elapsed)
        return record_, np.array(secs), np.array(epochs)

    def _run(self, reporter):
        runs, seconds, epochs = [], {}, {}
        for config, label, part in zip(self.configs(), self.labels(),
                                       reporter.parts([1] * len(self.batch_sizes))):
            record, secs, eps = self.train_for(config, label, part)
            runs.append(record)
            seconds[label], epochs[label] = secs, eps
        final = {r.label: r.final["train_cost"] for r in runs}
        ms_per_step = {r.label: 1e3 * r.seconds / max(r.iterations_run, 1) for r in runs}
        epochs_done = {r.label: float(epochs[r.label][-1]) for r in runs}
        # the noise of the cost each step computes, over the same first steps for every run
        first = min(NOISE_STEPS, *(r.step_costs.size for r in runs))
        noise = {r.label: relative_jump(r.step_costs[:first]) for r in runs}
        # after one epoch: how far each got for one pass over the data
        after_epoch = {r.label: float(np.interp(1.0, epochs[r.label], r.train_cost))
                       if epochs[r.label][-1] >= 1.0 else None for r in runs}
        best = min(final, key=final.get)
        findings = {"final_cost": final, "ms_per_step": ms_per_step, "epochs": epochs_done,
                    "steps": {r.label: r.iterations_run for r in runs},
                    "step_noise": noise, "cost_after_one_epoch": after_epoch,
                    "best_cost": final[best], "seconds": self.seconds,
                    "start_cost": runs[0].initial_cost}
        per_second = CurvePlot(
            "J against seconds of training",
            "seconds of training", "J (log scale)",
            tuple(Series(r.label, seconds[r.label], r.train_cost) for r in runs), log_y=True,
            note=f"{self.seconds:g} s each; the clock runs only while steps are taken.")
        per_epoch = CurvePlot(
            "J against epochs",
            "epoch (log scale)", "J (log scale)",
            tuple(Series(r.label, epochs[r.label][1:], r.train_cost[1:]) for r in runs),
            log_x=True, log_y=True,
            note="An epoch is one pass over the training set; batch 1 takes a step per "
                 "example.")
        noise_plot = CurvePlot(
            "Each step's batch cost", "step", "J (log scale)",
            tuple(Series(r.label, np.arange(1, first + 1), r.step_costs[:first])
                  for r in runs if np.all(r.step_costs[:first] > 0)),
            log_y=True, note=f"The first {first} steps: one example's cost jumps, 64 "
                             "examples' less, the whole set's falls smoothly.")
        table = Table((f"batch (of {self.m_train:,} examples)", "steps", "ms per step", "epochs", "J after one epoch",
                       f"J after {self.seconds:g} s", "step-to-step jump of J"),
                      tuple((r.label, r.iterations_run, ms_per_step[r.label] / 1e3,
                             epochs_done[r.label], after_epoch[r.label], final[r.label],
                             noise[r.label]) for r in runs),
                      ("s", "int", "ms", "g", "g", "g", "pct"))
        parts = [f"{r.label}: {r.iterations_run:,} steps of {ms_per_step[r.label]:.3g} ms, "
                 f"{_epochs_text(epochs_done[r.label])} epochs, J = {final[r.label]:.3g}"
                 for r in runs]
        noisiest = max(noise, key=lambda k: noise[k] if math.isfinite(noise[k]) else -1)
        conclusion = (
            f"In {self.seconds:g} s of training each: " + "; ".join(parts) + f". Lowest J: "
            f"{best}. The noisiest cost per step: {noisiest} "
            f"({100 * noise[noisiest]:.0f}% jump per step). A full-batch step uses all "
            f"{self.m_train:,} examples, so it is smooth but few are taken; batch 1 takes "
            "many cheap steps, but one example's gradient is a noisy estimate and the "
            "examples are not vectorized; 64 examples are nearly as cheap as one per step "
            "and far less noisy.")
        return self.result(conclusion, table, runs=tuple(runs),
                           plots=(per_second, per_epoch, noise_plot), findings=findings)
