"""What the gradient-flow panel draws, taken from a snapshot (pure NumPy, no Qt).

- :func:`flow_stats`: per-layer gradient metrics (the norms the worker measured on all
  training examples) and the saturated and dead-ReLU fractions (from the engine's layer
  statistics in the snapshot, over all training examples; from the snapshot's subsample of
  ``Z[l]`` when those are absent).
- :class:`LayerHistory`: a bounded record of those metrics over iterations (thinned evenly
  when full), for the lines-over-time plot.
- :func:`layer_histograms`: the distribution of ``Z[l]`` or ``A[l]`` per layer on common bins,
  for the "layer x bin" heat map.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.activations import saturated_mask

# key -> (axis label, tooltip): the per-layer gradient metrics the panel can show.
METRICS: dict[str, tuple[str, str]] = {
    "dW_norm": ("||dW[l]||", "Frobenius norm of the weight gradient, ||dW[l]|| = "
                "√(Σ dW[l]ᵢⱼ²), with dW[l] = (1/m) dZ[l] A[l-1]ᵀ (+ (λ/m) W[l] with L2)."),
    "dW_mean_abs": ("mean |dW[l]|", "The average size of one entry of dW[l] (PyTorch's "
                    "plot_grad_flow shows this): independent of the layer's width."),
    "dW_max_abs": ("max |dW[l]|", "The largest entry of dW[l]: one huge entry is enough to "
                   "throw a weight far away."),
    "db_norm": ("||db[l]||", "Norm of the bias gradient, db[l] = (1/m) Σ over examples of "
                "dZ[l]."),
    "update_ratio": ("α·||dW[l]|| / ||W[l]||", "How big one gradient-descent step is compared "
                     "with the weights: α ||dW[l]|| / ||W[l]||. About 1e-3 per step is a common "
                     "rule of thumb; far smaller and the layer barely moves, near 1 and it "
                     "jumps. (With momentum or Adam the real step differs; this is the plain "
                     "gradient-descent step.)"),
    "dZ_norm": ("||dZ[l]||", "The back-propagated signal dZ[l] = dA[l] * g'(Z[l]) with "
                "dA[l] = W[l+1]ᵀ dZ[l+1], over all training examples. It shows the geometric "
                "fall (vanishing) or rise (exploding) toward the input most plainly."),
}
METRIC_KEYS = tuple(METRICS)
# The same metrics in the engine's per-layer statistics (nnviz.engine.layer_stats), which the
# session records with every snapshot over the whole run (the snapshot's ``layer_history``).
RUN_FIELDS = {"dW_norm": "grad_norm", "dW_mean_abs": "grad_mean_abs",
              "dW_max_abs": "grad_max_abs", "db_norm": "bias_grad_norm",
              "update_ratio": "update_ratio", "dZ_norm": "dZ_norm"}
SATURATION_SLOPE = 0.05     # |g'(z)| below this counts as saturated (as the activation explorer)
SATURATING = ("sigmoid", "tanh")


@dataclass(frozen=True)
class FlowStats:
    """Per-layer numbers of one snapshot; every array has one entry per layer 1..L."""

    iteration: int
    generation: int
    layer_dims: tuple[int, ...]
    activations: tuple[str, ...]           # g[1..L] (the last is the output head)
    metrics: dict[str, np.ndarray]         # METRIC_KEYS -> (L,)
    W_norm: np.ndarray
    saturated_fraction: np.ndarray         # sigmoid/tanh hidden layers, else NaN
    dead_fraction: np.ndarray              # ReLU hidden layers, else NaN

    @property
    def L(self) -> int:
        return len(self.layer_dims) - 1


def flow_stats(snapshot) -> FlowStats:
    """Gradient metrics and activation statistics of a ``TrainingSnapshot``.

    The norms come straight from the snapshot (all training examples); the update ratio uses
    the learning rate in use.
    """
    layers = snapshot.layers
    L = len(layers)
    lr = float(snapshot.config.hyper.learning_rate)
    W_norm = np.array([x.W_norm for x in layers], dtype=np.float64)
    dW_norm = np.array([x.dW_norm for x in layers], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        update = np.where(W_norm > 0, lr * dW_norm / W_norm, np.nan)
    metrics = {
        "dW_norm": dW_norm,
        "dW_mean_abs": np.array([x.dW_mean_abs for x in layers], dtype=np.float64),
        "dW_max_abs": np.array([x.dW_max_abs for x in layers], dtype=np.float64),
        "db_norm": np.array([x.db_norm for x in layers], dtype=np.float64),
        "update_ratio": update,
        "dZ_norm": np.array([x.dZ_norm for x in layers], dtype=np.float64),
    }
    saturated, dead = _fractions_from_layer_stats(snapshot.layer_stats, L)
    if saturated is None:  # no engine statistics: use the snapshot's sample of examples
        saturated, dead = np.full(L, np.nan), np.full(L, np.nan)
        for i, layer in enumerate(layers[:-1]):
            saturated[i], dead[i] = activation_fractions(layer.activation, layer.Z)
    return FlowStats(int(snapshot.iteration), int(snapshot.generation),
                     tuple(snapshot.layer_dims), tuple(x.activation for x in layers), metrics,
                     W_norm, saturated, dead)


def run_history(layer_history, metric: str, L: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``(iterations, values)`` of ``metric`` over the whole run, ``values`` of shape
    ``(entries, L)``, from a snapshot's ``layer_history`` (recorded while training ran,
    whether or not the panel was shown); None when there is none for ``L`` layers."""
    if layer_history is None or metric not in RUN_FIELDS:
        return None
    values = layer_history.series.get(RUN_FIELDS[metric])
    iterations = np.asarray(layer_history.iterations, dtype=np.float64)
    if values is None or iterations.size == 0 or np.shape(values) != (iterations.size, L):
        return None
    return iterations, np.asarray(values, dtype=np.float64)


