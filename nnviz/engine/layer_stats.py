"""Per-layer gradient and activation statistics, cheap enough for every few training steps.

Reference §8: norms per layer over iterations on a log axis show vanishing gradients (early
layers orders of magnitude below late ones) and exploding ones at a glance. For each layer
``l = 1..L`` (the output layer included):

- gradients: ``||dW[l]||`` (Frobenius), mean and max ``|dW[l]|``, ``||db[l]||``;
- ``||W[l]||`` and the update-to-weight ratio ``||Delta W[l]|| / ||W[l]||`` (from the previous
  theta, or ``learning_rate ||dW[l]||`` for a plain gradient-descent step);
- ``||dZ[l]||``, the back-propagated signal: it, more plainly than ``dW``, falls (or rises)
  geometrically toward the input when gradients vanish (or explode);
- activations: mean and standard deviation of ``A[l]``, the fraction of saturated entries
  (sigmoid/tanh with ``|g'(Z)|`` below a threshold), the fraction of dead ReLU units (``Z <= 0``
  for every example), and fixed-bin histograms of ``Z[l]`` and ``A[l]``.

:func:`layer_statistics` reuses the caches and gradients of one
``net.gradients(X, Y, keep_dZ=True)``: it does no propagation of its own. A
:class:`LayerStatsHistory` keeps them over iterations in bounded memory by thinning old entries.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import get_activation

SCALAR_FIELDS = ("grad_norm", "grad_mean_abs", "grad_max_abs", "bias_grad_norm", "weight_norm",
                 "update_ratio", "dZ_norm", "act_mean", "act_std", "saturated_fraction",
                 "dead_fraction")


@dataclass(frozen=True)
class StatsConfig:
    bins: int = 40
    z_range: tuple[float, float] = (-6.0, 6.0)  # Z[l] histogram edges (and A[l]'s when unbounded)
    saturation_threshold: float = 0.05  # |g'(z)| below this counts as saturated
    max_hist_examples: int | None = 512  # histograms use at most this many (evenly spaced) examples

    def __post_init__(self):
        if int(self.bins) < 2:
            raise ValueError(f"bins must be at least 2, got {self.bins}")
        lo, hi = self.z_range
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"z_range must be (low, high) with low < high, got {self.z_range}")
        if not self.saturation_threshold > 0:
            raise ValueError(f"saturation_threshold must be > 0, got {self.saturation_threshold}")


DEFAULT_CONFIG = StatsConfig()


@dataclass(frozen=True)
class LayerStats:
    """One snapshot. Every array has one entry per layer ``l = 1..L`` (index ``l - 1``)."""
    iteration: int | None
    activations: tuple[str, ...]  # g[1..L], the output head last
    n_examples: int
    grad_norm: np.ndarray  # ||dW[l]||_F
    grad_mean_abs: np.ndarray  # mean |dW[l]|
    grad_max_abs: np.ndarray  # max |dW[l]|
    bias_grad_norm: np.ndarray  # ||db[l]||
    weight_norm: np.ndarray  # ||W[l]||_F
    update_ratio: np.ndarray  # ||Delta W[l]|| / ||W[l]||; NaN when neither lr nor previous theta
    dZ_norm: np.ndarray  # ||dZ[l]||_F (dZ as backprop computes it: dZ[L] = A[L] - Y); NaN if absent
    act_mean: np.ndarray  # mean of A[l] (after dropout, if any: what the next layer sees)
    act_std: np.ndarray
    saturated_fraction: np.ndarray  # sigmoid/tanh (and a sigmoid output): |g'(Z)| < threshold; else NaN
    dead_fraction: np.ndarray  # ReLU layers: units with Z <= 0 on every example; else NaN
    z_edges: np.ndarray  # (bins + 1,) shared by every layer
    a_edges: np.ndarray  # (L, bins + 1): each layer's A range (e.g. (0, 1) for sigmoid)
    z_hist: np.ndarray  # (L, bins) counts; values beyond the edges land in the end bins
    a_hist: np.ndarray  # (L, bins)
    config: StatsConfig = field(default=DEFAULT_CONFIG)

    @property
    def L(self) -> int:
        return int(self.grad_norm.size)


def layer_statistics(net, caches, grads, *, iteration: int | None = None,
                     learning_rate: float | None = None, previous_theta=None,
                     config: StatsConfig = DEFAULT_CONFIG) -> LayerStats:
    """Statistics from one forward/backward pass: ``caches`` and ``grads`` as returned by
    ``net.gradients(X, Y, ..., keep_dZ=True)`` (without ``keep_dZ``, ``dZ_norm`` is NaN).

    Update-to-weight ratio: with ``previous_theta`` (the parameters one step earlier) it is
    ``||W_now - W_before|| / ||W_before||``; with ``learning_rate`` it is
    ``learning_rate ||dW|| / ||W||`` (exact for gradient descent, an estimate for Momentum/Adam);
    with neither it is NaN. The course's rule of thumb: around ``1e-3``."""
    L = net.L
    if len(caches) != L:
        raise ValueError(f"expected {L} layer caches, got {len(caches)}")
    acts = list(net.layer_activations)
    out = {name: np.full(L, np.nan) for name in SCALAR_FIELDS}
    bins = int(config.bins)
    z_edges = np.linspace(*config.z_range, bins + 1)
    a_edges = np.empty((L, bins + 1))
    z_hist = np.zeros((L, bins), dtype=np.int64)
    a_hist = np.zeros((L, bins), dtype=np.int64)
    m = caches[0].A_prev.shape[1]
    stride = 1
    if config.max_hist_examples is not None and m > config.max_hist_examples:
        stride = -(-m // int(config.max_hist_examples))
    prev = None
    if previous_theta is not None:
        prev = np.asarray(previous_theta, dtype=np.float64).reshape(-1)
        if prev.size != net.n_params:
            raise ValueError(f"previous_theta has {prev.size} values, the network {net.n_params}")
    if learning_rate is not None and not (np.isfinite(learning_rate) and learning_rate >= 0):
        raise ValueError(f"learning_rate must be a finite number >= 0, got {learning_rate}")

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for l in range(1, L + 1):
            r = l - 1
            cache = caches[r]
            W, dW, db = cache.W, grads[f"dW{l}"], grads[f"db{l}"]
            abs_dW = np.abs(dW)
            out["grad_norm"][r] = _norm(dW)
            out["grad_mean_abs"][r] = _mean(abs_dW)
            out["grad_max_abs"][r] = abs_dW.max()
            out["bias_grad_norm"][r] = _norm(db)
            w_norm = _norm(W)
            out["weight_norm"][r] = w_norm
            if prev is not None:
                before = prev[net.param_slice(f"W{l}")]
                step = _norm(W.ravel() - before)
                out["update_ratio"][r] = _ratio(step, _norm(before))
            elif learning_rate is not None:
                out["update_ratio"][r] = _ratio(learning_rate * out["grad_norm"][r], w_norm)
            dZ = grads.get(f"dZ{l}")
            if dZ is not None:
                out["dZ_norm"][r] = _norm(dZ)
            Z, A = cache.Z, cache.A
            out["act_mean"][r], out["act_std"][r] = _mean_std(A)
            name = acts[r]
            if name == "softmax":
                a_lo, a_hi = 0.0, 1.0
            else:
                act = get_activation(name)
                alpha = act.default_alpha if net.alpha is None else net.alpha
                if act.saturates:
                    # slope from the cached A where the course's formula uses it (no exp)
                    a = A if cache.D is None else act.g(Z, alpha)
                    slope = np.abs(act.slope(Z, a, alpha))
                    out["saturated_fraction"][r] = np.count_nonzero(
                        slope < config.saturation_threshold) / Z.size
                if name == "relu":
                    out["dead_fraction"][r] = np.count_nonzero((Z <= 0).all(axis=1)) / Z.shape[0]
                a_lo, a_hi = _value_range(name, config.z_range)
            a_edges[r] = np.linspace(a_lo, a_hi, bins + 1)
            z_hist[r] = _histogram(Z[:, ::stride], config.z_range[0], config.z_range[1], bins)
            a_hist[r] = _histogram(A[:, ::stride], a_lo, a_hi, bins)

    arrays = {k: _ro(v) for k, v in out.items()}
    return LayerStats(iteration=None if iteration is None else int(iteration),
                      activations=tuple(acts), n_examples=int(m), z_edges=_ro(z_edges),
                      a_edges=_ro(a_edges), z_hist=_ro(z_hist), a_hist=_ro(a_hist),
                      config=config, **arrays)


def compute_layer_stats(net, X, Y, *, lambd: float = 0.0, iteration: int | None = None,
                        learning_rate: float | None = None, previous_theta=None,
                        config: StatsConfig = DEFAULT_CONFIG) -> LayerStats:
    """One ``net.gradients(X, Y, lambd, keep_dZ=True)`` (no dropout), then
    :func:`layer_statistics`. Note: it overwrites ``net.grad``, as any backward pass does."""
    _, caches, grads = net.gradients(np.asarray(X, dtype=net.dtype),
                                     np.asarray(Y, dtype=net.dtype), lambd, keep_dZ=True)
    return layer_statistics(net, caches, grads, iteration=iteration,
                            learning_rate=learning_rate, previous_theta=previous_theta,
                            config=config)


class LayerStatsHistory:
    """Snapshots over iterations in bounded memory. When ``capacity`` entries are stored, the
    older half is thinned to every second entry: recent iterations stay at full resolution,
    older ones get sparser the older they are, and memory never grows. Not thread-safe: one
    owner appends and reads (the snapshots themselves are immutable)."""

    def __init__(self, capacity: int = 512, keep_histograms: bool = True):
        if int(capacity) < 4:
            raise ValueError(f"capacity must be at least 4, got {capacity}")
        self.capacity = int(capacity)
        self.keep_histograms = bool(keep_histograms)
        self.clear()

    def clear(self) -> None:
        self._n = 0
        self._L = self._bins = None
        self._iterations = np.zeros(self.capacity, dtype=np.int64)
        self._series: dict[str, np.ndarray] = {}
        self._z_hist = self._a_hist = None
        self.latest: LayerStats | None = None
        self.decimations = 0

    def __len__(self) -> int:
        return self._n

    def append(self, stats: LayerStats, iteration: int | None = None) -> None:
        """Store a snapshot; ``iteration`` overrides ``stats.iteration`` (one of them is needed)."""
        it = stats.iteration if iteration is None else int(iteration)
        if it is None:
            raise ValueError("the snapshot has no iteration number; pass iteration=")
        if self._L is None:
            self._L, self._bins = stats.L, stats.z_hist.shape[1]
            self._series = {k: np.full((self.capacity, self._L), np.nan) for k in SCALAR_FIELDS}
            if self.keep_histograms:
                self._z_hist = np.zeros((self.capacity, self._L, self._bins), dtype=np.int64)
                self._a_hist = np.zeros_like(self._z_hist)
        elif stats.L != self._L or stats.z_hist.shape[1] != self._bins:
            raise ValueError(f"this history holds {self._L} layers x {self._bins} bins, the "
                             f"snapshot has {stats.L} x {stats.z_hist.shape[1]}: the network "
                             "changed, so clear() the history first")
        if self._n == self.capacity:
            self._decimate()
        n = self._n
        self._iterations[n] = it
        for k in SCALAR_FIELDS:
            self._series[k][n] = getattr(stats, k)
        if self.keep_histograms:
            self._z_hist[n] = stats.z_hist
            self._a_hist[n] = stats.a_hist
        self._n += 1
        self.latest = stats

    def _decimate(self) -> None:
        half = self._n // 2
        keep = np.concatenate([np.arange(0, half, 2), np.arange(half, self._n)])
        k = keep.size
        self._iterations[:k] = self._iterations[keep]
        for arr in self._series.values():
            arr[:k] = arr[keep]
        if self.keep_histograms:
            self._z_hist[:k] = self._z_hist[keep]
            self._a_hist[:k] = self._a_hist[keep]
        self._n = k
        self.decimations += 1

    def drop_from(self, iteration: int) -> None:
        """Forget the entries at ``iteration`` and later (after a divergence, the blow-up)."""
        self._n = int(np.count_nonzero(self._iterations[:self._n] < iteration))
        self.latest = None

    def restore(self, iterations, series: dict, bins: int = DEFAULT_CONFIG.bins) -> None:
        """Replace the entries by saved ones (a reopened session): ``series[name]`` is
        ``(entries, L)`` for names of :data:`SCALAR_FIELDS` (a missing one is NaN). Histograms
        are not saved, so restored entries have empty ones. The newest ``capacity`` are kept.
        Raises ``ValueError`` (history unchanged) when the shapes do not agree."""
        its = np.asarray(iterations, dtype=np.int64).ravel()
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in series.items()
                  if k in SCALAR_FIELDS}
        L = next((a.shape[1] for a in arrays.values() if a.ndim == 2), None)
        for name, a in arrays.items():
            if a.shape != (its.size, L):
                raise ValueError(f"statistic {name!r} has shape {a.shape}, expected "
                                 f"({its.size}, {L}): one row per iteration, one column per layer")
        self.clear()
        if its.size == 0 or L is None:
            return
        start = max(0, its.size - self.capacity)
        n = its.size - start
        self._L, self._bins = int(L), int(bins)
        self._series = {k: np.full((self.capacity, self._L), np.nan) for k in SCALAR_FIELDS}
        for name, a in arrays.items():
            self._series[name][:n] = a[start:]
        if self.keep_histograms:
            self._z_hist = np.zeros((self.capacity, self._L, self._bins), dtype=np.int64)
            self._a_hist = np.zeros_like(self._z_hist)
        self._iterations[:n] = its[start:]
        self._n = n

    @property
    def iterations(self) -> np.ndarray:
        return self._iterations[:self._n].copy()

    def series(self, name: str) -> np.ndarray:
        """``(entries, L)`` copy of one statistic, e.g. ``"grad_norm"``."""
        if name not in SCALAR_FIELDS:
            raise ValueError(f"unknown statistic {name!r}; choose one of {', '.join(SCALAR_FIELDS)}")
        if self._L is None:
            return np.zeros((0, 0))
        return self._series[name][:self._n].copy()

    def histograms(self, which: str = "z") -> np.ndarray:
        """``(entries, L, bins)`` copy of the ``"z"`` or ``"a"`` histograms."""
        if which not in ("z", "a"):
            raise ValueError(f"which must be 'z' or 'a', got {which!r}")
        if not self.keep_histograms:
            raise ValueError("this history was created with keep_histograms=False")
        if self._L is None:
            return np.zeros((0, 0, 0), dtype=np.int64)
        arr = self._z_hist if which == "z" else self._a_hist
        return arr[:self._n].copy()

    @property
    def nbytes(self) -> int:
        total = self._iterations.nbytes + sum(a.nbytes for a in self._series.values())
        if self._z_hist is not None:
            total += self._z_hist.nbytes + self._a_hist.nbytes
        return int(total)


