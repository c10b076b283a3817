"""Lessons 12-15 (the course's second part) run with smaller knobs and show their point; the
numbers they report are checked against a computation of their own."""
from __future__ import annotations

import numpy as np
import pytest

from nnviz.analysis.bias_variance import HIGH_BIAS, HIGH_VARIANCE, BOTH
from nnviz.engine.metrics import evaluate as evaluate_net
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.trainer import Trainer
from nnviz.experiments import EXPERIMENTS, CurvePlot, SurfacePlot, get_experiment
from nnviz.experiments.lessons.bias_variance import moons_bayes_error
from nnviz.experiments.lessons.dropout import cost_noise
from nnviz.experiments.runs import run_session
from nnviz.training.session import TrainingSession


def test_the_second_part_follows_the_first_eleven_lessons():
    keys = list(EXPERIMENTS)
    assert keys[:11][-1] == "features"
    assert keys[11:] == ["bias_variance", "dropout", "optimizers", "mini_batch"]
    assert [EXPERIMENTS[k].number for k in keys[11:]] == [12, 13, 14, 15]


# -- 12. bias and variance -----------------------------------------------------------------

def test_bayes_error_of_the_moons_against_a_grid_integral():
    """Bayes error = (1/2) integral of min(p_upper, p_lower) dx, on a fine grid."""
    noise = 0.3
    angles = (np.arange(400) + 0.5) * np.pi / 400
    xs, ys = np.linspace(-2.5, 3.5, 301), np.linspace(-2.0, 2.5, 226)
    gx, gy = np.meshgrid(xs, ys)

    def density(cx, cy):
        d2 = (gx[..., None] - cx) ** 2 + (gy[..., None] - cy) ** 2
        return np.exp(-d2 / (2 * noise ** 2)).mean(axis=-1) / (2 * np.pi * noise ** 2)
    upper = density(np.cos(angles), np.sin(angles))
    lower = density(1 - np.cos(angles), 0.5 - np.sin(angles))
    cell = (xs[1] - xs[0]) * (ys[1] - ys[0])
    assert (upper.sum() * cell) == pytest.approx(1.0, abs=1e-3)  # the grid holds it all
    exact = 0.5 * np.minimum(upper, lower).sum() * cell
    assert moons_bayes_error(noise) == pytest.approx(exact, abs=0.005)
    assert moons_bayes_error(0.05) < 0.001 < moons_bayes_error(0.2) < exact


def test_bias_variance_lesson_reads_variance_at_zero_and_bias_at_the_largest_lambda():
    e = get_experiment("bias_variance")  # its own settings: about a second
    r = e.run()
    f = r.findings
    assert f["train_error"]["lambda = 0"] < 0.02  # a big network memorizes 100 points
    assert f["verdict"]["lambda = 0"] in (HIGH_VARIANCE, BOTH)
    assert f["verdict"]["lambda = 10"] in (HIGH_BIAS, BOTH)
    assert f["train_error"]["lambda = 10"] > f["base_error"] + 0.03
    assert f["best_dev_error"] == min(f["dev_error"].values())
    assert f["best_dev_error"] < f["dev_error"]["lambda = 0"]
    plot = r.plots[0]
    assert isinstance(plot, CurvePlot) and plot.log_x
    assert all((s.x > 0).all() for s in plot.series)  # λ = 0 is a flat line, not at x = 0
    # the dev error of the best λ, trained again and counted by hand
    best = list(e.lambdas).index(f["best_lambda"])
    _, session = run_session(e.configs()[best], e.iterations)
    d, net = session.data, session.net
    ZL, _ = net.forward(d.X_dev)  # the sigmoid output says class 1 where Z[L] > 0
    wrong = np.mean((np.asarray(ZL).reshape(-1) > 0) != (d.Y_dev.reshape(-1) > 0.5))
    assert wrong == pytest.approx(f["best_dev_error"])
    assert d.m_dev == f["m_dev"] == 150 and d.m_train == f["m_train"] == 100


# -- 13. dropout ---------------------------------------------------------------------------

