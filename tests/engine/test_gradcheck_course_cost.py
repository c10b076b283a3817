"""The course's A-based cost in the gradient check: why the notebook prints ~1.19e-7.

The course's forward pass computes ``J`` from ``A3`` (``-log(1 - A3)`` for y = 0); for the
4-5-3-1 exercise's third example (y = 0, A3 ~ 0.9989) ``1 - A3`` keeps only about 13 of 16
digits. The expected size of that noise in the difference is derived below from float64's
unit round-off; nnviz's cost from ``Z`` has no such cancellation.
"""
from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.gradient_check import (course_exercise, directional_check, epsilon_sweep,
                                         gradient_check)

EPS = 1e-7  # the course's


@pytest.fixture(scope="module")
def exercise():
    return course_exercise()


def _predicted_course_difference(net, X, Y) -> float:
    """Round-off estimate of the course formula's difference.

    ``A`` carries an absolute error of about ``u`` (unit round-off), so ``-log(1 - A)`` is
    off by ``u / (1 - A)``, and ``J`` (a mean over m examples) by that / m. A two-sided
    difference turns a noise ``dJ`` in each evaluation into ~``dJ / (2 eps)`` per
    component; over n components the error norm grows like ``sqrt(n)``, and the course's
    difference divides by ``||a|| + ||n|| ~ 2 ||grad||``.
    """
    u = np.finfo(np.float64).eps / 2
    A = net.predict_output(X)[0]
    y0 = Y[0] == 0
    dJ = np.sum(u / (1 - A[y0])) / X.shape[1]
    grad = gradient_check(net, X, Y).analytic
    return dJ / (2 * EPS) * np.sqrt(net.n_params) / (2 * np.linalg.norm(grad))


def test_course_formula_gives_the_notebooks_order_of_magnitude(exercise):
    net, X, Y = exercise
    A = net.predict_output(X)[0]
    assert Y[0, 2] == 0 and A[2] > 0.998  # the example that loses digits
    course = gradient_check(net, X, Y, eps=EPS, cost_formula="course")
    stable = gradient_check(net, X, Y, eps=EPS)
    assert course.cost_formula == "course" and stable.cost_formula == "stable"
    predicted = _predicted_course_difference(net, X, Y)
    assert 1e-7 < predicted < 1e-6
    # The notebook's ~1.19e-7 is the round-off of 1 - A3: within a factor 3 of the estimate.
    assert predicted / 3 < course.difference < predicted * 3
    assert 1e-7 <= course.difference < 2e-7  # the course's "> 2e-7 is a mistake" passes
    # From Z there is no cancellation: about 1e-9, two orders of magnitude smaller.
    assert 1e-10 < stable.difference < 1e-8
    assert course.difference > 50 * stable.difference
    # Same J to round-off, same backprop: only the numerical side differs.
    assert course.cost == pytest.approx(stable.cost, rel=1e-12)
    np.testing.assert_array_equal(course.analytic, stable.analytic)


def test_without_the_saturated_y0_example_both_formulas_agree(exercise):
    net, X, Y = exercise
    keep = [0, 1]  # both y = 1: -log(A) of A ~ 0.97 and 0.67 loses nothing
    course = gradient_check(net, X[:, keep], Y[:, keep], cost_formula="course")
    stable = gradient_check(net, X[:, keep], Y[:, keep])
    assert course.difference < 1e-8 and stable.difference < 1e-8


def test_naive_loop_and_structured_engine_agree_on_the_course_formula(exercise):
    net, X, Y = exercise
    naive = gradient_check(net, X, Y, cost_formula="course", method="naive")
    structured = gradient_check(net, X, Y, cost_formula="course")
    assert naive.difference == pytest.approx(structured.difference, rel=0.1)


def test_planted_bugs_still_caught_with_the_course_formula(exercise):
    net, X, Y = exercise
    result = gradient_check(net, X, Y, cost_formula="course", planted_bug="dW2 doubled")
    assert result.verdict == "bug"


def test_other_checks_take_the_formula_and_bad_names_are_refused(exercise):
    net, X, Y = exercise
    assert directional_check(net, X, Y, cost_formula="course").passed
    sweep = epsilon_sweep(net, X, Y, parameter="W1[0,0]", cost_formula="course")
    assert sweep is not None
    with pytest.raises(ValueError, match="cost formula"):
        gradient_check(net, X, Y, cost_formula="from A")
