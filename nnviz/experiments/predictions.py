"""Scoring a learner's prediction against the lesson's own run (no Qt).

:func:`true_answer` reads the right answer from an
:class:`~nnviz.experiments.results.ExperimentResult` through the question's answer rule (the
run with the highest value, a run's final number, the layer with the smallest norm...), so
it is never typed in. :func:`evaluate` scores an answer (0 to 1) and picks the explanation
written for the answer given; every text's ``{placeholders}`` are filled with the run's
numbers. A sketch is scored by its RMS distance to the real curve in a normalised space:
x as the fraction of the run, y as the fraction of the plot's height.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .questions import Question, Ref
from .results import ExperimentResult, format_cell

MIN_SKETCH_COVERAGE = 0.5  # a sketch must span half the run to count as an answer
SKETCH_SAMPLES = 101
MAX_RECORDED_POINTS = 200  # a sketch kept in the progress file


class PredictionError(ValueError):
    """The question's answer rule does not fit the result (a mistake in the lesson file)."""


@dataclass(frozen=True)
class Truth:
    """What the run says. ``correct``: the right choice keys or pick items; ``value``: the
    number (number questions); ``values``: each choice's or item's number; ``curve_x`` and
    ``curve_y``: the real curve in the sketch's units (x as a fraction of the run)."""
    correct: frozenset = frozenset()
    value: float | None = None
    values: dict = field(default_factory=dict)
    curve_x: np.ndarray | None = None
    curve_y: np.ndarray | None = None


@dataclass(frozen=True)
class Outcome:
    question: Question
    answer: object  # None: "just show me"
    truth: Truth
    score: float | None  # 0..1, None when skipped
    verdict: str  # "right", "close", "wrong" or "skipped"
    headline: str  # one line: what was said and what the run gave
    explanation: str  # written for the answer given
    why: str  # why the right answer is right

    def record(self):
        """The answer as plain JSON data (for the progress store)."""
        a = self.answer
        if isinstance(a, np.ndarray):
            keep = np.unique(np.linspace(0, len(a) - 1, min(len(a), MAX_RECORDED_POINTS))
                             .round().astype(int))
            return [[round(float(x), 4), round(float(y), 4)] for x, y in a[keep]]
        return a if a is None or isinstance(a, str) else float(a)


# -- reading the result --------------------------------------------------------------------
def _run(result: ExperimentResult, which):
    if isinstance(which, int):
        if not 1 <= which <= len(result.runs):
            raise PredictionError(f"there is no run {which}: the lesson has {len(result.runs)}")
        return result.runs[which - 1]
    for r in result.runs:
        if r.label == which:
            return r
    raise PredictionError(f"no run is labelled {which!r}; runs: "
                          f"{', '.join(r.label for r in result.runs) or 'none'}")


def _number(value, where: str) -> float:
    if value is None:
        return math.inf  # "never" (iterations to a target): worse than any count
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise PredictionError(f"{where} is not a number") from None


def lookup(ref: Ref, result: ExperimentResult):
    """The value a reference names (a number, a mapping, a list or a string)."""
    if ref.finding is not None:
        if ref.finding not in result.findings:
            raise PredictionError(f"the lesson's results have no finding '{ref.finding}'")
        value = result.findings[ref.finding]
        path = ref.item if isinstance(ref.item, tuple) else (() if ref.item is None
                                                              else (ref.item,))
        for item in path:
            if isinstance(value, (str, bytes)) or not hasattr(value, "__getitem__"):
                raise PredictionError(f"finding '{ref.finding}' has no item {item!r}")
            try:
                value = value[item]
            except (KeyError, IndexError, TypeError):
                raise PredictionError(f"finding '{ref.finding}' has no item {item!r}") from None
        return value
    run = _run(result, ref.run)
    f = run.final
    values = {"final_train_cost": f["train_cost"], "final_test_cost": f["test_cost"],
              "final_train_accuracy": f["train_metric"], "final_test_accuracy": f["test_metric"],
              "initial_cost": run.initial_cost, "iterations_run": run.iterations_run,
              "diverged": float(run.diverged)}
    return values[ref.value]


def resolve(ref: Ref, result: ExperimentResult) -> float:
    return _number(lookup(ref, result), f"'{ref.finding or ref.value}'")


