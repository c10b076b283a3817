"""Input normalization, fitted on the training split only.

``mu = (1/m) sum x(i)``, ``sigma^2 = (1/m) sum (x(i) - mu)^2``; the same ``mu, sigma``
transform the test data and anything predicted later, so they travel with exported weights.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Standardizer:
    mean: np.ndarray  # (n_x, 1)
    std: np.ndarray  # (n_x, 1); a zero-variance feature gets 1 so it is only centred
    constant_features: tuple[int, ...] = ()

    @classmethod
    def fit(cls, X_train) -> "Standardizer":
        X_train = np.asarray(X_train, dtype=np.float64)
        mean = X_train.mean(axis=1, keepdims=True)
        std = X_train.std(axis=1, keepdims=True)
        constant = tuple(int(i) for i in np.flatnonzero(std[:, 0] == 0))
        std = np.where(std == 0, 1.0, std)
        return cls(mean, std, constant)

    @classmethod
    def identity(cls, n_x: int) -> "Standardizer":
        return cls(np.zeros((n_x, 1)), np.ones((n_x, 1)))

    def transform(self, X):
        return (X - self.mean) / self.std

    def inverse_transform(self, X):
        return X * self.std + self.mean
