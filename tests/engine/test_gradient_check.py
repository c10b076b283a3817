"""Gradient checking: the course's exercise, planted bugs, kinks, dropout, subsets, the
structure-aware engine against the naive loop, the directional check and eps slopes."""
import inspect
import threading

import numpy as np
import pytest

from nnviz.engine import Network, Trainer
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.gradcheck.perturb import cost_changes
from nnviz.engine.gradcheck.problem import prepare
from nnviz.engine.gradient_check import (CheckCancelled, course_exercise, directional_check,
                                         element_label, epsilon_sweep, gradient_check,
                                         parse_parameter, parse_planted_bugs)

from .problems import random_problem
from .numerical import numerical_gradient, relative_difference


problem = random_problem


# -- the course's exercise -----------------------------------------------------------------
@pytest.mark.parametrize("method", ["structured", "naive"])
def test_course_exercise_passes_when_backprop_is_right(method):
    net, X, Y = course_exercise()
    assert net.layer_dims == [4, 5, 3, 1] and net.n_params == 47 and X.shape == (4, 3)
    r = gradient_check(net, X, Y, method=method)
    assert r.n_checked == 47 and r.eps == 1e-7
    assert r.difference < 1e-7 and r.passed and r.verdict == "pass"
    assert r.suspects == () and r.worst == ()
    # against an independent plain loop of two-sided differences
    net.gradients(X, Y)
    numeric = numerical_gradient(lambda: net.cost(X, Y), net.theta, eps=1e-7)
    assert relative_difference(net.grad, numeric) < 1e-7
    np.testing.assert_allclose(r.analytic, net.grad, rtol=0, atol=0)


@pytest.mark.parametrize("method", ["structured", "naive"])
def test_course_planted_bugs_are_caught_and_named(method):
    net, X, Y = course_exercise()
    r = gradient_check(net, X, Y, planted_bug="dW2 doubled, db1 x4", method=method)
    # the course's notebook prints difference = 0.2850931567761623 for this exercise
    assert r.difference == pytest.approx(0.2850931567761623, rel=1e-6)
    assert r.difference > 1e-3 and not r.passed and r.verdict == "bug"
    assert set(r.suspects) == {"dW2", "db1"}
    assert r.planted_bug == "dW2 doubled + db1 x4" and "PLANTED BUG" in r.message
    statuses = {t.name: t.status for t in r.tensors}
    assert statuses == {"dW1": "pass", "db1": "bug", "dW2": "bug", "db2": "pass",
                        "dW3": "pass", "db3": "pass"}
    assert {row.tensor for row in r.worst} == {"dW2", "db1"}
    # doubled: |2a - a| / |2a| = 1/2; four times: 3/4 (wherever the true gradient is not 0)
    w2 = next(t for t in r.layout if t.name == "W2")
    b1 = next(t for t in r.layout if t.name == "b1")
    rel_w2 = r.rel_error[w2.start:w2.stop][np.abs(r.numeric[w2.start:w2.stop]) > 1e-6]
    rel_b1 = r.rel_error[b1.start:b1.stop][np.abs(r.numeric[b1.start:b1.stop]) > 1e-6]
    np.testing.assert_allclose(rel_w2, 0.5, atol=1e-6)
    np.testing.assert_allclose(rel_b1, 0.75, atol=1e-6)
    assert r.worst[0].label.startswith(("dW2[", "db1["))
    assert "dW2" in r.message and "db1" in r.message


@pytest.mark.parametrize("bug, expected", [
    ("dW2 doubled", {"dW2"}),
    ("db1 x4", {"db1"}),
    ("dW3 negated", {"dW3"}),
    ("dZ2 x2", {"dW2", "db2", "dW1", "db1"}),  # a wrong dZ flows into every earlier layer
    ("dW1 missing 1/m", {"dW1"}),
])
def test_each_planted_bug_is_localized(bug, expected):
    net, X, Y = problem([4, 5, 3, 1], "tanh", m=6, seed=2)
    r = gradient_check(net, X, Y, planted_bug=bug)
    assert r.difference > 1e-3 and r.verdict == "bug"
    assert set(r.suspects) == expected