def _curve(q: Question, result: ExperimentResult, x_range: float):
    run = _run(result, q.quantity.run)
    name = q.quantity.series.replace("accuracy", "metric")
    x = np.asarray(run.iterations, dtype=np.float64) / max(x_range, 1e-300)
    y = np.asarray(getattr(run, name), dtype=np.float64)
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    if y.size < 2:
        raise PredictionError(f"run {run.label!r} has no {q.quantity.series} curve to compare")
    if q.relative:
        y = y / y[0] if y[0] != 0 else y
    if run.diverged:  # it left the plot: draw it to the top edge, then off the end
        x, y = np.append(x, 1.0), np.append(y, q.maximum)
    return x, np.clip(y, q.minimum, q.maximum)


def true_answer(q: Question, result: ExperimentResult, experiment=None) -> Truth:
    if q.kind == "number":
        return Truth(value=resolve(q.quantity, result))
    if q.kind == "sketch":
        x_range = q.x_range(experiment) if experiment is not None else float(
            max(_run(result, q.quantity.run).iterations[-1], 1))
        x, y = _curve(q, result, x_range)
        return Truth(curve_x=x, curve_y=y)
    if q.kind == "pick":
        raw = lookup(q.quantity, result)
        items = q.pick_items(experiment) or tuple(
            raw.keys() if isinstance(raw, dict) else (str(i + 1) for i in range(len(raw))))
        if isinstance(raw, dict):
            values = {i: _number(raw.get(i, raw.get(_maybe_int(i))), f"item {i}") for i in items
                      if i in raw or _maybe_int(i) in raw}
        else:
            values = {i: _number(v, f"item {i}") for i, v in zip(items, raw)}
        if not values:
            raise PredictionError("the answer rule found no value for any item of the picture")
        return Truth(correct=_best(values, q.rule, 0.0), values=values)
    # choice
    if q.rule == "bucket":
        value = resolve(q.quantity, result)
        correct = frozenset(c.key for c in q.choices if not c.tie and c.low <= value <= c.high)
        if not correct:
            raise PredictionError(f"no choice's range holds the run's value {value:g}")
        return Truth(correct=correct, value=value)
    values = {c.key: resolve(c.value, result) for c in q.choices if not c.tie}
    tie = next((c.key for c in q.choices if c.tie), None)
    if tie is not None:
        ranked = sorted(values.values(), reverse=q.rule == "highest")
        if _within(ranked[0], ranked[1], q.tie_within):
            return Truth(correct=frozenset({tie}), values=values)
        return Truth(correct=_best(values, q.rule, 0.0), values=values)
    return Truth(correct=_best(values, q.rule, q.tie_within), values=values)


def _maybe_int(text: str):
    return int(text) if text.isdigit() else text


def _within(a: float, b: float, tolerance: float) -> bool:
    return a == b or abs(a - b) <= tolerance


def _best(values: dict, rule: str, tolerance: float) -> frozenset:
    finite = {k: v for k, v in values.items() if not math.isnan(v)}
    if not finite:
        raise PredictionError("every value the answer rule compares is missing (NaN)")
    best = (max if rule == "highest" else min)(finite.values())
    return frozenset(k for k, v in finite.items() if _within(v, best, tolerance))


# -- scoring -------------------------------------------------------------------------------
def distance_score(distance: float, tolerance: float, zero_at: float) -> float:
    """1 within ``tolerance``, falling linearly to 0 at ``zero_at``."""
    if distance <= tolerance:
        return 1.0
    return float(max(0.0, 1.0 - (distance - tolerance) / (zero_at - tolerance)))


def sketch_coverage(points) -> float:
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return float(p[-1, 0] - p[0, 0]) if len(p) >= 2 else 0.0


