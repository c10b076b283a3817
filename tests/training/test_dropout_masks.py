"""Dropout made visible: the last step's keep-masks D[l] reach the snapshot, are the ones the
step used, change every step, drop about 1 - keep_prob of the units, and are absent without
dropout."""
import numpy as np
import pytest

from nnviz.engine.network import Network
from nnviz.engine.optimizers import GradientDescent
from nnviz.engine.trainer import RECORDED_MASK_EXAMPLES, RECORDED_MASK_UNITS, Trainer
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession


def small_problem(m=12, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    net = Network([2, 5, 3, 1], ["tanh", "relu"], "sigmoid", init="he", seed=1)
    return net, X, Y


@pytest.mark.parametrize("course_exact", [False, True])
def test_recorded_masks_are_the_ones_the_step_used(course_exact):
    """With every unit and example recorded, the masks reproduce the step's cost and update:
    J(θ) with these masks is the cost it reported, θ - α dθ(masks) the new θ."""
    net, X, Y = small_problem()
    net.course_exact = course_exact
    alpha, kps = 0.5, [0.8, 0.6]
    trainer = Trainer(net, X, Y, GradientDescent(alpha), keep_prob=kps, lambd=0.1, seed=4)
    for _ in range(3):
        theta = net.theta.copy()
        result = trainer.step()
        record = trainer.last_masks
        assert record.iteration == result.iteration and record.keep_probs == (0.8, 0.6)
        assert record.batch_size == 12
        masks = [mask.astype(float) for mask in record.masks]
        assert [mask.shape for mask in masks] == [(5, 12), (3, 12)]  # all of D here
        check = net.copy()
        check.set_theta(theta)
        assert check.cost(X, Y, 0.1, kps, masks) == pytest.approx(result.cost, rel=1e-12)
        check.gradients(X, Y, 0.1, kps, masks)
        np.testing.assert_allclose(net.theta, theta - alpha * check.grad, rtol=1e-12,
                                   atol=1e-14)
        for mask, kept in zip(masks, record.kept):
            assert kept == pytest.approx(mask.mean())


def test_record_is_bounded_copied_and_read_only():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 200)), (rng.random((1, 200)) > 0.5).astype(float)
    net = Network([3, 40, 2, 1], "relu", "sigmoid", seed=0)
    trainer = Trainer(net, X, Y, keep_prob=[0.7, 1.0], seed=0)
    trainer.step()
    record = trainer.last_masks
    first, second = record.masks
    assert first.shape == (RECORDED_MASK_UNITS, RECORDED_MASK_EXAMPLES) and first.dtype == bool
    assert second is None and np.isnan(record.kept[1])  # keep_prob 1: no mask in that layer
    assert not first.flags.writeable and first.flags.owndata  # its own copy, not a view of D
    with pytest.raises(ValueError):
        first[0, 0] = not first[0, 0]
    # The fraction kept is over the whole D[1] (40 x 200), not only the recorded corner.
    assert abs(record.kept[0] - 0.7) < 0.03
    trainer.reset_state()
    assert trainer.last_masks is None


def session(keep_prob, **hyper):
    return TrainingSession(SessionConfig(DataSpec(name="flower"), NetworkSpec(),
                                         Hyperparameters(keep_prob=keep_prob, **hyper)))


def test_snapshots_carry_a_new_mask_every_step_dropping_about_one_minus_keep_prob():
    s = session(0.8)
    assert s.snapshot().dropout_masks is None  # no step yet
    seen, dropped, total = [], 0, 0
    for step in range(1, 201):
        s.step(1)
        record = s.snapshot().dropout_masks
        assert record.iteration == step and record.keep_probs == (0.8,)
        mask = record.masks[0]
        assert mask.shape == (4, min(RECORDED_MASK_EXAMPLES, s.data.m_train))
        seen.append(mask.tobytes())
        dropped += int((~mask).sum())
        total += mask.size
    # 200 steps of 4 x 16 draws: 1 - keep_prob = 0.2 within about 4 standard errors.
    rate = dropped / total
    assert abs(rate - 0.2) < 4 * np.sqrt(0.2 * 0.8 / total), rate
    # A different mask each step (two equal 64-draw masks in a row: about 1e-14).
    assert all(a != b for a, b in zip(seen, seen[1:]))


def test_no_masks_without_dropout_or_after_turning_it_off():
    s = session(1.0)
    s.step(3)
    assert s.snapshot().dropout_masks is None
    s = session(0.5)
    s.step(2)
    assert s.snapshot().dropout_masks.keep_probs == (0.5,)
    s.set_hyperparameters(Hyperparameters(keep_prob=1.0))
    assert s.snapshot().dropout_masks is None  # the old step's masks no longer apply
    s.set_hyperparameters(Hyperparameters(keep_prob=0.5))
    s.step(1)
    s.set_hyperparameters(Hyperparameters(keep_prob=0.7))
    assert s.snapshot().dropout_masks is None  # drawn with 0.5: not this setting's masks
    s.step(1)
    assert s.snapshot().dropout_masks.keep_probs == (0.7,)
    s.reset()
    assert s.snapshot().dropout_masks is None
