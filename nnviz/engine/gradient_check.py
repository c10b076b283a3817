"""Gradient checking (pure NumPy): the public names.

Parameter order: every check flattens the parameters exactly as the network stores them,
``theta = [W1, b1, W2, b2, ..., WL, bL]`` with each ``W[l]`` row-major (``net.layout``), and
names an element the way the course does, ``dW2[0,3]`` or ``db1[2]``.

- :func:`gradient_check`: the full element-wise check (or a subset: a layer, some tensors,
  N random elements per tensor) with per-element, per-tensor and per-layer results, a verdict
  with the course's thresholds, worst offenders, kink flags; progress and cancellation.
- :func:`directional_check`: a few random directions, two evaluations of ``J`` each.
- :func:`epsilon_sweep`: error of one- and two-sided differences against ``eps``.
- :func:`course_exercise` and planted bugs (``planted_bug="dW2 doubled"``) for teaching.
"""
from .gradcheck import (BUG_THRESHOLD, COURSE_BUGS, DEFAULT_EPS, DIRECTIONAL_EPS,
                        GOOD_THRESHOLD, LOOK_THRESHOLD, PASS_THRESHOLD, PRESETS, SWEEP_EPSILONS,
                        THRESHOLDS, CheckCancelled, DirectionalCheckResult, EpsilonSweepResult,
                        GradientCheckResult, LayerSummary, ParameterRow, PlantedBug,
                        TensorInfo, TensorSummary, course_exercise, difference,
                        directional_check, element_label, epsilon_sweep, gradient_check,
                        parse_parameter, parse_planted_bug, parse_planted_bugs)

__all__ = [
    "BUG_THRESHOLD", "COURSE_BUGS", "DEFAULT_EPS", "DIRECTIONAL_EPS", "GOOD_THRESHOLD",
    "LOOK_THRESHOLD", "PASS_THRESHOLD", "PRESETS", "SWEEP_EPSILONS", "THRESHOLDS",
    "CheckCancelled", "DirectionalCheckResult", "EpsilonSweepResult", "GradientCheckResult",
    "LayerSummary", "ParameterRow", "PlantedBug", "TensorInfo", "TensorSummary",
    "course_exercise", "difference", "directional_check", "element_label", "epsilon_sweep",
    "gradient_check", "parse_parameter", "parse_planted_bug", "parse_planted_bugs",
]
