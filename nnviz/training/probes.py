"""What the worker measures on the network for a snapshot (pure NumPy, worker thread only).

- the decision boundary over the input plane (two features) or the response curve (one),
- a confusion matrix or predicted-vs-true values (more features),
- per-layer ``W, dW, Z, A, dZ`` from one forward and backward pass on the training data.
"""
from __future__ import annotations

import numpy as np

from .history import read_only
from .snapshot import (BoundaryGrid, Evaluation, LayerSnapshot, MisclassifiedImages,
                       ResponseCurve, UnitPictures)

# Work budget of one boundary grid: per grid point, the forward pass's multiply-adds plus
# UNIT_WORK for each unit's activation and picture (measured: these dominate small networks).
# The resolution adapts to the network so the snapshot stays cheap: the course network gets
# 160 x 160 (about 3 ms with its pictures, see benchmarks/app_responsiveness.py), wide ones
# less. The plot draws the grid smoothly (bilinear), so no stair steps show either way.
GRID_BUDGET = 4_000_000
UNIT_WORK = 20
GRID_MIN, GRID_MAX = 24, 160
LAYER_SAMPLE_BUDGET = 60_000      # elements per Z/A/dZ array set across all layers
LAYER_SAMPLE_MAX_COLUMNS = 256
MAX_PICTURED_UNITS = 16           # neuron pictures per layer (the network diagram's thumbnails)
MAX_MISCLASSIFIED_PICTURES = 40   # image data: wrong examples pictured per snapshot


def grid_resolution(layer_dims) -> int:
    per_example = (sum(a * b for a, b in zip(layer_dims[:-1], layer_dims[1:]))
                   + UNIT_WORK * sum(layer_dims[1:]))
    n = int(np.sqrt(GRID_BUDGET / max(per_example, 1)))
    return int(np.clip(n, GRID_MIN, GRID_MAX))


def padded_range(values: np.ndarray, pad: float = 0.1) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo if hi > lo else max(abs(lo), 1.0)
    return lo - pad * span, hi + pad * span


