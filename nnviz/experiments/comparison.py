"""Run comparison: several configurations side by side, labelled by what differs.

- :func:`label_differences` names each configuration by the settings in which it differs from
  the others (``"init: zeros"`` vs ``"init: He"``), so curves and table rows explain themselves.
- :class:`Sweep` varies one setting (or a few together) over values from one base
  configuration; every run shares the base's data, split and seed.
- :func:`compare` trains a list of configurations and returns a :class:`ComparisonResult`
  with the runs and a table of final train/test cost and accuracy.
- :func:`record_from_history` turns a run of the live app (its settings and history) into a
  :class:`~nnviz.experiments.results.RunRecord`, so pinned runs and experiment runs are drawn
  the same way.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from nnviz.engine.features import FEATURE_LABELS
from nnviz.engine.initialization import RANDOM_BASE_STD
from nnviz.training.config import SessionConfig

from .progress import as_reporter
from .results import RunRecord, Table, read_only
from .runs import train_run

# Short names a sweep accepts -> (section, field) of SessionConfig.
SETTINGS = {
    "dataset": ("data", "name"), "normalize": ("data", "normalize"),
    "train_fraction": ("data", "train_fraction"), "split_seed": ("data", "split_seed"),
    "hidden_units": ("network", "hidden_units"), "activations": ("network", "activations"),
    "init": ("network", "init"), "init_scale": ("network", "init_scale"),
    "seed": ("network", "seed"), "alpha": ("network", "alpha"), "dtype": ("network", "dtype"),
    "optimizer": ("hyper", "optimizer"), "learning_rate": ("hyper", "learning_rate"),
    "beta": ("hyper", "beta"), "beta1": ("hyper", "beta1"), "beta2": ("hyper", "beta2"),
    "epsilon": ("hyper", "epsilon"), "batch_size": ("hyper", "batch_size"),
    "lambd": ("hyper", "lambd"), "keep_prob": ("hyper", "keep_prob"),
    "features": ("data", "features"),
}
ALIASES = {"lr": "learning_rate", "l2": "lambd", "layers": "hidden_units",
           "activation": "activation", "normalization": "normalize"}
DATA_PARAMS = ("m", "noise", "seed", "scale", "factor", "n_features")  # generator arguments

# How a label names a setting.
_NAMES = {"data.name": "data", "data.normalize": "normalized", "data.features": "features",
          "data.course_exact": "course-exact data", "network.course_exact": "course-exact init", "data.train_fraction": "train",
          "data.split_seed": "split seed", "network.hidden_units": "hidden layers",
          "network.activations": "activation", "network.init": "init",
          "network.seed": "seed", "network.alpha": "alpha", "network.dtype": "dtype",
          "hyper.optimizer": "optimizer", "hyper.learning_rate": "learning rate",
          "hyper.batch_size": "batch", "hyper.lambd": "lambda", "hyper.keep_prob": "keep_prob",
          "hyper.beta": "beta", "hyper.beta1": "beta1", "hyper.beta2": "beta2",
          "hyper.epsilon": "epsilon"}
_INIT_NAMES = {"zeros": "zeros", "random": "random", "xavier": "Xavier", "he": "He",
               "glorot": "Glorot"}
_ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "tanh": "tanh",
                     "sigmoid": "sigmoid", "linear": "linear"}


def with_setting(config: SessionConfig, name: str, value) -> SessionConfig:
    """``config`` with one setting changed. ``name`` is a key of :data:`SETTINGS`, an alias
    (``lr``, ``l2``, ``layers``), ``"activation"`` (the same activation for every hidden
    layer), a generator argument (``m``, ``noise``, ``scale``...: ``data.params``) or a dotted
    path (``"hyper.learning_rate"``). Raises ``ValueError`` naming the setting if it is bad."""
    name = ALIASES.get(name, name)
    try:
        if name == "activation":
            n = len(config.network.hidden_units)
            return dataclasses.replace(config, network=dataclasses.replace(
                config.network, activations=(str(value),) * n))
        if name in DATA_PARAMS:
            return dataclasses.replace(config, data=config.data.with_params(**{name: value}))
        if name.startswith("data.params."):
            key = name.split(".", 2)[2]
            return dataclasses.replace(config, data=config.data.with_params(**{key: value}))
        section, field = SETTINGS[name] if name in SETTINGS else name.split(".", 1)
        if field in ("hidden_units", "activations"):
            value = tuple(value)
        if section == "network" and field == "hidden_units":
            acts = config.network.activations
            act = acts[0] if acts else "tanh"
            part = dataclasses.replace(config.network, hidden_units=value,
                                       activations=(act,) * len(value))
        else:
            part = dataclasses.replace(getattr(config, section), **{field: value})
        return dataclasses.replace(config, **{section: part})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"cannot set {name!r} to {value!r}: {exc}. Known settings: "
                         f"{', '.join(sorted(SETTINGS))}, activation, "
                         f"{', '.join(DATA_PARAMS)}") from None


def with_settings(config: SessionConfig, settings: Mapping[str, Any]) -> SessionConfig:
    for name, value in settings.items():
        config = with_setting(config, name, value)
    return config


def flat_settings(config: SessionConfig) -> dict[str, Any]:
    """``{"network.init": "he", "data.params.noise": 0.2, ...}`` (values hashable)."""
    out = {}
    for section, values in config.to_dict().items():
        for key, value in values.items():
            if key == "params":
                for p, v in value.items():
                    out[f"data.params.{p}"] = v
            else:
                out[f"{section}.{key}"] = tuple(value) if isinstance(value, list) else value
    return out


def describe_init(init: str, scale: float) -> str:
    """``"He"``, ``"He x2"``, ``"random x0.01"`` (the std of ``randn``), ``"zeros"``."""
    if init == "zeros":
        return "zeros"
    if init == "random":
        return f"random x{RANDOM_BASE_STD * scale:g}"
    name = _INIT_NAMES.get(init, init)
    return name if scale == 1 else f"{name} x{scale:g}"


def _format(key: str, value, config: SessionConfig) -> str:
    if key == "network.hidden_units":
        return "[" + ", ".join(str(n) for n in value) + "]" if value else "none"
    if key == "network.activations":
        names = [_ACTIVATION_NAMES.get(a, a) for a in value]
        return names[0] if len(set(names)) == 1 else ", ".join(names) if names else "none"
    if key == "data.normalize":
        return "yes" if value else "no"
    if key == "data.features":
        return ", ".join(FEATURE_LABELS[n] for n in value) if value else "x1, x2"
    if key == "hyper.batch_size":
        return "full" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def label_differences(configs: Sequence[SessionConfig]) -> list[str]:
    """One label per configuration naming the settings that differ among them, e.g.
    ``["init: zeros", "init: random x10", "init: He"]``. Identical configurations are
    numbered (``"run 1"``, ``"run 2"``)."""
    flats = [flat_settings(c) for c in configs]
    keys = sorted({k for f in flats for k in f})
    differing = [k for k in keys if len({repr(f.get(k)) for f in flats}) > 1]
    if "network.hidden_units" in differing and "network.activations" in differing:
        # [] vs [4] tanh vs [20] tanh: the activation differs only because layers do
        used = {a for c in configs for a in c.network.activations}
        if len(used) == 1:
            differing.remove("network.activations")
    init_keys = {"network.init", "network.init_scale"}
    labels = []
    for i, (config, flat) in enumerate(zip(configs, flats)):
        parts = []
        if init_keys & set(differing):
            parts.append("init: " + describe_init(config.network.init,
                                                  config.network.init_scale))
        for key in differing:
            if key in init_keys:
                continue
            if key == "network.activations" and not flat.get(key):
                parts.append("activation: none")
                continue
            name = _NAMES.get(key, key.rsplit(".", 1)[-1])
            parts.append(f"{name}: {_format(key, flat.get(key), config)}")
        labels.append(", ".join(parts) if parts else f"run {i + 1}")
    return labels


@dataclass(frozen=True)
class ComparisonResult:
    runs: tuple[RunRecord, ...]
    table: Table
    varied: tuple[str, ...]  # the settings that differ (dotted paths)
    seconds: float


def results_table(runs: Sequence[RunRecord]) -> Table:
    """Final train/test cost and accuracy (or R^2) per run, with divergence noted."""
    metric = runs[0].metric_name if runs else "accuracy"
    rows = []
    for r in runs:
        status = (f"diverged at {r.diverged_at}" if r.diverged
                  else "stuck (gradient = 0)" if r.stuck_at is not None else "ok")
        rows.append((r.label, r.iterations_run, r.final["train_cost"], r.final["test_cost"],
                     r.final["train_metric"], r.final["test_metric"], status))
    fmt = "pct" if metric == "accuracy" else "g"
    return Table(("run", "iterations", "train cost", "test cost", f"train {metric}",
                  f"test {metric}", "status"), tuple(rows), ("s", "int", "g", "g", fmt, fmt, "s"))


def compare(configs: Sequence[SessionConfig], iterations: int, labels: Sequence[str] | None = None,
            progress=None, cancel=None, **run_kwargs) -> ComparisonResult:
    """Train each configuration for ``iterations`` steps, one after the other."""
    if not configs:
        raise ValueError("nothing to compare: give at least one configuration")
    labels = list(labels) if labels is not None else label_differences(configs)
    if len(labels) != len(configs):
        raise ValueError(f"{len(configs)} configurations need {len(configs)} labels, "
                         f"got {len(labels)}")
    started = time.perf_counter()
    reporter = as_reporter(progress, cancel)
    runs = [train_run(c, iterations, label=label, progress=part, **run_kwargs)
            for c, label, part in zip(configs, labels, reporter.parts([1] * len(configs)))]
    flats = [flat_settings(c) for c in configs]
    varied = tuple(k for k in sorted({k for f in flats for k in f})
                   if len({repr(f.get(k)) for f in flats}) > 1)
    return ComparisonResult(tuple(runs), results_table(runs), varied,
                            time.perf_counter() - started)


@dataclass(frozen=True)
class Sweep:
    """One base configuration, one setting varied over ``values``.

    ``setting`` is a name :func:`with_setting` accepts; a value may also be a mapping of
    several settings changed together (``{"init": "random", "init_scale": 1000}``), in which
    case ``setting`` may be empty. Data, split and seed come from ``base`` for every run.
    """
    base: SessionConfig
    setting: str
    values: tuple
    iterations: int = 1000
    labels: tuple[str, ...] | None = None

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))
        if not self.values:
            raise ValueError("a sweep needs at least one value")
        if int(self.iterations) < 1:
            raise ValueError(f"iterations must be at least 1, got {self.iterations}")
        self.configs()  # fail now, with the setting's name, on a bad value

    def configs(self) -> list[SessionConfig]:
        out = []
        for value in self.values:
            if isinstance(value, Mapping):
                out.append(with_settings(self.base, value))
            else:
                if not self.setting:
                    raise ValueError("name the setting the sweep varies")
                out.append(with_setting(self.base, self.setting, value))
        return out

    def run_labels(self) -> list[str]:
        return list(self.labels) if self.labels is not None else label_differences(self.configs())

    def run(self, progress=None, cancel=None, **run_kwargs) -> ComparisonResult:
        return compare(self.configs(), self.iterations, self.run_labels(), progress, cancel,
                       **run_kwargs)


def record_from_history(config: SessionConfig, history, label: str = "",
                        metric_name: str = "accuracy", theta=None) -> RunRecord:
    """A :class:`RunRecord` from a live run's ``history`` (anything with ``iterations``,
    ``train_cost``, ``test_cost``, ``train_metric``, ``test_metric`` arrays, such as a
    snapshot's). The record's ``step_costs`` are the recorded train costs."""
    its = np.asarray(history.iterations, dtype=np.int64)
    curves = {k: np.asarray(getattr(history, k), dtype=np.float64)
              for k in ("train_cost", "test_cost", "train_metric", "test_metric")}
    final = {k: float(v[-1]) if v.size else float("nan") for k, v in curves.items()}
    return RunRecord(label=label, config=config, metric_name=metric_name,
                     iterations=read_only(its), **{k: read_only(v) for k, v in curves.items()},
                     step_costs=read_only(curves["train_cost"]), final=final,
                     iterations_run=int(its[-1]) if its.size else 0,
                     theta=None if theta is None else read_only(theta))


def comparison_report(result: ComparisonResult, title: str = "Run comparison",
                      text: str = "", key: str = "comparison"):
    """A :class:`ComparisonResult` as an :class:`~nnviz.experiments.results.ExperimentResult`
    (cost and accuracy curves, the final-numbers table), so the UI shows sweeps and pinned
    runs the same way it shows lessons."""
    from .plots import cost_curves, metric_curves
    from .results import ExperimentResult

    runs = result.runs
    best = None
    finite = [r for r in runs if np.isfinite(r.final["test_metric"]) and not r.diverged]
    if finite:
        best = max(finite, key=lambda r: r.final["test_metric"])
    elif runs:
        best = min(runs, key=lambda r: r.final["train_cost"]
                   if np.isfinite(r.final["train_cost"]) else np.inf)
    lengths = sorted({r.iterations_run for r in runs})
    span = (f"{lengths[0]:,} iterations" if len(lengths) == 1
            else f"{lengths[0]:,} to {lengths[-1]:,} iterations")
    parts = [f"{len(runs)} runs of {span}" if lengths else "no runs"]
    if best is not None:
        metric = best.metric_name
        value = best.final["test_metric"] if finite else best.final["train_cost"]
        what = f"test {metric} {value:.1%}" if finite and metric == "accuracy" else (
            f"test {metric} {value:.3g}" if finite else f"train cost {value:.3g}")
        parts.append(f"best: {best.label} ({what})")
    diverged = [r.label for r in runs if r.diverged]
    if diverged:
        parts.append("diverged: " + ", ".join(diverged))
    plots = [cost_curves(runs)]
    if runs and np.isfinite(np.concatenate([r.train_metric for r in runs])).any():
        plots.append(metric_curves(runs, test=bool(finite)))
    return ExperimentResult(key=key, title=title, text=text, conclusion="; ".join(parts) + ".",
                            table=result.table, runs=runs, plots=tuple(plots),
                            findings={"varied": result.varied}, seconds=result.seconds)
