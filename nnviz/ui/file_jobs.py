"""The file work of the File menu as plain functions for the file thread (no widgets).

Each job takes immutable inputs (a snapshot, a captured :class:`~nnviz.engine.io.SessionData`,
a path) and returns its result, or a :class:`Failure` with the message to show for an
expected problem (unwritable path, a file that is refused). They run on
:class:`~nnviz.ui.file_actions.FileActions`' ``JobRunner`` thread, never on the GUI thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Failure:
    """A job's expected failure (unwritable path, refused file): the message to show."""

    message: str


def _snapshot_network(snapshot):
    """The snapshot's network with its own settings (init, seed) and parameters."""
    from nnviz.engine.network import Network

    spec = snapshot.config.network
    net = Network(snapshot.layer_dims, list(snapshot.activations), snapshot.head,
                  alpha=spec.alpha, dtype=snapshot.theta.dtype, init="zeros",
                  init_scale=spec.init_scale, seed=spec.seed)
    net.init = spec.init
    net.set_theta(snapshot.theta)
    return net


def _snapshot_normalizer(snapshot):
    from nnviz.engine.normalization import Standardizer

    d = snapshot.data
    if not d.normalized:
        return None
    return Standardizer(d.mean.reshape(-1, 1).astype("float64"),
                        d.std.reshape(-1, 1).astype("float64"), tuple(d.constant_features))


def _snapshot_metrics(snapshot) -> dict:
    metric = "accuracy" if snapshot.metric_name == "accuracy" else "r2"
    return {"iterations": int(snapshot.iteration), "epochs": int(snapshot.epoch),
            "train": {"cost": snapshot.train_cost, metric: snapshot.train_metric},
            "test": {"cost": snapshot.test_cost, metric: snapshot.test_metric}}


def _export_kwargs(snapshot, data_source: str) -> dict:
    """What an export writes beside the weights: normalization, data set, settings, metrics
    and the input features."""
    d = snapshot.data
    # The data set's name as the command line records it: its key, or the CSV file's stem.
    info = {"name": Path(data_source).stem if d.name == "csv" else d.name, "task": d.task,
            "feature_names": list(d.feature_names), "class_names": list(d.class_names),
            "source": data_source}
    settings = {**snapshot.config.to_dict(), "iterations": int(snapshot.iteration)}
    return dict(normalizer=_snapshot_normalizer(snapshot), dataset_info=info,
                settings=settings, metrics=_snapshot_metrics(snapshot),
                features=snapshot.config.data.feature_map)


def export_weights_job(snapshot, path: Path, fmt: str, data_source: str):
    from nnviz.engine.io import ExportError, export_weights

    try:
        return export_weights(path, _snapshot_network(snapshot), fmt,
                              **_export_kwargs(snapshot, data_source))
    except ExportError as exc:
        return Failure(str(exc))


def export_pytorch_job(snapshot, path: Path, data_source: str):
    """The PyTorch script and its weights npz; returns both paths."""
    from nnviz.engine.io import ExportError
    from nnviz.engine.io.torch_export import export_torch_script

    d = snapshot.data
    try:
        return export_torch_script(path, _snapshot_network(snapshot), d.X_train_raw,
                                   d.Y_train, **_export_kwargs(snapshot, data_source))
    except ExportError as exc:
        return Failure(str(exc))


def history_columns(snapshot) -> dict:
    """The metric history as CSV columns, named for what they hold."""
    h = snapshot.history
    metric = "accuracy" if snapshot.metric_name == "accuracy" else "r2"
    return {"iteration": h.iterations, "train_cost": h.train_cost, "test_cost": h.test_cost,
            f"train_{metric}": h.train_metric, f"test_{metric}": h.test_metric}


def layer_history_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}_layers.csv")


def export_history_job(snapshot, path: Path):
    """``path``: cost and accuracy (or R^2) per recorded iteration. Beside it,
    ``<name>_layers.csv``: the per-layer statistics (their own iterations), if any."""
    from nnviz.engine.io import ExportError, export_history_csv

    written = []
    try:
        export_history_csv(path, history_columns(snapshot))
        written.append(path)
        layers = snapshot.layer_history
        if layers is not None and len(layers.iterations):
            columns = {"iteration": layers.iterations, **layers.series}
            export_history_csv(layer_history_path(path), columns)
            written.append(layer_history_path(path))
    except ExportError as exc:
        return Failure(str(exc))
    return written


def save_session_job(data, path: Path):
    from nnviz.engine.io import ExportError, save_session

    try:
        return save_session(path, data)
    except ExportError as exc:
        return Failure(str(exc))


def load_session_job(path: Path, csv_folder: str, job=None):
    """Read, check and rebuild the session (everything but the swap). ``job``: checked
    between the steps, so closing the window does not wait for the rebuild."""
    from nnviz.engine.io import LoadError, load_session
    from nnviz.training.session_state import restore_session

    try:
        data = load_session(path)
    except LoadError as exc:
        return Failure(str(exc))
    except OSError as exc:  # the loaders word their own; this is a last resort
        return Failure(_unreadable(path, exc))
    if job is not None:
        job.check()
    try:
        return restore_session(data, csv_folder)
    except ValueError as exc:
        return Failure(f"{path.name}: {exc}.")
    except OSError as exc:
        return Failure(_unreadable(path, exc))


def import_weights_job(path: Path, config, job=None):
    """Read and check an export, then build a session with its network on the current data."""
    from nnviz.engine.io import LoadError, load_weights
    from nnviz.training.session_state import session_from_weights

    try:
        model = load_weights(path)
    except LoadError as exc:
        return Failure(str(exc))
    except OSError as exc:  # the loaders word their own; this is a last resort
        return Failure(_unreadable(path, exc))
    if job is not None:
        job.check()
    try:
        return session_from_weights(model, config)
    except ValueError as exc:
        return Failure(f"{path.name}: {exc}.")
    except OSError as exc:
        return Failure(_unreadable(path, exc))


def _unreadable(path: Path, exc: OSError) -> str:
    why = exc.strerror or "an input/output error"
    return f"{path.name}: cannot be read or rebuilt ({why}). Check the file and try again."