# -- helpers -------------------------------------------------------------------------------
def _norm(a) -> float:
    """||a||, also for entries near the overflow or underflow limits (a diverging or a
    vanishing network), where the plain sum of squares would give inf or 0."""
    a = np.asarray(a).ravel()
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        value = float(np.sqrt(np.dot(a, a)))
    if (np.isfinite(value) and value > 1e-150) or a.size == 0:
        return value
    top = float(np.max(np.abs(a)))
    if top == 0 or not np.isfinite(top):
        return top
    scaled = a / top
    return top * float(np.sqrt(np.dot(scaled, scaled)))


def _mean(a) -> float:
    """The mean, scaled when the plain sum overflows (huge finite values)."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(a.mean())
    if np.isfinite(mean) or a.size == 0:
        return mean
    top = float(np.max(np.abs(a)))
    return top * float((a / top).mean()) if np.isfinite(top) else mean


def _mean_std(A) -> tuple[float, float]:
    """Mean and standard deviation, scaled so that huge finite values (just before a
    divergence) do not overflow in the squares."""
    A = np.asarray(A)
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = float(A.mean()), float(A.std())
    if np.isfinite(std) or A.size == 0:
        return mean, std
    top = float(np.max(np.abs(A)))
    if not np.isfinite(top):  # real infinities: nothing to rescue
        return mean, std
    scaled = A / top
    return top * float(scaled.mean()), top * float(scaled.std())


def _ratio(num: float, den: float) -> float:
    if den > 0:
        return num / den
    return 0.0 if num == 0 else float("inf")


def _value_range(name: str, z_range) -> tuple[float, float]:
    if name == "sigmoid":
        return 0.0, 1.0
    if name == "tanh":
        return -1.0, 1.0
    if name in ("relu", "softplus"):
        return 0.0, float(z_range[1])
    return float(z_range[0]), float(z_range[1])


def _histogram(values, lo: float, hi: float, bins: int) -> np.ndarray:
    """Counts over ``bins`` equal bins of ``[lo, hi]``; out-of-range values go to the end
    bins, NaN is left out. One pass of arithmetic and a ``bincount``: much cheaper than
    ``np.histogram`` (no sorting)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if not np.isfinite(v).all():
        v = v[~np.isnan(v)]
    idx = (v - lo) * (bins / (hi - lo))
    np.clip(idx, 0, bins - 1, out=idx)
    return np.bincount(idx.astype(np.intp), minlength=bins)[:bins]


def _ro(a) -> np.ndarray:
    a = np.asarray(a)
    a.setflags(write=False)
    return a


__all__ = ["DEFAULT_CONFIG", "SCALAR_FIELDS", "LayerStats", "LayerStatsHistory", "StatsConfig",
           "compute_layer_stats", "layer_statistics"]
