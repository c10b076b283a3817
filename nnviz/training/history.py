"""Bounded, decimating records of training: metric curves and the parameter trajectory.

A record is taken every ``stride`` iterations. When the buffer is full, every other record
is dropped and the stride doubles, so memory stays bounded, the records stay evenly spaced
over the whole run, and the first record (iteration 0) is always kept. Recording costs
``O(capacity * log(iterations))`` work in total: almost nothing after the first few
thousand steps. ``min_stride`` (a power of two, set from the training speed) additionally
caps how many records are taken per second when training is fast.
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
        self.min_stride = 1  # a power of two: record no more often than this
        self.iterations: list[int] = []
        self.values: list = []

    def __len__(self) -> int:
        return len(self.iterations)

    def period(self, iteration: int) -> int:
        """``due`` can be true only at multiples of this (a power of two)."""
        return max(self.stride, self.min_stride)

    def due(self, iteration: int) -> bool:
        """Whether ``iteration`` should be recorded (and was not yet)."""
        if iteration % max(self.stride, self.min_stride):
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
        self.min_stride = 1
        self.iterations.clear()
        self.values.clear()

    def restore(self, iterations, values, stride: int = 1) -> None:
        """Replace the records (a saved session's); the newest ``capacity`` are kept."""
        iterations, values = [int(i) for i in iterations], list(values)
        if len(iterations) != len(values):
            raise ValueError(f"{len(iterations)} iterations but {len(values)} values")
        keep = slice(max(0, len(iterations) - self.capacity), None)
        self.clear()
        self.stride = max(1, int(stride))
        self.iterations, self.values = iterations[keep], values[keep]

    def drop_from(self, iteration: int) -> None:
        """Forget the records at ``iteration`` and later (the first record stays)."""
        n = max(1, sum(1 for it in self.iterations if it < iteration))
        del self.iterations[n:], self.values[n:]


EARLY_ITERATIONS = 256


class MetricHistory:
    """Train/test cost and accuracy (or R^2) against iteration, bounded.

    Stored in preallocated arrays (snapshots copy them up to 30 times a second). Values are
    finite floats or NaN for "not available" (e.g. no test set); a non-finite measurement is
    never recorded (the caller skips it), so plots never receive inf.

    :attr:`FIELDS` every record has (and every saved history); :attr:`EXTRA_FIELDS` came
    later: the dev set's cost and metric and the L2 term ``(λ/2m) Σ ||W[l]||²_F`` of the
    training cost. A history saved before them restores with NaN there.
    """

    FIELDS = ("train_cost", "test_cost", "train_metric", "test_metric")
    EXTRA_FIELDS = ("dev_cost", "dev_metric", "l2_cost")
    ALL_FIELDS = FIELDS + EXTRA_FIELDS

    def __init__(self, capacity: int = 1024):
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity must be an even number >= 4")
        self.capacity = capacity
        # Every one of the first iterations is kept, however long the run: that is where
        # the cost falls fastest (a quarter of the capacity at most).
        self.early = min(EARLY_ITERATIONS, capacity // 4)
        self._iterations = np.zeros(capacity, dtype=np.int64)
        self._values = np.zeros((capacity, len(self.ALL_FIELDS)))
        self.clear()

    def __len__(self) -> int:
        return self._n

    def period(self, iteration: int) -> int:
        """``due`` can be true only at multiples of this (every iteration while early)."""
        return 1 if iteration < self.early else max(self.stride, self.min_stride)

    def due(self, iteration: int) -> bool:
        if iteration >= self.early and iteration % max(self.stride, self.min_stride):
            return False
        return self._n == 0 or iteration > self._iterations[self._n - 1]

    def append(self, iteration: int, train_cost: float, test_cost: float,
               train_metric: float, test_metric: float, dev_cost: float = np.nan,
               dev_metric: float = np.nan, l2_cost: float = np.nan) -> None:
        if self._n >= self.capacity:
            self.stride *= 2
            recorded = self._iterations[:self._n]
            keep = np.flatnonzero((recorded < self.early) | (recorded % self.stride == 0))
            k = keep.size
            self._iterations[:k] = self._iterations[keep]
            self._values[:k] = self._values[keep]
            self._n = k
            if iteration >= self.early and iteration % self.stride:
                return
        self._iterations[self._n] = iteration
        self._values[self._n] = (train_cost, test_cost, train_metric, test_metric, dev_cost,
                                 dev_metric, l2_cost)
        self._n += 1

    def clear(self) -> None:
        self.stride = 1
        self.min_stride = 1  # a power of two: record no more often than this
        self._n = 0

    def restore(self, iterations, columns: dict, stride: int = 1) -> None:
        """Replace the records by saved ones (``columns``: the :attr:`FIELDS` and any of the
        :attr:`EXTRA_FIELDS`, as :meth:`arrays` gives them; a missing extra series is NaN);
        the newest ``capacity`` are kept."""
        iterations = np.asarray(iterations, dtype=np.int64).ravel()
        n = iterations.size
        series = [np.asarray(columns[name], dtype=np.float64).ravel()
                  if name in self.FIELDS or name in columns else np.full(n, np.nan)
                  for name in self.ALL_FIELDS]
        if any(column.size != n for column in series):
            raise ValueError(f"the history has {n} iterations but series of other lengths")
        values = np.column_stack(series) if n else np.zeros((0, len(self.ALL_FIELDS)))
        start = max(0, n - self.capacity)
        self.clear()
        self.stride = max(1, int(stride))
        self._n = n - start
        self._iterations[:self._n] = iterations[start:]
        self._values[:self._n] = values[start:]

    def trim_runaway(self, factor: float) -> tuple[int, float] | None:
        """After a divergence: drop the trailing records whose training cost is above
        ``factor`` times the first record's, the blow-up that ended in overflow (a cost of
        1e305 would squash the whole curve against the axis). Returns (iteration of the
        first dropped record, the largest dropped cost), or None when nothing was dropped.
        The first record always stays."""
        costs = self._values[:self._n, 0]
        if self._n < 2 or not costs[0] > 0:
            return None
        limit = factor * costs[0]
        keep = self._n
        while keep > 1 and not costs[keep - 1] <= limit:  # NaN counts as runaway too
            keep -= 1
        if keep == self._n:
            return None
        dropped = costs[keep:]
        peak = float(np.nanmax(dropped)) if np.isfinite(dropped).any() else float("nan")
        start = int(self._iterations[keep])
        self._n = keep
        return start, peak

    def arrays(self) -> dict[str, np.ndarray]:
        """Read-only copies: ``iterations`` and the :attr:`ALL_FIELDS`."""
        n = self._n
        out = {"iterations": read_only(self._iterations[:n])}
        for j, name in enumerate(self.ALL_FIELDS):
            out[name] = read_only(self._values[:n, j])
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

    def period(self, iteration: int) -> int:
        return self._recorder.period(iteration)

    @property
    def min_stride(self) -> int:
        return self._recorder.min_stride

    @min_stride.setter
    def min_stride(self, value: int) -> None:
        self._recorder.min_stride = value

    def append(self, iteration: int, theta: np.ndarray) -> None:
        self._recorder.append(iteration, read_only(theta))

    def clear(self) -> None:
        self._recorder.clear()

    @property
    def stride(self) -> int:
        return self._recorder.stride

    def drop_from(self, iteration: int) -> None:
        """Forget the parameters at ``iteration`` and later (the start stays)."""
        self._recorder.drop_from(iteration)

    def restore(self, iterations, thetas, stride: int = 1) -> None:
        """Replace the path by a saved one (each theta stored as a read-only copy)."""
        self._recorder.restore(iterations, [read_only(t) for t in thetas], stride)

    def thetas(self) -> tuple[np.ndarray, ...]:
        return tuple(self._recorder.values)

    def iterations(self) -> np.ndarray:
        return read_only(np.array(self._recorder.iterations, dtype=np.int64))
