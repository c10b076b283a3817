"""The gradient-checking notebook's first example: ``J(θ) = θx`` in one dimension.

With ``x = 2, θ = 4, ε = 1e-7``: ``dJ/dθ = x = 2``, the two-sided approximation
``(J(θ+ε) - J(θ-ε)) / 2ε`` is 2 up to round-off, and the course's
``difference = |dθ - dθ_approx| / (|dθ| + |dθ_approx|)`` is about 3e-10. The one-sided
``(J(θ+ε) - J(θ)) / ε`` is written beside it: here J is linear, so both are exact in
mathematics and differ only by round-off; the notes say where one-sided loses in general.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..gradcheck import PASS_THRESHOLD, difference

COURSE_X, COURSE_THETA, COURSE_EPS = 2.0, 4.0, 1e-7


@dataclass(frozen=True)
class ScalarCheck:
    x: float
    theta: float
    eps: float
    J: float               # θx
    J_plus: float          # J(θ + ε)
    J_minus: float         # J(θ - ε)
    dtheta: float          # backprop: dJ/dθ = x
    one_sided: float       # (J(θ+ε) - J(θ)) / ε
    two_sided: float       # (J(θ+ε) - J(θ-ε)) / 2ε
    difference_one_sided: float
    difference_two_sided: float  # the course's number
    passed: bool           # two-sided difference below the course's threshold
    lines: tuple[str, ...]  # the computation written out


def scalar_check(x: float = COURSE_X, theta: float = COURSE_THETA,
                 eps: float = COURSE_EPS) -> ScalarCheck:
    x, theta, eps = float(x), float(theta), float(eps)
    if not (np.isfinite(x) and np.isfinite(theta)):
        raise ValueError(f"x and θ must be finite, got {x!r} and {theta!r}")
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"ε must be a positive number, got {eps!r}")

    def J(t: float) -> float:  # the notebook's forward_propagation
        return t * x

    J0, J_plus, J_minus = J(theta), J(theta + eps), J(theta - eps)
    dtheta = x  # the notebook's backward_propagation
    one_sided = (J_plus - J0) / eps
    two_sided = (J_plus - J_minus) / (2 * eps)
    d1, d2 = difference(dtheta, one_sided), difference(dtheta, two_sided)
    passed = d2 <= PASS_THRESHOLD
    r = repr  # every digit: the point is in the last ones
    lines = (
        f"J(θ) = θ x,  x = {r(x)},  θ = {r(theta)},  ε = {eps:g}",
        f"backprop: dθ = dJ/dθ = x = {r(dtheta)}",
        f"J(θ + ε) = {r(J_plus)},  J(θ - ε) = {r(J_minus)},  J(θ) = {r(J0)}",
        f"one-sided: (J(θ + ε) - J(θ)) / ε = {r(one_sided)}",
        f"two-sided: (J(θ + ε) - J(θ - ε)) / (2ε) = {r(two_sided)}",
        f"difference = |dθ - dθ_approx| / (|dθ| + |dθ_approx|) = {d2:.6g} (two-sided), "
        f"{d1:.6g} (one-sided)",
        ("the gradient is correct" if passed else "the gradient is wrong")
        + f" (difference {'<=' if passed else '>'} {PASS_THRESHOLD:g})",
        "In general the two-sided error shrinks like ε², the one-sided only like ε; "
        "J = θx is linear, so both differ from x only by round-off here.",
    )
    return ScalarCheck(x, theta, eps, J0, J_plus, J_minus, dtheta, one_sided, two_sided,
                       d1, d2, passed, lines)
