"""What a training session is made of, as plain immutable values (no Qt).

The app's builder panel edits a :class:`SessionConfig`; the worker rebuilds what changed:

- :class:`DataSpec` and :class:`NetworkSpec` changes rebuild the network (seeded, so the same
  settings always give the same network);
- :class:`Hyperparameters` changes apply at the next step without a reset.

Session files (save/load) can store ``SessionConfig.to_dict()`` and rebuild it with
``SessionConfig.from_dict``.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.course_exact import COURSE_EXACT_DATA, COURSE_INIT_SEEDS
from nnviz.engine.features import FeatureMap
from nnviz.engine.initialization import INIT_SCHEMES, RANDOM_BASE_STD
from nnviz.engine.limits import MAX_EXAMPLES
from nnviz.engine.lr_schedules import (DEFAULT_DECAY_INTERVAL, LearningRateSchedule,
                                       schedule_problem)
from nnviz.engine.network import MAX_LAYERS, MAX_UNITS
from nnviz.engine.optimizers import OPTIMIZERS

CSV_DATASET = "csv"  # DataSpec.name of a user's CSV file

# The ranges a setting may take, here so that the app's fields, the command line and every
# file loaded share them: a value the builder cannot show exactly is refused with a message
# instead of being shown as another value than the one trained with.
MAX_LEARNING_RATE = 100.0  # up to 100: a bouncing cost and divergence are one drag away
MAX_INIT_SCALE = 1000.0    # the multiplier on the scheme's σ ("random": σ = 0.01 × scale)
MAX_SEED = 2**31 - 1                 # what a seed field holds
MAX_BATCH_SIZE = MAX_EXAMPLES        # no data set has more examples
BETA_MAX = 0.999                     # momentum β and Adam β1
BETA2_MAX = 0.99999
MAX_L2 = 100.0
MIN_KEEP_PROB = 0.05
MIN_TRAIN_FRACTION = 0.01             # the builder's split goes down to 1 %
# Turning the dev set on in the builder takes this share from training (80/20 -> 60/20/20).
DEFAULT_DEV_FRACTION = 0.2


def _in_range(name: str, value, lo, hi, hint: str = "") -> None:
    """Refuse ``value`` outside ``[lo, hi]`` (or not a number) with a sentence naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not lo <= value <= hi:
        raise ValueError(f"{name} must be between {_number(lo)} and {_number(hi)}, "
                         f"got {_number(value)}{hint}")


def _number(value) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    return f"{value:g}" if isinstance(value, numbers.Real) else repr(value)


