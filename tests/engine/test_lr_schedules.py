"""Learning-rate decay against the course's formulas written out here, and the trainer's α per
step (a gradient-descent step moves θ by exactly -α_t dθ)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.engine import GradientDescent, Network, Trainer
from nnviz.engine.lr_schedules import LearningRateSchedule, schedule_problem
from nnviz.engine.optimizers import Adam

EPOCHS = [0, 1, 2, 3, 7, 10, 999, 1000, 1001, 2500]


def test_constant():
    s = LearningRateSchedule(0.5)
    assert [s.at(e) for e in EPOCHS] == [0.5] * len(EPOCHS)


def test_inverse_time_decay():
    alpha0, decay_rate = 0.5, 0.3
    s = LearningRateSchedule(alpha0, "inverse", decay_rate)
    for epoch_num in EPOCHS:
        assert s.at(epoch_num) == pytest.approx(alpha0 / (1 + decay_rate * epoch_num),
                                                rel=1e-15)
    assert s.at(1) == pytest.approx(0.5 / 1.3)


def test_exponential_decay():
    alpha0 = 0.2
    s = LearningRateSchedule(alpha0, "exponential", 0.95)
    for epoch_num in EPOCHS:
        assert s.at(epoch_num) == pytest.approx(0.95 ** epoch_num * alpha0, rel=1e-12)
    assert s.at(2) == pytest.approx(0.2 * 0.9025)


def test_staircase():
    alpha0, decay_rate, time_interval = 0.1, 1.0, 1000
    s = LearningRateSchedule(alpha0, "staircase", decay_rate, time_interval)
    for epoch_num in EPOCHS:
        expected = alpha0 / (1 + decay_rate * math.floor(epoch_num / time_interval))
        assert s.at(epoch_num) == pytest.approx(expected, rel=1e-15)
    assert s.at(999) == 0.1 and s.at(1000) == pytest.approx(0.05)
    assert s.at(2500) == pytest.approx(0.1 / 3)


def test_defaults_are_the_courses():
    assert LearningRateSchedule(1.0, "inverse").decay_rate == 1.0
    assert LearningRateSchedule(1.0, "exponential").at(1) == pytest.approx(0.95)
    assert LearningRateSchedule(1.0, "staircase").interval == 1000


def test_values_are_python_floats():
    for kind in ("none", "inverse", "exponential", "staircase"):
        s = LearningRateSchedule(np.float32(0.5), kind, np.float64(0.9), np.int64(3))
        assert type(s.at(np.int64(4))) is float


def test_curve_keeps_the_staircase_steps():
    s = LearningRateSchedule(1.0, "staircase", 1.0, 7)
    xs, ys = s.curve(50, points=5)
    assert xs[0] == 0 and xs[-1] == 50
    for edge in (7, 14, 49):
        assert edge - 1 in xs and edge in xs
    assert ys == [s.at(x) for x in xs]


@pytest.mark.parametrize("kind, rate, interval, words", [
    ("cosine", None, 1, "unknown learning-rate decay"),
    ("exponential", 1.5, 1, "at most 1"),
    ("exponential", 0.0, 1, "more than 0"),
    ("inverse", -1.0, 1, "between 0 and"),
    ("staircase", 1.0, 0, "whole number of epochs"),
    ("staircase", 1.0, 2.5, "whole number of epochs"),
])
def test_bad_settings_are_refused_with_a_sentence(kind, rate, interval, words):
    assert words in schedule_problem(kind, rate, interval)
    with pytest.raises(ValueError, match=words):
        LearningRateSchedule(1.0, kind, rate, interval)


def _trainer(batch_size=None, optimizer=None, m=40):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, m))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    net = Network([2, 3, 1], ["tanh"], "sigmoid", seed=1, init="xavier")
    return Trainer(net, X, Y, optimizer or GradientDescent(0.7), batch_size=batch_size)


@pytest.mark.parametrize("kind, rate", [("inverse", 0.5), ("exponential", 0.8),
                                        ("staircase", 1.0)])
def test_each_gd_step_moves_theta_by_minus_alpha_t_times_the_gradient(kind, rate):
    trainer = _trainer(batch_size=10)  # 4 steps per epoch
    schedule = LearningRateSchedule(0.7, kind, rate, 2)
    trainer.lr_schedule = schedule
    for step in range(12):
        epoch = step // 4  # the epoch this step is in, from 0
        assert trainer.learning_rate == schedule.at(epoch)
        before = trainer.net.theta.copy()
        trainer.step()
        expected = before - schedule.at(epoch) * trainer.net.grad
        np.testing.assert_allclose(trainer.net.theta, expected, rtol=0, atol=1e-15)
        assert trainer.optimizer.learning_rate == trainer.learning_rate  # the next step's
    assert trainer.epoch == 3 and trainer.learning_rate == schedule.at(3)


def test_full_batch_decays_every_step_and_reset_returns_to_alpha0():
    trainer = _trainer()
    trainer.lr_schedule = LearningRateSchedule(0.7, "inverse", 1.0)
    trainer.run(4)
    assert trainer.optimizer.learning_rate == pytest.approx(0.7 / 5)
    trainer.reset_state()
    assert trainer.learning_rate == trainer.optimizer.learning_rate == 0.7


def test_adam_uses_the_decayed_alpha():
    a, b = _trainer(optimizer=Adam(0.01)), _trainer(optimizer=Adam(0.01 / 3))
    a.lr_schedule = LearningRateSchedule(0.01, "inverse", 1.0)
    a.run(2)  # epochs 0 and 1: α0, α0/2
    b.net.theta[:] = a.net.theta
    b.optimizer.m, b.optimizer.v, b.optimizer.t = (a.optimizer.m.copy(),
                                                  a.optimizer.v.copy(), a.optimizer.t)
    a.step()  # epoch 2: α0/3
    b.step()
    np.testing.assert_allclose(a.net.theta, b.net.theta, rtol=0, atol=1e-15)


def test_without_a_schedule_the_optimizers_alpha_is_used():
    trainer = _trainer()
    trainer.run(3)
    assert trainer.learning_rate == trainer.optimizer.learning_rate == 0.7
