"""Input features for two-input data, as in the TensorFlow Playground (pure NumPy).

A :class:`FeatureMap` turns the raw inputs ``(x1, x2)`` into the checked features, one row
each, *before* normalization (so the standardizer is fitted on the features the network
sees)::

    fm = FeatureMap(["x1^2", "x2^2"])
    fm.apply(X)            # (2, m) raw -> (2, m): x1^2 and x2^2
    fm.to_dict()           # JSON-able spec; FeatureMap.from_dict(...) rebuilds it

With ``x1^2`` and ``x2^2`` a network with no hidden layer separates two concentric circles:
the boundary ``w1 x1^2 + w2 x2^2 + b = 0`` is an ellipse. Features are a fixed map, so they
change what the first layer sees, never how gradients flow through the network.
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

RAW_INPUTS = ("x1", "x2")

# name -> (display label, function of the raw (2, m) inputs). The order is the canonical one.
_FEATURES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "x1": ("x1", lambda X: X[0]),
    "x2": ("x2", lambda X: X[1]),
    "x1^2": ("x1²", lambda X: X[0] * X[0]),
    "x2^2": ("x2²", lambda X: X[1] * X[1]),
    "x1*x2": ("x1·x2", lambda X: X[0] * X[1]),
    "sin(x1)": ("sin x1", lambda X: np.sin(X[0])),
    "sin(x2)": ("sin x2", lambda X: np.sin(X[1])),
}
FEATURE_NAMES = tuple(_FEATURES)
FEATURE_LABELS = {name: label for name, (label, _) in _FEATURES.items()}
SPEC_FORMAT = "nnviz-features"


class FeatureMap:
    """The checked features, in canonical order (so the same set is the same map)."""

    def __init__(self, names: Iterable[str]):
        names = [str(n) for n in names]
        unknown = [n for n in names if n not in _FEATURES]
        if unknown:
            raise ValueError(f"unknown input feature(s) {unknown}; choose from "
                             f"{', '.join(FEATURE_NAMES)}")
        if len(set(names)) != len(names):
            raise ValueError(f"each input feature can be checked once, got {names}")
        if not names:
            raise ValueError("check at least one input feature")
        self.names: tuple[str, ...] = tuple(n for n in FEATURE_NAMES if n in names)

    @classmethod
    def identity(cls) -> "FeatureMap":
        return cls(RAW_INPUTS)

    @property
    def n_inputs(self) -> int:
        """Raw inputs it reads: always the two coordinates."""
        return len(RAW_INPUTS)

    @property
    def n_features(self) -> int:
        return len(self.names)

    @property
    def labels(self) -> tuple[str, ...]:
        """Display labels (``x1²``, ``x1·x2``, ``sin x1``)."""
        return tuple(FEATURE_LABELS[n] for n in self.names)

    @property
    def is_identity(self) -> bool:
        return self.names == RAW_INPUTS

    def apply(self, X) -> np.ndarray:
        """Raw inputs ``(2, m)`` -> features ``(n_features, m)`` (float64)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != self.n_inputs:
            raise ValueError(f"input features are defined for two-input data (x1, x2); "
                             f"got inputs of shape {X.shape}")
        out = np.empty((self.n_features, X.shape[1]))
        for row, name in enumerate(self.names):
            out[row] = _FEATURES[name][1](X)
        return out

    def to_dict(self) -> dict:
        return {"format": SPEC_FORMAT, "inputs": list(RAW_INPUTS), "features": list(self.names)}

    @classmethod
    def from_dict(cls, spec) -> "FeatureMap":
        """Rebuild from :meth:`to_dict`; ``ValueError`` says what is wrong with ``spec``."""
        if not isinstance(spec, dict) or not isinstance(spec.get("features"), list):
            raise ValueError("a feature spec is an object with a 'features' list")
        if spec.get("inputs", list(RAW_INPUTS)) != list(RAW_INPUTS):
            raise ValueError(f"feature inputs must be {list(RAW_INPUTS)}, "
                             f"got {spec.get('inputs')!r}")
        if not all(isinstance(n, str) for n in spec["features"]):
            raise ValueError("feature names must be strings")
        return cls(spec["features"])

    def __eq__(self, other) -> bool:
        return isinstance(other, FeatureMap) and other.names == self.names

    def __hash__(self) -> int:
        return hash(self.names)

    def __repr__(self) -> str:
        return f"FeatureMap({list(self.names)!r})"


class InputPipeline:
    """Raw inputs -> what the first layer sees: the features, then the standardizer.

    ``features=None``: the raw inputs as they are; ``standardizer=None``: not normalized.
    """

    def __init__(self, features: FeatureMap | None = None, standardizer=None):
        self.features = features
        self.standardizer = standardizer

    def transform(self, X_raw) -> np.ndarray:
        X = np.asarray(X_raw, dtype=np.float64)
        if self.features is not None:
            X = self.features.apply(X)
        return X if self.standardizer is None else self.standardizer.transform(X)
