"""Lesson 11, features or hidden units: x1² and x2² make circles linearly separable."""
from __future__ import annotations

import numpy as np

from nnviz.experiments import EXPERIMENTS, get_experiment, label_differences
from nnviz.experiments.comparison import with_setting
from nnviz.experiments.lessons.features import SQUARES


def test_logistic_regression_with_squares_separates_circles_and_raw_inputs_do_not():
    e = get_experiment("features", iterations=600)
    assert EXPERIMENTS["features"].number == 11
    result = e.run()
    train = result.findings["train_accuracy"]
    test = result.findings["test_accuracy"]
    raw, squares, hidden = e.labels()
    assert train[squares] > 0.95 and test[squares] > 0.95
    # A straight line through two concentric rings: about chance.
    assert 0.45 <= train[raw] <= 0.65 and test[raw] <= 0.65
    # No hidden layer: 2 weights and a bias, against a hidden layer's 33.
    assert result.findings["parameters"][squares] == 3
    assert result.findings["parameters"][hidden] == 8 * 2 + 8 + 8 + 1
    # The learned ellipse lies between the rings (radius 0.8 and 1).
    a1, a2 = result.findings["ellipse_semi_axes"]
    assert 0.8 < a1 < 1.0 and 0.8 < a2 < 1.0
    assert len(result.plots[0].cells) == 3


def test_the_lesson_runs_differ_only_in_features_and_hidden_layers():
    e = get_experiment("features")
    configs = e.configs()
    assert configs[1].data.features == SQUARES and configs[0].data.features == ()
    assert all(c.data.normalize for c in configs)
    labels = label_differences(configs)
    assert "x1², x2²" in labels[1] and "x1, x2" in labels[0]
    assert with_setting(configs[0], "features", ["x2^2", "x1^2"]).data.features == SQUARES
    assert np.isclose(configs[0].hyper.learning_rate, configs[2].hyper.learning_rate)
