"""Bounded, decimating records of training: metric curves and the parameter trajectory.

A record is taken every ``stride`` iterations. When the buffer is full, every other record
is dropped and the stride doubles, so memory stays bounded, the records stay evenly spaced
over the whole run, and the first record (iteration 0) is always kept. Recording costs
``O(capacity * log(iterations))`` work in total: almost nothing after the first few
thousand steps.
"""
from __future__ import annotations

import numpy as np


def read_only(a: np.ndarray) -> np.ndarray:
    """A copy nobody can write to (snapshots hand these to other threads)."""
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


class DecimatingRecorder:
    """Keeps at most ``capacity`` ``(iteration, value)`` records, evenly spaced."""

    def __init__(self, capacity: int = 2048):
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity must be an even number >= 4")
        self.capacity = capacity
        self.stride = 1
        self.iterations: list[int] = []
        self.values: list = []

    def __len__(self) -> int:
        return len(self.iterations)

    def due(self, iteration: int) -> bool:
        """Whether ``iteration`` should be recorded (and was not yet)."""
        if iteration % self.stride:
            return False
        return not self.iterations or iteration > self.iterations[-1]

    def append(self, iteration: int, value) -> None:
        if len(self.iterations) >= self.capacity:
            self.stride *= 2
            keep = [i for i, it in enumerate(self.iterations) if it % self.stride == 0]
            self.iterations = [self.iterations[i] for i in keep]
            self.values = [self.values[i] for i in keep]
            if iteration % self.stride:
                return
        self.iterations.append(int(iteration))
        self.values.append(value)

    def clear(self) -> None:
        self.stride = 1
        self.iterations.clear()
        self.values.clear()


class MetricHistory:
    """Train/test cost and accuracy (or R^2) against iteration, bounded.

    Values are finite floats or NaN for "not available" (e.g. no test set); a non-finite
    measurement is never recorded (the caller skips it), so plots never receive inf.
    """

    FIELDS = ("train_cost", "test_cost", "train_metric", "test_metric")

    def __init__(self, capacity: int = 2048):
        self._recorder = DecimatingRecorder(capacity)

    def __len__(self) -> int:
        return len(self._recorder)

    @property
    def stride(self) -> int:
        return self._recorder.stride

    def due(self, iteration: int) -> bool:
        return self._recorder.due(iteration)

    def append(self, iteration: int, train_cost: float, test_cost: float,
               train_metric: float, test_metric: float) -> None:
        self._recorder.append(iteration, (train_cost, test_cost, train_metric, test_metric))

    def clear(self) -> None:
        self._recorder.clear()

    def arrays(self) -> dict[str, np.ndarray]:
        """Read-only copies: ``iterations`` and the four :attr:`FIELDS`."""
        rec = self._recorder
        values = np.array(rec.values, dtype=np.float64).reshape(-1, 4)
        out = {"iterations": read_only(np.array(rec.iterations, dtype=np.int64))}
        for j, name in enumerate(self.FIELDS):
            out[name] = read_only(values[:, j])
        return out


class Trajectory:
    """Copies of ``theta`` along training (for the cost-surface path), bounded.

    Each stored array is read-only and never changed afterwards, so snapshots can share
    them without copying.
    """

    def __init__(self, capacity: int = 256):
        self._recorder = DecimatingRecorder(capacity)

    def __len__(self) -> int:
        return len(self._recorder)

    def due(self, iteration: int) -> bool:
        return self._recorder.due(iteration)

    def append(self, iteration: int, theta: np.ndarray) -> None:
        self._recorder.append(iteration, read_only(theta))

    def clear(self) -> None:
        self._recorder.clear()

    def thetas(self) -> tuple[np.ndarray, ...]:
        return tuple(self._recorder.values)

    def iterations(self) -> np.ndarray:
        return read_only(np.array(self._recorder.iterations, dtype=np.int64))
