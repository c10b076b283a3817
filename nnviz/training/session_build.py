"""Building what a :class:`~nnviz.training.config.SessionConfig` describes, before it runs.

This module owns turning settings into objects: the data (loading a generated, built-in,
course-exact or CSV data set through a small cache, the train/dev/test split, drawn and
removed points, input features, normalization fitted on the training split, and the read-only
:class:`~nnviz.training.snapshot.DataSummary` the panels see), the network (with a lesson's
starting point) and its trainer. :class:`~nnviz.training.session.TrainingSession` calls these
and swaps the results in only when all of them were built without error; running, recording
and snapshots stay in ``session.py``.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from nnviz.engine.course_exact import course_split
from nnviz.engine.data import (DATASETS, Dataset, Split, load_csv, make_dataset,
                               targets_matrix, train_test_split)
from nnviz.engine.data.edits import apply_point_edits, nearest_point
from nnviz.engine.features import FeatureMap
from nnviz.engine.network import Network
from nnviz.engine.normalization import Standardizer
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.trainer import Trainer

from .config import CSV_DATASET, DataSpec, Hyperparameters, NetworkSpec
from .history import read_only
from .snapshot import DataSummary

DATASET_CACHE_SIZE = 8


@dataclass(frozen=True)
class BuiltData:
    spec: DataSpec
    dataset: Dataset
    standardizer: Standardizer
    summary: DataSummary
    features: FeatureMap | None = None
    ids_train: np.ndarray | None = None  # point ids (nnviz.engine.data.edits) of the columns
    ids_test: np.ndarray | None = None
    ids_dev: np.ndarray | None = None


class CheckedCsv:
    """The CSV data set File > Open data's dialog has just read in full (to check it), kept
    so the session built on Load uses it instead of reading the file again. One entry, keyed
    by the file's path, modification time, size and inode and the reading options: a file
    changed since is read again."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entry: tuple[tuple, Dataset] | None = None

    @staticmethod
    def key(path, label_column, has_header, task) -> tuple | None:
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        return (os.path.abspath(path), info.st_mtime_ns, info.st_size, info.st_ino,
                label_column, has_header, task)

    def remember(self, key: tuple | None, dataset: Dataset) -> None:
        with self._lock:
            self._entry = None if key is None else (key, dataset)

    def take(self, path, label_column, has_header, task) -> Dataset | None:
        """The remembered data set if it is this file, unchanged, read with these options
        (then forgotten: the session's own cache keeps it from here on)."""
        key = self.key(path, label_column, has_header, task)
        with self._lock:
            if key is None or self._entry is None or self._entry[0] != key:
                return None
            dataset, self._entry = self._entry[1], None
            return dataset


CHECKED_CSV = CheckedCsv()


def load_csv_checked(path, label_column=None, has_header=None, task=None, *, progress=None,
                     cancel=None) -> Dataset:
    """:func:`~nnviz.engine.data.load_csv` for a file the user is about to load (the Open
    data dialog's check): the result is remembered, so building the session on Load does not
    read the file a second time. Raises what ``load_csv`` raises."""
    key = CheckedCsv.key(path, label_column, has_header, task)  # before: a later edit misses
    dataset = load_csv(path, label_column=label_column, has_header=has_header, task=task,
                       progress=progress, cancel=cancel)
    CHECKED_CSV.remember(key, dataset)
    return dataset


