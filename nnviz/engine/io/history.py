"""Training history as CSV: one row per recorded step, one column per series.

``history`` maps a series name to an array: 1-D ``(T,)`` gives one column; 2-D ``(T, k)``
(per-layer statistics such as gradient norms) gives ``k`` columns ``name[1] .. name[k]``
(layer numbers as in the course). Row ``i`` of every series is the same step; a shorter
series leaves its remaining cells empty. The first column is ``iteration``: taken from
``history["iteration"]`` (or ``history["iterations"]``) if present, else ``1..T``. Numbers are written with Python's
shortest round-trip ``repr`` (NaN as ``nan``).
"""
from __future__ import annotations

import csv
import io

import numpy as np

from .atomic import atomic_write
from .errors import ExportError

ITERATION_KEYS = ("iteration", "iterations")


def history_columns(history: dict) -> tuple[list[str], list[np.ndarray]]:
    """Column names and 1-D columns (``iteration`` first)."""
    iteration_key = next((k for k in ITERATION_KEYS if k in history), None)
    names, columns = [], []
    for key, values in history.items():
        if key == iteration_key:
            continue
        a = np.asarray(values, dtype=np.float64)
        if a.ndim == 1:
            names.append(str(key))
            columns.append(a)
        elif a.ndim == 2:
            for j in range(a.shape[1]):
                names.append(f"{key}[{j + 1}]")
                columns.append(a[:, j])
        else:
            raise ValueError(f"history series {key!r} has shape {a.shape}; give 1-D (steps,) or "
                             "2-D (steps, layers) arrays")
    length = max((c.shape[0] for c in columns), default=0)
    if iteration_key is not None:
        iteration = np.asarray(history[iteration_key])
        length = max(length, iteration.shape[0])
    else:
        iteration = np.arange(1, length + 1)
    return ["iteration"] + names, [iteration] + columns


def history_csv_text(history: dict) -> str:
    names, columns = history_columns(history)
    length = max((c.shape[0] for c in columns), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for i in range(length):
        writer.writerow(["" if i >= c.shape[0] else _cell(c[i]) for c in columns])
    return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, np.integer):
        return str(int(value))
    return repr(float(value))


def export_history_csv(path, history: dict) -> None:
    """Write ``history`` (see the module docstring) to ``path`` atomically.

    Raises :class:`ExportError` for an unwritable path or a series of the wrong shape.
    """
    try:
        text = history_csv_text(history)
    except (ValueError, TypeError) as exc:
        raise ExportError(f"Cannot export the history to {path}: {exc}.", path) from exc
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))
