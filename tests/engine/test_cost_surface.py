"""Cost surface: the grid against direct evaluation of J, directions, trajectory projection."""
import numpy as np
import pytest

from nnviz.engine import GradientDescent, Network, Trainer
from nnviz.engine.cost_surface import (CostSurfaceEvaluator, SurfaceDirections, cost_surface,
                                       parameter_directions, pca_directions, project_trajectory,
                                       random_directions)

from .problems import random_problem


def problem(dims, activation="tanh", head="sigmoid", m=40, seed=0):
    return random_problem(dims, activation, head, m, seed, init="he", data_offset=7)


def direct(net, X, Y, theta, lambd=0.0):
    probe = net.copy(np.float64)
    probe.theta[...] = theta
    return probe.cost(X, Y, lambd)


def assert_matches_direct(net, X, Y, surf, lambd=0.0, points=((0, 0), (-1, -1), (2, 3))):
    for i, j in points:
        theta = surf.centre + surf.alphas[j] * surf.directions.d1 + surf.betas[i] * surf.directions.d2
        assert surf.costs[i, j] == pytest.approx(direct(net, X, Y, theta, lambd), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("dims, activation, head", [
    ([3, 6, 5, 1], "relu", "sigmoid"),
    ([4, 5, 3], "tanh", "softmax"),
    ([2, 4, 4, 2], ["sigmoid", "leaky_relu"], "linear"),
])
def test_random_slice_equals_direct_evaluation_and_centre_is_J(dims, activation, head):
    net, X, Y = problem(dims, activation, head)
    dirs = random_directions(net, seed=2)
    surf = cost_surface(net, X, Y, dirs, resolution=(9, 7), extent=(0.8, 0.5), lambd=0.3,
                        dtype=np.float64)
    assert surf.costs.shape == (7, 9) and surf.alphas.size == 9 and surf.betas.size == 7
    assert surf.alphas[4] == 0 and surf.betas[3] == 0
    assert surf.costs[3, 4] == pytest.approx(net.cost(X, Y, 0.3), rel=1e-13)
    assert surf.centre_cost == pytest.approx(net.cost(X, Y, 0.3), rel=1e-13)
    assert_matches_direct(net, X, Y, surf, 0.3)


def test_float32_grid_matches_float64_and_its_centre_is_J():
    net, X, Y = problem([5, 16, 16, 1], "relu", m=100)
    dirs = random_directions(net, seed=0)
    s32 = cost_surface(net, X, Y, dirs, resolution=21)
    s64 = cost_surface(net, X, Y, dirs, resolution=21, dtype=np.float64)
    assert s32.dtype == "float32" and s32.costs.dtype == np.float64
    np.testing.assert_allclose(s32.costs, s64.costs, rtol=1e-5)
    assert s32.costs[10, 10] == pytest.approx(net.cost(X, Y), rel=1e-5)


def test_chunks_and_threads_do_not_change_the_grid():
    net, X, Y = problem([3, 8, 8, 1], "tanh", m=30)
    dirs = random_directions(net, seed=4)
    a = cost_surface(net, X, Y, dirs, resolution=15, dtype=np.float64)
    b = cost_surface(net, X, Y, dirs, resolution=15, dtype=np.float64, chunk_bytes=1, threads=2)
    np.testing.assert_allclose(a.costs, b.costs, rtol=1e-13)


# -- two chosen parameters -----------------------------------------------------------------------
@pytest.mark.parametrize("first, second", [
    ("W1[0,0]", "W1[0,1]"),  # same layer
    ("W2[1,0]", "b3[0]"),  # later layers only: earlier ones are cached
    ("b1[2]", "W3[0,4]"),
])
def test_chosen_parameter_slice_equals_direct_evaluation(first, second):
    net, X, Y = problem([3, 5, 5, 1], "relu")
    dirs = parameter_directions(net, first, second)
    assert dirs.labels == (first, second)
    surf = cost_surface(net, X, Y, dirs, resolution=11, extent=0.7, lambd=0.2, dtype=np.float64)
    assert_matches_direct(net, X, Y, surf, 0.2, points=((0, 0), (10, 3), (5, 5), (2, 9)))
    # the axes are exactly the parameters' offsets
    i, j = dirs.parameters
    theta = net.theta.copy()
    theta[i] += surf.alphas[3]
    theta[j] += surf.betas[8]
    assert surf.costs[8, 3] == pytest.approx(direct(net, X, Y, theta, 0.2), rel=1e-12)


def test_no_hidden_layer_two_inputs_is_the_w1_w2_bowl():
    net, X, Y = problem([2, 1], [], "linear", m=50)
    net.theta[...] = 0.0
    dirs = parameter_directions(net, "W1[0,0]", "W1[0,1]")
    surf = cost_surface(net, X, Y, dirs, resolution=5, extent=2.0, dtype=np.float64)
    w1, w2 = np.meshgrid(surf.alphas, surf.betas)
    expected = ((w1[..., None] * X[0] + w2[..., None] * X[1] - Y[0]) ** 2).sum(-1) / (2 * 50)
    np.testing.assert_allclose(surf.costs, expected, rtol=1e-12)


# -- directions ------------------------------------------------------------------------------------
def test_filter_normalized_directions_have_the_stated_row_norms():
    net, X, Y = problem([4, 6, 5, 2], "relu", "softmax")
    net.params["b1"][...] = 0.3
    for zero_bias in (True, False):
        dirs = random_directions(net, seed=5, zero_bias=zero_bias)
        assert dirs.filter_normalized and dirs.kind == "random"
        for d in (dirs.d1, dirs.d2):
            for l in range(1, net.L + 1):
                shape = net.params[f"W{l}"].shape
                dW = d[net.param_slice(f"W{l}")].reshape(shape)
                db = d[net.param_slice(f"b{l}")]
                W, b = net.params[f"W{l}"], net.params[f"b{l}"][:, 0]
                if zero_bias:
                    np.testing.assert_array_equal(db, 0.0)
                    np.testing.assert_allclose(np.linalg.norm(dW, axis=1),
                                               np.linalg.norm(W, axis=1), rtol=1e-12)
                else:
                    np.testing.assert_allclose(np.hypot(np.linalg.norm(dW, axis=1), db),
                                               np.hypot(np.linalg.norm(W, axis=1), b), rtol=1e-12)
    # seeded: the same seed gives the same directions, another seed others
    a, b = random_directions(net, seed=5), random_directions(net, seed=5)
    np.testing.assert_array_equal(a.d1, b.d1)
    assert not np.allclose(a.d1, random_directions(net, seed=6).d1)
    plain = random_directions(net, seed=5, filter_normalize=False, zero_bias=False)
    assert np.all(plain.d1 != 0)


def test_pca_of_a_training_trajectory_reproduces_its_spread():
    net, X, Y = problem([2, 6, 1], "tanh", m=80, seed=3)
    trainer = Trainer(net, X, Y, GradientDescent(0.5))
    thetas = [net.theta.copy()]
    for _ in range(40):
        trainer.run(5)
        thetas.append(net.theta.copy())
    T = np.array(thetas)
    dirs = pca_directions(T)
    assert dirs.kind == "pca"
    np.testing.assert_allclose([dirs.d1 @ dirs.d1, dirs.d2 @ dirs.d2, dirs.d1 @ dirs.d2],
                               [1, 1, 0], atol=1e-10)
    v1, v2 = dirs.explained_variance
    assert 1 >= v1 >= v2 > 0 and v1 + v2 <= 1 + 1e-12
    assert f"{100 * v1:.1f}%" in dirs.labels[0]
    coords = project_trajectory(T, dirs, T[-1])
    assert coords.shape == (41, 2)
    np.testing.assert_allclose(coords[-1], 0, atol=1e-12)  # the centre is the final theta
    # the variance of the coordinates is the variance the two components explain
    total = ((T - T.mean(axis=0)) ** 2).sum()
    spread = ((coords - coords.mean(axis=0)) ** 2).sum(axis=0)
    np.testing.assert_allclose(spread / total, [v1, v2], rtol=1e-8)
    assert (coords[0] <= 0).all()  # signs: the start has negative coordinates
    surf = cost_surface(net, X, Y, dirs, resolution=9, trajectory=T, dtype=np.float64)
    assert surf.trajectory.shape == (41, 2)
    # auto extent covers the whole path
    assert surf.alphas[0] < coords[:, 0].min() and surf.alphas[-1] > coords[:, 0].max()
    assert surf.betas[0] < coords[:, 1].min() and surf.betas[-1] > coords[:, 1].max()
    assert_matches_direct(net, X, Y, surf)


def test_a_planar_trajectory_is_reconstructed_exactly():
    rng = np.random.default_rng(1)
    n = 30
    c = rng.standard_normal(n)
    u, v = rng.standard_normal(n), rng.standard_normal(n)
    ab = rng.standard_normal((12, 2)) * [3.0, 0.5]
    ab[-1] = 0.0
    T = c + ab[:, :1] * u + ab[:, 1:] * v
    dirs = pca_directions(T)
    assert sum(dirs.explained_variance) == pytest.approx(1.0, abs=1e-12)
    coords = project_trajectory(T, dirs, c)
    np.testing.assert_allclose(c + coords[:, :1] * dirs.d1 + coords[:, 1:] * dirs.d2, T, atol=1e-10)


def test_projection_onto_chosen_parameters_is_their_offsets():
    net, _, _ = problem([3, 4, 1])
    dirs = parameter_directions(net, "W1[1,2]", "b2[0]")
    rng = np.random.default_rng(0)
    T = net.theta + rng.standard_normal((5, net.n_params))
    coords = project_trajectory(T, dirs, net.theta)
    i, j = dirs.parameters
    np.testing.assert_allclose(coords, (T - net.theta)[:, [i, j]], atol=1e-12)


def test_subsample_is_fixed_and_the_l2_term_keeps_the_full_m():
    net, X, Y = problem([3, 5, 1], "tanh", m=200)
    ev = CostSurfaceEvaluator(net, X, Y, lambd=0.5, max_examples=50, seed=3, dtype=np.float64)
    dirs = random_directions(net)
    s1 = ev.evaluate(dirs, resolution=5)
    s2 = cost_surface(net, X, Y, dirs, resolution=5, lambd=0.5, max_examples=50, seed=3,
                      dtype=np.float64)
    np.testing.assert_array_equal(s1.subsample, s2.subsample)
    np.testing.assert_array_equal(s1.costs, s2.costs)
    assert s1.n_examples == 50 and s1.subsample.size == 50
    idx = s1.subsample
    loss = net.cost(X[:, idx], Y[:, idx])
    penalty = 0.5 / (2 * 200) * sum((net.params[f"W{l}"] ** 2).sum() for l in (1, 2))
    assert s1.centre_cost == pytest.approx(loss + penalty, rel=1e-12)
    assert s1.costs[2, 2] == pytest.approx(loss + penalty, rel=1e-12)
    full = cost_surface(net, X, Y, dirs, resolution=5, lambd=0.5, dtype=np.float64)
    assert full.subsample is None and full.n_examples == 200


def test_live_refresh_with_a_moving_centre():
    net, X, Y = problem([3, 5, 1], "tanh", m=60)
    ev = CostSurfaceEvaluator(net, X, Y, dtype=np.float64)
    dirs = random_directions(net)
    before = ev.evaluate(dirs, resolution=5)
    Trainer(net, X, Y, GradientDescent(0.3)).run(20)
    after = ev.evaluate(dirs, resolution=5)
    assert after.costs[2, 2] == pytest.approx(net.cost(X, Y), rel=1e-12)
    assert after.costs[2, 2] < before.costs[2, 2]


def test_bad_requests_are_refused_clearly():
    net, X, Y = problem([3, 4, 1])
    dirs = random_directions(net)
    with pytest.raises(ValueError, match="parallel"):
        SurfaceDirections("custom", dirs.d1, 2 * dirs.d1, ("a", "b"))
    with pytest.raises(ValueError, match="zeros"):
        SurfaceDirections("custom", np.zeros(net.n_params), dirs.d2, ("a", "b"))
    with pytest.raises(ValueError, match="resolution"):
        cost_surface(net, X, Y, dirs, resolution=1)
    with pytest.raises(ValueError, match="extent"):
        cost_surface(net, X, Y, dirs, extent=(1, -1, 0, 1))
    with pytest.raises(ValueError, match="different"):
        parameter_directions(net, "W1[0,0]", 0)
    with pytest.raises(ValueError, match="parameters"):
        cost_surface(Network([3, 5, 1]), X, Y, dirs)
    with pytest.raises(ValueError, match="two directions"):
        pca_directions(np.array([net.theta, net.theta + 1.0, net.theta + 2.0]))
    with pytest.raises(ValueError, match="T >= 3"):
        pca_directions(net.theta[None])
    with pytest.raises(ValueError, match="zero"):
        random_directions(Network([3, 4, 1], init="zeros"))
    with pytest.raises(ValueError, match="features"):
        cost_surface(net, X[:2], Y, dirs)
    surf = cost_surface(net, X, Y, dirs, resolution=3)
    with pytest.raises(ValueError):
        surf.costs[0, 0] = 1.0  # read-only
