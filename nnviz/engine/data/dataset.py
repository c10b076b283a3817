"""The data-set container every generator, the CSV reader and the app share."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Dataset:
    """Examples in columns, as in the course: ``X`` is ``(n_x, m)``.

    ``y`` holds the raw targets, shape ``(m,)``: integer class indices ``0..K-1`` for
    classification, floats for regression. ``targets()`` gives the ``Y`` matrix the
    network trains on: ``(1, m)`` for binary and regression, one-hot ``(K, m)`` for
    multi-class.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()
    source: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        if self.X.ndim != 2 or self.y.ndim != 1 or self.X.shape[1] != self.y.shape[0]:
            raise ValueError(
                f"X must be (n_x, m) and y (m,); got X {self.X.shape} and y {self.y.shape}"
            )

    @property
    def n_features(self) -> int:
        return self.X.shape[0]

    @property
    def m(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.class_names) if self.task != "regression" else 0

    @property
    def n_outputs(self) -> int:
        """Units of the output layer ``n[L]`` this task needs."""
        return self.n_classes if self.task == "multiclass" else 1

    @property
    def head(self) -> str:
        """Output activation matching the task (its loss follows from it)."""
        return {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}[self.task]

    def targets(self, idx: np.ndarray | None = None) -> np.ndarray:
        y = self.y if idx is None else self.y[idx]
        return targets_matrix(y, self.task, self.n_classes)


def targets_matrix(y: np.ndarray, task: str, n_classes: int = 0) -> np.ndarray:
    """``Y`` for the network: ``(1, m)`` or one-hot ``(K, m)``."""
    if task == "multiclass":
        Y = np.zeros((n_classes, y.shape[0]))
        Y[y.astype(np.intp), np.arange(y.shape[0])] = 1.0
        return Y
    return y.astype(np.float64).reshape(1, -1)


@dataclass(frozen=True)
class Split:
    """A train/test split of one data set. Normalization is fitted on ``X_train`` only."""

    dataset: Dataset
    train_idx: np.ndarray
    test_idx: np.ndarray

    @property
    def X_train(self) -> np.ndarray:
        return self.dataset.X[:, self.train_idx]

    @property
    def X_test(self) -> np.ndarray:
        return self.dataset.X[:, self.test_idx]

    @property
    def Y_train(self) -> np.ndarray:
        return self.dataset.targets(self.train_idx)

    @property
    def Y_test(self) -> np.ndarray:
        return self.dataset.targets(self.test_idx)


def train_test_split(dataset: Dataset, train_fraction: float = 0.8, seed: int = 0,
                     stratify: bool = True) -> Split:
    """Seeded split; classification splits are stratified so both sides see every class."""
    if not 0.0 < train_fraction <= 1.0:
        raise ValueError(f"train_fraction must be in (0, 1], got {train_fraction}")
    rng = np.random.default_rng(seed)
    m = dataset.m
    if stratify and dataset.task != "regression":
        train, test = [], []
        for k in np.unique(dataset.y):
            idx = np.flatnonzero(dataset.y == k)
            rng.shuffle(idx)
            n_train = int(round(train_fraction * idx.size))
            train.append(idx[:n_train])
            test.append(idx[n_train:])
        train_idx, test_idx = np.sort(np.concatenate(train)), np.sort(np.concatenate(test))
    else:
        perm = rng.permutation(m)
        n_train = int(round(train_fraction * m))
        train_idx, test_idx = np.sort(perm[:n_train]), np.sort(perm[n_train:])
    return Split(dataset, train_idx, test_idx)
