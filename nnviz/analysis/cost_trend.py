"""Is the cost bouncing or rising? A hint for a learning rate that is too large but finite
(pure NumPy, no Qt).

Gradient descent with a step a little too long overshoots the valley floor: the cost goes up
and down from one step to the next and makes no progress. Longer still, every step lands
higher: the cost rises until it overflows (a divergence). A cost that falls with small
wiggles (unnormalized inputs give a few spikes even at a good α) is learning, not bouncing.

The verdict looks at a window of recent costs against their trend:

- wiggle: the median distance of the recent costs (the last :data:`RECENT`) from their local
  trend (a running median of neighbour means), as a share of the cost: a smooth curve of any
  shape has none, a few spikes leave the median small, a cost going up and down has plenty;
- fall: how much the trend (a line through the medians of the first and last thirds) falls
  over the longer window (the later half of the run since the last restart,
  :data:`RECENT` to :data:`CAPACITY` costs), as a share of where it began.

Bouncing: a wiggle of at least :data:`WIGGLE` that the trend does not outrun (the fall is
less than :data:`FALL_PER_WIGGLE` wiggles), or a wiggle of :data:`WILD` whatever the trend;
:class:`CostWatch` reports it once it has lasted :data:`PERSIST` costs. Rising: over the
recent costs most of the way is up and the cost grew by :data:`RISING_FACTOR`. Once flagged,
the verdict holds until the wiggle falls below half its threshold or the trend falls twice
as fast (no flicker at the boundary); a cost that settles clears it within :data:`RECENT`
costs.
"""
from __future__ import annotations

from collections import deque

import numpy as np

BOUNCING, RISING, STEADY = "bouncing", "rising", ""
CAPACITY = 2000            # costs kept: the longest window the trend is judged on
RECENT = 100               # the wiggle is judged on the last this many costs
MIN_COSTS = 30             # fewer than this since the last restart: no verdict yet
PERSIST = 50               # bouncing is reported once it has lasted this many costs
TREND_SHARE = 0.5          # the trend window: this share of the costs since the restart
WIGGLE = 0.02              # median distance from the trend of 2% of the cost (exact costs)
NOISY_WIGGLE = 0.06        # mini-batches: SGD's own noise moves the cost a few percent
WILD = 0.15                # wiggles this large are bouncing however the trend falls
FALL_PER_WIGGLE = 1.0      # a trend falling more than this many wiggles is learning
RISING_PROGRESS = -0.5
RISING_FACTOR = 1.2
SMOOTHING = 6              # neighbour means in the running median (the local trend)
MIN_STEP = 1e-9            # absolute: steps below this are rounding whatever the cost


def _finite(costs) -> np.ndarray:
    c = np.asarray(costs, dtype=np.float64)
    return c[np.isfinite(c)]


def _pair_means(c: np.ndarray) -> np.ndarray:
    """Means of neighbouring costs: a cost that goes up and down every other step (the
    typical bounce) becomes its middle line."""
    return (c[:-1] + c[1:]) / 2 if c.size > 1 else c


