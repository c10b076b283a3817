"""A whole training session as a ``.nnviz`` file's content, and back (no Qt).

:func:`session_data` captures a :class:`~nnviz.training.session.TrainingSession` (on the
thread that owns it: the worker): settings, weights, trainer state (mini-batch order, random
generator, optimizer moving averages), the metric history, the trajectory and the per-layer
statistics. :func:`restore_session` builds a *new* session from such content on any thread,
so the session in use is never touched until the new one is complete: the worker then swaps
it in. The restored session continues training exactly as the saved one would have.

What the app adds to :class:`~nnviz.engine.io.SessionData.extra` (beyond what the command
line writes): ``history_stride`` and ``trajectory_stride`` (so recording continues at the same
spacing) and ``layer_history`` (``{"iterations", "series": {name: (entries, L)}}``).
"""
from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnviz.engine.io import SessionData, restore_trainer_state

from .config import CSV_DATASET, SessionConfig
from .session import TrainingSession

# A session file is refused beyond 1 GiB (nnviz.engine.io.session.MAX_SESSION_BYTES); the
# trajectory (records x parameters) is the only part that can get near it, so a large
# network's path is thinned to this many bytes when saved.
MAX_TRAJECTORY_BYTES = 256 * 1024 * 1024


@dataclass
class RestoredSession:
    """A session rebuilt from a file, ready to be adopted by the worker."""

    session: TrainingSession
    csv_origin: str | None = None   # the CSV file's original path, when the data is a CSV
    notes: tuple[str, ...] = ()     # what could not be restored (the rest is intact)


# -- saving -------------------------------------------------------------------------------

def session_data(session: TrainingSession, csv_origin: str | None = None) -> SessionData:
    """The session as a file's content. Call it on the thread that owns ``session``.

    ``csv_origin``: the path to record for a CSV data set when the file the session reads is
    a copy (a reopened session reads its embedded CSV from a temporary folder).
    """
    from nnviz.training.headless import session_data_from_training

    extra = {"history_stride": int(session.history.stride),
             "trajectory_stride": int(session.trajectory.stride)}
    layers = session.layer_history
    if layers is not None and len(layers):
        from nnviz.engine.layer_stats import SCALAR_FIELDS

        extra["layer_history"] = {"iterations": layers.iterations,
                                  "series": {name: layers.series(name)
                                             for name in SCALAR_FIELDS}}
    data = session_data_from_training(session, csv_path=csv_origin, extra=extra)
    _thin_trajectory(data, MAX_TRAJECTORY_BYTES)
    return data


def _thin_trajectory(data: SessionData, max_bytes: int) -> None:
    """Keep evenly spaced trajectory entries (first and last included) within ``max_bytes``."""
    count = len(data.trajectory)
    if count < 3:
        return
    per_entry = max(1, np.asarray(data.trajectory[0]).nbytes)
    fits = max(2, max_bytes // per_entry)
    if count <= fits:
        return
    keep = np.unique(np.linspace(0, count - 1, fits).round().astype(int))
    data.trajectory = [data.trajectory[i] for i in keep]
    iterations = data.extra.get("trajectory_iterations")
    if iterations is not None and len(iterations) == count:
        data.extra["trajectory_iterations"] = np.asarray(iterations)[keep]


# -- restoring ----------------------------------------------------------------------------

def session_config(data: SessionData, csv_folder) -> tuple[SessionConfig, str | None]:
    """The saved settings as a :class:`SessionConfig`; an embedded CSV is written into a new
    folder inside ``csv_folder`` and the config points there. Returns ``(config, original
    CSV path or None)``. Raises ``ValueError`` naming what is wrong."""
    settings = {k: v for k, v in data.settings.items() if k in ("data", "network", "hyper")}
    if "data" not in settings or "network" not in settings:
        raise ValueError("it holds no data and network settings")
    try:
        config = SessionConfig.from_dict(settings)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"its settings cannot be used ({exc})") from exc
    if config.data.name != CSV_DATASET:
        return config, None
    if data.csv_text is None:
        raise ValueError("its data set is a CSV file, but the file's content is not in it")
    origin = str(data.dataset.get("path") or config.data.csv_path or "data.csv")
    name = re.sub(r"[^\w.-]+", "_", Path(origin.replace("\\", "/")).name)[-100:]
    if not name.strip("."):  # "", "." or "..": a folder, not a file name
        name = "data.csv"
    try:
        folder = Path(tempfile.mkdtemp(prefix="session-", dir=csv_folder))
        path = folder / name
        path.write_text(data.csv_text, encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"its data (the embedded CSV file) cannot be written to the folder "
                         f"{csv_folder} ({exc.strerror or 'an input/output error'}); free some "
                         "disk space or check that the folder can be written to") from exc
    return dataclasses.replace(config, data=dataclasses.replace(config.data,
                                                                csv_path=str(path))), origin