@dataclass(frozen=True)
class DataSpec:
    """Which data, how it is split and whether inputs are normalized.

    ``name`` is a key of ``nnviz.engine.data.DATASETS`` (generators and shipped sets) or
    ``"csv"`` with ``csv_path`` (and the CSV reading options). ``params`` are the generator's
    keyword arguments (``noise``, ``m``, ``seed``) as sorted ``(key, value)`` pairs so the
    spec stays hashable.

    ``course_exact`` (flower and circles only) draws the data exactly as the course notebooks
    do (legacy ``RandomState``, the notebooks' seeds) and uses the notebooks' own sets:
    all 400 flower points for training; the circles' 300 training and 100 test points. The
    train fraction and split seed are then not used.

    ``dev_fraction`` (0 = no dev set, the default, so existing settings and files keep the
    same train/test split): the share of all examples held out as a dev set, taken from the
    examples the training split leaves out (the rest is the test set). The dev set is used
    to choose settings (bias and variance); the test set only reports. The training set is
    the same whatever the dev fraction, for a given train fraction and split seed.

    ``features`` (two-input data only): the input features the network sees, names from
    ``nnviz.engine.features.FEATURE_NAMES`` (``"x1^2"``, ``"sin(x1)"``...), computed from the
    raw inputs before normalization; empty = the raw inputs themselves.

    ``added_points`` ``((x1, x2, class), ...)`` and ``removed_points`` (columns of the data set
    as loaded) are the learner's edits of two-input classification data
    (``nnviz.engine.data.edits``): added points join the training set, the split of the other
    examples and the normalization (fitted before the edits) stay as they were. A change of
    only these is applied without resetting the network (training continues).
    """

    name: str = "flower"
    params: tuple[tuple[str, object], ...] = ()
    csv_path: str | None = None
    csv_label_column: int | str | None = None
    csv_has_header: bool | None = None
    csv_task: str | None = None
    train_fraction: float = 0.8
    dev_fraction: float = 0.0
    split_seed: int = 0
    normalize: bool = False
    course_exact: bool = False
    features: tuple[str, ...] = ()
    added_points: tuple[tuple[float, float, int], ...] = ()
    removed_points: tuple[int, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "added_points", _points(self.added_points))
        object.__setattr__(self, "removed_points", _indices(self.removed_points))
        if self.features:  # canonical order, as a tuple, so equal choices compare equal
            object.__setattr__(self, "features", FeatureMap(self.features).names)
        _in_range("the training fraction", self.train_fraction, MIN_TRAIN_FRACTION, 1.0)
        _in_range("the dev fraction", self.dev_fraction, 0.0, 1.0 - MIN_TRAIN_FRACTION)
        if self.train_fraction + self.dev_fraction > 1.0 + 1e-9:
            raise ValueError(f"the training ({self.train_fraction:.0%}) and dev "
                             f"({self.dev_fraction:.0%}) shares add up to more than 100 %; "
                             "lower one of them")
        if self.name == CSV_DATASET and not self.csv_path:
            raise ValueError("a CSV data set needs csv_path")
        if self.course_exact and self.name not in COURSE_EXACT_DATA:
            raise ValueError(f"course-exact data exists for {', '.join(COURSE_EXACT_DATA)} "
                             f"only, not {self.name!r}")

    @property
    def test_fraction(self) -> float:
        """What is left for the test set (reported, never used to choose)."""
        return max(0.0, 1.0 - self.train_fraction - self.dev_fraction)

    @property
    def param_dict(self) -> dict:
        return dict(self.params)

    @property
    def feature_map(self) -> FeatureMap | None:
        return FeatureMap(self.features) if self.features else None

    @property
    def edited(self) -> bool:
        return bool(self.added_points or self.removed_points)

    def without_edits(self) -> "DataSpec":
        """The generated (or loaded) data again: "New sample" without a new seed."""
        return dataclasses.replace(self, added_points=(), removed_points=())

    def with_added_point(self, x1: float, x2: float, label: int) -> "DataSpec":
        return dataclasses.replace(self, added_points=self.added_points + ((x1, x2, label),))

    def without_point(self, point_id: int, n_loaded: int) -> "DataSpec":
        """Remove the point with this id (``nnviz.engine.data.edits``: ids below ``n_loaded``
        are loaded examples, ``n_loaded + k`` the k-th added point)."""
        point_id = int(point_id)
        if point_id >= n_loaded:
            k = point_id - n_loaded
            if k >= len(self.added_points):
                raise ValueError(f"there is no point {point_id}")
            return dataclasses.replace(
                self, added_points=self.added_points[:k] + self.added_points[k + 1:])
        return dataclasses.replace(self, removed_points=self.removed_points + (point_id,))

    def same_data_except_edits(self, other: "DataSpec") -> bool:
        return self.without_edits() == other.without_edits()

    def with_params(self, **kwargs) -> "DataSpec":
        merged = {**self.param_dict, **kwargs}
        return dataclasses.replace(self, params=tuple(sorted(merged.items())))


def _points(points) -> tuple[tuple[float, float, int], ...]:
    out = []
    for p in points:
        if len(p) != 3:
            raise ValueError(f"a drawn point is (x1, x2, class), got {p!r}")
        x1, x2, label = float(p[0]), float(p[1]), p[2]
        if not (math.isfinite(x1) and math.isfinite(x2)):
            raise ValueError(f"a drawn point needs finite coordinates, got {p!r}")
        if isinstance(label, bool) or int(label) != label or label < 0:
            raise ValueError(f"a drawn point's class must be a whole number >= 0, got {label!r}")
        out.append((x1, x2, int(label)))
    return tuple(out)


def _indices(indices) -> tuple[int, ...]:
    if any(isinstance(i, bool) or int(i) != i or i < 0 for i in indices):
        raise ValueError(f"removed examples are column numbers >= 0, got {list(indices)}")
    return tuple(sorted({int(i) for i in indices}))


