"""Train one configuration headless and keep what the lesson needs (no Qt).

The run uses the app's own :class:`~nnviz.training.session.TrainingSession` to build data,
split, normalization, network and trainer, so a configuration means exactly what it means
in the app; the steps are the engine's :class:`~nnviz.engine.trainer.Trainer` steps. Only the
recording is lighter than the app's: the training cost of every step (for "iterations to
reach a target cost"), train/test cost and accuracy at evenly spaced records, and optionally
copies of ``theta`` (for paths on a cost surface).
"""
from __future__ import annotations

import math
import time

import numpy as np

from nnviz.training.config import SessionConfig
from nnviz.training.session import TrainingSession

from .progress import Reporter, as_reporter
from .results import RunRecord, read_only

DEFAULT_RECORDS = 200


def record_points(iterations: int, records: int = DEFAULT_RECORDS) -> np.ndarray:
    """Iterations at which train/test numbers are measured: 0, every ``k``, and the end."""
    stride = max(1, math.ceil(iterations / max(records, 1)))
    points = np.arange(0, iterations + 1, stride)
    if points[-1] != iterations:
        points = np.append(points, iterations)
    return points


def run_session(config: SessionConfig, iterations: int, *, label: str = "",
                progress=None, cancel=None, records: int = DEFAULT_RECORDS,
                trajectory: int = 0, start_theta=None,
                stop_when_stuck: bool = True) -> tuple[RunRecord, TrainingSession]:
    """Train ``config`` for ``iterations`` steps; returns the record and the session (its
    network holds the final parameters, its data the split the run used).

    ``trajectory``: how many evenly spaced copies of ``theta`` to keep (0: none).
    ``start_theta``: start from these parameters instead of the configured initialization
    (the lesson says so in its text). ``stop_when_stuck``: with plain full-batch gradient
    descent and no dropout, a step whose gradient is exactly zero is a fixed point, so
    every later step is the same; the run then fills in the rest instead of computing it.
    """
    if int(iterations) < 0:
        raise ValueError(f"iterations must be >= 0, got {iterations}")
    iterations = int(iterations)
    reporter: Reporter = as_reporter(progress, cancel)
    started = time.perf_counter()
    session = TrainingSession(config, history_capacity=4, trajectory_capacity=4)
    trainer, net = session.trainer, session.net
    if start_theta is not None:
        start = np.asarray(start_theta, dtype=net.dtype).reshape(-1)
        if start.size != net.n_params:
            raise ValueError(f"start_theta has {start.size} values, the network "
                             f"{net.n_params} parameters")
        net.set_theta(start)
    points = record_points(iterations, records)
    traj_points = (set(record_points(iterations, max(trajectory - 1, 1)).tolist())
                   if trajectory else set())
    rec_it, rec = [], {k: [] for k in ("train_cost", "test_cost", "train_metric", "test_metric")}
    thetas, theta_its = [], []
    step_costs = np.full(iterations, np.nan)
    can_get_stuck = (config.hyper.optimizer == "gd" and config.hyper.batch_size is None
                     and config.hyper.keep_prob == 1.0)
    diverged_at, message, stuck_at = None, "", None
    next_point = 0

    def record(it: int) -> None:
        measured = session.measure()
        rec_it.append(it)
        for key in rec:
            rec[key].append(measured[key])
        if it in traj_points:
            thetas.append(net.theta.copy())
            theta_its.append(it)

    record(0)
    next_point = 1
    it = 0
    while it < iterations:
        result = trainer.step()
        if result.diverged:
            diverged_at = result.iteration + 1
            message = session.divergence_message(result)
            break
        step_costs[it] = result.cost
        it += 1
        if can_get_stuck and stop_when_stuck and not np.any(net.grad):
            stuck_at = it - 1
            step_costs[it:] = result.cost  # a fixed point: every later step is this one
            measured = session.measure()
            for p in points[next_point:]:
                rec_it.append(int(p))
                for key in rec:
                    rec[key].append(measured[key])
                if int(p) in traj_points:
                    thetas.append(net.theta.copy())
                    theta_its.append(int(p))
            next_point = len(points)
            it = iterations
            break
        if next_point < len(points) and it == points[next_point]:
            record(it)
            next_point += 1
        if it % 64 == 0:
            reporter(it / iterations, label)
        else:
            reporter.check()  # every step: a wide network's 64 steps last seconds
    if diverged_at is not None and (not rec_it or rec_it[-1] != it):
        record(it)  # the last finite state
    reporter(1.0, label)
    d = session.data
    final = {key: float(rec[key][-1]) for key in rec}
    record_ = RunRecord(
        label=label, config=config, metric_name="accuracy" if d.is_classification else "R^2",
        iterations=read_only(rec_it, np.int64),
        **{key: read_only(values, np.float64) for key, values in rec.items()},
        step_costs=read_only(step_costs[:it] if diverged_at is not None else step_costs),
        final=final, iterations_run=it, diverged=diverged_at is not None,
        diverged_at=diverged_at, message=message, stuck_at=stuck_at,
        seconds=time.perf_counter() - started, theta=read_only(net.theta),
        trajectory=read_only(np.array(thetas)) if thetas else None,
        trajectory_iterations=read_only(theta_its, np.int64) if thetas else None)
    return record_, session


def train_run(config: SessionConfig, iterations: int, **kwargs) -> RunRecord:
    """:func:`run_session` without the session."""
    return run_session(config, iterations, **kwargs)[0]
