"""Cancellation of the long engine computations: cost-surface grids (every loss) and the
gradient checks stop soon after a request, with their own exception, and give the same
results as before when nobody cancels."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from nnviz.engine.cost_surface import (CostSurfaceEvaluator, SurfaceCancelled, cost_surface,
                                       random_directions)
from nnviz.engine.gradcheck import Cancelled
from nnviz.engine.gradient_check import (CheckCancelled, directional_check, epsilon_sweep,
                                         gradient_check)
from nnviz.engine.network import Network

HEADS = {"sigmoid": 1, "softmax": 3, "linear": 1}  # binary CE, categorical CE, squared error


def data(n0, nL, head, m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n0, m))
    if head == "softmax":
        Y = np.eye(nL)[:, rng.integers(0, nL, m)]
    elif head == "sigmoid":
        Y = (rng.random((1, m)) < 0.5).astype(float)
    else:
        Y = rng.standard_normal((1, m))
    return X, Y


class CountingFlag:
    """A cancel callable that says yes from its ``after``-th question on."""

    def __init__(self, after):
        self.after, self.asked = after, 0

    def __call__(self):
        self.asked += 1
        return self.asked >= self.after


def test_a_cross_entropy_surface_on_2_512_512_1_stops_soon_after_a_cancel(capsys):
    net = Network([2, 512, 512, 1], "relu", head="sigmoid", seed=1)
    X, Y = data(2, 1, "sigmoid", 4000)  # the app evaluates on at most 4000 examples
    directions = random_directions(net, seed=0)
    flag, outcome = threading.Event(), {}

    def compute():
        try:
            cost_surface(net, X, Y, directions, resolution=41, cancel=flag)
            outcome["result"] = "finished"
        except SurfaceCancelled:
            outcome["result"] = "cancelled"
        outcome["end"] = time.perf_counter()

    worker = threading.Thread(target=compute)
    worker.start()
    time.sleep(0.5)  # well inside the grid (the whole surface takes seconds)
    asked = time.perf_counter()
    flag.set()
    worker.join(10)
    assert not worker.is_alive()
    assert outcome["result"] == "cancelled"
    waited = outcome["end"] - asked
    with capsys.disabled():
        print(f"\n[2,512,512,1] cross-entropy surface: returned {waited * 1000:.0f} ms after "
              "the cancel request")
    assert waited < 0.5 * 4  # 0.5 s is the goal; generous for a loaded machine


@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("threads", [1, 2])
def test_every_loss_polls_the_flag_between_layers(head, threads):
    net = Network([3, 16, 16, 16, HEADS[head]], "tanh", head=head, seed=2)
    X, Y = data(3, HEADS[head], head, 300)
    directions = random_directions(net, seed=1)
    flag = CountingFlag(after=5)
    with pytest.raises(SurfaceCancelled) as info:
        cost_surface(net, X, Y, directions, resolution=31, chunk_bytes=1, threads=threads,
                     cancel=flag)
    assert isinstance(info.value, Cancelled)
    assert 5 <= flag.asked <= 5 + 4 * threads  # stopped at once, not after the grid
    assert info.value.done < 31 * 31


def test_a_progress_callback_returning_false_cancels_and_sees_the_grid_size():
    net = Network([2, 8, 1], "relu", head="sigmoid")
    X, Y = data(2, 1, "sigmoid", 200)
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return len(calls) < 2

    evaluator = CostSurfaceEvaluator(net, X, Y, chunk_bytes=1)
    evaluator.evaluate(random_directions(net), resolution=9, progress=lambda d, t: None)
    with pytest.raises(SurfaceCancelled):
        # a 0.05 s reporting interval: make each report due by sleeping in the callback
        evaluator.evaluate(random_directions(net), resolution=101,
                           progress=lambda d, t: (time.sleep(0.06), progress(d, t))[1])
    assert len(calls) == 2 and all(total == 101 * 101 for _, total in calls)


def test_a_flag_set_before_the_start_computes_nothing():
    net = Network([2, 8, 1], "relu", head="sigmoid")
    X, Y = data(2, 1, "sigmoid", 50)
    flag = threading.Event()
    flag.set()
    with pytest.raises(SurfaceCancelled, match=r"cost surface cancelled after 0 of"):
        cost_surface(net, X, Y, random_directions(net), cancel=flag)


@pytest.mark.parametrize("head", list(HEADS))
def test_an_unset_flag_changes_nothing(head):
    net = Network([3, 7, HEADS[head]], "sigmoid", head=head, seed=4)
    X, Y = data(3, HEADS[head], head, 120)
    directions = random_directions(net, seed=3)
    plain = cost_surface(net, X, Y, directions, resolution=7, dtype=np.float64)
    polled = cost_surface(net, X, Y, directions, resolution=7, dtype=np.float64,
                          cancel=threading.Event(), progress=lambda d, t: True)
    assert np.array_equal(plain.costs, polled.costs)
    assert plain.centre_cost == polled.centre_cost


# -- gradient checks --------------------------------------------------------------------------

def check_setup():
    net = Network([4, 12, 10, 1], "tanh", head="sigmoid", seed=5)
    X, Y = data(4, 1, "sigmoid", 64)
    return net, X, Y


@pytest.mark.parametrize("method", ["structured", "naive"])
def test_gradient_check_stops_on_the_flag(method):
    net, X, Y = check_setup()
    flag = CountingFlag(after=3)
    with pytest.raises(CheckCancelled) as info:
        gradient_check(net, X, Y, method=method, cancel=flag)
    assert info.value.done < info.value.total
    assert isinstance(info.value, Cancelled)


def test_directional_check_polls_between_evaluations_and_passes_the_flag_on():
    net, X, Y = check_setup()
    # polled at the start, after drawing the directions (one block), after scaling each of
    # the 10, after backprop's chunk of examples, then twice per evaluation of J (after its
    # chunk of examples and after the evaluation): poll 1 + 1 + 10 + 1 + 3 x 2 = 19 ends the
    # third evaluation
    flag = CountingFlag(after=19)
    with pytest.raises(CheckCancelled, match=r"after 3 of 20 evaluations"):
        directional_check(net, X, Y, n_directions=10, cancel=flag)
    # explain=True hands progress and cancel to the element-wise check it runs
    seen = []
    with pytest.raises(CheckCancelled):
        directional_check(net, X, Y, planted_bug="dW2 doubled", explain=True,
                          progress=lambda d, t: seen.append(t) or t != 2 * net.n_params)
    assert seen[0] == 6 and seen[-1] == 2 * net.n_params


def test_epsilon_sweep_stops_on_a_set_flag():
    net, X, Y = check_setup()
    flag = threading.Event()
    flag.set()
    with pytest.raises(CheckCancelled, match=r"after 0 of"):
        epsilon_sweep(net, X, Y, cancel=flag)
