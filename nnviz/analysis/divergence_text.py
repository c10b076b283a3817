"""What to say when training diverges (pure text, no Qt): one message for the app's banner,
the snapshot and the command line, built in one place so they all give the same numbers.

The message leads with the fix, in its first sentence (the banner's one visible line):
"Diverged at iteration 43: lower the learning rate (now 10; try 1), then reset and train
again." What happened follows.
"""
from __future__ import annotations

import math

from .cost_trend import nice_smaller_rate

# Unnormalized inputs whose spread (largest std over smallest) or largest std exceeds this
# are "large": normalizing them is the first fix, before a smaller learning rate.
LARGE_INPUTS = 10.0


def inputs_are_large(std_min: float, std_max: float) -> bool:
    spread = std_max / max(std_min, 1e-300)
    return spread > LARGE_INPUTS or std_max > LARGE_INPUTS


def divergence_message(iteration: int, learning_rate: float | None, cost: float | None = None,
                       climb_from: int | None = None, normalized: bool = True,
                       input_std: tuple[float, float] | None = None) -> str:
    """The message for a run that diverged at ``iteration`` (1-based, the step that
    overflowed).

    ``cost``: the training cost at the last finite parameters (the snapshot's
    ``train_cost``: the number the app and the command line both show); ``climb_from``: the
    iteration where the blow-up began, if the history saw one; ``normalized``: whether the
    inputs are standardized, and ``input_std`` (smallest, largest) the features' std if not.
    """
    rate = "lower the learning rate"
    if learning_rate is not None and learning_rate > 0 and math.isfinite(learning_rate):
        rate += f" (now {learning_rate:g}; try {nice_smaller_rate(learning_rate)})"
    fixes = [rate]
    if not normalized:
        if input_std is not None and inputs_are_large(*input_std):
            lo, hi = input_std
            # Inputs of very different or large scale: normalizing is the real fix.
            fixes.insert(0, f"normalize the inputs (their std runs from {lo:.3g} to "
                            f"{hi:.3g})")
        else:
            fixes.append("normalize the inputs")
    fix = " or ".join(fixes)
    text = f"Diverged at iteration {iteration:,}: {fix}, then reset and train again."
    if cost is not None and math.isfinite(cost):
        if climb_from is not None:
            text += (f" From iteration {climb_from:,} the cost climbed to {cost:.2g}, then "
                     "overflowed; the plots stop where the climb began.")
        else:
            text += (f" The cost reached {cost:.2g}, then overflowed; the plots keep the "
                     "last finite state.")
    else:
        text += (" The cost or a parameter became NaN or infinite; the plots keep the last "
                 "finite state.")
    return text
