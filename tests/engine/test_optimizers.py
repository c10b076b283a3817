"""Each optimizer's update against the course's formulas written out here in NumPy (float64),
for a few steps with changing gradients; Adam's bias correction on and off; ``next_step``."""
from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.optimizers import OPTIMIZERS, Adam, Momentum, RMSprop, make_optimizer

STEPS = 5


def _gradients(n=7, steps=STEPS, seed=0):
    rng = np.random.default_rng(seed)
    # Scales that differ per parameter: RMSprop/Adam's per-parameter scaling matters.
    return [rng.normal(size=n) * np.logspace(-3, 1, n) for _ in range(steps)]


def _run(optimizer, theta0, grads):
    theta = theta0.copy()
    out = []
    for g in grads:
        optimizer.step(theta, g)
        out.append(theta.copy())
    return out


def test_gradient_descent_formula():
    theta0, grads, alpha = np.ones(7), _gradients(), 0.3
    expected, W = [], theta0.copy()
    for g in grads:
        W = W - alpha * g
        expected.append(W)
    got = _run(make_optimizer("gd", learning_rate=alpha), theta0, grads)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)


def test_momentum_formula_and_state():
    theta0, grads, alpha, beta = np.ones(7), _gradients(), 0.1, 0.8
    opt = Momentum(alpha, beta)
    W, v = theta0.copy(), np.zeros(7)
    theta = theta0.copy()
    for g in grads:
        v = beta * v + (1 - beta) * g
        W = W - alpha * v
        opt.step(theta, g)
        np.testing.assert_allclose(opt.v, v, rtol=1e-14)
        np.testing.assert_allclose(theta, W, rtol=1e-14)
    assert opt.velocity is opt.v and opt.squares is None


def test_rmsprop_formula_and_state():
    theta0, grads = np.ones(7), _gradients()
    alpha, beta2, eps = 0.01, 0.9, 1e-8
    opt = RMSprop(alpha, beta2, eps)
    W, s = theta0.copy(), np.zeros(7)
    theta = theta0.copy()
    for g in grads:
        s = beta2 * s + (1 - beta2) * g**2
        W = W - alpha * g / (np.sqrt(s) + eps)
        opt.step(theta, g)
        np.testing.assert_allclose(opt.s, s, rtol=1e-14)
        np.testing.assert_allclose(theta, W, rtol=1e-13)
    assert opt.squares is opt.s and opt.velocity is None
    # The per-parameter scaling: a parameter with a 10^4 times smaller gradient moves by
    # a comparable amount (each step's size is about alpha whatever the gradient's scale).
    moved = np.abs(theta - theta0)
    assert moved.max() / moved.min() < 100 < np.abs(grads[0]).max() / np.abs(grads[0]).min()


@pytest.mark.parametrize("corrected", [True, False])
def test_adam_formula(corrected):
    theta0, grads = np.ones(7), _gradients()
    alpha, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = Adam(alpha, b1, b2, eps, bias_correction=corrected)
    W, v, s = theta0.copy(), np.zeros(7), np.zeros(7)
    theta = theta0.copy()
    for t, g in enumerate(grads, start=1):
        v = b1 * v + (1 - b1) * g
        s = b2 * s + (1 - b2) * g**2
        v_hat = v / (1 - b1**t) if corrected else v
        s_hat = s / (1 - b2**t) if corrected else s
        W = W - alpha * v_hat / (np.sqrt(s_hat) + eps)
        opt.step(theta, g)
        np.testing.assert_allclose(opt.velocity, v, rtol=1e-14)
        np.testing.assert_allclose(opt.squares, s, rtol=1e-14)
        np.testing.assert_allclose(theta, W, rtol=1e-12)
        assert opt.t == t


def test_bias_correction_changes_the_first_steps_exactly_as_the_formula_says():
    """Step t moves by alpha v̂/(sqrt(ŝ)+eps) with the correction and alpha v/(sqrt(s)+eps)
    without: with eps negligible, their ratio is sqrt(1-b2^t)/(1-b1^t) per parameter (3.16
    at step 1 for the course's betas: 0.316, without it Adam's first step is 3.16 times
    larger, since s starts ten times further below its true value than v does)."""
    g = _gradients(steps=3)
    b1, b2 = 0.9, 0.999
    on, off = Adam(0.01, b1, b2, 1e-12, True), Adam(0.01, b1, b2, 1e-12, False)
    theta_on, theta_off = np.zeros(7), np.zeros(7)
    expected = 0.0
    for t in (1, 2, 3):
        before_on, before_off = theta_on.copy(), theta_off.copy()
        on.step(theta_on, g[t - 1])
        off.step(theta_off, g[t - 1])
        ratio = (theta_on - before_on) / (theta_off - before_off)
        expected = (1 - b1**t) ** -1 / (1 - b2**t) ** -0.5
        np.testing.assert_allclose(ratio, expected, rtol=1e-6)
        assert on.corrections(t) == pytest.approx((1 - b1**t, 1 - b2**t), rel=1e-15)
        assert off.corrections(t) == (1.0, 1.0)
        if t == 1:
            assert expected == pytest.approx(np.sqrt(0.001) / 0.1)
    # Step 1 with the correction is alpha * sign(g) (up to eps): the famous first step.
    np.testing.assert_allclose(Adam(0.01, b1, b2, 1e-12).next_step(g[0]),
                               -0.01 * np.sign(g[0]), rtol=1e-6)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_next_step_is_the_step_without_taking_it(name):
    opt = make_optimizer(name, learning_rate=0.05)
    grads = _gradients()
    theta = np.ones(7)
    for g in grads[:3]:
        opt.step(theta, g)
    state = {k: np.array(v, copy=True) for k, v in vars(opt).items()}
    delta = opt.next_step(grads[3])
    for k, v in vars(opt).items():  # the state untouched
        assert np.array_equal(v, state[k]), k
    before = theta.copy()
    opt.step(theta, grads[3])
    np.testing.assert_allclose(theta - before, delta, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_float32_stays_float32_with_python_float_hyperparameters(name):
    opt = make_optimizer(name, learning_rate=0.01)
    theta = np.ones(5, dtype=np.float32)
    for g in _gradients(n=5, steps=3):
        opt.step(theta, g.astype(np.float32))
    assert theta.dtype == np.float32
    for value in vars(opt).values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32
    assert opt.next_step(np.ones(5, dtype=np.float32)).dtype == np.float32


def test_reset_forgets_the_averages():
    opt = Adam(0.01)
    opt.step(np.zeros(3), np.ones(3))
    opt.reset()
    assert opt.m is None and opt.v is None and opt.t == 0
    rms = RMSprop(0.01)
    rms.step(np.zeros(3), np.ones(3))
    rms.reset()
    assert rms.s is None
