"""Neuron pictures: every unit's A[l]_j over the input plane, from the boundary's forward pass."""
import dataclasses

import numpy as np
import pytest

from nnviz.training import probes
from nnviz.training.config import DataSpec, NetworkSpec, SessionConfig, course_default
from nnviz.training.session import TrainingSession


def by_hand(snap):
    """The grid's raw points through the network, written out (tanh hidden, sigmoid out)."""
    grid = snap.boundary
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    X = np.vstack([gx.ravel(), gy.ravel()])
    p = snap.params()
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    A2 = 1.0 / (1.0 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    return A1, A2, gy.shape


def test_pictures_are_the_activations_of_the_grid_points():
    session = TrainingSession(course_default())
    session.step(300)
    snap = session.snapshot()
    grid = snap.boundary
    A1, A2, shape = by_hand(snap)
    hidden, output = grid.units
    assert (hidden.layer, hidden.activation, hidden.units) == (1, "tanh", 4)
    assert hidden.values.dtype == np.float32 and not hidden.values.flags.writeable
    np.testing.assert_allclose(hidden.values, A1.reshape((4,) + shape), atol=1e-6)
    np.testing.assert_allclose(output.values[0], A2.reshape(shape), atol=1e-6)
    # The output unit's picture is the decision boundary's image itself.
    np.testing.assert_allclose(output.values[0], grid.values, atol=1e-6)
    assert hidden.levels == (-1.0, 1.0) and hidden.scale == "diverging"
    assert output.levels == (0.0, 1.0) and output.scale == "unit"
    values, pictures = grid.unit_picture(1, 2)
    assert pictures is hidden
    np.testing.assert_array_equal(values, hidden.values[2])
    assert grid.unit_picture(1, 4) is None and grid.unit_picture(3, 0) is None


def test_colour_levels_follow_the_activation():
    A = np.array([[-0.5, 2.0, 3.0]])
    assert probes.picture_levels("sigmoid", A) == ((0.0, 1.0), "unit")
    assert probes.picture_levels("softmax", A) == ((0.0, 1.0), "unit")
    assert probes.picture_levels("tanh", A) == ((-1.0, 1.0), "diverging")
    assert probes.picture_levels("relu", A) == ((0.0, 3.0), "positive")
    assert probes.picture_levels("linear", A) == ((-3.0, 3.0), "diverging")
    assert probes.picture_levels("relu", np.zeros((2, 3))) == ((0.0, 1.0), "positive")


def test_wide_layers_are_capped_and_pictures_follow_training():
    config = SessionConfig(DataSpec(name="circles", normalize=True),
                           NetworkSpec(hidden_units=(40, 3), activations=("relu", "tanh"),
                                       init="he"),
                           course_default().hyper)
    session = TrainingSession(config)
    before = session.snapshot().boundary
    assert [p.values.shape[0] for p in before.units] == [probes.MAX_PICTURED_UNITS, 3, 1]
    assert before.units[0].units == 40
    assert before.units[0].levels[0] == 0.0
    assert before.units[0].levels[1] == pytest.approx(float(before.units[0].values.max()), rel=1e-6)
    session.step(50)
    after = session.snapshot().boundary
    assert after.iteration == 50
    assert not np.allclose(before.units[1].values, after.units[1].values)


def test_no_pictures_without_two_inputs():
    config = dataclasses.replace(course_default(), data=DataSpec(name="iris"))
    snap = TrainingSession(config).snapshot()
    assert snap.boundary is None


def test_input_features_are_pictured_as_the_network_sees_them():
    config = dataclasses.replace(course_default(), data=dataclasses.replace(
        course_default().data, features=("x1", "x1^2", "sin(x2)"), normalize=True))
    session = TrainingSession(config)
    grid = session.snapshot().boundary
    assert [p.layer for p in grid.inputs] == [0, 0, 0]
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    raw = np.vstack([gx.ravel(), gy.ravel()])
    X = session.input_pipeline.transform(raw)  # features, then normalization
    for j, pictures in enumerate(grid.inputs):
        np.testing.assert_allclose(pictures.values[0], X[j].reshape(gx.shape), rtol=1e-6,
                                   atol=1e-6)
        top = float(np.abs(X[j]).max())
        assert pictures.levels == pytest.approx((-top, top), rel=1e-6)
        assert not pictures.values.flags.writeable
    # x1^2 by hand, normalized with the training split's mean and spread.
    d = session.data
    by_hand = (gx ** 2 - d.mean[1]) / d.std[1]
    np.testing.assert_allclose(grid.inputs[1].values[0], by_hand, rtol=1e-5, atol=1e-5)
    values, pictures = grid.unit_picture(0, 2)
    assert pictures is grid.inputs[2] and grid.unit_picture(0, 3) is None


def test_grid_resolution_follows_the_work_of_one_grid():
    course = [2, 4, 1]
    assert probes.grid_resolution(course) == probes.GRID_MAX
    for dims in ([2, 8, 8, 1], [2, 16, 16, 16, 1], [2, 64, 64, 1], [2, 512, 512, 1]):
        n = probes.grid_resolution(dims)
        work = sum(a * b for a, b in zip(dims[:-1], dims[1:])) + probes.UNIT_WORK * sum(dims[1:])
        assert probes.GRID_MIN <= n < probes.GRID_MAX
        assert n * n * work <= probes.GRID_BUDGET or n == probes.GRID_MIN
    assert probes.grid_resolution([2, 8, 8, 1]) > probes.grid_resolution([2, 64, 64, 1])
