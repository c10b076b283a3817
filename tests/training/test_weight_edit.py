"""The weight editor's session side: one parameter set, the next snapshot shows it."""
import numpy as np
import pytest

from nnviz.training.session import TrainingSession


def test_set_parameter_changes_the_network_the_snapshot_measures():
    session = TrainingSession()
    session.step(100)
    old = session.snapshot()
    previous = session.set_parameter("W1", (1, 0), 2.0)
    assert previous == old.params()["W1"][1, 0]
    snap = session.snapshot()
    assert snap.params()["W1"][1, 0] == 2.0 and snap.iteration == 100
    A1 = np.tanh(snap.params()["W1"] @ snap.data.X_train + snap.params()["b1"])
    A2 = 1 / (1 + np.exp(-(snap.params()["W2"] @ A1 + snap.params()["b2"])))
    Y = snap.data.Y_train
    J = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    assert snap.train_cost == pytest.approx(J, rel=1e-10)
    session.step(1)  # training continues from the edited value
    assert session.iteration == 101


def test_bad_edits_are_refused_and_change_nothing():
    session = TrainingSession()
    theta = session.net.theta.copy()
    with pytest.raises(ValueError, match="outside"):
        session.set_parameter("W1", (9, 0), 1.0)
    with pytest.raises(ValueError, match="finite"):
        session.set_parameter("b1", 0, float("inf"))
    with pytest.raises(ValueError, match="no parameter"):
        session.set_parameter("W7", (0, 0), 1.0)
    np.testing.assert_array_equal(session.net.theta, theta)