def restore_session(data: SessionData, csv_folder) -> RestoredSession:
    """A new :class:`TrainingSession` in the saved state: settings, weights (bit for bit),
    trainer state, history, trajectory and per-layer statistics.

    Raises ``ValueError`` with a message naming the problem (settings nnviz cannot build,
    data that no longer gives the saved network, trainer state that does not fit).
    """
    config, origin = session_config(data, csv_folder)
    try:
        session = TrainingSession(config)
    except ValueError as exc:
        raise ValueError(f"its data or network cannot be rebuilt ({exc})") from exc
    except OSError as exc:
        why = exc.strerror or "an input/output error"
        raise ValueError(f"its data cannot be read back ({why})") from exc
    net, saved = session.net, data.network
    rebuilt = (list(net.layer_dims), list(net.activations), net.head)
    expected = (list(saved.get("layer_dims", [])), list(saved.get("activations", [])),
                saved.get("head"))
    if rebuilt != expected:
        raise ValueError(f"its settings now build the network {net.describe()} (layers "
                         f"{rebuilt[0]}), but the saved weights are for layers {expected[0]} "
                         f"with {expected[1]} and a {expected[2]} output; the data set "
                         "differs from the one it was saved with")
    if np.shape(data.theta) != net.theta.shape:
        raise ValueError(f"its parameters have shape {np.shape(data.theta)}, the network needs "
                         f"{net.theta.shape}")
    trainer = session.trainer
    if data.trainer:
        try:
            restore_trainer_state(trainer, data.trainer)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"its training state cannot be restored ({exc})") from exc
    else:  # no trainer state: keep the weights, count the iterations, start a fresh order
        trainer.iteration = int(data.settings.get("iterations", 0))
    net.set_theta(data.theta)

    notes = []
    extra = data.extra
    if not _restore_history(session, data.history, extra.get("history_stride")):
        notes.append("the cost and accuracy history")
    if not _restore_trajectory(session, data.trajectory, extra.get("trajectory_iterations"),
                               extra.get("trajectory_stride")):
        notes.append("the trajectory")
    layer_history = extra.get("layer_history")
    if session.layer_history is not None and isinstance(layer_history, dict):
        try:
            session.layer_history.restore(layer_history.get("iterations", []),
                                          dict(layer_history.get("series", {})))
        except (TypeError, ValueError):
            session.layer_history.clear()
            notes.append("the per-layer statistics")
    return RestoredSession(session, origin, tuple(notes))


def _inferred_stride(iterations: np.ndarray) -> int:
    """The largest power of two dividing every recorded iteration after the first ones a
    history keeps one by one (files without strides)."""
    gaps = np.flatnonzero(np.diff(iterations) > 1)
    if gaps.size:
        iterations = iterations[gaps[0]:]
    nonzero = iterations[iterations > 0]
    if nonzero.size == 0:
        return 1
    gcd = int(np.gcd.reduce(nonzero))
    return gcd & -gcd


