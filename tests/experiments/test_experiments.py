"""Each experiment runs headless to completion and shows its lesson in numbers.

Knobs are smaller than the real settings where that keeps the lesson (fewer iterations,
fewer sweep points); the real settings are exercised by benchmarks/experiments_timing.py.
"""
from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from nnviz.engine.network import Network
from nnviz.experiments import (EXPERIMENTS, BoundaryPlot, CurvePlot, ExperimentCancelled,
                               HeatmapPlot, SurfacePlot, get_experiment)
from nnviz.experiments.lessons import cost_function, vectorization
from nnviz.training.config import SessionConfig
from nnviz.training.session import TrainingSession


def _numerical_gradient(f, w, eps=1e-6):
    g = np.zeros_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = eps
        g[i] = (f(w + e) - f(w - e)) / (2 * eps)
    return g


# -- the registry ------------------------------------------------------------------------

def test_registry_lists_the_lessons_in_course_order():
    numbers = [e.number for e in EXPERIMENTS.values()]
    assert numbers == list(range(1, 16))
    for e in EXPERIMENTS.values():
        assert e.title and e.summary and len(e.text) > 200, e.key
        assert "\n" not in e.summary
        for config in e.configs():
            assert isinstance(config, SessionConfig)
        assert len(e.labels()) == len(e.configs())
        assert len(set(e.labels())) == len(e.labels()), f"{e.key}: labels must differ"
    assert get_experiment(5) is EXPERIMENTS["symmetry"]
    assert get_experiment("7").key == "deep_gradients"


def test_unknown_experiment_and_knob_are_named():
    with pytest.raises(ValueError, match="unknown experiment 'nope'"):
        get_experiment("nope")
    with pytest.raises(ValueError, match="number 16"):
        get_experiment(16)
    with pytest.raises(ValueError, match=r"no setting \['iteratons'\]"):
        get_experiment("symmetry", iteratons=3)


# -- 1. cost function --------------------------------------------------------------------

def test_cost_function_gradients_match_two_sided_differences():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 30))
    y = (rng.random(30) > 0.5).astype(float)
    w = np.array([0.7, -1.3])
    for loss, J in zip(cost_function.LOSSES, (cost_function.cross_entropy,
                                               cost_function.squared_error)):
        numeric = _numerical_gradient(lambda v: float(J(v @ X, y)), w)
        assert np.allclose(cost_function.gradient(loss, w, X, y), numeric, atol=1e-8), loss


def test_cost_function_lesson_convex_bowl_against_flat_plateaus():
    e = get_experiment("cost_function", resolution=41, iterations=150)
    r = e.run()
    f = r.findings
    assert f["convex_fraction_ce"] == 1.0
    assert f["convex_fraction_se"] < 0.5
    assert f["progress_ce"] > 0.9  # cross-entropy reaches (almost) the bottom
    assert f["progress_se"] < 0.05  # squared error stalls on the plateau
    assert f["start_gradient_ce"] > 100 * f["start_gradient_se"]
    ce_plot, se_plot = [p for p in r.plots if isinstance(p, SurfacePlot)]
    # the engine's cross-entropy surface is J of the [2, 1] network with b = 0
    session = TrainingSession(e.configs()[0])
    session_X, Y = np.asarray(session.data.X_train), np.asarray(session.data.Y_train)
    net = Network([2, 1], [], "sigmoid", init="zeros")
    i, j = 7, 30
    net.params["W1"][...] = [[ce_plot.x[j], ce_plot.y[i]]]
    assert math.isclose(ce_plot.z[i, j], net.cost(session_X, Y), rel_tol=1e-12)
    a = 1 / (1 + np.exp(-(se_plot.x[j] * session_X[0] + se_plot.y[i] * session_X[1])))
    assert math.isclose(se_plot.z[i, j], 0.5 * np.mean((a - Y[0]) ** 2), rel_tol=1e-12)


# -- 2. normalization --------------------------------------------------------------------

def test_normalized_run_reaches_the_target_in_fewer_iterations():
    e = get_experiment("normalization", learning_rates=(1e-3, 1e-2, 1e-1, 1.0, 10.0),
                       sweep_iterations=100, iterations=400)
    r = e.run()
    f = r.findings
    assert f["best_lr_normalized"] > f["best_lr_raw"]
    raw = f["iterations_raw"] if f["iterations_raw"] is not None else math.inf
    assert f["iterations_normalized"] is not None
    assert f["iterations_normalized"] < raw
    std = f["feature_std_raw"]
    assert max(std) / min(std) > 5  # the data really is badly scaled
    surfaces = [p for p in r.plots if isinstance(p, SurfacePlot)]
    assert len(surfaces) == 2 and all(p.paths for p in surfaces)
    for p in surfaces:  # same span on both axes so elongation shows
        assert math.isclose(np.ptp(p.x), np.ptp(p.y), rel_tol=1e-9)


