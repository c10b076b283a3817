"""What a learner looks at inside a network, as plain arrays (pure NumPy, no Qt).

- :func:`unit_maps`: every unit's activation ``A[l]_j`` over a grid of the input plane, from
  one forward pass (the caches hold every layer), with the colour-scale convention of its
  activation (:func:`value_scale`);
- :func:`first_layer_images`: each first-layer unit's row of ``W[1]`` as a picture, for image
  data such as the 8x8 digits;
- :func:`misclassified`: the examples the network gets wrong, with the predicted labels;
- :func:`set_parameter`: one weight or bias set to a value (the weight editor).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network


@dataclass(frozen=True)
class UnitMaps:
    """``maps[l - 1]`` is ``(n[l], len(ys), len(xs))``: unit j of layer l over the grid (the
    last layer is the output ``A[L]``). ``scales[l - 1]`` is that layer's
    :func:`value_scale`; ``ranges[l - 1]`` the ``(low, high)`` to colour it with."""

    xs: np.ndarray
    ys: np.ndarray
    maps: tuple[np.ndarray, ...]
    activations: tuple[str, ...]
    scales: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]


def value_scale(activation: str) -> str:
    """How to colour an activation's values, as the decision boundary does: ``"unit"`` (0..1:
    sigmoid, softmax), ``"positive"`` (0..max: ReLU, softplus) or ``"diverging"`` (around 0:
    tanh, linear, leaky ReLU, ...)."""
    if activation in ("sigmoid", "softmax"):
        return "unit"
    if activation in ("relu", "softplus"):
        return "positive"
    return "diverging"


def _range(values: np.ndarray, scale: str) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    top = float(np.max(np.abs(finite))) if finite.size else 1.0
    top = top if top > 0 else 1.0
    if scale == "unit":
        return 0.0, 1.0
    if scale == "positive":
        return 0.0, top
    return -top, top


def unit_maps(net: Network, xs, ys, to_inputs=None) -> UnitMaps:
    """Every unit's activation over the grid ``xs x ys`` of the raw input plane.

    ``to_inputs(X_raw) -> X`` maps raw ``(2, k)`` points to the network's inputs (features and
    normalization, e.g. a session's ``input_pipeline.transform``); None: the raw points. One
    forward pass; dropout is not applied (this is the trained network's function).
    """
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    gx, gy = np.meshgrid(xs, ys)
    X = np.vstack([gx.ravel(), gy.ravel()])
    if to_inputs is not None:
        X = to_inputs(X)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _, caches = net.forward(np.asarray(X, dtype=net.dtype))
    shape = (ys.size, xs.size)
    maps = tuple(np.asarray(c.A, dtype=np.float64).reshape((c.A.shape[0],) + shape)
                 for c in caches)
    acts = tuple(net.layer_activations)
    scales = tuple(value_scale(a) for a in acts)
    return UnitMaps(xs, ys, maps, acts, scales,
                    tuple(_range(m, s) for m, s in zip(maps, scales)))


def first_layer_images(net: Network, image_shape) -> np.ndarray:
    """``W[1]`` as ``(n[1], rows, cols)`` pictures: unit j's incoming weights laid out as the
    input image (row-major, like the pixels). The values are the weights themselves; a view
    colours them diverging around 0."""
    rows, cols = (int(n) for n in image_shape)
    W1 = net.params["W1"]
    if rows * cols != W1.shape[1]:
        raise ValueError(f"an image of {rows}x{cols} needs {rows * cols} inputs; the network "
                         f"has {W1.shape[1]}")
    return np.array(W1, dtype=np.float64).reshape(W1.shape[0], rows, cols)


@dataclass(frozen=True)
class Misclassified:
    """The examples (columns of ``X``) the network gets wrong."""

    indices: np.ndarray     # into the columns of the X given
    predicted: np.ndarray   # predicted class index of each
    true: np.ndarray        # its label
    n_total: int            # how many examples were looked at


def misclassified(net: Network, X, y, limit: int | None = None) -> Misclassified:
    """The first ``limit`` (all if None) examples of ``X`` whose predicted class is not ``y``.
    ``X`` is what the network sees (normalized if trained so); classification only."""
    if net.head not in ("sigmoid", "softmax"):
        raise ValueError("misclassified examples need a classification network")
    y = np.asarray(y).astype(np.intp).reshape(-1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        predicted = net.predict(np.asarray(X, dtype=net.dtype))
    wrong = np.flatnonzero(predicted != y)
    if limit is not None:
        wrong = wrong[:max(int(limit), 0)]
    return Misclassified(wrong, predicted[wrong], y[wrong], int(y.size))


def set_parameter(net: Network, name: str, index, value: float) -> float:
    """Set ``W[l][i, j]`` (``name="W2", index=(i, j)``) or ``b[l][i]`` (``"b1", i``) to a
    finite ``value``; returns the old value. ``ValueError`` names what is wrong."""
    if name not in net.params:
        raise ValueError(f"the network has no parameter {name!r}; it has "
                         f"{', '.join(net.params)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"a parameter must be a finite number, got {value}")
    array = net.params[name]
    idx = (int(index), 0) if name.startswith("b") and np.ndim(index) == 0 else tuple(
        int(i) for i in np.atleast_1d(index))
    if len(idx) != 2 or not all(0 <= i < n for i, n in zip(idx, array.shape)):
        raise ValueError(f"{name} has shape {array.shape}; index {index!r} is outside it")
    old = float(array[idx])
    array[idx] = value
    return old
