"""A training session without Qt: data, network, trainer, history and snapshots.

The worker thread owns one :class:`TrainingSession` and drives it; scripts and tests can
drive one directly. ``apply(config)`` rebuilds only what changed, and leaves the session as
it was if the new settings are bad (the error says what is wrong). Building the data, the
network and the trainer from settings lives in :mod:`nnviz.training.session_build`.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from nnviz.analysis.cost_trend import CostWatch, cost_hint
from nnviz.analysis.divergence_text import divergence_message
from nnviz.engine.data import Dataset
from nnviz.engine.features import FeatureMap, InputPipeline
from nnviz.engine.losses import l2_penalty
from nnviz.engine.metrics import evaluate, metrics_from_output
from nnviz.engine.network import Network
from nnviz.engine.normalization import Standardizer
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.optimizers_trace import GradientTrace, average_beta
from nnviz.engine.trainer import StepResult, Trainer

from . import probes
from .config import Hyperparameters, SessionConfig, course_default
from .history import MetricHistory, Trajectory, read_only
from .optimizer_view import optimizer_view
from .session_build import (BuiltData, DatasetCache, build_data, build_network, build_trainer,
                            point_id_at, start_from)
from .snapshot import IDLE, DataSummary, History, LayerHistory, TrainingSnapshot

try:  # per-layer statistics from the analysis engine, once it exists
    from nnviz.engine import layer_stats as _layer_stats_module
except ImportError:  # pragma: no cover - depends on the analysis engine being present
    _layer_stats_module = None

# Before a divergence the cost climbs by orders of magnitude for a few steps; records above
# this many times the starting cost are that blow-up and leave the plotted history.
RUNAWAY_FACTOR = 10.0


def describe_changes(old: SessionConfig | None, new: SessionConfig) -> str:
    """``"data"``, ``"points"`` (only drawn or removed points: training goes on),
    ``"network"``, ``"hyper"`` or ``"none"``: the biggest part that changed."""
    if (old is not None and old.data != new.data and old.network == new.network
            and old.data.same_data_except_edits(new.data)):
        return "points"
    if old is None or old.data != new.data:
        return "data"
    if old.network != new.network:
        return "network"
    if old.hyper != new.hyper:
        return "hyper"
    return "none"


def _schedule(hyper: Hyperparameters):
    """The trainer's learning-rate decay (None: α stays the optimizer's own)."""
    return hyper.lr_schedule() if hyper.lr_decay != "none" else None


class TrainingSession:
    def __init__(self, config: SessionConfig | None = None, history_capacity: int = 1024,
                 trajectory_capacity: int = 256):
        self.config: SessionConfig | None = None
        self.generation = 0
        self.history = MetricHistory(history_capacity)
        self.trajectory = Trajectory(trajectory_capacity)
        self._datasets = DatasetCache()
        self._data: BuiltData | None = None
        self.net: Network | None = None
        self.trainer: Trainer | None = None
        self._columns = np.arange(0)
        self._last_finite: dict = {}
        self._outcome = (None, None, None)
        self._outcome_generation = -1
        self.cost_watch = CostWatch()  # is the cost bouncing or rising? (too large an α)
        self.gradient_trace: GradientTrace | None = None  # a few dW and their average v
        # Per-layer gradient/activation statistics over iterations (one entry per snapshot).
        self.layer_history = (_layer_stats_module.LayerStatsHistory(capacity=512,
                                                                    keep_histograms=False)
                              if _layer_stats_module is not None else None)
        self.apply(config if config is not None else course_default())

    # -- building ----------------------------------------------------------------------
    @property
    def data(self) -> DataSummary:
        return self._data.summary

    @property
    def standardizer(self) -> Standardizer:
        return self._data.standardizer

    @property
    def dataset(self) -> Dataset:
        return self._data.dataset

    @property
    def feature_map(self) -> FeatureMap | None:
        """The input features (None: the raw inputs go to the network)."""
        return self._data.features

    @property
    def input_pipeline(self) -> InputPipeline:
        """Raw inputs (as plotted) -> the network's inputs: features, then normalization."""
        d = self._data
        return InputPipeline(d.features, d.standardizer if d.summary.normalized else None)

    def apply(self, config: SessionConfig) -> str:
        """Switch to ``config``; returns what had to change (see :func:`describe_changes`).

        Raises ``ValueError`` (including ``CSVError``) with a clear message on bad settings;
        the session is then unchanged.
        """
        change = describe_changes(self.config, config)
        if change == "none":
            return change
        if change == "hyper":
            self.set_hyperparameters(config.hyper)
            self.config = config
            return change
        if change == "points":
            self._apply_points(config)
            return change
        data = build_data(config.data, self._datasets) if change == "data" else self._data
        net = build_network(config.network, data.summary)
        trainer = build_trainer(net, data.summary, config.hyper)
        trainer.lr_schedule = _schedule(config.hyper)
        # Everything built without error: swap it in.
        self._data, self.net, self.trainer, self.config = data, net, trainer, config
        self._adopt_data()
        self._restart()
        return change

    def _adopt_data(self) -> None:
        d, net = self._data.summary, self.net
        self._columns = probes.sample_columns(d.m_train, net.layer_dims)
        dev = [d.X_dev] if d.m_dev else []  # train, test, dev: one forward pass
        self._X_all = np.ascontiguousarray(np.hstack([d.X_train, d.X_test, *dev]),
                                           dtype=net.dtype)
        self._Y_test = np.ascontiguousarray(d.Y_test, dtype=net.dtype)
        self._Y_dev = np.ascontiguousarray(d.Y_dev, dtype=net.dtype) if d.m_dev else None

    def _apply_points(self, config: SessionConfig) -> None:
        """Drawn or removed points: new data, the same network, optimizer and counters, so
        training goes on (the history too: the curves show the step the edit made)."""
        data = build_data(config.data, self._datasets)
        old = self.trainer
        trainer = Trainer(self.net, data.summary.X_train, data.summary.Y_train, old.optimizer,
                          batch_size=old.batch_size, lambd=old.lambd, keep_prob=old.keep_prob,
                          seed=self.net.seed)
        trainer.iteration, trainer.epoch, trainer.rng = old.iteration, old.epoch, old.rng
        trainer.lr_schedule = old.lr_schedule
        trainer.diverged = old.diverged
        self._data, self.trainer, self.config = data, trainer, config
        self._adopt_data()
        self._outcome_generation = -1  # redraw the boundary with the new points

    def point_at(self, x1: float, x2: float) -> int | None:
        """The id of the data point (training or test) nearest to ``(x1, x2)`` in raw units,
        each axis measured in units of its span; for ``DataSpec.without_point``."""
        return point_id_at(self._data, x1, x2)

    def set_hyperparameters(self, hyper: Hyperparameters) -> None:
        """Apply at the next step, without a reset (a new optimizer type starts fresh
        moving averages; the same type keeps them)."""
        trainer = self.trainer
        if trainer.optimizer.name != hyper.optimizer:
            trainer.optimizer = make_optimizer(hyper.optimizer, **hyper.optimizer_kwargs())
        else:
            for key, value in hyper.optimizer_kwargs().items():
                setattr(trainer.optimizer, key, value)
        trainer.batch_size = hyper.batch_size
        trainer.lambd = hyper.lambd
        trainer.keep_prob = hyper.keep_prob
        trainer.lr_schedule = _schedule(hyper)  # after the optimizer's α0: α now
        self.config = dataclasses.replace(self.config, hyper=hyper)
        self._watch_costs()  # a verdict on the old settings says nothing about the new

    def reset(self) -> None:
        """Re-initialize the network with its seed and forget all progress."""
        self.net.initialize()
        start_from(self.net, self.config.network)
        self.trainer = build_trainer(self.net, self.data, self.config.hyper)
        self.trainer.lr_schedule = _schedule(self.config.hyper)
        self._restart()

    def _restart(self) -> None:
        self.generation += 1
        self.history.clear()
        self.trajectory.clear()
        if self.layer_history is not None:
            self.layer_history.clear()
        self._last_finite = {}
        self._outcome = (None, None, None)
        self.gradient_trace = GradientTrace.for_layout(self.net.layout)
        self._watch_costs()
        self._record(force=True)

    # -- training ----------------------------------------------------------------------
    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def diverged(self) -> bool:
        return self.trainer.diverged

    def limit_recording(self, steps_per_second: float, records_per_second: float = 50.0):
        """Record history and trajectory at most about ``records_per_second`` times per
        second at this training speed (each record costs a forward pass over the data)."""
        ratio = steps_per_second / records_per_second
        stride = 1 << max(0, int(np.ceil(np.log2(ratio)))) if ratio > 1 else 1
        self.history.min_stride = stride
        self.trajectory.min_stride = stride

    def _watch_costs(self) -> None:
        """Start the cost watch afresh; with mini-batches or dropout a step's cost is not the
        training cost, so the watch gets the recorded ones instead (see ``_record``)."""
        t = self.trainer
        self._exact_costs = (t.keep_probs() is None
                             and (t.batch_size is None or t.batch_size >= t.m))
        self.cost_watch.clear()
        self.cost_watch.noisy = not self._exact_costs

    @property
    def cost_hint(self) -> str:
        """"The cost is bouncing: ..." when the recent costs bounce or rise, else ""."""
        if self.trainer.diverged:
            return ""  # the divergence message says it all
        net = self.net
        # tanh / sigmoid units and a bounded output error: the cost bounces, never overflows
        bounded = (net.head in ("sigmoid", "softmax") and len(net.activations) > 0
                   and all(a in ("tanh", "sigmoid") for a in net.activations))
        return cost_hint(self.cost_watch.update(), self.config.hyper.learning_rate, bounded)

    def step(self, n: int = 1) -> StepResult:
        """Up to ``n`` steps; stops at a divergence (the returned result says so)."""
        trainer = self.trainer
        result = StepResult(trainer.iteration, trainer.epoch, float("nan"))
        watch = self.cost_watch.add if self._exact_costs else None
        trace, grad = self.gradient_trace.record, self.net.grad
        beta = average_beta(trainer.optimizer)
        # Records are due only at multiples of this: one modulo a step, not two calls.
        every = self._record_period()
        for _ in range(n):
            result = trainer.step()
            if result.diverged:
                climb = self._drop_runaway()
                return dataclasses.replace(result,
                                           message=self.divergence_message(result, climb))
            trace(grad, beta)  # the gradient this step used
            if watch is not None:
                watch(result.cost)  # full batch: the training cost before this step
            if trainer.iteration % every == 0:
                self._record()
                every = self._record_period()
        return result

    def _record_period(self) -> int:
        """History and path records fall on multiples of their periods (powers of two)."""
        it = self.trainer.iteration
        return math.gcd(self.history.period(it + 1), self.trajectory.period(it + 1))

    def set_parameter(self, name: str, index, value: float) -> float:
        """The weight editor: ``W[l][i, j]`` (``"W2", (i, j)``) or ``b[l][i]`` (``"b1", i``,
        0-based) set to ``value``; returns the old value. The next snapshot shows the
        network with it (cost, boundary, every panel); training continues from it."""
        from nnviz.engine.inspection import set_parameter

        old = set_parameter(self.net, name, index, value)
        self.trainer.diverged = False  # a finite edit is a fresh start from these parameters
        return old

    def clear_divergence(self) -> None:
        """Allow training to continue from the last finite parameters (e.g. after lowering
        the learning rate)."""
        self.trainer.diverged = False

    def _drop_runaway(self) -> tuple[int, float] | None:
        """Take the blow-up before a divergence out of the history, the parameter path and
        the per-layer statistics (so no plot is stretched to 1e305); returns (first
        iteration of the climb, the highest cost it reached) or None."""
        climb = self.history.trim_runaway(RUNAWAY_FACTOR)
        if climb is not None:
            self.trajectory.drop_from(climb[0])
            if self.layer_history is not None:
                self.layer_history.drop_from(climb[0])
        return climb

    def divergence_message(self, result: StepResult,
                           climb: tuple[int, float] | None = None) -> str:
        """What happened and how to fix it (built in ``analysis.divergence_text``); its
        cost is the one the snapshot shows: the cost at the last finite parameters."""
        d = self.data
        normalized = d.normalized or d.n_features == 0
        std = None if normalized else (float(d.std.min()), float(d.std.max()))
        return divergence_message(result.iteration + 1, self.config.hyper.learning_rate,
                                  self.measure()["train_cost"],
                                  climb[0] if climb is not None else None, normalized, std)

    def measure(self, train_output=None) -> dict:
        """Train/test cost and accuracy (or R^2) at the current parameters; non-finite
        values are replaced by the last finite ones (so plots never see NaN/inf).

        ``train_output``: ``Z[L]`` of the training set at these parameters, if already
        computed (then only the test set is propagated)."""
        d, lambd, net = self.data, self.trainer.lambd, self.net
        m, m_test = d.m_train, d.m_test
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if train_output is not None:
                train = metrics_from_output(net, train_output, self.trainer.Y, lambd)
                test = (evaluate(net, d.X_test.astype(net.dtype, copy=False),
                                 d.Y_test.astype(net.dtype, copy=False)) if d.m_test else {})
                dev = (evaluate(net, d.X_dev.astype(net.dtype, copy=False), self._Y_dev)
                       if d.m_dev else {})
            else:
                # One forward pass over train, test and dev together (every few steps).
                ZL, _ = net.forward(self._X_all)
                train = metrics_from_output(net, ZL[:, :m], self.trainer.Y, lambd)
                test = (metrics_from_output(net, ZL[:, m:m + m_test], self._Y_test, 0.0)
                        if d.m_test else {})
                dev = (metrics_from_output(net, ZL[:, m + m_test:], self._Y_dev, 0.0)
                       if d.m_dev else {})
            l2 = l2_penalty(net.weights(), lambd, m)
        metric = "accuracy" if d.is_classification else "r2"
        values = {
            "train_cost": train.get("cost", np.nan),
            "train_cost_with_l2": train.get("cost_with_l2", np.nan),
            "test_cost": test.get("cost", np.nan),
            "train_metric": train.get(metric, np.nan),
            "test_metric": test.get(metric, np.nan),
            "dev_cost": dev.get("cost", np.nan),
            "dev_metric": dev.get(metric, np.nan),
            "l2_cost": l2,
        }
        out = {}
        for key, value in values.items():
            value = float(value)
            if np.isfinite(value):
                self._last_finite[key] = value
            elif not np.isnan(value) or key in self._last_finite:
                value = self._last_finite.get(key, np.nan)  # inf -> last finite (or NaN)
            out[key] = value
        return out

    def _record(self, force: bool = False) -> None:
        it = self.trainer.iteration
        if force or self.history.due(it):
            m = self.measure()
            if np.isfinite(m["train_cost"]):
                self.history.append(it, m["train_cost"], m["test_cost"], m["train_metric"],
                                    m["test_metric"], m["dev_cost"], m["dev_metric"],
                                    m["l2_cost"])
                if not self._exact_costs:
                    self.cost_watch.add(m["train_cost"])
        if force or self.trajectory.due(it):
            self.trajectory.append(it, self.net.theta)

    # -- snapshots ---------------------------------------------------------------------
    def snapshot(self, state: str = IDLE, steps_per_second: float = 0.0, message: str = "",
                 serial: int = 0, refresh_outcome: bool = True) -> TrainingSnapshot:
        """An immutable picture of the session now (worker thread; a few milliseconds).

        ``refresh_outcome=False`` reuses the last decision boundary / evaluation (while training
        runs the worker recomputes those for every frame at a kept pace, a few times a second
        at Max, and only while a view on screen draws them)."""
        net, d = self.net, self.data
        _, layers, caches, grads = probes.layer_probe(net, self.trainer.X, self.trainer.Y,
                                                      self.trainer.lambd, self._columns)
        measured = self.measure(train_output=caches[-1].Z)
        stats = self._layer_stats(caches, grads)
        if refresh_outcome or self._outcome_generation != self.generation:
            # Huge weights (before a divergence) overflow harmlessly in the contour's
            # interpolation of cells it does not cross: no warnings from the worker.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                self._outcome = self._compute_outcome()
            self._outcome_generation = self.generation
        boundary, curve, evaluation = self._outcome
        hist = self.history.arrays()
        return TrainingSnapshot(
            serial=serial, generation=self.generation, iteration=self.trainer.iteration,
            epoch=self.trainer.epoch, state=state, config=self.config,
            layer_dims=tuple(net.layer_dims), activations=tuple(net.activations), head=net.head,
            theta=read_only(net.theta), layout=tuple(net.layout),
            train_cost=measured["train_cost"],
            train_cost_with_l2=measured["train_cost_with_l2"],
            test_cost=measured["test_cost"], train_metric=measured["train_metric"],
            test_metric=measured["test_metric"],
            metric_name="accuracy" if d.is_classification else "R^2",
            steps_per_second=float(steps_per_second),
            history=History(stride=self.history.stride, **hist),
            layers=tuple(layers), layer_columns=read_only(self._columns), data=d,
            trajectory=self.trajectory.thetas(),
            trajectory_iterations=self.trajectory.iterations(),
            boundary=boundary, curve=curve, evaluation=evaluation, layer_stats=stats,
            layer_history=self._layer_history_arrays(), message=message,
            cost_hint=self.cost_hint,
            # Last: it needs the training set's gradient still in net.grad.
            optimizer=optimizer_view(net, self.trainer, self.gradient_trace),
            dropout_masks=self._dropout_masks(),
            learning_rate=self.trainer.learning_rate,
        )

    def _dropout_masks(self):
        """The last step's masks while they are those of the current keep_prob (none after
        dropout is turned off or keep_prob changed, until the next step)."""
        masks, keep_probs = self.trainer.last_masks, self.trainer.keep_probs()
        if masks is None or keep_probs is None or list(masks.keep_probs) != keep_probs:
            return None
        return masks

    def _compute_outcome(self):
        """What the network predicts, drawn by the training panel: ``(boundary, curve,
        evaluation)``, one of them set (2 features, 1 feature, more)."""
        net, d = self.net, self.data
        boundary = curve = evaluation = None
        # Plotted over the raw inputs; the pipeline adds features and normalization.
        n_raw, pipeline = d.X_train_raw.shape[0], self.input_pipeline
        if n_raw == 2:
            xs, ys = probes.plane_axes(np.hstack([d.X_train_raw, d.X_test_raw]),
                                       probes.grid_resolution(net.layer_dims))
            boundary = probes.boundary_grid(net, pipeline, xs, ys, d.task, True,
                                            max_units=probes.MAX_PICTURED_UNITS)
            if boundary is not None:
                boundary = dataclasses.replace(boundary, iteration=self.trainer.iteration)
            elif self._outcome[0] is not None:
                boundary = self._outcome[0]  # overflowed: keep the last finite picture
        elif n_raw == 1:
            curve = probes.response_curve(net, pipeline,
                                          np.hstack([d.X_train_raw, d.X_test_raw]), d.task,
                                          True) or self._outcome[1]
        else:
            use_test = d.m_test > 0
            X = d.X_test if use_test else d.X_train
            y = d.y_test if use_test else d.y_train
            evaluation = probes.evaluation(net, X.astype(net.dtype, copy=False), y, d.task,
                                           len(d.class_names),
                                           "test" if use_test else "train") or self._outcome[2]
            image_shape = self.dataset.meta.get("image_shape")
            if evaluation is not None and image_shape is not None and d.is_classification:
                images = probes.misclassified_images(
                    net, X, d.X_test_raw if use_test else d.X_train_raw, y, image_shape)
                if images is None and self._outcome[2] is not None:  # overflowed: the last
                    images = self._outcome[2].images
                evaluation = dataclasses.replace(evaluation, images=images)
        return boundary, curve, evaluation

    def _layer_stats(self, caches, grads):
        """``nnviz.engine.layer_stats.LayerStats`` of this pass, also added to the bounded
        per-layer history (once per iteration)."""
        module = _layer_stats_module
        if module is None:
            return None
        it = self.trainer.iteration
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            stats = module.layer_statistics(self.net, caches, grads, iteration=it,
                                            learning_rate=self.trainer.optimizer.learning_rate)
        h = self.layer_history
        # After a divergence the last finite parameters are huge: not part of the run's
        # history (the blow-up before it was taken out too).
        if not self.trainer.diverged and (len(h) == 0 or it > h.iterations[-1]):
            h.append(stats)
        return stats

    def _layer_history_arrays(self) -> LayerHistory | None:
        h = self.layer_history
        if h is None or len(h) == 0:
            return None
        return LayerHistory(iterations=read_only(h.iterations),
                            series={name: read_only(h.series(name))
                                    for name in _layer_stats_module.SCALAR_FIELDS})