def test_dropout_lesson_narrows_the_gap_and_makes_the_cost_jump():
    e = get_experiment("dropout", iterations=600, resolution=10)
    r = e.run()
    f = r.findings
    assert f["gap"]["keep_prob 0.5"] < f["gap"]["keep_prob 1"]
    assert f["gap_change"] == pytest.approx(f["gap_strongest"] - f["gap_without"])
    for run in r.runs:
        assert f["gap"][run.label] == pytest.approx(run.final["train_metric"]
                                                    - run.final["test_metric"])
    # the noise, measured another way: the spread of step-to-step log changes
    spread = {run.label: np.std(np.diff(np.log(run.step_costs[300:]))) for run in r.runs}
    assert spread["keep_prob 0.5"] > 10 * spread["keep_prob 1"]
    assert f["cost_noise"]["keep_prob 0.5"] > 10 * f["cost_noise"]["keep_prob 1"]
    assert cost_noise(np.linspace(1.0, 0.5, 100)) == pytest.approx(0.5 / 99 / 0.625, rel=0.02)


# -- 14. optimizers ------------------------------------------------------------------------

def test_optimizer_race_matches_each_optimizer_trained_by_hand():
    e = get_experiment("optimizers", steps=120, resolution=15)
    r = e.run()
    f = r.findings
    session = TrainingSession(e.base(), history_capacity=4, trajectory_capacity=4)
    start = session.net.theta.copy()
    X, Y = session.data.X_train, session.data.Y_train
    hyper = e.base().hyper
    settings = {"gd": {}, "momentum": {"beta": hyper.beta},
                "rmsprop": {"beta2": hyper.beta2, "epsilon": hyper.epsilon},
                "adam": {"beta1": hyper.beta1, "beta2": hyper.beta2, "epsilon": hyper.epsilon}}
    for name, label in zip(settings, e.labels()):
        net = session.net
        net.set_theta(start)
        trainer = Trainer(net, X, Y, make_optimizer(name, learning_rate=e.learning_rate,
                                                     **settings[name]))
        trainer.run(e.steps)
        assert float(net.cost(X, Y)) == pytest.approx(f["final_cost"][label], rel=1e-9)
    gd, momentum = f["final_cost"]["Gradient descent"], f["final_cost"]["Momentum"]
    assert f["final_cost"]["Adam"] < gd and f["final_cost"]["RMSprop"] < gd
    assert momentum == pytest.approx(gd, rel=0.2)  # (1 - β) dW: steps as long as GD's
    surface = next(p for p in r.plots if isinstance(p, SurfacePlot))
    assert len(surface.paths) == 4
    assert all(np.allclose([p.x[0], p.y[0]], 0.0, atol=1e-12) for p in surface.paths)


# -- 15. mini-batch ------------------------------------------------------------------------

def test_mini_batch_lesson_noise_per_step_and_progress_per_epoch():
    e = get_experiment("mini_batch", seconds=0.25, m=1000)
    r = e.run()
    f = r.findings
    one, sixty_four, full = (r.run(label) for label in ("batch 1", "batch 64", "full batch"))
    noise = f["step_noise"]
    assert noise["batch 1"] > noise["batch 64"] > noise["full batch"]
    # epochs are steps x batch / m
    for run, batch in ((one, 1), (sixty_four, 64), (full, 800)):
        assert f["epochs"][run.label] == pytest.approx(run.iterations_run * batch / 800)
        assert run.seconds == pytest.approx(e.seconds, rel=0.5)  # the same training time
    # per epoch, one example per step goes furthest
    after = f["cost_after_one_epoch"]
    assert after["batch 1"] < after["batch 64"] < after["full batch"]
    # the full batch's step cost is J of the whole training set before that step
    steps = np.asarray(full.iterations[1:])
    np.testing.assert_allclose(full.step_costs[steps[steps < full.step_costs.size]],
                               full.train_cost[1:][steps < full.step_costs.size], rtol=1e-9)
    # the training cost it reports, measured again on the training set by hand
    session = TrainingSession(e.configs()[0], history_capacity=4, trajectory_capacity=4)
    measured = evaluate_net(session.net, session.data.X_train, session.data.Y_train)
    assert measured["cost"] == pytest.approx(one.initial_cost)
