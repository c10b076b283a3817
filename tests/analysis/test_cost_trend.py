"""The bouncing / rising cost detector on sequences whose behaviour is known by construction."""
import numpy as np
import pytest

from nnviz.analysis.cost_trend import (BOUNCING, PERSIST, RECENT, RISING, STEADY, WIGGLE,
                                       CostWatch, classify, cost_hint, fall, nice_smaller_rate,
                                       progress, trend_line, wiggle)


def descent(n=200, start=2.3, floor=0.3, rate=0.01):
    return (start - floor) * np.exp(-rate * np.arange(n)) + floor


def alternating(n, level=0.2, share=0.05):
    """A cost going up and down every other step by ``share`` of ``level``: the bounce of
    an overshooting gradient-descent step."""
    return level * (1 + share * (-1.0) ** np.arange(n))


def digits_like(n=2000, seed=0):
    """A cost like the digits' at α = 0.3 without normalization: it falls from 2.3 toward
    0.3, jitters by ~1% and, every 20-ish steps, jumps up by 10-60% for a step or two."""
    rng = np.random.default_rng(seed)
    c = descent(n, rate=0.004) * np.exp(rng.normal(0, 0.01, n))
    spikes = rng.random(n) < 0.05
    c[spikes] *= 1 + rng.uniform(0.1, 0.6, spikes.sum())
    return c


def watch_over(costs, every=20, noisy=False):
    """Feed a watch as the worker does (a verdict per snapshot); the verdicts."""
    watch, verdicts = CostWatch(noisy=noisy), []
    for k, c in enumerate(costs, 1):
        watch.add(c)
        if k % every == 0:
            verdicts.append(watch.update())
    return watch, verdicts


def test_trend_wiggle_fall_and_progress_by_hand():
    start, end, line = trend_line(np.arange(10.0, 0.0, -1.0))  # a straight line: itself
    assert (start, end) == pytest.approx((10.0, 1.0)) and line == pytest.approx(np.arange(10.0, 0, -1))
    assert fall(np.arange(10.0, 0.0, -1.0)) == pytest.approx(0.9)
    assert wiggle(descent()) == pytest.approx(0.0, abs=1e-3)      # smooth: no wiggle
    assert wiggle(alternating(100, share=0.05)) == pytest.approx(0.05)  # half the swing
    assert progress([4.0, 2.0, 3.0, 1.0]) == pytest.approx(3.0 / 5.0)   # 4 -> 1 over 2 + 1 + 2


@pytest.mark.parametrize("costs, verdict", [
    (descent(), STEADY),                                         # learning
    (np.full(200, 0.2), STEADY),                                 # converged
    (alternating(200, share=0.05), BOUNCING),                    # ±5% every step, no progress
    (descent(start=0.31, rate=0.005) * alternating(200, 1.0, 0.05), BOUNCING),  # hardly falls
    (descent(rate=0.005) * alternating(200, 1.0, 0.05), STEADY),  # falls faster than it wiggles
    (alternating(200, share=0.008), STEADY),                     # ±0.8%: too small to see
    (0.5 * 1.05 ** np.arange(200), RISING),                      # every step higher
    (1e-15 * (1 + 0.5 * (-1.0) ** np.arange(200)), STEADY),      # rounding near J = 0
    (alternating(20, share=0.05), STEADY),                       # too few to judge
    (digits_like(), STEADY),                                     # falls, with spikes
])
def test_verdicts(costs, verdict):
    assert classify(costs) == verdict


def test_a_smoothly_falling_digits_like_cost_never_gets_a_hint():
    for seed in range(3):
        _, verdicts = watch_over(digits_like(seed=seed))
        assert set(verdicts) == {STEADY}, seed


def test_a_wild_bounce_is_bouncing_even_while_its_trend_falls():
    rng = np.random.default_rng(1)
    wild = descent(300, rate=0.005) * np.exp(rng.normal(0, 0.4, 300))  # flower at α = 30
    assert classify(wild) == BOUNCING
    _, verdicts = watch_over(wild)
    assert verdicts[-1] == BOUNCING


def test_a_bounce_is_reported_once_it_lasts_and_a_short_burst_is_not():
    calm = 0.3 * np.exp(-5e-5 * np.arange(400))  # settled, creeping down
    burst = calm.copy()
    burst[-60:] *= 1 + 0.05 * (-1.0) ** np.arange(60)  # 60 steps of bouncing, then a check
    watch = CostWatch()
    for c in burst:
        watch.add(c)
    assert classify(burst) == BOUNCING          # the last RECENT costs alone would say so
    assert watch.update() == STEADY             # ... but it has not lasted PERSIST costs
    long_bounce = np.concatenate([calm, alternating(PERSIST + RECENT, calm[-1], 0.05)])
    watch = CostWatch()
    for c in long_bounce:
        watch.add(c)
    assert watch.update() == BOUNCING


def test_the_hint_clears_within_the_recent_window_once_the_cost_settles():
    bouncing = alternating(300, share=0.1)
    settled = np.full(RECENT + 10, 0.2) * np.exp(np.linspace(0, -0.01, RECENT + 10))
    watch, verdicts = watch_over(np.concatenate([bouncing, settled]), every=10)
    first_calm = len(bouncing) // 10
    assert verdicts[first_calm - 1] == BOUNCING
    assert verdicts[-1] == STEADY and watch.verdict == STEADY


def test_the_verdict_holds_until_the_wiggle_halves_and_noisy_costs_need_larger_wiggles():
    assert classify(alternating(200, share=0.8 * WIGGLE)) == STEADY
    assert classify(alternating(200, share=0.8 * WIGGLE), flagged=BOUNCING) == BOUNCING
    assert classify(alternating(200, share=0.4 * WIGGLE), flagged=BOUNCING) == STEADY
    assert classify(alternating(200, share=0.04), noisy=True) == STEADY  # SGD's own noise
    assert classify(alternating(200, share=0.1), noisy=True) == BOUNCING


def test_the_watch_restarts_on_clear():
    watch, verdicts = watch_over(alternating(300, share=0.1))
    assert verdicts[-1] == BOUNCING and watch.seen == 300
    watch.clear()
    assert len(watch) == 0 and watch.seen == 0 and watch.verdict == STEADY
    for c in alternating(20, share=0.1):  # a restart: no verdict before MIN_COSTS new costs
        watch.add(c)
    assert watch.update() == STEADY


def test_hint_text_names_the_rate_and_a_nice_smaller_one():
    assert cost_hint(BOUNCING, 30.0) == ("The cost is bouncing: the learning rate α = 30 is "
                                         "too large; try 3.")
    assert cost_hint(RISING, 0.5).startswith("The cost is rising:")
    assert "try 0.05" in cost_hint(RISING, 0.5)
    assert cost_hint(STEADY, 30.0) == ""
    assert [nice_smaller_rate(a) for a in (30, 10, 1.2, 7.5, 0.3, 100)] == \
        ["3", "1", "0.1", "0.8", "0.03", "10"]


def test_tanh_or_sigmoid_units_say_the_cost_only_bounces():
    text = cost_hint(BOUNCING, 30.0, bounded_hidden=True)
    assert text.startswith("The cost is bouncing: the learning rate α = 30 is too large")
    assert "only bounces" in text and "will not diverge" in text
    assert "only bounces" not in cost_hint(BOUNCING, 30.0)          # ReLU: it may diverge
    assert "only bounces" not in cost_hint(RISING, 30.0, bounded_hidden=True)