@dataclass(frozen=True)
class NetworkSpec:
    """Hidden layers and initialization. The input and output sizes and the output head
    follow the data (``n[0]`` = features; sigmoid, softmax or linear by task).

    ``init_scale`` is the engine's multiplier: ``W[l] ~ randn * base_std(scheme) * scale``,
    where the "random" scheme's base std is the course's 0.01. So the course default
    (``randn * 0.01``) is ``init="random", init_scale=1``. It is the one unit of the init
    scale everywhere: the builder's and the toolbar's field, ``--init-scale`` and the files.

    ``course_exact`` draws the initial weights from NumPy's legacy ``RandomState(seed)`` as
    the course's ``initialize_parameters`` does (seed 2: one hidden layer; 3: the
    initialization lesson).
    """

    hidden_units: tuple[int, ...] = (4,)
    activations: tuple[str, ...] = ("tanh",)
    init: str = "random"
    init_scale: float = 1.0
    seed: int = 2
    alpha: float | None = None
    dtype: str = "float64"
    course_exact: bool = False
    # A lesson's starting point: θ = (W1, b1, ..., WL, bL) flattened row-major, used instead
    # of the random draw (and again on reset); None draws with ``init`` and ``seed``.
    initial_theta: tuple[float, ...] | None = None

    def __post_init__(self):
        if len(self.hidden_units) != len(self.activations):
            raise ValueError(f"{len(self.hidden_units)} hidden layers need as many activations, "
                             f"got {len(self.activations)}")
        if len(self.hidden_units) + 1 > MAX_LAYERS:
            raise ValueError(f"at most {MAX_LAYERS - 1} hidden layers")
        for n in self.hidden_units:
            if not 1 <= n <= MAX_UNITS:
                raise ValueError(f"a hidden layer needs 1 to {MAX_UNITS} units, got {n}")
        for a in self.activations:
            if a not in ACTIVATIONS:
                raise ValueError(f"unknown activation {a!r}")
        if self.init not in INIT_SCHEMES:
            raise ValueError(f"unknown init scheme {self.init!r}; choose one of {INIT_SCHEMES}")
        _in_range("the init scale", self.init_scale, 0.0, MAX_INIT_SCALE)
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral):
            raise ValueError(f"the initialization seed must be a whole number, got {self.seed!r}")
        _in_range("the initialization seed", self.seed, 0, MAX_SEED)
        if self.dtype not in ("float64", "float32"):
            raise ValueError(f"dtype must be float64 or float32, got {self.dtype!r}")


def init_base_std(scheme: str) -> float | None:
    """The std the "random" scheme multiplies (0.01); None for the fan-in based schemes."""
    return RANDOM_BASE_STD if scheme == "random" else None