# -- 3. learning rate --------------------------------------------------------------------

def test_too_large_learning_rate_is_reported_as_diverged():
    e = get_experiment("learning_rate")
    r = e.run()
    small, good, large, too_large = r.runs
    assert too_large.diverged and too_large.diverged_at is not None
    assert "diverged" in r.table.cell(3, "outcome")
    assert "diverged" in too_large.message.lower() or "diverged" in too_large.label + r.conclusion
    assert not (small.diverged or good.diverged or large.diverged)
    f = r.findings
    # stability limit 2 / lambda_max from the data's Hessian (1/m)[x; 1][x; 1]^T
    assert 0.6 < f["stable_limit"] < 2.0
    assert good.final["train_cost"] - f["min_cost"] < 1e-9
    assert small.final["train_cost"] - f["min_cost"] > 0.1  # crawled, not there yet
    assert large.final["train_cost"] - f["min_cost"] < 1e-6  # zig-zagged but converged
    surface = next(p for p in r.plots if isinstance(p, SurfacePlot))
    assert len(surface.paths) == 4


# -- 4. hidden units on the flower --------------------------------------------------------

def test_flower_needs_a_hidden_layer():
    e = get_experiment("hidden_units", hidden_sizes=(0, 1, 4), iterations=1200,
                       resolution=30)
    r = e.run()
    acc = r.findings["train_accuracy"]
    assert acc["logistic regression"] < 0.6  # a line: near chance
    assert acc["n[1] = 4"] > 0.85
    assert acc["n[1] = 4"] > acc["n[1] = 1"] > acc["logistic regression"]
    grid = next(p for p in r.plots if isinstance(p, BoundaryPlot))
    assert [c.label for c in grid.cells] == ["logistic regression", "n[1] = 1", "n[1] = 4"]
    cell = grid.cells[2]
    assert cell.probability.shape == (cell.ys.size, cell.xs.size)
    assert 0 <= cell.probability.min() and cell.probability.max() <= 1
    assert r.table.column("run") == ["logistic regression", "n[1] = 1", "n[1] = 4"]


# -- 5. symmetry --------------------------------------------------------------------------

def test_zero_init_keeps_the_rows_of_W1_identical():
    e = get_experiment("symmetry", iterations=400)
    r = e.run()
    f = r.findings
    zeros, rnd = (run.label for run in r.runs)
    assert f["W1_norm"][zeros] > 1.0  # W[1] did move...
    assert f["max_spread_over_training"][zeros] < 1e-8 * f["W1_norm"][zeros]  # ...in lockstep
    assert f["distinct_rows"][zeros] == 1 and f["rank_W1"][zeros] == 1
    assert f["distinct_rows"][rnd] == e.hidden_units
    assert f["row_spread"][rnd] > 0.1
    heat = next(p for p in r.plots if isinstance(p, HeatmapPlot))
    W_zero = heat.cells[0].matrix
    assert W_zero.shape == (e.hidden_units, 2)
    assert np.allclose(W_zero, W_zero[0], rtol=0, atol=1e-8)


# -- 6. init schemes ----------------------------------------------------------------------

def test_init_schemes_zeros_stuck_large_random_huge_cost_he_learns():
    e = get_experiment("init_schemes", iterations=600, resolution=30)
    r = e.run()
    zeros, large, he = r.runs
    assert zeros.stuck_at == 0
    assert np.allclose(zeros.train_cost, math.log(2), rtol=0, atol=1e-12)
    assert zeros.final["train_metric"] == 0.5
    assert large.initial_cost > 100 * he.initial_cost
    assert he.final["train_cost"] < he.initial_cost
    assert [run.label for run in r.runs] == ["init: zeros", "init: random x10", "init: He"]


# -- 7. vanishing / exploding -------------------------------------------------------------