class DatasetCache:
    """The last few data sets loaded (or, course-exact, the course's own splits), so
    switching back and forth or drawing points does not load or generate them again."""

    def __init__(self, size: int = DATASET_CACHE_SIZE):
        self.size = size
        self._datasets: OrderedDict = OrderedDict()

    def load(self, spec: DataSpec) -> Dataset | Split:
        """The data set (or, course-exact, the course's own train/test split), cached."""
        key = (spec.name, spec.params, spec.csv_path, spec.csv_label_column,
               spec.csv_has_header, spec.csv_task, spec.course_exact,
               _file_version(spec.csv_path) if spec.name == CSV_DATASET else None)
        if key in self._datasets:
            self._datasets.move_to_end(key)
            return self._datasets[key]
        if spec.course_exact:
            dataset = course_split(spec.name, **spec.param_dict)
        elif spec.name == CSV_DATASET:
            options = (spec.csv_label_column, spec.csv_has_header, spec.csv_task)
            dataset = CHECKED_CSV.take(spec.csv_path, *options) or load_csv(
                spec.csv_path, label_column=options[0], has_header=options[1],
                task=options[2])
        else:
            dataset = make_dataset(spec.name, **spec.param_dict)
        self._datasets[key] = dataset
        if len(self._datasets) > self.size:
            self._datasets.popitem(last=False)
        return dataset


def _file_version(path) -> tuple | None:
    """What changes when a file is saved again: a changed CSV file is read again."""
    try:
        info = os.stat(path)
    except (OSError, ValueError, TypeError):
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def dev_columns(dataset: Dataset, held_out: np.ndarray, spec: DataSpec) -> np.ndarray:
    """The examples (columns of ``dataset``) of the dev set: ``spec.dev_fraction`` of all
    examples, drawn from ``held_out`` (what the training split leaves out), seeded by the
    split seed and stratified by class like the train/test split. Sorted; empty when the
    dev fraction is 0. The training set does not depend on it."""
    held_out = np.asarray(held_out, dtype=np.intp)
    if spec.dev_fraction <= 0 or held_out.size == 0:
        return np.zeros(0, dtype=np.intp)
    share = min(1.0, spec.dev_fraction / max(1.0 - spec.train_fraction, 1e-12))
    # Its own stream (not the train/test split's), so the split itself stays as it was.
    rng = np.random.default_rng([int(spec.split_seed), 0xDE5])
    if dataset.task == "regression":
        groups = [held_out]
    else:
        labels = dataset.y[held_out]
        groups = [held_out[labels == k] for k in np.unique(labels)]
    dev = []
    for group in groups:
        group = np.sort(group)
        rng.shuffle(group)
        dev.append(group[:int(round(share * group.size))])
    return np.sort(np.concatenate(dev)).astype(np.intp)


