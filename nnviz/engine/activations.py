"""Activation functions and their slopes, in one table.

Each entry gives ``g(z)`` and ``g'(z)``; the slope may use the already computed ``a = g(z)``
(the course writes sigmoid's slope as ``a(1 - a)`` and tanh's as ``1 - a^2``), which saves
an ``exp`` in backprop. ``alpha`` is the one shape parameter (leaky ReLU's negative slope,
ELU's saturation value); the other functions ignore it.

ReLU's slope at exactly ``z = 0`` is taken as 0 (and leaky ReLU's as ``alpha``): the
function has a kink there, and the gradient check flags elements that sit near it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

# Python floats, not NumPy scalars: NumPy 2 promotes a float32 array times a np.float64
# scalar to float64, while a Python float keeps the array's dtype.
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def sigmoid(z, alpha=None):
    # Written with exp(-|z|) so neither branch overflows for large |z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_slope(z, a, alpha=None):
    return a * (1.0 - a)


def tanh(z, alpha=None):
    return np.tanh(z)


def _tanh_slope(z, a, alpha=None):
    return 1.0 - a * a


def relu(z, alpha=None):
    return np.maximum(z, 0.0)


def _relu_slope(z, a, alpha=None):
    return z > 0  # a boolean mask: multiplying dA by it is dA * g'(z), one pass cheaper


def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, z, float(alpha) * z)


def _leaky_relu_slope(z, a, alpha=0.01):
    return np.where(z > 0, 1.0, float(alpha)).astype(z.dtype)


def linear(z, alpha=None):
    return z


def _linear_slope(z, a, alpha=None):
    return np.ones_like(z)


def elu(z, alpha=1.0):
    return np.where(z > 0, z, float(alpha) * np.expm1(np.minimum(z, 0.0)))


def _elu_slope(z, a, alpha=1.0):
    return np.where(z > 0, 1.0, a + float(alpha)).astype(z.dtype)


def softplus(z, alpha=None):
    # log(1 + e^z) = max(z, 0) + log1p(e^-|z|), stable for any z.
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _softplus_slope(z, a, alpha=None):
    return sigmoid(z)


def gelu(z, alpha=None):
    # The tanh approximation (Hendrycks & Gimpel), as most frameworks offer it.
    return 0.5 * z * (1.0 + np.tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3)))


def _gelu_slope(z, a, alpha=None):
    u = _SQRT_2_OVER_PI * (z + 0.044715 * z**3)
    t = np.tanh(u)
    du = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * z * z)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du


def swish(z, alpha=None):
    return z * sigmoid(z)


def _swish_slope(z, a, alpha=None):
    s = sigmoid(z)
    return s + z * s * (1.0 - s)


@dataclass(frozen=True)
class Activation:
    name: str
    g: Callable
    slope: Callable  # slope(z, a, alpha) -> g'(z)
    formula: str
    slope_formula: str
    value_range: str
    saturates: bool  # both tails flat: slopes vanish for large |z|
    kink_at_zero: bool  # not differentiable at z = 0 (gradient-check false alarms)
    default_alpha: float | None = None
    in_course: bool = True


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, _sigmoid_slope, "g(z) = 1 / (1 + e^-z)",
                   "g'(z) = a(1 - a), at most 0.25 (z = 0)", "(0, 1)", True, False),
        Activation("tanh", tanh, _tanh_slope, "g(z) = (e^z - e^-z) / (e^z + e^-z)",
                   "g'(z) = 1 - a^2, at most 1 (z = 0)", "(-1, 1)", True, False),
        Activation("relu", relu, _relu_slope, "g(z) = max(0, z)",
                   "g'(z) = 1 for z > 0, 0 for z <= 0", "[0, inf)", False, True),
        Activation("leaky_relu", leaky_relu, _leaky_relu_slope, "g(z) = max(alpha z, z)",
                   "g'(z) = 1 for z > 0, alpha for z <= 0", "(-inf, inf)", False, True,
                   default_alpha=0.01),
        Activation("linear", linear, _linear_slope, "g(z) = z", "g'(z) = 1",
                   "(-inf, inf)", False, False),
        Activation("elu", elu, _elu_slope, "g(z) = z for z > 0, alpha (e^z - 1) otherwise",
                   "g'(z) = 1 for z > 0, a + alpha otherwise", "(-alpha, inf)", False, True,
                   default_alpha=1.0, in_course=False),
        Activation("softplus", softplus, _softplus_slope, "g(z) = log(1 + e^z)",
                   "g'(z) = sigmoid(z)", "(0, inf)", False, False, in_course=False),
        Activation("gelu", gelu, _gelu_slope,
                   "g(z) = z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))",
                   "g'(z) = derivative of the tanh approximation", "(~-0.17, inf)",
                   False, False, in_course=False),
        Activation("swish", swish, _swish_slope, "g(z) = z sigmoid(z)",
                   "g'(z) = s + z s (1 - s), s = sigmoid(z)", "(~-0.28, inf)", False, False,
                   in_course=False),
    )
}

# scikit-learn-style views of the same table.
FUNCTIONS = {name: a.g for name, a in ACTIVATIONS.items()}
DERIVATIVES = {name: a.slope for name, a in ACTIVATIONS.items()}
HIDDEN_ACTIVATIONS = tuple(ACTIVATIONS)


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None


def activation_value(name: str, z, alpha: float | None = None):
    act = get_activation(name)
    return act.g(z, _alpha(act, alpha))


def activation_slope(name: str, z, alpha: float | None = None):
    act = get_activation(name)
    al = _alpha(act, alpha)
    slope = act.slope(z, act.g(z, al), al)
    return np.asarray(slope, dtype=np.result_type(np.asarray(z).dtype, np.float32))


def _alpha(act: Activation, alpha):
    return act.default_alpha if alpha is None else alpha


# --- Analysis helpers (used by the activation explorer and the gradient-flow statistics) ---

DISPLAY_NAMES: dict[str, str] = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "linear": "linear",
    "elu": "ELU",
    "softplus": "softplus",
    "gelu": "GELU",
    "swish": "swish",
}

# One or two sentences per function: why it saturates or not, and what that does to learning.
TEACHING_NOTES: dict[str, str] = {
    "sigmoid": (
        "Both tails are flat: for |z| beyond about 4 the slope a(1 - a) is nearly 0, so "
        "dZ = dA * g'(Z) is tiny and the unit barely learns. Even at its best (z = 0) the "
        "slope is only 0.25, so each sigmoid layer shrinks the back-propagated gradient by "
        "at least 4x: through many layers gradients vanish. Use it for a binary output, "
        "not in hidden layers."
    ),
    "tanh": (
        "Zero-centred and with slope 1 at z = 0 (four times sigmoid's), so it trains better "
        "in hidden layers, but its tails saturate just the same: for |z| beyond about 3 the "
        "slope 1 - a^2 is nearly 0. Keep Z[l] near 0 with small (Xavier) initial weights "
        "and normalized inputs."
    ),
    "relu": (
        "Never saturates for z > 0 (slope exactly 1), which is why it is the default for "
        "hidden layers. For z < 0 the slope is 0: a unit whose Z is negative on every "
        "example gets no gradient and is 'dead'. At the kink z = 0 the slope is taken as 0; "
        "a numerical slope there would give 0.5."
    ),
    "leaky_relu": (
        "Like ReLU but with slope alpha (0.01 by default) for z < 0, so a unit whose Z "
        "went negative still gets a small gradient and can recover: leaky ReLU fixes dead "
        "units. The slope at the kink z = 0 is taken as alpha."
    ),
    "linear": (
        "Slope 1 everywhere: nothing saturates, but nothing bends either. A stack of linear "
        "layers is one linear map, so use it for a regression output, not in hidden layers."
    ),
    "elu": (
        "Smooth for z < 0, where it levels off at -alpha: large negative z saturates (slope "
        "a + alpha tends to 0) but moderate negative z still passes gradient, and mean "
        "activations sit closer to 0 than ReLU's. Beyond the course."
    ),
    "softplus": (
        "A smooth ReLU: log(1 + e^z). Its slope is sigmoid(z), so it never is exactly 0, "
        "but it is tiny for very negative z. Beyond the course."
    ),
    "gelu": (
        "Weights z by how likely a standard normal variable is below it. Smooth, slightly "
        "negative around z = -0.75 (its slope is negative there), ReLU-like for large |z|. "
        "Used in transformers. Beyond the course."
    ),
    "swish": (
        "z sigmoid(z) (SiLU): smooth and non-monotonic, with a small dip to about -0.28 near "
        "z = -1.28, ReLU-like for large |z|. Beyond the course."
    ),
}


def saturated_mask(name: str, z, threshold: float, alpha: float | None = None):
    """True where the slope is small, ``|g'(z)| < threshold``: backprop multiplies
    ``dA[l]`` by ``g'(Z[l])``, so these entries pass (almost) no gradient."""
    if not threshold > 0:
        raise ValueError(f"threshold must be a positive slope, got {threshold!r}")
    # Every slope in the table has reached its limit long before |z| = 1e6; clipping keeps
    # exploded pre-activations (up to float max) from overflowing GELU's z^3 into NaN.
    z = np.clip(np.asarray(z, dtype=float), -1e6, 1e6)
    return np.abs(activation_slope(name, z, alpha)) < threshold


