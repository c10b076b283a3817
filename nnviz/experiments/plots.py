"""Helpers that turn runs and sessions into the generic plots of ``results``."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from nnviz.engine.cost_surface import cost_surface, parameter_directions
from nnviz.training import probes

from .results import BoundaryCell, CurvePlot, RunRecord, Series, SurfacePlot, format_cell
from .runs import run_session


def cost_curves(runs: Sequence[RunRecord], title: str = "Training cost J",
                log_y: bool = True, test: bool = False, note: str = "",
                diverged_cap: float = 1e3) -> CurvePlot:
    """Train (or test) cost against iteration, one line per run, labelled by the run. A
    diverged run is drawn up to ``diverged_cap`` times the highest cost of the others (the
    top of the plot), so its blow-up does not squash their curves together."""
    key = "test_cost" if test else "train_cost"
    calm = [float(np.nanmax(getattr(r, key))) for r in runs if not r.diverged
            and np.isfinite(getattr(r, key)).any()]
    cap = diverged_cap * max(calm) if calm else np.inf
    series = []
    for r in runs:
        x = np.asarray(r.iterations, dtype=np.float64)
        y = np.asarray(getattr(r, key), dtype=np.float64)
        keep = np.isfinite(y) & ((y > 0) if log_y else True)
        x, y = x[keep], y[keep]
        if r.diverged and (y > cap).any():
            first = int(np.argmax(y > cap))
            x, y = np.append(x[:first], x[first]), np.append(y[:first], cap)
        label = r.label + (f" (diverged at {r.diverged_at})" if r.diverged else "")
        # a run that blew up within a few records: markers, or a single point is invisible
        series.append(Series(label, x, y, kind="path" if r.diverged and x.size < 20 else "line"))
    return CurvePlot(title, "iteration", "J (log scale)" if log_y else "J", tuple(series),
                     log_y=log_y, note=note)


def metric_curves(runs: Sequence[RunRecord], test: bool = False) -> CurvePlot:
    key = "test_metric" if test else "train_metric"
    name = runs[0].metric_name if runs else "accuracy"
    series = tuple(Series(r.label, r.iterations, getattr(r, key)) for r in runs)
    return CurvePlot(f"{'Test' if test else 'Training'} {name}", "iteration", name, series)


def accuracy_text(record: RunRecord) -> str:
    f = record.final
    text = f"train {format_cell(f['train_metric'], 'pct')}"
    if np.isfinite(f["test_metric"]):
        text += f", test {format_cell(f['test_metric'], 'pct')}"
    return text


def boundary_cell(session, label: str, record: RunRecord | None = None,
                  resolution: int = 80) -> BoundaryCell:
    """The decision boundary of the session's network over the plane of its two raw inputs,
    with the training points."""
    d = session.data
    if d.X_train_raw.shape[0] != 2 or d.task != "binary":
        raise ValueError("a boundary cell needs binary data with two inputs")
    X_all = np.hstack([d.X_train_raw, d.X_test_raw])
    xs, ys = probes.plane_axes(X_all, resolution)
    # The pipeline maps the raw plane to the network's inputs (features, normalization).
    grid = probes.boundary_grid(session.net, session.input_pipeline, xs, ys, d.task, True)
    probability = grid.values if grid is not None else np.full((ys.size, xs.size), 0.5)
    return BoundaryCell(label, xs, ys, probability, d.X_train_raw, d.y_train,
                        accuracy_text(record) if record is not None else "")


def runs_with_boundaries(configs, labels, iterations: int, reporter, resolution: int):
    """Train each of ``configs`` for ``iterations`` (a share of ``reporter``'s progress
    each); their records and their decision-boundary cells, in order."""
    runs, cells = [], []
    for config, label, part in zip(configs, labels, reporter.parts([1] * len(configs))):
        record, session = run_session(config, iterations, label=label, progress=part)
        runs.append(record)
        cells.append(boundary_cell(session, label, record, resolution))
    return runs, cells


def square_window(points: np.ndarray, margin: float = 0.25,
                  minimum: float = 1.0) -> tuple[float, float, float, float]:
    """A square ``(x0, x1, y0, y1)`` around ``points`` (N, 2), same span on both axes, so a
    round bowl looks round and an elongated one elongated."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    p = p[np.isfinite(p).all(axis=1)]
    lo, hi = p.min(axis=0), p.max(axis=0)
    centre = (lo + hi) / 2
    half = max(float((hi - lo).max()) / 2 * (1 + 2 * margin), minimum / 2)
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def parameter_surface(net, X, Y, first: str, second: str, centre, window,
                      resolution: int = 81, lambd: float = 0.0) -> tuple[np.ndarray, ...]:
    """``J`` over two parameters (the engine's exact-axes slice) on ``window`` given in the
    parameters' own values; returns ``(xs, ys, costs)`` with ``costs[i, j] = J(xs[j], ys[i])``."""
    dirs = parameter_directions(net, first, second)
    centre = np.array(centre, dtype=np.float64)
    i, j = dirs.parameters
    x0, x1, y0, y1 = window
    extent = (x0 - centre[i], x1 - centre[i], y0 - centre[j], y1 - centre[j])
    surface = cost_surface(net, X, Y, dirs, centre=centre, resolution=resolution,
                           extent=extent, lambd=lambd, dtype=np.float64)
    return surface.alphas + centre[i], surface.betas + centre[j], surface.costs


def path_series(label: str, thetas: np.ndarray, i: int, j: int) -> Series:
    return Series(label, thetas[:, i], thetas[:, j], kind="path")


def surface_plot(title: str, xlabel: str, ylabel: str, xs, ys, costs, paths=(),
                 note: str = "") -> SurfacePlot:
    return SurfacePlot(title, xlabel, ylabel, xs, ys, costs, tuple(paths), note=note)