def test_missing_l2_bug_needs_lambda():
    net, X, Y = problem([3, 4, 1], "tanh", m=5, seed=1)
    assert gradient_check(net, X, Y, lambd=0.0, planted_bug="dW2 missing L2").passed
    r = gradient_check(net, X, Y, lambd=2.0, planted_bug="dW2 missing L2")
    assert not r.passed and r.suspects == ("dW2",)
    assert gradient_check(net, X, Y, lambd=2.0).passed  # the real backprop includes L2


def test_planted_bugs_cannot_reach_training():
    net, X, Y = course_exercise()
    theta, _ = net.theta.copy(), net.gradients(X, Y)
    grad = net.grad.copy()
    gradient_check(net, X, Y, planted_bug="course")
    np.testing.assert_array_equal(net.theta, theta)
    np.testing.assert_array_equal(net.grad, grad)  # the buggy backward never wrote into it
    net.gradients(X, Y)
    np.testing.assert_array_equal(net.grad, grad)
    # training has no way to ask for a planted bug
    for fn in (Trainer.__init__, Trainer.step, Network.gradients, Network.__init__):
        assert "bug" not in " ".join(inspect.signature(fn).parameters)
    import nnviz.engine.network as network_module
    import nnviz.engine.trainer as trainer_module
    for module in (network_module, trainer_module):
        assert "gradcheck" not in inspect.getsource(module)
        assert "planted" not in inspect.getsource(module)


def test_planted_bug_names():
    bugs = parse_planted_bugs("course")
    assert [(b.target, b.factor) for b in bugs] == [("dW2", 2.0), ("db1", 4.0)]
    assert parse_planted_bugs("DW3 x0.5")[0].factor == 0.5
    assert parse_planted_bugs("db2 sign flipped")[0].factor == -1.0
    net, X, Y = course_exercise()
    for bad in ("dW9 doubled", "dW2 x1", "make it wrong", ""):
        with pytest.raises(ValueError):
            gradient_check(net, X, Y, planted_bug=bad)


# -- correct networks of every activation and head pass -------------------------------------
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("head", ["sigmoid", "softmax", "linear"])
def test_correct_networks_pass_with_l2(activation, head):
    dims = [3, 5, 4, 3 if head == "softmax" else 1]
    net, X, Y = problem(dims, activation, head, m=7, seed=3)
    net.params["b1"][...] = 0.05  # keep pre-activations off the kink at 0
    r = gradient_check(net, X, Y, lambd=0.4)
    assert r.difference < 1e-7 and r.passed, r.report()
    assert not r.near_kink.any()
    assert r.cost == pytest.approx(net.cost(X, Y, 0.4), rel=1e-12)


def test_check_after_training_and_on_float32_networks():
    net, X, Y = problem([2, 6, 6, 1], "relu", m=40, seed=5, init="he")
    Trainer(net, X, Y, lambd=0.1).run(200)
    r = gradient_check(net, X, Y, lambd=0.1)
    assert r.difference_without_kinks < 1e-7
    net32 = net.copy(np.float32)
    r32 = gradient_check(net32, X, Y, lambd=0.1)  # checked on a float64 copy
    assert r32.difference_without_kinks < 1e-6
    assert net32.dtype == np.float32


