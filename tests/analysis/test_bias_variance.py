"""The course's bias/variance reading against hand-made numbers (its own four examples)."""
import math
from types import SimpleNamespace

import numpy as np
import pytest

from nnviz.analysis.bias_variance import (BOTH, FINE, HIGH_BIAS, HIGH_VARIANCE, NO_HELD_OUT,
                                          UNKNOWN, error_from_metric, margin_for,
                                          read_bias_variance, reading_from_history)


@pytest.mark.parametrize("train, dev, verdict", [
    (0.01, 0.11, HIGH_VARIANCE),   # the course: 1 % train, 11 % dev
    (0.15, 0.16, HIGH_BIAS),       # 15 % / 16 %
    (0.15, 0.30, BOTH),            # 15 % / 30 %
    (0.005, 0.01, FINE),           # 0.5 % / 1 %
])
def test_the_course_examples_with_a_base_error_of_zero(train, dev, verdict):
    reading = read_bias_variance(train, dev, 0.0)
    assert reading.verdict == verdict
    assert reading.avoidable_bias == pytest.approx(train)
    assert reading.variance == pytest.approx(dev - train)
    assert reading.high_bias == (verdict in (HIGH_BIAS, BOTH))
    assert reading.high_variance == (verdict in (HIGH_VARIANCE, BOTH))


def test_a_high_base_error_turns_high_bias_into_fine():
    """Blurry images: if humans get 15 % wrong, 15 % train / 16 % dev is as good as it gets."""
    assert read_bias_variance(0.15, 0.16, base_error=0.15).verdict == FINE
    assert read_bias_variance(0.15, 0.16, base_error=0.10).verdict == HIGH_BIAS


def test_advice_matches_the_reading():
    bias = read_bias_variance(0.2, 0.21)
    assert any("bigger network" in a for a in bias.advice)
    assert any("will not help" in a for a in bias.advice)
    assert not any("λ" in a for a in bias.advice)
    assert any("lower λ" in a for a in read_bias_variance(0.2, 0.21, regularized=True).advice)
    variance = read_bias_variance(0.0, 0.2)
    assert any("more training data" in a for a in variance.advice)
    assert any("raise the L2 λ" in a for a in variance.advice)
    both = read_bias_variance(0.2, 0.4)
    assert both.advice[0].startswith("bias first")
    assert "test error" in read_bias_variance(0.0, 0.0).advice[0]


def test_small_sets_need_a_gap_of_two_examples():
    # 40 dev examples: one example is 2.5 %; a 2.5 % gap is one example, not variance.
    assert margin_for(40) == pytest.approx(0.05)
    assert margin_for(1000) == pytest.approx(0.02)
    assert read_bias_variance(0.0, 0.025, m_dev=40).verdict == FINE
    assert read_bias_variance(0.0, 0.025, m_dev=1000).verdict == HIGH_VARIANCE


def test_missing_errors_and_bad_base_error():
    assert read_bias_variance(math.nan, 0.1).verdict == UNKNOWN
    with pytest.raises(ValueError, match="base error"):
        read_bias_variance(0.1, 0.1, base_error=1.5)


def test_errors_from_accuracy_and_r2():
    assert error_from_metric(0.9, "accuracy") == pytest.approx(0.1)
    assert error_from_metric(0.75, "R^2") == pytest.approx(0.25)


def history(train, dev, test):
    a = lambda v: np.asarray(v, dtype=float)  # noqa: E731
    return SimpleNamespace(train_metric=a(train), dev_metric=a(dev), test_metric=a(test))


def test_reading_from_a_history_uses_the_last_record_with_both_errors():
    h = history([0.5, 0.99, 0.99], [0.5, 0.89, np.nan], [0.5, 0.5, 0.5])
    r = reading_from_history(h, "accuracy", m_train=240, m_dev=80, m_test=80)
    assert r.dev_name == "dev" and r.note == ""
    assert r.train_error == pytest.approx(0.01) and r.dev_error == pytest.approx(0.11)
    assert r.verdict == HIGH_VARIANCE


def test_without_a_dev_set_the_test_set_stands_in_and_says_so():
    h = history([0.85], [np.nan], [0.84])
    r = reading_from_history(h, "accuracy", m_train=320, m_dev=0, m_test=80)
    assert r.dev_name == "test" and "dev set" in r.note
    assert r.verdict == HIGH_BIAS
    nothing = reading_from_history(history([0.85], [np.nan], [np.nan]), "accuracy",
                                   m_train=400, m_dev=0, m_test=0)
    assert nothing.verdict == UNKNOWN and nothing.advice == (NO_HELD_OUT,)
