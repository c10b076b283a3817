"""The gradient trace against the course's recurrence written out step by step."""
from __future__ import annotations

import numpy as np

from nnviz.engine.optimizers_trace import (FIRST_STEPS, FOLD_STEPS, RECENT_STEPS,
                                           GradientTrace)


def reference(gradients, betas):
    """v := β v + (1-β) dW, one step at a time."""
    v = np.zeros(gradients.shape[1])
    out = []
    for g, beta in zip(gradients, betas):
        v = beta * v + (1 - beta) * g
        out.append(v.copy())
    return np.array(out)


def recorded(gradients, betas, windows_every=None):
    trace = GradientTrace(np.array([0, 2, 3]), ("a", "b", "c"))
    for t, (g, beta) in enumerate(zip(gradients, betas), start=1):
        trace.record(np.concatenate([g[:1], [99.0], g[1:]]), beta)  # index 1 is not traced
        if windows_every and t % windows_every == 0:
            trace.windows()  # a snapshot in the middle changes nothing
    return trace, trace.windows()


def test_the_averages_follow_the_recurrence_over_many_folds():
    rng = np.random.default_rng(3)
    n = 3 * RECENT_STEPS + 17
    gradients = rng.normal(size=(n, 3))
    betas = np.full(n, 0.9)
    betas[500:650] = 0.0   # the learner set β to 0 for a while: v is dW itself
    betas[650:] = 0.99
    expected = reference(gradients, betas)
    for every in (None, 7, FOLD_STEPS, 333):
        trace, w = recorded(gradients, betas, every)
        t, raw, ewa = w["recent"]
        np.testing.assert_array_equal(t, np.arange(n - RECENT_STEPS + 1, n + 1))
        np.testing.assert_array_equal(raw, gradients[-RECENT_STEPS:])
        np.testing.assert_allclose(ewa, expected[-RECENT_STEPS:], rtol=1e-12, atol=1e-15)
        t1, raw1, ewa1 = w["first"]
        np.testing.assert_array_equal(t1, np.arange(1, FIRST_STEPS + 1))
        np.testing.assert_array_equal(raw1, gradients[:FIRST_STEPS])
        np.testing.assert_allclose(ewa1, expected[:FIRST_STEPS], rtol=1e-12, atol=1e-15)
        assert w["first_beta"] == 0.9 and w["beta"] == 0.99
        assert trace.t == n


def test_a_short_run_and_a_reset():
    gradients = np.array([[1.0, 2.0, -1.0], [3.0, 0.0, 1.0]])
    trace, w = recorded(gradients, [0.5, 0.5])
    t, raw, ewa = w["first"]
    np.testing.assert_allclose(ewa, [[0.5, 1.0, -0.5], [1.75, 0.5, 0.25]])
    trace.reset()
    w = trace.windows()
    assert w["first"][0].size == 0 and w["recent"][0].size == 0
