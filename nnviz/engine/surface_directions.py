"""The two directions a cost-surface slice is spanned by, and a path's place in it (NumPy).

This module owns choosing ``d1`` and ``d2`` for ``J(theta + alpha d1 + beta d2)``
(reference §7) and checking them (:class:`SurfaceDirections`: finite, non-zero, not
parallel): two chosen parameters as exact axes (:func:`parameter_directions`), two seeded
random directions, filter-normalized after Li et al. 2018 so surfaces of differently scaled
nets are comparable (:func:`random_directions`), the first two principal components of the
recorded trajectory (:func:`pca_directions`), and the trajectory's coordinates in a slice
(:func:`project_trajectory`). Evaluating ``J`` on the grid lives in
:mod:`nnviz.engine.cost_surface`, which re-exports these names.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gradcheck.indexing import element_label, parse_parameter, tensor_infos
from .network import Network

KINDS = ("parameters", "random", "pca", "custom")


@dataclass(frozen=True)
class SurfaceDirections:
    kind: str  # one of KINDS
    d1: np.ndarray  # (n_params,), float64, layout order
    d2: np.ndarray
    labels: tuple[str, str]  # axis labels, e.g. "W1[0,0]" or "PC1 (83.1% of variance)"
    explained_variance: tuple[float, float] | None = None  # PCA: fractions of the variance
    parameters: tuple[int, int] | None = None  # "parameters": the two flat indices
    seed: int | None = None  # "random"
    filter_normalized: bool = False

    def __post_init__(self):
        for name in ("d1", "d2"):
            d = np.array(getattr(self, name), dtype=np.float64).reshape(-1)
            if not np.isfinite(d).all():
                raise ValueError(f"direction {name} contains NaN or infinite values")
            if not np.any(d):
                raise ValueError(f"direction {name} is all zeros")
            d.setflags(write=False)
            object.__setattr__(self, name, d)
        if self.d1.shape != self.d2.shape:
            raise ValueError(f"the two directions differ in length: {self.d1.size} and {self.d2.size}")
        cos = abs(self.d1 @ self.d2) / (np.linalg.norm(self.d1) * np.linalg.norm(self.d2))
        if cos > 1 - 1e-9:
            raise ValueError("the two directions are parallel: the slice would be a line")


def parameter_directions(net: Network, first, second) -> SurfaceDirections:
    """Unit vectors along two parameters, e.g. ``"W1[0,0]"`` and ``"W1[0,1]"`` (or flat
    indices): ``alpha`` and ``beta`` are then those parameters' offsets from the centre."""
    infos = tensor_infos(net.layout)
    i, j = parse_parameter(infos, first), parse_parameter(infos, second)
    if i == j:
        raise ValueError("choose two different parameters")
    d1 = np.zeros(net.n_params)
    d2 = np.zeros(net.n_params)
    d1[i] = d2[j] = 1.0
    return SurfaceDirections("parameters", d1, d2, (element_label(infos, i, grad=False),
                                                    element_label(infos, j, grad=False)),
                             parameters=(i, j))


def random_directions(net: Network, seed: int = 0, filter_normalize: bool = True,
                      zero_bias: bool = True, centre=None) -> SurfaceDirections:
    """Two Gaussian random directions (``seed``). Filter-normalized (Li et al. 2018): for
    each neuron ``i`` of layer ``l`` the direction's row ``d[W[l]][i, :]`` is rescaled to
    ``||W[l][i, :]||`` of the centre (``net.theta`` unless ``centre`` is given). Bias
    directions are zero (``zero_bias``); with ``zero_bias=False`` a neuron's bias joins its
    weight row in the normalization."""
    theta = centre_vector(net, centre)
    rng = np.random.default_rng(seed)
    ds = [rng.standard_normal(net.n_params) for _ in range(2)]
    if filter_normalize or zero_bias:
        for d in ds:
            for l in range(1, net.L + 1):
                sW, sb = net.param_slice(f"W{l}"), net.param_slice(f"b{l}")
                shape = net.params[f"W{l}"].shape
                dW, W = d[sW].reshape(shape), theta[sW].reshape(shape)
                db, b = d[sb], theta[sb]
                if zero_bias:
                    db[...] = 0.0
                if filter_normalize:
                    if zero_bias:
                        target = np.linalg.norm(W, axis=1)
                        now = np.linalg.norm(dW, axis=1)
                    else:
                        target = np.sqrt((W * W).sum(axis=1) + b * b)
                        now = np.sqrt((dW * dW).sum(axis=1) + db * db)
                    scale = np.divide(target, now, out=np.zeros_like(now), where=now > 0)
                    dW *= scale[:, None]
                    if not zero_bias:
                        db *= scale
    if filter_normalize and not (np.any(ds[0]) and np.any(ds[1])):
        raise ValueError("every weight row is zero, so filter-normalized directions are zero; "
                         "initialize the network or use filter_normalize=False")
    note = " (filter-normalized)" if filter_normalize else ""
    return SurfaceDirections("random", ds[0], ds[1],
                             (f"random direction 1{note}", f"random direction 2{note}"),
                             seed=int(seed), filter_normalized=bool(filter_normalize))


