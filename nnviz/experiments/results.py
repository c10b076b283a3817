"""What an experiment returns: plain frozen values with read-only NumPy arrays (no Qt).

The UI draws any :class:`ExperimentResult` with a handful of generic plot kinds, so a new
lesson needs no new drawing code:

- :class:`CurvePlot`: labelled series against a shared axis (cost curves, gradient norms per
  layer, timings), optionally on log axes;
- :class:`SurfacePlot`: a cost surface ``J`` over two parameters with paths drawn on it;
- :class:`BoundaryPlot`: a grid of decision boundaries (one cell per run) with the data;
- :class:`HeatmapPlot`: matrices side by side (the rows of ``W[1]``);
- :class:`BarPlot`: one number per label (speed-ups, iterations to a target).

A :class:`Table` holds the final numbers; :func:`format_cell` renders a cell the same way
everywhere (panel, tests, command line).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def read_only(a, dtype=None) -> np.ndarray:
    out = np.array(a, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Series:
    """One labelled line (or point set) of a plot. ``kind``: ``"line"``, ``"points"`` or
    ``"path"`` (a line with markers at its points, e.g. a gradient-descent path)."""
    label: str
    x: np.ndarray
    y: np.ndarray
    kind: str = "line"

    def __post_init__(self):
        x, y = read_only(self.x, np.float64).reshape(-1), read_only(self.y, np.float64).reshape(-1)
        if x.shape != y.shape:
            raise ValueError(f"series {self.label!r}: x has {x.size} values, y {y.size}")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)


@dataclass(frozen=True)
class CurvePlot:
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    log_x: bool = False
    log_y: bool = False
    note: str = ""  # one line under the plot: what to read from it


@dataclass(frozen=True)
class SurfacePlot:
    """``z[i, j] = J(x[j], y[i])``; ``paths`` are drawn on top (in the same coordinates)."""
    title: str
    xlabel: str
    ylabel: str
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    paths: tuple[Series, ...] = ()
    log_z: bool = True  # colour by log10(J): contours of a bowl stay visible near its bottom
    note: str = ""

    def __post_init__(self):
        for name in ("x", "y", "z"):
            object.__setattr__(self, name, read_only(getattr(self, name), np.float64))
        if self.z.shape != (self.y.size, self.x.size):
            raise ValueError(f"surface {self.title!r}: z is {self.z.shape}, expected "
                             f"({self.y.size}, {self.x.size})")


@dataclass(frozen=True)
class BoundaryCell:
    """One decision boundary: ``probability[i, j] = P(y=1 | x=xs[j], y=ys[i])`` (raw units)
    and the training points ``X`` (2, m) with labels ``y`` (m,)."""
    label: str
    xs: np.ndarray
    ys: np.ndarray
    probability: np.ndarray
    X: np.ndarray
    y: np.ndarray
    subtitle: str = ""  # e.g. "train 90.5%, test 88.8%"

    def __post_init__(self):
        for name in ("xs", "ys", "probability", "X", "y"):
            object.__setattr__(self, name, read_only(getattr(self, name)))


@dataclass(frozen=True)
class BoundaryPlot:
    """Decision boundaries side by side over the plane of the two raw inputs, drawn with
    one unit the same length on both axes (a circle looks round)."""
    title: str
    cells: tuple[BoundaryCell, ...]
    note: str = ""
    xlabel: str = "x1"
    ylabel: str = "x2"


@dataclass(frozen=True)
class HeatmapCell:
    label: str
    matrix: np.ndarray
    xlabel: str = ""
    ylabel: str = ""

    def __post_init__(self):
        object.__setattr__(self, "matrix", read_only(self.matrix, np.float64))


@dataclass(frozen=True)
class HeatmapPlot:
    """Matrices side by side on one symmetric colour scale (blue < 0 < red)."""
    title: str
    cells: tuple[HeatmapCell, ...]
    note: str = ""


@dataclass(frozen=True)
class BarPlot:
    title: str
    ylabel: str
    labels: tuple[str, ...]
    values: np.ndarray
    log_y: bool = False
    note: str = ""
    xlabel: str = ""
    fmt: str = "g"  # how the value above each bar is written (format_cell styles)
    threshold: float | None = None  # drawn as a dashed line; bars above it are flagged

    def __post_init__(self):
        object.__setattr__(self, "values", read_only(self.values, np.float64).reshape(-1))
        if self.values.size != len(self.labels):
            raise ValueError(f"bar plot {self.title!r}: {len(self.labels)} labels, "
                             f"{self.values.size} values")


Plot = CurvePlot | SurfacePlot | BoundaryPlot | HeatmapPlot | BarPlot


@dataclass(frozen=True)
class Table:
    """Rows of plain values (str, int, float, bool or None); ``formats`` per column are
    :func:`format_cell` styles (``"g"`` default, ``"pct"``, ``"sci"``, ``"int"``, ``"x"``,
    ``"s"`` seconds, ``"ms"``)."""
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    formats: tuple[str, ...] = ()

    def __post_init__(self):
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a table row has {len(row)} cells for {len(self.columns)} "
                                 f"columns: {row!r}")

    def column(self, name: str) -> list:
        j = self.columns.index(name)
        return [row[j] for row in self.rows]

    def cell(self, row: int, column: str):
        return self.rows[row][self.columns.index(column)]

    def text(self, row: int, column: int) -> str:
        fmt = self.formats[column] if column < len(self.formats) else "g"
        return format_cell(self.rows[row][column], fmt)

    def as_text(self) -> str:
        """A plain-text rendering (aligned columns)."""
        cells = [list(self.columns)] + [[self.text(r, c) for c in range(len(self.columns))]
                                         for r in range(len(self.rows))]
        widths = [max(len(row[c]) for row in cells) for c in range(len(self.columns))]
        return "\n".join("  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells)


def format_cell(value, fmt: str = "g") -> str:
    if value is None:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    v = float(value)
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "never" if v > 0 else "-inf"
    if fmt == "pct":
        return f"{100 * v:.1f}%"
    if fmt == "sci":
        return f"{v:.2e}"
    if fmt == "int":
        return f"{int(round(v)):,}"
    if fmt == "x":
        return f"{v:,.0f}x" if v >= 100 else f"{v:.1f}x"
    if fmt == "s":
        return f"{v:.2f} s"
    if fmt == "ms":
        return f"{1e3 * v:.3g} ms"
    return f"{v:.4g}"


@dataclass(frozen=True)
class RunRecord:
    """One training run: its settings, curves and final numbers.

    ``iterations`` and the four curves are the evenly spaced records (train/test cost and
    accuracy or R^2, NaN where not available); ``step_costs[i]`` is the training cost after
    ``i`` updates (every step). ``diverged_at`` is the iteration whose cost or parameters
    became NaN/inf (the run stops there and keeps the last finite state). ``stuck_at`` is
    the iteration where the gradient was exactly zero with plain gradient descent: a fixed
    point, so the rest of the run was filled in with the same values instead of computed.
    """
    label: str
    config: Any  # nnviz.training.config.SessionConfig
    metric_name: str  # "accuracy" or "R^2"
    iterations: np.ndarray
    train_cost: np.ndarray
    test_cost: np.ndarray
    train_metric: np.ndarray
    test_metric: np.ndarray
    step_costs: np.ndarray
    final: dict  # train_cost, test_cost, train_metric, test_metric (floats, NaN if n/a)
    iterations_run: int
    diverged: bool = False
    diverged_at: int | None = None
    message: str = ""
    stuck_at: int | None = None
    seconds: float = 0.0
    theta: np.ndarray | None = None  # final parameters
    trajectory: np.ndarray | None = None  # (T, n_params) recorded thetas, oldest first
    trajectory_iterations: np.ndarray | None = None

    @property
    def initial_cost(self) -> float:
        return float(self.train_cost[0]) if self.train_cost.size else float("nan")

    def iterations_to(self, target: float) -> int | None:
        """Updates needed until the training cost is at most ``target`` (None: never)."""
        hit = np.flatnonzero(self.step_costs <= target)
        return int(hit[0]) if hit.size else None


@dataclass(frozen=True)
class ExperimentResult:
    key: str
    title: str
    text: str  # what to look at and why (course notation)
    conclusion: str  # what this run showed, with its numbers
    table: Table
    runs: tuple[RunRecord, ...] = ()
    plots: tuple = ()  # Plot instances, in display order
    findings: dict = field(default_factory=dict)  # the lesson's numbers, by name
    seconds: float = 0.0

    def run(self, label: str) -> RunRecord:
        for r in self.runs:
            if r.label == label:
                return r
        raise KeyError(f"no run labelled {label!r}; runs: {[r.label for r in self.runs]}")
