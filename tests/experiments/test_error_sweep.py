"""The λ / keep_prob sweep of train and dev error: what it measures, and that it stops."""
import threading

import numpy as np
import pytest

from nnviz.engine.metrics import evaluate
from nnviz.experiments.comparison import with_setting
from nnviz.experiments.error_sweep import run_error_sweep
from nnviz.experiments.progress import ExperimentCancelled
from nnviz.experiments.runs import run_session
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig

BASE = SessionConfig(
    DataSpec(name="moons", params=(("m", 160), ("noise", 0.35), ("seed", 1)),
             train_fraction=0.6, dev_fraction=0.2, normalize=True),
    NetworkSpec(hidden_units=(24, 24), activations=("relu", "relu"), init="he", seed=1),
    Hyperparameters(optimizer="adam", learning_rate=0.01))


def test_each_point_is_the_error_of_a_run_with_that_value():
    seen = []
    result = run_error_sweep(BASE, "lambd", (0.0, 0.1, 30.0), iterations=300,
                             progress=lambda f, text: seen.append(f))
    assert result.held_out == "dev" and result.values.tolist() == [0.0, 0.1, 30.0]
    # The middle run again, by hand: its dev error is 1 - accuracy on the dev set.
    _, session = run_session(with_setting(BASE, "lambd", 0.1), 300)
    d = session.data
    accuracy = evaluate(session.net, d.X_dev, d.Y_dev)["accuracy"]
    assert result.dev_error[1] == pytest.approx(1 - accuracy)
    assert result.train_error[1] == pytest.approx(
        1 - evaluate(session.net, d.X_train, d.Y_train)["accuracy"])
    # A huge λ squeezes the weights to ~0: the network underfits (high bias).
    assert result.train_error[2] > result.train_error[0] + 0.1
    assert seen and seen[-1] == 1.0 and all(a <= b for a, b in zip(seen, seen[1:]))
    assert "Lowest dev error" in result.summary()


def test_without_a_dev_set_the_test_set_stands_in():
    base = with_setting(BASE, "data.dev_fraction", 0.0)
    result = run_error_sweep(base, "keep_prob", (1.0, 0.5), iterations=50)
    assert result.held_out == "test"
    np.testing.assert_array_equal(result.dev_error, result.test_error)


def test_a_cancelled_sweep_stops():
    stop = threading.Event()
    calls = []

    def progress(fraction, text):
        calls.append(fraction)
        if fraction > 0.2:
            stop.set()

    with pytest.raises(ExperimentCancelled):
        run_error_sweep(BASE, "lambd", iterations=2000, progress=progress, cancel=stop)
    assert max(calls) < 0.5  # it did not run to the end


def test_bad_settings_are_refused_before_anything_runs():
    with pytest.raises(ValueError, match="lambd or keep_prob"):
        run_error_sweep(BASE, "learning_rate")
    with pytest.raises(ValueError, match="keep_prob"):
        run_error_sweep(BASE, "keep_prob", (1.0, 0.0))
