"""Run comparison: labels by what differs, sweeps sharing data and seed, results tables."""
from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.experiments import (Sweep, compare, describe_init, get_experiment,
                               label_differences, record_from_history, train_run, with_setting)
from nnviz.experiments.runs import record_points, run_session
from nnviz.training.config import course_default
from nnviz.training.session import TrainingSession


def small_base():
    base = with_setting(course_default(), "m", 80)
    return with_setting(base, "hidden_units", (3,))


def test_labels_name_only_what_differs():
    base = small_base()
    configs = [with_setting(base, "init", "zeros"), with_setting(base, "init", "he")]
    assert label_differences(configs) == ["init: zeros", "init: He"]
    configs = [with_setting(base, "lr", 0.1), with_setting(base, "lr", 1.2)]
    assert label_differences(configs) == ["learning rate: 0.1", "learning rate: 1.2"]
    large = with_setting(with_setting(base, "init", "random"), "init_scale", 1000.0)
    assert label_differences([with_setting(base, "init", "random"), large]) == [
        "init: random x0.01", "init: random x10"]
    two = [with_setting(base, "activation", "relu"),
           with_setting(with_setting(base, "activation", "tanh"), "normalize", True)]
    assert label_differences(two) == ["normalized: no, activation: ReLU",
                                      "normalized: yes, activation: tanh"]
    assert label_differences([base, base]) == ["run 1", "run 2"]
    assert describe_init("he", 2.0) == "He x2"


def test_hidden_layer_sweep_labels_do_not_repeat_the_activation():
    base = small_base()
    configs = [with_setting(base, "hidden_units", h) for h in ((), (4,), (4, 4))]
    assert label_differences(configs) == ["hidden layers: none", "hidden layers: [4]",
                                          "hidden layers: [4, 4]"]


def test_bad_setting_is_named():
    with pytest.raises(ValueError, match="cannot set 'learning_rat'"):
        with_setting(course_default(), "learning_rat", 0.1)
    with pytest.raises(ValueError, match="cannot set 'lr'|cannot set 'learning_rate'"):
        with_setting(course_default(), "lr", -1.0)
    with pytest.raises(ValueError, match="init"):
        Sweep(course_default(), "init", ("zeros", "bogus"))


def test_sweep_shares_data_and_seed_and_tabulates_final_numbers():
    sweep = Sweep(small_base(), "init", ("zeros", "random", "he"), iterations=60)
    configs = sweep.configs()
    assert len({(c.data, c.network.seed, c.hyper) for c in configs}) == 1
    result = sweep.run()
    assert [r.label for r in result.runs] == ["init: zeros", "init: random x0.01", "init: He"]
    assert result.varied == ("network.init",)
    t = result.table
    assert t.column("run") == ["init: zeros", "init: random x0.01", "init: He"]
    # the table's numbers are the model's real final cost on the training split
    for row, run, config in zip(t.rows, result.runs, configs):
        session = TrainingSession(config)
        session.trainer.run(60)
        assert math.isclose(row[2], session.measure()["train_cost"], rel_tol=1e-12)
        assert math.isclose(row[4], session.measure()["train_metric"])
    assert t.cell(0, "status") == "stuck (gradient = 0)"  # zeros + tanh on balanced data
    assert "run" in t.as_text() and "init: He" in t.as_text()


def test_sweep_over_several_settings_at_once():
    sweep = Sweep(small_base(), "", ({"init": "zeros"},
                                     {"init": "random", "init_scale": 1000.0}), iterations=5)
    assert sweep.run_labels() == ["init: zeros", "init: random x10"]


def test_compare_reports_divergence():
    base = get_experiment("learning_rate").base()  # linear regression: stable below ~0.66
    result = compare([with_setting(base, "lr", 0.3), with_setting(base, "lr", 3.0)],
                     iterations=300)
    ok, bad = result.runs
    assert not ok.diverged and bad.diverged
    assert result.table.cell(1, "status").startswith("diverged at")
    assert np.isfinite(bad.train_cost).all()  # the record keeps the last finite state


def test_stuck_runs_are_filled_in_exactly():
    config = with_setting(small_base(), "init", "zeros")  # tanh, balanced data: grad = 0
    fast = train_run(config, 500)
    slow = train_run(config, 500, stop_when_stuck=False)
    assert fast.stuck_at == 0 and slow.stuck_at is None
    np.testing.assert_array_equal(fast.iterations, slow.iterations)
    np.testing.assert_array_equal(fast.train_cost, slow.train_cost)
    np.testing.assert_array_equal(fast.step_costs, slow.step_costs)
    np.testing.assert_array_equal(fast.theta, slow.theta)


def test_run_records_are_what_the_session_computes():
    config = small_base()
    record, session = run_session(config, 120, records=10, trajectory=5)
    assert list(record.iterations) == list(record_points(120, 10))
    assert record.trajectory.shape == (record.trajectory_iterations.size, session.net.n_params)
    assert record.trajectory_iterations[0] == 0 and record.trajectory_iterations[-1] == 120
    # step_costs[i] is J after i updates: replay with a fresh session
    replay = TrainingSession(config)
    costs = replay.trainer.run(120)
    np.testing.assert_allclose(record.step_costs, costs, rtol=1e-12)
    assert record.iterations_to(costs[50]) <= 50
    assert record.iterations_to(-1.0) is None


def test_record_from_history_is_drawable_like_a_run():
    session = TrainingSession(small_base())
    session.step(30)
    h = session.history.arrays()

    class History:
        iterations, train_cost, test_cost = h["iterations"], h["train_cost"], h["test_cost"]
        train_metric, test_metric = h["train_metric"], h["test_metric"]
    record = record_from_history(session.config, History, label="pinned")
    assert record.label == "pinned" and record.iterations_run == 30
    assert record.final["train_cost"] == h["train_cost"][-1]
