"""Activation functions and their slopes, in one table.

Each entry gives ``g(z)`` and ``g'(z)``; the slope may use the already computed ``a = g(z)``
(the course writes sigmoid's slope as ``a(1 - a)`` and tanh's as ``1 - a^2``), which saves
an ``exp`` in backprop. ``alpha`` is the one shape parameter (leaky ReLU's negative slope,
ELU's saturation value); the other functions ignore it.

ReLU's slope at exactly ``z = 0`` is taken as 0 (and leaky ReLU's as ``alpha``): the
function has a kink there, and the gradient check flags elements that sit near it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)


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
    return (z > 0).astype(z.dtype)


def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z)


def _leaky_relu_slope(z, a, alpha=0.01):
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)


def linear(z, alpha=None):
    return z


def _linear_slope(z, a, alpha=None):
    return np.ones_like(z)


def elu(z, alpha=1.0):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def _elu_slope(z, a, alpha=1.0):
    return np.where(z > 0, 1.0, a + alpha).astype(z.dtype)


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
    return act.slope(z, act.g(z, al), al)


def _alpha(act: Activation, alpha):
    return act.default_alpha if alpha is None else alpha