def test_deep_network_gradient_ratios_move_with_the_init_scale():
    e = get_experiment("deep_gradients", seeds=1, scales=(0.5, 1.0, 2.0),
                       activations=("tanh", "relu"), train_iterations=30)
    r = e.run()
    ratios = r.findings["ratios"]
    for act in ("tanh", "relu"):
        values = [ratios[act][s] for s in (0.5, 1.0, 2.0)]
        assert values[0] < values[1] < values[2], act  # larger scale: larger ratio
        assert values[0] < 1e-3, act  # vanishing at half the natural scale
    assert ratios["relu"][2.0] > 1e3  # exploding at twice He
    assert 1e-3 < ratios["relu"][1.0] < 1e3  # He keeps it within a few orders
    small, he, big = r.runs
    assert big.diverged  # exploding: inf/NaN
    assert abs(small.final["train_cost"] - math.log(2)) < 1e-6  # vanishing: nothing learns


# -- 8. activation functions --------------------------------------------------------------

def test_sigmoid_hidden_layers_learn_slowest():
    e = get_experiment("activation_functions", iterations=400, resolution=30)
    r = e.run()
    reached = {k.split(": ")[1]: (v if v is not None else math.inf)
               for k, v in r.findings["iterations_to_target"].items()}
    assert reached["tanh"] < 400 and reached["ReLU"] < 400
    assert reached["sigmoid"] > max(reached["tanh"], reached["ReLU"], reached["leaky ReLU"])


# -- 9. gradient checking -----------------------------------------------------------------

def test_gradient_check_catches_the_planted_bugs_and_passes_without_them():
    r = get_experiment("gradient_checking").run()
    f = r.findings
    assert f["n_parameters"] == 47
    assert f["difference_buggy"] > 1e-3 and not f["passed_buggy"]
    assert set(f["suspects"]) == {"dW2", "db1"}
    assert f["difference_fixed"] < 2e-7 and f["passed_fixed"]
    assert abs(f["two_sided_slope"] - 2) < 0.3 and abs(f["one_sided_slope"] - 1) < 0.3


# -- 10. vectorization --------------------------------------------------------------------

def test_loop_forward_pass_equals_the_vectorized_one():
    rng = np.random.default_rng(3)
    W, b, A = rng.standard_normal((3, 4)), rng.standard_normal((3, 1)), rng.standard_normal((4, 5))
    for act in ("relu", "tanh", "sigmoid", "leaky_relu"):
        looped = np.array(vectorization.forward_loops(W.tolist(), b.tolist(), A.tolist(), act))
        expected = {"relu": np.maximum(W @ A + b, 0), "tanh": np.tanh(W @ A + b),
                    "sigmoid": 1 / (1 + np.exp(-(W @ A + b))),
                    "leaky_relu": np.where(W @ A + b > 0, W @ A + b, 0.01 * (W @ A + b))}[act]
        assert np.allclose(looped, expected, atol=1e-12), act
        assert np.allclose(vectorization.forward_per_example(W, b, A, act), expected, atol=1e-12)


def test_vectorization_experiment_reports_times_and_a_speed_up():
    r = get_experiment("vectorization", n_prev=8, n=4, m=16, sizes=(4, 16)).run()
    f = r.findings
    assert f["max_abs_difference"] < 1e-12
    assert f["seconds_loops"] > 0 and f["seconds_vectorized"] > 0
    assert math.isclose(f["speedup"], f["seconds_loops"] / f["seconds_vectorized"])
    assert len(r.table.rows) == 3
    scaling = next(p for p in r.plots if isinstance(p, CurvePlot))
    assert [list(s.x) for s in scaling.series] == [[4.0, 16.0]] * 3


# -- progress and cancellation ------------------------------------------------------------

def test_progress_is_monotone_and_ends_at_one():
    seen = []
    get_experiment("symmetry", iterations=200).run(progress=lambda f, t: seen.append(f))
    assert seen[-1] == 1.0
    assert all(b >= a - 1e-12 for a, b in zip(seen, seen[1:]))


def test_cancel_event_stops_an_experiment():
    event = threading.Event()

    def progress(fraction, text):
        if fraction > 0.1:
            event.set()
    with pytest.raises(ExperimentCancelled):
        get_experiment("init_schemes", iterations=3000).run(progress=progress, cancel=event)


def test_progress_returning_false_stops_an_experiment():
    calls = []

    def progress(fraction, text):
        calls.append(fraction)
        return len(calls) < 3
    with pytest.raises(ExperimentCancelled):
        get_experiment("activation_functions", iterations=2000).run(progress=progress)
    assert len(calls) == 3