def build_data(spec: DataSpec, cache: DatasetCache) -> BuiltData:
    """Split, edit, feature-map and normalize the data ``spec`` names. Raises
    ``ValueError`` (including ``CSVError``) with a clear message on bad settings."""
    loaded = cache.load(spec)
    if isinstance(loaded, Split):
        split, dataset = loaded, loaded.dataset
    else:
        dataset = loaded
        split = train_test_split(dataset, spec.train_fraction, seed=spec.split_seed)
    edited = apply_point_edits(split, spec.added_points, spec.removed_points)
    if edited.y_train.size < 1:
        raise ValueError("the training split is empty; raise the train fraction")
    # Course-exact data keeps the notebooks' own train/test sets: no dev set there.
    dev = (np.zeros(0, dtype=np.intp) if isinstance(loaded, Split)
           else dev_columns(dataset, split.test_idx, spec))
    in_dev = np.isin(edited.ids_test, dev)
    in_test = ~in_dev
    X_train_raw, X_test_raw = edited.X_train, edited.X_test[:, in_test]
    X_dev_raw = edited.X_test[:, in_dev]
    y_test, y_dev = edited.y_test[in_test], edited.y_test[in_dev]
    features = spec.feature_map
    feature_names = tuple(dataset.feature_names)
    X_train, X_test, X_dev = X_train_raw, X_test_raw, X_dev_raw
    if features is not None:
        if dataset.n_features != features.n_inputs:
            raise ValueError(f"input features (x1^2, sin x1, ...) need two-input data; "
                             f"{dataset.name} has {dataset.n_features} inputs")
        X_train, X_test = features.apply(X_train_raw), features.apply(X_test_raw)
        X_dev = features.apply(X_dev_raw)
        feature_names = features.labels
    # Fitted on the features the network sees (after the feature map), on the training
    # split as loaded: drawing points does not move the inputs the network has learned.
    fit_on = split.X_train if split.train_idx.size else X_train_raw
    standardizer = Standardizer.fit(fit_on if features is None else features.apply(fit_on))
    if spec.normalize:
        X_train, X_test = standardizer.transform(X_train), standardizer.transform(X_test)
        X_dev = standardizer.transform(X_dev)

    def targets(y):
        return read_only(targets_matrix(y, dataset.task, dataset.n_classes))

    info = DATASETS.get(dataset.name)
    title = info.title if info is not None and spec.name != CSV_DATASET else dataset.name
    summary = DataSummary(
        name=spec.name, title=title, task=dataset.task,
        feature_names=feature_names, class_names=tuple(dataset.class_names),
        head=dataset.head, n_features=X_train.shape[0], n_outputs=dataset.n_outputs,
        normalized=spec.normalize, mean=read_only(standardizer.mean[:, 0]),
        std=read_only(standardizer.std[:, 0]),
        constant_features=standardizer.constant_features,
        X_train=read_only(X_train), Y_train=targets(edited.y_train),
        X_test=read_only(X_test), Y_test=targets(y_test),
        X_train_raw=read_only(X_train_raw), X_test_raw=read_only(X_test_raw),
        y_train=read_only(edited.y_train), y_test=read_only(y_test),
        description=info.description if info is not None and spec.name != CSV_DATASET
        else dataset.source,
        X_dev=read_only(X_dev), Y_dev=targets(y_dev), X_dev_raw=read_only(X_dev_raw),
        y_dev=read_only(y_dev),
    )
    return BuiltData(spec, dataset, standardizer, summary, features, edited.ids_train,
                     edited.ids_test[in_test], edited.ids_test[in_dev])


def point_id_at(data: BuiltData, x1: float, x2: float) -> int | None:
    """The id of the data point (training, dev or test) nearest to ``(x1, x2)`` in raw units,
    each axis measured in units of its span; None unless the data has two raw inputs."""
    d = data.summary
    X = np.hstack([d.X_train_raw, d.X_test_raw, d.X_dev_raw])
    if X.shape[0] != 2:
        return None
    span = X.max(axis=1) - X.min(axis=1) if X.shape[1] else None
    ids = np.concatenate([data.ids_train, data.ids_test, data.ids_dev])
    return nearest_point(X, ids, x1, x2, span)


def build_network(spec: NetworkSpec, data: DataSummary) -> Network:
    dims = [data.n_features, *spec.hidden_units, data.n_outputs]
    net = Network(dims, list(spec.activations), data.head, alpha=spec.alpha,
                  dtype=np.dtype(spec.dtype), init=spec.init, init_scale=spec.init_scale,
                  seed=spec.seed, course_exact=spec.course_exact)
    start_from(net, spec)
    return net


def build_trainer(net: Network, data: DataSummary, hyper: Hyperparameters) -> Trainer:
    optimizer = make_optimizer(hyper.optimizer, **hyper.optimizer_kwargs())
    return Trainer(net, data.X_train, data.Y_train, optimizer, batch_size=hyper.batch_size,
                   lambd=hyper.lambd, keep_prob=hyper.keep_prob, seed=net.seed)


def start_from(net: Network, spec: NetworkSpec) -> None:
    """Put a lesson's starting point (``spec.initial_theta``) into ``net``."""
    if spec.initial_theta is None:
        return
    theta = np.asarray(spec.initial_theta, dtype=np.float64)
    if theta.shape != net.theta.shape or not np.all(np.isfinite(theta)):
        raise ValueError(f"the starting point has {theta.size} parameters, the network "
                         f"{net.layer_dims} has {net.n_params} (all must be finite numbers)")
    net.theta[...] = theta
