"""The activation explorer's explanations as HTML, pure functions of numbers (no Qt)."""
from __future__ import annotations

import numpy as np

from nnviz.engine.activations import (ACTIVATIONS, DISPLAY_NAMES, TEACHING_NOTES,
                                      PreactivationStats)


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def function_html(name: str, alpha: float | None, threshold: float,
                  shaded: list[tuple[float, float]], colour: str) -> str:
    """Formula, slope, range and teaching note of activation ``name``, and where its slope is
    below ``threshold`` (the ``shaded`` intervals of z)."""
    act = ACTIVATIONS[name]
    alpha_text = f" (alpha = {alpha:.2f})" if alpha is not None else ""
    value_range = act.value_range.replace("-alpha", f"-{alpha:.2f}") if alpha else act.value_range
    where = ("z in " + ", ".join(f"[{lo:.2f}, {hi:.2f}]" for lo, hi in shaded)
             if shaded else "nowhere in the plotted range")
    origin = "in the course" if act.in_course else "beyond the course"
    return (f"<h3 style='color:{colour}; margin-bottom:2px'>{DISPLAY_NAMES[name]}"
            f"{alpha_text}</h3><i>{origin}</i>"
            f"<p><b>{html_escape(act.formula)}</b><br><b>{html_escape(act.slope_formula)}</b></p>"
            f"<p><b>Range:</b> {html_escape(value_range)}<br>"
            f"<b>Saturates:</b> {'yes, both tails' if act.saturates else 'no (not both tails)'}"
            f"</p><p>{html_escape(TEACHING_NOTES[name])}</p>"
            f"<p><b>Shaded</b> where |g'(z)| &lt; {threshold:g}: {where}</p>")


def statistics_html(label: str, activation: str, stats: PreactivationStats, outside: float,
                    threshold: float) -> str:
    """One layer's Z[l] in words: saturated, negative and dead shares, values off the plot."""
    name = DISPLAY_NAMES.get(activation, activation)
    lines = [f"<b>{html_escape(label)}</b> ({name}), {stats.n_values} values"]
    if np.isnan(stats.saturated_fraction):
        lines.append("softmax couples the units: no per-unit slope to judge")
    else:
        flat = "saturated" if ACTIVATIONS[activation].saturates else "flat"
        lines.append(f"{flat}, |g'(z)| &lt; {threshold:g}: "
                     f"<b>{100 * stats.saturated_fraction:.1f}%</b>")
    lines.append(f"below zero, z &lt; 0: <b>{100 * stats.negative_fraction:.1f}%</b>")
    if stats.dead_units is not None:
        lines.append(f"dead units (z &le; 0 on every example): "
                     f"<b>{stats.dead_units} of {stats.n_units}</b>")
    if outside > 0:
        lines.append(f"outside the plotted z range: {100 * outside:.1f}% (use Fit)")
    if stats.n_nonfinite:
        lines.append(f"<span style='color:#d62728'>{stats.n_nonfinite} values are "
                     "inf/NaN: training diverged</span>")
    return "<br>".join(lines)