@dataclass(frozen=True)
class Hyperparameters:
    """Settings that apply at the next step without a reset."""

    optimizer: str = "gd"
    learning_rate: float = 1.2
    beta: float = 0.9            # momentum
    beta1: float = 0.9           # Adam
    beta2: float = 0.999         # Adam and RMSprop (the course's β₂ of s)
    epsilon: float = 1e-8        # Adam and RMSprop
    bias_correction: bool = True  # Adam: v/(1-β₁ᵗ), s/(1-β₂ᵗ)
    batch_size: int | None = None  # None = full batch
    lambd: float = 0.0           # L2
    keep_prob: float = 1.0       # dropout on hidden layers
    # Learning-rate decay per epoch (nnviz.engine.lr_schedules): none, inverse, exponential
    # or staircase; decay_rate None = the course's value for the schedule (1; 0.95 for
    # exponential); decay_interval: the staircase's epochs per step.
    lr_decay: str = "none"
    decay_rate: float | None = None
    decay_interval: int = DEFAULT_DECAY_INTERVAL

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of "
                             f"{', '.join(OPTIMIZERS)}")
        _in_range("the learning rate", self.learning_rate, 0.0, MAX_LEARNING_RATE)
        if self.learning_rate == 0:
            raise ValueError("the learning rate must be more than 0 (at 0 nothing is learned)")
        if self.batch_size is not None:
            if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, numbers.Integral):
                raise ValueError(f"the mini-batch size must be a whole number, "
                                 f"got {self.batch_size!r}")
            _in_range("the mini-batch size", self.batch_size, 1, MAX_BATCH_SIZE,
                      " (leave it empty for full batch)")
        _in_range("momentum β", self.beta, 0.0, BETA_MAX)
        _in_range("Adam's β1", self.beta1, 0.0, BETA_MAX)
        _in_range("β2 (Adam, RMSprop)", self.beta2, 0.0, BETA2_MAX)
        if not (isinstance(self.epsilon, numbers.Real) and 0 < self.epsilon < 1):
            raise ValueError(f"ε (Adam, RMSprop) must be between 0 and 1, got {self.epsilon!r}")
        if not isinstance(self.bias_correction, bool):
            raise ValueError(f"Adam's bias correction is on (true) or off (false), "
                             f"got {self.bias_correction!r}")
        _in_range("the L2 λ", self.lambd, 0.0, MAX_L2)
        _in_range("keep_prob", self.keep_prob, MIN_KEEP_PROB, 1.0)
        problem = schedule_problem(self.lr_decay, self.decay_rate, self.decay_interval)
        if problem:
            raise ValueError(problem)

    def lr_schedule(self) -> LearningRateSchedule:
        """α per epoch from this learning rate (α0) and the decay settings."""
        return LearningRateSchedule(self.learning_rate, self.lr_decay, self.decay_rate,
                                    self.decay_interval)

    def optimizer_kwargs(self) -> dict:
        kw = {"learning_rate": self.learning_rate}
        if self.optimizer == "momentum":
            kw["beta"] = self.beta
        elif self.optimizer == "rmsprop":
            kw.update(beta2=self.beta2, epsilon=self.epsilon)
        elif self.optimizer == "adam":
            kw.update(beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon,
                      bias_correction=self.bias_correction)
        return kw


@dataclass(frozen=True)
class SessionConfig:
    data: DataSpec = field(default_factory=DataSpec)
    network: NetworkSpec = field(default_factory=NetworkSpec)
    hyper: Hyperparameters = field(default_factory=Hyperparameters)

    @property
    def course_exact(self) -> bool:
        """Data and initial weights both drawn as in the course notebooks."""
        return self.data.course_exact and self.network.course_exact

    def with_course_exact(self, on: bool = True) -> "SessionConfig":
        """This configuration with the course's own random draws on (or off).

        On: the data and the initial weights come from the legacy ``RandomState`` with the
        notebooks' seeds (the network seed becomes the course's seed for this data: 2 for
        the flower, 3 for the circles). Raises ``ValueError`` for other data sets.
        """
        if not on:
            return dataclasses.replace(
                self, data=dataclasses.replace(self.data, course_exact=False),
                network=dataclasses.replace(self.network, course_exact=False))
        data = dataclasses.replace(self.data, course_exact=True)  # validates the name
        network = dataclasses.replace(self.network, course_exact=True,
                                      seed=COURSE_INIT_SEEDS[data.name])
        return dataclasses.replace(self, data=data, network=network)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["data"]["params"] = dict(self.data.params)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SessionConfig":
        data = dict(d.get("data", {}))
        data["params"] = tuple(sorted(dict(data.get("params", {})).items()))
        if "features" in data:
            data["features"] = tuple(data["features"] or ())
        for key in ("added_points", "removed_points"):
            if key in data:
                data[key] = tuple(tuple(p) if isinstance(p, list) else p
                                  for p in data[key] or ())
        net = dict(d.get("network", {}))
        for key in ("hidden_units", "activations"):
            if key in net:
                net[key] = tuple(net[key])
        if net.get("initial_theta") is not None:
            net["initial_theta"] = tuple(float(v) for v in net["initial_theta"])
        return cls(DataSpec(**data), NetworkSpec(**net), Hyperparameters(**d.get("hyper", {})))


def course_default() -> SessionConfig:
    """The course's planar flower: one hidden layer of 4 tanh units, sigmoid output,
    ``randn * 0.01`` init, gradient descent with learning rate 1.2."""
    return SessionConfig(
        DataSpec(name="flower"),
        NetworkSpec(hidden_units=(4,), activations=("tanh",), init="random", init_scale=1.0),
        Hyperparameters(optimizer="gd", learning_rate=1.2),
    )
