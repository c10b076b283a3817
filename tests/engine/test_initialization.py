import numpy as np
import pytest

from nnviz.engine import Network, initialize_parameters


def test_zeros_are_zeros():
    p = initialize_parameters([5, 4, 1], "zeros", seed=3)
    assert all((v == 0).all() for v in p.values())


@pytest.mark.parametrize("scheme,var", [("he", lambda n: 2 / n), ("xavier", lambda n: 1 / n),
                                        ("random", lambda n: 1e-4)])
def test_variance_on_a_large_layer(scheme, var):
    n_prev = 400
    W = initialize_parameters([n_prev, 500], scheme, seed=0)["W1"]
    assert abs(W.var() / var(n_prev) - 1) < 0.03
    assert abs(W.mean()) < 0.01 * np.sqrt(var(n_prev)) * 10


def test_scale_multiplies_the_scheme():
    a = initialize_parameters([10, 20, 1], "he", scale=1.0, seed=5)
    b = initialize_parameters([10, 20, 1], "he", scale=3.0, seed=5)
    np.testing.assert_allclose(b["W1"], 3.0 * a["W1"])


def test_biases_start_at_zero():
    p = initialize_parameters([3, 4, 2], "he", seed=1)
    assert (p["b1"] == 0).all() and (p["b2"] == 0).all()


def test_same_seed_same_network_bit_for_bit():
    a = Network([4, 7, 3, 1], "relu", init="he", seed=11)
    b = Network([4, 7, 3, 1], "relu", init="he", seed=11)
    c = Network([4, 7, 3, 1], "relu", init="he", seed=12)
    assert a.theta.tobytes() == b.theta.tobytes()
    assert not np.array_equal(a.theta, c.theta)
    a.initialize(seed=12)
    assert a.theta.tobytes() == c.theta.tobytes()


def test_bad_scale_refused():
    with pytest.raises(ValueError):
        initialize_parameters([2, 2], "he", scale=float("nan"))
    with pytest.raises(ValueError):
        initialize_parameters([2, 2], "bogus")
