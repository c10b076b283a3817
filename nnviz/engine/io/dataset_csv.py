"""Data as a CSV file in the built-in data sets' layout (a header of feature names, one
example per row, the last column ``target`` holding the class name or the value), so
``load_csv(path, label_column="target")`` reads it back. Used to save data the learner drew."""
from __future__ import annotations

import csv
import io

import numpy as np

from .atomic import atomic_write
from .errors import ExportError


def dataset_csv_text(X, y, feature_names, class_names=()) -> str:
    """``X`` raw ``(n_x, m)``, ``y`` ``(m,)`` class indices (with ``class_names``) or values."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[1],) or len(feature_names) != X.shape[0]:
        raise ValueError(f"X must be (n_x, m) with n_x feature names and y (m,); got X "
                         f"{X.shape}, y {y.shape}, {len(feature_names)} names")
    if not np.isfinite(X).all():
        raise ValueError("the data contain NaN or infinite values")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*feature_names, "target"])
    labels = [class_names[int(k)] for k in y] if class_names else [repr(float(v)) for v in y]
    for row, label in zip(X.T, labels):
        writer.writerow([repr(float(v)) for v in row] + [label])
    return out.getvalue()


def export_dataset_csv(path, X, y, feature_names, class_names=()):
    """Write :func:`dataset_csv_text` atomically; :class:`ExportError` names the path."""
    try:
        text = dataset_csv_text(X, y, feature_names, class_names)
    except (ValueError, IndexError) as exc:
        raise ExportError(f"Cannot save the data to {path}: {exc}.", path) from exc
    data = text.encode("utf-8")
    return atomic_write(path, lambda f: f.write(data))
