"""Sessions: the whole state of a run in one ``.nnviz`` file (format version 1).

A ``.nnviz`` file is a zip archive holding

``manifest.json``
    ``{"format": "nnviz-session", "format_version": 1, "nnviz_version", "created",
    "dataset": {...}, "settings": {...}, "network": {...}, "normalization": null | {...},
    "history": [names], "trajectory_length": T, "trainer": {...} | null, "extra": {...},
    "csv_file": "data.csv" | null, "arrays": {name: {"shape", "dtype"}}}``.
    Wherever an array belongs inside ``trainer`` or ``extra``, the manifest holds
    ``{"__array__": "<name in arrays.npz>"}``.
``arrays.npz``
    plain numeric arrays (never pickled): ``theta`` (the flat parameters ``W1, b1, ...``
    in :class:`Network` order), ``normalization.mean``/``normalization.std`` ``(n0, 1)``,
    ``history.<name>`` per history series (1-D per step, or 2-D ``(steps, layers)``),
    ``trajectory`` ``(T, n_params)``, and the arrays of ``trainer``/``extra``.
``data.csv``
    the user's CSV file, byte for byte, when the data came from a file.

``dataset`` is the data-set *choice*: ``{"kind": "generated", "name": "flower", "params":
{"m": 400, "noise": 0.2, "seed": 1}}``, ``{"kind": "builtin", "name": "iris"}`` or ``{"kind":
"csv", "name": ..., "path": original path, "label_column": ..., "has_header": ...,
"task": ...}``; :func:`dataset_from_session` rebuilds the :class:`Dataset` from it.
Readers refuse newer format versions; unknown manifest keys are ignored.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import limits
from ..limits import MAX_CSV_BYTES, MAX_MANIFEST_BYTES, MAX_SESSION_BYTES
from ..network import Network
from ..normalization import Standardizer
from . import strict_json
from .archives import Budget, check_readable, open_zip, read_member, read_npz
from .atomic import atomic_write
from .errors import ExportError, LoadError
from .jsonable import to_jsonable
from .metadata import nnviz_version
from .trainer_state import (restore_trainer_state, trainer_state, trainer_state_problem,
                            trainer_values_problem)

SESSION_FORMAT = "nnviz-session"
SESSION_FORMAT_VERSION = 1
SESSION_SUFFIX = ".nnviz"
_MANIFEST, _ARRAYS, _CSV = "manifest.json", "arrays.npz", "data.csv"

__all__ = ["SessionData", "save_session", "load_session", "dataset_from_session",
           "trainer_state", "restore_trainer_state", "SESSION_FORMAT_VERSION"]


@dataclass
class SessionData:
    """Everything a session file holds; plain dicts and arrays the app fills and reads.

    network: :meth:`Network.config` (``layer_dims, activations, head, alpha, dtype, init,
        init_scale, seed``). theta: the flat parameters (``net.theta``).
    dataset: the data-set choice (see the module docstring). settings: every setting, JSON
        values only. normalizer: the :class:`Standardizer` fitted on the training split.
    history: series name -> array, row = recorded step (``cost``, ``train_accuracy``, ...;
        per-layer statistics as ``(steps, L)``). trajectory: list of ``theta`` copies.
    trainer: :func:`trainer_state` of the trainer, to continue training identically.
    csv_text: the CSV file's text when ``dataset["kind"] == "csv"``.
    extra: anything else for the app (view state, ...), JSON values and arrays.
    """

    network: dict
    theta: np.ndarray
    dataset: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    normalizer: Standardizer | None = None
    history: dict = field(default_factory=dict)
    trajectory: list = field(default_factory=list)
    trainer: dict | None = None
    csv_text: str | None = None
    extra: dict = field(default_factory=dict)
    nnviz_version: str = ""  # set by load_session: the version that wrote the file
    format_version: int = SESSION_FORMAT_VERSION

    @classmethod
    def from_network(cls, net: Network, **fields) -> "SessionData":
        return cls(network=net.config(), theta=net.theta.copy(), **fields)

    def build_network(self) -> Network:
        """A network with this session's architecture and parameters."""
        cfg = dict(self.network)
        cfg["init"] = "zeros"  # parameters come from theta
        net = Network(**cfg)
        net.init = self.network.get("init", net.init)
        net.init_scale = float(self.network.get("init_scale", net.init_scale))
        net.set_theta(self.theta)
        return net


