import numpy as np
import pytest

from nnviz.engine.activations import ACTIVATIONS, activation_slope, activation_value
from nnviz.engine.losses import binary_cross_entropy, categorical_cross_entropy, softmax


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_slope_matches_numerical_slope(name):
    z = np.linspace(-6, 6, 241)
    z = z[np.abs(z) > 1e-3]  # stay off the kink at 0
    h = 1e-6
    alpha = 0.3 if ACTIVATIONS[name].default_alpha is not None else None
    numeric = (activation_value(name, z + h, alpha) - activation_value(name, z - h, alpha)) / (2 * h)
    np.testing.assert_allclose(activation_slope(name, z, alpha), numeric, rtol=1e-6, atol=1e-8)


def test_course_formulas():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(activation_value("sigmoid", z), 1 / (1 + np.exp(-z)))
    assert activation_slope("sigmoid", np.array([0.0]))[0] == 0.25
    np.testing.assert_array_equal(activation_value("relu", z), [0, 0, 3])
    np.testing.assert_array_equal(activation_slope("relu", z), [0, 0, 1])  # slope 0 at z = 0
    np.testing.assert_allclose(activation_value("leaky_relu", z), [-0.02, 0, 3])
    np.testing.assert_allclose(activation_value("leaky_relu", z, 0.2), [-0.4, 0, 3])


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = activation_value("sigmoid", np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(a, [0.0, 1.0])


def test_softmax_columns_sum_to_one():
    Z = np.random.default_rng(0).standard_normal((5, 7)) * 50
    A = softmax(Z)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)
    assert (A >= 0).all()


def test_bce_finite_for_saturated_outputs():
    Z = np.array([[800.0, -800.0, 40.0]])
    Y = np.array([[0.0, 1.0, 1.0]])
    J = binary_cross_entropy(Z, Y)
    assert np.isfinite(J)
    np.testing.assert_allclose(J, (800 + 800 + np.log1p(np.exp(-40))) / 3)


def test_bce_matches_definition():
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((1, 20))
    Y = (rng.random((1, 20)) > 0.5).astype(float)
    A = 1 / (1 + np.exp(-Z))
    expected = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    np.testing.assert_allclose(binary_cross_entropy(Z, Y), expected, rtol=1e-12)


def test_categorical_ce_matches_definition_and_is_finite():
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((4, 9))
    Y = np.eye(4)[:, rng.integers(0, 4, 9)]
    expected = -np.mean(np.sum(Y * np.log(softmax(Z)), axis=0))
    np.testing.assert_allclose(categorical_cross_entropy(Z, Y), expected, rtol=1e-12)
    assert np.isfinite(categorical_cross_entropy(Z * 1e4, Y))
