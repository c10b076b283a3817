"""Headless training for the command line (no Qt): settings -> run -> metrics and files.

The settings are the app's :class:`~nnviz.training.config.SessionConfig` (so a session saved
by the app and a run from the command line mean the same thing), built from three layers,
each overriding the one before: the course defaults, a config file (JSON or ``.nnviz``
session), then the command-line flags. Training runs in the app's own
:class:`~nnviz.training.session.TrainingSession`, so the same settings give the same network.
"""
from __future__ import annotations

import copy
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnviz.engine.data import DATASETS
from nnviz.engine.io import LoadError, SessionData, load_session, trainer_state
from nnviz.engine.metrics import evaluate
from nnviz.engine.course_exact import COURSE_EXACT_DATA, COURSE_INIT_SEEDS
from nnviz.engine.limits import MAX_EXAMPLES
from nnviz.training.config import CSV_DATASET, SessionConfig, course_default

DEFAULT_ITERATIONS = 2000
MAX_CONFIG_BYTES = 1024 * 1024

# Flat keys (command-line flag names, also accepted in a flat JSON config file) -> where
# they go in SessionConfig.to_dict(). Keys handled specially are listed in _SPECIAL.
_FLAT_KEYS = {
    "bias_correction": ("hyper", "bias_correction"),
    "split_seed": ("data", "split_seed"),
    "normalize": ("data", "normalize"),
    "task": ("data", "csv_task"),
    "header": ("data", "csv_has_header"),
    "alpha": ("network", "alpha"),
    "init": ("network", "init"),
    "init_scale": ("network", "init_scale"),
    "seed": ("network", "seed"),
    "dtype": ("network", "dtype"),
    "optimizer": ("hyper", "optimizer"),
    "lr": ("hyper", "learning_rate"),
    "learning_rate": ("hyper", "learning_rate"),
    "beta": ("hyper", "beta"),
    "beta1": ("hyper", "beta1"),
    "beta2": ("hyper", "beta2"),
    "epsilon": ("hyper", "epsilon"),
    "l2": ("hyper", "lambd"),
    "lambd": ("hyper", "lambd"),
    "keep_prob": ("hyper", "keep_prob"),
    "lr_decay": ("hyper", "lr_decay"),
    "decay_rate": ("hyper", "decay_rate"),
    "decay_interval": ("hyper", "decay_interval"),
}
_SPECIAL = ("dataset", "csv", "label", "noise", "samples", "data_seed", "test_fraction",
            "dev_fraction",
            "layers", "activation", "batch_size", "iterations", "head", "course_exact",
            "features")
FLAT_KEYS = tuple(_FLAT_KEYS) + _SPECIAL


class ConfigError(ValueError):
    """Bad settings: the message says which and how to fix them."""


@dataclass
class RunSettings:
    config: SessionConfig
    iterations: int = DEFAULT_ITERATIONS
    head: str = "auto"
    csv_text: str | None = None  # an embedded CSV from a session file
    source: str = "defaults"


@dataclass
class RunResult:
    session: object  # nnviz.training.session.TrainingSession
    settings: RunSettings
    iterations: int
    seconds: float
    diverged: bool = False
    message: str = ""
    metrics: dict = field(default_factory=dict)


# -- settings -----------------------------------------------------------------------------

def build_settings(flags: dict, config_file: str | None = None) -> RunSettings:
    """Course defaults, overridden by ``config_file``, overridden by ``flags`` (flat keys
    with value ``None`` meaning "not given")."""
    base = course_default().to_dict()
    iterations, head, csv_text, source = DEFAULT_ITERATIONS, "auto", None, "defaults"
    if config_file:
        file_dict, file_flat, csv_text = read_config_file(Path(config_file))
        _merge(base, file_dict)
        iterations = file_flat.pop("iterations", iterations)
        head = file_flat.pop("head", head)
        _apply_flat(base, file_flat)
        source = str(config_file)
    given = {k: v for k, v in flags.items() if v is not None}
    iterations = given.pop("iterations", iterations)
    head = given.pop("head", head)
    _apply_flat(base, given)
    if base["data"]["name"] != CSV_DATASET:
        csv_text = None
    _check_numbers(base)
    try:
        config = SessionConfig.from_dict(base)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
    if not isinstance(iterations, int) or iterations < 0:
        raise ConfigError(f"iterations must be a whole number >= 0, got {iterations!r}")
    return RunSettings(config, iterations, head, csv_text, source)


