"""The cost surface around ``theta``: ``J(theta + alpha d1 + beta d2)`` on a grid (pure NumPy).

The directions (reference §7: two chosen parameters, filter-normalized random directions,
the trajectory's principal components) and the trajectory projection are built in
:mod:`nnviz.engine.surface_directions` and re-exported here (:func:`parameter_directions`,
:func:`random_directions`, :func:`pca_directions`, :func:`project_trajectory`,
:class:`SurfaceDirections`).

:func:`cost_surface` evaluates the grid, vectorized: all grid points of a chunk go through the
network together (``(grid, examples, units)`` arrays, one batched matrix product per layer).
Layers before the first one the directions touch are computed once; in that first layer
``Z = Z0 + alpha P + beta Q`` is linear in ``(alpha, beta)`` and costs no matrix product at all
(so for two chosen parameters only the layers from the chosen one onward are recomputed);
layers the directions do not touch share one weight matrix for the whole chunk. Chunks bound the
memory. :func:`project_trajectory` gives the path's coordinates in the slice.

Cancellation: ``cancel`` (a ``threading.Event`` or a zero-argument callable) is polled
between layers of every chunk, so a request stops the grid within one layer's matrix product
(tens of milliseconds at 512 units); :class:`SurfaceCancelled` is raised.

``J`` is the training cost ``(1/m) sum loss + (lambda/2m) sum ||W||^2`` on the data as the
network sees it (normalized or not: pass what the trainer uses), or on a fixed subsample
(``max_examples``, seeded); the L2 term keeps the full ``m``, so a subsample estimates the same
``J``. The default dtype is float32 (the app refreshes it live); float64 for exact values.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .gradcheck.example_losses import example_losses
from .gradcheck.problem import Cancelled, Progress
from .network import Network
from .propagation import forward
# The directions are re-exported: callers and tests import them from here.
from .surface_directions import (KINDS, SurfaceDirections, centre_vector,  # noqa: F401
                                 parameter_directions, pca_directions, project_trajectory,
                                 random_directions)

DEFAULT_RESOLUTION = 41
DEFAULT_CHUNK_BYTES = 1024 * 1024  # ~1 MiB per array keeps a chunk in L2 (measured best)
MAX_RESOLUTION = 401


class SurfaceCancelled(Cancelled):
    """Raised inside :func:`cost_surface` / :meth:`CostSurfaceEvaluator.evaluate` when the
    ``cancel`` flag is set or the ``progress`` callback returns ``False``."""

    what = "cost surface"


@dataclass(frozen=True)
class CostSurface:
    alphas: np.ndarray  # (n_alpha,) coordinates along d1
    betas: np.ndarray  # (n_beta,) along d2
    costs: np.ndarray  # (n_beta, n_alpha): costs[i, j] = J(centre + alphas[j] d1 + betas[i] d2)
    centre_cost: float  # J(centre) in float64 on the same examples
    centre: np.ndarray  # the theta at (0, 0)
    directions: SurfaceDirections
    trajectory: np.ndarray | None  # (T, 2) the recorded thetas' coordinates in the slice
    lambd: float
    n_examples: int  # examples J was evaluated on
    subsample: np.ndarray | None  # their indices when a subsample was used
    dtype: str
    elapsed: float  # seconds

    @property
    def axis_labels(self) -> tuple[str, str]:
        return self.directions.labels

    @property
    def minimum(self) -> tuple[float, float, float]:
        """``(alpha, beta, J)`` of the lowest grid point (NaN-safe)."""
        c = np.where(np.isfinite(self.costs), self.costs, np.inf)
        i, j = np.unravel_index(int(np.argmin(c)), c.shape)
        return float(self.alphas[j]), float(self.betas[i]), float(self.costs[i, j])


# -- the grid ----------------------------------------------------------------------------
def cost_surface(net: Network, X, Y, directions: SurfaceDirections, *, centre=None,
                 resolution=DEFAULT_RESOLUTION, extent=None, lambd: float = 0.0,
                 max_examples: int | None = None, seed: int = 0, dtype=np.float32,
                 trajectory=None, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 threads: int = 1, cancel=None, progress=None) -> CostSurface:
    """``J(centre + alpha d1 + beta d2)`` on a ``resolution`` grid (an int, or
    ``(n_alpha, n_beta)``) over ``extent``: a number ``e`` (``[-e, e]`` on both axes), a pair
    ``(e_alpha, e_beta)``, or ``(alpha_min, alpha_max, beta_min, beta_max)``; by default 1 (the
    PCA slice: the trajectory's range plus a margin). ``trajectory`` (recorded thetas) is
    projected into the slice. ``max_examples`` evaluates on a fixed random subsample.
    ``threads > 1`` splits the grid over threads; meant for single-threaded BLAS (as the app's
    training worker sets it), since two threads each running multi-threaded BLAS on two
    cores oversubscribe them. ``cancel`` / ``progress(done, total)`` (returning ``False``
    cancels): see the module docstring."""
    return CostSurfaceEvaluator(net, X, Y, lambd=lambd, max_examples=max_examples, seed=seed,
                                dtype=dtype, chunk_bytes=chunk_bytes, threads=threads).evaluate(
        directions, centre=centre, resolution=resolution, extent=extent, trajectory=trajectory,
        cancel=cancel, progress=progress)


class CostSurfaceEvaluator:
    """Holds the data (and subsample) so the app can refresh the surface while training:
    ``evaluate`` with the current theta as ``centre`` as often as needed."""

    def __init__(self, net: Network, X, Y, *, lambd: float = 0.0,
                 max_examples: int | None = None, seed: int = 0, dtype=np.float32,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES, threads: int = 1):
        X, Y = net.check_data(X, Y, "the data", min_examples=1)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        lambd = float(lambd)
        if not (np.isfinite(lambd) and lambd >= 0):
            raise ValueError(f"lambda must be a finite number >= 0, got {lambd}")
        self.net = net
        self.lambd = lambd
        self.m_full = X.shape[1]
        self.subsample = None
        if max_examples is not None:
            if int(max_examples) < 1:
                raise ValueError(f"max_examples must be at least 1, got {max_examples}")
            if int(max_examples) < X.shape[1]:
                rng = np.random.default_rng(seed)
                self.subsample = np.sort(rng.choice(X.shape[1], int(max_examples), replace=False))
                X, Y = X[:, self.subsample], Y[:, self.subsample]
        self.X64 = np.ascontiguousarray(X, dtype=np.float64)
        self.Y64 = np.ascontiguousarray(Y, dtype=np.float64)
        self.XT = np.ascontiguousarray(X.T, dtype=self.dtype)
        self.YT = np.ascontiguousarray(Y.T, dtype=self.dtype)
        self.chunk_bytes = max(int(chunk_bytes), 1 << 16)
        self.threads = max(1, int(threads))
        self.acts = [get_activation(a) for a in net.activations]
        self.alphas_g = [a.default_alpha if net.alpha is None else net.alpha for a in self.acts]

    @property
    def n_examples(self) -> int:
        return self.XT.shape[0]

    def evaluate(self, directions: SurfaceDirections, *, centre=None,
                 resolution=DEFAULT_RESOLUTION, extent=None, trajectory=None, cancel=None,
                 progress=None) -> CostSurface:
        start = time.perf_counter()
        poll = Progress(0, progress, cancel, error=SurfaceCancelled)
        poll.check()
        net = self.net
        c = centre_vector(net, centre)
        if directions.d1.size != net.n_params:
            raise ValueError(f"the directions have {directions.d1.size} values, the network "
                             f"{net.n_params} parameters; make them for this network")
        coords = None
        if trajectory is not None:
            coords = project_trajectory(trajectory, directions, c)
        alphas, betas = _axes(resolution, extent, directions, coords)
        grid_a, grid_b = np.meshgrid(alphas, betas)  # (n_beta, n_alpha)
        poll.total = grid_a.size
        costs = self._grid(c, directions, grid_a.ravel(), grid_b.ravel(), poll).reshape(
            grid_a.shape)
        poll.check()
        centre_cost = self._cost64(c)
        return CostSurface(_ro(alphas), _ro(betas), _ro(costs), centre_cost, _ro(c.copy()),
                           directions, None if coords is None else _ro(coords), self.lambd,
                           self.n_examples, None if self.subsample is None else _ro(self.subsample),
                           self.dtype.name, time.perf_counter() - start)

    def _cost64(self, theta) -> float:
        """``J(theta)`` in float64 on the same examples, through the engine's own forward."""
        net = self.net
        params = {name: theta[sl].reshape(shape) for name, sl, shape in net.layout}
        ZL, _ = forward(self.X64, params, net.activations, net.head, net.alpha)
        loss = float(example_losses(net.head, np.ascontiguousarray(ZL.T), self.Y64.T).mean())
        return loss + self._penalty(theta)

    def _penalty(self, theta) -> float:
        if not self.lambd:
            return 0.0
        s = sum(float(theta[self.net.param_slice(f"W{l}")] @ theta[self.net.param_slice(f"W{l}")])
                for l in range(1, self.net.L + 1))
        return self.lambd / (2 * self.m_full) * s

    # -- the vectorized grid ---------------------------------------------------------------
    def _grid(self, theta, directions, a, b, poll=None) -> np.ndarray:
        net, dt = self.net, self.dtype
        L, dims, m = net.L, net.layer_dims, self.n_examples
        d1, d2 = directions.d1, directions.d2

        def tensor(vec, l):  # [W[l] b[l]]: (n[l], n[l-1] + 1), times [A[l-1]; 1] gives Z[l]
            W = vec[net.param_slice(f"W{l}")].reshape(dims[l], dims[l - 1])
            bias = vec[net.param_slice(f"b{l}")].reshape(dims[l], 1)
            return np.hstack([W, bias])

        touched = [l for l in range(1, L + 1)
                   if np.any(tensor(d1, l)) or np.any(tensor(d2, l))]
        l0 = touched[0]
        # layers before l0: one forward pass at the centre, in float64
        A = self.X64
        for l in range(1, l0):
            Wb = tensor(theta, l)
            A = self.acts[l - 1].g(Wb[:, :-1] @ A + Wb[:, -1:], self.alphas_g[l - 1])
        A_ext = np.vstack([A, np.ones((1, m))])  # (n[l0-1] + 1, m)
        # layer l0: Z = Z0 + alpha P + beta Q, linear in (alpha, beta): no product per grid point
        basis0 = np.stack([(tensor(v, l0) @ A_ext).ravel() for v in (theta, d1, d2)]).astype(dt)
        layers = []  # (l, per-grid basis (3, n (n_prev + 1)) or None, shared (n, n_prev + 1) or None)
        for l in range(l0 + 1, L + 1):
            if l in touched:
                basis = np.stack([tensor(v, l).ravel() for v in (theta, d1, d2)]).astype(dt)
                layers.append((l, basis, None))
            else:
                layers.append((l, None, tensor(theta, l).astype(dt)))
        coef = np.stack([np.ones_like(a), a, b], axis=1).astype(dt)
        penalty = self._grid_penalty(theta, d1, d2, a, b)

        width = max(dims[l0 - 1:]) + 1
        per = max(1, min(a.size, self.chunk_bytes // (m * width * dt.itemsize)))
        spans = [(s, min(s + per, a.size)) for s in range(0, a.size, per)]
        out = np.empty(a.size)
        threads = min(self.threads, len(spans))

        poll = poll if poll is not None else Progress(a.size)
        lock = threading.Lock()

        def run(k):  # thread k takes every threads-th chunk, with its own buffers
            space = _Workspace(per, m, dims, l0, dt)
            for s, e in spans[k::threads]:
                out[s:e] = self._chunk(coef[s:e], basis0, l0, layers, space, poll)
                with lock:
                    poll.advance(e - s)

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if threads > 1:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(run, range(threads)))
            else:
                run(0)
        return out + penalty

    def _chunk(self, coef, basis0, l0, layers, space, poll=None) -> np.ndarray:
        """Mean loss at ``G`` grid points: arrays are ``(G, units, examples)``."""
        dims = self.net.layer_dims
        G = coef.shape[0]
        Z = space.Z[l0][:G]
        np.matmul(coef, basis0, out=Z.reshape(G, -1))
        for l, per_grid, shared in layers:
            if poll is not None:
                poll.check()  # between layers: one matrix product is the longest wait
            n_prev = dims[l - 1]
            A_ext = space.A_ext[l][:G]  # its last row is all ones: it adds the bias
            _activate(self.acts[l - 2], self.alphas_g[l - 2], Z, A_ext[:, :n_prev])
            Z = space.Z[l][:G]
            if per_grid is not None:
                Wg = space.W[l][:G]
                np.matmul(coef, per_grid, out=Wg.reshape(G, -1))
                np.matmul(Wg, A_ext, out=Z)
            else:
                np.matmul(shared, A_ext, out=Z)
        losses = example_losses(self.net.head, Z.transpose(0, 2, 1), self.YT)
        return losses.mean(axis=1, dtype=np.float64)

    def _grid_penalty(self, theta, d1, d2, a, b):
        """``(lambda/2m) sum ||W + a D1 + b D2||^2``, exactly: a quadratic in ``(a, b)``."""
        if not self.lambd:
            return np.zeros(a.size)
        mask = np.zeros(theta.size, dtype=bool)
        for l in range(1, self.net.L + 1):
            mask[self.net.param_slice(f"W{l}")] = True
        w, u, v = theta[mask], d1[mask], d2[mask]
        total = (w @ w + 2 * a * (w @ u) + 2 * b * (w @ v) + a * a * (u @ u)
                 + 2 * a * b * (u @ v) + b * b * (v @ v))
        return self.lambd / (2 * self.m_full) * total


class _Workspace:
    """One thread's reusable buffers for chunks of up to ``G`` grid points, in the course's
    layout (units x examples) so each activation writes whole contiguous rows."""

    def __init__(self, G, m, dims, l0, dtype):
        L = len(dims) - 1
        self.Z = {l: np.empty((G, dims[l], m), dtype) for l in range(l0, L + 1)}
        self.A_ext, self.W = {}, {}
        for l in range(l0 + 1, L + 1):
            A = np.empty((G, dims[l - 1] + 1, m), dtype)
            A[:, -1, :] = 1.0
            self.A_ext[l] = A
            self.W[l] = np.empty((G, dims[l], dims[l - 1] + 1), dtype)


def _activate(act, alpha, Z, out) -> None:
    """``out[...] = g(Z)``. The surface needs values, not bit-identical ones, so the common
    functions take a fast path: ReLU in place, sigmoid as ``(1 + tanh(z/2)) / 2`` (one
    transcendental instead of an exp, a where and two divisions)."""
    if act.name == "relu":
        np.maximum(Z, 0, out=out)
    elif act.name == "tanh":
        np.tanh(Z, out=out)
    elif act.name == "sigmoid":
        np.multiply(Z, 0.5, out=out)
        np.tanh(out, out=out)
        out += 1.0
        out *= 0.5
    else:
        out[...] = act.g(Z, alpha)


# -- helpers -------------------------------------------------------------------------------
def _axes(resolution, extent, directions, coords):
    if np.isscalar(resolution):
        ra = rb = int(resolution)
    else:
        ra, rb = (int(r) for r in resolution)
    if not (2 <= ra <= MAX_RESOLUTION and 2 <= rb <= MAX_RESOLUTION):
        raise ValueError(f"resolution must be between 2 and {MAX_RESOLUTION} points per axis, "
                         f"got {resolution}")
    if extent is None:
        if directions.kind == "pca" and coords is not None:
            lo, hi = coords.min(axis=0), coords.max(axis=0)
            lo, hi = np.minimum(lo, 0.0), np.maximum(hi, 0.0)
            pad = 0.25 * np.maximum(hi - lo, 1e-12)
            box = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
        else:
            box = (-1.0, 1.0, -1.0, 1.0)
    elif np.isscalar(extent):
        e = float(extent)
        box = (-e, e, -e, e)
    else:
        ext = [float(v) for v in extent]
        if len(ext) == 2:
            box = (-ext[0], ext[0], -ext[1], ext[1])
        elif len(ext) == 4:
            box = tuple(ext)
        else:
            raise ValueError(f"extent is a number, (e_alpha, e_beta) or (a_min, a_max, b_min, "
                             f"b_max); got {extent!r}")
    if not (np.all(np.isfinite(box)) and box[0] < box[1] and box[2] < box[3]):
        raise ValueError(f"the extent must give min < max on both axes, got {box}")
    return np.linspace(box[0], box[1], ra), np.linspace(box[2], box[3], rb)


def _ro(a):
    a = np.asarray(a)
    a.setflags(write=False)
    return a