def _fractions_from_layer_stats(layer_stats, L: int):
    """Saturated/dead fractions of the hidden layers over all training examples, from the
    ``nnviz.engine.layer_stats`` statistics the worker attaches (None when absent). The
    output layer is left out: its slope is folded into dZ[L] = A[L] - Y."""
    saturated = getattr(layer_stats, "saturated_fraction", None)
    dead = getattr(layer_stats, "dead_fraction", None)
    if saturated is None or dead is None or len(saturated) != L or len(dead) != L:
        return None, None
    saturated = np.array(saturated, dtype=np.float64)
    dead = np.array(dead, dtype=np.float64)
    saturated[-1] = dead[-1] = np.nan
    return saturated, dead


def activation_fractions(activation: str, Z: np.ndarray) -> tuple[float, float]:
    """(saturated fraction, dead fraction) of one hidden layer's ``Z`` of shape (n[l], k).

    Saturated: entries with ``|g'(z)| < SATURATION_SLOPE``, for sigmoid/tanh (NaN otherwise).
    Dead: ReLU units with ``z <= 0`` on every example (slope 0 for all of them; NaN otherwise).
    """
    Z = np.asarray(Z, dtype=np.float64)
    saturated = dead = float("nan")
    if Z.size == 0:
        return saturated, dead
    if activation in SATURATING:
        saturated = float(saturated_mask(activation, Z, SATURATION_SLOPE).mean())
    if activation == "relu" and Z.ndim == 2:
        dead = float(np.all(Z <= 0, axis=1).mean())
    return saturated, dead


class LayerHistory:
    """Per-layer metrics over iterations, at most ``capacity`` records.

    A record is accepted when its iteration is at least ``gap`` past the last one; when full,
    every other record is dropped and ``gap`` doubles, so the records stay evenly spread over
    the whole run whatever the snapshot rate. A new generation (rebuild, reset) or a new
    network shape starts afresh.
    """

    def __init__(self, capacity: int = 512):
        if capacity < 4:
            raise ValueError("capacity must be at least 4")
        self.capacity = int(capacity)
        self.clear()

    def clear(self) -> None:
        self.gap = 1
        self._key = None
        self._iterations: list[int] = []
        self._rows: list[np.ndarray] = []  # (n_metrics, L) per record

    def __len__(self) -> int:
        return len(self._iterations)

    def add(self, stats: FlowStats) -> bool:
        """Record ``stats``; False when skipped (too close to the last record)."""
        key = (stats.generation, stats.layer_dims)
        if key != self._key:
            self.clear()
            self._key = key
        if self._iterations and stats.iteration < self._iterations[-1] + self.gap:
            return False
        if len(self._iterations) >= self.capacity:
            self._iterations = self._iterations[::2]
            self._rows = self._rows[::2]
            self.gap *= 2
            if stats.iteration < self._iterations[-1] + self.gap:
                return False
        self._iterations.append(stats.iteration)
        self._rows.append(np.stack([stats.metrics[k] for k in METRIC_KEYS]))
        return True

    def iterations(self) -> np.ndarray:
        return np.array(self._iterations, dtype=np.float64)

    def values(self, metric: str) -> np.ndarray:
        """(records, L) values of ``metric``."""
        j = METRIC_KEYS.index(metric)
        if not self._rows:
            return np.zeros((0, 0))
        return np.stack([row[j] for row in self._rows])


@dataclass(frozen=True)
class Histograms:
    """``fractions[l, k]``: share of layer ``l+1``'s values in bin ``k`` (rows sum to 1).

    ``edges`` are in the plotted coordinate: the value itself, or log10|value| for a
    magnitude histogram (exact zeros then go to the lowest bin, values beyond the range to
    the end bins).
    """

    edges: np.ndarray
    fractions: np.ndarray
    magnitude: bool


