"""Data you draw, in the training session: edits swap the data and training goes on."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession, describe_changes


def _config(**data) -> SessionConfig:
    return SessionConfig(
        DataSpec("circles", params=(("m", 60), ("noise", 0.05), ("seed", 1)), normalize=True,
                 **data),
        NetworkSpec(hidden_units=(4,), activations=("tanh",), init="xavier", seed=1),
        Hyperparameters(optimizer="adam", learning_rate=0.01))


def _with_data(config: SessionConfig, data: DataSpec) -> SessionConfig:
    return dataclasses.replace(config, data=data)


def test_adding_a_point_keeps_the_network_optimizer_and_counters():
    session = TrainingSession(_config())
    session.step(25)
    theta, m_train, optimizer = session.net.theta.copy(), session.data.m_train, \
        session.trainer.optimizer
    mean = session.data.mean.copy()
    new = _with_data(session.config, session.config.data.with_added_point(0.1, 0.2, 1))
    assert describe_changes(session.config, new) == "points"
    assert session.apply(new) == "points"
    assert session.iteration == 25 and session.trainer.optimizer is optimizer
    np.testing.assert_array_equal(session.net.theta, theta)
    assert session.data.m_train == m_train + 1
    np.testing.assert_array_equal(session.data.X_train_raw[:, -1], [0.1, 0.2])
    assert session.data.y_train[-1] == 1 and session.data.Y_train[0, -1] == 1.0
    np.testing.assert_array_equal(session.data.mean, mean)  # normalization unchanged
    np.testing.assert_allclose(session.data.X_train[:, -1],
                               session.input_pipeline.transform([[0.1], [0.2]])[:, 0])
    result = session.step(5)  # trains on the edited data
    assert result.iteration == 30 and session.trainer.m == m_train + 1


def test_removing_the_nearest_point_and_restoring_the_data():
    session = TrainingSession(_config())
    x1, x2 = session.data.X_test_raw[:, 0]
    point = session.point_at(x1 + 1e-6, x2)
    n_test = session.data.m_test
    edited = session.config.data.without_point(point, session.dataset.m)
    session.apply(_with_data(session.config, edited))
    assert session.data.m_test == n_test - 1
    assert not np.any(np.all(session.data.X_test_raw == [[x1], [x2]], axis=0))
    # A drawn point has an id too: removing it takes it away again.
    drawn = _with_data(session.config, session.config.data.with_added_point(3.0, 3.0, 0))
    session.apply(drawn)
    new_id = session.point_at(3.0, 3.0)
    assert new_id == session.dataset.m
    session.apply(_with_data(session.config,
                             session.config.data.without_point(new_id, session.dataset.m)))
    assert session.config.data.added_points == ()
    # "New sample": back to the generated data, still without a reset.
    session.apply(_with_data(session.config, session.config.data.without_edits()))
    assert session.data.m_test == n_test and session.iteration == 0


def test_edits_are_refused_on_data_they_do_not_fit():
    session = TrainingSession(_config())
    bad = _with_data(session.config, session.config.data.with_added_point(0, 0, 5))
    with pytest.raises(ValueError, match="classes 0 to 1"):
        session.apply(bad)
    assert not session.config.data.edited  # unchanged
    with pytest.raises(ValueError, match="two-input classification"):
        TrainingSession(SessionConfig(DataSpec("iris", added_points=((0, 0, 0),))))


def test_a_session_with_edits_builds_the_same_data_from_its_config():
    config = _config(added_points=((0.5, 0.5, 1),), removed_points=(0, 1))
    first, again = TrainingSession(config), TrainingSession(SessionConfig.from_dict(
        config.to_dict()))
    np.testing.assert_array_equal(first.data.X_train_raw, again.data.X_train_raw)
    np.testing.assert_array_equal(first.net.theta, again.net.theta)
