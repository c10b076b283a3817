"""Lesson 6 runs on the notebook's own draws, so it shows the course's printed accuracies
(about 2.5 s: three runs of 15,000 iterations)."""
from __future__ import annotations

from nnviz.experiments import get_experiment


def test_init_schemes_lesson_shows_the_courses_figures():
    e = get_experiment("init_schemes", resolution=20)
    assert all(c.course_exact and c.network.seed == 3 for c in e.configs())
    r = e.run()
    train, test = r.findings["train_accuracy"], r.findings["test_accuracy"]
    # The notebook: zeros 0.5 / 0.5, randn x10 0.83 / 0.86, He 0.993333333333 / 0.96.
    assert (round(train["init: zeros"], 12), round(test["init: zeros"], 12)) == (0.5, 0.5)
    assert (round(train["init: random x10"], 12), round(test["init: random x10"], 12)) == (0.83, 0.86)
    assert (round(train["init: He"], 12), round(test["init: He"], 12)) == (round(298 / 300, 12), 0.96)


def test_init_schemes_lesson_can_use_nnviz_draws():
    e = get_experiment("init_schemes", course_exact=False)
    assert not any(c.course_exact for c in e.configs())
    assert e.configs()[0].data.params  # its own m / noise / seed


def test_gradient_checking_lesson_shows_both_cost_formulas():
    f = get_experiment("gradient_checking").run().findings
    # J from A3 (the notebook's): the round-off of 1 - A3 shows as ~1.2e-7; from Z: ~1e-9.
    assert 1e-7 < f["difference_fixed_course_cost"] < 2e-7
    assert f["difference_fixed"] < 1e-8