def _restore_history(session: TrainingSession, history: dict, stride) -> bool:
    """Put the saved metric history in place; False (history of the restored point only)
    when it is missing or malformed."""
    fields = session.history.FIELDS
    iterations = history.get("iterations")
    if iterations is None or any(name not in history for name in fields):
        return not history  # an empty history is no loss
    iterations = np.asarray(iterations)
    if iterations.ndim != 1 or np.any(np.diff(iterations) <= 0) or \
            any(np.shape(history[name]) != iterations.shape for name in fields):
        return False
    stride = int(stride) if stride else _inferred_stride(iterations.astype(np.int64))
    # The later series (dev set, L2 term) when saved with the right length; else NaN.
    extras = {name: history[name] for name in session.history.EXTRA_FIELDS
              if name in history and np.shape(history[name]) == iterations.shape}
    session.history.restore(iterations, {**{name: history[name] for name in fields},
                                         **extras}, stride)
    return True


def _restore_trajectory(session: TrainingSession, thetas, iterations, stride) -> bool:
    n_params = session.net.n_params
    if not len(thetas):
        return True
    if iterations is None or len(iterations) != len(thetas):
        return False
    iterations = np.asarray(iterations, dtype=np.int64)
    if np.any(np.diff(iterations) <= 0) or any(np.shape(t) != (n_params,) for t in thetas):
        return False
    stride = int(stride) if stride else _inferred_stride(iterations)
    session.trajectory.restore(iterations, [np.asarray(t, dtype=session.net.dtype)
                                            for t in thetas], stride)
    return True


# -- imported weights ---------------------------------------------------------------------

def session_from_weights(model, config: SessionConfig) -> RestoredSession:
    """A new session on ``config``'s data with the network and weights of ``model`` (a
    :class:`~nnviz.engine.io.LoadedModel` from an nnviz export), at iteration 0, ready to
    train further. The hidden layers, activations, init settings and normalization switch
    follow the export; the data and hyperparameters stay.

    Raises ``ValueError`` when the weights do not fit the data (input or output size, task).
    ``notes`` says where the result differs from the exporting run (other feature names or
    normalization statistics).
    """
    net, meta = model.net, model.metadata.get("network", {})
    try:
        network = dataclasses.replace(
            config.network, hidden_units=tuple(net.layer_dims[1:-1]),
            activations=tuple(net.activations), alpha=net.alpha, dtype=net.dtype.name,
            init=str(meta.get("init", config.network.init)),
            init_scale=float(meta.get("init_scale", config.network.init_scale)),
            seed=int(meta.get("seed", config.network.seed)))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"its network cannot be built in the app ({exc})") from exc
    data = dataclasses.replace(config.data, normalize=model.normalizer is not None)
    new_config = dataclasses.replace(config, network=network, data=data)
    try:
        session = TrainingSession(new_config)
    except (ValueError, OSError) as exc:
        raise ValueError(f"the current data cannot be used with it ({exc})") from exc
    built, d = session.net, session.data
    if built.layer_dims[0] != net.layer_dims[0] or built.layer_dims[-1] != net.layer_dims[-1] \
            or built.head != net.head:
        raise ValueError(
            f"the weights take n[0] = {net.layer_dims[0]} inputs and give {net.layer_dims[-1]} "
            f"{net.head} output(s), but the current data set ({d.title}) has "
            f"{built.layer_dims[0]} features and needs {built.layer_dims[-1]} {built.head} "
            "output(s); open the data they were trained on first (File > Open data or the "
            "builder's data set)")
    built.set_theta(net.theta)
    # Start the records afresh from the imported parameters.
    session.history.clear()
    session.trajectory.clear()
    if session.layer_history is not None:
        session.layer_history.clear()
    measured = session.measure()
    session.history.append(0, measured["train_cost"], measured["test_cost"],
                           measured["train_metric"], measured["test_metric"])
    session.trajectory.append(0, built.theta)

    notes = []
    names = model.feature_names
    if names and list(names) != list(d.feature_names):
        notes.append(f"they were trained on features {', '.join(names)}, the current data has "
                     f"{', '.join(d.feature_names)}")
    if model.normalizer is not None:
        same = (np.allclose(model.normalizer.mean[:, 0], d.mean, rtol=1e-9, atol=1e-12) and
                np.allclose(model.normalizer.std[:, 0], d.std, rtol=1e-9, atol=1e-12))
        if not same:
            notes.append("the current training split's mean μ and std σ differ from the "
                         "exported ones, so the inputs are normalized a little differently")
    return RestoredSession(session, None, tuple(notes))
