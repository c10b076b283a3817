"""Immutable pictures of a training session that the worker hands to the GUI.

Every array in a snapshot is a read-only copy (or an array that is never written again, such
as the data and trajectory entries shared between snapshots), so any thread may read it while
the worker keeps training. Nothing in a snapshot is NaN or infinite where a plot could see it:
after a divergence it shows the last finite state.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .config import SessionConfig

RUNNING, PAUSED, DIVERGED, IDLE = "running", "paused", "diverged", "idle"
STATES = (RUNNING, PAUSED, DIVERGED, IDLE)


@dataclass(frozen=True)
class DataSummary:
    """The data of the current session. Shared by all snapshots of one build.

    ``X_train``/``X_test`` are what the network sees (normalized when ``normalized``);
    ``X_train_raw``/``X_test_raw`` are in the data's own units (for plotting).
    ``mean``/``std`` are fitted on the training split whether or not normalization is on,
    so the builder can show them.
    """

    name: str
    title: str
    task: str                      # binary / multiclass / regression
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    head: str                      # sigmoid / softmax / linear
    n_features: int
    n_outputs: int
    normalized: bool
    mean: np.ndarray               # (n_x,)
    std: np.ndarray                # (n_x,)
    constant_features: tuple[int, ...]
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    X_train_raw: np.ndarray
    X_test_raw: np.ndarray
    y_train: np.ndarray            # raw labels/targets (m_train,)
    y_test: np.ndarray
    description: str = ""
    # The dev set (DataSpec.dev_fraction; empty when off), as X_test/Y_test/...: to choose by.
    X_dev: np.ndarray | None = None
    Y_dev: np.ndarray | None = None
    X_dev_raw: np.ndarray | None = None
    y_dev: np.ndarray | None = None

    @property
    def m_train(self) -> int:
        return self.X_train.shape[1]

    @property
    def m_test(self) -> int:
        return self.X_test.shape[1]

    @property
    def m_dev(self) -> int:
        return 0 if self.X_dev is None else self.X_dev.shape[1]

    @property
    def is_classification(self) -> bool:
        return self.task != "regression"


@dataclass(frozen=True)
class History:
    """Curves against iteration, evenly decimated (at most a few thousand points).
    ``train_metric``/``test_metric`` are accuracy (classification) or R^2 (regression);
    NaN where not available (no test split)."""

    iterations: np.ndarray
    train_cost: np.ndarray
    test_cost: np.ndarray
    train_metric: np.ndarray
    test_metric: np.ndarray
    stride: int = 1
    # Recorded alongside (None in a history built from the five series above): the dev
    # set's cost and metric (NaN without a dev set) and the L2 term (λ/2m) Σ ||W[l]||²_F.
    dev_cost: np.ndarray | None = None
    dev_metric: np.ndarray | None = None
    l2_cost: np.ndarray | None = None


@dataclass(frozen=True)
class LayerHistory:
    """Per-layer statistics over iterations (one entry per snapshot, bounded: old entries are
    thinned). ``series[name]`` is ``(entries, L)`` for each of
    ``nnviz.engine.layer_stats.SCALAR_FIELDS`` (grad_norm, dZ_norm, saturated_fraction, ...)."""

    iterations: np.ndarray
    series: dict


@dataclass(frozen=True)
class UnitPictures:
    """Layer ``l``'s activations ``A[l]_j`` over the same grid as the decision boundary, for
    its first ``values.shape[0]`` units (``values[j, i, k]`` is unit ``j`` at
    ``(xs[k], ys[i])``). ``levels`` is the colour range: ``scale`` ``"diverging"`` (around 0:
    tanh, linear, ...), ``"unit"`` (0..1: sigmoid, softmax) or ``"positive"`` (0..max: ReLU)."""

    layer: int
    activation: str
    units: int                     # units in the layer (``values`` may hold fewer)
    values: np.ndarray             # (k, ny, nx) float32
    levels: tuple[float, float]
    scale: str


@dataclass(frozen=True)
class BoundaryGrid:
    """The network's output over the plane of two input features (raw units).

    ``values`` is ``(ny, nx)``: P(y = 1) for a sigmoid head, the winning class's probability
    for softmax (with ``classes`` the winning class and ``probabilities`` ``(K, ny, nx)``),
    the predicted value for a linear head. Row ``i`` is ``y = ys[i]``, column ``j`` is
    ``x = xs[j]``. At a set pace it is recomputed for every snapshot; at Max speed at most a
    few times a second, and not at all while no view on screen draws it, so it may then be
    older than the snapshot (see ``iteration``).
    """

    kind: str                      # binary / multiclass / regression
    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    classes: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    contour: np.ndarray | None = None  # binary: the P = 0.5 line as (k, 2, 2) segments
    iteration: int = 0             # the iteration it was computed at
    units: tuple[UnitPictures, ...] = ()  # layers 1..L from the same forward pass
    # The network's inputs A[0] (features, normalized as it sees them), one UnitPictures
    # each (``layer`` 0, ``activation`` the feature's name): each has its own colour range.
    inputs: tuple[UnitPictures, ...] = ()

    def unit_picture(self, layer: int, unit: int):
        """``(values (ny, nx), UnitPictures)`` of unit ``unit`` (0-based) of ``layer`` (0:
        input feature ``unit``), or None when it is not pictured."""
        if layer == 0:
            return (self.inputs[unit].values[0], self.inputs[unit]) \
                if 0 <= unit < len(self.inputs) else None
        for pictures in self.units:
            if pictures.layer == layer and unit < pictures.values.shape[0]:
                return pictures.values[unit], pictures
        return None

    @property
    def extent(self) -> tuple[float, float, float, float]:
        return float(self.xs[0]), float(self.xs[-1]), float(self.ys[0]), float(self.ys[-1])


@dataclass(frozen=True)
class ResponseCurve:
    """For one input feature: the output along ``x`` (raw units)."""

    kind: str
    xs: np.ndarray
    values: np.ndarray             # (K, n) probabilities / (1, n) value


@dataclass(frozen=True)
class MisclassifiedImages:
    """Image data (``image_shape`` in the data set's meta): the examples of the evaluated
    split the network gets wrong, as pictures in raw pixel units (the first ``MAX`` of them)."""

    image_shape: tuple[int, int]
    pictures: np.ndarray           # (k, rows, cols) raw pixels
    predicted: np.ndarray          # (k,) predicted class
    true: np.ndarray               # (k,) label
    n_wrong: int                   # all misclassified examples (pictures may hold fewer)
    n_total: int


@dataclass(frozen=True)
class Evaluation:
    """For data with more than two features: how predictions compare on the test split
    (training split when there is no test split)."""

    split: str                     # "test" or "train"
    confusion: np.ndarray | None   # (K, K) counts, rows = true class, cols = predicted
    y_true: np.ndarray | None      # regression: targets (at most a few thousand)
    y_pred: np.ndarray | None
    images: MisclassifiedImages | None = None  # image data only


@dataclass(frozen=True)
class LayerSnapshot:
    """Layer ``l`` (1..L) at the snapshot's parameters, from one forward and backward pass on
    the training data (no dropout, with L2 in ``dW``).

    ``Z``, ``A``, ``dZ`` hold a fixed subsample of training examples (columns) to bound the
    size; the norms are over all training examples.
    """

    index: int
    units: int
    activation: str
    W: np.ndarray
    b: np.ndarray
    dW: np.ndarray
    db: np.ndarray
    Z: np.ndarray
    A: np.ndarray
    dZ: np.ndarray
    W_norm: float
    dW_norm: float
    db_norm: float
    dZ_norm: float
    dW_mean_abs: float
    dW_max_abs: float


@dataclass(frozen=True)
class TrainingSnapshot:
    serial: int                    # grows with every snapshot of one worker
    generation: int                # grows with every rebuild/reset: history restarted
    iteration: int
    epoch: int
    state: str                     # running / paused / diverged / idle
    config: SessionConfig
    layer_dims: tuple[int, ...]
    activations: tuple[str, ...]   # hidden layers g[1..L-1]
    head: str
    theta: np.ndarray              # flat W1, b1, ..., WL, bL (see Network.layout)
    layout: tuple                  # ((name, slice, shape), ...)
    train_cost: float              # data term J (no L2) on the training split
    train_cost_with_l2: float
    test_cost: float               # NaN without a test split
    train_metric: float            # accuracy or R^2
    test_metric: float
    metric_name: str               # "accuracy" or "R^2"
    steps_per_second: float
    history: History
    layers: tuple[LayerSnapshot, ...]
    layer_columns: np.ndarray      # which training examples (columns) the layers' Z/A/dZ hold
    data: DataSummary
    trajectory: tuple[np.ndarray, ...]
    trajectory_iterations: np.ndarray
    boundary: BoundaryGrid | None = None
    curve: ResponseCurve | None = None
    evaluation: Evaluation | None = None
    layer_stats: Any = None        # nnviz.engine.layer_stats.LayerStats of this snapshot
    layer_history: LayerHistory | None = None
    message: str = ""
    cost_hint: str = ""            # "The cost is bouncing: ..." (too large an α), else ""
    extras: dict = field(default_factory=dict)
    optimizer: "OptimizerView | None" = None  # gradient, velocity, next step (cost surface)
    # The last step's dropout masks (nnviz.engine.trainer.StepMasks: hidden layers, first
    # units and examples, read-only); None when keep_prob = 1 or before the first step.
    dropout_masks: Any = None
    # The α the next step uses, after learning-rate decay (NaN: not known, see hyper).
    learning_rate: float = math.nan

    @property
    def L(self) -> int:
        return len(self.layer_dims) - 1

    @property
    def n_params(self) -> int:
        return int(self.theta.size)

    def params(self) -> dict[str, np.ndarray]:
        """``{"W1": ..., "b1": ...}`` as read-only views of :attr:`theta`."""
        return {name: self.theta[s].reshape(shape) for name, s, shape in self.layout}

    def network(self, dtype=None):
        """A fresh engine ``Network`` with these parameters (for analysis off the GUI
        thread: cost surface, gradient check)."""
        from nnviz.engine.network import Network

        net = Network(self.layer_dims, list(self.activations), self.head,
                      alpha=self.config.network.alpha,
                      dtype=self.theta.dtype if dtype is None else dtype,
                      init="zeros")
        net.set_theta(self.theta)
        return net


@dataclass(frozen=True)
class GradientAverages:
    """A few parameters' raw gradient ``dW`` and its exponentially weighted average ``v``
    step by step (``nnviz.engine.optimizers_trace``): the first steps after a reset and the
    latest ones. ``*_raw``/``*_ewa`` are ``(steps, parameters)``; ``labels[k]`` names column k
    (``"W1[0,1]"``); ``beta`` is the average's β (the optimizer's, else 0.9)."""

    labels: tuple[str, ...]
    first_t: np.ndarray
    first_raw: np.ndarray
    first_ewa: np.ndarray
    first_beta: float
    recent_t: np.ndarray
    recent_raw: np.ndarray
    recent_ewa: np.ndarray
    beta: float
    averaged_by_optimizer: bool  # momentum/Adam hold this v; else it is shown for comparison


@dataclass(frozen=True)
class OptimizerView:
    """The optimizer's state at the snapshot's θ, as parameter changes ``Δθ`` (flat, the
    network's dtype, read-only) the cost surface projects onto its slice:

    ``arrows`` maps a name to a vector: ``"gradient"`` ``-α dW`` (full batch, the step gradient
    descent would take), ``"batch_gradient"`` ``-α dW`` of the next mini-batch (with
    mini-batches), ``"velocity"`` ``-α v`` (momentum) or ``-α v̂`` (Adam), ``"step"`` the step the
    optimizer takes next (``next_step``; RMSprop/Adam: scaled per parameter by 1/(√s+ε)).
    ``batch_angle`` (degrees) and ``batch_norm_ratio`` compare the next mini-batch's gradient
    with the full-batch one in the whole parameter space (0 and 1 with full batch)."""

    name: str
    learning_rate: float
    beta: float | None             # momentum β / Adam β₁
    beta2: float | None            # RMSprop/Adam β₂
    bias_correction: bool
    t: int                         # steps in the optimizer's averages
    arrows: dict
    batch_size: int | None         # None: full batch
    m: int
    batch_angle: float
    batch_norm_ratio: float
    averages: GradientAverages | None = None