def layer_histograms(arrays, magnitude: bool = False, bins: int = 48,
                     value_range: tuple[float, float] | None = None,
                     include: tuple[float, ...] = ()) -> Histograms:
    """One histogram per array (layer) on common bins over ``value_range`` (automatic when
    None: nicely rounded to cover nearly all values of every layer and the plotted-coordinate
    values in ``include``, such as saturation thresholds)."""
    samples = [np.asarray(a, dtype=np.float64).ravel() for a in arrays]
    samples = [s[np.isfinite(s)] for s in samples]
    if magnitude:
        with np.errstate(divide="ignore"):
            samples = [np.log10(np.abs(s)) for s in samples]
    if value_range is None:
        lo, hi = _auto_range(samples, magnitude)
        if include:
            lo, hi = _widen(lo, hi, include, magnitude)
    else:
        lo, hi = value_range
    edges = np.linspace(lo, hi, bins + 1)
    return Histograms(edges, _binned_fractions(samples, edges), magnitude)


def _binned_fractions(samples, edges: np.ndarray) -> np.ndarray:
    """Share of each sample in each of the uniform bins ``edges`` (values beyond the ends in
    the end bins), all layers in one ``bincount``; bins as ``np.histogram`` draws them."""
    bins = edges.size - 1
    lo, hi = edges[0], edges[-1]
    sizes = np.array([s.size for s in samples])
    fractions = np.zeros((len(samples), bins))
    if not sizes.sum():
        return fractions
    values = np.clip(np.concatenate(samples), lo, hi)  # -inf (zeros, magnitude) -> lowest
    with np.errstate(invalid="ignore", over="ignore"):
        index = np.floor((values - lo) * (bins / (hi - lo)))
    index = np.clip(np.nan_to_num(index), 0, bins - 1).astype(np.intp)
    # Like np.histogram: fix rounding so a value on an edge goes to the bin it starts.
    index[(values < edges[index]) & (index > 0)] -= 1
    index[(values >= edges[index + 1]) & (index < bins - 1)] += 1
    layer = np.repeat(np.arange(len(samples)), sizes)
    counts = np.bincount(layer * bins + index, minlength=len(samples) * bins)
    counts = counts.reshape(len(samples), bins).astype(np.float64)
    return counts / np.maximum(sizes, 1)[:, None]


def spans_decades(arrays, decades: float = 2.0) -> bool:
    """Whether the layers' typical sizes (root mean square of the non-zero values) differ by
    more than ``decades`` powers of ten: then a magnitude (log) histogram shows them better."""
    typical = []
    for a in arrays:
        a = np.abs(np.asarray(a, dtype=np.float64).ravel())
        a = a[np.isfinite(a) & (a > 0)]
        if a.size:
            top = a.max()  # scaled, so squares of huge values cannot overflow
            typical.append(top * np.sqrt(np.mean((a / top) ** 2)))
    if len(typical) < 2:
        return False
    return bool(np.log10(max(typical)) - np.log10(min(typical)) > decades)


def _auto_range(samples, magnitude: bool) -> tuple[float, float]:
    values = np.concatenate(samples) if samples else np.zeros(0)
    if magnitude:
        values = values[np.isfinite(values)]
        if values.size == 0:
            return -3.0, 1.0
        lo = float(np.floor(np.percentile(values, 0.5)))
        hi = float(np.ceil(np.percentile(values, 99.9)))
        lo = max(lo, -40.0)
        hi = min(max(hi, lo + 2.0), 310.0)
        return lo, hi
    if values.size == 0:
        return -1.0, 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        reach = float(np.percentile(np.abs(values), 99.5))
    if not np.isfinite(reach):  # overflowed values (an exploding network) near float max
        reach = float(np.abs(values).max())
    reach = nice_ceil(reach) if reach > 0 else 1.0
    return (0.0, reach) if values.min() >= 0 else (-reach, reach)


def _widen(lo: float, hi: float, include, magnitude: bool) -> tuple[float, float]:
    """Extend [lo, hi] to hold ``include`` with a margin, keeping the rounded form."""
    if magnitude:
        return (float(np.floor(min(lo, min(include) - 0.5))),
                float(np.ceil(max(hi, max(include) + 0.5))))
    lo, hi = min(lo, 1.15 * min(include)), max(hi, 1.15 * max(include))
    if lo < 0:
        reach = nice_ceil(max(-lo, hi))
        return -reach, reach
    return lo, nice_ceil(hi)


def nice_ceil(x: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is >= x (so ranges do not jitter)."""
    if x >= 1e300:  # overflowed values: a range that linspace can still split
        return 1e300
    exponent = np.floor(np.log10(x))
    for step in (1.0, 2.0, 5.0, 10.0):
        value = step * 10.0 ** exponent
        if value >= x * (1 - 1e-12):
            return float(value)
    return float(10.0 ** (exponent + 1))
