"""The bouncing / rising cost detector on sequences whose behaviour is known by construction."""
import numpy as np
import pytest

from nnviz.analysis.cost_trend import (BOUNCING, RISING, STEADY, CostWatch, classify,
                                       cost_hint, progress_and_swing)


def descent(n=40, start=0.7, rate=0.02):
    return start * np.exp(-rate * np.arange(n)) + 0.1


def test_progress_and_swing_by_hand():
    progress, swing = progress_and_swing([4.0, 2.0, 3.0, 1.0])
    assert progress == pytest.approx(3.0 / 5.0)          # 4 -> 1 over a path of 2 + 1 + 2
    assert swing == pytest.approx((5.0 / 3.0) / 2.5)     # mean step / mean cost


@pytest.mark.parametrize("costs, verdict", [
    (descent(), STEADY),                                               # learning
    (np.full(40, 0.2), STEADY),                                        # converged
    (0.2 * (1 + 0.05 * (-1.0) ** np.arange(40)), BOUNCING),            # ±5% every step
    (descent(rate=0.005) * (1 + 0.05 * (-1.0) ** np.arange(40)), BOUNCING),  # bounces more
    (descent() * (1 + 0.03 * (-1.0) ** np.arange(40)), STEADY),        # zig-zags, but falls
    (0.2 + 0.0008 * (-1.0) ** np.arange(40), STEADY),                  # steps of 0.8% only
    (0.5 * 1.1 ** np.arange(40), RISING),                              # every step higher
    (1e-15 * (1 + 0.5 * (-1.0) ** np.arange(40)), STEADY),            # rounding near J = 0
    (0.2 * (1 + 0.05 * (-1.0) ** np.arange(10)), STEADY),              # too few to judge
])
def test_verdicts(costs, verdict):
    assert classify(costs) == verdict


def test_a_random_walk_around_a_level_is_bouncing_but_a_noisy_descent_is_not():
    rng = np.random.default_rng(0)
    assert classify(0.3 * np.exp(rng.normal(0, 0.3, 40))) == BOUNCING
    noisy_descent = descent(rate=0.05) * np.exp(rng.normal(0, 0.002, 40))
    assert classify(noisy_descent) == STEADY


def test_the_verdict_holds_until_the_swing_halves_and_noisy_costs_need_larger_swings():
    swing = lambda s: 0.2 * (1 + s * (-1.0) ** np.arange(40))  # noqa: E731
    # mean |step| / mean cost is 2s for ±s alternation
    assert classify(swing(0.004)) == STEADY                   # 0.8% < 1%
    assert classify(swing(0.004), flagged=BOUNCING) == BOUNCING  # > 0.5%: still flagged
    assert classify(swing(0.002), flagged=BOUNCING) == STEADY
    watch = CostWatch(noisy=True)
    for c in swing(0.02):                                     # 4%: SGD's own noise
        watch.add(c)
    assert watch.update() == STEADY
    watch.clear()
    for c in swing(0.1):
        watch.add(c)
    assert watch.update() == BOUNCING and len(watch) == 40


def test_the_watch_keeps_a_window_and_forgets_on_clear():
    watch = CostWatch(window=20)
    for c in np.concatenate([0.2 * (1 + 0.05 * (-1.0) ** np.arange(40)), descent(20)]):
        watch.add(c)
    assert len(watch) == 20 and watch.update() == STEADY  # only the recent descent counts
    for c in 0.2 * (1 + 0.05 * (-1.0) ** np.arange(20)):
        watch.add(c)
    assert watch.update() == BOUNCING
    watch.clear()
    assert len(watch) == 0 and watch.verdict == STEADY


def test_hint_text_names_the_rate_and_a_tenth_of_it():
    assert cost_hint(BOUNCING, 30.0) == ("The cost is bouncing: the learning rate α = 30 is "
                                         "too large; try 3.")
    assert cost_hint(RISING, 0.5).startswith("The cost is rising:")
    assert "try 0.05" in cost_hint(RISING, 0.5)
    assert cost_hint(STEADY, 30.0) == ""
