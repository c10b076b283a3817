"""Data the learner draws: points added to and removed from a split (pure NumPy).

Edits are kept as plain values so a session can store and replay them: points added, each
``(x1, x2, class)``, always join the training set; removed examples are named by their column
in the data set as loaded (before any edit). Every example has a *point id*: its column for
the loaded examples, ``m + k`` for the k-th added point, so "remove the nearest point" can
name either kind.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dataset import Dataset, Split


@dataclass(frozen=True)
class EditedSplit:
    """A split after the edits: raw inputs ``(n_x, m)``, labels ``(m,)`` and point ids."""

    X_train: np.ndarray
    y_train: np.ndarray
    ids_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    ids_test: np.ndarray


def check_point_edits(dataset: Dataset, added, removed) -> None:
    """``ValueError`` naming the problem when the edits do not fit ``dataset``."""
    if added:
        if dataset.n_features != 2 or dataset.task == "regression":
            raise ValueError("points can be drawn on two-input classification data only; "
                             f"{dataset.name} has {dataset.n_features} inputs "
                             f"({dataset.task})")
        labels = [int(p[2]) for p in added]
        if max(labels) >= dataset.n_classes:
            raise ValueError(f"a drawn point has class {max(labels)}; {dataset.name} has "
                             f"classes 0 to {dataset.n_classes - 1}")
    if removed and max(removed) >= dataset.m:
        raise ValueError(f"cannot remove example {max(removed)}: {dataset.name} has "
                         f"{dataset.m} examples")


def apply_point_edits(split: Split, added=(), removed=()) -> EditedSplit:
    """``split`` without the ``removed`` examples and with the ``added`` points (training)."""
    dataset = split.dataset
    check_point_edits(dataset, added, removed)
    gone = np.zeros(dataset.m, dtype=bool)
    gone[list(removed)] = True
    train = split.train_idx[~gone[split.train_idx]]
    test = split.test_idx[~gone[split.test_idx]]
    X_add = np.array([[p[0] for p in added], [p[1] for p in added]], dtype=np.float64) \
        if added else np.zeros((dataset.n_features, 0))
    y_add = np.array([int(p[2]) for p in added], dtype=dataset.y.dtype)
    return EditedSplit(
        X_train=np.hstack([dataset.X[:, train], X_add]),
        y_train=np.concatenate([dataset.y[train], y_add]),
        ids_train=np.concatenate([train, dataset.m + np.arange(len(added))]).astype(np.intp),
        X_test=dataset.X[:, test], y_test=dataset.y[test], ids_test=test.astype(np.intp))


def nearest_point(X, ids, x1: float, x2: float, scale=None) -> int | None:
    """The point id of the column of ``X`` (raw ``(2, m)``) nearest to ``(x1, x2)``;
    ``scale`` (per axis, e.g. the plot's spans) makes the distance fair on axes of different
    units. None when there are no points."""
    X = np.asarray(X, dtype=np.float64)
    if X.shape[1] == 0:
        return None
    s = np.ones(2) if scale is None else np.asarray(scale, dtype=np.float64).reshape(2)
    s = np.where(s > 0, s, 1.0)
    d = ((X[0] - x1) / s[0]) ** 2 + ((X[1] - x2) / s[1]) ** 2
    return int(np.asarray(ids)[int(np.argmin(d))])
