"""The inspector's per-parameter table: a QAbstractTableModel over a GradientCheckResult.

Rows are the checked elements of ``theta`` (one per parameter: tens of thousands for a real
network), so the model never builds a Python object per row: it keeps the result's arrays and
an index permutation, sorts with NumPy, and formats only the cells a view asks for.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from nnviz.engine.gradient_check import (BUG_THRESHOLD, GOOD_THRESHOLD, LOOK_THRESHOLD,
                                         GradientCheckResult)

COLUMNS = ("Parameter", "Analytic", "Numerical", "Rel. error", "Kink")
PARAMETER, ANALYTIC, NUMERICAL, RELATIVE, KINK = range(len(COLUMNS))
HEADER_TIPS = (
    "The gradient element, named as in the course: dW2[0,3] is ∂J/∂W[2] at row 0, column 3; "
    "db1[2] is ∂J/∂b[1] at row 2. Sorting by this column restores θ's order (W1, b1, W2, ...).",
    "Analytic: dθ from backprop, what the backward pass computes.",
    "Numerical: the two-sided difference (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε, from J alone, "
    "no backprop.",
    "Relative error |analytic - numerical| / max(|analytic|, |numerical|), per element "
    "(CS231n). Below 1e-7 good; up to 1e-5 look closer; 1e-3 or more almost surely a bug.\n"
    "Grey: the difference is below the round-off of the numerical derivative (about "
    "ulp(J)/ε), so the ratio says nothing. Sorted descending, the worst are first.",
    "Kink: when the ±ε step moved a ReLU (or leaky ReLU, ELU) input across 0: the difference "
    "then straddles a corner of J and a large error there is not evidence of a bug.",
)


def error_class(rel: float, within_noise: bool = False) -> str:
    """'good', 'fine', 'look' or 'bug' by the course's thresholds (round-off counts as good)."""
    if within_noise or not rel > GOOD_THRESHOLD:
        return "good"
    if rel <= LOOK_THRESHOLD:
        return "fine"
    if rel < BUG_THRESHOLD:
        return "look"
    return "bug"


def worst_first(rel: np.ndarray, absolute: np.ndarray, within_noise: np.ndarray) -> np.ndarray:
    """Positions ordered worst first: elements above the noise floor by relative error, then
    the round-off ones by absolute error (the order of the engine's report)."""
    rel = np.nan_to_num(rel, nan=-1.0)
    absolute = np.nan_to_num(absolute, nan=-1.0)
    return np.lexsort((-absolute, -np.where(within_noise, -1.0, rel), within_noise))