# -- structure-aware == naive ---------------------------------------------------------------
@pytest.mark.parametrize("dims, activation, head, lambd", [
    ([3, 6, 5, 1], "relu", "sigmoid", 0.0),
    ([4, 7, 6, 5, 3], "tanh", "softmax", 0.3),
    ([2, 5, 2], ["leaky_relu"], "linear", 0.1),
    ([3, 4, 1], ["elu"], "sigmoid", 0.0),
    ([2, 1], [], "sigmoid", 0.5),  # no hidden layer
])
def test_structured_equals_naive_loop(dims, activation, head, lambd):
    net, X, Y = problem(dims, activation, head, m=23, seed=4, init="he")
    kw = dict(lambd=lambd, eps=1e-6)
    fast = gradient_check(net, X, Y, method="structured", **kw)
    slow = gradient_check(net, X, Y, method="naive", **kw)
    np.testing.assert_allclose(fast.numeric, slow.numeric, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(fast.near_kink, slow.near_kink)
    # and at the default eps both agree to within the round-off floor of a difference
    fast = gradient_check(net, X, Y, method="structured", lambd=lambd)
    slow = gradient_check(net, X, Y, method="naive", lambd=lambd)
    np.testing.assert_allclose(fast.numeric, slow.numeric, rtol=0, atol=fast.noise_floor)


def test_structured_cost_changes_equal_full_evaluations_with_frozen_dropout():
    net, X, Y = problem([3, 6, 5, 1], "relu", m=17, seed=6, init="he")
    pr = prepare(net, X, Y, lambd=0.2, keep_prob=0.7, dropout="frozen", seed=3)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, net.n_params, 60)
    steps = rng.choice([1e-3, -2e-4, 5e-2], 60)  # larger steps: ReLUs switch on and off too
    fast = cost_changes(pr, idx, steps, "structured")
    J0 = pr.cost()
    direct = []
    for k, d in zip(idx, steps):
        pr.net.theta[k] += d
        direct.append(pr.cost() - J0)
        pr.net.theta[k] -= d
    np.testing.assert_allclose(fast.dJ, direct, rtol=1e-9, atol=1e-14)
    slow = cost_changes(pr, idx, steps, "naive")
    np.testing.assert_array_equal(fast.crossed_kink, slow.crossed_kink)
    assert fast.crossed_kink.any()  # steps of 5e-2 do cross kinks


def test_threads_and_chunks_give_the_same_result():
    net, X, Y = problem([5, 16, 12, 1], "relu", m=50, seed=7, init="he")
    base = gradient_check(net, X, Y)
    pr = prepare(net, X, Y)
    idx = np.arange(net.n_params)
    steps = np.full(idx.size, 1e-7)
    a = cost_changes(pr, idx, steps, "structured")
    b = cost_changes(pr, idx, steps, "structured", chunk_bytes=1, threads=2)
    np.testing.assert_array_equal(a.crossed_kink, b.crossed_kink)
    np.testing.assert_allclose(a.dJ, b.dJ, rtol=1e-9, atol=1e-17)
    assert base.passed


# -- kinks -----------------------------------------------------------------------------------
def test_elements_whose_step_crosses_a_relu_kink_are_flagged():
    net, X, Y = problem([2, 4, 1], "relu", m=5, seed=8, init="he")
    # put unit 0 of layer 1 a hair above its kink on example 0
    z = net.params["W1"][0] @ X[:, 0]
    net.params["b1"][0, 0] = -z + 3e-8
    for method in ("structured", "naive"):
        r = gradient_check(net, X, Y, method=method)
        k = parse_parameter(r.layout, "b1[0]")
        assert r.near_kink[k] and r.row(k).near_kink
        assert r.rel_error[k] > 1e-3  # the finite difference straddles the corner of J
        assert r.difference_without_kinks < 1e-7
        assert r.near_kink.sum() <= 4  # only the parameters feeding that one pre-activation
        assert "kink" in r.message and r.verdict == "look closer" and not r.passed
        assert r.suspects == ()  # the kink explains the disagreement
        assert {t.name: t.status for t in r.tensors}["dW1"] == "kinks"


