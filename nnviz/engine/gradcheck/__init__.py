"""Gradient checking: is backprop right, and if not, exactly where is it wrong?

See :mod:`nnviz.engine.gradient_check` for the public names and the parameter order.
"""
from .check import (DEFAULT_EPS, DIRECTIONAL_EPS, SWEEP_EPSILONS, directional_check,
                    epsilon_sweep, gradient_check)
from .indexing import TensorInfo, element_label, parse_parameter
from .perturb import CostChanges, cost_changes
from .planted_bugs import (COURSE_BUGS, PRESETS, PlantedBug, course_exercise,
                           parse_planted_bug, parse_planted_bugs)
from .problem import Cancelled, CheckCancelled, cancel_requested
from .results import (BUG_THRESHOLD, GOOD_THRESHOLD, LOOK_THRESHOLD, PASS_THRESHOLD, THRESHOLDS,
                      DirectionalCheckResult, EpsilonSweepResult, GradientCheckResult,
                      LayerSummary, ParameterRow, TensorSummary, difference)
