"""The notebook's one-dimensional check, J(θ) = θx, as a "Check" choice of the inspector:
its verdict line and the computation written out (the numbers come from a job)."""
from __future__ import annotations

from nnviz.analysis import gradient_check_text as text
from nnviz.engine.backprop_steps import ScalarCheck

from ...theme import PlotColors
from .plots import status_colour

SOURCE = "scalar"
LABEL = "Notebook's 1-D J(θ) = θx (x = 2, θ = 4)"
TIP = ("The gradient-checking notebook's first example: J(θ) = θx with x = 2, θ = 4, so "
       "dJ/dθ = x = 2, against the one-sided (J(θ+ε) - J(θ)) / ε and the two-sided "
       "(J(θ+ε) - J(θ-ε)) / 2ε, with the ε set here.")


def verdict_html(check: ScalarCheck, c: PlotColors) -> str:
    verdict = "pass" if check.passed else "bug"
    return (f"<span style='font-size:13pt; color:{status_colour(verdict, c)}'><b>"
            f"{text.verdict_title(verdict)}</b></span> &nbsp; 1-D J(θ) = θx: difference = "
            f"<b>{check.difference_two_sided:.2e}</b> (two-sided) &nbsp; "
            f"<span style='color:{c.neutral}'>one-sided: {check.difference_one_sided:.2e}"
            "</span>")


def explanation_html(check: ScalarCheck) -> str:
    return "".join(f"<p style='margin:2px 0'>{text.html(line)}</p>" for line in check.lines)
