"""Learning-rate decay in the course's forms (no Qt): α from α0 and the epoch number.

``epoch_num`` counts from 0 (the first pass over the training set uses α0):

- ``none``: ``α = α0``;
- ``inverse`` (inverse time decay): ``α = α0 / (1 + decay_rate · epoch_num)``;
- ``exponential``: ``α = decay_rate^epoch_num · α0`` (the course's 0.95^epoch_num · α0);
- ``staircase`` (fixed-interval scheduling, the course's assignment):
  ``α = α0 / (1 + decay_rate · floor(epoch_num / time_interval))``.

Every value is a Python float, so a float32 network stays float32 (a NumPy float64 scalar
would promote its arrays under NumPy 2).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

SCHEDULES = ("none", "inverse", "exponential", "staircase")

# The course's values when none is given: decay_rate = 1 (lecture and assignment), the base
# 0.95 for the exponential form, time_interval = 1000 epochs for the staircase.
DEFAULT_DECAY_RATES = {"none": 1.0, "inverse": 1.0, "exponential": 0.95, "staircase": 1.0}
DEFAULT_DECAY_INTERVAL = 1000
MAX_DECAY_RATE = 100.0
MAX_DECAY_INTERVAL = 10**9

TITLES = {"none": "constant", "inverse": "inverse time decay",
          "exponential": "exponential decay", "staircase": "staircase"}

FORMULAS = {
    "none": "α = α0 (no decay)",
    "inverse": "α = α0 / (1 + decay_rate · epoch)",
    "exponential": "α = decay_rate^epoch · α0  (the course: 0.95^epoch · α0)",
    "staircase": "α = α0 / (1 + decay_rate · ⌊epoch / interval⌋)",
}


def schedule_problem(kind, decay_rate, interval) -> str | None:
    """Why these settings make no schedule (a sentence saying how to fix it), or None.
    ``decay_rate`` None means the schedule's default."""
    if kind not in SCHEDULES:
        return (f"unknown learning-rate decay {kind!r}; choose one of "
                f"{', '.join(SCHEDULES)}")
    if decay_rate is not None:
        if (isinstance(decay_rate, bool) or not isinstance(decay_rate, numbers.Real)
                or not math.isfinite(decay_rate)):
            return f"the decay rate must be a number, got {decay_rate!r}"
        if kind == "exponential" and not 0.0 < decay_rate <= 1.0:
            return (f"exponential decay multiplies α by the decay rate each epoch, so it must "
                    f"be more than 0 and at most 1 (the course uses 0.95), got {decay_rate:g}")
        if kind != "exponential" and not 0.0 <= decay_rate <= MAX_DECAY_RATE:
            return (f"the decay rate must be between 0 and {MAX_DECAY_RATE:g} (the course "
                    f"uses 1), got {decay_rate:g}")
    if (isinstance(interval, bool) or not isinstance(interval, numbers.Integral)
            or not 1 <= interval <= MAX_DECAY_INTERVAL):
        return (f"the decay interval is a whole number of epochs from 1 to "
                f"{MAX_DECAY_INTERVAL:,}, got {interval!r}")
    return None


@dataclass(frozen=True)
class LearningRateSchedule:
    """α at each epoch from ``initial_rate`` (α0). ``decay_rate=None``: the course's value
    for ``kind`` (:data:`DEFAULT_DECAY_RATES`)."""

    initial_rate: float
    kind: str = "none"
    decay_rate: float | None = None
    interval: int = DEFAULT_DECAY_INTERVAL

    def __post_init__(self):
        problem = schedule_problem(self.kind, self.decay_rate, self.interval)
        if problem:
            raise ValueError(problem)
        object.__setattr__(self, "initial_rate", float(self.initial_rate))
        rate = DEFAULT_DECAY_RATES[self.kind] if self.decay_rate is None else self.decay_rate
        object.__setattr__(self, "decay_rate", float(rate))
        object.__setattr__(self, "interval", int(self.interval))

    @property
    def decays(self) -> bool:
        return self.kind != "none"

    def at(self, epoch_num: int) -> float:
        """α for the steps of epoch ``epoch_num`` (0 = the first pass)."""
        alpha0, rate, epoch = self.initial_rate, self.decay_rate, int(epoch_num)
        if epoch < 0:
            raise ValueError(f"the epoch number counts from 0, got {epoch}")
        if self.kind == "inverse":
            return alpha0 / (1.0 + rate * epoch)
        if self.kind == "exponential":
            return rate ** epoch * alpha0  # a float: underflows to 0.0, never raises
        if self.kind == "staircase":
            return alpha0 / (1.0 + rate * (epoch // self.interval))
        return alpha0

    def curve(self, epochs: int, points: int = 200) -> tuple[list[int], list[float]]:
        """``(epoch numbers, α)`` at up to ``points`` epochs from 0 to ``epochs`` (the
        staircase's steps kept: every epoch where α changes within the range is sampled
        on both sides)."""
        epochs = max(1, int(epochs))
        stride = max(1, epochs // max(1, points - 1))
        xs = set(range(0, epochs + 1, stride)) | {epochs}
        if self.kind == "staircase":
            for edge in range(self.interval, epochs + 1, self.interval):
                xs.update((edge - 1, edge))
        xs = sorted(xs)
        return xs, [self.at(x) for x in xs]

    def describe(self) -> str:
        """``inverse time decay: α = α0 / (1 + 1 · epoch), α0 = 1.2`` (one line)."""
        if not self.decays:
            return f"constant α = {self.initial_rate:g}"
        formula = {"inverse": f"α = α0 / (1 + {self.decay_rate:g} · epoch)",
                   "exponential": f"α = {self.decay_rate:g}^epoch · α0",
                   "staircase": (f"α = α0 / (1 + {self.decay_rate:g} · "
                                 f"⌊epoch / {self.interval:,}⌋)")}[self.kind]
        return f"{TITLES[self.kind]}: {formula}, α0 = {self.initial_rate:g}"