# -- saving -------------------------------------------------------------------------------

def save_session(path, data: SessionData) -> Path:
    """Write ``data`` to ``path`` (normally ``*.nnviz``) atomically.

    Raises :class:`ExportError` naming the path for an unwritable location or content that
    cannot be stored (non-JSON settings, a trajectory entry of the wrong size, ...).
    """
    path = Path(path).expanduser()
    try:
        manifest, arrays = _to_manifest(data)
    except (TypeError, ValueError) as exc:
        raise ExportError(f"Cannot save the session to {path}: {exc}.", path) from exc
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    manifest["arrays"] = {k: {"shape": list(a.shape), "dtype": a.dtype.str}
                          for k, a in arrays.items()}
    manifest_text = json.dumps(manifest, indent=1, allow_nan=False)

    def write(f):
        with zipfile.ZipFile(f, "w") as zf:
            zf.writestr(_MANIFEST, manifest_text, compress_type=zipfile.ZIP_DEFLATED)
            # Stored, not deflated: float bits barely compress and deflate costs ~1 s/10 MB.
            zf.writestr(_ARRAYS, buffer.getvalue(), compress_type=zipfile.ZIP_STORED)
            if data.csv_text is not None:
                zf.writestr(_CSV, data.csv_text, compress_type=zipfile.ZIP_DEFLATED)
    return atomic_write(path, write)