def pca_directions(trajectory, centre=None) -> SurfaceDirections:
    """The first two principal components of ``trajectory - centre`` (rows are recorded
    thetas, oldest first; the centre defaults to the last one), mean-centred. Signs are chosen
    so the first recorded theta has coordinates <= 0 (training moves toward +alpha, +beta)."""
    T = _trajectory(trajectory)
    c = T[-1] if centre is None else np.asarray(centre, dtype=np.float64).reshape(-1)
    if c.size != T.shape[1]:
        raise ValueError(f"the centre has {c.size} values, the trajectory rows {T.shape[1]}")
    M = T - c
    Mc = M - M.mean(axis=0)
    # Eigen-decompose the smaller of the two Gram matrices: (P x P) for a small network,
    # (T x T) for a long trajectory, whose eigenvectors map to the directions via Mc^T.
    small_net = Mc.shape[1] <= Mc.shape[0]
    vals, vecs = np.linalg.eigh(Mc.T @ Mc if small_net else Mc @ Mc.T)
    vals, vecs = vals[::-1], vecs[:, ::-1]
    total = float(np.clip(vals, 0, None).sum())
    if vals.size < 2 or total <= 0 or vals[1] <= 1e-12 * total:
        raise ValueError("the trajectory does not span two directions: record at least three "
                         "different parameter vectors (train a few more steps)")
    dirs = []
    for r in range(2):
        d = vecs[:, r].copy() if small_net else Mc.T @ vecs[:, r]
        d /= np.linalg.norm(d)
        if (T[0] - c) @ d > 0:
            d = -d
        dirs.append(d)
    ratios = (float(vals[0] / total), float(vals[1] / total))
    labels = (f"PC1 ({100 * ratios[0]:.1f}% of variance)",
              f"PC2 ({100 * ratios[1]:.1f}% of variance)")
    return SurfaceDirections("pca", dirs[0], dirs[1], labels, explained_variance=ratios)


def project_trajectory(trajectory, directions: SurfaceDirections, centre) -> np.ndarray:
    """``(T, 2)`` coordinates ``(alpha, beta)`` of each recorded theta in the slice: the
    least-squares solution of ``theta_t - centre = alpha d1 + beta d2`` (for orthonormal
    directions simply the projections)."""
    T = _trajectory(trajectory, min_rows=1)
    c = np.asarray(centre, dtype=np.float64).reshape(-1)
    D = np.stack([directions.d1, directions.d2], axis=1)
    if T.shape[1] != D.shape[0] or c.size != D.shape[0]:
        raise ValueError(f"the trajectory rows ({T.shape[1]}), the centre ({c.size}) and the "
                         f"directions ({D.shape[0]}) must have the same length")
    return np.linalg.solve(D.T @ D, D.T @ (T - c).T).T


def centre_vector(net: Network, centre) -> np.ndarray:
    """``centre`` (default ``net.theta``) as a checked float64 copy."""
    if centre is None:
        c = np.array(net.theta, dtype=np.float64)
    else:
        c = np.asarray(centre, dtype=np.float64).reshape(-1).copy()
        if c.size != net.n_params:
            raise ValueError(f"centre has {c.size} values, the network {net.n_params} parameters")
    if not np.isfinite(c).all():
        raise ValueError("the centre parameters contain NaN or infinite values")
    return c


def _trajectory(trajectory, min_rows: int = 3) -> np.ndarray:
    T = np.asarray(trajectory, dtype=np.float64)
    if T.ndim != 2 or T.shape[0] < min_rows:
        raise ValueError(f"a trajectory is a (T, n_params) array with T >= {min_rows} recorded "
                         f"thetas, got shape {T.shape}")
    if not np.isfinite(T).all():
        raise ValueError("the trajectory contains NaN or infinite values")
    return T