# -- dropout ---------------------------------------------------------------------------------
def test_dropout_is_switched_off_or_frozen_and_the_report_says_which():
    net, X, Y = problem([3, 6, 5, 1], "tanh", m=11, seed=9)
    none = gradient_check(net, X, Y)
    assert none.dropout == "none"
    off = gradient_check(net, X, Y, keep_prob=0.8)
    assert off.dropout == "off" and "switched off" in off.dropout_note and off.passed
    assert off.cost == none.cost
    frozen = gradient_check(net, X, Y, keep_prob=0.8, dropout="frozen", seed=4)
    assert frozen.dropout == "frozen" and "frozen" in frozen.dropout_note
    assert frozen.passed and frozen.cost != none.cost
    rng = np.random.default_rng(1)
    masks = [(rng.random((6, 11)) < 0.6).astype(float), (rng.random((5, 11)) < 0.9).astype(float)]
    given = gradient_check(net, X, Y, keep_prob=[0.6, 0.9], dropout="frozen", masks=masks)
    assert given.passed
    assert given.cost == pytest.approx(net.cost(X, Y, 0, [0.6, 0.9], masks), rel=1e-13)
    with pytest.raises(ValueError, match="mask"):
        gradient_check(net, X, Y, keep_prob=0.6, dropout="frozen", masks=[masks[0][:3], None])


# -- subsets, names, tables -------------------------------------------------------------------
def test_parameter_order_and_names():
    net, X, Y = course_exercise()
    r = gradient_check(net, X, Y, planted_bug="dW2 doubled")
    assert [t.name for t in r.layout] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert [t.start for t in r.layout] == [0, 20, 25, 40, 43, 46]
    assert element_label(r.layout, 0) == "dW1[0,0]"
    assert element_label(r.layout, 28) == "dW2[0,3]"
    assert element_label(r.layout, 22) == "db1[2]"
    assert r.row(28).index == (0, 3) and r.row(22).index == (2, 0)
    for spec in ("W2[0,3]", "dW2[0,3]", ("W2", (0, 3)), 28):
        assert parse_parameter(r.layout, spec) == 28
    for bad in ("W4[0,0]", "W2[3,0]", "x", 47):
        with pytest.raises(ValueError):
            parse_parameter(r.layout, bad)
    rows = r.table("worst", limit=3)
    assert all(row.tensor == "dW2" for row in rows)
    assert [row.flat_index for row in r.table()] == list(range(47))
    assert "dW2" in r.report() and "PLANTED BUG" in r.report()


def test_subset_modes():
    net, X, Y = problem([3, 5, 4, 2], "tanh", "softmax", m=6, seed=10)
    r = gradient_check(net, X, Y, layers=[2])
    names = {t.name: t for t in r.tensors}
    assert names["dW2"].n_checked == 20 and names["db2"].n_checked == 4
    assert names["dW1"].status == "unchecked" and np.isnan(r.numeric[:20]).all()
    assert r.n_checked == 24 and r.passed
    r = gradient_check(net, X, Y, tensors=["W1", "db3"])
    assert r.n_checked == 15 + 2
    r = gradient_check(net, X, Y, per_tensor=3, seed=1)
    assert [t.n_checked for t in r.tensors] == [3, 3, 3, 3, 3, 2]
    r2 = gradient_check(net, X, Y, per_tensor=3, seed=1)
    np.testing.assert_array_equal(r.checked, r2.checked)  # seeded
    r = gradient_check(net, X, Y, parameters=["W2[1,2]", "b3[0]", 0])
    assert r.n_checked == 3
    assert [row.label for row in r.table()] == ["dW1[0,0]", "dW2[1,2]", "db3[0]"]
    with pytest.raises(ValueError):
        gradient_check(net, X, Y, layers=[4])
    with pytest.raises(ValueError):
        gradient_check(net, X, Y, tensors=["W7"])
    with pytest.raises(ValueError):
        gradient_check(net, X, Y, parameters=["W1[0,0]"], layers=[1])


def test_results_are_frozen_and_read_only():
    net, X, Y = course_exercise()
    r = gradient_check(net, X, Y)
    with pytest.raises(Exception):
        r.difference = 0.0
    for arr in (r.analytic, r.numeric, r.rel_error, r.near_kink, r.checked):
        assert not arr.flags.writeable


