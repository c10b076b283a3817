"""Optimizers, separate from the network: each updates a flat ``theta`` from a flat ``grad``.

Hyperparameters are plain attributes; change them between steps and the next step uses them
(the app's sliders do this). ``reset()`` forgets the moving averages.
"""
from __future__ import annotations

import math

import numpy as np

# Every step works in theta's dtype: the hyperparameters enter as Python floats (a NumPy
# float64 scalar would promote a float32 array to float64 under NumPy 2).


class GradientDescent:
    """``theta -= alpha * dtheta``."""

    name = "gd"

    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = learning_rate

    def reset(self):
        pass

    def step(self, theta, grad):
        theta -= float(self.learning_rate) * grad

    def settings(self) -> dict:
        return {"optimizer": self.name, "learning_rate": self.learning_rate}


class Momentum(GradientDescent):
    """``v = beta v + (1 - beta) dtheta``; ``theta -= alpha v`` (the course's form)."""

    name = "momentum"

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

    def settings(self) -> dict:
        return {**super().settings(), "beta": self.beta}


class Adam(GradientDescent):
    """Adam with bias correction, as in the course (``beta1 = 0.9, beta2 = 0.999``)."""

    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.reset()

    def reset(self):
        self.m = self.v = None
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
        # Bias correction folded into the step size (same result, two fewer array passes).
        correction2 = math.sqrt(1.0 - b2**self.t)
        step = float(self.learning_rate) * correction2 / (1.0 - b1**self.t)
        theta -= step * self.m / (np.sqrt(self.v) + float(self.epsilon) * correction2)

    def settings(self) -> dict:
        return {**super().settings(), "beta1": self.beta1, "beta2": self.beta2,
                "epsilon": self.epsilon}


OPTIMIZERS = {cls.name: cls for cls in (GradientDescent, Momentum, Adam)}


def make_optimizer(name: str, **kwargs):
    try:
        return OPTIMIZERS[name](**kwargs)
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}") from None