def _check_numbers(settings: dict) -> None:
    """Every number finite (a NaN learning rate only "diverges", with advice that cannot
    help) and the examples to generate within the limit, before anything is allocated."""
    def walk(value, where):
        if isinstance(value, float) and not np.isfinite(value):
            raise ConfigError(f"{where} must be a finite number, got {value}")
        if isinstance(value, dict):
            for key, item in value.items():
                if key != "initial_theta":  # weights, checked where they are loaded
                    walk(item, f"{where}.{key}" if where else str(key))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, where)
    walk(settings, "")
    params = settings["data"].get("params")
    m = params.get("m") if isinstance(params, dict) else None
    if m is not None and (isinstance(m, bool) or not isinstance(m, int)
                          or not 1 <= m <= MAX_EXAMPLES):
        raise ConfigError(f"samples (m) must be a whole number from 1 to {MAX_EXAMPLES:,} "
                          f"(the examples limit), got {m!r}")


def read_config_file(path: Path) -> tuple[dict, dict, str | None]:
    """``(nested SessionConfig dict, flat keys, embedded CSV text)`` from a JSON config or a
    ``.nnviz`` session."""
    if not path.is_file():
        raise ConfigError(f"config file {path} not found")
    with open(path, "rb") as f:
        is_zip = f.read(2) == b"PK"
    if is_zip:
        try:
            saved = load_session(path)
        except LoadError as exc:
            raise ConfigError(str(exc)) from exc
        settings = dict(saved.settings)
        flat = {"iterations": settings.pop("iterations")} if "iterations" in settings else {}
        return _nested_part(settings, path), flat, saved.csv_text
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file {path} is larger than 1 MB; it is not a settings file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise ConfigError(f"config file {path} must hold a JSON object of settings")
    flat = {k.replace("-", "_"): v for k, v in document.items()
            if k not in ("data", "network", "hyper")}
    unknown = sorted(set(flat) - set(FLAT_KEYS))
    if unknown:
        raise ConfigError(f"config file {path} has unknown settings {unknown}; known: "
                          f"data, network, hyper (as saved by the app) or {', '.join(FLAT_KEYS)}")
    return _nested_part(document, path), flat, None


def _nested_part(settings: dict, path: Path) -> dict:
    nested = {k: settings[k] for k in ("data", "network", "hyper") if k in settings}
    for key, value in nested.items():
        if not isinstance(value, dict):
            raise ConfigError(f"config file {path}: {key!r} must be an object of settings")
    return nested


def _merge(base: dict, override: dict) -> None:
    for section, values in override.items():
        base[section].update(copy.deepcopy(values))


def _apply_flat(d: dict, flat: dict) -> None:
    data, network, hyper = d["data"], d["network"], d["hyper"]
    if "dataset" in flat:
        name = flat["dataset"]
        if name != CSV_DATASET and name not in DATASETS:
            raise ConfigError(f"unknown data set {name!r}; choose one of "
                              f"{', '.join(DATASETS)} or give --csv PATH")
        if name != data["name"]:
            data["params"] = {}
        data["name"] = name
    if "csv" in flat:
        data.update(name=CSV_DATASET, csv_path=str(flat["csv"]), params={})
    if "label" in flat:
        label = flat["label"]
        data["csv_label_column"] = int(label) if _is_int(label) else label
    for key, param in (("noise", "noise"), ("samples", "m"), ("data_seed", "seed")):
        if key in flat:
            data["params"][param] = flat[key]
    if "test_fraction" in flat or "dev_fraction" in flat:
        dev_before = float(data.get("dev_fraction", 0.0))
        dev = float(flat.get("dev_fraction", dev_before))
        test = float(flat.get("test_fraction", 1.0 - data["train_fraction"] - dev_before))
        for name, fraction in (("test", test), ("dev", dev)):
            if not 0.0 <= fraction < 1.0:
                raise ConfigError(f"{name} fraction must be in [0, 1), got {fraction:g}")
        if test + dev >= 1.0:
            raise ConfigError(f"the test ({test:g}) and dev ({dev:g}) fractions leave nothing "
                              "to train on; lower one of them")
        # The dev set comes out of training. The decimal meant: 1 - 0.95 is
        # 0.050000000000000044, 0.05 after rounding.
        data["train_fraction"] = round(1.0 - test - dev, 12)
        data["dev_fraction"] = dev
    for key, (section, name) in _FLAT_KEYS.items():
        if key in flat:
            d[section][name] = flat[key]
    if "batch_size" in flat:
        size = flat["batch_size"]
        hyper["batch_size"] = None if size in (0, "full", None) else int(size)
    if "layers" in flat:
        network["hidden_units"] = parse_layers(flat["layers"])
    if "activation" in flat or "layers" in flat:
        acts = flat.get("activation", network["activations"])
        acts = [a.strip() for a in acts.split(",")] if isinstance(acts, str) else list(acts)
        n_hidden = len(network["hidden_units"])
        from_before = "activation" not in flat  # the old list, for a new layer count
        if n_hidden == 0:
            acts = []  # no hidden layer: only the output head, which follows the task
        elif len(acts) == 1 or (from_before and len(set(acts)) == 1):
            acts = acts[:1] * n_hidden
        if len(acts) != n_hidden:
            raise ConfigError(f"{n_hidden} hidden layers need one activation or {n_hidden} "
                              f"(comma-separated), got {len(acts)}: {','.join(acts)}")
        network["activations"] = acts
    if "features" in flat:
        features = flat["features"]
        if isinstance(features, str):
            text = features.strip().lower()
            features = [] if text in ("", "none") else [f.strip() for f in text.split(",")]
        data["features"] = list(features)
    if "course_exact" in flat:
        on = bool(flat["course_exact"])
        if on and data["name"] not in COURSE_EXACT_DATA:
            raise ConfigError(f"--course-exact reproduces the notebooks' draws of "
                              f"{' and '.join(COURSE_EXACT_DATA)} only, not {data['name']!r}")
        data["course_exact"] = network["course_exact"] = on
        if on and "seed" not in flat:  # the notebook's initialize_parameters seed
            network["seed"] = COURSE_INIT_SEEDS[data["name"]]