def test_bad_input_is_refused_and_the_network_is_untouched():
    net, X, Y = course_exercise()
    theta = net.theta.copy()
    with pytest.raises(ValueError, match="eps"):
        gradient_check(net, X, Y, eps=0)
    with pytest.raises(ValueError, match="features"):
        gradient_check(net, X[:3], Y)
    with pytest.raises(ValueError, match="method"):
        gradient_check(net, X, Y, method="fast")
    with pytest.raises(ValueError, match="lambda"):
        gradient_check(net, X, Y, lambd=-1)
    with pytest.raises(ValueError, match="dropout"):
        gradient_check(net, X, Y, keep_prob=0.5, dropout="sometimes")
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        gradient_check(net, bad, Y)
    np.testing.assert_array_equal(net.theta, theta)


# -- progress and cancellation ----------------------------------------------------------------
def test_progress_reports_and_cancels():
    net, X, Y = problem([4, 16, 16, 1], "tanh", m=30, seed=11)
    seen = []
    gradient_check(net, X, Y, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (2 * net.n_params, 2 * net.n_params)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    with pytest.raises(CheckCancelled):
        gradient_check(net, X, Y, progress=lambda done, total: False)
    event = threading.Event()
    event.set()
    with pytest.raises(CheckCancelled):
        gradient_check(net, X, Y, cancel=event)
    calls = []

    def cancel_later():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(CheckCancelled) as info:
        gradient_check(net, X, Y, method="naive", cancel=cancel_later)
    assert 0 < info.value.done < info.value.total


# -- directional check ------------------------------------------------------------------------
def test_directional_check():
    net, X, Y = problem([5, 12, 8, 1], "tanh", m=20, seed=12)
    r = directional_check(net, X, Y, n_directions=4, lambd=0.2)
    assert r.passed and r.directions.shape == (4, net.n_params)
    np.testing.assert_allclose(np.linalg.norm(r.directions, axis=1), 1.0)
    assert r.difference < 1e-7
    bad = directional_check(net, X, Y, planted_bug="dW2 doubled", explain=True, per_tensor=5)
    assert not bad.passed and bad.verdict == "bug"
    assert bad.detail is not None and bad.detail.suspects == ("dW2",)
    assert "PLANTED BUG" in bad.message


# -- error against eps -------------------------------------------------------------------------
def _slope(eps, err):
    return np.polyfit(np.log10(eps), np.log10(err), 1)[0]


@pytest.mark.parametrize("parameter", [None, "W1[1,2]"])
def test_two_sided_error_falls_like_eps_squared_and_one_sided_like_eps(parameter):
    net, X, Y = problem([3, 5, 4, 1], "tanh", m=10, seed=13)
    r = epsilon_sweep(net, X, Y, parameter=parameter, lambd=0.1)
    assert r.epsilons[0] == pytest.approx(1e-1) and r.epsilons[-1] == pytest.approx(1e-12)
    mid = (r.epsilons >= 1e-5) & (r.epsilons <= 1e-2)
    # independent slope fits over the middle range
    assert _slope(r.epsilons[mid], r.one_sided_error[mid]) == pytest.approx(1.0, abs=0.15)
    assert _slope(r.epsilons[mid], r.two_sided_error[mid]) == pytest.approx(2.0, abs=0.25)
    assert r.one_sided_slope == pytest.approx(1.0, abs=0.15)
    assert r.two_sided_slope == pytest.approx(2.0, abs=0.25)
    # round-off takes over for tiny eps: the error grows again
    assert r.two_sided_error[-1] > 100 * r.two_sided_error.min()
    assert 1e-7 <= r.best_eps_two_sided <= 1e-3
    assert r.best_eps_one_sided < 1e-5
    assert r.two_sided_error.min() < r.one_sided_error.min()
