"""Every lesson's question scores against the lesson's own run: with its settings made
smaller, and again with another seed or a changed setting, the right answer is the one an
independent reading of the run's table or plots gives."""
from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest

from nnviz.experiments import EXPERIMENTS, get_experiment
from nnviz.experiments.predictions import evaluate, sketch_distance, true_answer
from nnviz.experiments.questions import builtin_questions, question_for
from nnviz.experiments.results import CurvePlot, HeatmapPlot


def test_every_lesson_has_a_valid_question_of_a_fitting_kind():
    questions = builtin_questions()
    assert set(questions) == set(EXPERIMENTS)
    kinds = {q.kind for q in questions.values()}
    assert kinds == {"choice", "number", "sketch", "pick"}
    for key, q in questions.items():
        assert q.key == key and q.setup and q.question and q.why
        if q.kind == "choice":
            assert all(c.explanation for c in q.choices)
        if q.kind in ("number", "sketch"):
            assert q.close and q.too_high and q.too_low


def reseeded(monkeypatch, key: str, seed: int = 7) -> None:
    """Train the lesson's runs with another data and initialization seed."""
    module = importlib.import_module(f"nnviz.experiments.lessons.{key}")

    def reseed(config):
        data = config.data
        if dict(data.params).get("seed") is not None:
            data = dataclasses.replace(data, params=tuple(
                (k, seed if k == "seed" else v) for k, v in data.params))
        return dataclasses.replace(config, data=data, network=dataclasses.replace(
            config.network, seed=seed))
    for name in ("run_session", "train_run"):
        original = getattr(module, name, None)
        if original is not None:
            monkeypatch.setattr(module, name, lambda config, *a, _f=original, **k:
                                _f(reseed(config), *a, **k))


def _column(result, prefix: str) -> list:
    j = next(i for i, c in enumerate(result.table.columns) if c.startswith(prefix))
    return [row[j] for row in result.table.rows]


def _best(labels, values, pick=max) -> set:
    values = [np.inf if v is None else float(v) for v in values]
    best = pick(values)
    return {label for label, v in zip(labels, values) if v == best}


def _bucket(question, value) -> set:
    return {c.key for c in question.choices if c.low <= value <= c.high}


# Independent readings of each run: the right answer from its table or plots.
def oracle_cost_function(q, r, e):
    way = _column(r, "way to the minimum")
    return {"cross_entropy" if way[0] > way[1] else "squared_error"} if abs(way[0] - way[1]) > 0.1 \
        else {"same"}


def oracle_normalization(q, r, e):
    raw, normalized = _column(r, "iterations to J")
    return _bucket(q, raw / max(normalized, 1))


def oracle_learning_rate(q, r, e):
    smallest = min(e.learning_rates)
    run = r.run(f"learning rate {smallest:g}")
    return (np.asarray(run.iterations) / e.iterations,
            np.asarray(run.train_cost) / run.train_cost[0])


def oracle_hidden_units(q, r, e):
    labels = [str(n) for n in e.hidden_sizes]
    return _best(labels, _column(r, "test accuracy"))


def oracle_symmetry(q, r, e):
    zeros = next(p for p in r.plots if isinstance(p, HeatmapPlot)).cells[0].matrix
    rows = np.unique(np.round(zeros / np.abs(zeros).max(), 6), axis=0).shape[0]
    return _bucket(q, rows)


def oracle_init_schemes(q, r, e):
    return r.run("init: zeros").final["train_metric"]


def oracle_deep_gradients(q, r, e):
    plot = next(p for p in r.plots if isinstance(p, CurvePlot) and p.title.startswith("sigmoid"))
    series = next(s for s in plot.series if s.label == "scale 1")
    return {str(int(series.x[int(np.argmin(series.y))]))}


def oracle_activation_functions(q, r, e):
    keys = {"sigmoid": "sigmoid", "tanh": "tanh", "ReLU": "relu", "leaky ReLU": "leaky_relu"}
    return _best([keys[n] for n in _column(r, "activation")], _column(r, "iterations to"))


def oracle_gradient_checking(q, r, e):
    names, diffs = _column(r, "tensor")[:-1], _column(r, "difference (with")[:-1]
    return _best(names, diffs)


def oracle_vectorization(q, r, e):
    return _column(r, "speed-up")[-1]


def oracle_features(q, r, e):
    return r.runs[1].final["train_metric"]


def oracle_bias_variance(q, r, e):
    return _best([f"{v:g}" for v in _column(r, "lambda")], _column(r, "dev error"), min)


def oracle_dropout(q, r, e):
    gaps = dict(zip(_column(r, "run"), _column(r, "train - test")))
    return _bucket(q, gaps[f"keep_prob {min(e.keep_probs):g}"] - gaps["keep_prob 1"])


def oracle_optimizers(q, r, e):
    costs = next(p for p in r.plots if isinstance(p, CurvePlot))
    keys = {"Gradient descent": "gd", "Momentum": "momentum", "RMSprop": "rmsprop",
            "Adam": "adam"}
    return _best([keys[s.label] for s in costs.series], [s.y[-1] for s in costs.series], min)


def oracle_mini_batch(q, r, e):
    keys = {"batch 1": "1", "batch 64": "64"}
    return _best([keys.get(label, "full") for label in _column(r, "batch")],
                 _column(r, f"J after {e.seconds:g} s"), min)


