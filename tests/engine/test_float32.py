"""A float32 network stays float32 end to end.

NumPy 2 promotes ``float32 array * np.float64 scalar`` to float64, so one NumPy constant
in an activation, head, cost or optimizer silently turns a float32 network into float64.
Every activation x output head x optimizer trains a few steps in float32 (with L2, dropout
and mini-batches), and every array the engine returns or caches is checked: Z, A, the
dropout masks, dZ, dW, db, theta, grad, the optimizer's moving averages, the predictions,
and a saved-and-loaded model's output. The values are checked too: the float32 gradient is
the float64 gradient of the same parameters to float32 precision.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnviz.engine import (ACTIVATIONS, HEADS, OPTIMIZERS, Network, Trainer,
                          activation_slope, activation_value, make_optimizer)
from nnviz.engine.io import export_weights, load_weights

F32 = np.dtype(np.float32)
N_OUT = {"sigmoid": 1, "softmax": 3, "linear": 2}
LEARNING_RATE = {"gd": 0.1, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}


def _data(head: str, m: int = 24):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(3, m))  # float64 on purpose: the network takes it in its dtype
    if head == "sigmoid":
        Y = (X[:1] + X[1:2] > 0).astype(np.float64)
    elif head == "softmax":
        Y = np.eye(3)[:, rng.integers(0, 3, m)]
    else:
        Y = np.vstack([X[0] - X[1], X[2] * 0.5])
    return X, Y


def _arrays_in_dtype(named: dict, dtype) -> list[str]:
    """The names (with their dtype) of the arrays that are not in ``dtype``."""
    return [f"{name}: {np.asarray(a).dtype}" for name, a in named.items()
            if a is not None and np.asarray(a).dtype != dtype]


def _optimizer_state(optimizer) -> dict:
    return {f"optimizer.{k}": v for k, v in vars(optimizer).items()
            if isinstance(v, np.ndarray)}


def _train_and_collect(net: Network, optimizer: str, head: str, tmp_path) -> dict:
    """A few training steps, then every array the engine returns or caches, by name."""
    X, Y = _data(head)
    opt = make_optimizer(optimizer, learning_rate=np.float64(LEARNING_RATE[optimizer]))
    trainer = Trainer(net, X, Y, opt, batch_size=16, lambd=np.float64(0.1), keep_prob=0.8,
                      seed=3)
    costs = trainer.run(6)
    assert len(costs) == 6 and np.all(np.isfinite(costs))
    assert all(isinstance(c, float) for c in costs)

    arrays = {"theta": net.theta, "grad": net.grad, **net.params, **_optimizer_state(opt)}
    # One more pass with dropout (masks drawn) and one without, both keeping dZ.
    for label, kps in (("dropout", [0.8, 0.8]), ("plain", None)):
        rng = np.random.default_rng(0) if kps else None
        _, caches, grads = net.gradients(X, Y, lambd=np.float64(0.1), keep_probs=kps,
                                         rng=rng, keep_dZ=True)
        for l, cache in enumerate(caches, start=1):
            arrays.update({f"{label} A_prev{l}": cache.A_prev, f"{label} Z{l}": cache.Z,
                           f"{label} A{l}": cache.A, f"{label} D{l}": cache.D})
        arrays.update({f"{label} {k}": v for k, v in grads.items()})
    ZL, _ = net.forward(X)
    arrays["forward Z[L]"] = ZL
    arrays["predict_output"] = net.predict_output(X)
    if head == "linear":
        arrays["predict (regression)"] = net.predict(X)
    else:
        assert np.issubdtype(net.predict(X).dtype, np.integer)
    path = export_weights(tmp_path / "model.npz", net)
    loaded = load_weights(path)
    assert loaded.net.dtype == F32
    arrays["LoadedModel.predict_output"] = loaded.predict_output(X)
    # Loaded weights compute with the engine's arithmetic (a course-exact network's last
    # bits may differ); a float32 round-trip of the weights is exact.
    np.testing.assert_allclose(loaded.predict_output(X), arrays["predict_output"], rtol=1e-6,
                               atol=1e-7)
    np.testing.assert_array_equal(loaded.net.theta, net.theta)
    assert all(np.isfinite(a).all() for a in arrays.values() if a is not None)
    return arrays


def _float32_net(activation: str, head: str, course_exact: bool = False) -> Network:
    # Two hidden layers: the layer after the tested activation is checked too.
    alpha = np.float64(0.05) if ACTIVATIONS[activation].default_alpha is not None else None
    return Network([3, 5, 4, N_OUT[head]], activation, head=head, dtype=np.float32,
                   init="xavier", seed=1, alpha=alpha, course_exact=course_exact)


@pytest.mark.parametrize("activation, head, optimizer", list(itertools.product(
    ACTIVATIONS, HEADS, OPTIMIZERS)))
def test_every_array_stays_float32(activation, head, optimizer, tmp_path):
    arrays = _train_and_collect(_float32_net(activation, head), optimizer, head, tmp_path)
    assert _arrays_in_dtype(arrays, F32) == []


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_course_exact_arithmetic_stays_float32_too(activation, tmp_path):
    net = _float32_net(activation, "sigmoid", course_exact=True)
    arrays = _train_and_collect(net, "gd", "sigmoid", tmp_path)
    assert _arrays_in_dtype(arrays, F32) == []


@pytest.mark.parametrize("activation, head", list(itertools.product(ACTIVATIONS, HEADS)))
def test_float32_gradient_is_the_float64_gradient(activation, head):
    X, Y = _data(head)
    net32 = Network([3, 5, 4, N_OUT[head]], activation, head=head, dtype=np.float32,
                    init="xavier", seed=2)
    net64 = net32.copy(np.float64)  # the same (float32-representable) parameters
    J32, _, _ = net32.gradients(X, Y)
    J64, _, _ = net64.gradients(X, Y)
    assert J32 == pytest.approx(J64, rel=1e-5)
    scale = np.abs(net64.grad).max()
    np.testing.assert_allclose(net32.grad, net64.grad, rtol=0, atol=1e-5 * scale)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_values_and_slopes_keep_float32(name):
    z = np.linspace(-4, 4, 41, dtype=np.float32)
    act = ACTIVATIONS[name]
    for alpha in (None, 0.1, np.float64(0.1)):
        a = act.g(z, act.default_alpha if alpha is None else alpha)
        slope = act.slope(z, a, act.default_alpha if alpha is None else alpha)
        assert a.dtype == F32
        assert np.asarray(slope).dtype in (F32, np.dtype(bool))  # ReLU's slope is a mask
        assert activation_value(name, z, alpha).dtype == F32
        assert activation_slope(name, z, alpha).dtype == F32
    # The values are the float64 values rounded to float32 precision.
    np.testing.assert_allclose(activation_value(name, z), activation_value(name, z.astype(
        np.float64)), rtol=1e-6, atol=1e-6)


def test_adam_state_and_step_stay_float32_for_many_steps():
    theta = np.ones(5, dtype=np.float32)
    grad = np.linspace(-1, 1, 5, dtype=np.float32)
    adam = make_optimizer("adam", learning_rate=np.float64(0.01), beta1=np.float64(0.9),
                          beta2=np.float64(0.999), epsilon=np.float64(1e-8))
    for _ in range(20):
        adam.step(theta, grad)
    assert theta.dtype == adam.m.dtype == adam.v.dtype == F32
    # Adam's first step moves each weight by about the learning rate against the sign of
    # its gradient; 20 steps of a constant gradient move it by about 20 learning rates.
    np.testing.assert_allclose(theta, 1 - 0.2 * np.sign(grad), atol=1e-4)