def saturated_intervals(name: str, threshold: float, z_min: float, z_max: float,
                        alpha: float | None = None, samples: int = 2001):
    """The sub-intervals of ``[z_min, z_max]`` where ``|g'(z)| < threshold``, as a list of
    ``(lo, hi)``. Each boundary is found on a grid of ``samples`` points and then refined
    by bisection to float64 precision (it is where ``|g'| = threshold``, or the jump of a
    slope that is discontinuous at a kink). Intervals narrower than the grid step may be
    missed."""
    if not z_max > z_min:
        raise ValueError(f"need z_min < z_max, got z_min={z_min!r}, z_max={z_max!r}")
    z = np.linspace(z_min, z_max, samples)
    inside = saturated_mask(name, z, threshold, alpha)
    starts = np.flatnonzero(~inside[:-1] & inside[1:])  # leaves the slope > t region
    ends = np.flatnonzero(inside[:-1] & ~inside[1:])  # enters it again
    lo_edges = _bisect_boundary(name, threshold, alpha, z[starts], z[starts + 1])
    hi_edges = _bisect_boundary(name, threshold, alpha, z[ends], z[ends + 1])
    lows = ([z_min] if inside[0] else []) + list(lo_edges)
    highs = list(hi_edges) + ([z_max] if inside[-1] else [])
    return [(float(lo), float(hi)) for lo, hi in zip(lows, highs)]