def sketch_distance(points, curve_x, curve_y, y_span: float) -> tuple[float, float]:
    """RMS and mean signed distance (drawn minus real) between a sketch (N, 2) and the real
    curve, both in the plot's units with x a fraction of the run, y divided by the plot's
    height; sampled at evenly spaced x, the sketch held flat beyond its ends."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    order = np.argsort(p[:, 0], kind="stable")
    p = p[order]
    xs = np.linspace(0.0, 1.0, SKETCH_SAMPLES)
    real = np.interp(xs, curve_x, curve_y)
    drawn = np.interp(xs, p[:, 0], p[:, 1])
    d = (drawn - real) / max(y_span, 1e-300)
    return float(np.sqrt(np.mean(d ** 2))), float(np.mean(d))


def score_answer(q: Question, truth: Truth, answer) -> tuple[float, str]:
    """The score (0..1) and which explanation fits: a choice key, an item, or "close",
    "too_high", "too_low"."""
    if q.kind == "choice":
        return (1.0 if answer in truth.correct else 0.0), str(answer)
    if q.kind == "pick":
        if answer in truth.correct:
            return 1.0, str(answer)
        items = list(truth.values) or list(q.items)
        if q.ordered and answer in items:
            gap = min(abs(items.index(answer) - items.index(c)) for c in truth.correct)
            return max(0.0, 1.0 - gap / max(2.0, len(items) / 4)), str(answer)
        return 0.0, str(answer)
    if q.kind == "number":
        a, t = float(answer), float(truth.value)
        if q.log:
            a, t = math.log10(max(a, q.minimum)), math.log10(max(t, q.minimum * 1e-3))
        score = distance_score(abs(a - t), q.tolerance, q.zero_at)
        signed = a - t
    else:
        rms, signed = sketch_distance(answer, truth.curve_x, truth.curve_y,
                                      q.maximum - q.minimum)
        score = distance_score(rms, q.tolerance, q.zero_at)
    if score >= 1.0:
        return score, "close"
    return score, "too_high" if signed > 0 else "too_low"


def verdict_for(score: float | None) -> str:
    if score is None:
        return "skipped"
    return "right" if score >= 0.999 else "close" if score >= 0.5 else "wrong"


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?::(pct|sci|int|x|g))?\}")


def fill(text: str, values: dict, default_fmt: str = "g") -> str:
    """``{name}`` / ``{name:pct}`` replaced by the value formatted like a table cell (only
    plain names: a lesson file cannot reach into Python objects)."""
    def replace(m):
        value = values.get(m.group(1))
        if value is None:
            return "?"
        return value if isinstance(value, str) else format_cell(value, m.group(2) or default_fmt)
    return _PLACEHOLDER.sub(replace, text)


def _label(q: Question, key) -> str:
    if q.kind == "choice":
        return q.choice(key).text
    return f"{q.label} {key}".strip() if q.kind == "pick" else str(key)


def evaluate(q: Question, result: ExperimentResult, answer, experiment=None) -> Outcome:
    """Score ``answer`` (None: "just show me") against the run; PredictionError if the
    question's rule does not fit the result."""
    truth = true_answer(q, result, experiment)
    values = {}
    for name, ref in q.values:
        try:
            value = lookup(ref, result)
            values[name] = value if isinstance(value, str) else _number(value, name)
        except PredictionError:
            values[name] = None
    if q.kind == "number":
        values["truth"] = truth_text = format_cell(truth.value, q.fmt)
    else:  # the right choices' words, or the right items (labelled in the headline)
        ordered = [k for k in (q.pick_items(experiment) or truth.values or
                               [c.key for c in q.choices]) if k in truth.correct]
        ordered += sorted(set(truth.correct) - set(ordered))
        values["truth"] = " or ".join(k if q.kind == "pick" else _label(q, k) for k in ordered)
        truth_text = " or ".join(_label(q, k) for k in ordered)
    if answer is not None:
        values["answer"] = (format_cell(float(answer), q.fmt) if q.kind == "number"
                            else "your sketch" if q.kind == "sketch" else _label(q, answer))
    why = fill(q.why, values, q.fmt)
    if answer is None:
        return Outcome(q, None, truth, None, "skipped", f"The run: {truth_text}." if truth_text
                       else "The real curve is drawn on the plot.", "", why)
    score, which = score_answer(q, truth, answer)
    if q.kind == "choice":
        explanation = q.choice(answer).explanation
    elif q.kind == "pick":
        explanation = q.explanation_for_item(str(answer))
    else:
        explanation = {"close": q.close, "too_high": q.too_high, "too_low": q.too_low}[which]
    if q.kind == "sketch":
        headline = f"Your sketch is {100 * score:.0f}% of the way to the real curve."
    else:
        headline = f"You said {values['answer']}; the run gave {truth_text}."
    return Outcome(q, answer, truth, score, verdict_for(score), headline,
                   fill(explanation, values, q.fmt), why)


__all__ = ["Truth", "Outcome", "PredictionError", "true_answer", "evaluate", "score_answer",
           "sketch_distance", "sketch_coverage", "distance_score", "fill", "lookup",
           "MIN_SKETCH_COVERAGE"]
