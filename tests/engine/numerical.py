"""Two-sided numerical gradients for the tests: the plain loop, independent of the engine's
own gradient-check code, so backprop is checked against mathematics."""
import numpy as np


def numerical_gradient(J, theta, eps=1e-6):
    g = np.zeros_like(theta)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + eps
        jp = J()
        theta[i] = old - eps
        jm = J()
        theta[i] = old
        g[i] = (jp - jm) / (2 * eps)
    return g


def relative_difference(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
