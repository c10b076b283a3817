"""Is the cost bouncing or rising? A hint for a learning rate that is too large but finite
(pure NumPy, no Qt).

Gradient descent with a step a little too long overshoots the valley floor: the cost goes up
and down from one step to the next (often exactly every other step) and makes no progress.
Longer still, every step lands higher: the cost rises until it overflows (a divergence).

Over a window of recent costs ``c[0..n-1]`` two numbers tell these apart from learning:

- progress ``(c[0] - c[-1]) / Σ|c[i+1] - c[i]|``: 1 when every step goes down, about 0 when
  the ups cancel the downs, -1 when every step goes up;
- swing ``mean |c[i+1] - c[i]| / mean c``: how large the steps are next to the cost itself
  (tiny swings near convergence are rounding, not bouncing).

Bouncing: little progress with swings of at least :data:`BOUNCE_SWING`. Rising: progress below
:data:`RISING_PROGRESS` and the cost up by :data:`RISING_FACTOR`. Once flagged, the verdict
stays until the swing falls below half the threshold (no flicker at the boundary).
"""
from __future__ import annotations

from collections import deque

import numpy as np

BOUNCING, RISING, STEADY = "bouncing", "rising", ""
WINDOW = 40                # recent costs looked at
MIN_COSTS = 16             # fewer than this: no verdict yet
BOUNCE_PROGRESS = 0.25     # net progress below this share of the way travelled
BOUNCE_SWING = 0.01        # mean step at least 1% of the cost (exact, full-batch costs)
NOISY_BOUNCE_SWING = 0.1   # mini-batches: SGD's own noise swings the cost a few percent
RISING_PROGRESS = -0.5
RISING_FACTOR = 1.2
MIN_STEP = 1e-9            # absolute: steps below this are rounding whatever the cost


def progress_and_swing(costs) -> tuple[float, float]:
    """(progress, swing) of a cost sequence, as defined above (NaN with fewer than 2)."""
    c = np.asarray(costs, dtype=np.float64)
    c = c[np.isfinite(c)]
    if c.size < 2:
        return float("nan"), float("nan")
    steps = np.abs(np.diff(c))
    travelled = steps.sum()
    progress = float((c[0] - c[-1]) / travelled) if travelled > 0 else 1.0
    level = np.abs(c).mean()
    swing = float(steps.mean() / level) if level > 0 else 0.0
    return progress, swing


def classify(costs, flagged: str = STEADY, swing_threshold: float = BOUNCE_SWING) -> str:
    """:data:`BOUNCING`, :data:`RISING` or :data:`STEADY` for the costs ``c[0..n-1]``
    (oldest first); ``flagged`` is the previous verdict (it holds with half the swing)."""
    c = np.asarray(costs, dtype=np.float64)
    c = c[np.isfinite(c)]
    if c.size < MIN_COSTS:
        return STEADY
    progress, swing = progress_and_swing(c)
    if np.abs(np.diff(c)).mean() < MIN_STEP:
        return STEADY
    if progress < RISING_PROGRESS and c[-1] > RISING_FACTOR * c[0]:
        return RISING
    needed = swing_threshold / 2 if flagged else swing_threshold
    if progress < BOUNCE_PROGRESS and swing >= needed:
        return BOUNCING
    return STEADY


class CostWatch:
    """The last :data:`WINDOW` costs and the verdict on them (see :func:`classify`).

    Feed it the exact training cost at consecutive steps (full-batch gradient descent) or,
    with ``noisy``, the training cost at evenly spaced records (mini-batches: their own
    costs jump from batch to batch, and even the full cost jitters by a few percent);
    ``clear()`` when the settings change, so an old verdict never outlives them. ``add`` is
    a deque append (it runs every step); the verdict is worked out by ``update()``, which
    the owner calls when it wants it (once per snapshot).
    """

    def __init__(self, window: int = WINDOW, noisy: bool = False):
        self._costs: deque[float] = deque(maxlen=int(window))
        self.verdict = STEADY
        self.noisy = noisy

    def __len__(self) -> int:
        return len(self._costs)

    def add(self, cost: float) -> None:
        self._costs.append(float(cost))

    def update(self) -> str:
        threshold = NOISY_BOUNCE_SWING if self.noisy else BOUNCE_SWING
        self.verdict = classify(self._costs, self.verdict, threshold)
        return self.verdict

    def clear(self) -> None:
        self._costs.clear()
        self.verdict = STEADY


def cost_hint(verdict: str, learning_rate: float | None) -> str:
    """One line saying what the cost does and what to try; empty when it is steady."""
    if verdict not in (BOUNCING, RISING):
        return ""
    if learning_rate is None or not learning_rate > 0:
        return f"The cost is {verdict}: the learning rate α is too large; try a smaller one."
    return (f"The cost is {verdict}: the learning rate α = {learning_rate:g} is too large; "
            f"try {learning_rate / 10:g}.")