SMALL = {"init_schemes": dict(iterations=300), "hidden_units": dict(iterations=300,
                                                                     resolution=10),
         "deep_gradients": dict(seeds=1, scales=(0.5, 1.0), activations=("sigmoid",),
                                train_iterations=20, train_scales=(1.0,)),
         "normalization": dict(iterations=600, resolution=11),
         "activation_functions": dict(resolution=10, iterations=1500),
         "features": dict(resolution=10), "cost_function": dict(resolution=21),
         "learning_rate": dict(resolution=11), "vectorization": dict(sizes=(16,), m=64),
         "bias_variance": dict(iterations=300), "dropout": dict(iterations=300, resolution=10),
         "optimizers": dict(steps=100, resolution=11), "mini_batch": dict(seconds=0.1, m=1000)}
# A second seed where the lesson trains; a changed setting where it has no seed.
CHANGED = {"cost_function": dict(m=120, noise=0.4), "gradient_checking": dict(bugs=("dW2 doubled",)),
           "deep_gradients": dict(depth=12), "vectorization": dict(seed=3, n=16),
           # these seed their data and weights with a knob (they train outside run_session)
           "bias_variance": dict(seed=7), "optimizers": dict(seed=7),
           "mini_batch": dict(seed=7, batch_sizes=(1, 64, None))}
ORACLES = {key: globals()[f"oracle_{key}"] for key in EXPERIMENTS}


def _check(key, experiment):
    q = question_for(key)
    result = experiment.run()
    truth = true_answer(q, result, experiment)
    expected = ORACLES[key](q, result, experiment)
    if q.kind == "sketch":
        x, y = expected
        np.testing.assert_allclose(truth.curve_x, x)
        np.testing.assert_allclose(truth.curve_y, np.clip(y, q.minimum, q.maximum))
        traced = evaluate(q, result, np.column_stack([x, y]), experiment)
        assert traced.score == 1.0 and traced.explanation == q.close
        return q, result, truth
    if q.kind == "number":
        assert truth.value == pytest.approx(expected)
        right = evaluate(q, result, truth.value, experiment)
        ends = (q.minimum, q.maximum)
        scale = np.log10 if q.log else (lambda v: v)
        far = max(ends, key=lambda v: abs(scale(v) - scale(max(truth.value, q.minimum))))
        wrong = evaluate(q, result, far, experiment)
        assert right.score == 1.0 and right.verdict == "right"
        assert wrong.score < 0.5
        assert wrong.explanation.startswith((q.too_high if far > truth.value
                                             else q.too_low)[:20])
    else:
        assert set(truth.correct) == expected, (key, truth.values)
        options = ([c.key for c in q.choices] if q.kind == "choice"
                   else list(q.pick_items(experiment)))
        for option in options:
            outcome = evaluate(q, result, option, experiment)
            assert (outcome.score == 1.0) == (option in expected), (key, option)
            assert outcome.explanation and outcome.why and "{" not in outcome.why
    return q, result, truth


@pytest.mark.parametrize("key", list(EXPERIMENTS))
def test_scoring_agrees_with_the_lessons_own_run(key, monkeypatch):
    experiment = get_experiment(key, **SMALL.get(key, {}))
    _check(key, experiment)
    # again with another seed (or, for lessons without one, a changed setting)
    if key in CHANGED:
        _check(key, experiment.with_params(**CHANGED[key]))
    else:
        reseeded(monkeypatch, key)
        _check(key, experiment)


def test_a_changed_setting_changes_the_right_answer():
    """The answer is read from the run, not written down: with only dW2 planted, the
    largest difference is dW2's (with both bugs it is db1's)."""
    q = question_for("gradient_checking")
    both = get_experiment("gradient_checking")
    assert true_answer(q, both.run(), both).correct == {"db1"}
    only = both.with_params(bugs=("dW2 doubled",))
    assert true_answer(q, only.run(), only).correct == {"dW2"}
    deep = get_experiment("deep_gradients", **SMALL["deep_gradients"], depth=8)
    assert question_for("deep_gradients").pick_items(deep) == tuple("12345678")


def test_a_sketch_is_scored_by_its_distance_to_the_real_curve():
    e = get_experiment("learning_rate", resolution=11)
    q = question_for("learning_rate")
    result = e.run()
    truth = true_answer(q, result, e)
    real = result.run("learning rate 0.003")
    x = np.asarray(real.iterations) / e.iterations
    y = np.asarray(real.train_cost) / real.train_cost[0]
    np.testing.assert_allclose(truth.curve_y, y)  # relative to the start, as the plot says
    # a learner's good sketch: a dozen points near the curve, a little off
    xs = np.linspace(0, 1, 12)
    good = np.column_stack([xs, np.interp(xs, x, y) + 0.03])
    # a bad one: "too small a step barely moves", a nearly flat line
    bad = np.column_stack([xs, 1.0 - 0.1 * xs])
    scored_good = evaluate(q, result, good, e)
    scored_bad = evaluate(q, result, bad, e)
    assert scored_good.score > 0.9 > scored_bad.score
    assert scored_bad.score < 0.2 and scored_bad.explanation == q.too_high
    low = evaluate(q, result, np.column_stack([xs, np.zeros_like(xs)]), e)
    assert low.explanation == q.too_low
    rms, bias = sketch_distance(good, truth.curve_x, truth.curve_y, q.maximum - q.minimum)
    # 0.03 above the curve at every drawn point, a little more between them (a chord of a
    # convex curve lies above it), in units of the plot's height 1.1
    assert 0.03 / 1.1 <= rms < 0.04 and bias > 0
    # the progress store gets plain numbers, thinned
    recorded = scored_good.record()
    assert len(recorded) == 12 and all(len(p) == 2 for p in recorded)


def test_skipping_reveals_the_answer_without_a_score():
    e = get_experiment("symmetry", iterations=50)
    outcome = evaluate(question_for("symmetry"), e.run(), None, e)
    assert outcome.score is None and outcome.verdict == "skipped"
    assert "1: all five rows stay identical" in outcome.headline and outcome.why
