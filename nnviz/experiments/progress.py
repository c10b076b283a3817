"""Progress and cancellation for experiments, compatible with the app's JobRunner.

An experiment's ``run(progress=None, cancel=None)`` accepts

- ``progress(fraction, text)``: called now and then with the overall fraction done; if it
  returns ``False`` the experiment stops (the JobRunner's ``job.progress`` does exactly that
  once the job is cancelled);
- ``cancel``: a ``threading.Event`` or a callable returning ``True`` to stop.

A stopped experiment raises :class:`ExperimentCancelled` and returns nothing.
"""
from __future__ import annotations

import time
from typing import Callable


class ExperimentCancelled(Exception):
    """The experiment was asked to stop."""


class Reporter:
    """Maps a part of the work (``[start, end]`` of the whole) to the caller's callback."""

    def __init__(self, progress: Callable | None = None, cancel=None, start: float = 0.0,
                 end: float = 1.0, _clock: list | None = None):
        self._progress, self._cancel = progress, cancel
        self.start, self.end = float(start), float(end)
        self._clock = _clock if _clock is not None else [0.0]  # shared by sub-reporters

    def cancelled(self) -> bool:
        c = self._cancel
        if c is None:
            return False
        is_set = getattr(c, "is_set", None)
        return bool(is_set() if is_set is not None else c())

    def check(self) -> None:
        if self.cancelled():
            raise ExperimentCancelled()

    def __call__(self, fraction: float, text: str = "", force: bool = False) -> None:
        """Report ``fraction`` of this part (rate-limited to ~20/s); raises when cancelled."""
        self.check()
        if self._progress is None:
            return
        now = time.monotonic()
        if not force and fraction < 1.0 and now - self._clock[0] < 0.05:
            return
        self._clock[0] = now
        overall = self.start + (self.end - self.start) * min(max(float(fraction), 0.0), 1.0)
        if self._progress(overall, text) is False:
            raise ExperimentCancelled()

    def part(self, start: float, end: float) -> "Reporter":
        """A reporter for the sub-range ``[start, end]`` (fractions of this part)."""
        span = self.end - self.start
        return Reporter(self._progress, self._cancel, self.start + span * start,
                        self.start + span * end, self._clock)

    def parts(self, weights) -> list["Reporter"]:
        """Consecutive sub-reporters sized by ``weights`` (e.g. expected step counts)."""
        weights = [max(float(w), 0.0) for w in weights]
        total = sum(weights) or 1.0
        out, acc = [], 0.0
        for w in weights:
            out.append(self.part(acc / total, (acc + w) / total))
            acc += w
        return out


def as_reporter(progress=None, cancel=None) -> Reporter:
    return progress if isinstance(progress, Reporter) else Reporter(progress, cancel)