class ParameterTableModel(QAbstractTableModel):
    """Checked parameters of a :class:`GradientCheckResult`, worst first by default."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: GradientCheckResult | None = None
        self._all = np.zeros(0, dtype=np.intp)  # flat indices of the checked elements
        self._rows = self._all  # after the tensor filter, in the current sort order
        self._tensor: str | None = None
        self._sort = (RELATIVE, Qt.SortOrder.DescendingOrder)
        self._colours = {"good": QColor("#1a7f37"), "fine": QColor("#1a7f37"),
                         "look": QColor("#b35900"), "bug": QColor("#c62828"),
                         "noise": QColor("#8a8a8a")}

    # -- content ------------------------------------------------------------------------
    def set_result(self, result: GradientCheckResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self._all = (np.zeros(0, dtype=np.intp) if result is None
                     else np.flatnonzero(result.checked).astype(np.intp))
        if self._tensor is not None and not self._tensor_exists(self._tensor):
            self._tensor = None
        self._rebuild()
        self.endResetModel()

    def set_tensor_filter(self, tensor: str | None) -> None:
        """Show only ``"dW2"``'s elements (None: every tensor)."""
        if tensor is not None and self.result is not None and not self._tensor_exists(tensor):
            raise ValueError(f"no tensor {tensor!r} in the checked network")
        self.beginResetModel()
        self._tensor = tensor
        self._rebuild()
        self.endResetModel()

    @property
    def tensor_filter(self) -> str | None:
        return self._tensor

    def set_colours(self, good: str, warn: str, bad: str, neutral: str) -> None:
        self._colours = {"good": QColor(good), "fine": QColor(good), "look": QColor(warn),
                         "bug": QColor(bad), "noise": QColor(neutral)}
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, len(COLUMNS) - 1))

    def flat_index(self, row: int) -> int:
        """Position in ``theta`` of the parameter shown in ``row``."""
        return int(self._rows[row])

    def row_of(self, flat_index: int) -> int | None:
        hits = np.flatnonzero(self._rows == int(flat_index))
        return int(hits[0]) if hits.size else None

    def flat_indices(self) -> np.ndarray:
        """Every shown row's position in ``theta``, in display order."""
        return self._rows.copy()

    # -- Qt model API -------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else int(self._rows.size)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS[section]
        elif role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.result is None:
            return None
        r = self.result
        k = int(self._rows[index.row()])
        col = index.column()
        noise = bool(r.within_noise[k])
        if role == Qt.ItemDataRole.DisplayRole:
            if col == PARAMETER:
                return r.label(k)
            if col == ANALYTIC:
                return f"{r.analytic[k]: .5e}"
            if col == NUMERICAL:
                return f"{r.numeric[k]: .5e}"
            if col == RELATIVE:
                return f"{r.rel_error[k]:.1e}"
            if col == KINK:
                return "kink" if r.near_kink[k] else ""
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (ANALYTIC, NUMERICAL, RELATIVE):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ForegroundRole:
            if col == RELATIVE:
                return self._colours["noise" if noise else error_class(r.rel_error[k])]
            if col == KINK:
                return self._colours["look"]
        elif role == Qt.ItemDataRole.ToolTipRole:
            return self._row_tip(k)
        elif role == Qt.ItemDataRole.UserRole:  # the raw number, for tests and copying
            return {PARAMETER: k, ANALYTIC: float(r.analytic[k]), NUMERICAL: float(r.numeric[k]),
                    RELATIVE: float(r.rel_error[k]), KINK: bool(r.near_kink[k])}[col]
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (int(column), order)
        self._rows = self._sorted(self._rows)
        self.layoutChanged.emit()

    # -- internals ----------------------------------------------------------------------
    def _tensor_exists(self, tensor: str) -> bool:
        return any(t.grad_name == tensor for t in self.result.layout)

    def _rebuild(self) -> None:
        rows = self._all
        if self._tensor is not None and self.result is not None:
            info = next(t for t in self.result.layout if t.grad_name == self._tensor)
            rows = rows[(rows >= info.start) & (rows < info.stop)]
        self._rows = self._sorted(rows)

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        if self.result is None or rows.size == 0:
            return rows
        r = self.result
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        if column == RELATIVE:
            by_worst = rows[worst_first(r.rel_error[rows], r.abs_error[rows],
                                        r.within_noise[rows])]
            return by_worst if descending else by_worst[::-1].copy()
        if column == PARAMETER:
            keys = rows
        elif column == ANALYTIC:
            keys = r.analytic[rows]
        elif column == NUMERICAL:
            keys = r.numeric[rows]
        else:  # kink flag, then the worst within each group
            keys = r.near_kink[rows].astype(np.float64) + 0.5 * np.nan_to_num(
                np.clip(r.rel_error[rows], 0, 1))
        position = np.argsort(keys, kind="stable")
        if descending:
            position = position[::-1]
        return rows[position]

    def _row_tip(self, k: int) -> str:
        r = self.result
        lines = [f"{r.label(k)}: backprop {r.analytic[k]:.10g}, two-sided difference "
                 f"{r.numeric[k]:.10g}", f"|a - n| = {r.abs_error[k]:.3e}, relative "
                 f"{r.rel_error[k]:.3e}"]
        if r.within_noise[k]:
            lines.append(f"|a - n| is below the round-off floor {r.noise_floor:.1e} "
                         "(about ulp(J)/ε): this element agrees as well as ε allows.")
        if r.near_kink[k]:
            lines.append("The ±ε step crossed a ReLU kink: a large error here can be a false "
                         "alarm.")
        return "\n".join(lines)
