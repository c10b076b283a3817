"""The optimizer's state for a snapshot (worker thread): the full-batch gradient, the next
mini-batch's gradient, the velocity and the step the optimizer takes next, as ``Δθ`` vectors
(:class:`~nnviz.training.snapshot.OptimizerView`), and the traced gradient averages.

It runs right after the snapshot's own forward and backward pass over the training data,
whose gradient is still in ``net.grad``; the one extra pass is over one mini-batch.
"""
from __future__ import annotations

import math

import numpy as np

from nnviz.engine.optimizers_trace import GradientTrace

from .snapshot import GradientAverages, OptimizerView


def next_batch_columns(trainer) -> np.ndarray | None:
    """The training columns of the trainer's next mini-batch, without drawing from its
    generator (None with full batch). At an epoch's end the next shuffle is not drawn yet:
    then a batch of the same size drawn by a generator of its own stands in for it."""
    bs, m = trainer.batch_size, trainer.m
    if bs is None or bs >= m:
        return None
    order, position = trainer._order, trainer._position
    if order is not None and position < m:
        return order[position:position + bs]
    rng = np.random.default_rng(trainer.iteration)
    return np.sort(rng.choice(m, bs, replace=False))


def optimizer_view(net, trainer, trace: GradientTrace | None) -> OptimizerView:
    """Call with the full training set's gradient (no dropout, L2 included) in
    ``net.grad``; leaves ``net.grad`` holding the next mini-batch's gradient."""
    opt = trainer.optimizer
    alpha = float(opt.learning_rate)
    grad = np.array(net.grad)  # a copy: the mini-batch's pass below overwrites net.grad
    arrows = {}
    angle, ratio = 0.0, 1.0
    columns = next_batch_columns(trainer)
    step_grad = grad
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if columns is not None:
            net.gradients(trainer.X[:, columns], trainer.Y[:, columns], trainer.lambd)
            step_grad = np.array(net.grad)
            angle, ratio = _compare(step_grad, grad)
        velocity = opt.velocity
        if velocity is not None and velocity.shape == grad.shape:
            corrections = opt.corrections() if hasattr(opt, "corrections") else (1.0, 1.0)
            arrows["velocity"] = velocity * (-alpha / corrections[0])
        if opt.name != "gd":
            arrows["step"] = opt.next_step(step_grad)
        # In place, now that the gradients themselves are no longer needed.
        arrows["gradient"] = np.multiply(grad, -alpha, out=grad)
        if columns is not None:
            arrows["batch_gradient"] = np.multiply(step_grad, -alpha, out=step_grad)
        arrows = {name: _frozen(_finite(vector)) for name, vector in arrows.items()}
    return OptimizerView(
        name=opt.name, learning_rate=alpha,
        beta=_float(getattr(opt, "beta", getattr(opt, "beta1", None))),
        beta2=_float(getattr(opt, "beta2", None)),
        bias_correction=bool(getattr(opt, "bias_correction", False)),
        t=int(getattr(opt, "t", trainer.iteration)), arrows=arrows,
        batch_size=None if columns is None else int(columns.size), m=int(trainer.m),
        batch_angle=angle, batch_norm_ratio=ratio,
        averages=None if trace is None else gradient_averages(trace, opt))


def gradient_averages(trace: GradientTrace, optimizer) -> GradientAverages:
    w = trace.windows()
    first_t, first_raw, first_ewa = w["first"]
    recent_t, recent_raw, recent_ewa = w["recent"]
    return GradientAverages(
        labels=trace.labels, first_t=_frozen(first_t), first_raw=_frozen(first_raw),
        first_ewa=_frozen(first_ewa), first_beta=w["first_beta"],
        recent_t=_frozen(recent_t), recent_raw=_frozen(recent_raw),
        recent_ewa=_frozen(recent_ewa), beta=w["beta"],
        averaged_by_optimizer=optimizer.velocity is not None)


def _compare(batch: np.ndarray, full: np.ndarray) -> tuple[float, float]:
    """The angle (degrees) between the two gradients and |batch| / |full|."""
    b = float(np.linalg.norm(batch))
    f = float(np.linalg.norm(full))
    if not (b > 0 and f > 0 and math.isfinite(b) and math.isfinite(f)):
        return float("nan"), float("nan")
    cos = float(np.dot(batch.astype(np.float64), full.astype(np.float64))) / (b * f)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos)))), b / f


def _finite(vector: np.ndarray) -> np.ndarray:
    """Plots never see NaN or inf (after a divergence); one dot product checks."""
    if np.isfinite(vector @ vector):
        return vector
    return np.nan_to_num(vector, nan=0.0, posinf=0.0, neginf=0.0)


def _float(value) -> float | None:
    return None if value is None else float(value)


def _frozen(a: np.ndarray) -> np.ndarray:
    """``a`` (a fresh array nobody else holds) made read-only for the snapshot."""
    a = np.asarray(a)
    a.flags.writeable = False
    return a
