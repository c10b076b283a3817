"""The snapshot carries the optimizer's state as Δθ vectors (the cost surface projects them):
the "step" arrow is the step training then takes, the gradient arrow is -α dW of the full
training set, the mini-batch readout is 0° and 1 with full batch; the traced averages
follow v := β v + (1-β) dW from step 1."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnviz.engine.optimizers_trace import bias_corrected
from nnviz.training.config import Hyperparameters, course_default
from nnviz.training.session import TrainingSession


def session(optimizer, batch_size=None, dtype="float64", lambd=0.3):
    config = dataclasses.replace(
        course_default(), network=dataclasses.replace(course_default().network, dtype=dtype),
        hyper=Hyperparameters(optimizer=optimizer, learning_rate=0.02, batch_size=batch_size,
                              lambd=lambd))
    return TrainingSession(config)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
def test_the_step_arrow_is_the_step_training_takes_next(optimizer):
    s = session(optimizer, batch_size=64)
    s.step(31)  # mid-epoch: the next batch is known
    view = s.snapshot().optimizer
    key = "batch_gradient" if optimizer == "gd" else "step"
    before = s.net.theta.copy()
    s.step(1)
    np.testing.assert_allclose(s.net.theta - before, view.arrows[key], rtol=1e-9, atol=1e-15)
    assert view.batch_size == 64 and view.m == s.trainer.m
    assert ("velocity" in view.arrows) == (optimizer in ("momentum", "adam"))
    for vector in view.arrows.values():
        assert not vector.flags.writeable and vector.shape == s.net.theta.shape


def test_full_batch_gradient_arrow_and_a_zero_angle():
    s = session("momentum")
    s.step(5)
    snap = s.snapshot()
    view = snap.optimizer
    assert view.batch_angle == 0.0 and view.batch_norm_ratio == 1.0
    assert "batch_gradient" not in view.arrows
    net = snap.network()
    net.gradients(s.trainer.X, s.trainer.Y, 0.3)
    np.testing.assert_allclose(view.arrows["gradient"], -0.02 * net.grad, rtol=1e-12)
    # Momentum's velocity arrow is -α v, v the optimizer's own average.
    np.testing.assert_allclose(view.arrows["velocity"], -0.02 * s.trainer.optimizer.v)


def test_mini_batch_readout_compares_with_the_full_gradient():
    s = session("gd", batch_size=1)
    s.step(3)
    view = s.snapshot().optimizer
    g, b = view.arrows["gradient"], view.arrows["batch_gradient"]
    cos = g @ b / np.linalg.norm(g) / np.linalg.norm(b)
    assert view.batch_angle == pytest.approx(np.degrees(np.arccos(cos)))
    assert view.batch_norm_ratio == pytest.approx(np.linalg.norm(b) / np.linalg.norm(g))
    assert view.batch_angle > 1.0  # one example's gradient is not the average's


def test_float32_network_sends_float32_arrows():
    s = session("adam", batch_size=32, dtype="float32")
    s.step(3)
    view = s.snapshot().optimizer
    assert {v.dtype for v in view.arrows.values()} == {np.dtype(np.float32)}


def test_traced_averages_follow_the_course_formula_from_step_one():
    s = session("momentum")
    s.set_hyperparameters(dataclasses.replace(s.config.hyper, beta=0.8))
    s.step(12)
    averages = s.snapshot().optimizer.averages
    assert averages.averaged_by_optimizer and averages.beta == 0.8
    assert list(averages.first_t) == list(range(1, 13))
    v = np.zeros(len(averages.labels))
    for t in range(12):
        v = 0.8 * v + 0.2 * averages.first_raw[t]
        np.testing.assert_allclose(averages.first_ewa[t], v, rtol=1e-12)
    # The traced v is the optimizer's own v at those parameters.
    index = [name for name, *_ in s.net.layout].index("W1")
    assert averages.labels[0] == "W1[0,0]" and index == 0
    np.testing.assert_allclose(averages.first_ewa[-1, 0], s.trainer.optimizer.v[0])
    corrected = bias_corrected(averages.first_ewa, averages.first_t, 0.8)
    np.testing.assert_allclose(corrected[0], averages.first_raw[0])  # v1/(1-β) = dW1
