"""A training loop with mini-batches, L2, dropout and divergence detection (no Qt).

The app's worker thread drives a :class:`Trainer` one ``step()`` at a time; a script or a
notebook can call ``run(n)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np

from .lr_schedules import LearningRateSchedule
from .memory import reuse_large_allocations
from .network import Network
from .optimizers import GradientDescent


@dataclass(frozen=True)
class StepResult:
    iteration: int  # optimizer steps taken so far (after this one)
    epoch: int  # full passes over the training set completed
    cost: float  # J on this step's (mini-)batch, with the L2 term, before the update
    diverged: bool = False
    message: str = ""


class Diverged(RuntimeError):
    pass


# The part of the last step's dropout masks copied for showing (the first units and
# examples), only when asked for (a snapshot), never in the step itself.
RECORDED_MASK_UNITS = 16
RECORDED_MASK_EXAMPLES = 16


class StepMasks(NamedTuple):
    """The inverted-dropout keep-masks ``D[l]`` the last step drew (``A[l] = A[l] * D[l] /
    keep_prob``), per hidden layer: ``masks[l-1]`` is a read-only bool copy of
    ``D[l][:RECORDED_MASK_UNITS, :RECORDED_MASK_EXAMPLES]`` (None where keep_prob = 1);
    ``kept[l-1]`` the fraction of the whole ``D[l]`` that is 1 (NaN where keep_prob = 1)."""

    iteration: int              # the step's number (Trainer.iteration after it)
    keep_probs: tuple[float, ...]
    masks: tuple[np.ndarray | None, ...]
    kept: tuple[float, ...]
    batch_size: int             # examples in the step's (mini-)batch


def _step_masks(iteration: int, keep_probs, Ds, batch_size: int) -> StepMasks:
    masks, kept = [], []
    for D in Ds:
        if D is None:
            masks.append(None)
            kept.append(float("nan"))
            continue
        mask = D[:RECORDED_MASK_UNITS, :RECORDED_MASK_EXAMPLES] != 0  # a new array
        mask.flags.writeable = False
        masks.append(mask)
        kept.append(np.count_nonzero(D) / D.size)
    return StepMasks(iteration, tuple(float(k) for k in keep_probs), tuple(masks),
                     tuple(kept), batch_size)


class Trainer:
    def __init__(self, net: Network, X, Y, optimizer=None, batch_size: int | None = None,
                 lambd: float = 0.0, keep_prob: float | Sequence[float] = 1.0, seed: int = 0):
        X, Y = net.check_data(X, Y, "the training data")
        reuse_large_allocations()
        self.net = net
        self.X = np.ascontiguousarray(X, dtype=net.dtype)
        self.Y = np.ascontiguousarray(Y, dtype=net.dtype)
        self.optimizer = optimizer if optimizer is not None else GradientDescent(0.01)
        self.batch_size = batch_size
        self.lambd = lambd
        self.keep_prob = keep_prob  # validated by the property setter
        self.rng = np.random.default_rng(seed)
        self.iteration = 0
        self.epoch = 0
        self.diverged = False
        self._order = None
        self._position = 0
        self._backup = np.empty_like(net.theta)
        # The last step's D[l] (references: copied only when last_masks is read).
        self._mask_source = None
        self._last_masks: StepMasks | None = None
        self._lr_schedule: LearningRateSchedule | None = None

    @property
    def m(self) -> int:
        return self.X.shape[1]

    @property
    def lr_schedule(self) -> LearningRateSchedule | None:
        """Learning-rate decay: each step sets the optimizer's α to ``schedule.at(epoch)``
        (the epoch the step is in, from 0). None: the optimizer's α as it is."""
        return self._lr_schedule

    @lr_schedule.setter
    def lr_schedule(self, schedule: LearningRateSchedule | None) -> None:
        self._lr_schedule = schedule
        if schedule is not None:  # what the optimizer shows (next_step) is α now
            self.optimizer.learning_rate = schedule.at(self.epoch)

    @property
    def learning_rate(self) -> float:
        """The α the next step uses (after decay), a Python float."""
        if self._lr_schedule is not None:
            return self._lr_schedule.at(self.epoch)
        return float(self.optimizer.learning_rate)

    @property
    def keep_prob(self):
        return self._keep_prob

    @keep_prob.setter
    def keep_prob(self, kp):
        kps = [float(kp)] * (self.net.L - 1) if np.isscalar(kp) else [float(k) for k in kp]
        if len(kps) != self.net.L - 1:
            raise ValueError(f"keep_prob needs one value per hidden layer ({self.net.L - 1})")
        if any(not 0.0 < k <= 1.0 for k in kps):
            raise ValueError(f"keep_prob must be in (0, 1], got {kps}")
        self._keep_prob = kp
        self._keep_probs = None if all(k == 1.0 for k in kps) else kps

    def keep_probs(self):
        """Per hidden layer; ``None`` when dropout is off (the fast path)."""
        return self._keep_probs

    @property
    def last_masks(self) -> StepMasks | None:
        """The last step's dropout masks (None when it used no dropout, or no step yet)."""
        if self._last_masks is None and self._mask_source is not None:
            self._last_masks = _step_masks(*self._mask_source)
        return self._last_masks

    def _next_batch(self):
        bs = self.batch_size
        if bs is None or bs >= self.m:
            self.epoch += 1
            return self.X, self.Y
        if self._order is None or self._position >= self.m:
            self._order = self.rng.permutation(self.m)  # shuffled once per epoch
            self._position = 0
        idx = self._order[self._position:self._position + bs]
        self._position += bs
        if self._position >= self.m:
            self.epoch += 1
        return self.X[:, idx], self.Y[:, idx]

    def step(self) -> StepResult:
        """One optimizer step. A non-finite cost, gradient or parameter stops training:
        the parameters stay at their last finite values and the result says so."""
        if self.diverged:
            return StepResult(self.iteration, self.epoch, float("nan"), True,
                              "training diverged; reset or lower the learning rate")
        # A step that diverges is not taken: it must not count toward the epoch either.
        epoch, position = self.epoch, self._position
        X, Y = self._next_batch()
        kps = self.keep_probs()
        rng = self.rng if kps is not None else None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            cost, caches, _ = self.net.gradients(X, Y, self.lambd, kps, rng=rng)
            # A dot product is NaN or inf exactly when some element is (or when it is so huge
            # that its square overflows, which is divergence too), in one BLAS call.
            if not np.isfinite(cost) or not np.isfinite(self.net.grad @ self.net.grad):
                self.epoch, self._position = epoch, position
                return self._diverge(cost, "the cost or its gradient became NaN or infinite")
            np.copyto(self._backup, self.net.theta)
            if self._lr_schedule is not None:  # this step's α: its epoch's (from 0)
                self.optimizer.learning_rate = self._lr_schedule.at(epoch)
            self.optimizer.step(self.net.theta, self.net.grad)
            if not np.isfinite(self.net.theta @ self.net.theta):
                np.copyto(self.net.theta, self._backup)
                self.epoch, self._position = epoch, position
                return self._diverge(cost, "a parameter became NaN or infinite")
        self.iteration += 1
        if self._lr_schedule is not None and self.epoch != epoch:  # the next step's α
            self.optimizer.learning_rate = self._lr_schedule.at(self.epoch)
        self._mask_source = (None if kps is None else  # the hidden layers' masks
                             (self.iteration, kps, [c.D for c in caches[:-1]], X.shape[1]))
        self._last_masks = None
        return StepResult(self.iteration, self.epoch, cost)

    def _diverge(self, cost, what) -> StepResult:
        self.diverged = True
        lr = getattr(self.optimizer, "learning_rate", None)
        msg = (f"Training diverged at iteration {self.iteration + 1}: {what} "
               f"(learning rate {lr:g}). The last finite parameters are kept. "
               "Lower the learning rate or normalize the inputs, then reset.")
        return StepResult(self.iteration, self.epoch, float(cost), True, msg)

    def run(self, iterations: int, raise_on_divergence: bool = False) -> list[float]:
        """Take ``iterations`` steps; returns the costs. Stops early on divergence."""
        costs = []
        for _ in range(iterations):
            r = self.step()
            if r.diverged:
                if raise_on_divergence:
                    raise Diverged(r.message)
                break
            costs.append(r.cost)
        return costs

    def reset_state(self):
        """Forget progress (after re-initializing the network): counters, optimizer, batches."""
        self.iteration = self.epoch = self._position = 0
        self._order = None
        self.diverged = False
        self._mask_source = self._last_masks = None
        self.optimizer.reset()
        self.lr_schedule = self._lr_schedule  # back to α0
