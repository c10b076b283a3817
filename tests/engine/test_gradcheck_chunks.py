"""The gradient check in pieces (issue 22): the eps sweep in blocks of parameters, the
directional check's evaluations in chunks of examples. The pieces change neither result,
and a set cancel flag stops the work between two pieces."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from nnviz.engine import Network
from nnviz.engine.gradcheck.perturb import cost_changes
from nnviz.engine.gradcheck.problem import prepare
from nnviz.engine.gradient_check import (CheckCancelled, difference, directional_check,
                                         epsilon_sweep)


def setup(activation="tanh", m=23):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((3, m))
    Y = (X[0:1] + X[1:2] > 0).astype(np.float64)
    net = Network([3, 5, 4, 1], activation, head="sigmoid", seed=2)
    return net, X, Y


def unchunked_sweep_errors(net, X, Y, eps_arr, method, lambd):
    """The sweep as it was computed before: every (eps, sign, parameter) in one call."""
    problem = prepare(net, X, Y, lambd)
    _, grad = problem.gradient()
    n, E = net.n_params, eps_arr.size
    idx = np.tile(np.arange(n), 2 * E)
    steps = np.repeat(np.concatenate([eps_arr, -eps_arr]), n)
    dJ, _ = cost_changes(problem, idx, steps, method)
    dJ = dJ.reshape(2 * E, n)
    one = dJ[:E] / eps_arr[:, None]
    two = (dJ[:E] - dJ[E:]) / (2 * eps_arr[:, None])
    return (np.array([difference(grad, row) for row in one]),
            np.array([difference(grad, row) for row in two]))


@pytest.mark.parametrize("method, activation, lambd", [("structured", "tanh", 0.0),
                                                        ("structured", "relu", 0.3),
                                                        ("naive", "tanh", 0.0)])
def test_the_sweep_in_tiny_blocks_equals_the_sweep_in_one_piece(method, activation, lambd):
    net, X, Y = setup(activation)
    eps = np.array([1e-2, 1e-4, 1e-6])
    one, two = unchunked_sweep_errors(net, X, Y, eps, method, lambd)
    for batch in (6, 7, 10**6):  # one parameter per block (x 2 x 3 eps), a ragged block, all
        result = epsilon_sweep(net, X, Y, epsilons=eps, method=method, lambd=lambd,
                               sweep_batch=batch)
        assert np.allclose(result.one_sided_error, one, rtol=1e-12, atol=0)
        assert np.allclose(result.two_sided_error, two, rtol=1e-12, atol=0)


def test_the_directional_check_in_chunks_of_examples_equals_one_chunk():
    net, X, Y = setup("tanh", m=23)
    whole = directional_check(net, X, Y, n_directions=4, lambd=0.2, chunk_columns=23)
    for columns in (1, 2, 5):
        chunked = directional_check(net, X, Y, n_directions=4, lambd=0.2,
                                    chunk_columns=columns)
        assert np.array_equal(chunked.directions, whole.directions)
        assert np.allclose(chunked.analytic, whole.analytic, rtol=1e-12, atol=1e-15)
        # J agrees to 1e-12; its difference quotient over 2 eps = 2e-6 to within the
        # round-off bound of that quotient (a few ulp of J over eps), which the result states
        assert np.abs(chunked.numeric - whole.numeric).max() <= whole.noise_floor
        assert chunked.cost == pytest.approx(whole.cost, rel=1e-12)
        assert chunked.verdict == whole.verdict == "pass"


def test_chunked_cost_and_gradient_equal_the_engines():
    net, X, Y = setup("relu", m=23)
    problem = prepare(net, X, Y, 0.4, keep_prob=0.7, dropout="frozen", seed=3)
    J, grad = problem.gradient()
    for columns in (1, 4, 23):
        assert problem.cost_in_chunks(columns) == pytest.approx(J, rel=1e-12)
        J_c, grad_c = problem.gradient_in_chunks(columns)
        assert J_c == pytest.approx(J, rel=1e-12)
        assert np.allclose(grad_c, grad, rtol=1e-12, atol=1e-15)


class FlagAfter:
    """A cancel flag that turns on at its ``after``-th poll and counts the polls."""

    def __init__(self, after):
        self.after, self.polls = after, 0

    def is_set(self):
        self.polls += 1
        return self.polls >= self.after


def test_a_set_flag_stops_the_sweep_at_its_next_check():
    net, X, Y = setup()
    calls = []
    flag = threading.Event()

    def progress(done, total):
        calls.append(done)
        flag.set()  # set during the first block: the next poll stops the sweep
        return True

    with pytest.raises(CheckCancelled) as stopped:
        epsilon_sweep(net, X, Y, epsilons=[1e-3, 1e-5], sweep_batch=4, progress=progress,
                      cancel=flag)
    assert 0 < stopped.value.done < stopped.value.total == 4 * net.n_params
    assert len(calls) == 1


def test_a_set_flag_stops_the_directional_check_between_chunks_of_examples():
    net, X, Y = setup("tanh", m=23)
    # polls: start, the directions' one block, scaling 2 directions, then 23 chunks of backprop
    flag = FlagAfter(after=1 + 1 + 2 + 5)
    with pytest.raises(CheckCancelled) as stopped:
        directional_check(net, X, Y, n_directions=2, chunk_columns=1, cancel=flag)
    assert stopped.value.done == 0 and flag.polls == flag.after  # stopped inside backprop
    flag = FlagAfter(after=1 + 1 + 2 + 23 + 7)  # the 7th chunk of the first evaluation of J
    with pytest.raises(CheckCancelled) as stopped:
        directional_check(net, X, Y, n_directions=2, chunk_columns=1, cancel=flag)
    assert stopped.value.done == 0 and flag.polls == flag.after