def trend_line(costs) -> tuple[float, float, np.ndarray]:
    """The trend of ``costs`` (oldest first): a straight line through the medians of the
    first and the last third (of the means of neighbouring costs, so an every-other-step
    bounce does not tip it either way). Returns (its value at the first cost, at the last,
    the line at every cost)."""
    c = _finite(costs)
    n = c.size
    if n == 0:
        return float("nan"), float("nan"), c
    pairs = _pair_means(c)
    third = max(1, pairs.size // 3)
    x1, x2 = third / 2, n - 1 - third / 2
    y1, y2 = float(np.median(pairs[:third])), float(np.median(pairs[-third:]))
    slope = (y2 - y1) / (x2 - x1) if x2 > x1 else 0.0
    line = y1 + slope * (np.arange(n) - x1)
    return float(line[0]), float(line[-1]), line


def wiggle(costs) -> float:
    """Median distance of ``costs`` from their local trend, as a share of it. The local
    trend is a running median over :data:`SMOOTHING` means of neighbouring costs: a smooth
    curve of any shape has no wiggle, a few spikes leave the median small, and a cost that
    goes up and down has the half of its swing."""
    c = _finite(costs)
    if c.size < SMOOTHING + 1:
        return 0.0
    windows = np.lib.stride_tricks.sliding_window_view(_pair_means(c), SMOOTHING)
    local = np.median(windows, axis=1)
    level = np.abs(local)
    # pair j is the mean of c[j] and c[j + 1]: an even number of them centres window k
    # on the cost c[k + SMOOTHING // 2]
    here = c[SMOOTHING // 2:SMOOTHING // 2 + local.size]
    share = np.divide(np.abs(here - local), level, out=np.zeros_like(local), where=level > 0)
    return float(np.median(share))


def fall(costs) -> float:
    """How much the trend of ``costs`` falls from first to last, as a share of where it
    began (negative: it rises)."""
    start, end, _ = trend_line(costs)
    return (start - end) / abs(start) if start and np.isfinite(start) else 0.0


def progress(costs) -> float:
    """``(c[0] - c[-1]) / sum |c[i+1] - c[i]|``: 1 when every step goes down, -1 when every
    step goes up, about 0 when the ups cancel the downs (NaN with fewer than 2 costs)."""
    c = _finite(costs)
    if c.size < 2:
        return float("nan")
    travelled = np.abs(np.diff(c)).sum()
    return float((c[0] - c[-1]) / travelled) if travelled > 0 else 1.0


def classify(costs, flagged: str = STEADY, noisy: bool = False,
             seen: int | None = None) -> str:
    """:data:`BOUNCING`, :data:`RISING` or :data:`STEADY` for the costs ``c[0..n-1]``
    (oldest first); ``flagged`` is the previous verdict (it holds with half the wiggle),
    ``noisy`` says the costs are mini-batch training costs, ``seen`` how many costs came
    since the last restart (default: all of them)."""
    c = _finite(costs)
    seen = c.size if seen is None else seen
    if c.size < MIN_COSTS or seen < MIN_COSTS:
        return STEADY
    recent = c[-RECENT:]
    if np.abs(np.diff(recent)).mean() < MIN_STEP:
        return STEADY
    if progress(recent) < RISING_PROGRESS and recent[-1] > RISING_FACTOR * recent[0]:
        return RISING
    span = int(np.clip(TREND_SHARE * seen, RECENT, CAPACITY))
    w = wiggle(recent)
    threshold, wild, outrun = (NOISY_WIGGLE if noisy else WIGGLE), WILD, FALL_PER_WIGGLE
    if flagged:  # the verdict holds until clearly over (no flicker at the boundary)
        threshold, wild, outrun = threshold / 2, wild / 2, 2 * outrun
    if w >= wild or (w >= threshold and fall(c[-span:]) < outrun * w):
        return BOUNCING
    return STEADY


class CostWatch:
    """The last :data:`CAPACITY` costs and the verdict on them (see :func:`classify`).

    Feed it the exact training cost at consecutive steps (full-batch gradient descent) or,
    with ``noisy``, the training cost at evenly spaced records (mini-batches: their own
    costs jump from batch to batch, and even the full cost jitters by a few percent);
    ``clear()`` whenever the run restarts (reset, rebuild, new settings), so an old verdict
    never outlives them. ``add`` is a deque append (it runs every step); the verdict is
    worked out by ``update()``, which the owner calls when it wants it (once per snapshot).
    """

    def __init__(self, capacity: int = CAPACITY, noisy: bool = False):
        self._costs: deque[float] = deque(maxlen=int(capacity))
        self.seen = 0  # costs added since the last clear
        self.verdict = STEADY
        self.noisy = noisy

    def __len__(self) -> int:
        return len(self._costs)

    def add(self, cost: float) -> None:
        self._costs.append(float(cost))
        self.seen += 1

    def update(self) -> str:
        """The verdict now. Bouncing is newly reported only when the costs also bounced
        :data:`PERSIST` costs ago (a burst of wobbles on a falling cost is not worth a
        message); rising and steady at once."""
        costs = self._costs
        verdict = classify(costs, self.verdict, self.noisy, self.seen)
        if verdict == BOUNCING and self.verdict != BOUNCING:
            earlier = list(costs)[:-PERSIST]
            if classify(earlier, STEADY, self.noisy, self.seen - PERSIST) != BOUNCING:
                verdict = self.verdict
        self.verdict = verdict
        return verdict

    def clear(self) -> None:
        self._costs.clear()
        self.seen = 0
        self.verdict = STEADY


def nice_smaller_rate(learning_rate: float) -> str:
    """A tenth of ``learning_rate``, rounded to one significant digit (30 -> 3, 1.2 ->
    0.1, 0.05 -> 0.005): the next value worth trying."""
    tenth = learning_rate / 10
    return f"{float(f'{tenth:.1g}'):g}"


def cost_hint(verdict: str, learning_rate: float | None,
              bounded_hidden: bool = False) -> str:
    """One line saying what the cost does and what to try; empty when it is steady.

    ``bounded_hidden``: every hidden layer is tanh or sigmoid. Their outputs stay within
    ±1, so each step moves the weights by a bounded amount and the cost bounces without
    overflowing (raising α will not make it diverge); the hint says so."""
    if verdict not in (BOUNCING, RISING):
        return ""
    if learning_rate is None or not learning_rate > 0:
        text = f"The cost is {verdict}: the learning rate α is too large; try a smaller one."
    else:
        text = (f"The cost is {verdict}: the learning rate α = {learning_rate:g} is too "
                f"large; try {nice_smaller_rate(learning_rate)}.")
    if bounded_hidden and verdict == BOUNCING:
        text += " With tanh or sigmoid units it only bounces; it will not diverge."
    return text