def parse_layers(value) -> list[int]:
    """``"4,4"`` or ``[4, 4]`` -> ``[4, 4]``; ``""``, ``"0"`` or ``"none"``: no hidden layer.
    An empty size (``"4,,4"``, ``"4,"``) is refused, not skipped: it is most likely a typo
    for a missing layer."""
    if isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        text = str(value).strip().lower()
        parts = [] if text in ("", "0", "none") else [p.strip() for p in text.split(",")]
        if "" in parts:
            raise ConfigError(f"layers {value!r} has an empty size (two commas in a row, or "
                              "one at an end); give every hidden layer's size, such as 4,4")
    try:
        units = [int(p) for p in parts]
    except (TypeError, ValueError):
        raise ConfigError(f"layers must be comma-separated hidden-layer sizes such as 4,4; got "
                          f"{value!r}") from None
    if any(n < 1 for n in units):
        raise ConfigError(f"every hidden layer needs at least 1 unit, got {value!r}")
    return units


def _is_int(text) -> bool:
    try:
        int(text)
        return True
    except (TypeError, ValueError):
        return False


# -- running ------------------------------------------------------------------------------

class ProgressBar:
    """The command line's progress through ``tqdm``: steps done, rate, time left and the
    latest cost (a widget in a notebook, via ``tqdm.auto``); draws nothing when disabled."""

    def __init__(self, total: int, stream=None, enabled: bool = True, unit: str = "step"):
        self.enabled = enabled and total > 0
        self._bar = None
        if self.enabled:
            from tqdm.auto import tqdm
            self._bar = tqdm(total=total, file=stream if stream is not None else sys.stderr,
                             unit=unit, dynamic_ncols=True, mininterval=0.1)

    @property
    def total(self) -> int:
        return 0 if self._bar is None else int(self._bar.total)

    @total.setter
    def total(self, value: int) -> None:
        if self._bar is not None and value != self._bar.total:
            self._bar.total = value
            self._bar.refresh()

    def update(self, done: int, cost: float | None = None) -> None:
        """``done`` steps finished in all (not since the last call)."""
        if self._bar is None:
            return
        if cost is not None:
            self._bar.set_postfix(cost=f"{cost:.4g}", refresh=False)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def start_session(settings: RunSettings, workdir: str | None = None):
    """Build the app's training session (data, split, normalization, network, trainer)."""
    from nnviz.training.session import TrainingSession

    config = settings.config
    if settings.csv_text is not None:  # the session's embedded CSV, as a real file
        import dataclasses
        original = Path(config.data.csv_path or "data.csv").name
        if original in ("", ".", "..") or len(original) > 200:  # "/", "..": not a file name
            original = "data.csv"
        path = Path(workdir or tempfile.mkdtemp(prefix="nnviz-")) / original
        path.write_text(settings.csv_text, encoding="utf-8")
        config = dataclasses.replace(config, data=dataclasses.replace(config.data,
                                                                      csv_path=str(path)))
    session = TrainingSession(config)
    if settings.head not in ("auto", session.net.head):
        raise ConfigError(f"the output head follows the task: {session.dataset.task} data "
                          f"needs {session.net.head!r}, not {settings.head!r} (use --head auto, "
                          "or --task to change the task of a CSV file)")
    return session