def plane_axes(X_raw: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced raw-unit coordinates covering all points with a margin."""
    xs = np.linspace(*padded_range(X_raw[0]), resolution)
    ys = np.linspace(*padded_range(X_raw[1]), resolution)
    return xs, ys


def _outputs(net, X_net: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return net.predict_output(X_net.astype(net.dtype, copy=False))


def picture_levels(activation: str, A: np.ndarray) -> tuple[tuple[float, float], str]:
    """Colour range and scale of a layer's pictures, with the engine's convention
    (``nnviz.engine.inspection.value_scale``): 0..1 for sigmoid/softmax, 0..max for ReLU and
    softplus, symmetric around 0 for the rest, and -1..1 for tanh (its whole range, so a
    saturated unit shows full colour)."""
    from nnviz.engine.inspection import value_scale

    scale = value_scale(activation)
    if scale == "unit":
        return (0.0, 1.0), scale
    if activation == "tanh":
        return (-1.0, 1.0), scale
    top = float(A.max() if scale == "positive" else np.abs(A).max()) if A.size else 0.0
    top = top if top > 0 else 1.0
    return ((0.0, top) if scale == "positive" else (-top, top)), scale


def boundary_grid(net, standardizer, xs: np.ndarray, ys: np.ndarray, task: str,
                  normalized: bool, max_units: int = 0) -> BoundaryGrid | None:
    """The network's output on the grid ``xs x ys`` of raw input values (None if not finite).

    ``max_units > 0`` also pictures every layer's first ``max_units`` units ``A[l]_j`` from
    the same forward pass (its caches hold every ``A[l]``), and every input feature as the
    network sees it (``A[0]``)."""
    gx, gy = np.meshgrid(xs, ys)
    X = np.vstack([gx.ravel(), gy.ravel()])
    if normalized:
        X = standardizer.transform(X)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _, caches = net.forward(X.astype(net.dtype, copy=False))
    A = caches[-1].A  # the head's output A[L]
    if not np.isfinite(A).all():
        return None
    shape = gy.shape
    units = _unit_pictures(net, caches, shape, max_units) if max_units > 0 else ()
    inputs = input_pictures(X, shape) if max_units > 0 else ()
    if task == "multiclass":
        probs = A.reshape((A.shape[0],) + shape)
        return BoundaryGrid(task, read_only(xs), read_only(ys), read_only(probs.max(axis=0)),
                            classes=read_only(probs.argmax(axis=0)),
                            probabilities=read_only(probs), units=units, inputs=inputs)
    values = A[0].reshape(shape)
    contour = contour_segments(values, xs, ys, 0.5) if task == "binary" else None
    return BoundaryGrid(task, read_only(xs), read_only(ys), read_only(values),
                        contour=None if contour is None else read_only(contour), units=units,
                        inputs=inputs)


def input_pictures(X: np.ndarray, shape) -> tuple[UnitPictures, ...]:
    """Each row of the network's input ``X`` (``(n_x, ny * nx)``, the grid as the network
    sees it) as a picture coloured around 0 over its own range (features differ in scale)."""
    pictures = []
    n_x = X.shape[0]
    for j in range(n_x):
        with np.errstate(over="ignore", invalid="ignore"):
            values = X[j].reshape((1,) + tuple(shape)).astype(np.float32)
            top = float(np.abs(values).max()) if values.size else 0.0
        if not np.isfinite(top):
            return ()
        top = top if top > 0 else 1.0
        pictures.append(UnitPictures(0, "input", n_x, read_only(values), (-top, top),
                                     "diverging"))
    return tuple(pictures)


def _unit_pictures(net, caches, shape, max_units: int) -> tuple[UnitPictures, ...]:
    acts = net.layer_activations
    pictures = []
    for l, cache in enumerate(caches, start=1):
        A = cache.A[:max_units]
        if not np.isfinite(A).all():
            return ()  # overflowed somewhere: no pictures rather than wrong colours
        levels, scale = picture_levels(acts[l - 1], A)
        with np.errstate(over="ignore"):
            values = A.reshape((A.shape[0],) + shape).astype(np.float32)
        if not (np.isfinite(values).all() and np.isfinite(levels[1] - levels[0])):
            return ()  # beyond float32 (a diverging run): no pictures
        pictures.append(UnitPictures(l, acts[l - 1], int(cache.A.shape[0]), read_only(values),
                                     levels, scale))
    return tuple(pictures)


def contour_segments(values: np.ndarray, xs: np.ndarray, ys: np.ndarray,
                     level: float) -> np.ndarray:
    """The ``values == level`` contour as line segments, ``(k, 2, 2)``: segment, end, (x, y).

    Marching squares, vectorized over the cells the contour crosses; edge crossings are
    linearly interpolated. ``values[i, j]`` is the value at ``(xs[j], ys[i])``. Saddle cells
    are resolved with the cell's mean.
    """
    v = np.asarray(values, dtype=np.float64)
    above = v > level
    ny, nx = v.shape
    mixed = (above[:-1, :-1] != above[:-1, 1:]) | (above[:-1, :-1] != above[1:, :-1]) | \
        (above[:-1, :-1] != above[1:, 1:])
    i, j = np.nonzero(mixed)
    if i.size == 0:
        return np.zeros((0, 2, 2))
    v00, v01, v10, v11 = v[i, j], v[i, j + 1], v[i + 1, j], v[i + 1, j + 1]
    a00, a01, a10, a11 = above[i, j], above[i, j + 1], above[i + 1, j], above[i + 1, j + 1]
    x0, x1, y0, y1 = xs[j], xs[j + 1], ys[i], ys[i + 1]

    def t(a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = (level - a) / (b - a)
        return np.clip(np.nan_to_num(r, nan=0.5), 0.0, 1.0)

    # Crossing flag and point of each edge: bottom, right, top, left.
    edges = [
        (a00 != a01, np.stack([x0 + t(v00, v01) * (x1 - x0), y0], axis=-1)),
        (a01 != a11, np.stack([x1, y0 + t(v01, v11) * (y1 - y0)], axis=-1)),
        (a10 != a11, np.stack([x0 + t(v10, v11) * (x1 - x0), y1], axis=-1)),
        (a00 != a10, np.stack([x0, y0 + t(v00, v10) * (y1 - y0)], axis=-1)),
    ]
    crossings = sum(flag.astype(np.int8) for flag, _ in edges)
    segments = []

    def add(mask, e1, e2):
        if mask.any():
            segments.append(np.stack([edges[e1][1][mask], edges[e2][1][mask]], axis=1))

    two = crossings == 2
    for e1, e2 in ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)):
        add(two & edges[e1][0] & edges[e2][0], e1, e2)
    saddle = crossings == 4
    if saddle.any():
        centre_above = (v00 + v01 + v10 + v11) / 4 > level
        same = centre_above == a00  # the v00-v11 diagonal is connected through the centre
        add(saddle & same, 0, 1)
        add(saddle & same, 2, 3)
        add(saddle & ~same, 0, 3)
        add(saddle & ~same, 1, 2)
    return np.concatenate(segments) if segments else np.zeros((0, 2, 2))


def response_curve(net, standardizer, X_raw: np.ndarray, task: str, normalized: bool,
                   n: int = 300) -> ResponseCurve | None:
    xs = np.linspace(*padded_range(X_raw[0]), n)
    X = xs.reshape(1, -1)
    if normalized:
        X = standardizer.transform(X)
    A = _outputs(net, X)
    if not np.isfinite(A).all():
        return None
    return ResponseCurve(task, read_only(xs), read_only(A))


def evaluation(net, X: np.ndarray, y: np.ndarray, task: str, n_classes: int,
               split: str, max_points: int = 3000) -> Evaluation | None:
    if X.shape[1] == 0:
        return None
    A = _outputs(net, X)
    if not np.isfinite(A).all():
        return None
    if task == "regression":
        k = min(max_points, y.size)
        return Evaluation(split, None, read_only(y[:k]), read_only(A[0, :k]))
    predicted = (A[0] > 0.5).astype(np.intp) if task == "binary" else A.argmax(axis=0)
    K = max(n_classes, 2)
    confusion = np.zeros((K, K), dtype=np.int64)
    np.add.at(confusion, (y.astype(np.intp), predicted), 1)
    return Evaluation(split, read_only(confusion), None, None)


def misclassified_images(net, X: np.ndarray, X_raw: np.ndarray, y: np.ndarray,
                         image_shape, limit: int = MAX_MISCLASSIFIED_PICTURES
                         ) -> MisclassifiedImages | None:
    """The wrong examples of ``X`` (what the network sees) as ``image_shape`` pictures of
    their raw pixels ``X_raw``; None when the output is not finite."""
    from nnviz.engine.inspection import misclassified

    rows, cols = (int(n) for n in image_shape)
    if X.shape[1] == 0 or rows * cols != X_raw.shape[0]:
        return None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if not np.isfinite(net.predict_output(X.astype(net.dtype, copy=False))).all():
            return None
        wrong = misclassified(net, X, y)
    shown = wrong.indices[:limit]
    pictures = X_raw[:, shown].T.reshape(len(shown), rows, cols)
    return MisclassifiedImages((rows, cols), read_only(pictures),
                               read_only(wrong.predicted[:limit]), read_only(wrong.true[:limit]),
                               int(wrong.indices.size), wrong.n_total)


def sample_columns(m: int, layer_dims, seed: int = 0) -> np.ndarray:
    """A fixed, sorted subset of example indices for the per-layer Z/A/dZ arrays."""
    units = max(sum(layer_dims[1:]), 1)
    k = int(np.clip(LAYER_SAMPLE_BUDGET // units, 16, LAYER_SAMPLE_MAX_COLUMNS))
    if m <= k:
        return np.arange(m)
    return np.sort(np.random.default_rng(seed).choice(m, size=k, replace=False))


def _finite(a: np.ndarray) -> np.ndarray:
    """Read-only copy with any overflowed entries replaced (plots never see NaN/inf)."""
    if np.isfinite(a).all():
        return read_only(a)
    big = np.finfo(a.dtype).max if np.issubdtype(a.dtype, np.floating) else 0
    return read_only(np.nan_to_num(a, nan=0.0, posinf=big, neginf=-big))


def _norm(a: np.ndarray) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        v = float(np.linalg.norm(a))
    return v if np.isfinite(v) else float(np.finfo(np.float64).max)


def layer_probe(net, X: np.ndarray, Y: np.ndarray, lambd: float,
                columns: np.ndarray) -> tuple[float, list[LayerSnapshot], list, dict]:
    """One forward and backward pass on ``(X, Y)`` (no dropout, L2 included).

    Returns ``(J, layer snapshots, caches, grads)``; caches and grads are the engine's own
    (live) arrays, for further statistics before the next step overwrites them.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        J, caches, grads = net.gradients(X, Y, lambd, keep_dZ=True)
    layers = []
    acts = net.layer_activations
    for l in range(1, net.L + 1):
        cache = caches[l - 1]
        W, b = net.params[f"W{l}"], net.params[f"b{l}"]
        dW, db, dZ = grads[f"dW{l}"], grads[f"db{l}"], grads[f"dZ{l}"]
        abs_dW = np.abs(dW)
        layers.append(LayerSnapshot(
            index=l, units=net.layer_dims[l], activation=acts[l - 1],
            W=_finite(W), b=_finite(b), dW=_finite(dW), db=_finite(db),
            Z=_finite(cache.Z[:, columns]), A=_finite(cache.A[:, columns]),
            dZ=_finite(dZ[:, columns]),
            W_norm=_norm(W), dW_norm=_norm(dW), db_norm=_norm(db), dZ_norm=_norm(dZ),
            dW_mean_abs=float(abs_dW.mean()) if np.isfinite(abs_dW).all() else 0.0,
            dW_max_abs=float(abs_dW.max()) if np.isfinite(abs_dW).all() else 0.0,
        ))
    return float(J), layers, caches, grads