def _to_manifest(data: SessionData) -> tuple[dict, dict]:
    theta = np.asarray(data.theta)
    net = Network(**{**data.network, "init": "zeros"})  # validates the architecture
    if theta.shape != (net.n_params,):
        raise ValueError(f"theta has shape {theta.shape} but the network {net.describe()} has "
                         f"{net.n_params} parameters")
    arrays = {"theta": theta}
    normalization = None
    if data.normalizer is not None:
        arrays["normalization.mean"] = np.asarray(data.normalizer.mean, dtype=np.float64)
        arrays["normalization.std"] = np.asarray(data.normalizer.std, dtype=np.float64)
        normalization = {"method": "standardize",
                         "constant_features": list(data.normalizer.constant_features)}
    for name, values in data.history.items():
        a = np.asarray(values)
        if a.dtype.kind not in "fiub":
            raise ValueError(f"history series {name!r} holds {a.dtype} values, not numbers")
        arrays[f"history.{name}"] = a
    if len(data.trajectory):
        traj = np.asarray(data.trajectory)
        if traj.ndim != 2 or traj.shape[1] != net.n_params:
            raise ValueError(f"the trajectory has shape {traj.shape}; every entry must be a "
                             f"theta of {net.n_params} parameters")
        arrays["trajectory"] = traj
    trainer = _split_arrays(data.trainer, "trainer", arrays)
    extra = _split_arrays(data.extra, "extra", arrays)
    if data.dataset.get("kind") == "csv" and data.csv_text is None:
        raise ValueError("the data set is a CSV file but csv_text (its content) is missing")
    manifest = {
        "format": SESSION_FORMAT,
        "format_version": SESSION_FORMAT_VERSION,
        "nnviz_version": nnviz_version(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "dataset": to_jsonable(data.dataset, "dataset"),
        "settings": to_jsonable(data.settings, "settings"),
        "network": to_jsonable(data.network, "network"),
        "normalization": normalization,
        "history": list(data.history),
        "trajectory_length": len(data.trajectory),
        "trainer": to_jsonable(trainer, "trainer"),
        "extra": to_jsonable(extra, "extra"),
        "csv_file": _CSV if data.csv_text is not None else None,
    }
    return manifest, arrays


def _split_arrays(value, prefix: str, arrays: dict):
    """Replace every ndarray inside ``value`` by ``{"__array__": name}``, storing it."""
    if isinstance(value, np.ndarray):
        arrays[prefix] = value
        return {"__array__": prefix}
    if isinstance(value, dict):
        return {k: _split_arrays(v, f"{prefix}.{k}", arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split_arrays(v, f"{prefix}.{i}", arrays) for i, v in enumerate(value)]
    return value


def _join_arrays(value, arrays: dict, fail):
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            name = value["__array__"]
            if not isinstance(name, str) or name not in arrays:
                fail(f"its manifest refers to the array {name!r}, which is missing")
            return arrays[name]
        return {k: _join_arrays(v, arrays, fail) for k, v in value.items()}
    if isinstance(value, list):
        return [_join_arrays(v, arrays, fail) for v in value]
    return value


# -- loading ------------------------------------------------------------------------------

def load_session(path) -> SessionData:
    """Read a ``.nnviz`` file. Raises :class:`LoadError` naming the file and the problem."""
    path = Path(path).expanduser()
    kind = check_readable(path, MAX_SESSION_BYTES, "session file")

    def fail(problem: str):
        raise LoadError(f"{path.name}: {problem}.", path)

    if kind != "zip":
        fail("is not an nnviz session (a .nnviz file is a zip archive); choose a file saved "
             "with Save session")
    budget = Budget(path, MAX_SESSION_BYTES, "session file")
    with open_zip(path, path, budget=budget) as zf:
        names = set(zf.namelist())
        if _MANIFEST not in names or _ARRAYS not in names:
            fail(f"is a zip archive without {_MANIFEST} and {_ARRAYS}, so not an nnviz session")
        manifest_bytes = read_member(zf, _MANIFEST, budget, MAX_MANIFEST_BYTES)
        csv_bytes = read_member(zf, _CSV, budget, MAX_CSV_BYTES) if _CSV in names else None
        try:
            manifest_text = manifest_bytes.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            fail(f"has a manifest that is not UTF-8 text ({exc})")
        manifest = strict_json.loads(manifest_text, path, "manifest")
        if not isinstance(manifest, dict) or manifest.get("format") != SESSION_FORMAT:
            fail(f"has no \"format\": \"{SESSION_FORMAT}\" in its manifest, so it is not an "
                 "nnviz session")
        version = manifest.get("format_version")
        if not limits.plain_int(version) or version < 1:
            fail(f"has an invalid session format version {version!r}")
        if version > SESSION_FORMAT_VERSION:
            fail(f"was written by a newer nnviz (session format version {version}; this nnviz "
                 f"reads up to {SESSION_FORMAT_VERSION}). Update nnviz to open it")
        problem = manifest_problem(manifest)
        if problem:
            fail(problem)
        arrays = _read_arrays(zf, path, budget)

    network = manifest["network"]
    try:
        net = Network(**{**network, "init": "zeros"})
    except (TypeError, ValueError) as exc:
        fail(f"describes a network nnviz cannot build ({exc})")
    theta = arrays.get("theta")
    if theta is None or theta.shape != (net.n_params,):
        fail(f"has parameters of shape {None if theta is None else theta.shape}, but its "
             f"network {net.describe()} needs ({net.n_params},)")
    if not np.isfinite(theta).all():
        fail("has NaN or infinite parameters; the file is damaged")

    normalizer = None
    if manifest.get("normalization") is not None:
        mean, std = arrays.get("normalization.mean"), arrays.get("normalization.std")
        n0 = net.layer_dims[0]
        if mean is None or std is None or mean.size != n0 or std.size != n0:
            fail(f"has a normalization without a mean and std of {n0} values")
        if not (np.isfinite(mean).all() and np.isfinite(std).all()) or (std <= 0).any():
            fail("has a normalization std <= 0 or non-finite mean/std")
        constant = manifest["normalization"].get("constant_features", [])
        normalizer = Standardizer(mean.reshape(n0, 1).astype(np.float64),
                                  std.reshape(n0, 1).astype(np.float64),
                                  tuple(int(i) for i in constant))

    history = {}
    for name in manifest.get("history", []):
        if f"history.{name}" not in arrays:
            fail(f"lists the history series {name!r} but its array is missing")
        history[name] = arrays[f"history.{name}"]
    trajectory = []
    if "trajectory" in arrays:
        traj = arrays["trajectory"]
        if traj.ndim != 2 or traj.shape[1] != net.n_params:
            fail(f"has a trajectory of shape {traj.shape}, not (steps, {net.n_params})")
        trajectory = list(traj)
    csv_text = None
    if manifest.get("csv_file"):
        if csv_bytes is None:
            fail(f"says its data is the embedded {_CSV}, which is missing")
        try:
            csv_text = csv_bytes.decode("utf-8")
        except UnicodeDecodeError:
            fail(f"has an embedded {_CSV} that is not UTF-8 text")

    trainer = _join_arrays(manifest.get("trainer"), arrays, fail)
    if trainer is not None:
        problem = trainer_values_problem(trainer)
        if problem:
            fail(f"has a training state that cannot be used: {problem}. The file is damaged; "
                 "save the session again from the app")
    return SessionData(
        network=network, theta=theta, dataset=manifest.get("dataset") or {},
        settings=manifest.get("settings") or {}, normalizer=normalizer, history=history,
        trajectory=trajectory, trainer=trainer,
        csv_text=csv_text, extra=_join_arrays(manifest.get("extra") or {}, arrays, fail),
        nnviz_version=str(manifest.get("nnviz_version", "")), format_version=version)


def _read_arrays(zf, path: Path, outer: Budget) -> dict:
    """``arrays.npz``, read in place when stored (as nnviz writes it), else unpacked first."""
    label = f" ({_ARRAYS})"
    inner = Budget(path, MAX_SESSION_BYTES, "session file")
    info = zf.getinfo(_ARRAYS)
    outer.fits(info.file_size, _ARRAYS)
    if info.compress_type == zipfile.ZIP_STORED:
        try:
            member = zf.open(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            raise LoadError(f"{path.name}: is damaged: {_ARRAYS} cannot be unpacked ({exc}).",
                            path) from exc
        with member:
            return read_npz(member, inner, label)
    data = read_member(zf, _ARRAYS, outer)
    return read_npz(io.BytesIO(data), inner, label)


def manifest_problem(manifest: dict) -> str | None:
    """What in a manifest is beyond nnviz's limits (checked before anything is allocated)."""
    network = manifest.get("network")
    if not isinstance(network, dict):
        return "has no network description in its manifest"
    problem = limits.layer_dims_problem(network.get("layer_dims"))
    if problem:
        return f"describes a network nnviz cannot build: {problem}"
    dataset = manifest.get("dataset")
    if dataset is not None and not isinstance(dataset, dict):
        return "has a data-set choice that is not an object"
    params = (dataset or {}).get("params") or {}
    if not isinstance(params, dict):
        return "has data-set parameters that are not an object"
    for key in ("m", "n_samples"):
        if key in params and (not limits.plain_int(params[key])
                              or not 1 <= params[key] <= limits.MAX_EXAMPLES):
            return (f"asks for a data set of {params[key]!r} examples; nnviz makes 1.."
                    f"{limits.MAX_EXAMPLES:,} (the example limit)")
    normalization = manifest.get("normalization")
    if normalization is not None:
        constant = normalization.get("constant_features", []) if isinstance(
            normalization, dict) else None
        if not isinstance(constant, list) or not all(
                limits.plain_int(i) and 0 <= i < network["layer_dims"][0] for i in constant):
            return "has a normalization whose constant features are not input numbers"
    for key in ("history",):
        value = manifest.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"has a {key} list that is not a list of names"
    problem = limits.counter_problem("trajectory length", manifest.get("trajectory_length", 0))
    if problem:
        return f"has a trajectory beyond nnviz's limits: {problem}"
    trainer = manifest.get("trainer")
    if trainer is not None:
        if not isinstance(trainer, dict):
            return "has a training state that is not an object"
        problem = trainer_state_problem(trainer)
        if problem:
            return f"has a training state beyond nnviz's limits: {problem}"
    for key in ("settings", "extra"):
        if not isinstance(manifest.get(key) or {}, dict):
            return f"has {key} that are not an object"
    return None


def dataset_from_session(data: SessionData):
    """Rebuild the session's :class:`Dataset` from its data-set choice (or embedded CSV)."""
    from ..data import DATASETS, load_csv, make_dataset

    choice = dict(data.dataset)
    kind = choice.get("kind") or ("csv" if data.csv_text is not None else "generated")
    if kind == "csv":
        if data.csv_text is None:
            raise ValueError("the session's data set is a CSV file, but the file's content is "
                             "not in the session")
        original = choice.get("path") or f"{choice.get('name') or 'data'}.csv"
        ds = load_csv(Path(str(original)).name, label_column=choice.get("label_column"),
                      has_header=choice.get("has_header"), task=choice.get("task"),
                      class_names=tuple(choice["class_names"])
                      if choice.get("class_names") else None, text=data.csv_text)
        meta = {**ds.meta, "path": str(original)}
        return dataclasses.replace(ds, name=choice.get("name") or ds.name,
                                   source=str(original), meta=meta)
    name = choice.get("name")
    if name not in DATASETS:
        raise ValueError(f"the session uses the data set {name!r}, which this nnviz does not "
                         f"have; it has {', '.join(DATASETS)}")
    return make_dataset(name, **(choice.get("params") or {}))
