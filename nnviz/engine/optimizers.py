"""Optimizers, separate from the network: each updates a flat ``theta`` from a flat ``grad``.

In the course's form (``dθ`` the gradient of the step's mini-batch, ``t`` the step count):

- gradient descent: ``θ := θ - α dθ``;
- momentum: ``v := β v + (1-β) dθ``, ``θ := θ - α v``;
- RMSprop: ``s := β₂ s + (1-β₂) dθ²``, ``θ := θ - α dθ / (√s + ε)``;
- Adam: both averages, bias-corrected ``v̂ = v / (1-β₁ᵗ)``, ``ŝ = s / (1-β₂ᵗ)`` (switchable),
  ``θ := θ - α v̂ / (√ŝ + ε)``.

Hyperparameters are plain attributes; change them between steps and the next step uses them
(the app's sliders do this). ``reset()`` forgets the moving averages. ``velocity`` (the
course's v) and ``squares`` (s) name the state whatever an optimizer calls it inside (Adam's
``m``/``v`` are kept so saved sessions keep their meaning). ``next_step(grad)`` is the
``Δθ`` a step would apply now, without taking it (the cost surface draws it).
"""
from __future__ import annotations

import math

import numpy as np

# Every step works in theta's dtype: the hyperparameters enter as Python floats (a NumPy
# float64 scalar would promote a float32 array to float64 under NumPy 2).


class GradientDescent:
    """``theta -= alpha * dtheta``."""

    name = "gd"
    state_attributes: tuple[str, ...] = ()  # the optimizer's memory (copied by next_step)

    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = learning_rate

    def reset(self):
        pass

    def step(self, theta, grad):
        theta -= float(self.learning_rate) * grad

    def settings(self) -> dict:
        return {"optimizer": self.name, "learning_rate": self.learning_rate}

    @property
    def velocity(self):
        """The course's v (EWA of dθ), or None for optimizers without one."""
        return None

    @property
    def squares(self):
        """The course's s (EWA of dθ²), or None."""
        return None

    def next_step(self, grad) -> np.ndarray:
        """The change ``Δθ`` that ``step(theta, grad)`` would make now; the optimizer's
        state is left exactly as it was."""
        saved = {name: _copy(getattr(self, name)) for name in self.state_attributes}
        delta = np.zeros_like(grad)
        try:
            self.step(delta, grad)
        finally:
            for name, value in saved.items():
                setattr(self, name, value)
        return delta


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


class Momentum(GradientDescent):
    """``v = beta v + (1 - beta) dtheta``; ``theta -= alpha v`` (the course's form)."""

    name = "momentum"
    state_attributes = ("v",)

    def __init__(self, learning_rate: float = 0.01, beta: float = 0.9):
        super().__init__(learning_rate)
        self.beta = beta
        self.v = None

    def reset(self):
        self.v = None

    def step(self, theta, grad):
        if self.v is None or self.v.shape != grad.shape:
            self.v = np.zeros_like(grad)
        beta = float(self.beta)
        self.v *= beta
        self.v += (1.0 - beta) * grad
        theta -= float(self.learning_rate) * self.v

    @property
    def velocity(self):
        return self.v

    def settings(self) -> dict:
        return {**super().settings(), "beta": self.beta}


class RMSprop(GradientDescent):
    """``s = beta2 s + (1 - beta2) dtheta²``; ``theta -= alpha dtheta / (sqrt(s) + eps)``.

    The course writes RMSprop's β as β₂ (it is Adam's second average), default 0.999."""

    name = "rmsprop"
    state_attributes = ("s",)

    def __init__(self, learning_rate: float = 0.001, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.beta2, self.epsilon = beta2, epsilon
        self.s = None

    def reset(self):
        self.s = None

    def step(self, theta, grad):
        if self.s is None or self.s.shape != grad.shape:
            self.s = np.zeros_like(grad)
        b2 = float(self.beta2)
        self.s *= b2
        self.s += (1.0 - b2) * grad * grad
        theta -= float(self.learning_rate) * grad / (np.sqrt(self.s) + float(self.epsilon))

    @property
    def squares(self):
        return self.s

    def settings(self) -> dict:
        return {**super().settings(), "beta2": self.beta2, "epsilon": self.epsilon}


class Adam(GradientDescent):
    """Adam as in the course (``beta1 = 0.9, beta2 = 0.999``); ``bias_correction=False``
    uses ``v`` and ``s`` as they are (the first steps are then much too small)."""

    name = "adam"
    state_attributes = ("m", "v", "t")

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, bias_correction: bool = True):
        super().__init__(learning_rate)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.bias_correction = bool(bias_correction)
        self.reset()

    def reset(self):
        self.m = self.v = None  # the course's v and s (names kept for saved sessions)
        self.t = 0

    def step(self, theta, grad):
        if self.m is None or self.m.shape != grad.shape:
            self.m, self.v, self.t = np.zeros_like(grad), np.zeros_like(grad), 0
        self.t += 1
        b1, b2 = float(self.beta1), float(self.beta2)
        self.m *= b1
        self.m += (1.0 - b1) * grad
        self.v *= b2
        self.v += (1.0 - b2) * grad * grad
        if self.bias_correction:
            # Folded into the step size (the same quantity, two fewer array passes):
            # alpha v/(1-b1^t) / (sqrt(s/(1-b2^t)) + eps).
            correction2 = math.sqrt(1.0 - b2**self.t)
            step = float(self.learning_rate) * correction2 / (1.0 - b1**self.t)
            theta -= step * self.m / (np.sqrt(self.v) + float(self.epsilon) * correction2)
        else:
            theta -= float(self.learning_rate) * self.m / (np.sqrt(self.v)
                                                           + float(self.epsilon))

    @property
    def velocity(self):
        return self.m

    @property
    def squares(self):
        return self.v

    def corrections(self, t: int | None = None) -> tuple[float, float]:
        """``(1 - β₁ᵗ, 1 - β₂ᵗ)`` at step ``t`` (default: the last one); ``(1, 1)`` with the
        correction off."""
        t = self.t if t is None else t
        if not self.bias_correction or t <= 0:
            return 1.0, 1.0
        return 1.0 - float(self.beta1) ** t, 1.0 - float(self.beta2) ** t

    def settings(self) -> dict:
        return {**super().settings(), "beta1": self.beta1, "beta2": self.beta2,
                "epsilon": self.epsilon, "bias_correction": self.bias_correction}


OPTIMIZERS = {cls.name: cls for cls in (GradientDescent, Momentum, RMSprop, Adam)}


def make_optimizer(name: str, **kwargs):
    try:
        return OPTIMIZERS[name](**kwargs)
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}") from None
