"""Lesson 9: gradient checking, the course's 4-5-3-1 exercise with its two planted bugs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.gradient_check import (COURSE_BUGS, PASS_THRESHOLD, course_exercise,
                                         epsilon_sweep, gradient_check)
from nnviz.engine.gradcheck import CheckCancelled

from ..base import Experiment
from ..lesson_words import lesson_words
from ..progress import ExperimentCancelled
from ..results import BarPlot, CurvePlot, Series, Table

BUGGY, FIXED = "with the planted bugs", "bugs removed"


@dataclass(frozen=True)
class GradientCheckingExperiment(Experiment):
    key = "gradient_checking"
    number = 9
    title, summary, text = lesson_words(key)  # lessons/questions/<key>.toml
    panel = "gradient_check"

    eps: float = 1e-7
    bugs: tuple[str, ...] = COURSE_BUGS

    def _run(self, reporter):
        net, X, Y = course_exercise()

        def progress_for(part):
            return lambda done, total: (part(done / max(total, 1)), True)[1]
        try:
            buggy = gradient_check(net, X, Y, eps=self.eps, planted_bug=list(self.bugs),
                                   progress=progress_for(reporter.part(0, 0.4)))
            fixed = gradient_check(net, X, Y, eps=self.eps,
                                   progress=progress_for(reporter.part(0.4, 0.7)))
            course = gradient_check(net, X, Y, eps=self.eps, cost_formula="course",
                                    progress=progress_for(reporter.part(0.7, 0.8)))
            sweep = epsilon_sweep(net, X, Y, parameter=None,
                                  progress=progress_for(reporter.part(0.8, 1.0)))
        except CheckCancelled:
            raise ExperimentCancelled() from None
        names = [t.name for t in buggy.tensors]
        rows = []
        for tb, tf in zip(buggy.tensors, fixed.tensors):
            rows.append((tb.name, tb.n_checked, tb.difference, tb.status, tf.difference,
                         tf.status))
        rows.append(("all 47" if buggy.n_parameters == 47 else f"all {buggy.n_parameters}",
                     buggy.n_checked, buggy.difference, buggy.verdict, fixed.difference,
                     fixed.verdict))
        table = Table(("tensor", "elements", f"difference ({BUGGY})", "verdict",
                       f"difference ({FIXED})", "verdict"), tuple(rows),
                      ("s", "int", "sci", "s", "sci", "s"))
        tiny = 1e-18  # a log axis cannot show an exact 0
        bars = (
            BarPlot(f"Per-tensor difference, {BUGGY}", "difference (log scale)", tuple(names),
                    np.maximum([t.difference for t in buggy.tensors], tiny), log_y=True,
                    note=f"Dashed: the course's threshold {PASS_THRESHOLD:g}. Only the planted "
                         "tensors are above it.", fmt="sci", xlabel="tensor",
                    threshold=PASS_THRESHOLD),
            BarPlot(f"Per-tensor difference, {FIXED}", "difference (log scale)", tuple(names),
                    np.maximum([t.difference for t in fixed.tensors], tiny), log_y=True,
                    fmt="sci", xlabel="tensor", threshold=PASS_THRESHOLD),
        )
        eps_plot = CurvePlot(
            "Error against eps (all 47 parameters)", "eps", "difference (log scale)",
            (Series(f"one-sided (slope {sweep.one_sided_slope:.2f})", sweep.epsilons,
                    np.maximum(sweep.one_sided_error, tiny), kind="path"),
             Series(f"two-sided (slope {sweep.two_sided_slope:.2f})", sweep.epsilons,
                    np.maximum(sweep.two_sided_error, tiny), kind="path")),
            log_x=True, log_y=True,
            note="Two-sided error falls like eps^2 until round-off (~1e-16 / eps) wins.")
        worst = [r.label for r in buggy.worst[:5]]
        a3_y0 = float(net.predict_output(X)[0, 2])  # the example with y = 0
        findings = {
            "difference_buggy": buggy.difference, "difference_fixed": fixed.difference,
            "difference_fixed_course_cost": course.difference,
            "passed_buggy": buggy.passed, "passed_fixed": fixed.passed,
            "suspects": tuple(buggy.suspects), "worst_elements": tuple(worst),
            "tensor_difference": {t.name: float(t.difference) for t in buggy.tensors},
            "n_parameters": buggy.n_parameters,
            "two_sided_slope": sweep.two_sided_slope, "one_sided_slope": sweep.one_sided_slope,
        }
        conclusion = (
            f"With the planted bugs ({', '.join(self.bugs)}) the difference is "
            f"{buggy.difference:.3g}: {buggy.verdict}; the tensors that disagree are "
            f"{', '.join(buggy.suspects) or 'none'} (worst elements: {', '.join(worst)}). With "
            f"the bugs removed it is {fixed.difference:.2g}: {fixed.verdict} (threshold "
            f"{PASS_THRESHOLD:g}). With the course's cost formula (J from A3, where 1 - A3 "
            f"loses digits for the y = 0 example with A3 = {a3_y0:.4f}) "
            f"the same correct backprop gives {course.difference:.3g}, the notebook's number. "
            f"Error slopes against eps: one-sided "
            f"{sweep.one_sided_slope:.2f}, two-sided {sweep.two_sided_slope:.2f}.")
        return self.result(conclusion, table, plots=(*bars, eps_plot), findings=findings)