def _bisect_boundary(name, threshold, alpha, left, right):
    # Vectorized bisection: at `left` the mask differs from at `right`; keep it that way.
    left = np.array(left, dtype=float)
    right = np.array(right, dtype=float)
    if left.size == 0:
        return left
    left_inside = saturated_mask(name, left, threshold, alpha)
    for _ in range(60):
        mid = 0.5 * (left + right)
        same_as_left = saturated_mask(name, mid, threshold, alpha) == left_inside
        left = np.where(same_as_left, mid, left)
        right = np.where(same_as_left, right, mid)
    return 0.5 * (left + right)


@dataclass(frozen=True)
class PreactivationStats:
    """Where a layer's pre-activations ``Z[l]`` sit on its activation function."""
    n_values: int  # finite values counted
    n_nonfinite: int
    saturated_fraction: float  # |g'(Z)| < threshold; NaN for softmax (units are coupled)
    negative_fraction: float  # Z < 0
    dead_units: int | None  # ReLU: units with Z <= 0 (slope 0) on every example; else None
    n_units: int | None  # rows of a 2-D Z (n[l], m); None for 1-D input


def preactivation_statistics(name: str, Z, threshold: float,
                             alpha: float | None = None) -> PreactivationStats:
    """Saturated and negative fractions of ``Z`` (shape ``(n[l], m)`` or flat) for the
    activation ``name`` (or ``"softmax"``, which has no per-unit slope), and for ReLU the
    number of dead units. Non-finite entries are counted apart and left out."""
    Z = np.asarray(Z, dtype=float)
    finite = np.isfinite(Z)
    values = Z[finite]
    n = max(values.size, 1)
    if name == "softmax":
        saturated = float("nan")
    else:
        saturated = float(saturated_mask(name, values, threshold, alpha).sum() / n)
    dead = n_units = None
    if Z.ndim == 2:
        n_units = Z.shape[0]
        if name == "relu":
            dead = int(np.all(Z <= 0, axis=1).sum())
    return PreactivationStats(int(values.size), int(Z.size - values.size), saturated,
                              float((values < 0).sum() / n), dead, n_units)