def train(settings: RunSettings, progress: ProgressBar | None = None,
          workdir: str | None = None, on_chunk=None) -> RunResult:
    """``on_chunk(session)``, if given, is called before the first step and after every
    chunk of steps (``--challenge`` follows the run with it)."""
    session = start_session(settings, workdir)
    total = settings.iterations
    chunk = max(1, total // 200)
    started = time.perf_counter()
    result = None
    if on_chunk is not None:
        on_chunk(session)
    while session.iteration < total:
        result = session.step(min(chunk, total - session.iteration))
        if on_chunk is not None:
            on_chunk(session)
        if progress is not None and not result.diverged:
            progress.update(session.iteration, result.cost)
        if result.diverged:
            break
    seconds = time.perf_counter() - started
    if progress is not None:
        progress.close()
    diverged = bool(result is not None and result.diverged)
    return RunResult(session, settings, session.iteration, seconds, diverged,
                     result.message if diverged else "", final_metrics(session))


def final_metrics(session) -> dict:
    """Cost and accuracy (or RMSE and R^2) on the training and test splits."""
    net, trainer, data = session.net, session.trainer, session.data
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        train = evaluate(net, trainer.X, trainer.Y, trainer.lambd)
        test = (evaluate(net, data.X_test.astype(net.dtype), data.Y_test.astype(net.dtype))
                if data.m_test else {})
        dev = (evaluate(net, data.X_dev.astype(net.dtype), data.Y_dev.astype(net.dtype))
               if data.m_dev else {})
    return {"iterations": int(trainer.iteration), "epochs": int(trainer.epoch),
            "learning_rate": trainer.learning_rate,  # after decay: the next step's
            "train": {k: float(v) for k, v in train.items()},
            "dev": {k: float(v) for k, v in dev.items()},
            "test": {k: float(v) for k, v in test.items()}}


def export_info(result: RunResult) -> dict:
    """Keyword arguments for :func:`nnviz.engine.io.export_weights`."""
    session = result.session
    settings = {**result.settings.config.to_dict(), "iterations": result.iterations}
    dataset_info = session.dataset
    if session.feature_map is not None:  # the network's inputs are the features
        dataset_info = {"name": session.dataset.name, "task": session.dataset.task,
                        "feature_names": list(session.data.feature_names),
                        "class_names": list(session.dataset.class_names),
                        "source": session.dataset.source}
    return dict(normalizer=session.standardizer if session.data.normalized else None,
                dataset_info=dataset_info, settings=settings, metrics=result.metrics,
                features=session.feature_map)


def session_data(result: RunResult) -> SessionData:
    """The run as a session file's content."""
    return session_data_from_training(result.session, csv_text=result.settings.csv_text,
                                      csv_path=result.settings.config.data.csv_path,
                                      metrics=result.metrics)


def session_data_from_training(session, csv_text: str | None = None,
                               csv_path: str | None = None, metrics: dict | None = None,
                               extra: dict | None = None) -> SessionData:
    """A :class:`SessionData` from a :class:`~nnviz.training.session.TrainingSession` (the
    app's, or the command line's): settings, weights, history, trajectory, trainer state and,
    for a CSV data set, the file's text (read from ``csv_path`` unless ``csv_text`` is given).
    """
    config = session.config
    spec = config.data
    if spec.name == CSV_DATASET:
        csv_path = csv_path or spec.csv_path
        if csv_text is None:
            csv_text = Path(spec.csv_path).read_text(encoding="utf-8-sig")
        dataset = {"kind": "csv", "name": session.dataset.name, "path": str(csv_path),
                   "label_column": spec.csv_label_column, "has_header": spec.csv_has_header,
                   "task": spec.csv_task}
    else:
        csv_text = None
        dataset = {"kind": DATASETS[spec.name].kind, "name": spec.name,
                   "params": spec.param_dict}
    trainer = session.trainer
    return SessionData.from_network(
        session.net, dataset=dataset,
        settings={**config.to_dict(), "iterations": int(trainer.iteration)},
        normalizer=session.standardizer if session.data.normalized else None,
        history=dict(session.history.arrays()), trajectory=list(session.trajectory.thetas()),
        trainer=trainer_state(trainer), csv_text=csv_text,
        extra={"trajectory_iterations": np.asarray(session.trajectory.iterations()),
               "metrics": metrics if metrics is not None else session.measure(),
               **(extra or {})})


def diagnose_session(session):
    """The gradient-flow verdict of a session's current network, exactly as the panel gives it
    (the same snapshot, statistics and thresholds)."""
    from nnviz.analysis.gradient_flow import diagnose_snapshot
    from nnviz.analysis.gradient_flow_stats import flow_stats

    snapshot = session.snapshot()
    stats = flow_stats(snapshot)
    return diagnose_snapshot(snapshot, stats.saturated_fraction, stats.dead_fraction)
